"""The activity line: what runs in the background, with its progress."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class Activity(Horizontal):
    def compose(self) -> ComposeResult:
        yield Label("", id="activity-label")
        yield ProgressBar(id="progress", show_eta=True)

    @property
    def running(self) -> bool:
        return self.has_class("running")

    def start(self, label: str, total: int | None = None) -> None:
        self.add_class("running")
        self.query_one("#activity-label", Label).update(label + "  ")
        self.query_one(ProgressBar).update(total=total, progress=0)

    def advance(self, done: int, total: int | None) -> None:
        self.query_one(ProgressBar).update(total=total, progress=done)

    def stop(self) -> None:
        self.remove_class("running")
