# idlib-events: `make` builds, `make serve` serves, `make test` tests. The first target run creates
# .venv from the pinned requirements.txt; nothing needs installing by hand.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
DB := build/idlib-events.db
HOST ?= 127.0.0.1
PORT ?= 8001
INPUTS := datapackage.json metadata.yml $(wildcard seeds/*.txt seeds/*.csv seeds/*.yml seeds/reviews/*.yml seeds/reference/* \
          seeds/reference/lexicon/* seeds/reference/extraction/* seeds/collections/*/*) \
          $(wildcard schemas/*.json scripts/*.py scripts/extraction/*.py scripts/sql/*.sql scripts/sql/summaries/*.sql plugins/counted_facets.py)
# Debian's browser, for the browser tests (Playwright drives it; no browser is downloaded).
CHROMIUM := /usr/bin/chromium
# make publish: TARGET is where `datasette publish` deploys: cloudrun (default; needs gcloud logged in to a
# project), fly (flyctl; FLY_API_TOKEN) or vercel (the vercel CLI; VERCEL_TOKEN). DRY_RUN=1 deploys
# nothing: it writes the files the deployment would upload to dist/deploy/$(TARGET)/ and prints the
# command; so does a target whose tool or credentials are missing. DATASETTE_PUBLISH_SECRET, if set, is
# the deployed site's signing secret.
TARGET ?= cloudrun
DRY_RUN ?=
# JOBS=N: how many processes extract the articles (default: all cores; JOBS=1 extracts in one process).
# With DASK_SCHEDULER_ADDRESS=tcp://host:8786 in the environment (Dask's own variable) the articles are extracted
# on that Dask cluster's workers instead, whatever JOBS says: `DASK_SCHEDULER_ADDRESS=tcp://host:8786 make`; each
# worker machine runs `make dask-worker` in the same checkout (README, "Scaling out").
# Extractions are cached in build/.cache/extraction, so a rebuild extracts only new or changed articles.
JOBS ?=

.PHONY: build validate test lint evaluate bench bench-site load serve publish diff id-map add-article import clean venv datasette1-check dask-scheduler dask-worker

venv: $(STAMP)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

build: $(DB)

$(DB): $(STAMP) $(INPUTS)
	$(BIN)/python -m scripts.build --seeds seeds --out build$(if $(JOBS), --jobs $(JOBS))

validate: $(DB)
	$(BIN)/frictionless validate datapackage.json

# The extractor measured three ways: the seeds' gold, the FA-KES development gold, and agreement with the
# FA-KES crowd coding (needs ../shared/corpora/fakes/). VERBOSE=1 lists every miss, false hit and disagreement.
evaluate: $(STAMP)
	$(BIN)/python -m scripts.evaluate$(if $(filter-out 0 no false,$(VERBOSE)), --verbose)

# Speed (a measurement, not a test): for the seeds and the FA-KES dev corpus (imported into
# build/corpora/fakes-dev from ../shared/corpora/fakes/fakes-dev.csv when missing), the extractor's
# articles/s and words/s of CPU time beside the bare spaCy pipeline's, a cold build's time, peak memory and
# each stage's share, a warm rebuild and adding one article. On 2 cores (README, "Speed"): FA-KES dev, 401
# articles: 8.7 articles/s (2,500 words/s) of CPU time in one process, 1.77× the bare pipeline; cold build
# 27 s on 2 jobs (extraction 82%), peak RSS 211 MiB; adding one article and rebuilding 5 s. Seeds: cold 7 s.
# Then the pathological articles of scripts/stress_articles.py (README, "Limits on one article").
bench: $(STAMP)
	$(BIN)/python -m scripts.bench$(if $(JOBS), --jobs $(JOBS))

# Load test (a measurement, not a test): serves the build as `make serve` does, on a free loopback port, and
# keeps CONNECTIONS connections (default 50, at most 200) busy for DURATION seconds (default 60, at most 300)
# over the events page, an event page, search and its previews, a canned query, a streamed CSV and the
# map's data; prints requests/s, p50/p99 per kind, errors and the server's memory (README, "Deployment").
load: $(DB)
	$(BIN)/python -m scripts.load --build build$(if $(DURATION), --duration $(DURATION))$(if $(CONNECTIONS), --connections $(CONNECTIONS))

# The site at scale (a measurement, not a test): builds a large database from the build's own tables with the
# build's own code (EVENTS events, default 1,000,000; twice as many figures, one article for ten events; kept in
# build/bench-site/ for the next run), serves it and the small build as `make serve` does (page cache off),
# and prints every default page, facet selection, the map's data, the search page and its previews, every
# canned query, the dashboard, row pages and the streamed CSVs: min and median of RUNS runs (default 5), beside
# the small database's, with the pages over 200 ms (README, "The site at scale").
bench-site: $(DB)
	$(BIN)/python -m scripts.bench_site --build build$(if $(EVENTS), --events $(EVENTS))$(if $(RUNS), --runs $(RUNS))

# Datasette 1.0 (a report, not a test; README, "Datasette 1.0"): serves the build with its 1.0 files
# (build/datasette.yaml, build/metadata-1.0.yml) under the newest 1.0 alpha, installed with the site's plugins
# from requirements-datasette1.txt into .venv-datasette1/, runs the site's smoke checks and prints what works
# and what breaks. BASELINE=1 runs the same checks on the site as `make serve` serves it (Datasette 0.65).
datasette1-check: $(DB)
	$(BIN)/python -m scripts.datasette1_check --build build$(if $(filter-out 0 no false,$(BASELINE)), --baseline)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

serve: $(DB)
	$(BIN)/python -m scripts.serve --build build --host $(HOST) --port $(PORT)

# Release and deploy: the checked build's bundle in dist/idlib-events-<version>/ (data package zip,
# database, metadata, site files, SHA256SUMS), then `datasette publish $(TARGET)` (see TARGET above).
publish: build validate test
	$(BIN)/python -m scripts.release --build build --dist dist
	$(BIN)/python -m scripts.deploy --target $(TARGET) --build build --dist dist$(if $(filter-out 0 no false,$(DRY_RUN)), --dry-run)

# Which rows the build added, removed or changed against the last release bundle in dist/, and which rows
# have a new id for the same evidence (events, figures). `make id-map` appends those id changes to
# seeds/id-map.csv under the build's version (then `make` rebuilds with their redirects).
diff: $(DB)
	$(BIN)/python -m scripts.diff_release --build build --dist dist

id-map: $(DB)
	$(BIN)/python -m scripts.diff_release --build build --dist dist --record

# Add an article to seeds/, rebuild and print its review report (README, "Adding an article"):
#   make add-article FILE=article.txt TITLE="Headline as printed" PUBLISHER="Outlet" DATE=YYYY-MM-DD
# optional: DATE_BASIS=inferred DATE_NOTE="how the date was found" URL=… BYLINE=… LANGUAGE=en RIGHTS=…
# The values reach the script through the environment, so quotes and backticks in a headline are safe;
# and make does not expand them: `$10` or `$(shell …)` in a value stays as typed (VERBATIM, below).
ADD_ARTICLE_VALUES := FILE TITLE PUBLISHER DATE DATE_BASIS DATE_NOTE URL BYLINE LANGUAGE RIGHTS
add-article: $(STAMP)
	$(BIN)/python -m scripts.add_article "$$FILE" --title "$$TITLE" --publisher "$$PUBLISHER" --date "$$DATE" \
	  --date-basis "$${DATE_BASIS:-stated}" --date-note "$${DATE_NOTE:-}" --url "$${URL:-}" --byline "$${BYLINE:-}" \
	  --language "$${LANGUAGE:-en}" --rights "$${RIGHTS:-}"

# Import a collection of articles into a seeds folder (README, "Importing a collection"):
#   make import FORMAT=fakes FILE=../shared/corpora/fakes/fakes-dev.csv OUT=dir [WHERE=location=idlib,hama]
#   make import FORMAT=csv|jsonl FILE=… OUT=… COLLECTION=<id> [IMPORT_OPTIONS="--body-column text …"]
# then build it with: .venv/bin/python -m scripts.build --seeds OUT --out OUT-build
IMPORT_VALUES := FILE FORMAT OUT WHERE COLLECTION IMPORT_OPTIONS
import: $(STAMP)
	$(BIN)/python -m scripts.import_collection "$$FILE" --format "$$FORMAT" --out "$$OUT" \
	  $${WHERE:+--where "$$WHERE"} $${COLLECTION:+--collection-id "$$COLLECTION"} --options "$${IMPORT_OPTIONS:-}"

# VERBATIM: a value given on make's command line is a recursive variable, which make expands when it
# exports it ($10 would become 0, and $(shell …) would run). For these two targets each value is taken
# unexpanded, with $(value …), into a simply expanded variable, which make exports as it is.
$(foreach name,$(ADD_ARTICLE_VALUES),$(eval add-article: override $(name) := $$(value $(name))))
$(foreach name,$(IMPORT_VALUES),$(eval import: override $(name) := $$(value $(name))))
export $(ADD_ARTICLE_VALUES) $(IMPORT_VALUES)

# A Dask cluster that extracts the articles (README, "Scaling out"), each process running this checkout's code in
# its pinned .venv (the scheduler unpickles the tasks too). `make dask-scheduler` listens on port 8786 of every
# interface; `make dask-worker` starts JOBS worker processes (default: all cores) of one thread each for the
# scheduler at DASK_SCHEDULER_ADDRESS. DASK_OPTIONS: more options for `dask scheduler` / `dask worker`
# (--host, --port, --tls-…, --memory-limit).
dask-scheduler: $(STAMP)
	PYTHONPATH="$(CURDIR)" $(BIN)/dask scheduler $(DASK_OPTIONS)

dask-worker: $(STAMP)
	@test -n "$${DASK_SCHEDULER_ADDRESS:-}" || { echo "make dask-worker: set DASK_SCHEDULER_ADDRESS=tcp://host:8786" >&2; exit 2; }
	PYTHONPATH="$(CURDIR)" $(BIN)/dask worker "$$DASK_SCHEDULER_ADDRESS" --nworkers $(or $(JOBS),$(shell nproc)) --nthreads 1 $(DASK_OPTIONS)

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

clean:
	rm -rf build
