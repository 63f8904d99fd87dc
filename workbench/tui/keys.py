"""One key at a time: a key reaches its widget only after the key before it is done.

Textual dispatches every key at once: priority bindings act while the key is dispatched,
the others after the key has bubbled up through the widget that had the focus *then*.
A fast typist (or a paste through the terminal, or a busy screen) therefore gets keys
acted on out of order: `↓ ↓ e` edits the segment above the two moves; a letter typed right
after `e` reaches the table, where letters are commands; Ctrl+S confirms before the last
letters typed reach the editor. The gate holds each key until the one before it has been
handled to the end (stopped by a widget, or bubbled to the app), and until what that key
scheduled on the app (a focus change) has run, so each key is routed by the state the
keys before it left.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.app import App
from textual.timer import Timer

STUCK = 0.5  # seconds: a key no handler reports back on (its widget went away) opens the gate
SETTLING = 20  # refreshes a key waits for the focus to land after a change of screen, at most


class KeyGate:
    def __init__(self, app: App[Any], dispatch: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self.dispatch = dispatch  # Textual's own dispatch of one key (App.on_event)
        self.held: deque[events.Key] = deque()
        self.current: events.Key | None = None  # the key on its way
        self.closed = False  # from a key's dispatch until the one after it may go
        self._timer: Timer | None = None

    async def key(self, event: events.Key) -> None:
        """A key from the terminal: through now, or after the keys before it."""
        if self.closed:
            self.held.append(event)
            return
        await self._through(event)

    async def _through(self, event: events.Key) -> None:
        self.current = event
        self.closed = True
        self.screen = self.app.screen  # where the key was typed
        self._timer = self.app.set_timer(STUCK, lambda: self.done(event))
        target = self.app.focused
        await self.dispatch(event)
        if not event.is_forwarded or target is None:
            self.done(event)  # a priority binding took it, or nothing could
        else:
            # after the key in the target's own queue: a key it stopped ends there
            if not target.call_later(self._stopped, event):
                self.done(event)

    def _stopped(self, event: events.Key) -> None:
        if event._stop_propagation:
            self.done(event)

    def done(self, event: events.Key) -> None:
        """The key reached its end (stopped, or checked against the bindings at the app)."""
        if event is not self.current:
            return
        self.current = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        # behind what the key scheduled on the app (Widget.focus runs there, later)
        self.app.call_later(self._next)

    async def _next(self) -> None:
        if self.current is not None:
            return
        if not self.held:
            self.closed = False
            return
        screen = self.app.screen
        if screen is not self.screen and self._waited < SETTLING:
            # the key closed (or opened) a screen: its answer is acted on in the screen behind,
            # in that screen's own queue; the next key goes after it
            self._waited += 1
            self.screen = screen
            screen.call_later(self.app.call_later, self._next)
            return
        if self.app.focused is None and self._waited < SETTLING:
            # between screens (a dialog just closed, its answer still to act): the focus
            # comes back after the next refresh, and the key goes where it lands
            self._waited += 1
            self.app.call_after_refresh(self._next)
            return
        self._waited = 0
        await self._through(self.held.popleft())

    _waited = 0
    screen: object = None
