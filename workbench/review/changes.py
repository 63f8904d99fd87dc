"""Changes: what a translator does to a document, as plain values.

A change is journaled before anyone is told it happened, applied to the session's view of
the document at once, and folded into the document file behind. Folding and viewing run
the same function, `apply_change`, so what the screen shows is what the file gets.

Applying is idempotent: a segment remembers the id of every change that reached it (as its
current version, an earlier one, or a kept conflict), so a journal replayed after a kill
never applies a change twice. A human change to a segment that another person changed
since the author looked at it does not land over their work: it is kept beside it, as a
conflict, for someone to choose. A machine change never lands over a human one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

import msgspec

from workbench.resegment import Resegment
from workbench.store import (
    HUMAN_STATUSES,
    Comment,
    Dismissal,
    Document,
    ErrorMark,
    SegmentRecord,
    Status,
    Version,
    now,
)


class Edit(msgspec.Struct, frozen=True, omit_defaults=True):
    """One segment's new state, and the state its author saw (`base_*`)."""

    segment: str
    base_target: str
    base_status: str
    target: str
    status: Status
    source: str = ""  # the segment's source when the change was made
    mt: str | None = None  # set when the machine translation changes too (re-translate, undo)
    score: float | None = None
    model: str | None = None
    origin: str | None = None
    glossary: tuple[str, ...] | None = None
    device: str | None = None
    compute_type: str | None = None

    @property
    def human(self) -> bool:
        return self.status in HUMAN_STATUSES

    def holds(self, record: SegmentRecord) -> bool:
        """Whether the segment already is what this edit makes it."""
        return (record.target, record.status) == (self.target, self.status) and all(
            mine is None or mine == theirs
            for mine, theirs in (
                (self.mt, record.mt),
                (self.model, record.model),
                (self.origin, record.origin),
            )
        )

    def against(self, record: SegmentRecord) -> bool:
        """Whether the segment is still as the author saw it."""
        return (record.target, record.status) == (self.base_target, self.base_status)


class Settle(msgspec.Struct, frozen=True):
    """A conflict kept on a segment (by the change id that made it) is decided: it goes
    into the segment's history."""

    segment: str
    change: str


class MemoryOp(msgspec.Struct, frozen=True):
    action: Literal["add", "remove"]
    source_language: str
    source: str
    target: str
    note: str = ""


Kind = Literal[
    "edit",
    "confirm",
    "accept",
    "retranslate",
    "undo",
    "redo",
    "keep-mine",
    "take-theirs",
    "restore",
    "split",
    "join",
    "propagate",
    "replace",
    "dismiss",
    "approve",
    "reject",
    "comment",
    "annotate",
    "unannotate",
]


class Change(msgspec.Struct, frozen=True, omit_defaults=True, tag="change"):
    id: str
    article: str
    kind: Kind
    author: str
    time: str
    edits: tuple[Edit, ...] = ()
    restore: tuple[int, ...] = ()  # removed lines put back into the article
    unrestore: tuple[int, ...] = ()  # restored lines taken out again (an undone restore)
    resegment: tuple[Resegment, ...] = ()  # the translator's splits and joins
    unresegment: tuple[str, ...] = ()  # ids of splits and joins taken back
    settle: tuple[Settle, ...] = ()
    memory: tuple[MemoryOp, ...] = ()  # what the translation memory learns or forgets
    dismiss: tuple[tuple[str, Dismissal], ...] = ()  # (segment, a QA finding judged not an error)
    undismiss: tuple[tuple[str, str, str], ...] = ()  # (segment, check, finding) judged again
    comment: tuple[tuple[str, Comment], ...] = ()  # (segment, a comment added)
    mark: tuple[tuple[str, ErrorMark], ...] = ()  # (segment, an error annotation added)
    unnote: tuple[tuple[str, str], ...] = ()  # (segment, id of a comment or annotation taken away)
    group: str = ""  # changes made by one action across articles share it; undone together
    undoes: str = ""  # the id of the change an undo or redo reverses

    @property
    def human(self) -> bool:
        return any(e.human for e in self.edits) or bool(self.restore or self.unrestore or self.settle)

    @property
    def reshapes(self) -> bool:
        return bool(self.restore or self.unrestore or self.resegment or self.unresegment)


def new_id() -> str:
    return uuid.uuid4().hex


def make(article: str, kind: Kind, author: str, **fields: object) -> Change:
    fields.setdefault("id", new_id())
    return Change(article=article, kind=kind, author=author, time=now(), **fields)  # type: ignore[arg-type]


