"""Concordance: how a word or phrase was rendered before, in the translation memory and the
corpus, in context. Enter opens a corpus hit; i inserts a hit's target into the editor."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from workbench.review.corpus import Concordance

Answer = tuple[str, Concordance]  # ("open" | "insert", the hit)


def in_context(text: str, span: tuple[int, int], width: int = 90) -> Text:
    start, end = span
    left = max(0, start - width // 2)
    shown = Text(("…" if left else "") + text[left:start])
    shown.append(text[start:end], style="bold reverse")
    shown.append(text[end : end + width // 2] + ("…" if end + width // 2 < len(text) else ""))
    return shown


class ConcordanceDialog(ModalScreen[Answer | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Close"), Binding("i", "insert", "Insert target")]

    def __init__(self, search: Callable[[str], list[Concordance]], titles: dict[str, str], text: str = "") -> None:
        super().__init__()
        self.search = search
        self.titles = titles
        self.text = text
        self.hits: list[Concordance] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="concordance"):
            yield Label("Concordance", classes="title")
            yield Input(self.text, placeholder="a word or phrase, in the source or the target", id="phrase")
            yield OptionList(id="hits")
            yield Label("Enter searches; in the list Enter opens the segment, i inserts its target.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#phrase", Input).focus()
        if self.text:
            self._show(self.text)

    def _show(self, text: str) -> None:
        self.hits = self.search(text)
        hits = self.query_one("#hits", OptionList)
        hits.clear_options()
        for n, hit in enumerate(self.hits):
            where = "memory" if hit.where == "memory" else f"{self.titles.get(hit.where, hit.where)[:30]} · {hit.index + 1}"
            source = in_context(hit.source, hit.span) if hit.side == "source" else Text(hit.source[:90])
            target = in_context(hit.target, hit.span) if hit.side == "target" else Text(hit.target[:90] or "(no target)")
            line = Text.assemble((f"{where} · {hit.status}\n", "dim"), source, "\n  → ", target)
            hits.add_option(Option(line, id=str(n)))
        if not self.hits:
            hits.add_option(Option(Text(f"Nowhere: {text!r} is in no source or target yet.", style="dim"), disabled=True))
        else:
            hits.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._show(event.value)

    def _chosen(self) -> Concordance | None:
        hits = self.query_one("#hits", OptionList)
        index = hits.highlighted
        return self.hits[index] if index is not None and index < len(self.hits) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[int(event.option.id or 0)]
        self.dismiss(("open", hit) if hit.where != "memory" else ("insert", hit))

    def action_insert(self) -> None:
        if isinstance(self.focused, Input):
            self.focused.insert_text_at_cursor("i")
            return
        hit = self._chosen()
        if hit is not None and hit.target:
            self.dismiss(("insert", hit))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
