"""The change journal: every change a translator makes is appended and fsynced here before
the screen shows it done, and folded into the document files behind.

One journal per review session, `.workbench/journal/<session>.jsonl`, held with an
exclusive `flock` while the session lives. A journal whose lock is free belongs to a
session that ended without folding (a kill, a crash, a lost terminal): the next session
or command replays it (`workbench.review.recovery`). Lines are JSON records: a header
naming the target language, user and version; changes; drafts (text typed and not yet
committed); and markers saying which changes have been folded into their files and
written to the translation memory. A torn last line (a kill mid-append) was never
acknowledged, so it is ignored; a failed append is cut off again so that the journal
stays a sequence of whole lines.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from workbench import __version__
from workbench.errors import WorkbenchError
from workbench.review.changes import Change
from workbench.store import now


class JournalError(WorkbenchError):
    """A change could not be made durable; it was not made."""


class Header(msgspec.Struct, frozen=True, tag="session"):
    target: str
    user: str
    pid: int
    started: str
    version: str = __version__


class Draft(msgspec.Struct, frozen=True, tag="draft"):
    """The editor's text for a segment; an empty text says the draft is gone (committed or
    thrown away)."""

    article: str
    segment: str
    text: str
    author: str
    time: str


class Marker(msgspec.Struct, frozen=True, tag="done"):
    folded: tuple[str, ...] = ()
    memorized: tuple[str, ...] = ()


Record = Header | Change | Draft | Marker
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Record)


def encode(record: Record) -> bytes:
    """One journal line."""
    return _encoder.encode(record) + b"\n"


@dataclass
class Contents:
    """What a journal says, replayed in order."""

    header: Header | None = None
    changes: list[Change] = field(default_factory=list)
    drafts: dict[tuple[str, str], Draft] = field(default_factory=dict)  # the latest per segment
    folded: set[str] = field(default_factory=set)
    memorized: set[str] = field(default_factory=set)
    unreadable: int = 0  # lines not understood: a newer version's, or damage

    @property
    def unfolded(self) -> list[Change]:
        return [c for c in self.changes if c.id not in self.folded]

    @property
    def unmemorized(self) -> list[Change]:
        return [c for c in self.changes if c.memory and c.id not in self.memorized]

    @property
    def open_drafts(self) -> list[Draft]:
        return [d for d in self.drafts.values() if d.text]

    @property
    def settled(self) -> bool:
        """Nothing left that only this journal holds."""
        return not self.unfolded and not self.unmemorized and not self.open_drafts and not self.unreadable


def read(path: Path) -> Contents:
    contents = Contents()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return contents
    lines = data.split(b"\n")
    if not data.endswith(b"\n"):
        lines = lines[:-1]  # torn by a kill mid-append: never acknowledged
    for line in lines:
        if not line.strip():
            continue
        try:
            record = _decoder.decode(line)
        except (msgspec.DecodeError, msgspec.ValidationError):
            contents.unreadable += 1
            continue
        if isinstance(record, Header):
            contents.header = record
        elif isinstance(record, Change):
            contents.changes.append(record)
            for edit in record.edits:  # the change committed (or replaced) the draft
                contents.drafts.pop((record.article, edit.segment), None)
        elif isinstance(record, Draft):
            contents.drafts[(record.article, record.segment)] = record
        else:
            contents.folded.update(record.folded)
            contents.memorized.update(record.memorized)
    return contents


def folder(state: Path) -> Path:
    return state / "journal"


def paths(state: Path) -> list[Path]:
    try:
        return sorted(p for p in folder(state).glob("*.jsonl") if not p.name.startswith("."))
    except OSError:
        return []


@contextlib.contextmanager
def claimed(path: Path) -> Iterator[int | None]:
    """The journal's descriptor with its lock held, or None while its session lives."""
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        yield None
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield None
            return
        yield fd
    finally:
        os.close(fd)


class Journal:
    """This session's journal, appended to by the owner thread and the writer thread."""

    def __init__(self, state: Path, target: str, user: str) -> None:
        self.folder = folder(state)
        self.path = self._new_path()
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._header = Header(target=target, user=user, pid=os.getpid(), started=now())
        self.appended = 0

    def _new_path(self) -> Path:
        return self.folder / f"{now().replace(':', '')}-{os.getpid()}-{os.urandom(4).hex()}.jsonl"

    def _open(self) -> int:
        if self._fd is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(
                    self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0), 0o666
                )
            except OSError as exc:
                raise JournalError(
                    f"cannot keep the change journal in {self.path.parent}: {exc.strerror or exc};"
                    " the project's .workbench folder must be writable."
                ) from None
            fcntl.flock(fd, fcntl.LOCK_EX)  # a new file of ours: nobody else can hold it
            self._fd = fd
            self._write([self._header], sync=True)
        return self._fd

    def _write(self, records: list[Record], *, sync: bool) -> None:
        assert self._fd is not None
        data = b"".join(encode(r) for r in records)
        size = os.fstat(self._fd).st_size
        try:
            written = os.write(self._fd, data)
            if written != len(data):
                raise OSError(28, "No space left on device")
            if sync:
                os.fsync(self._fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, size)  # whole lines only
            raise JournalError(
                f"cannot write the change journal {self.path.name}: {exc.strerror or exc}; the change was not made."
            ) from None
        self.appended += len(records)

    def append(self, *records: Change | Draft) -> None:
        """Durable when this returns: written and fsynced."""
        with self._lock:
            self._open()
            self._write(list(records), sync=True)

    def mark(self, *, folded: tuple[str, ...] = (), memorized: tuple[str, ...] = ()) -> None:
        """Markers are not synced: lost, they only cost an idempotent replay."""
        if not (folded or memorized):
            return
        with self._lock:
            if self._fd is None:
                return
            with contextlib.suppress(JournalError):
                self._write([Marker(folded, memorized)], sync=False)

    def close(self, *, remove: bool) -> None:
        """Stop; `remove` once everything it holds is folded (it is then only history). The
        next append starts a new journal file."""
        with self._lock:
            if self._fd is None:
                return
            if remove:
                with contextlib.suppress(OSError):
                    os.unlink(self.path)
            os.close(self._fd)
            self._fd = None
            self.path = self._new_path()