# -- applying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A human change that met another person's: `mine` is kept on the segment beside `theirs`."""

    article: str
    segment: str
    mine: Version
    theirs: SegmentRecord
    change: Change


@dataclass(frozen=True)
class Dropped:
    """A change that did not land and needs nobody's decision: a machine translation or an
    undo over something that moved meanwhile (the moved text stays; nothing typed is lost)."""

    article: str
    segment: str
    change: Change
    reason: str


@dataclass
class Outcome:
    document: Document
    landed: list[str] = field(default_factory=list)  # segment ids
    conflicts: list[Conflict] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)  # human text whose segment is gone, kept
    reshaped: list[str] = field(default_factory=list)  # segments a restore, split or join took away
    changed: bool = False  # whether the document differs from what it was given

    def merge(self, other: Outcome) -> None:
        self.document = other.document
        self.landed += other.landed
        self.conflicts += other.conflicts
        self.dropped += other.dropped
        self.orphaned += other.orphaned
        self.reshaped += other.reshaped
        self.changed = self.changed or other.changed


# a document whose restored lines or splits and joins changed → rebuilt from its prepared article
Restorer = Callable[[Document], Document]


def version_of(edit: Edit, change: Change) -> Version:
    return Version(
        target=edit.target,
        status=edit.status,
        mt=edit.mt or "",
        score=edit.score,
        model=edit.model or "",
        origin=edit.origin or "",
        author=change.author if edit.human else "",
        time=change.time,
        change=change.id,
        event=change.kind,
        device=edit.device or "",
        compute_type=edit.compute_type or "",
    )


def _landed(record: SegmentRecord, edit: Edit, change: Change) -> SegmentRecord:
    """A new record (never the old one changed: views and changes in flight hold it)."""
    new = replace(
        record, history=list(record.history), conflicts=list(record.conflicts), glossary=list(record.glossary)
    )
    new.supersede()
    new.target, new.status = edit.target, edit.status
    if edit.mt is not None:
        new.mt = edit.mt
    if edit.origin is not None:
        new.score, new.model, new.origin = edit.score, edit.model or "", edit.origin
        new.device, new.compute_type = edit.device or "", edit.compute_type or ""
    if edit.glossary is not None:
        new.glossary = list(edit.glossary)
    new.author = change.author if edit.human else ""
    new.change, new.event, new.updated = change.id, change.kind, change.time
    kept = record.draft
    if kept is not None and kept.text.strip() and kept.text != edit.target:
        # an unfinished edit (from a session that ended) is not thrown away by what lands
        # over it: it goes into the history, where the history dialog can bring it back
        new.history.append(
            Version(kept.text, "edited", author=kept.author, time=kept.time, event="unfinished edit")
        )
    new.draft = None
    return new


def apply_change(document: Document, change: Change, restorer: Restorer | None = None) -> Outcome:
    """`document` with `change` applied: a new Document sharing the records it leaves alone.

    The article's shape changes first (restored lines, splits and joins, rebuilt from its
    prepared text); then edits meet each segment as it is now: unchanged since the author
    looked, or changed by a machine under a human edit, they land; otherwise a human edit
    is kept as a conflict and a machine one is dropped. A change that already reached a
    segment, or whose text the segment already holds, is skipped.
    """
    outcome = Outcome(replace(document, orphans=list(document.orphans)))
    _reshape(outcome, change, restorer)
    segments = outcome.document.segments = list(outcome.document.segments)
    where = {record.id: n for n, record in enumerate(segments)}
    for edit in change.edits:
        n = where.get(edit.segment)
        if n is None:
            _orphan(outcome, change, edit)
            continue
        record = segments[n]
        if record.knows(change.id) or edit.holds(record):
            continue
        if edit.against(record) or (edit.human and not record.human):
            segments[n] = _landed(record, edit, change)
            outcome.landed.append(edit.segment)
            outcome.changed = True
        elif edit.human:
            mine = version_of(edit, change)
            kept = replace(record, conflicts=[*record.conflicts, mine], draft=None)
            segments[n] = kept
            outcome.conflicts.append(Conflict(change.article, edit.segment, mine, kept, change))
            outcome.changed = True
        else:
            reason = "it was changed meanwhile" if change.kind != "undo" else "it was changed since"
            outcome.dropped.append(Dropped(change.article, edit.segment, change, reason))
    for segment, mark in change.dismiss:
        n = where.get(segment)
        if n is not None and not any(
            d.time == mark.time and d.check == mark.check for d in segments[n].dismissed
        ):
            marks = [d for d in segments[n].dismissed if (d.check, d.finding) != (mark.check, mark.finding)]
            segments[n] = replace(segments[n], dismissed=[*marks, mark])
            outcome.landed.append(segment)
            outcome.changed = True
    for segment, check, finding in change.undismiss:
        n = where.get(segment)
        if n is not None and any((d.check, d.finding) == (check, finding) for d in segments[n].dismissed):
            marks = [d for d in segments[n].dismissed if (d.check, d.finding) != (check, finding)]
            segments[n] = replace(segments[n], dismissed=marks)
            outcome.landed.append(segment)
            outcome.changed = True
    _notes(outcome, change, segments, where)
    for settle in change.settle:
        n = where.get(settle.segment)
        if n is None:
            continue
        record = segments[n]
        decided = [v for v in record.conflicts if v.change == settle.change]
        if decided:
            segments[n] = replace(
                record,
                conflicts=[v for v in record.conflicts if v.change != settle.change],
                history=[*record.history, *(replace(v, event="conflict") for v in decided)],
            )
            outcome.changed = True
    return outcome


