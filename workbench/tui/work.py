"""Background work for the review screen: plain functions run in Textual thread workers,
their results taken in on the UI thread when the worker's state says SUCCESS (or ERROR).

At most one long job (translating, preparing) runs at a time; it shows in the activity
line with its progress and can be cancelled. Progress from the worker thread is kept as
the latest figures and announced by one waiting message at most, so a fast job never
floods the UI thread with progress it would only draw over.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.worker import Worker, WorkerState

from workbench.tui.activity import Activity
from workbench.tui.messages import Progressed
from workbench.tui.text import describe


class Work:
    def __init__(self, app: App[Any], activity: Callable[[], Activity]) -> None:
        self.app = app
        self.activity = activity
        self.done: dict[Worker[Any], tuple[str, Callable[[Any], None], Callable[[], None] | None]] = {}
        self.background: str | None = None  # the long job running
        self.cancel = threading.Event()
        self._latest: tuple[int, int | None] = (0, None)
        self._announced = threading.Event()

    def run(
        self,
        what: str,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        *,
        long: bool = False,
        after: Callable[[], None] | None = None,
    ) -> bool:
        """Run `work` in a thread; `done` gets its result on the UI thread, and `after` runs
        there once the work succeeded or failed. A long job is refused while another runs."""
        if long:
            if self.background is not None:
                self.app.notify(f"{self.background} is still running; x cancels it.", severity="warning", markup=False)
                return False
            self.background = what
            self.cancel.clear()
            self._latest = (0, None)
            self.activity().start(what + " (x cancels)")
        worker = self.app.run_worker(
            work, name=what, group="long" if long else "work", thread=True, exit_on_error=False
        )
        self.done[worker] = (what, done, after)
        return True

    def progress(self, done: int, total: int | None) -> None:
        """From the worker's thread."""
        self._latest = (done, total)
        if not self._announced.is_set():
            self._announced.set()
            self.app.post_message(Progressed())

    def progressed(self) -> None:
        self._announced.clear()
        if self.background is not None:
            self.activity().advance(*self._latest)

    def changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        what, done, after = self.done.pop(worker, (worker.name, lambda result: None, None))
        if worker.group == "long":
            self.background = None
            self.activity().stop()
        if event.state == WorkerState.SUCCESS:
            done(worker.result)
        elif event.state == WorkerState.ERROR and worker.error is not None:
            self.app.notify(f"{what}: {describe(worker.error)}", severity="error", timeout=15, markup=False)
        if after is not None and event.state != WorkerState.CANCELLED:  # cancelled: the app is ending
            after()

    def stop(self) -> None:
        if self.background is not None:
            self.cancel.set()
            self.app.notify("Cancelling after the current batch…", timeout=3)
