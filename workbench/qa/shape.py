"""Checks of a target's shape: empty, a copy of the source, a length far from the source's."""

from __future__ import annotations

import regex

from workbench.qa.findings import Finding

MIN_RATIO, MAX_RATIO, MIN_LENGTH = 0.5, 2.0, 20  # sources under MIN_LENGTH chars are not judged
MIN_COPY_WORDS = 3  # "Zoom", "TASS", "Microsoft Office" stay as they are
WORDS = regex.compile(r"\p{L}+")


def empty(status: str, target: str) -> Finding | None:
    if status == "new":
        return Finding("untranslated", "not translated yet")
    if not target.strip():
        return Finding("empty", f"marked {status} but the target is empty")
    return None


def identical(source: str, target: str) -> Finding | None:
    if target.strip() == source.strip() and len(WORDS.findall(target)) >= MIN_COPY_WORDS:
        return Finding("identical", "the target repeats the source")
    return None


def length(source: str, target: str) -> Finding | None:
    if len(source) < MIN_LENGTH:
        return None
    ratio = len(target.strip()) / len(source)
    if MIN_RATIO <= ratio <= MAX_RATIO:
        return None
    return Finding(
        "length",
        f"the target is {ratio:.2f} times the length of the source",
        "long" if ratio > 1 else "short",
    )
