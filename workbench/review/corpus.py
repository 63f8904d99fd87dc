"""The corpus as a reviewer searches it: every article's segments at once, for repetitions,
filters, concordance and find-and-replace.

`Repetitions` indexes segments by normalized source (the translation memory's key), per
source language, and is kept up to date article by article as views change. The rest are
plain functions over the documents, in article then segment order, so the same corpus
gives the same answer.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import regex

from workbench.mt.memory import unit_key
from workbench.store import DONE, STATUSES, Document, SegmentRecord

Documents = Callable[[str], Document]


Entries = list[tuple[tuple[str, str], str]]  # ((language, normalized source), segment id)


@functools.lru_cache(maxsize=1 << 16)
def _key(source: str) -> str:
    return unit_key(source)  # the same sentences are asked for again and again (filters, counts)


def entries_of(document: Document) -> Entries:
    """The repetition index's entries for one article; pure, so a worker can compute them."""
    language = document.source_language or ""
    return [((language, _key(s.source)), s.id) for s in document.segments]


class Repetitions:
    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], set[tuple[str, str]]] = {}
        self._of_article: dict[str, list[tuple[tuple[str, str], str]]] = {}

    def __contains__(self, article: str) -> bool:
        return article in self._of_article

    def update(self, document: Document) -> None:
        """The article's segments as they are now (replacing what was indexed for it)."""
        self.take(document.article_id, entries_of(document))

    def take(self, article: str, entries: Entries) -> None:
        """An article's entries, computed anywhere (`entries_of` reads nothing of ours)."""
        for key, segment in self._of_article.pop(article, []):
            self._by_key.get(key, set()).discard((article, segment))
        self._of_article[article] = entries
        for key, segment in entries:
            self._by_key.setdefault(key, set()).add((article, segment))

    def same(self, language: str, source: str) -> set[tuple[str, str]]:
        """Every (article, segment) with this source, normalized, in this language."""
        return set(self._by_key.get((language, _key(source)), ()))

    def count(self, language: str, source: str) -> int:
        return len(self._by_key.get((language, _key(source)), ()))


# -- filters ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """Which segments a reviewer wants to see; empty parts do not filter."""

    statuses: frozenset[str] = frozenset()
    text: str = ""  # in source or target, case-insensitive
    glossary: bool = False  # a glossary entity whose English form the target lacks
    repetitions: bool = False  # a source that occurs more than once in the corpus
    conflicts: bool = False  # another person's version waits for a decision
    findings: frozenset[str] = frozenset()  # QA checks with an open finding
    lowest_score_first: bool = False  # machine output in order of its MT score, worst first

    @property
    def empty(self) -> bool:
        return self == Filter()

    def describe(self) -> str:
        parts = [", ".join(sorted(self.statuses))] if self.statuses else []
        parts += [f"“{self.text}”"] if self.text else []
        parts += ["glossary ⚠"] if self.glossary else []
        parts += ["repetitions"] if self.repetitions else []
        parts += ["conflicts"] if self.conflicts else []
        parts += [", ".join(sorted(self.findings)) + " findings"] if self.findings else []
        parts += ["lowest MT score first"] if self.lowest_score_first else []
        return "; ".join(parts) or "everything"


@dataclass
class Filtered:
    hits: list[tuple[str, int]] = field(default_factory=list)  # (article, segment index)
    counts: dict[str, int] = field(default_factory=dict)  # per status, among the hits
    articles: dict[str, int] = field(default_factory=dict)  # hits per article

    def after(self, article: str, index: int, order: Sequence[str]) -> tuple[str, int] | None:
        """The next hit after this segment, wrapping round (in the filter's order)."""
        if not self.hits:
            return None
        if (article, index) in self.hits:
            at = self.hits.index((article, index))
            return self.hits[(at + 1) % len(self.hits)]
        rank = {a: n for n, a in enumerate(order)}
        for hit in self.hits:
            if (rank.get(hit[0], 0), hit[1]) > (rank.get(article, 0), index):
                return hit
        return self.hits[0]


def folded(text: str) -> str:
    """For matching as a reader would: NFC, case folded."""
    return unicodedata.normalize("NFC", text).casefold()


def next_unreviewed(
    documents: Documents, ids: Sequence[str], article: str, after: int
) -> tuple[str, int] | None:
    """The next segment not yet reviewed, in this article and then the following ones,
    wrapping round to the start of this one."""
    start = ids.index(article) if article in ids else 0
    ordered = list(ids[start:]) + list(ids[:start])
    for offset, other in enumerate(ordered):
        segments = documents(other).segments
        first = after + 1 if offset == 0 else 0
        for index in range(first, len(segments)):
            if segments[index].status not in DONE:
                return other, index
    if article in ids:
        segments = documents(article).segments
        for index in range(0, min(after + 1, len(segments))):
            if segments[index].status not in DONE:
                return article, index
    return None


