"""Analysis: the corpus's source words by status, its repetitions, and what the translation
memory offers each segment, in the bands CAT tools report (Trados's and memoQ's analysis).

Each segment falls in one category, taken in this order, per target language and in
article then segment order:

- **101%** (context match): the memory holds a human translation of this very source, and
  the segment it was confirmed on was preceded by the same source as this one (or both
  open their article);
- **repetition**: the same source (normalized as the memory's key) came earlier in the
  corpus, in the same language; the first occurrence takes its own category;
- **100%**: the memory holds a human translation of this source;
- **95–99%, 85–94%, 75–84%, 50–74%**: the best human unit of another source, by the
  similarity the memory's fuzzy matches use (rapidfuzz ratio over the normalized text,
  rounded down);
- **no match**.

Only human units count: machine output in the memory is the MT's own cache, not leverage.
A segment's own confirmation is no match for itself (the memory's note names the segment
that taught a unit), or a reviewed corpus would show as all 100%.

Words are counted as CAT tools count them: runs of letters or digits, joined by hyphens,
apostrophes or a digit group's separator ("l'Ukraine", "40,000", "visio-conférences" are
one word each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import regex

from workbench.mt.memory import unit_key
from workbench.store import STATUSES, Document

WORD = regex.compile(r"[\p{L}\p{N}\p{M}]+(?:(?:['’\-]|(?<=\p{N})[.,](?=\p{N}))[\p{L}\p{N}\p{M}]+)*")
BANDS = ("101%", "repetitions", "100%", "95–99%", "85–94%", "75–84%", "50–74%", "no match")
FUZZY_FLOOR = 50
FUZZY_BLOCK = 256  # keys compared with the whole memory at once
FUZZY_BANDS = ((95, "95–99%"), (85, "85–94%"), (75, "75–84%"), (50, "50–74%"))

# (source language, target language) → every human unit as (key, note)
HumanUnits = Callable[[str, str], list[tuple[str, str]]]


def words(text: str) -> int:
    return sum(1 for _ in WORD.finditer(text))


@dataclass
class Count:
    segments: int = 0
    words: int = 0

    def add(self, words: int) -> None:
        self.segments += 1
        self.words += words

    def __iadd__(self, other: Count) -> Count:
        self.segments += other.segments
        self.words += other.words
        return self


@dataclass
class Analysis:
    words: int = 0  # source words
    by_status: dict[str, Count] = field(default_factory=lambda: {s: Count() for s in STATUSES})
    bands: dict[str, Count] = field(default_factory=lambda: {b: Count() for b in BANDS})

    def __iadd__(self, other: Analysis) -> Analysis:
        self.words += other.words
        for status, count in other.by_status.items():
            self.by_status[status] += count
        for band, count in other.bands.items():
            self.bands[band] += count
        return self

    def to_json(self) -> dict[str, object]:
        return {
            "source_words": self.words,
            "by_status": {s: vars(c) for s, c in self.by_status.items()},
            "matches": {b: vars(c) for b, c in self.bands.items()},
        }


class _Memory:
    """The human units of one language pair, for exact, context and fuzzy lookups."""

    def __init__(self, units: list[tuple[str, str]]) -> None:
        self.notes: dict[str, str] = dict(units)  # one human unit per key in the memory
        self.keys = list(self.notes)
        self._column = {key: n for n, key in enumerate(self.keys)}

    def best_others(self, keys: list[str]) -> list[float]:
        """For each key, the similarity of the closest human unit of another source; the
        whole matrix in blocks (rapidfuzz's cdist is several times faster than one search
        per key, and a block bounds its memory)."""
        if not self.keys or not keys:
            return [0.0] * len(keys)
        import numpy
        from rapidfuzz import fuzz, process

        best: list[float] = []
        for start in range(0, len(keys), FUZZY_BLOCK):
            block = keys[start : start + FUZZY_BLOCK]
            scores = process.cdist(
                block, self.keys, scorer=fuzz.ratio, score_cutoff=FUZZY_FLOOR, dtype=numpy.float32
            )
            for row, key in enumerate(block):
                column = self._column.get(key)
                if column is not None:  # this very key: the unit the segment taught, or its match
                    scores[row, column] = 0
            best += [float(v) for v in scores.max(axis=1)]
        return best


def analyse(
    documents: Iterable[Document], human_units: HumanUnits | None = None
) -> dict[tuple[str, str], Analysis]:
    """Each document's analysis, by (article, target language)."""
    by_target: dict[str, list[Document]] = {}
    for d in sorted(documents, key=lambda d: d.article_id):
        by_target.setdefault(d.target_language, []).append(d)
    result: dict[tuple[str, str], Analysis] = {}
    for target, group in by_target.items():
        result.update(_analyse_target(target, group, human_units))
    return result


def _analyse_target(
    target: str, documents: list[Document], human_units: HumanUnits | None
) -> dict[tuple[str, str], Analysis]:
    memories: dict[str, _Memory] = {}

    def memory(language: str) -> _Memory:
        if language not in memories:
            memories[language] = _Memory(human_units(language, target) if human_units and language else [])
        return memories[language]

    # the source before each segment, by "article/segment" as the memory's notes name them
    before: dict[str, str | None] = {}
    for d in documents:
        previous: str | None = None
        for s in d.segments:
            key = unit_key(s.source)
            before[f"{d.article_id}/{s.id}"] = previous
            previous = key
    seen: set[tuple[str, str]] = set()
    bands: dict[str, str | None] = {}  # by "article/segment"; None: to be found among the fuzzy
    fuzzy: dict[str, list[str]] = {}  # by language, the keys to look for
    for d in documents:
        language = d.source_language or ""
        for s in d.segments:
            key = unit_key(s.source)
            here = f"{d.article_id}/{s.id}"
            bands[here] = _exact_band(memory(language), key, here, before, (language, key) in seen)
            seen.add((language, key))
            if bands[here] is None:
                fuzzy.setdefault(language, []).append(key)
    similarity: dict[tuple[str, str], float] = {}
    for language, keys in fuzzy.items():
        distinct = list(dict.fromkeys(keys))
        for key, best in zip(distinct, memory(language).best_others(distinct), strict=True):
            similarity[(language, key)] = best
    result: dict[tuple[str, str], Analysis] = {}
    for d in documents:
        language = d.source_language or ""
        analysis = Analysis()
        for s in d.segments:
            count = words(s.source)
            analysis.words += count
            analysis.by_status[s.status].add(count)
            band = bands[f"{d.article_id}/{s.id}"]
            if band is None:
                score = int(similarity[(language, unit_key(s.source))])
                band = next((b for floor, b in FUZZY_BANDS if score >= floor), "no match")
            analysis.bands[band].add(count)
        result[(d.article_id, target)] = analysis
    return result


def _exact_band(
    memory: _Memory, key: str, here: str, before: dict[str, str | None], repeated: bool
) -> str | None:
    """101%, a repetition or 100%; None when only a fuzzy match can tell."""
    note = memory.notes.get(key)
    exact = note is not None and note != here
    if exact and note in before and before[note] == before[here]:
        return "101%"
    if repeated:
        return "repetitions"
    return "100%" if exact else None
