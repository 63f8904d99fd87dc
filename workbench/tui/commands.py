"""The review screen's commands, once: each with its plain name (the command palette's), its
keys, its footer label and what it does. The screen's bindings, the footer, the palette
and the keys dialog are all made from this table; the footer shows, in this order, the
commands that have a footer label (at 80 columns, Confirm to Keys fit)."""

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
        ("c", "ctrl+s", "ctrl+enter"),
        "Confirm the segment (reviewed) and go to the next one to review (in the filter, if one is on)",
        "Confirm",
    ),
    Command("Accept machine translation", "accept_mt", ("a",), "Accept the machine translation as is, and go on", "Accept"),
    Command("Undo", "undo", ("u",), "Undo the last change, exactly", "Undo"),
    Command("Quit", "quit", ("q",), "Save and quit", "Quit"),
    Command("Keys", "keys", ("question_mark", "f1"), "Show every key of the screen and the editor", "Keys"),
    Command("Filter segments", "filter", ("f",), "Show only some segments of every article, with counts", "Filter"),
    Command("Search", "search", ("slash",), "Search sources and targets of every article", "Search"),
    Command("Edit target", "edit", ("e", "enter"), "Edit the target of the segment (an empty one starts from the MT)"),
    Command("Leave the editor", "done", ("escape",), "Leave the editor, keeping the text as edited", "Done"),
    Command("Redo", "redo", ("U", "ctrl+y"), "Redo what was undone"),
    Command("Translation memory", "memory", ("m",), "Show translation-memory matches for the segment", "Memory"),
    Command("Concordance", "concordance", ("k",), "Search a word or phrase in the memory and the corpus, in context"),
    # Ctrl+H is Backspace to most terminals (0x08): Ctrl+R everywhere, Ctrl+H where it arrives
    Command("Find and replace", "replace", ("ctrl+r", "ctrl+h"), "Find and replace in every target, with a preview"),
    Command("Go to segment", "goto", ("colon", "ctrl+g"), "Go to a segment of the open article by its number"),
    Command("Next search match", "search_next", ("n",), "Go to the next search match"),
    Command("Split segment", "split", ("s",), "Split the segment's source where a sentence ends"),
    Command("Merge with next segment", "join", ("j",), "Join the segment with the next one of its paragraph"),
    Command("Segment history", "history", ("h",), "Every version of the segment, with who made it and when"),
    Command("Re-translate segment", "retranslate", ("t",), "Machine-translate the segment again (asks first over human work)"),
    Command("Translate article", "translate_article", ("ctrl+t",), "Machine-translate the open article in the background"),
    Command("Translate all articles", "translate_all", ("T",), "Machine-translate every article in the background"),
    Command("Cancel translation", "cancel_work", ("x",), "Cancel the running translation after the current batch"),
    Command("Add to glossary", "glossary_add", ("g",), "Add the selected source span to the glossary"),
    Command("Removed lines", "removed", ("r",), "Show the removed web cruft; restore a line"),
    Command("Not an error (QA finding)", "dismiss_finding", ("exclamation_mark",), "Judge a QA finding of the segment not an error, with a reason"),
    Command("Add word to dictionary", "add_word", ("ctrl+w",), "The misspelling under the cursor is a word: the spelling check learns it"),
    Command("Approve segment", "approve", ("A",), "Approve the reviewed segment (the reviewer's pass)"),
    Command("Reject segment", "reject", ("R",), "Send the segment back to the translator, with a reason"),
    Command("Comment on segment", "comment", ("C",), "Add a comment to the segment"),
    Command("Annotate error (MQM)", "annotate", ("E",), "Record an error in the target by MQM category and severity"),
    Command("Next article", "article(1)", ("right_square_bracket",), "Open the next article"),
    Command("Previous article", "article(-1)", ("left_square_bracket",), "Open the previous article"),
)


def bindings() -> list[Binding]:
    """Priority bindings: each acts while its key is dispatched (see ReviewScreen). A
    command with several keys shows them together in the footer."""
    result = []
    for c in COMMANDS:
        group = Binding.Group(c.footer) if c.footer and len(c.keys) > 1 else None
        for key in c.keys:
            result.append(
                Binding(key, c.action, c.footer or c.name, show=bool(c.footer), priority=True, tooltip=c.help, group=group)
            )
    return result
