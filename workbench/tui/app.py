"""The review app: a thin Textual shell over one review session (workbench.review.session).

The app owns the session: it opens it on start, closes it on exit, wakes the screen when
the session's writer has news, and keeps what is typed when the terminal goes away.
SIGHUP (an SSH connection dropping), SIGTERM and SIGINT keep the open editor's text as a
draft in the journal, close the session and restore the terminal; a second signal exits
at once, and still loses nothing the journal holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.worker import Worker

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.review.session import ReviewSession
from workbench.tui.activity import Activity
from workbench.tui.commands import COMMANDS
from workbench.tui.keys import KeyGate
from workbench.tui.messages import Progressed, Woke
from workbench.tui.screen import ReviewScreen
from workbench.tui.work import Work

if TYPE_CHECKING:
    from workbench.translate import EngineFactory

SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
GRACE = 10.0  # seconds from a signal to the process's end, at most (the session's close waits 5)


class WorkbenchApp(App[None]):
    CSS_PATH = Path(__file__).with_name("workbench.tcss")  # absolute: subclasses live elsewhere
    TITLE = "Workbench"

    def __init__(
        self,
        project: Project | None = None,
        *,
        engines: EngineFactory | None = None,
        watch_interval: float = 2.0,
        user: str | None = None,
    ) -> None:
        super().__init__()
        self.project = project or Project.here()
        self.session = ReviewSession(self.project, engines=engines, user=user, wake=self._wake)
        self.work = Work(self, lambda: self.main.activity)
        self.watch_interval = watch_interval
        self.sub_title = escape(self.project.root.name)
        self.main: ReviewScreen  # pushed on mount: widgets need a running app
        self.crash: str | None = None  # the traceback of an unhandled exception
        self.signalled = 0
        self.allow_self_approve = False  # workbench review --allow-self-approve
        self._woken = threading.Event()
        self.gate = KeyGate(self, super().on_event)

    # -- keys, one at a time (workbench.tui.keys) ------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.gate.key(event)
        else:
            await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        # Bubbled to the end. Textual calls App._on_key after this one (handlers run per class
        # of the MRO), in this same turn: the next key goes after the app's bindings acted.
        self.gate.done(event)

    # -- the session's lifetime ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.main = ReviewScreen(self.session, self.work)
        self.main.watch_interval = self.watch_interval
        self.main.allow_self_approve = self.allow_self_approve
        self.push_screen(self.main)  # which opens the session as it mounts
        if not self.is_headless and threading.current_thread() is threading.main_thread():
            loop = asyncio.get_running_loop()
            for number in SIGNALS:
                with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                    loop.add_signal_handler(number, self.signalled_to_stop, number)

    def _wake(self) -> None:
        """From the session's writer threads: at most one Woke waits at a time."""
        if not self._woken.is_set():
            self._woken.set()
            self.post_message(Woke())  # thread-safe; after the app closed, the journal keeps all

    def on_woke(self) -> None:
        self._woken.clear()
        self.main.take(self.session.settle())

    def check_external_changes(self) -> None:
        self.main.check_external_changes()

    def on_progressed(self, _: Progressed) -> None:
        self.work.progressed()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.work.changed(event)

    @property
    def activity(self) -> Activity:
        return self.main.activity

    # -- leaving ---------------------------------------------------------------------------------

    def action_quit(self) -> None:  # type: ignore[override]
        """Quit (from the palette too): an open edit is kept as edited first."""
        if self.main.detail.editing is not None:
            self.main.finish_editing()
            if self.main.detail.editing is not None:  # it could not be kept: see keep_typed_text
                self.keep_typed_text()
        self.exit()

    async def _on_exit_app(self) -> None:
        # Every way out posts ExitApp (quit, a signal, a browser tab closed under `workbench
        # serve`); Textual's own handler runs after this one. What is typed in an open
        # editor is kept as a draft, to come back on reopening.
        with contextlib.suppress(Exception):
            self.keep_typed_text()

    def on_unmount(self) -> None:
        self.close_session()

    def close_session(self) -> bool:
        """Quitting waits a moment for the folds in flight: what is left stays in the
        journal, folded by the next session or command. Never waits for the memory.
        Whether everything reached its files."""
        return self.session.close(wait=5.0)

    rescued: Path | None = None  # where typed text went that the journal could not take

    def keep_typed_text(self) -> None:
        editing = self.main.detail.editing
        if editing is None:
            return
        text = self.main.editor.text
        try:
            self.session.draft(editing.article, editing.base.id, text)
        except WorkbenchError:
            # the journal cannot be written (a full disk, a read-only .workbench/): the text
            # goes where the crash logs go, and the way out says where
            if self.rescued is None and text.strip():
                self.rescued = rescue(editing.article, editing.base.id, text)

    def signalled_to_stop(self, number: int) -> None:
        self.signalled += 1
        self.hung_up = self.hung_up or number == signal.SIGHUP
        if self.signalled > 1:
            self._leave_now(number)
        self.keep_typed_text()
        # Out within GRACE seconds whatever Textual's shutdown waits for: after a hang-up its
        # writes to the dead terminal can block for ever (what is typed is journaled by now).
        watchdog = threading.Timer(GRACE, os._exit, args=(128 + number,))
        watchdog.daemon = True
        watchdog.start()
        self.exit(return_code=128 + number)

    hung_up = False  # the terminal is gone: nothing is written to it any more

    def _leave_now(self, number: int) -> None:
        # A second signal: the terminal back as it was and out, without waiting for anything.
        # `_driver` is Textual's own (there is no public way to stop application mode outside
        # its shutdown); what was journaled is on disk already. After a hang-up there is no
        # terminal to restore, and writing to it could block.
        if not self.hung_up:
            with contextlib.suppress(Exception):
                if self._driver is not None:
                    self._driver.stop_application_mode()
        os._exit(128 + number)

    # -- crashes --------------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        # Textual's one hook for an unhandled exception: keep the traceback for the crash
        # log (the CLI names it) and what is typed; Textual restores the terminal and exits.
        if self.crash is None:
            self.crash = "".join(traceback.format_exception(error))
        with contextlib.suppress(Exception):
            self.keep_typed_text()
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        # The traceback goes to the crash log, not over the reviewer's terminal. Textual has
        # no public switch for this: `_exit_renderables` is what `_print_error_renderables`
        # prints (textual/app.py); emptying it is the documented way subclasses stay quiet.
        if self.crash is None:
            super()._print_error_renderables()
        else:
            self._exit_renderables.clear()

    # -- command palette -------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        textual = list(super().get_system_commands(screen))
        yield from textual
        known = {c.title for c in textual}  # Textual's own Quit is ours too (App.action_quit)
        for command in COMMANDS:
            if command.name in known:
                continue
            keys = ", ".join(self.get_key_display(Binding(key, command.action)) for key in command.keys)
            yield SystemCommand(
                command.name,
                f"{command.help} ({keys})",
                lambda action=command.action: self.run_action(action, self.main),
            )


def rescue(article: str, segment: str, text: str) -> Path | None:
    """Typed text the journal could not take, in a file of its own under the user's state
    folder; None if that fails too."""
    import datetime as dt

    from workbench.fileio import user_state_file

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return user_state_file("rescued", f"{stamp}-{article}-{segment}.txt", text.encode("utf-8"))
