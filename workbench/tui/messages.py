"""Messages posted to the review screen from outside its widgets.

The review session's writer threads never touch the screen: they wake the app, which posts
`Woke` (at most one waiting at a time) and lets the screen take in what the session has.
Background work reports its progress through `Progressed`, which replaces the one before
it instead of queueing behind it; its result comes back through Textual's worker states.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class Woke(Message):
    """The review session has something to take in (a fold, a reload, a conflict)."""


@dataclass
class Progressed(Message):
    """Background work moved on; the latest figures are read when this is handled."""
