"""The review screen's commands, once: each with its plain name (the command palette's), its
keys, its footer label and what it does. The screen's bindings, the footer, the palette
and the help are all made from this table."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Command:
    name: str  # plain, as the palette lists it: "Confirm segment"
    action: str
    keys: tuple[str, ...]
    help: str
    footer: str = ""  # the footer's label; empty: not in the footer


COMMANDS = (
    Command(
        "Confirm segment",
        "confirm",
        ("c", "ctrl+s"),
        "Confirm the segment (reviewed) and go to the next unreviewed one",
        "Confirm",
    ),
    Command(
        "Accept machine translation",
        "accept_mt",
        ("a",),
        "Accept the machine translation as is, and go on",
        "Accept MT",
    ),
    Command(
        "Edit target",
        "edit",
        ("e", "enter"),
        "Edit the target of the segment (an empty one starts from the MT)",
    ),
    Command("Leave the editor", "done", ("escape",), "Leave the editor, keeping the text as edited"),
    Command(
        "Translation memory", "memory", ("m",), "Show translation-memory matches for the segment", "Memory"
    ),
    Command(
        "Re-translate segment",
        "retranslate",
        ("t",),
        "Machine-translate the segment again (asks first over human work)",
    ),
    Command(
        "Translate article",
        "translate_article",
        ("ctrl+t",),
        "Machine-translate the open article in the background",
        "Translate",
    ),
    Command(
        "Translate all articles", "translate_all", ("T",), "Machine-translate every article in the background"
    ),
    Command(
        "Cancel translation", "cancel_work", ("x",), "Cancel the running translation after the current batch"
    ),
    Command("Add to glossary", "glossary_add", ("g",), "Add the selected source span to the glossary"),
    Command("Search", "search", ("slash",), "Search sources and targets of every article", "Search"),
    Command("Next search match", "search_next", ("n",), "Go to the next search match"),
    Command("Undo", "undo", ("u",), "Undo the last change, exactly", "Undo"),
    Command("Removed lines", "removed", ("r",), "Show the removed web cruft; restore a line"),
    Command("Next article", "article(1)", ("right_square_bracket",), "Open the next article"),
    Command("Previous article", "article(-1)", ("left_square_bracket",), "Open the previous article"),
    Command("Quit", "quit", ("q",), "Save and quit", "Quit"),
)


def bindings() -> list[Binding]:
    """Priority bindings: each acts while its key is dispatched (see ReviewScreen)."""
    return [
        Binding(
            key, c.action, c.footer or c.name, show=bool(c.footer) and n == 0, priority=True, tooltip=c.help
        )
        for c in COMMANDS
        for n, key in enumerate(c.keys)
    ]
