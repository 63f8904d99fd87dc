"""Glossary enforcement around machine translation, as swappable strategies.

- `inject`: before decoding, each entity in the source is replaced by its English form, which
  NMT models copy through; after decoding, the target is repaired.
- `repair`: the source goes to the model untouched; after decoding, known wrong renderings
  (an entry's `wrong` list) and near misses of the English form (Peskova, Dmitri Peskov,
  Poutine) are replaced by the English form.
- `off`: no enforcement, the baseline for measurements.

Repair never invents a name the target does not hold in some form: where nothing close is
found, the segment is left for QA to flag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import regex

from workbench.glossary.match import Hit, contains_english, whole_words

FUZZY_CUTOFF = 75.0
WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}'’\-]*")


@dataclass(frozen=True)
class Repaired:
    text: str
    applied: tuple[str, ...]  # entry ids whose English form the target now carries
    replaced: tuple[tuple[str, str], ...] = ()  # (was, now)


class Strategy(Protocol):
    name: str

    def prepare(self, source: str, hits: Sequence[Hit]) -> str: ...

    def repair(self, target: str, hits: Sequence[Hit]) -> Repaired: ...


def near_miss(target: str, expected: str, wrong: Sequence[str] = ()) -> tuple[int, int] | None:
    """Where the target renders `expected` another way: a known wrong form, else the
    stretch of as many words that is most similar to it (rapidfuzz ratio >= 75)."""
    from rapidfuzz import fuzz

    for form in sorted(wrong, key=len, reverse=True):
        found = whole_words(form).search(target)
        if found:
            start, end = found.span()
            return start, end
    words = list(WORD.finditer(target))
    size = len(expected.split())
    best: tuple[float, int, int] | None = None
    for i in range(len(words) - size + 1):
        start, end = words[i].start(), words[i + size - 1].end()
        score = fuzz.ratio(target[start:end].casefold(), expected.casefold())
        if score >= FUZZY_CUTOFF and (best is None or score > best[0]):
            best = (score, start, end)
    return best[1:] if best else None


def replace_wrong(target: str, hits: Sequence[Hit]) -> Repaired:
    """Put each missing English form in place of a wrong rendering or a near miss."""
    applied: list[str] = []
    replaced: list[tuple[str, str]] = []
    for hit in sorted(hits, key=lambda h: -len(h.expected)):
        expected = hit.expected
        if not contains_english(target, expected):
            span = near_miss(target, expected, hit.entry.wrong)
            if span is None:
                continue
            start, end = span
            replaced.append((target[start:end], expected))
            target = target[:start] + expected + target[end:]
        applied.append(hit.entry.id)
    return Repaired(target, tuple(dict.fromkeys(applied)), tuple(replaced))


class Off:
    name = "off"

    def prepare(self, source: str, hits: Sequence[Hit]) -> str:
        return source

    def repair(self, target: str, hits: Sequence[Hit]) -> Repaired:
        return Repaired(
            target, tuple(dict.fromkeys(h.entry.id for h in hits if contains_english(target, h.expected)))
        )


class Repair(Off):
    name = "repair"

    def repair(self, target: str, hits: Sequence[Hit]) -> Repaired:
        return replace_wrong(target, hits)


class Inject(Repair):
    name = "inject"

    def prepare(self, source: str, hits: Sequence[Hit]) -> str:
        for hit in sorted(hits, key=lambda h: -h.start):
            source = source[: hit.start] + hit.expected + source[hit.end :]
        return source


STRATEGIES: dict[str, type[Off]] = {"inject": Inject, "repair": Repair, "off": Off}


def strategy(name: str) -> Strategy:
    try:
        return STRATEGIES[name]()
    except KeyError:
        from workbench.errors import WorkbenchError

        raise WorkbenchError(
            f"unknown glossary strategy {name!r}; use one of {', '.join(STRATEGIES)}."
        ) from None
