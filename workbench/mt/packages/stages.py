"""Staging folders: where an install or a removal works before anything is in place.

A stage sits beside the packages folder, where argostranslate, argospm and LibreTranslate
never look (they list every sub-folder of the packages folder as a package, so nothing of
ours may sit there unfinished). Where beside it cannot be written, or cannot reach it by
one rename (the packages folder is a mount point), a stage sits inside it, marked by a
metadata.json whose type argostranslate filters out. Its owner holds a lock on it while it
works; the next install or removal removes the stages whose owners are gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from workbench.fileio import alive
from workbench.mt.packages.installed import INNER_STAGE_PREFIX, PackageError, packages_dir, workbench_dir

STALE_STAGE_SECONDS = 3600  # for stages of other machines, whose processes cannot be asked
OWNER_LOCK = "owner.lock"
INNER_STAGE_MARK = {
    "type": "workbench-staging",
    "code": "workbench-staging",
    "package_version": "",
    "links": [],
}


def _stale(stage: Path, now: float, name: str | None = None) -> bool:
    """A stage whose owner is gone. The owner holds a lock on stage/owner.lock while it
    works, which the system releases when the owner dies however it dies; a stage without
    that lock file (its owner died before taking it) goes by process id, or by age when it
    comes from another machine."""
    lock = FileLock(stage / OWNER_LOCK, timeout=0)
    if lock.lock_file and Path(lock.lock_file).is_file():
        try:
            with lock:
                return True
        except Timeout:
            return False  # its owner is at work, however long it takes
        except OSError:
            pass
    try:
        age = now - stage.lstat().st_mtime
    except OSError:
        return False
    pid, _, rest = (name or stage.name).partition(".")
    host = rest.partition(".")[2]
    if pid.isdigit() and host == socket.gethostname():
        return not alive(int(pid))
    return age > STALE_STAGE_SECONDS


def _inner_stale(path: Path, stages: Path, now: float) -> bool:
    """A stage inside the packages folder: one made from a stage beside it lives as long as
    that one; one made alone carries its own owner lock."""
    own = path.name[len(INNER_STAGE_PREFIX) :]
    return not (stages / own).exists() and _stale(path, now, own)


def clean_stale(now: float | None = None) -> list[Path]:
    """Remove stages of installs that died (or are over an hour old), and the hidden
    folders earlier workbench versions left inside the packages folder itself."""
    now = time.time() if now is None else now
    removed = []
    stages = workbench_dir() / "staging"
    with contextlib.suppress(OSError):
        for stage in stages.iterdir():
            if _stale(stage, now):
                shutil.rmtree(stage, ignore_errors=True)
                removed.append(stage)
    with contextlib.suppress(OSError):
        for path in packages_dir().iterdir():
            if not path.is_dir() or path.is_symlink():
                continue
            legacy = path.name.startswith((".installing-", ".old-"))
            inner = path.name.startswith(INNER_STAGE_PREFIX) and _inner_stale(path, stages, now)
            if legacy or inner:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def _prepare_packages_dir(outcome: str) -> Path:
    destination = packages_dir()
    if destination.exists() and not destination.is_dir():
        raise PackageError(f"the packages folder {destination} is a file, not a folder; {outcome}.")
    try:
        destination.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PackageError(
            f"cannot create the packages folder {destination} ({exc.strerror or exc}); {outcome}."
        ) from None
    if not os.access(destination, os.W_OK):
        raise PackageError(f"the packages folder {destination} is read-only; {outcome}.")
    return destination


@contextlib.contextmanager
def inner_stage(folder: Path, stage: Path) -> Iterator[Path]:
    """A stage inside the packages folder, for when the one beside it cannot reach it by
    rename (the packages folder is a mount point of its own). It is marked by a metadata.json
    whose type argostranslate filters out, so that listing packages never fails on it."""
    inner = folder / f"{INNER_STAGE_PREFIX}{stage.name}"
    inner.mkdir()
    try:
        (inner / "metadata.json").write_text(json.dumps(INNER_STAGE_MARK), encoding="utf-8")
        yield inner
    finally:
        shutil.rmtree(inner, ignore_errors=True)


@contextlib.contextmanager
def staging(outcome: str = "nothing was installed") -> Iterator[Path]:
    """A private folder for one install or removal, removed afterwards: beside the packages
    folder, or, where that cannot be written (its parent belongs to someone else), inside it,
    marked. `outcome` ends the sentence when neither can be made."""
    destination = _prepare_packages_dir(outcome)
    clean_stale()
    name = f"{os.getpid()}.{secrets.token_hex(4)}.{socket.gethostname()}"
    root = workbench_dir() / "staging"
    try:
        stage, owner = _make_stage(root / name, marked=False)
    except (OSError, Timeout):
        try:
            stage, owner = _make_stage(destination / f"{INNER_STAGE_PREFIX}{name}", marked=True)
        except (OSError, Timeout) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise PackageError(f"cannot stage in {root} or {destination} ({why}); {outcome}.") from None
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        owner.release()


def _make_stage(stage: Path, marked: bool) -> tuple[Path, FileLock]:
    """Create the stage and take its owner lock (released by the system if we die)."""
    stage.mkdir(parents=not marked)
    try:
        if marked:
            (stage / "metadata.json").write_text(json.dumps(INNER_STAGE_MARK), encoding="utf-8")
        owner = FileLock(stage / OWNER_LOCK, timeout=0)
        owner.acquire()
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return stage, owner
