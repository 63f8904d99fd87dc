"""Segment: split a block into sentences, the unit of translation and alignment.

A sentence ends at a run of terminal punctuation (. ! ? …), possibly followed by closing
quotes or brackets (French puts a space before »), when the next word starts with a capital
letter or a digit. A period does not end a sentence after an abbreviation listed in
`data/abbreviations/<lang>.txt`, or after a single capital letter (an initial).

Segment ids are derived from the text and its occurrence number within the article, so
the same sentence gets the same id on every run, and inserting a paragraph elsewhere
does not renumber anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import cache
from importlib import resources

import regex

from workbench.model import Segment

TERMINATORS = ".!?…"
CLOSERS = "»”\"’')]›"
OPENERS = '«“„"‘‹([—–-'
GAP = regex.compile(r"\s+")
ENDINGS = frozenset(TERMINATORS + CLOSERS)  # what a sentence's last character can be
LAST_TOKEN = regex.compile(r"\S+$")
INITIAL = regex.compile(r"\p{Lu}")
LANGUAGES = ("fr", "ru", "en")
WINDOW = 256  # characters either side of a gap that decide whether a sentence ends there


@cache
def abbreviations(language: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """(case-sensitive entries, lowercase entries matched case-insensitively)."""
    languages = [language] if language in LANGUAGES else list(LANGUAGES)
    exact: set[str] = set()
    folded: set[str] = set()
    folder = resources.files("workbench") / "data" / "abbreviations"
    for lang in languages:
        for raw in (folder / f"{lang}.txt").read_text(encoding="utf-8").splitlines():
            entry = raw.split("#", 1)[0].strip()
            if not entry:
                continue
            (folded if entry == entry.lower() else exact).add(entry)
    return frozenset(exact), frozenset(folded)


def _is_abbreviation(word: str, language: str | None) -> bool:
    exact, folded = abbreviations(language)
    word = word.lstrip(OPENERS)
    if not word:
        return False
    if INITIAL.fullmatch(word):
        return True
    return word in exact or word.lower() in folded


def _ends_sentence(left: str, right: str, language: str | None) -> bool:
    token_match = LAST_TOKEN.search(left)
    if not token_match:
        return False
    token = token_match.group()
    if not token.strip(CLOSERS):
        # A lone closing quote (French spacing: « ... libre. »): judge the word before it.
        before = LAST_TOKEN.search(left[: token_match.start()].rstrip())
        if not before:
            return False
        token = before.group() + token
    core = token.rstrip(CLOSERS)
    if not core or core[-1] not in TERMINATORS:
        return False
    if core.endswith(".") and not core.endswith("..") and _is_abbreviation(core[:-1], language):
        return False
    nxt = right.lstrip(OPENERS + " ")
    return bool(nxt) and (nxt[0].isupper() or nxt[0].isdigit())


def split_sentences(text: str, language: str | None = None) -> Iterator[tuple[int, int]]:
    """Yield (start, end) character spans of the sentences in `text`."""
    start = 0
    for gap in GAP.finditer(text):
        if text[gap.start() - 1] not in ENDINGS:
            continue  # no terminal punctuation or closing quote before it: most gaps, at once
        # Only the last word before a gap and the first after it decide; bounded windows keep
        # a long paragraph linear (a whole-text slice per gap made it quadratic).
        left = text[max(start, gap.start() - WINDOW) : gap.start()]
        if _ends_sentence(left, text[gap.end() : gap.end() + WINDOW], language):
            yield start, gap.start()
            start = gap.end()
    end = len(text.rstrip())
    if start < end:
        yield start, end


def segment_id(text: str, occurrence: int) -> str:
    digest = hashlib.blake2b(f"{occurrence}\x1f{text}".encode(), digest_size=6)
    return digest.hexdigest()


class IdMaker:
    """Gives each sentence of one article its stable id."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        occurrence = self.seen.get(text, 0)
        self.seen[text] = occurrence + 1
        return segment_id(text, occurrence)


def segment_block(text: str, block: int, language: str | None, make_id: IdMaker) -> tuple[Segment, ...]:
    return tuple(
        Segment(id=make_id(text[s:e]), block=block, index=i, text=text[s:e], start=s, end=e)
        for i, (s, e) in enumerate(split_sentences(text, language))
    )


def sentences(text: str, language: str | None = None) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, language)]
