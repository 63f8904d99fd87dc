"""Installing a checked archive, and removing an installed model.

An archive is unpacked in a stage and verified there; only then does it appear in the
packages folder, in one rename, whole or not at all. A package already there is swapped
with the new one in one step where the system can, so that a translate run never finds the
pair missing. Removal moves the package out in one rename first. Installs and removals
take turns at the packages folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from filelock import Timeout

from workbench.fileio import exchange, file_kind, folder_lock
from workbench.mt.packages.archive import (
    MAX_DOWNLOAD_BYTES,
    Archive,
    check_archive,
    check_pair,
    verify_package,
)
from workbench.mt.packages.installed import (
    InstalledModel,
    PackageError,
    PackageName,
    installed_models,
    packages_dir,
    parse_name,
    read_installed,
    read_package,
    version_key,
)
from workbench.mt.packages.stages import clean_stale, inner_stage, staging

LOCK_TIMEOUT = 600  # seconds another install may hold the packages folder
Progress = Callable[[int, int | None], None]  # bytes done, bytes total


def _regular_file(path: Path, name: str) -> None:
    """A pipe could block for ever and a device never end: only regular files are archives."""
    try:
        kind = file_kind(path.stat().st_mode)
    except FileNotFoundError:
        raise PackageError(f"{name}: no such file.") from None
    except OSError as exc:
        raise PackageError(f"{name}: cannot be read ({exc.strerror or exc}).") from None
    if kind is not None:
        raise PackageError(f"{name} is {kind}, not a model archive; `workbench models install -` reads a stream.")


def install_archive(
    path: Path,
    progress: Progress | None = None,
    *,
    label: str | None = None,
    expect: PackageName | None = None,
) -> InstalledModel:
    """Check, unpack and verify in a stage, then move into the packages folder in one rename.

    A file named as argospm names packages (translate-fr_en-1_9.argosmodel) must hold that
    pair, as an index entry must: the name is what the user chose to install."""
    name = label or path.name
    _regular_file(path, name)
    archive = check_archive(path, label)
    if expect is None and label is None:
        with contextlib.suppress(PackageError):
            named = parse_name(path.name.removesuffix(".argosmodel"))
            expect = PackageName(named.from_code, named.to_code)
    check_pair(archive, expect, name, "holds")
    with staging() as stage:
        return install_checked(path, archive, name, stage, progress)


def install_stream(stream: BinaryIO | None, progress: Progress | None = None) -> InstalledModel:
    """Install an archive read from a stream (standard input), spooled to the stage first."""
    name = "the archive on standard input"
    if stream is None or getattr(stream, "closed", False):
        raise PackageError(
            "standard input is closed; pipe a .argosmodel file into `workbench models install -`."
        )
    if getattr(stream, "isatty", lambda: False)():
        raise PackageError(
            "standard input is a terminal; pipe a .argosmodel file: `workbench models install - < FILE.argosmodel`."
        )
    with staging() as stage:
        spool = stage / "stdin.argosmodel"
        try:
            with spool.open("wb") as sink:
                size = copy_limited(stream, sink, None, MAX_DOWNLOAD_BYTES, progress, "standard input")
        except ValueError:  # reading a closed or detached stream
            raise PackageError("standard input is closed; nothing was installed.") from None
        except OSError as exc:
            raise PackageError(
                f"could not read standard input ({exc.strerror or exc}); nothing was installed."
            ) from None
        if size == 0:
            raise PackageError(
                "standard input is empty; pipe a .argosmodel file into `workbench models install -`."
            )
        archive = check_archive(spool, name)
        return install_checked(spool, archive, name, stage, None)


def copy_limited(
    source: BinaryIO, sink: BinaryIO, total: int | None, limit: int, progress: Progress | None, name: str
) -> int:
    """Copy `source` into `sink`, refusing past `limit` bytes; return the bytes copied."""
    done = 0
    while chunk := source.read(1 << 20):
        done += len(chunk)
        if done > limit:  # no Content-Length, or a lying one: stop before the disk fills
            raise PackageError(f"{name} is refused: it is larger than {human_size(limit)}.")
        sink.write(chunk)
        if progress:
            progress(done, total)
    return done


def human_size(size: int) -> str:
    """Bytes in decimal units, as the download bar shows them."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    raise AssertionError("unreachable")


