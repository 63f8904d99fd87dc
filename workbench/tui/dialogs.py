"""Modal dialogs: translation-memory matches, removed lines, adding a glossary entry, and a
conflict between the reviewer's text and another's."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from workbench.glossary.entries import TYPES
from workbench.model import Removal
from workbench.mt.memory import Match


class MemoryDialog(ModalScreen[str | None]):
    """Exact and fuzzy translation-memory matches; Enter inserts the chosen translation."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    def __init__(self, source: str, matches: list[Match]) -> None:
        super().__init__()
        self.source = source
        self.matches = matches

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Translation memory", classes="title")
            if not self.matches:
                yield Label("No similar sentence in the memory yet.", classes="hint")
                return
            options = []
            for n, match in enumerate(self.matches):
                who = "human" if match.human else "MT"
                line = Text.assemble(
                    (f"{match.similarity:5.1f}% ", "bold"),
                    (f"[{who}] ", "green" if match.human else "cyan"),
                    match.source,
                    "\n        → ",
                    (match.target, "bold"),
                )
                options.append(Option(line, id=str(n)))
            yield OptionList(*options, id="matches")
            yield Label("Enter inserts the translation into the target; Esc closes.", classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.matches[int(event.option.id or 0)].target)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class RemovedDialog(ModalScreen[int | None]):
    """The lines removed as web cruft, with why; Enter puts one back into the article."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    def __init__(self, removed: Sequence[Removal], restored: list[int]) -> None:
        super().__init__()
        self.removed = [r for r in removed if r.text and r.line not in restored]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Removed web cruft", classes="title")
            if not self.removed:
                yield Label("Nothing was removed from this article.", classes="hint")
                return
            yield OptionList(
                *(
                    Option(
                        Text.assemble((f"line {r.line:>3} ", "dim"), (f"{r.reason:<11} ", "yellow"), r.text),
                        id=str(r.line),
                    )
                    for r in self.removed
                ),
                id="removed",
            )
            yield Label(
                "Enter restores the line to the article as a new segment; Esc closes.", classes="hint"
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


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


class ConflictDialog(ModalScreen[str]):
    """Another person changed the segment while the reviewer's change was on its way: both
    versions, each scrolling when long; keep mine, take theirs (mine stays in the segment's
    history), or edit (Esc: edit, nothing lost)."""

    BINDINGS = [
        Binding("escape", "choose('edit')", "Edit"),
        Binding("k", "choose('mine')", "Keep mine"),
        Binding("t", "choose('theirs')", "Take theirs"),
        Binding("e", "choose('edit')", "Edit"),
    ]

    def __init__(self, where: str, mine: str, theirs: str, their_status: str) -> None:
        super().__init__()
        self.where = where
        self.mine = mine
        self.theirs = theirs
        self.their_status = their_status

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="conflict"):
            yield Label(f"{self.where} was changed by someone else meanwhile", classes="title")
            yield Label("Your text", classes="label")
            with VerticalScroll(classes="version"):
                yield Static(Text(self.mine or "(empty)"), id="mine")
            yield Label(f"Their text ({self.their_status})", classes="label")
            with VerticalScroll(classes="version"):
                yield Static(Text(self.theirs or "(empty)"), id="theirs")
            with Horizontal(classes="buttons"):
                yield Button(Text("Keep mine [k]"), id="choose-mine", variant="primary")
                yield Button(Text("Take theirs [t]"), id="choose-theirs")
                yield Button(Text("Edit [e]"), id="choose-edit")

    def on_mount(self) -> None:
        self.query_one("#choose-edit", Button).focus()  # Enter by mistake changes nothing

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "choose-edit").removeprefix("choose-"))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class ConsentDialog(ModalScreen[bool]):
    """A question before an action that would replace a person's work: y does it, n or Esc
    does not."""

    BINDINGS = [
        Binding("escape", "answer(False)", "No"),
        Binding("n", "answer(False)", "No"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, title: str, question: str, yes: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="consent"):
            yield Label(self.title_text, classes="title")
            yield Static(Text(self.question))
            with Horizontal(classes="buttons"):
                yield Button(Text(f"{self.yes} [y]"), id="yes", variant="warning")
                yield Button(Text("Keep it [n]"), id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
