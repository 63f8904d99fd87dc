"""Word diffs: what a post-editor changed in the MT, what differs between a memory match's
source and this one. Tokens are words, runs of spaces and single punctuation marks, so a
changed comma shows as a comma and a changed word as a word."""

from __future__ import annotations

import difflib
from typing import Literal

import regex

TOKEN = regex.compile(r"\w+|\s+|[^\w\s]", regex.V1)
Op = Literal["same", "deleted", "inserted"]


def tokens(text: str) -> list[str]:
    return list(TOKEN.findall(text))


def word_diff(before: str, after: str) -> list[tuple[Op, str]]:
    """`before` → `after` as runs of kept, deleted and inserted text, in reading order."""
    a, b = tokens(before), tokens(after)
    runs: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("deleted", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("inserted", "".join(b[j1:j2])))
    return runs


def changed_words(before: str, after: str) -> int:
    """How many words the edit touched (deleted or inserted)."""
    return sum(len(regex.findall(r"\w+", text)) for op, text in word_diff(before, after) if op != "same")
