"""File and folder primitives every part of the workbench may use.

Crash-safe writes: a reader sees the old file or the new one, never a torn one. Files are
created with the mode the umask gives (as `open()` would), not mkstemp's 0600, so exports,
glossaries and translations stay readable by colleagues and other tools; a file that
already exists keeps its mode.

Beside them, what the system offers and Python does not say plainly: what a non-regular
file is, an exclusive lock on a folder that leaves no lock file, an atomic swap of two
paths, and whether a process is alive.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import secrets
import stat
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from filelock import Timeout

from workbench.errors import WorkbenchError

KINDS = {
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a named pipe",
}


class WriteError(WorkbenchError):
    """A file could not be written; the previous version, if any, is intact."""


def _temporary(path: Path) -> tuple[int, Path]:
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            continue
        return fd, tmp
    raise FileExistsError(f"no free temporary name beside {path}")


def _stage(path: Path, data: bytes) -> Path:
    """Write `data` to a synced temporary file beside `path`; return the temporary path."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temporary(path)
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}.") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}; the previous version is intact.") from None
    return tmp


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems refuse to open or sync a folder
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, fsync, rename, fsync the folder."""
    write_set({path: data})


def _target(path: Path) -> Path | None:
    """Where to write `path`: through a symbolic link to the file it names (the link stays a
    link); None for a device or a pipe (`-o /dev/stdout`, `-o >(gzip > x)`), which is written
    into, never replaced by a file. The kind is asked of `path` itself: the kernel follows
    /dev/fd/N to a pipe that has no name realpath could give."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return Path(os.path.realpath(path))
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(mode):
        raise WriteError(f"cannot write {os.path.realpath(path)}: it is a folder.")
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return None
    if not stat.S_ISREG(mode):
        raise WriteError(f"cannot write {os.path.realpath(path)}: it is not a regular file.")
    return Path(os.path.realpath(path))


def _stream(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}.") from None


def write_set(files: Mapping[Path, bytes]) -> None:
    """Replace several files as a set: every file is written and synced before the first
    rename, so a failure (a full disk, a read-only folder) changes none of them."""
    targets = {path: _target(path) for path in files}
    for path, target in targets.items():
        if target is None:
            _stream(path, files[path])
    files = {target: files[path] for path, target in targets.items() if target is not None}
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    except (OSError, WriteError) as exc:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, WriteError):
            raise
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}; the previous version is intact.") from None
    for folder in {path.parent for path in files}:
        _sync_folder(folder)


# -- what the system offers -------------------------------------------------------------


def file_kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    return None if stat.S_ISREG(mode) else KINDS.get(stat.S_IFMT(mode), "not a regular file")


@contextlib.contextmanager
def folder_lock(folder: Path, timeout: float) -> Iterator[None]:
    """An exclusive lock on the folder itself (flock on the folder), so that no lock file is
    left anywhere; the system releases it when the holder dies, however it dies. Raises
    filelock's Timeout after `timeout` seconds, as a lock file would."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Timeout(str(folder)) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux's renameat2 RENAME_EXCHANGE); False where the system
    or the filesystem cannot. Python's os module has no binding for it."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without it
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # the kernel or filesystem lacks it
        return False
    raise OSError(err, os.strerror(err), str(b))


def alive(pid: int) -> bool:
    """Whether process `pid` of this machine still runs (signal 0 asks without sending)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def user_state_file(folder: str, name: str, data: bytes) -> Path | None:
    """`data` written safely as NAME in FOLDER of the user's state folder (crash logs, text
    rescued from a journal that could not be written): outside the project, on another disk
    as a rule. None when even that fails: the caller says so."""
    import platformdirs  # only the ways out need it

    path = platformdirs.user_state_path("workbench") / folder / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except (OSError, WriteError):
        return None
    return path
