"""Dependency paths written as data ("prep:on|against / pobj", "^dobj:launch / nsubj") and the names
that sit at the tokens they reach: the shared reading of roles.yml and places.yml."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from .names import Mention
from .structure import Sentence


@dataclass(frozen=True)
class Step:
    """One step of a path: down to children, or (`up`) to the head, by a label and optional lemmas."""

    up: bool
    dep: str
    lemmas: frozenset[str]

    def follow(self, token: Token) -> list[Token]:
        if self.up:
            head = token.head
            if head.i == token.i or token.dep_ != self.dep or (self.lemmas and head.lemma_.lower() not in self.lemmas):
                return []
            return [head]
        return [c for c in token.children
                if c.dep_ == self.dep and (not self.lemmas or c.lemma_.lower() in self.lemmas)]


@dataclass(frozen=True)
class DepPath:
    """A path of steps with the trigger kinds it applies to; `verb` paths apply to verbal triggers only."""

    text: str
    steps: tuple[Step, ...]
    kinds: frozenset[str]
    verb: bool = False

    def walk(self, start: Token) -> list[Token]:
        tokens = [start]
        for step in self.steps:
            tokens = [t for token in tokens for t in step.follow(token)]
        return tokens


def parse_step(text: str) -> Step:
    text = text.strip()
    up = text.startswith("^")
    dep, _, lemmas = text.lstrip("^").partition(":")
    return Step(up, dep, frozenset(lemma for lemma in lemmas.split("|") if lemma))


def read_paths(entries: list[dict]) -> list[DepPath]:
    """The paths of a data file's list: {path, kinds, verb?}."""
    return [DepPath(e["path"], tuple(parse_step(s) for s in e["path"].split("/")), frozenset(e["kinds"]),
                    bool(e.get("verb"))) for e in entries]


def is_verbal(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX")


def cover(token: Token, deps: set[str]) -> list[Token]:
    """The token and the tokens joined to it by the `deps` relations, transitively, in text order."""
    seen, todo = {token.i: token}, [token]
    while todo:
        for child in todo.pop().children:
            if child.dep_ in deps and child.i not in seen:
                seen[child.i] = child
                todo.append(child)
    return [seen[i] for i in sorted(seen)]


class SentenceNames:
    """The names (mentions) of one sentence, looked up by the tokens of its parse."""

    def __init__(self, sentence: Sentence, mentions: list[Mention]):
        self.sentence = sentence
        self.by_token: dict[int, list[Mention]] = {}
        doc = sentence.doc
        if doc is None:
            return
        for mention in mentions:
            for token in doc:
                start = sentence.start + token.idx
                if start < mention.end and start + len(token.text) > mention.start:
                    self.by_token.setdefault(token.i, []).append(mention)

    def at(self, tokens: list[Token]) -> list[Mention]:
        """The names covering the tokens, in text order, each once."""
        found: list[Mention] = []
        for token in tokens:
            for mention in self.by_token.get(token.i, ()):
                if mention not in found:
                    found.append(mention)
        return found

    def token_of(self, mention: Mention) -> Token | None:
        """The syntactic head of a name's tokens."""
        tokens = [i for i, ms in self.by_token.items() if mention in ms]
        if not tokens or self.sentence.doc is None:
            return None
        return self.sentence.doc[min(tokens):max(tokens) + 1].root
