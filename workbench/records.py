"""The records of translations/: a document, its segments, and what a segment keeps beside
its translation (the versions it replaced, an unfinished edit, QA judgements, comments and
error annotations). Plain data; `workbench.store` reads and writes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import msgspec

from workbench.model import Removal
from workbench.resegment import Resegment

SCHEMA = 3
# schema 2 files read as schema 3 with empty histories; a newer schema is refused, never rewritten
READABLE = frozenset({2, SCHEMA})
# approved and rejected: the reviewer's pass after the translator's (review/revision.py)
Status = Literal["new", "machine", "edited", "reviewed", "approved", "rejected"]
STATUSES: tuple[Status, ...] = ("new", "machine", "edited", "reviewed", "approved", "rejected")
HUMAN_STATUSES = frozenset({"edited", "reviewed", "approved", "rejected"})
DONE = frozenset({"reviewed", "approved"})  # nothing left for the translator to do
@dataclass
class Version:
    """One state a segment's translation was in: who or what made it, when, and by which change."""

    target: str
    status: Status
    mt: str = ""
    score: float | None = None
    model: str = ""
    origin: str = ""
    author: str = ""  # the person who made this version; empty for machine output
    time: str = ""
    change: str = ""  # id of the review change that made it (empty for a translate run)
    event: str = ""  # what made it: machine, edit, confirm, accept, undo, retranslate, conflict…
    device: str = ""  # where a machine version was decoded (cpu, cuda)
    compute_type: str = ""

    @property
    def human(self) -> bool:
        return self.status in HUMAN_STATUSES


@dataclass
class Draft:
    """Text typed into the editor and not yet committed, kept across a lost terminal."""

    text: str
    author: str = ""
    time: str = ""


@dataclass
class Dismissal:
    """A QA finding a person judged not an error, with why: `workbench qa` and the screen
    stop reporting it while the segment's source and target stay as they were judged."""

    check: str  # the finding's check (numbers, quotes, glossary, spelling…)
    finding: str  # its key within the check (the number, the name, the word)
    reason: str
    author: str = ""
    time: str = ""
    target: str = ""  # the target it was judged on: a changed target is judged again


@dataclass
class Comment:
    """A remark on a segment; `reply_to` names the comment it answers, so comments thread."""

    id: str
    text: str
    author: str = ""
    time: str = ""
    reply_to: str = ""


@dataclass
class ErrorMark:
    """An error a reviewer found in the target (MQM): its category, severity and the span of
    the target it covers (character offsets, end exclusive; 0, 0 for the whole segment)."""

    id: str
    category: str
    severity: str
    start: int = 0
    end: int = 0
    note: str = ""
    author: str = ""
    time: str = ""
    target: str = ""  # the target it was found in


@dataclass
class SegmentRecord:
    id: str
    block: int
    index: int
    kind: str
    source: str
    mt: str = ""
    target: str = ""
    status: Status = "new"
    score: float | None = None
    model: str = ""
    origin: str = ""  # engine, memory, memory-human, identity, human
    device: str = ""  # where the engine decoded it (cpu, cuda); empty when not decoded by this run
    compute_type: str = ""  # the engine's precision there (int8, int8_float16…)
    glossary: list[str] = field(default_factory=list)
    updated: str = ""
    author: str = ""  # who made the current version; empty for machine output
    change: str = ""  # id of the review change that made the current version
    event: str = ""  # what made the current version (as Version.event)
    history: list[Version] = field(default_factory=list)  # earlier versions, oldest first
    # versions another session made against an older state: kept until someone chooses
    conflicts: list[Version] = field(default_factory=list)
    draft: Draft | None = None
    dismissed: list[Dismissal] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)  # oldest first
    errors: list[ErrorMark] = field(default_factory=list)

    @property
    def human(self) -> bool:
        return self.status in HUMAN_STATUSES

    def version(self) -> Version:
        return Version(
            self.target,
            self.status,
            self.mt,
            self.score,
            self.model,
            self.origin,
            self.author,
            self.updated,
            self.change,
            self.event,
            self.device,
            self.compute_type,
        )

    def knows(self, change_id: str) -> bool:
        """Whether the change with this id already reached this segment (as its current
        version, an earlier one, or a conflict kept for later)."""
        return bool(change_id) and (
            self.change == change_id
            or any(v.change == change_id for v in self.history)
            or any(v.change == change_id for v in self.conflicts)
        )

    def supersede(self) -> None:
        """Keep the current version in the history before it is replaced (an untranslated
        segment has nothing worth keeping)."""
        if self.status != "new" or self.target:
            self.history.append(self.version())


@dataclass
class Document:
    article_id: str
    source_path: str
    source_language: str | None
    target_language: str
    title: str
    date: str | None
    segments: list[SegmentRecord]
    orphans: list[SegmentRecord] = field(default_factory=list)
    removed: tuple[Removal, ...] = ()
    restored: list[int] = field(default_factory=list)  # removed lines a reviewer put back
    resegmented: list[Resegment] = field(default_factory=list)  # the translator's splits and joins
    prepared: str = ""  # key of the prepared article the segments come from
    url: str | None = None  # what a web page says of itself
    author: str | None = None
    site: str | None = None
    revision: int = 0
    updated: str = ""

    def segment(self, segment_id: str) -> SegmentRecord | None:
        return next((s for s in self.segments if s.id == segment_id), None)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for s in self.segments:
            counts[s.status] += 1
        return counts

    def to_bytes(self) -> bytes:
        body = msgspec.json.format(msgspec.json.encode(self), indent=1)
        return b'{\n "schema": ' + str(SCHEMA).encode() + b"," + body[1:] + b"\n"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


