"""Which segments to see, across every article: by status, text, glossary flags, repetitions,
conflicts and QA findings, or machine output worst-scored first; with the count as one
chooses."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label

from workbench.review.corpus import Filter, Filtered
from workbench.store import STATUSES


class FilterDialog(ModalScreen[Filter | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel"), Binding("ctrl+s", "apply", "Apply", priority=True)]

    def __init__(self, current: Filter, count: Callable[[Filter], Filtered], checks: Sequence[str] = ()) -> None:
        super().__init__()
        self.current = current
        self.count = count
        self.checks = list(checks)  # the QA checks a finding can come from

    def compose(self) -> ComposeResult:
        spec = self.current
        with Vertical(classes="dialog", id="filter"):
            yield Label("Filter segments (every article)", classes="title")
            yield Input(spec.text, placeholder="text in source or target", id="filter-text")
            with Grid(classes="checks"):
                for status in STATUSES:
                    yield Checkbox(status, status in spec.statuses, id=f"status-{status}", compact=True)
            with Grid(classes="checks"):
                yield Checkbox("glossary ⚠", spec.glossary, id="glossary", compact=True)
                yield Checkbox("repeated", spec.repetitions, id="repetitions", compact=True)
                yield Checkbox("conflicts", spec.conflicts, id="conflicts", compact=True)
                yield Checkbox("by MT score", spec.lowest_score_first, id="lowest", compact=True)
            if self.checks:
                with Grid(classes="checks"):
                    for check in self.checks:
                        yield Checkbox(check, check in spec.findings, id=f"check-{check}", compact=True)
            yield Label("", id="filter-count")
            with Horizontal(classes="buttons"):
                yield Button("Apply [^s]", id="apply", variant="primary", compact=True)
                yield Button("Show everything", id="clear", compact=True)

    def on_mount(self) -> None:
        self._recount()
        self.query_one("#filter-text", Input).focus()

    def spec(self) -> Filter:
        def ticked(prefix: str, names: Sequence[str]) -> frozenset[str]:
            return frozenset(n for n in names if self.query_one(f"#{prefix}-{n}", Checkbox).value)

        return Filter(
            statuses=ticked("status", STATUSES),
            text=self.query_one("#filter-text", Input).value,
            glossary=self.query_one("#glossary", Checkbox).value,
            repetitions=self.query_one("#repetitions", Checkbox).value,
            conflicts=self.query_one("#conflicts", Checkbox).value,
            findings=ticked("check", self.checks),
            lowest_score_first=self.query_one("#lowest", Checkbox).value,
        )

    def _recount(self) -> None:
        found = self.count(self.spec())
        by_status = ", ".join(f"{n} {status}" for status, n in found.counts.items() if n)
        self.query_one("#filter-count", Label).update(
            f"{len(found.hits)} segments in {len(found.articles)} articles" + (f": {by_status}" if by_status else "")
        )

    def on_checkbox_changed(self) -> None:
        self._recount()

    def on_input_changed(self) -> None:
        self._recount()

    def on_input_submitted(self) -> None:
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(Filter() if event.button.id == "clear" else self.spec())

    def action_apply(self) -> None:
        self.dismiss(self.spec())

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
