"""One ordered save queue per app: changes are written one after another in a thread of
their own, so a confirm never waits for a 60 MB file to be rewritten, and two quick
changes to one article land in the order they were made."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable

from textual.message import Message

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.review import Change, SegmentConflict, write_change
from workbench.tui.messages import SaveConflict, SaveDone, SaveFailed


class SaveQueue:
    def __init__(self, project: Project, target: str, post: Callable[[Message], object]) -> None:
        self.project = project
        self.target = target
        self.post = post
        self._changes: queue.Queue[Change | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def put(self, change: Change) -> None:
        if self._thread is None:
            # not a daemon: the interpreter waits for it, so a change queued before a
            # crash or a quit still reaches the disk
            self._thread = threading.Thread(target=self._run, name="workbench-saves", daemon=False)
            self._thread.start()
        self._changes.put(change)

    def close(self, timeout: float | None = None) -> None:
        """Write what is queued, then stop."""
        if self._thread is not None and self._thread.is_alive():
            self._changes.put(None)
            self._thread.join(timeout)

    def _run(self) -> None:
        while (change := self._changes.get()) is not None:
            try:
                saved = write_change(self.project, self.target, change)
            except SegmentConflict as conflict:
                self._tell(SaveConflict(conflict))
            except (WorkbenchError, OSError) as exc:
                self._tell(SaveFailed(change, exc))
            except Exception as exc:  # a bug must not stop the queue: later changes still save
                self._tell(SaveFailed(change, exc))
            else:
                self._tell(SaveDone(saved))

    def _tell(self, message: Message) -> None:
        # after the app has closed its loop the change is on disk, with nobody left to tell
        with contextlib.suppress(RuntimeError):
            self.post(message)
