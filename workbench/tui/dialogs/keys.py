"""The keys of the review screen and of the editor, from the one table of commands."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from workbench.tui.commands import Command

EDITOR_KEYS = (
    ("Ctrl+Enter, Ctrl+S", "confirm the target and go on"),
    ("Esc", "leave the editor, keeping the text as edited"),
    ("Ctrl+A", "select all"),
    ("Ctrl+← →", "word by word (punctuation is a stop of its own)"),
    ("Shift+arrows", "select"),
    ("Ctrl+Z, Ctrl+Y", "undo, redo typing"),
)


class KeysDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close"), Binding("question_mark", "close", "Close"), Binding("f1", "close")]

    def __init__(self, commands: Sequence[Command], display: Callable[[str], str]) -> None:
        super().__init__()
        self.commands = commands
        self.key_name = display

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=False, padding=(0, 1))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column(style="bold")
        table.add_column(style="dim")
        for command in self.commands:
            table.add_row(", ".join(self.key_name(k) for k in command.keys), command.name, command.help)
        editor = Table(box=None, expand=True, show_header=False, padding=(0, 1))
        editor.add_column(style="bold cyan", no_wrap=True)
        editor.add_column()
        for keys, what in EDITOR_KEYS:
            editor.add_row(keys, what)
        with Vertical(classes="dialog", id="keys"):
            yield Label("Keys", classes="title")
            with VerticalScroll():
                yield Static(table)
                yield Label("In the editor", classes="title")
                yield Static(editor)
            yield Label(
                "Every command is also in the palette (Ctrl+P) by its name. Ctrl+Q quits from anywhere,"
                " the editor too, keeping what is typed. Esc closes.",
                classes="hint",
            )

    def action_close(self) -> None:
        self.dismiss(None)
