"""Adding a glossary entry for a source span."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, TextArea

from workbench.glossary.entries import TYPES


class GlossaryDialog(ModalScreen[dict[str, str] | None]):
    """Add a glossary entry for a source span: its English form, type and note."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, source_form: str, language: str, sentence: str = "", english: str = "") -> None:
        super().__init__()
        self.source_form = source_form
        self.language = language
        self.sentence = sentence
        self.english = english

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Add to the glossary", classes="title")
            if self.sentence:
                yield Label("Select the name in the sentence (Shift+arrows), or type it below")
                area = TextArea(self.sentence, read_only=True, soft_wrap=True, id="sentence")
                area.cursor_blink = False
                yield area
            yield Label(f"Source form ({self.language})")
            yield Input(self.source_form, id="form")
            yield Label("English form")
            yield Input(
                self.english, id="english", placeholder="the one English form, as the agencies write it"
            )
            yield Label("Type")
            yield Select([(t, t) for t in TYPES], value="person", id="type", allow_blank=False)
            yield Label("Note")
            yield Input("", id="note")
            yield Label("Ctrl+S saves to glossaries/added.toml; Esc cancels.", classes="hint")

    def on_mount(self) -> None:
        (
            self.query_one("#sentence", TextArea) if self.sentence else self.query_one("#english", Input)
        ).focus()

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        selected = event.text_area.selected_text.strip()
        if selected:
            self.query_one("#form", Input).value = " ".join(selected.split())

    def action_save(self) -> None:
        values = {
            "form": self.query_one("#form", Input).value.strip(),
            "english": self.query_one("#english", Input).value.strip(),
            "type": str(self.query_one("#type", Select).value),
            "note": self.query_one("#note", Input).value.strip(),
        }
        if not values["form"] or not values["english"]:
            self.notify("Both the source form and the English form are needed.", severity="warning")
            return
        self.dismiss(values)

    def on_input_submitted(self) -> None:
        self.action_save()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
