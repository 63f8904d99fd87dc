"""Dialogs about one segment: where to split it, which segment to go to, its history, and a
QA finding judged not an error."""

from __future__ import annotations

import regex
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from workbench.store import SegmentRecord, Version
from workbench.tui.text import diff_text

# where a sentence boundary was probably missed: a closing quote or a word, then a capital
MISSED = regex.compile(r"(?<=[»”\"\w.!?])\s+(?=[«“\"]?\p{Lu})")


def suggested_split(source: str) -> int:
    """A likely boundary the rules missed (after a closing quote before a capital), else the
    space nearest the middle."""
    middle = len(source) // 2
    candidates = [m.end() for m in MISSED.finditer(source) if m.start() > 0 and m.end() < len(source)]
    quoted = [c for c in candidates if source[: c].rstrip().endswith(("»", "”", '"'))]
    if quoted:
        return int(min(quoted, key=lambda c: abs(c - middle)))
    spaces = [m.end() for m in regex.finditer(r"\s+", source)]
    return int(min(spaces, key=lambda c: abs(c - middle))) if spaces else middle


def location_of(text: str, index: int) -> tuple[int, int]:
    """(row, column) of a character offset, as the text area counts them."""
    before = text[:index].split("\n")
    return len(before) - 1, len(before[-1])


class SplitDialog(ModalScreen[int | None]):
    """The source with a cursor: move it where the segment should end, Enter splits."""

    BINDINGS = [
        Binding("escape", "dismiss_none", "Cancel"),
        Binding("enter", "split", "Split here", priority=True),
        Binding("ctrl+s", "split", "Split here", priority=True),
    ]

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Split the segment", classes="title")
            area = TextArea(self.source, read_only=True, soft_wrap=True, id="split-source")
            area.cursor_blink = False
            yield area
            yield Label("Move the cursor to where the first sentence ends; Enter splits, Esc cancels.", classes="hint")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.move_cursor(location_of(self.source, suggested_split(self.source)))
        area.focus()

    def action_split(self) -> None:
        row, column = self.query_one(TextArea).cursor_location
        lines = self.source.split("\n")
        self.dismiss(sum(len(line) + 1 for line in lines[:row]) + column)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class GotoDialog(ModalScreen[int | None]):
    """A segment number of the open article."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Go to segment (1–{self.count})", classes="title")
            yield Input(placeholder="segment number", id="goto", type="integer")
            yield Label("", id="goto-hint", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value.isdigit() or not 1 <= int(value) <= self.count:
            self.query_one("#goto-hint", Label).update(f"A number from 1 to {self.count}.")
            return
        self.dismiss(int(value) - 1)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def _who(version: Version) -> str:
    if version.author:
        return version.author
    return version.model or version.origin or "machine"


class HistoryDialog(ModalScreen[str | None]):
    """Every version of the segment, newest first, each against the one before it; Enter
    puts a version's text into the editor (nothing changes until it is confirmed)."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    def __init__(self, number: int, record: SegmentRecord) -> None:
        super().__init__()
        self.number = number
        self.versions = [*record.history, record.version()]
        self.conflicts = list(record.conflicts)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"History of segment {self.number}", classes="title")
            options = []
            for n in range(len(self.versions) - 1, -1, -1):
                version = self.versions[n]
                previous = self.versions[n - 1].target if n else ""
                head = Text.assemble(
                    (f"{version.time or '—':<25} ", "dim"),
                    (f"{version.event or version.status:<12} ", "yellow"),
                    (f"{version.status:<9} ", "bold"),
                    (_who(version), "cyan"),
                    ("  (current)" if n == len(self.versions) - 1 else "", "green"),
                )
                options.append(Option(Text.assemble(head, "\n", diff_text(previous, version.target)), id=f"v{n}"))
            for n, version in enumerate(self.conflicts):
                head = Text.assemble(("waiting for a decision: ", "bold red"), (_who(version), "cyan"))
                options.append(Option(Text.assemble(head, "\n", version.target), id=f"c{n}"))
            yield OptionList(*options, id="versions")
            yield Label("Enter puts a version's text into the editor; Esc closes.", classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id or "v0"
        chosen = self.versions[int(key[1:])] if key[0] == "v" else self.conflicts[int(key[1:])]
        self.dismiss(chosen.target)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class DismissDialog(ModalScreen[tuple[str, str, str] | None]):
    """Judge one of the segment's QA findings not an error: which, and why."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, findings: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.findings = findings  # (check, finding key, what it says)
        self.chosen = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Not an error", classes="title")
            yield OptionList(
                *(Option(Text(f"{check}: {message}"), id=str(n)) for n, (check, _, message) in enumerate(self.findings)),
                id="findings",
            )
            yield Label("Why is it not an error? (kept with the segment)")
            yield Input(id="reason")
            yield Label("Choose the finding, type the reason, Enter keeps it; Esc cancels.", classes="hint")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.chosen = int(event.option.id or 0)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.chosen = int(event.option.id or 0)
        self.query_one("#reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.notify("Say why it is not an error.", severity="warning")
            return
        check, finding, _ = self.findings[self.chosen]
        self.dismiss((check, finding, event.value.strip()))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
