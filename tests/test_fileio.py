"""Crash-safe writes: old or new file, never torn; umask modes; several files as a set.
And the system's primitives: file kinds, the folder lock, the atomic swap, liveness."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import Timeout

from workbench.fileio import WriteError, alive, atomic_write, exchange, file_kind, folder_lock, write_set


def test_read_only_folder_keeps_the_previous_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.json"
    atomic_write(path, b"old")

    def read_only(src: str, dst: str) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(os, "replace", read_only)
    with pytest.raises(WriteError, match="Read-only file system; the previous version is intact"):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_failed_write_in_the_middle_keeps_the_previous_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.json"
    atomic_write(path, b"old")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(WriteError, match="No space left on device; the previous version is intact"):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_new_files_get_the_mode_the_umask_gives(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        atomic_write(tmp_path / "new.txt", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o666 & ~umask


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "shared.toml"
    path.write_bytes(b"old")
    path.chmod(0o640)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_set_is_replaced_whole_or_not_at_all(tmp_path: Path, monkeypatch) -> None:
    fr, en = tmp_path / "c.fr-en.fr", tmp_path / "c.fr-en.en"
    write_set({fr: b"old fr\n", en: b"old en\n"})
    real_fsync = os.fsync
    calls = []

    def second_fails(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", second_fails)
    with pytest.raises(WriteError, match="No space left on device"):
        write_set({fr: b"new fr\n", en: b"new en\n"})
    assert (fr.read_bytes(), en.read_bytes()) == (b"old fr\n", b"old en\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.fr-en.en", "c.fr-en.fr"]
    monkeypatch.undo()
    write_set({fr: b"new fr\n", en: b"new en\n"})
    assert (fr.read_bytes(), en.read_bytes()) == (b"new fr\n", b"new en\n")


def test_a_device_is_written_into_never_replaced() -> None:
    atomic_write(Path("/dev/null"), b"into the void")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_named_pipe_is_written_into(tmp_path: Path) -> None:
    import threading

    pipe = tmp_path / "out.fifo"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    write_set({pipe: b"through the pipe\n"})
    reader.join(10)
    assert received == [b"through the pipe\n"] and stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_a_symbolic_link_stays_a_link_to_the_new_content(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "glossary.toml").write_bytes(b"old")
    link = tmp_path / "glossary.toml"
    link.symlink_to(tmp_path / "real" / "glossary.toml")
    atomic_write(link, b"new")
    assert link.is_symlink() and (tmp_path / "real" / "glossary.toml").read_bytes() == b"new"


def test_a_folder_in_the_way_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "out.jsonl").mkdir()
    with pytest.raises(WriteError, match="out.jsonl: it is a folder"):
        atomic_write(tmp_path / "out.jsonl", b"x")


# -- the system's primitives ------------------------------------------------------------


def test_file_kinds_in_words(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"x")
    os.mkfifo(tmp_path / "pipe")
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(tmp_path / "socket"))
    try:
        kinds = {name: file_kind(os.stat(tmp_path / name).st_mode) for name in ("file", "pipe", "socket")}
    finally:
        listening.close()
    assert kinds == {"file": None, "pipe": "a named pipe", "socket": "a socket"}
    assert file_kind(os.stat(tmp_path).st_mode) == "a directory"
    assert file_kind(os.stat("/dev/null").st_mode) == "a character device"


HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from workbench.fileio import folder_lock
with folder_lock(Path(sys.argv[1]), 5):
    print("held", flush=True)
    time.sleep(60)
"""


def test_the_folder_lock_excludes_others_leaves_no_file_and_dies_with_its_holder(tmp_path: Path) -> None:
    with folder_lock(tmp_path, 1):
        started = time.monotonic()
        with pytest.raises(Timeout), folder_lock(tmp_path, 0.2):
            pass  # another open of the folder, as another process would take it
        assert time.monotonic() - started >= 0.2
    with folder_lock(tmp_path, 0):  # released on leaving
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(Timeout), folder_lock(tmp_path, 0.1):
            pass
    finally:
        holder.kill()  # SIGKILL: no cleanup of its own runs
        holder.wait(10)
    with folder_lock(tmp_path, 5):  # the system released it
        pass
    assert list(tmp_path.iterdir()) == []  # no lock file, ever


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    old, new = tmp_path / "installed", tmp_path / "staged"
    for folder, text in ((old, "old"), (new, "new")):
        folder.mkdir()
        (folder / "model.bin").write_text(text, encoding="utf-8")
    if sys.platform != "linux":
        assert exchange(new, old) is False  # no renameat2: the caller falls back to two renames
        return
    assert exchange(new, old) is True
    assert (old / "model.bin").read_text(encoding="utf-8") == "new"
    assert (new / "model.bin").read_text(encoding="utf-8") == "old"
    with pytest.raises(FileNotFoundError):
        exchange(tmp_path / "missing", old)  # a real failure is an error, not "unsupported"
    assert (old / "model.bin").read_text(encoding="utf-8") == "new"


def test_alive_tells_a_running_process_from_a_finished_one() -> None:
    assert alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(30)
    assert not alive(child.pid)  # reaped: the pid names nobody (until reused, which takes a while)
    assert alive(1)  # init: someone else's process is alive, whether we may signal it or not


def test_a_pipe_named_by_dev_fd_is_written_into(tmp_path: Path) -> None:
    """`-o >(gzip > x)` hands over /dev/fd/N, a pipe realpath turns into a name that does not exist."""
    import threading

    read_end, write_end = os.pipe()
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(os.fdopen(read_end, "rb").read()))
    reader.start()
    try:
        atomic_write(Path(f"/dev/fd/{write_end}"), b"corpus\n")
    finally:
        os.close(write_end)
    reader.join(10)
    assert received == [b"corpus\n"]
    assert list(tmp_path.iterdir()) == []