def select(
    documents: Documents,
    ids: Iterable[str],
    spec: Filter,
    *,
    missing_terms: Callable[[str, SegmentRecord], bool],
    repeated: Callable[[str, SegmentRecord], bool],
    findings: Callable[[str, int], set[str]] | None = None,
) -> Filtered:
    needle = folded(spec.text).strip()
    result = Filtered(counts=dict.fromkeys(STATUSES, 0))
    scored: list[tuple[float, str, int]] = []
    for article in ids:
        for index, s in enumerate(documents(article).segments):
            if spec.statuses and s.status not in spec.statuses:
                continue
            if needle and needle not in folded(s.source) and needle not in folded(s.target):
                continue
            if spec.conflicts and not s.conflicts:
                continue
            if spec.repetitions and not repeated(article, s):
                continue
            if spec.glossary and not missing_terms(article, s):
                continue
            if spec.findings and (findings is None or not (findings(article, index) & spec.findings)):
                continue
            result.counts[s.status] = result.counts.get(s.status, 0) + 1
            result.articles[article] = result.articles.get(article, 0) + 1
            if spec.lowest_score_first:
                scored.append((s.score if s.score is not None else float("inf"), article, index))
            else:
                result.hits.append((article, index))
    if spec.lowest_score_first:
        result.hits = [(a, i) for _, a, i in sorted(scored, key=lambda t: t[0])]
    return result


# -- concordance ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Concordance:
    """A word or phrase in context: where it is, and the other side of the pair."""

    where: str  # "memory" or an article id
    segment: str  # a segment id, or the memory unit's note
    index: int  # the segment's position in its article; -1 for the memory
    source: str
    target: str
    status: str  # the segment's status, or "human"/a model id for memory units
    side: str  # "source" or "target": where the phrase was found
    span: tuple[int, int]


SIDES = ("source", "target")


def phrase(text: str, whole_words: bool = True) -> regex.Pattern[str]:
    escaped = regex.escape(unicodedata.normalize("NFC", text.strip()))
    return regex.compile(rf"(?<!\w){escaped}(?!\w)" if whole_words else escaped, regex.IGNORECASE | regex.V1)


def concordance(
    documents: Documents,
    ids: Iterable[str],
    text: str,
    memory_units: Iterable[tuple[str, str, str]] = (),
    *,
    limit: int = 200,
    sides: Sequence[str] = SIDES,
) -> list[Concordance]:
    """Where a word or phrase occurs in sources or targets (`sides`), translation memory
    first (it is the corpus of what was confirmed), then the corpus; at most `limit` hits,
    one per pair (where it is in both, the source)."""
    if not text.strip():
        return []
    pattern = phrase(text)
    looked = [side for side in SIDES if side in sides]
    hits: list[Concordance] = []
    for source, target, origin in memory_units:
        for side, value in (("source", source), ("target", target)):
            if side not in looked:
                continue
            found = pattern.search(unicodedata.normalize("NFC", value))
            if found:
                hits.append(Concordance("memory", "", -1, source, target, origin, side, found.span()))
                break
        if len(hits) >= limit:
            return hits
    for article in ids:
        for index, s in enumerate(documents(article).segments):
            for side, value in (("source", s.source), ("target", s.target)):
                if side not in looked:
                    continue
                found = pattern.search(value)
                if found:
                    hits.append(
                        Concordance(article, s.id, index, s.source, s.target, s.status, side, found.span())
                    )
                    break
            if len(hits) >= limit:
                return hits
    return hits


# -- find and replace ------------------------------------------------------------------------------


class PatternError(ValueError):
    pass


@dataclass(frozen=True)
class Replacement:
    """One segment's target, before and after; `spans` are where it changes (in `before`)."""

    article: str
    segment: str
    index: int
    status: str
    before: str
    after: str
    spans: tuple[tuple[int, int], ...]


def finder(
    pattern: str, *, is_regex: bool = False, whole_word: bool = False, case: bool = False
) -> regex.Pattern[str]:
    body = pattern if is_regex else regex.escape(unicodedata.normalize("NFC", pattern))
    if whole_word:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    flags = regex.V1 | (0 if case else regex.IGNORECASE)
    try:
        compiled = regex.compile(body, flags)
    except (regex.error, ValueError) as exc:
        raise PatternError(f"the pattern {pattern!r} is not a valid regular expression: {exc}.") from None
    if compiled.search("") is not None and not pattern:
        raise PatternError("an empty pattern matches everywhere; give something to find.")
    return compiled


def replacements(
    documents: Documents,
    ids: Iterable[str],
    pattern: regex.Pattern[str],
    replacement: str,
    *,
    is_regex: bool = False,
) -> list[Replacement]:
    """Every translated target the pattern changes, with its new text."""
    template = unicodedata.normalize("NFC", replacement)
    found: list[Replacement] = []
    for article in ids:
        for index, s in enumerate(documents(article).segments):
            if not s.target:
                continue
            try:
                spans = tuple(m.span() for m in pattern.finditer(s.target, timeout=1.0))
                if not spans:
                    continue
                after = (
                    pattern.sub(template, s.target, timeout=1.0)
                    if is_regex
                    else pattern.sub(lambda _: template, s.target, timeout=1.0)
                )
            except TimeoutError:
                raise PatternError(
                    f"the pattern {pattern.pattern!r} takes too long on segment {index + 1} of {article}."
                ) from None
            except (regex.error, IndexError) as exc:
                raise PatternError(
                    f"the replacement {replacement!r} does not fit the pattern: {exc}."
                ) from None
            if after != s.target:
                found.append(Replacement(article, s.id, index, s.status, s.target, after, spans))
    return found
