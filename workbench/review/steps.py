"""Steps: what one action did, kept to undo it exactly.

A step holds, for each change the action made, the segments as they were before and after
it in the session's view. Undoing a step is a new change (journaled, folded, itself
undoable by redo) that puts every landed segment back as it was, takes restored lines out
again, and makes the translation memory forget what the step taught it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from workbench.review.changes import Change, Edit, Kind, MemoryOp, make
from workbench.store import Document, SegmentRecord


@dataclass
class Step:
    changes: list[Change] = field(default_factory=list)
    before: dict[str, dict[str, SegmentRecord]] = field(default_factory=dict)  # article → segment → record
    after: dict[str, dict[str, SegmentRecord]] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)  # each article's view before

    @property
    def ids(self) -> set[str]:
        return {c.id for c in self.changes}

    def add(
        self, change: Change, before: Document, after: Document, landed: list[str], reshaped: list[str]
    ) -> None:
        """`landed`: segments the change edited; `reshaped`: segments its restore, split or
        join took away (an undo brings them back as they were)."""
        self.changes.append(change)
        self.documents.setdefault(change.article, before)
        wanted = set(landed) | set(reshaped)
        if wanted:
            self.before.setdefault(change.article, {}).update(
                {s.id: s for s in before.segments if s.id in wanted}
            )
            self.after.setdefault(change.article, {}).update(
                {s.id: s for s in after.segments if s.id in landed}
            )
        if not landed and not change.reshapes:
            self.changes.pop()  # nothing landed: nothing to undo


def inverse(change: Change, step: Step, user: str, kind: Kind, language: str) -> Change:
    """The change that puts back what `change` did (as `step` recorded it)."""
    article = change.article
    edits = []
    memory = []
    before = step.before.get(article, {})
    afters = step.after.get(article, {})
    for segment, was in before.items():
        # a segment the change took away comes back untranslated, then gets its text again
        after = afters.get(segment) or replace(was, target="", status="new")
        edits.append(
            Edit(
                segment=segment,
                base_target=after.target,
                base_status=after.status,
                target=was.target,
                status=was.status,
                source=after.source,
                mt=was.mt,
                score=was.score,
                model=was.model,
                origin=was.origin,
                glossary=tuple(was.glossary),
                device=was.device,
                compute_type=was.compute_type,
            )
        )
        if (
            after.status == "reviewed"
            and after.target
            and (was.status, was.target) != (after.status, after.target)
        ):
            memory.append(MemoryOp("remove", language, after.source, after.target))
        if was.status == "reviewed" and was.target:
            memory.append(MemoryOp("add", language, was.source, was.target, note=f"{article}/{segment}"))
    document = step.documents.get(article)
    taken_back = [op for op in (document.resegmented if document else []) if op.id in change.unresegment]
    judged_again = tuple(
        (segment, mark)
        for segment, check, finding in change.undismiss
        for mark in (before[segment].dismissed if segment in before else [])
        if (mark.check, mark.finding) == (check, finding)
    )
    added = {(segment, c.id) for segment, c in change.comment} | {(segment, m.id) for segment, m in change.mark}
    taken = set(change.unnote)
    comments_back = tuple(
        (segment, c) for segment, was in before.items() for c in was.comments if (segment, c.id) in taken
    )
    marks_back = tuple((segment, m) for segment, was in before.items() for m in was.errors if (segment, m.id) in taken)
    return make(
        article,
        kind,
        user,
        comment=comments_back,
        mark=marks_back,
        unnote=tuple(sorted(added)),
        edits=tuple(edits),
        restore=change.unrestore,
        unrestore=change.restore,
        resegment=tuple(taken_back),
        unresegment=tuple(op.id for op in change.resegment),
        dismiss=judged_again,
        undismiss=tuple((segment, mark.check, mark.finding) for segment, mark in change.dismiss),
        memory=tuple(memory),
        group=change.group,
        undoes=change.id,
    )