def install_checked(
    path: Path, archive: Archive, name: str, stage: Path, progress: Progress | None
) -> InstalledModel:
    """Unpack the checked `archive` in `stage`, verify it, and move it into place."""
    final = packages_dir() / archive.top
    unpacked = stage / "unpacked"
    try:
        _extract(path, archive, unpacked, name, progress)
        new = verify_package(unpacked / archive.top, name)
        # Concurrent installs take turns at the rename, so that neither loses the other's
        # package or its own previous one.
        with folder_lock(final.parent, LOCK_TIMEOUT):
            _refuse_foreign_replacement(final, new, name)
            try:
                _move_into_place(unpacked / archive.top, final, stage)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                with inner_stage(final.parent, stage) as inner:
                    shutil.copytree(unpacked / archive.top, inner / archive.top)
                    _move_into_place(inner / archive.top, final, inner)
    except Timeout:
        raise PackageError(
            f"another install into {final.parent} is still running; nothing was installed."
        ) from None
    except OSError as exc:
        raise PackageError(
            f"could not install {name} in {final.parent} ({exc.strerror or exc}); nothing was installed."
        ) from None
    installed = read_installed(final)
    if installed is None:  # the folder changed under us between the rename and this read
        raise PackageError(f"{final} vanished right after it was installed.")
    _clear_argos_cache()
    return installed


def _refuse_foreign_replacement(final: Path, new: InstalledModel, name: str) -> None:
    """A package folder of the same name is replaced only by the same pair: an archive whose
    folder name collides with another pair's package must not remove that package."""
    if not (final.exists() or final.is_symlink()):
        return
    old = read_package(final)
    if isinstance(old, InstalledModel) and (old.from_code, old.to_code) == (new.from_code, new.to_code):
        return
    what = (
        f"the installed {old.from_code}→{old.to_code} package"
        if isinstance(old, InstalledModel)
        else "a folder that is not the same package"
    )
    raise PackageError(
        f"{name} holds a {new.from_code}→{new.to_code} package in {final.name}/, which would replace "
        f"{what} at {final}; nothing was installed."
    )


def _extract(path: Path, archive: Archive, into: Path, name: str, progress: Progress | None) -> None:
    total = sum(info.file_size for info in archive.members)
    done = 0
    with zipfile.ZipFile(path) as zf:
        for info in archive.members:
            target = into / info.filename
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as source, target.open("wb") as sink:
                written = 0
                while chunk := source.read(1 << 20):
                    written += len(chunk)
                    if written > info.file_size:  # the header lied: stop, do not fill the disk
                        raise PackageError(f"{name} is refused: {info.filename} is larger than declared.")
                    sink.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)


def _move_into_place(new: Path, final: Path, stage: Path) -> None:
    """One rename into the packages folder. A package already there is swapped with the new
    one in one step where the system can (Linux's renameat2), so that a translate run never
    finds the pair missing; else it is moved into the stage first, and back on failure."""
    if not (final.exists() or final.is_symlink()):
        os.rename(new, final)
        return
    if exchange(new, final):
        return  # the previous package is now at `new`, inside the stage, removed with it
    previous = stage / "previous"
    os.rename(final, previous)
    try:
        os.rename(new, final)
    except OSError:
        os.rename(previous, final)
        raise


def _clear_argos_cache() -> None:
    """argostranslate caches its language list; keep it right for code sharing the process."""
    try:
        from argostranslate.translate import get_installed_languages

        get_installed_languages.cache_clear()
    except Exception:
        pass


def remove(pair: str) -> InstalledModel:
    name = parse_name(pair)
    clean_stale()  # before listing: leftovers of interrupted installs are ours to remove
    candidates = [
        m
        for m in installed_models()
        if (m.from_code, m.to_code) == (name.from_code, name.to_code)
        and (name.version is None or m.version == name.version)
    ]
    if not candidates:
        version = f" {name.version}" if name.version else ""
        raise PackageError(f"no {name.arrow}{version} model is installed.")
    model = max(candidates, key=lambda m: version_key(m.version))
    # Move it out of the packages folder in one rename first, so that a read-only folder
    # or a crash never leaves half a package there.
    with staging("nothing was removed") as stage:
        try:
            with folder_lock(model.path.parent, LOCK_TIMEOUT):
                try:
                    os.rename(model.path, stage / "removed")
                except OSError as exc:
                    if exc.errno != errno.EXDEV:
                        raise
                    with inner_stage(model.path.parent, stage) as inner:
                        os.rename(model.path, inner / "removed")
        except Timeout:
            raise PackageError(
                f"an install into {model.path.parent} is still running; {model.pair} was not removed."
            ) from None
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                reason = "the folder is read-only"
            else:
                reason = exc.strerror or str(exc)
            raise PackageError(
                f"could not remove {model.pair} from {model.path.parent} ({reason}); it is still installed."
            ) from None
    _clear_argos_cache()
    return model
