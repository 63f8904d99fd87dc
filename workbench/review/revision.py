"""The reviewer's pass: approving or rejecting what the translator confirmed, comments, and
error annotations (MQM categories and severities, `workbench/quality.py`).

Each is a change like any other (journaled before it is shown, folded behind, undone
exactly), with its author and time. A segment is approved only once reviewed (confirmed by
its translator), and only by a person: the machine never approves. Approving one's own
translation needs `allow_self_approve`, and the report counts it as such. Rejecting sends
the segment back to the translator with a comment saying why; editing or confirming it
again takes it out of `rejected`.
"""

from __future__ import annotations

import time

from workbench.provenance import provenance
from workbench.quality import QualityError, category_of, severity_of
from workbench.review.actions import Actions
from workbench.review.base import Applied, ReviewError, typed
from workbench.review.changes import new_id
from workbench.store import Comment, ErrorMark, now


def note_id() -> str:
    """An id that sorts in the order notes are made (nanoseconds), unique with a random tail."""
    return f"{time.time_ns():020d}-{new_id()[:8]}"


class Revision(Actions):
    def approve(self, article: str, segment_id: str, *, allow_self_approve: bool = False) -> Applied:
        record = self.segment(article, segment_id)
        if record.status != "reviewed":
            raise ReviewError(
                f"Only a reviewed segment can be approved, and this one is {record.status}: "
                "its translator confirms it first."
            )
        translator = provenance(record).translator
        if translator == self.user and not allow_self_approve:
            raise ReviewError(
                f"You ({self.user}) translated this segment: approving your own work needs --allow-self-approve."
            )
        edit = self._edit(article, record, record.target, "approved")
        return self._make([self._change(article, "approve", edits=(edit,))])

    def reject(self, article: str, segment_id: str, reason: str) -> Applied:
        record = self.segment(article, segment_id)
        if record.status not in ("reviewed", "approved"):
            raise ReviewError(
                f"Only a reviewed or approved segment can be rejected, and this one is {record.status}."
            )
        text = typed(reason)
        if not text:
            raise ReviewError("Say why it is rejected: the comment goes back to the translator.")
        edit = self._edit(article, record, record.target, "rejected")
        comment = Comment(note_id(), text, self.user, now())
        return self._make([self._change(article, "reject", edits=(edit,), comment=((segment_id, comment),))])

    def comment(self, article: str, segment_id: str, text: str, *, reply_to: str = "") -> Applied:
        record = self.segment(article, segment_id)
        body = typed(text)
        if not body:
            raise ReviewError("A comment needs some text.")
        if reply_to and all(c.id != reply_to for c in record.comments):
            raise ReviewError("The comment this answers is not on the segment any more.")
        comment = Comment(note_id(), body, self.user, now(), reply_to)
        return self._make([self._change(article, "comment", comment=((segment_id, comment),))])

    def annotate(
        self,
        article: str,
        segment_id: str,
        category: str,
        severity: str,
        *,
        start: int = 0,
        end: int = 0,
        note: str = "",
    ) -> Applied:
        """An error in the target, over target[start:end] (0, 0: the whole segment)."""
        record = self.segment(article, segment_id)
        try:
            category, severity = category_of(category), severity_of(severity)
        except QualityError as exc:
            raise ReviewError(exc.message[0].upper() + exc.message[1:]) from None
        if not record.target:
            raise ReviewError("There is no target to find an error in.")
        if not (0 <= start <= end <= len(record.target)):
            raise ReviewError(f"The span {start}–{end} is outside the target ({len(record.target)} characters).")
        mark = ErrorMark(note_id(), category, severity, start, end, typed(note), self.user, now(), record.target)
        return self._make([self._change(article, "annotate", mark=((segment_id, mark),))])

    def remove_note(self, article: str, segment_id: str, note_id: str) -> Applied:
        """Take a comment or an error annotation away (undone like any change)."""
        record = self.segment(article, segment_id)
        if all(c.id != note_id for c in record.comments) and all(m.id != note_id for m in record.errors):
            raise ReviewError("That comment or annotation is not on the segment.")
        return self._make([self._change(article, "unannotate", unnote=((segment_id, note_id),))])
