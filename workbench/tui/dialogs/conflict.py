"""Questions: a conflict between the reviewer's text and another's, and consent before
an action would replace a person's work."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


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
            yield Label(Text(f"{self.where} was changed by someone else meanwhile"), classes="title")
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

    def __init__(self, title: str, question: str, yes: str, no: str = "Keep it") -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="consent"):
            yield Label(self.title_text, classes="title")
            yield Static(Text(self.question))
            with Horizontal(classes="buttons"):
                yield Button(Text(f"{self.yes} [y]"), id="yes", variant="warning")
                yield Button(Text(f"{self.no} [n]"), id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
