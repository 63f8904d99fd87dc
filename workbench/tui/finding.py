"""The review screen's finding: filters over every article, search, go to a segment,
concordance, find and replace, and the keys."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input

from workbench.errors import WorkbenchError
from workbench.review.corpus import Filter
from workbench.tui.base import ReviewBase
from workbench.tui.commands import COMMANDS
from workbench.tui.dialogs.concordance import Answer, ConcordanceDialog
from workbench.tui.dialogs.filter import FilterDialog
from workbench.tui.dialogs.keys import KeysDialog
from workbench.tui.dialogs.replace import ReplaceDialog
from workbench.tui.dialogs.segments import GotoDialog
from workbench.tui.text import describe


class Finding(ReviewBase):
    # -- filters --------------------------------------------------------------------------------

    def action_filter(self) -> None:
        self._commands()

        def chosen(spec: Filter | None) -> None:
            if spec is not None:
                self.apply_filter(spec)

        self.app.push_screen(FilterDialog(self.spec, self.session.filter, self.finding_checks()), chosen)

    def finding_checks(self) -> list[str]:
        return []

    def apply_filter(self, spec: Filter) -> None:
        if spec.empty:
            self.filtered = None
            self.notify("Every segment is shown again.", timeout=3)
        else:
            found = self.session.filter(spec)
            if not found.hits:
                self.notify(f"No segment is {spec.describe()}; nothing was filtered.", severity="warning")
                return
            self.filtered = found
            self.notify(f"{len(found.hits)} segments in {len(found.articles)} articles: {spec.describe()}.", timeout=4)
        if spec == self.spec:
            self.refilter()  # the same filter again: its hits as they are now
        else:
            self.spec = spec

    # -- search ---------------------------------------------------------------------------------

    def action_search(self) -> None:
        self._commands()
        search = self.query_one("#search", Input)
        search.add_class("visible")
        self.set_focus(search)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search":
            return
        self.matches = self.session.search(event.value)
        self.match_at = -1
        event.input.remove_class("visible")
        self.table.focus()
        if not self.matches:
            self.notify(f"No segment contains {event.value!r}.", severity="warning", timeout=3)
            return
        self.notify(f"{len(self.matches)} matches; n goes to the next.", timeout=3)
        self.next_match()

    def on_key(self, event: events.Key) -> None:
        search = self.query_one("#search", Input)
        if event.key == "escape" and search.has_focus:
            search.remove_class("visible")
            self.table.focus()
            event.stop()

    def action_search_next(self) -> None:
        self._commands()
        self.next_match()

    def next_match(self) -> None:
        if not self.matches:
            return
        self.match_at = (self.match_at + 1) % len(self.matches)
        self.go(*self.matches[self.match_at])


    # -- go to a segment -------------------------------------------------------------------------

    def action_goto(self) -> None:
        self._commands()
        article = self.cursor.article
        if article is None:
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.go(article, index)

        self.app.push_screen(GotoDialog(len(self.session.document(article).segments)), chosen)

    def action_keys(self) -> None:
        self._commands()
        self.app.push_screen(KeysDialog(COMMANDS, lambda key: self.app.get_key_display(Binding(key, ""))))

    # -- concordance, find and replace ---------------------------------------------------------------

    def action_concordance(self) -> None:
        self._commands()
        selected = self.editor.selected_text if self.detail.editing is not None else ""

        def chosen(answer: Answer | None) -> None:
            if answer is None:
                return
            how, hit = answer
            if how == "open":
                self.go(hit.where, hit.index)
            elif self.detail.editing is not None:
                self.editor.insert(hit.target)
            elif self.cursor.article is not None and (record := self.current()) is not None:
                self.edit_text(self.cursor.article, record.id, hit.target)

        self.app.push_screen(ConcordanceDialog(self.session.concordance, self.session.titles(), selected), chosen)

    def action_replace(self) -> None:
        self._commands()

        def preview(pattern: str, replacement: str, is_regex: bool, word: bool, case: bool):  # type: ignore[no-untyped-def]
            return self.session.replacements(pattern, replacement, is_regex=is_regex, whole_word=word, case=case)

        def chosen(kept: list | None) -> None:  # type: ignore[type-arg]
            if not kept:
                return
            try:
                applied = self.session.replace(kept)
            except WorkbenchError as exc:
                self.notify(describe(exc), severity="error")
                return
            self._report(applied)
            count = len(applied.landed)
            self.notify(f"Replaced in {count} segment{'s' if count != 1 else ''}; u undoes all of it.", timeout=5)

        self.app.push_screen(ReplaceDialog(preview, self.session.titles()), chosen)
