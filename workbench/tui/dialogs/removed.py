"""The lines removed from an article as web cruft, to restore one."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from workbench.model import Removal


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
