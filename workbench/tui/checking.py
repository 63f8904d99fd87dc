"""The review screen's checks and the reviewer's pass: QA findings beside the editor as one
types, a question before confirming a target with findings, "not an error" judgements,
words for the spelling check; approving, rejecting, commenting and annotating errors."""

from __future__ import annotations

from collections.abc import Callable

from textual import on

from workbench.errors import WorkbenchError
from workbench.quality import CATEGORIES, SEVERITIES
from workbench.review.session import Applied
from workbench.tui.asking import Asking
from workbench.tui.dialogs.notes import AnnotateDialog, NoteDialog
from workbench.tui.dialogs.segments import DismissDialog
from workbench.tui.segment_detail import SegmentDetail, offset
from workbench.tui.text import describe


class Checking(Asking):
    allow_self_approve = False  # the screen's flag (workbench review --allow-self-approve)

    @on(SegmentDetail.Checking)
    def check_typed(self, event: SegmentDetail.Checking) -> None:
        editing = self.detail.editing
        if editing is None or (editing.article, editing.base.id) != (event.article, event.segment):
            return  # the editor moved on behind this message
        if event.text == self.editor.text:
            self.detail.show_findings(self.findings_of(event.article, event.segment, event.text), event.text)

    def action_dismiss_finding(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return
        findings = self.findings_of(article, record.id, wait=True)
        if not findings:
            self.notify("This segment has no QA finding.", timeout=3)
            return

        def chosen(answer: tuple[str, str, str] | None) -> None:
            if answer is not None:
                check, key, reason = answer
                self._revise(lambda: self.session.dismiss(article, record.id, check, key, reason), "Kept as not an error.")

        self.app.push_screen(DismissDialog([(f.check, f.key, f.message) for f in findings]), chosen)

    def action_add_word(self) -> None:
        """The misspelling under the editor's cursor (or the segment's first) is a word."""
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return
        editing = self.detail.editing
        text = self.editor.text if editing is not None else record.target
        findings = self.findings_of(article, record.id, text if editing else None, wait=True) or []
        spelling = [f for f in findings if f.check == "spelling"]
        if not spelling:
            self.notify("No misspelling here.", timeout=3)
            return
        at = offset(text, self.editor.cursor_location) if editing else -1
        found = next((f for f in spelling if f.start <= at <= f.end), spelling[0])
        word = text[found.start : found.end]
        try:
            added = self.session.add_word(word)
        except WorkbenchError as exc:
            self.notify(describe(exc), severity="error")
            return
        self.notify(f"“{word}” is in the project's words{'' if added else ' already'}.", timeout=3)
        self.show_checks()

    def show_checks(self) -> None:
        """The segment on screen with its glossary entities and findings; in the editor, the
        findings of what is being typed (not of the stored target)."""
        self.show_segment()
        editing = self.detail.editing
        if editing is not None and editing.article == self.cursor.article:
            text = self.editor.text
            self.detail.show_findings(self.findings_of(editing.article, editing.base.id, text), text)

    # -- the reviewer's pass ------------------------------------------------------------------------

    def _revise(self, action: Callable[[], Applied], done: str) -> None:
        try:
            applied = action()
        except WorkbenchError as exc:
            self.notify(describe(exc), severity="warning")
            return
        self._report(applied)
        self.show_segment()
        self.notify(done, timeout=3)

    def action_approve(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is not None and article is not None:
            self._revise(
                lambda: self.session.approve(article, record.id, allow_self_approve=self.allow_self_approve),
                f"Segment {self.cursor.index + 1} approved.",
            )

    def action_reject(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return
        if record.status not in ("reviewed", "approved"):  # said before a reason is typed for nothing
            self.notify("Only a reviewed or approved segment can be rejected.", severity="warning")
            return

        def chosen(reason: str | None) -> None:
            if reason is not None:
                self._revise(lambda: self.session.reject(article, record.id, reason), "Sent back to the translator.")

        self.app.push_screen(NoteDialog("Reject the segment", "Why? (the translator reads it as a comment)"), chosen)

    def action_comment(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return

        def chosen(text: str | None) -> None:
            if text is not None:
                self._revise(lambda: self.session.comment(article, record.id, text), "Comment kept.")

        self.app.push_screen(NoteDialog("Comment on the segment", "Your comment:"), chosen)

    def action_annotate(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return

        def chosen(answer: tuple[str, str, str] | None) -> None:
            if answer is not None:
                category, severity, note = answer
                self._revise(
                    lambda: self.session.annotate(article, record.id, category, severity, note=note),
                    f"{severity.capitalize()} {category} error kept.",
                )

        self.app.push_screen(AnnotateDialog(CATEGORIES, list(SEVERITIES)), chosen)
