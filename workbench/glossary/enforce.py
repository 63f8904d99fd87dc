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

from workbench.glossary.match import Hit, contains_english

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


def replace_wrong(target: str, hits: Sequence[Hit]) -> Repaired:
    """Put each missing English form in place of a wrong rendering or a near miss."""
    from rapidfuzz import fuzz

    applied: list[str] = []
    replaced: list[tuple[str, str]] = []
    for hit in sorted(hits, key=lambda h: -len(h.expected)):
        expected = hit.expected
        if contains_english(target, expected):
            applied.append(hit.entry.id)
            continue
        for wrong in sorted(hit.entry.wrong, key=len, reverse=True):
            pattern = r"(?<![\p{L}\p{N}])" + regex.escape(wrong) + r"(?![\p{L}\p{N}])"
            found = regex.search(pattern, target)
            if found:
                target = target[: found.start()] + expected + target[found.end() :]
                replaced.append((found.group(), expected))
                applied.append(hit.entry.id)
                break
        else:
            words = list(WORD.finditer(target))
            size = len(expected.split())
            best: tuple[float, int, int] | None = None
            for i in range(len(words) - size + 1):
                start, end = words[i].start(), words[i + size - 1].end()
                score = fuzz.ratio(target[start:end].casefold(), expected.casefold())
                if score >= FUZZY_CUTOFF and (best is None or score > best[0]):
                    best = (score, start, end)
            if best is not None:
                _, start, end = best
                replaced.append((target[start:end], expected))
                target = target[:start] + expected + target[end:]
                applied.append(hit.entry.id)
    return Repaired(target, tuple(dict.fromkeys(applied)), tuple(replaced))


class Off:
    name = "off"

    def prepare(self, source: str, hits: Sequence[Hit]) -> str:
        return source

    def repair(self, target: str, hits: Sequence[Hit]) -> Repaired:
        return Repaired(target, tuple(dict.fromkeys(h.entry.id for h in hits if contains_english(target, h.expected))))


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

        raise WorkbenchError(f"unknown glossary strategy {name!r}; use one of {', '.join(STRATEGIES)}.") from None
