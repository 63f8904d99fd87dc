"""What background work hands back to the UI thread: one typed message per outcome.

Workers never touch `Review`; they post one of these, and the app's `on_…` handler takes
the value in on the UI thread.
"""

from __future__ import annotations

from textual.message import Message

from workbench.review import Change, PreparedSources, Saved, SegmentConflict
from workbench.review import Translated as TranslatedResult
from workbench.store import Document


class SaveDone(Message):
    """A change reached the disk."""

    def __init__(self, saved: Saved) -> None:
        super().__init__()
        self.saved = saved


class SaveConflict(Message):
    """A change was refused: another process changed the segment meanwhile."""

    def __init__(self, conflict: SegmentConflict) -> None:
        super().__init__()
        self.conflict = conflict


class SaveFailed(Message):
    """A change could not be written (disk full, lock held, file unreadable…)."""

    def __init__(self, change: Change, error: Exception) -> None:
        super().__init__()
        self.change = change
        self.error = error


class Retranslated(Message):
    """A fresh machine translation of one segment, not saved yet."""

    def __init__(self, change: Change) -> None:
        super().__init__()
        self.change = change


class Translated(Message):
    def __init__(self, result: TranslatedResult) -> None:
        super().__init__()
        self.result = result


class Prepared(Message):
    def __init__(self, result: PreparedSources) -> None:
        super().__init__()
        self.result = result


class Restored(Message):
    def __init__(self, document: Document, line: int) -> None:
        super().__init__()
        self.document = document
        self.line = line


class Reloaded(Message):
    """The open article as another process left it on disk."""

    def __init__(self, document: Document) -> None:
        super().__init__()
        self.document = document


class Progressed(Message):
    def __init__(self, done: int, total: int | None) -> None:
        super().__init__()
        self.done = done
        self.total = total


class WorkFailed(Message):
    """Background work ended in an error; `what` names the work for the reviewer."""

    def __init__(self, what: str, error: Exception, article_id: str | None = None) -> None:
        super().__init__()
        self.what = what
        self.error = error
        self.article_id = article_id  # the article whose reading failed, if any
