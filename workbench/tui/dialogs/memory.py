"""The translation memory's matches for a segment."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from workbench.mt.memory import Match
from workbench.tui.text import diff_text


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
                # the match's source as it would have to change to read as this one's
                line = Text.assemble(
                    (f"{match.similarity:5.1f}% ", "bold"),
                    (f"[{who}] ", "green" if match.human else "cyan"),
                    diff_text(match.source, self.source) if match.similarity < 100 else Text(match.source),
                    "\n        → ",
                    (match.target, "bold"),
                )
                options.append(Option(line, id=str(n)))
            yield OptionList(*options, id="matches")
            yield Label(
                "Struck through: words of the match's source that this one lacks; underlined: words this"
                " one has. Enter inserts the translation; Esc closes.",
                classes="hint",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.matches[int(event.option.id or 0)].target)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
