"""A line of text for a segment (a comment, a rejection's reason), and an MQM error
annotation (category, severity, note); each returns its answer through `dismiss`."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select


class NoteDialog(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, title: str, prompt: str) -> None:
        super().__init__()
        self.title_text, self.prompt = title, prompt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="title")
            yield Label(self.prompt)
            yield Input(id="note")
            yield Label("Enter keeps it with the segment; Esc cancels.", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.notify("Nothing was typed.", severity="warning")
            return
        self.dismiss(event.value.strip())

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class AnnotateDialog(ModalScreen[tuple[str, str, str] | None]):
    """An error in the target, by MQM category and severity, with a note."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, categories: Sequence[str], severities: Sequence[str]) -> None:
        super().__init__()
        self.categories, self.severities = list(categories), list(severities)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Annotate an error (MQM)", classes="title")
            yield Select([(c, c) for c in self.categories], value=self.categories[0], allow_blank=False, id="category")
            yield Select([(s, s) for s in self.severities], value=self.severities[0], allow_blank=False, id="severity")
            yield Input(placeholder="what is wrong (optional)", id="note")
            yield Label("Enter in the note keeps the annotation; Esc cancels.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#category", Select).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        category = str(self.query_one("#category", Select).value)
        severity = str(self.query_one("#severity", Select).value)
        self.dismiss((category, severity, event.value.strip()))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
