"""Small text helpers for the widgets."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from workbench.errors import WorkbenchError


def describe(error: BaseException) -> str:
    """One sentence for the reviewer: ours as written, anything else with its type."""
    if isinstance(error, WorkbenchError):
        return error.message
    return f"{type(error).__name__}: {error}"


def clip(text: str, width: int) -> str:
    """One line of at most `width` cells' worth of characters, an ellipsis marking the cut."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def highlight(text: str, spans: Iterable[tuple[int, int]], missing: Iterable[tuple[int, int]] = ()) -> Text:
    """Glossary entities underlined; those whose English form the target lacks in red."""
    rich = Text(text)
    for start, end in spans:
        rich.stylize("bold magenta underline", start, end)
    for start, end in missing:
        rich.stylize("bold red underline", start, end)
    return rich


def diff_text(before: str, after: str) -> Text:
    """`after` as a word diff against `before`: deleted words struck through in red,
    inserted ones underlined in green."""
    from workbench.textdiff import word_diff

    rich = Text()
    for op, run in word_diff(before, after):
        if op == "same":
            rich.append(run)
        elif op == "deleted":
            rich.append(run, style="strike red")
        else:
            rich.append(run, style="underline bold green")
    return rich
