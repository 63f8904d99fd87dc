"""The review screen's editing: edit, confirm, accept, undo, drafts, and re-translating one
segment (asking first over a person's work)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable

from textual import on
from textual.actions import SkipAction
from textual.widgets import Input

from workbench.errors import WorkbenchError
from workbench.review.session import Applied
from workbench.review.work import MachineTranslation
from workbench.store import SegmentRecord
from workbench.tui.asking import Asking
from workbench.tui.dialogs import ConsentDialog
from workbench.tui.dialogs.segments import HistoryDialog, SplitDialog
from workbench.tui.rows import Rows
from workbench.tui.segment_detail import SegmentDetail
from workbench.tui.segment_table import SegmentTable
from workbench.tui.text import describe


class Editing(Asking):
    @on(SegmentTable.Chosen)
    def segment_chosen(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        if self.detail.editing is not None or isinstance(self.focused, Input):
            raise SkipAction()  # Enter in the editor is a new line
        if isinstance(self.focused, Rows) and self.focused is not self.table:
            raise SkipAction()  # Enter in the article list opens the article
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return
        draft = self.session.draft_for(article, record.id)
        if draft is not None and draft != record.target:
            self.notify("Your unfinished edit of this segment is back in the editor.", timeout=4)
        self.detail.start_editing(
            article, record, draft if draft is not None else (record.target or record.mt)
        )

    def action_done(self) -> None:
        if self.detail.editing is None:
            raise SkipAction()
        self.finish_editing()
        self.show_conflicts()

    @on(SegmentDetail.Typed)
    def keep_draft(self, event: SegmentDetail.Typed) -> None:
        editing = self.detail.editing
        if editing is None or (editing.article, editing.base.id) != (event.article, event.segment):
            return  # the editor closed behind this message: its text was committed then
        try:
            self.session.draft(event.article, event.segment, event.text)
        except WorkbenchError as exc:
            self.notify(describe(exc), severity="error")

    def action_confirm(self) -> None:
        editing = self.detail.editing
        if editing is not None:

            def confirm_typed() -> None:
                if self.detail.editing is editing and self.finish_editing(confirm=True) is not None:
                    self.goto_next_unreviewed()

            self.after_qa(editing.article, editing.base.id, self.editor.text, confirm_typed)
            return
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return
        text = record.target or record.mt
        self.after_qa(article, record.id, text, lambda: self._act(lambda: self.session.confirm(article, record.id)))

    def action_accept_mt(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return
        if not record.mt:
            self._act(lambda: self.session.accept(article, record.id))  # it says why not
            return

        def accept() -> None:
            self.after_qa(article, record.id, record.mt, lambda: self._act(lambda: self.session.accept(article, record.id)))

        if record.human and record.target.strip() and record.target != record.mt:
            # as `t`: one key never puts machine text in the place of a person's
            def answered(yes: bool | None) -> None:
                if yes:
                    accept()

            self.app.push_screen(
                ConsentDialog(
                    "Replace a person's translation with the MT?",
                    f"Segment {self.cursor.index + 1} is {record.status}: “{record.target}”. Accepting the MT puts"
                    " the machine text in its place (the translation stays in the history).",
                    "Accept the MT",
                ),
                answered,
            )
            return
        accept()

    def _act(self, action: Callable[[], Applied], then_next: bool = True) -> None:
        try:
            applied = action()
        except WorkbenchError as exc:
            self.notify(describe(exc), severity="warning")
            return
        self._report(applied)
        if then_next and applied.landed:
            self.goto_next_unreviewed()

    def action_undo(self) -> None:
        self._commands()
        self._reverse(self.session.undo, "Undone", "Nothing to undo.")

    def action_redo(self) -> None:
        self._commands()
        self._reverse(self.session.redo, "Redone", "Nothing to redo.")

    def _reverse(self, how: Callable[[], Applied | None], done: str, nothing: str) -> None:
        try:
            applied = how()
        except WorkbenchError as exc:
            self.notify(describe(exc), severity="error")
            return
        if applied is None:
            self.notify(nothing, timeout=2)
            return
        self._report(applied)
        if applied.landed:
            article, segment = applied.landed[0]
            self.go(article, self.session.position(article, segment))
            record = self.current()
            more = f" (and {len(applied.landed) - 1} more)" if len(applied.landed) > 1 else ""
            status = record.status if record else "?"
            self.notify(f"{done}: segment {self.cursor.index + 1} is {status} again{more}.", timeout=3)
        elif applied.changes:
            self.notify(f"{done}.", timeout=3)

    # -- history, split and join -----------------------------------------------------------------

    def action_history(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return

        def chosen(text: str | None) -> None:
            if text is not None:
                self.edit_text(article, record.id, text)

        self.app.push_screen(HistoryDialog(self.cursor.index + 1, record), chosen)

    def action_split(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return

        def chosen(at: int | None) -> None:
            if at is not None:
                self.work.run(
                    "Splitting",
                    self.session.restoration(article),
                    lambda prepared: self._reshaped(article, lambda: self.session.split(article, record.id, at, prepared)),
                )

        self.app.push_screen(SplitDialog(record.source), chosen)

    def action_join(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return
        self.work.run(
            "Joining",
            self.session.restoration(article),
            lambda prepared: self._reshaped(article, lambda: self.session.join(article, record.id, prepared)),
        )

    def _reshaped(self, article: str, how: Callable[[], Applied]) -> None:
        """After a split or join: show it, then machine-translate the new segments behind
        (not a step of its own: undoing the split takes them away)."""
        try:
            applied = how()
        except WorkbenchError as exc:
            self.notify(describe(exc), severity="warning")
            return
        self._report(applied)
        made = [op.result for c in applied.changes for op in c.resegment]
        new = self.session.untranslated(article, [i for ids in made for i in ids])
        if new:
            self.go(article, self.session.position(article, new[0].id))
        self.notify(f"{len(new)} new segment{'s' if len(new) != 1 else ''}; u takes the change back.", timeout=4)
        for record in new:
            with contextlib.suppress(WorkbenchError):
                self.work.run(
                    "Translating a new segment",
                    self.session.retranslation(article, record.id),
                    functools.partial(self._fill_new, article, record),
                )

    def _fill_new(self, article: str, record: SegmentRecord, result: MachineTranslation) -> None:
        self._act(lambda: self.session.apply_retranslation(article, record, result, undoable=False), then_next=False)

    # -- re-translating one segment -----------------------------------------------------------------

    def action_retranslate(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return

        def go(consent: bool | None = True) -> None:
            if not consent:
                return
            try:
                work = self.session.retranslation(article, record.id)
            except WorkbenchError as exc:
                self.notify(describe(exc), severity="error")
                return
            self.notify(f"Re-translating segment {self.cursor.index + 1}…", timeout=2)
            self.work.run(
                "Re-translating",
                work,
                lambda result: self._act(
                    lambda: self.session.apply_retranslation(
                        article, record, result, overwrite_human=record.human
                    ),
                    then_next=False,
                ),
            )

        if record.human:
            self.app.push_screen(
                ConsentDialog(
                    f"Segment {self.cursor.index + 1} is {record.status} by a person.",
                    "Replace it with a new machine translation? Its text stays in the segment's history"
                    " and u brings it back.",
                    "Re-translate",
                ),
                go,
            )
        else:
            go()
