"""Find and replace across the project's targets: plain or regular expression, whole word,
case; a preview of every change with a tick to skip one; replaced as one undoable step."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from workbench.errors import WorkbenchError
from workbench.review.corpus import Replacement
from workbench.tui.text import diff_text

Preview = Callable[[str, str, bool, bool, bool], list[Replacement]]


class ReplaceDialog(ModalScreen[list[Replacement] | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel"), Binding("ctrl+s", "replace", "Replace", priority=True)]

    def __init__(self, preview: Preview, titles: dict[str, str]) -> None:
        super().__init__()
        self.preview = preview
        self.titles = titles
        self.found: list[Replacement] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="replace"):
            yield Label("Find and replace in every target", classes="title")
            yield Input(placeholder="find", id="find")
            yield Input(placeholder="replace with", id="with")
            with Horizontal(classes="checks"):
                yield Checkbox("regular expression", id="regex")
                yield Checkbox("whole word", True, id="word")
                yield Checkbox("match case", id="case")
            yield Label("Enter shows every change; untick one to skip it.", id="replace-hint", classes="hint")
            yield SelectionList[int](id="hits")
            with Horizontal(classes="buttons"):
                yield Button("Replace [^s]", id="do-replace", variant="warning")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#find", Input).focus()

    def _show(self) -> None:
        hint = self.query_one("#replace-hint", Label)
        hits = self.query_one("#hits", SelectionList)
        hits.clear_options()
        self.found = []
        find = self.query_one("#find", Input).value
        if not find:
            hint.update("Type what to find.")
            return
        try:
            self.found = self.preview(
                find,
                self.query_one("#with", Input).value,
                self.query_one("#regex", Checkbox).value,
                self.query_one("#word", Checkbox).value,
                self.query_one("#case", Checkbox).value,
            )
        except WorkbenchError as exc:
            hint.update(Text(exc.message, style="red"))
            return
        reviewed = sum(r.status == "reviewed" for r in self.found)
        hint.update(
            f"{len(self.found)} targets change"
            + (f"; {reviewed} reviewed ones become edited, to be reviewed again" if reviewed else "")
            + ". Space skips one; Ctrl+S replaces the ticked ones."
        )
        for n, r in enumerate(self.found):
            where = Text(f"{self.titles.get(r.article, r.article)[:30]} · {r.index + 1} · {r.status}\n", style="dim")
            hits.add_option(Selection(Text.assemble(where, diff_text(r.before, r.after)), n, True))

    def on_input_submitted(self) -> None:
        self._show()

    def on_checkbox_changed(self) -> None:
        if self.found:
            self._show()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "do-replace":
            self.action_replace()
        else:
            self.dismiss(None)

    def action_replace(self) -> None:
        if not self.found:
            self._show()
            return
        ticked = set(self.query_one("#hits", SelectionList).selected)
        self.dismiss([r for n, r in enumerate(self.found) if n in ticked])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