def _notes(outcome: Outcome, change: Change, segments: list[SegmentRecord], where: dict[str, int]) -> None:
    """Comments and error annotations, added and taken away by id (so a replay adds none twice).
    Their ids sort in the order they were made, and the lists are kept in that order: an undone
    removal puts a note back where it was."""
    for segment, comment in change.comment:
        n = where.get(segment)
        if n is not None and all(c.id != comment.id for c in segments[n].comments):
            comments = sorted([*segments[n].comments, comment], key=lambda c: c.id)
            segments[n] = replace(segments[n], comments=comments)
            outcome.landed.append(segment)
            outcome.changed = True
    for segment, mark in change.mark:
        n = where.get(segment)
        if n is not None and all(m.id != mark.id for m in segments[n].errors):
            segments[n] = replace(segments[n], errors=sorted([*segments[n].errors, mark], key=lambda m: m.id))
            outcome.landed.append(segment)
            outcome.changed = True
    for segment, note in change.unnote:
        n = where.get(segment)
        if n is None:
            continue
        record = segments[n]
        comments = [c for c in record.comments if c.id != note]
        errors = [m for m in record.errors if m.id != note]
        if len(comments) + len(errors) < len(record.comments) + len(record.errors):
            segments[n] = replace(record, comments=comments, errors=errors)
            outcome.landed.append(segment)
            outcome.changed = True


def _reshape(outcome: Outcome, change: Change, restorer: Restorer | None) -> None:
    """Restored lines and the translator's splits and joins: the document rebuilt from its
    prepared article, when they change anything."""
    document = outcome.document
    restored = (set(document.restored) | set(change.restore)) - set(change.unrestore)
    known = {op.id for op in document.resegmented}
    operations = [op for op in document.resegmented if op.id not in change.unresegment]
    operations += [op for op in change.resegment if op.id not in known]
    if restored == set(document.restored) and [o.id for o in operations] == [
        o.id for o in document.resegmented
    ]:
        return
    if restorer is None:
        raise ValueError("changing the article's shape needs its prepared text")
    before = {s.id for s in document.segments}
    rebuilt = restorer(replace(document, restored=sorted(restored), resegmented=operations))
    outcome.document = replace(rebuilt, orphans=list(rebuilt.orphans))
    outcome.reshaped = [i for i in before if i not in {s.id for s in rebuilt.segments}]
    outcome.changed = True


def _orphan(outcome: Outcome, change: Change, edit: Edit) -> None:
    """The segment is gone (its source changed): human text is kept as an orphan of the
    document, where exports and the next review still find it."""
    if not edit.human:
        outcome.dropped.append(Dropped(change.article, edit.segment, change, "the segment no longer exists"))
        return
    document = outcome.document
    if any(o.knows(change.id) for o in document.orphans):
        return
    record = SegmentRecord(
        id=edit.segment,
        block=-1,
        index=-1,
        kind="text",
        source=edit.source,
        target=edit.target,
        status=edit.status,
        author=change.author,
        change=change.id,
        event=change.kind,
        updated=change.time,
    )
    document.orphans.append(record)
    outcome.orphaned.append(edit.segment)
    outcome.changed = True


def apply_all(document: Document, changes: Iterable[Change], restorer: Restorer | None = None) -> Outcome:
    outcome = Outcome(document)
    for change in changes:
        outcome.merge(apply_change(outcome.document, change, restorer))
    return outcome
