"""What a QA check reports: one finding, with where it is in the target."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem in a segment's target.

    `check` and `key` are the finding's identity: a person's "not an error" judgement
    (store.Dismissal: check, finding) names them, so the key must come out the same for the
    same source and target on every run (the number, the name, the word; never a position).
    `start` and `end` are a span of the target where one can be pointed at (-1 when the
    problem is an absence), so the screen can underline it."""

    check: str
    message: str
    key: str = ""
    start: int = -1
    end: int = -1
    suggestions: tuple[str, ...] = ()
    article: str = ""
    segment: str = ""
    target: str = ""  # the translation's target language: one article may have several
