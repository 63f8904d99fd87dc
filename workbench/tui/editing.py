"""The review screen's editing: edit, confirm, accept, undo, drafts, and re-translating one
segment (asking first over a person's work)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.actions import SkipAction
from textual.widgets import DataTable, Input

from workbench.errors import WorkbenchError
from workbench.review.session import Applied
from workbench.tui.base import ReviewBase
from workbench.tui.dialogs import ConsentDialog
from workbench.tui.segment_detail import SegmentDetail
from workbench.tui.segment_table import SegmentTable
from workbench.tui.text import describe


class Editing(ReviewBase):
    @on(SegmentTable.Chosen)
    def segment_chosen(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        if self.detail.editing is not None or isinstance(self.focused, Input):
            raise SkipAction()  # Enter in the editor is a new line
        if isinstance(self.focused, DataTable) and self.focused is not self.table:
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
        try:
            self.session.draft(event.article, event.segment, event.text)
        except WorkbenchError as exc:
            self.notify(describe(exc), severity="error")

    def action_confirm(self) -> None:
        if self.detail.editing is not None:
            if self.finish_editing(confirm=True) is not None:
                self.goto_next_unreviewed()
            return
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is None or article is None:
            return
        self._act(lambda: self.session.confirm(article, record.id))

    def action_accept_mt(self) -> None:
        self._commands()
        record, article = self.current(), self.cursor.article
        if record is not None and article is not None:
            self._act(lambda: self.session.accept(article, record.id))

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
        try:
            applied = self.session.undo()
        except WorkbenchError as exc:
            self.notify(describe(exc), severity="error")
            return
        if applied is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        self._report(applied)
        if applied.landed:
            article, segment = applied.landed[0]
            self.go(article, self.session.position(article, segment))
            record = self.current()
            self.notify(
                f"Undone: segment {self.cursor.index + 1} is {record.status if record else '?'} again.",
                timeout=3,
            )
        elif applied.changes:
            self.notify("Undone.", timeout=3)

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
