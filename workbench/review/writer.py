"""The session's hands off the owner's thread: one thread folds journaled changes into
their files and reads files other processes changed; another teaches the translation
memory. Neither changes the session: each puts what happened into an outbox, and the
owner's thread takes it in (`ReviewSession.settle`).

A file that cannot be written now (locked by another process, a full disk) and a memory
that cannot be written now are retried behind, with a growing pause, and reported once;
the changes are safe in the journal meanwhile, so neither ever delays a keystroke, a save
of another article, or the quit.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.review.changes import Change, Restorer
from workbench.review.fold import Folded, FoldError, Stamp, fold
from workbench.review.journal import Journal
from workbench.review.library import stamp_of
from workbench.store import Document, Store, StoreError

RETRY = (0.5, 1.0, 2.0, 5.0, 10.0)  # seconds between attempts, the last repeated


@dataclass(frozen=True)
class Reloaded:
    document: Document
    stamp: Stamp | None


@dataclass(frozen=True)
class Trouble:
    """Something could not be done yet (it is retried) or at all; `key` says what, so the
    owner reports each trouble once."""

    key: str
    message: str
    article: str | None = None


@dataclass(frozen=True)
class Memorized:
    changes: tuple[str, ...]


Event = Folded | Reloaded | Trouble | Memorized


def learn(memory: TranslationMemory, target: str, change: Change) -> None:
    for op in change.memory:
        if op.action == "add":
            memory.add_human(op.source_language, target, op.source, op.target, note=op.note)
        else:
            memory.remove_human(op.source_language, target, op.source, op.target)


class Writer:
    def __init__(
        self,
        project: Project,
        target: str,
        journal: Journal,
        restorer: Callable[[], Restorer],
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.project, self.target, self.journal = project, target, journal
        self.restorer = restorer
        self.wake = wake
        self.outbox: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self._cond = threading.Condition()
        self._folds: dict[str, list[Change]] = {}  # by article, in order
        self._retry: dict[str, tuple[float, int]] = {}  # article → (when, attempts)
        self._reads: set[str] = set()
        self._busy = False
        self._lessons: list[Change] = []
        self._memory_cond = threading.Condition()
        self._stopping = False
        self._threads: list[threading.Thread] = []

    def _start(self) -> None:
        if not self._threads:
            for name, run in (("workbench-fold", self._fold_loop), ("workbench-memory", self._memory_loop)):
                # daemons: whatever they are doing when the process ends is in the journal
                thread = threading.Thread(target=run, name=name, daemon=True)
                thread.start()
                self._threads.append(thread)

    # -- asked by the owner -----------------------------------------------------------------

    def fold(self, change: Change) -> None:
        self._start()
        with self._cond:
            self._folds.setdefault(change.article, []).append(change)
            self._cond.notify_all()
        if change.memory:
            with self._memory_cond:
                self._lessons.append(change)
                self._memory_cond.notify_all()

    def read(self, article: str) -> None:
        self._start()
        with self._cond:
            self._reads.add(article)
            self._cond.notify_all()

    def pending(self, article: str | None = None) -> int:
        with self._cond:
            if article is None:
                return sum(len(c) for c in self._folds.values()) + self._busy
            return len(self._folds.get(article, ()))

    def unlearned(self) -> int:
        with self._memory_cond:
            return len(self._lessons)

    def wait(self, timeout: float | None = None, memory: bool = False) -> bool:
        """Until every fold (and, with `memory`, every lesson) queued so far is done or
        retried; whether that happened within `timeout`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._cond:
                folding = bool(self._folds) or self._busy or bool(self._reads)
            with self._memory_cond:
                learning = memory and bool(self._lessons)
            if not folding and not learning:
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    def close(self) -> None:
        self._stopping = True
        with self._cond:
            self._cond.notify_all()
        with self._memory_cond:
            self._memory_cond.notify_all()

    # -- the fold thread ----------------------------------------------------------------------

    def _next(self) -> tuple[str | None, list[Change], set[str]]:
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                ready = [a for a in self._folds if self._retry.get(a, (0.0, 0))[0] <= now]
                if ready or self._reads:
                    article = ready[0] if ready else None
                    changes = self._folds.pop(article) if article is not None else []
                    reads, self._reads = self._reads, set()
                    self._busy = True
                    return article, changes, reads
                waits = [when - now for when, _ in self._retry.values() if when > now]
                self._cond.wait(min(waits) if waits else None)
        return None, [], set()

    def _fold_loop(self) -> None:
        store = Store(self.project, self.target)
        while not self._stopping:
            article, changes, reads = self._next()
            try:
                if article is not None:
                    self._fold_one(store, article, changes)
                for name in reads:
                    self._read_one(store, name)
            finally:
                with self._cond:
                    self._busy = False
            self.wake()

    def _fold_one(self, store: Store, article: str, changes: list[Change]) -> None:
        try:
            folded = fold(store, article, changes, self.restorer())
        except (FoldError, WorkbenchError, OSError) as exc:
            self._again(article, changes, str(exc))
            return
        except Exception as exc:  # a bug must not lose the changes or stop the thread
            self._again(article, changes, f"{type(exc).__name__}: {exc}")
            return
        self._retry.pop(article, None)
        self.journal.mark(folded=folded.changes)
        self.outbox.put(folded)

    def _again(self, article: str, changes: list[Change], message: str) -> None:
        with self._cond:
            self._folds[article] = changes + self._folds.get(article, [])
            _, attempts = self._retry.get(article, (0.0, 0))
            pause = RETRY[min(attempts, len(RETRY) - 1)]
            self._retry[article] = (time.monotonic() + pause, attempts + 1)
        self.outbox.put(
            Trouble(
                f"fold:{article}",
                f"{message} Your changes are safe in the journal and will be saved as soon as they can be.",
                article,
            )
        )

    def _read_one(self, store: Store, article: str) -> None:
        stamp = stamp_of(store.path(article))
        try:
            document = store.read(article)
            if document is None:
                raise StoreError(f"{article} has no translation file any more.")
        except StoreError as exc:
            self.outbox.put(Trouble(f"read:{article}", exc.message, article))
            return
        self.outbox.put(Reloaded(document, stamp))

    # -- the memory thread -------------------------------------------------------------------

    def _memory_loop(self) -> None:
        memory: TranslationMemory | None = None
        attempts = 0
        while not self._stopping:
            with self._memory_cond:
                while not self._lessons and not self._stopping:
                    self._memory_cond.wait()
                if self._stopping:
                    break
                change = self._lessons[0]
            try:
                if memory is None:
                    # a short wait for a memory another process holds: this thread retries
                    memory = TranslationMemory(self.project.memory, timeout=1.0)
                learn(memory, self.target, change)
            except WorkbenchError as exc:
                if memory is not None:
                    with contextlib.suppress(Exception):
                        memory.close()
                    memory = None
                self.outbox.put(
                    Trouble(
                        "memory",
                        f"not yet in the translation memory ({exc.message}); it is kept and written when"
                        " the memory is free.",
                    )
                )
                self.wake()
                with self._memory_cond:
                    self._memory_cond.wait(RETRY[min(attempts, len(RETRY) - 1)])
                attempts += 1
                continue
            attempts = 0
            with self._memory_cond:
                self._lessons.pop(0)
            self.journal.mark(memorized=(change.id,))
            self.outbox.put(Memorized((change.id,)))
            self.wake()
        if memory is not None:
            with contextlib.suppress(Exception):
                memory.close()
