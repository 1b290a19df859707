"""Extraction on a Dask cluster: the map over articles of scripts/extraction_runs.py run by dask.distributed workers.

When the build is given a scheduler's address (DASK_SCHEDULER_ADDRESS, Dask's own variable: tcp://host:8786), the
articles go to the cluster's workers in chunks, and the reference data once to every worker. Each worker process
builds the extractor once and keeps it for the next build with the same code and reference data; it sends back each
article's extraction (without the article's body) or the failure that stopped it, as the local pool does. The results
come back in article order; the cache and the merge stay in the process that runs the build. Every worker runs the
same checkout and pinned virtualenv as the build: a worker whose extractor code differs (its code key) stops the
build with one line naming it. Dask is imported only here, and only when a scheduler is given.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from dataclasses import replace
from itertools import islice

from .errors import BuildError
from .extract import ArticleExtraction, Extractor
from .extraction_runs import CHUNKS_PER_JOB, SCHEDULER_VARIABLE, Failure, code_key, extract_safely
from .reference import Reference
from .seeds import Article

CONNECT_SECONDS = 30  # to reach the scheduler
WORKER_SECONDS = 120  # for a first worker to join a scheduler that has none
MAX_CHUNK = 64  # articles in one task at most: a slow or lost worker holds back no more than this
IN_FLIGHT_PER_THREAD = 4  # chunks sent ahead per worker thread; the others wait in the build's process


class OtherCode(Exception):
    """A worker runs extractor code other than the build's (another checkout, Python or library version)."""


# In a worker process: the extractor of the last reference data and code it was sent, and how many it has built.
_extractors: dict[str, Extractor] = {}
_lock = threading.Lock()  # one article at a time per process: the extractor keeps the current article's state
extractors_built = 0


def _worker_extractor(extractor_key: str, code: str, reference: Reference) -> Extractor:
    global extractors_built
    if extractor_key not in _extractors:
        if code_key() != code:
            from distributed import get_worker

            raise OtherCode(f"the Dask worker {get_worker().address} runs other extractor code than the build: "
                            "give every worker the build's checkout and its virtualenv from requirements.txt")
        _extractors.clear()
        _extractors[extractor_key] = Extractor(reference)
        extractors_built += 1
    return _extractors[extractor_key]


def extract_chunk(articles: list[Article], reference: Reference, extractor_key: str,
                  code: str) -> list[ArticleExtraction | Failure]:
    """On a worker: each article's extraction (without its body: the build has it) or failure, in order."""
    with _lock:
        extractor = _worker_extractor(extractor_key, code, reference)
        results = [extract_safely(extractor, article) for article in articles]
    return [replace(r, article=None) if isinstance(r, ArticleExtraction) else r for r in results]


def _chunks(articles: list[Article], threads: int) -> list[list[Article]]:
    size = max(1, min(MAX_CHUNK, len(articles) // (max(1, threads) * CHUNKS_PER_JOB)))
    return [articles[i:i + size] for i in range(0, len(articles), size)]


def _connect(address: str):
    from distributed import Client

    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, ValueError) as exc:
        raise BuildError(f"cannot reach the Dask scheduler at {address} ({SCHEDULER_VARIABLE}): {exc}") from None
    try:
        client.wait_for_workers(1, timeout=WORKER_SECONDS)
    except TimeoutError:
        client.close()
        raise BuildError(f"no Dask worker joined the scheduler at {address} ({SCHEDULER_VARIABLE}) "
                         f"within {WORKER_SECONDS} s") from None
    return client


def _map_chunks(client, chunks: list[list[Article]], reference, extractor_key: str, code: str,
                window: int) -> list[list[ArticleExtraction | Failure]]:
    """Each chunk's results, in chunk order. At most `window` chunks are out at a time, so the scheduler never
    holds the whole corpus."""
    from distributed import as_completed

    results: list[list[ArticleExtraction | Failure] | None] = [None] * len(chunks)
    index: dict[str, int] = {}

    def submit(n: int):
        future = client.submit(extract_chunk, chunks[n], reference, extractor_key, code, pure=False)
        index[future.key] = n
        return future

    waiting = iter(range(len(chunks)))
    running = as_completed([submit(n) for n in islice(waiting, window)], loop=client.loop)
    for future in running:
        results[index.pop(future.key)] = future.result()
        future.release()
        if (n := next(waiting, None)) is not None:
            running.add(submit(n))
    return results


def extract_on_cluster(articles: list[Article], reference: Reference, address: str) -> list[ArticleExtraction | Failure]:
    """Every article's extraction or failure, in article order, computed by the workers of the scheduler at `address`."""
    code = code_key()
    extractor_key = hashlib.sha256(pickle.dumps(reference, pickle.HIGHEST_PROTOCOL) + code.encode()).hexdigest()
    with _connect(address) as client:
        [shared] = client.scatter([reference], broadcast=True, hash=False)
        threads = sum(client.nthreads().values())
        chunks = _chunks(articles, threads)
        try:
            done = _map_chunks(client, chunks, shared, extractor_key, code, max(1, threads) * IN_FLIGHT_PER_THREAD)
        except OtherCode as exc:
            raise BuildError(str(exc)) from None
    results = [result for chunk in done for result in chunk]
    return [replace(r, article=a) if isinstance(r, ArticleExtraction) else r for a, r in zip(articles, results, strict=True)]
