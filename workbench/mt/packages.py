"""Argos Translate packages: find, check, install and remove them.

Packages live where argospm and LibreTranslate keep them (argostranslate's settings,
`ARGOS_PACKAGES_DIR` overriding), so a model installed by either is found here and the
other way round. An archive is checked completely before a byte is written: a corrupt
zip, a member path escaping the package folder, a link, a zip bomb, too many members, a
hidden or second top folder, a missing metadata.json or model is refused. It is then
unpacked in a staging folder beside the packages folder (argostranslate lists every
sub-folder of the packages folder as a package, so nothing of ours may ever sit there
unfinished), its tokenizer and CTranslate2 model are loaded, and only then does it appear
in the packages folder, in one rename.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import socket
import stat
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from filelock import FileLock, Timeout

from workbench.errors import WorkbenchError
from workbench.fileio import WriteError, atomic_write

MAX_UNPACKED_BYTES = 8 * 1024**3
MAX_DOWNLOAD_BYTES = MAX_UNPACKED_BYTES
MAX_INDEX_BYTES = 64 * 1024**2
MAX_MEMBERS = 10_000  # Argos packages hold a few dozen files
MAX_COMPRESSION_RATIO = 200  # real model members compress about 1.1:1
STALE_STAGE_SECONDS = 3600  # for stages of other machines, whose processes cannot be asked
OWNER_LOCK = "owner.lock"
INNER_STAGE_PREFIX = ".workbench-staging-"
INNER_STAGE_MARK = {
    "type": "workbench-staging",
    "code": "workbench-staging",
    "package_version": "",
    "links": [],
}
LOCK_TIMEOUT = 600  # seconds another install may hold the packages folder
DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
TOKENIZER_FILES = ("sentencepiece.model", "bpe.model")
Progress = Callable[[int, int | None], None]  # bytes done, bytes total

log = logging.getLogger(__name__)


class PackageError(WorkbenchError):
    pass


@dataclass(frozen=True)
class InstalledModel:
    from_code: str
    to_code: str
    version: str
    path: Path
    target_prefix: str = ""

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    def identity(self) -> str:
        """Names this exact model: the memory keys machine translations by it."""
        model = self.path / "model" / "model.bin"
        digest = hashlib.blake2b(digest_size=8)
        size = model.stat().st_size
        digest.update(str(size).encode())
        with model.open("rb") as handle:
            digest.update(handle.read(1 << 20))
            handle.seek(max(size - (1 << 20), 0))
            digest.update(handle.read(1 << 20))
        return f"argos/{self.pair}/{self.version}/{digest.hexdigest()}"


@dataclass(frozen=True)
class IndexEntry:
    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...]

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"


@dataclass(frozen=True)
class PackageName:
    """What a user may type for a package: fr-en, fr_en, translate-fr_en, translate-fr_en-1_9."""

    from_code: str
    to_code: str
    version: str | None = None

    @property
    def arrow(self) -> str:
        return f"{self.from_code}→{self.to_code}"


def packages_dir() -> Path:
    """Where packages are installed: argostranslate's own setting."""
    override = os.environ.get("ARGOS_PACKAGES_DIR")
    if override:
        return Path(override)
    try:
        from argostranslate import settings

        return Path(settings.package_data_dir)
    except Exception:  # its import creates folders under $HOME and fails when it cannot
        data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(data) / "argos-translate" / "packages"


def workbench_dir() -> Path:
    """Workbench's own folder beside the packages folder: staging and the cached index.

    A sibling, not a child: argostranslate, argospm and LibreTranslate list every
    sub-folder of the packages folder as a package and fail on one without metadata.json.
    A sibling is on the same filesystem (unless the packages folder is a mount point),
    so a staged package enters the packages folder by one rename.
    """
    folder = packages_dir()
    with contextlib.suppress(OSError):
        folder = folder.resolve()
    return folder.parent / ".workbench"


def search_dirs() -> list[Path]:
    """The install folder, then the read-only ones argostranslate knows (snap bundles)."""
    dirs = [packages_dir()]
    try:
        from argostranslate import settings

        extra = settings.package_dirs[1:]  # [0] is its install folder, read at its import
    except Exception:  # argostranslate's settings module can fail on odd configs; ours stands
        extra = []
    return dirs + [Path(d) for d in extra if Path(d) not in dirs]


_NAME = re.compile(
    r"(?:translate[-_])?(?P<source>[a-z]{2,3})\s*(?:-|_|→|:|->)\s*(?P<target>[a-z]{2,3})"
    r"(?:[-_](?P<version>\d+(?:[._]\d+)*))?",
    re.IGNORECASE,
)


def parse_name(text: str) -> PackageName:
    """fr-en, fr_en, fr→en, and argospm's names: translate-fr_en, translate-fr_en-1_9."""
    match = _NAME.fullmatch(text.strip())
    if not match:
        raise PackageError(f"{text!r} is not a language pair; write it like fr-en (or translate-fr_en).")
    version = match["version"].replace("_", ".") if match["version"] else None
    return PackageName(match["source"].lower(), match["target"].lower(), version)


def parse_pair(text: str) -> tuple[str, str]:
    name = parse_name(text)
    return name.from_code, name.to_code


def _read_package(path: Path) -> InstalledModel | str:
    """The package in `path`, or why it is not one."""
    try:
        metadata = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "it has no metadata.json"
    except (OSError, ValueError, UnicodeDecodeError):
        return "its metadata.json cannot be read"
    if not isinstance(metadata, dict):
        return "its metadata.json is not a JSON object"
    if metadata.get("type", "translate") != "translate":
        return "not a translation package"
    source, target = metadata.get("from_code"), metadata.get("to_code")
    if not isinstance(source, str) or not isinstance(target, str) or not source or not target:
        return "its metadata.json has no from_code or to_code"
    if not (path / "model" / "model.bin").is_file():
        return "it has no model/model.bin"
    return InstalledModel(
        from_code=source,
        to_code=target,
        version=str(metadata.get("package_version", "")),
        path=path,
        target_prefix=str(metadata.get("target_prefix", "") or ""),
    )


def read_installed(path: Path) -> InstalledModel | None:
    model = _read_package(path)
    return model if isinstance(model, InstalledModel) else None


def scan_packages() -> tuple[list[InstalledModel], list[str]]:
    """Installed models, and one sentence per folder that is in the way of other tools."""
    models: list[InstalledModel] = []
    problems: list[str] = []
    for directory in search_dirs():
        try:
            entries = sorted(directory.iterdir()) if directory.is_dir() else []
        except OSError as exc:
            problems.append(f"the packages folder {directory} cannot be listed ({exc.strerror or exc})")
            continue
        for path in entries:
            try:
                if not path.is_dir():
                    continue  # argostranslate skips files too
            except OSError:
                continue
            if path.name.startswith(INNER_STAGE_PREFIX):
                continue  # an install at work (or its leftover), marked so argostranslate skips it
            if path.name.startswith((".installing-", ".old-")):
                problems.append(
                    f"{path} was left by an interrupted install; argostranslate, argospm and LibreTranslate "
                    "fail to list packages until the next `workbench models install` or `remove` removes it"
                )
                continue
            if path.name.startswith("."):
                # Left by an interrupted install of an older workbench or another tool:
                # argostranslate lists it as a package and fails.
                problems.append(
                    f"{path} is a hidden folder in the packages folder; argostranslate, argospm and "
                    "LibreTranslate fail to list packages while it is there (remove it)"
                )
                continue
            model = _read_package(path)
            if isinstance(model, InstalledModel):
                models.append(model)
            elif model != "not a translation package":
                problems.append(f"{path} is not a usable translation package: {model}")
    return models, problems


_warned: set[str] = set()


def installed_models() -> list[InstalledModel]:
    models, problems = scan_packages()
    for problem in problems:
        if problem not in _warned:  # once per process: translate looks models up often
            _warned.add(problem)
            log.warning("workbench: warning: %s.", problem)
    return models


def find_model(source: str, target: str) -> InstalledModel | None:
    candidates = [m for m in installed_models() if (m.from_code, m.to_code) == (source, target)]
    return max(candidates, key=lambda m: _version_key(m.version), default=None)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[._]", version))


# -- checking archives ------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    top: str
    metadata: dict[str, Any]
    members: tuple[zipfile.ZipInfo, ...]

    @property
    def arrow(self) -> str:
        return f"{self.metadata['from_code']}→{self.metadata['to_code']}"


def _declared_members(path: Path) -> int | None:
    """The member count the end record declares, read before zipfile builds every entry."""
    try:
        with path.open("rb") as handle:
            record = zipfile._EndRecData(handle)  # type: ignore[attr-defined]
        return int(record[zipfile._ECD_ENTRIES_TOTAL]) if record else None  # type: ignore[attr-defined]
    except Exception:  # a private helper on a hostile file: zipfile's own opening judges it next
        return None


def check_archive(path: Path, label: str | None = None) -> Archive:
    """Validate a .argosmodel without extracting it; raise PackageError with the reason.

    `label` names the archive in messages (a link, standard input) instead of its file name.
    """
    name = label or path.name
    declared = _declared_members(path)
    if declared is not None and declared > MAX_MEMBERS:
        raise PackageError(
            f"{name} is refused: it holds {declared:,} members, more than a model package has."
        )
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise PackageError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise PackageError(f"{path} is a folder, not a .argosmodel file.") from None
    except PermissionError:
        raise PackageError(f"{path} cannot be read (permission denied).") from None
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageError(f"{name} is not a valid .argosmodel (not a zip archive).") from None
    with archive:
        members = tuple(archive.infolist())
        if not members:
            raise PackageError(f"{name} is an empty archive.")
        if len(members) > MAX_MEMBERS:
            raise PackageError(
                f"{name} is refused: it holds {len(members):,} members, more than a model package has."
            )
        tops = set()
        total = 0
        names_seen: set[str] = set()
        for info in members:
            if info.filename in names_seen:
                raise PackageError(f"{name} is refused: member {info.filename!r} appears twice.")
            names_seen.add(info.filename)
            _check_member(name, info)
            tops.add(PurePosixPath(info.filename).parts[0])
            total += info.file_size
        files = {info.filename for info in members if not info.is_dir()}
        for member in files:
            for parent in PurePosixPath(member).parents:
                if str(parent) in files:
                    raise PackageError(
                        f"{name} is refused: member {str(parent)!r} is both a file and a folder."
                    )
        if len(tops) != 1:
            raise PackageError(f"{name} must hold exactly one package folder, not {len(tops)} entries.")
        top = tops.pop()
        if top.startswith("."):
            # It would be installed as a hidden folder, which argostranslate lists and we skip.
            raise PackageError(f"{name} is refused: its package folder {top!r} is hidden.")
        if total > MAX_UNPACKED_BYTES:
            raise PackageError(f"{name} would unpack to {total / 1024**3:.1f} GiB, more than a model needs.")
        names = {info.filename.rstrip("/") for info in members}
        if f"{top}/metadata.json" not in names:
            raise PackageError(f"{name} has no metadata.json in {top}/.")
        if f"{top}/model/model.bin" not in names:
            raise PackageError(f"{name} has no CTranslate2 model (model/model.bin) in {top}/.")
        if not any(f"{top}/{t}" in names for t in TOKENIZER_FILES):
            raise PackageError(f"{name} has no tokenizer (sentencepiece.model or bpe.model).")
        try:
            bad = archive.testzip()
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise PackageError(f"{name} is corrupt ({exc}).") from None
        if bad is not None:
            raise PackageError(f"{name} is corrupt: {bad} fails its checksum.")
        try:
            metadata = json.loads(archive.read(f"{top}/metadata.json"))
        except ValueError:
            raise PackageError(f"{name}: metadata.json is not valid JSON.") from None
    if not isinstance(metadata, dict):
        raise PackageError(f"{name}: metadata.json is not a JSON object.")
    for key in ("from_code", "to_code"):
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            raise PackageError(f"{name}: metadata.json has no {key}.")
    if metadata.get("type", "translate") != "translate":
        raise PackageError(f"{name} is a {metadata.get('type')!r} package, not a translation model.")
    return Archive(top=top, metadata=metadata, members=members)


def _check_member(name: str, info: zipfile.ZipInfo) -> None:
    member = info.filename
    parts = PurePosixPath(member).parts
    if (
        not member
        or member.startswith(("/", "\\"))
        or "\\" in member
        or "\x00" in member
        or ".." in parts
        or (len(member) > 1 and member[1] == ":")
    ):
        raise PackageError(f"{name} is refused: member {member!r} would escape the package folder.")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise PackageError(f"{name} is refused: member {member!r} is a symbolic link.")
    if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
        raise PackageError(f"{name} is refused: member {member!r} is a zip bomb.")


def verify_package(folder: Path, name: str) -> InstalledModel:
    """Load the unpacked package's tokenizer and CTranslate2 model and decode one sentence,
    so that a package which would crash `translate` is refused at install time."""
    model = _read_package(folder)
    if not isinstance(model, InstalledModel):
        raise PackageError(f"{name} does not unpack into a usable translation package ({model}).")
    sample = "Test."
    sentencepiece_model, bpe_model = (folder / t for t in TOKENIZER_FILES)
    try:
        if sentencepiece_model.is_file():
            import sentencepiece

            processor = sentencepiece.SentencePieceProcessor(model_file=str(sentencepiece_model))
            tokens = processor.encode(sample, out_type=str)
        else:
            from argostranslate.apply_bpe import BPE

            with bpe_model.open(encoding="utf-8") as handle:
                tokens = BPE(handle).segment_tokens(["Test", "."])
    except Exception as exc:  # the tokenizer libraries raise anything on a bad file
        raise PackageError(
            f"{name} is refused: its tokenizer cannot be loaded ({_first_line(exc, folder)})."
        ) from None
    try:
        import ctranslate2

        translator = ctranslate2.Translator(
            str(folder / "model"), device="cpu", inter_threads=1, intra_threads=1
        )
        translator.translate_batch([tokens or ["."]], beam_size=1, max_decoding_length=4)
        del translator
    except Exception as exc:  # CTranslate2 raises RuntimeError, ValueError, ...
        raise PackageError(
            f"{name} is refused: its CTranslate2 model cannot be loaded ({_first_line(exc, folder)})."
        ) from None
    return model


def _first_line(exc: BaseException, folder: Path | None = None) -> str:
    text = str(exc).strip()
    if folder is not None:  # the stage's path means nothing to the user; the member does
        text = text.replace(f"{folder}{os.sep}", "")
    lines = text.splitlines()
    return lines[0].rstrip(".") if lines else type(exc).__name__


# -- staging ----------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


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
        return not _alive(int(pid))
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
def _inner_stage(folder: Path, stage: Path) -> Iterator[Path]:
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


# -- installing -------------------------------------------------------------------------


def _regular_file(path: Path, name: str) -> None:
    """A pipe could block for ever and a device never end: only regular files are archives."""
    from workbench.ingest import file_kind

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
    _check_pair(archive, expect, name, "holds")
    with staging() as stage:
        return _install_checked(path, archive, name, stage, progress)


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
                size = _copy(stream, sink, None, MAX_DOWNLOAD_BYTES, progress, "standard input")
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
        return _install_checked(spool, archive, name, stage, None)


def _copy(
    source: BinaryIO, sink: BinaryIO, total: int | None, limit: int, progress: Progress | None, name: str
) -> int:
    done = 0
    while chunk := source.read(1 << 20):
        done += len(chunk)
        if done > limit:  # no Content-Length, or a lying one: stop before the disk fills
            raise PackageError(f"{name} is refused: it is larger than {_human(limit)}.")
        sink.write(chunk)
        if progress:
            progress(done, total)
    return done


def _human(size: int) -> str:
    """Bytes in decimal units, as the download bar shows them."""
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    raise AssertionError("unreachable")


def _check_pair(archive: Archive, expect: PackageName | None, name: str, how: str) -> None:
    if expect is None:
        return
    got = (archive.metadata["from_code"], archive.metadata["to_code"])
    if got != (expect.from_code, expect.to_code):
        raise PackageError(
            f"{name} {how} a {archive.arrow} package, not {expect.arrow}; nothing was installed."
        )


def _install_checked(
    path: Path, archive: Archive, name: str, stage: Path, progress: Progress | None
) -> InstalledModel:
    final = packages_dir() / archive.top
    unpacked = stage / "unpacked"
    try:
        _extract(path, archive, unpacked, name, progress)
        new = verify_package(unpacked / archive.top, name)
        # Concurrent installs take turns at the rename, so that neither loses the other's
        # package or its own previous one.
        with _folder_lock(final.parent, LOCK_TIMEOUT):
            _refuse_foreign_replacement(final, new, name)
            try:
                _move_into_place(unpacked / archive.top, final, stage)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                with _inner_stage(final.parent, stage) as inner:
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


@contextlib.contextmanager
def _folder_lock(folder: Path, timeout: float) -> Iterator[None]:
    """An exclusive lock on the packages folder itself (flock on the folder), so that no lock
    file is left anywhere; the system releases it when the holder dies."""
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


def _refuse_foreign_replacement(final: Path, new: InstalledModel, name: str) -> None:
    """A package folder of the same name is replaced only by the same pair: an archive whose
    folder name collides with another pair's package must not remove that package."""
    if not (final.exists() or final.is_symlink()):
        return
    old = _read_package(final)
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
    if _exchange(new, final):
        return  # the previous package is now at `new`, inside the stage, removed with it
    previous = stage / "previous"
    os.rename(final, previous)
    try:
        os.rename(new, final)
    except OSError:
        os.rename(previous, final)
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (renameat2 RENAME_EXCHANGE); False where unsupported."""
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
    model = max(candidates, key=lambda m: _version_key(m.version))
    # Move it out of the packages folder in one rename first, so that a read-only folder
    # or a crash never leaves half a package there.
    with staging("nothing was removed") as stage:
        try:
            with _folder_lock(model.path.parent, LOCK_TIMEOUT):
                try:
                    os.rename(model.path, stage / "removed")
                except OSError as exc:
                    if exc.errno != errno.EXDEV:
                        raise
                    with _inner_stage(model.path.parent, stage) as inner:
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


# -- the package index ------------------------------------------------------------------


def index_url() -> str:
    """The index argospm uses; ARGOS_PACKAGE_INDEX points it at a mirror."""
    base = os.environ.get("ARGOS_PACKAGE_INDEX")
    if base is None:
        try:
            from argostranslate import settings

            return str(settings.remote_package_index)
        except Exception:  # its settings module fails on odd configs (a file for a folder)
            base = DEFAULT_INDEX
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def _unreachable(url: str, pair: str, why: object) -> PackageError:
    try:
        name = parse_name(pair)
    except PackageError:
        name = None
    cached = cached_index() if name else None
    if (
        name
        and cached is not None
        and not any((e.from_code, e.to_code) == (name.from_code, name.to_code) for e in cached)
    ):
        # Do not send the user looking for a file the index, as last seen, does not have.
        hint = _index_pivot_hint(name.from_code, name.to_code, cached)
        return PackageError(
            f"the package index {url} cannot be reached ({why}), and as last fetched it has no "
            f"{name.arrow} package{hint}; offline, install each .argosmodel file with "
            "`workbench models install FILE.argosmodel`."
        )
    return PackageError(
        f"the package index {url} cannot be reached ({why}); on a machine without network, "
        f"copy the {pair} .argosmodel file here and run `workbench models install FILE.argosmodel`."
    )


def _why(exc: BaseException) -> str:
    """A download failure in a few words."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}".strip()
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timed out"
    return _first_line(reason) if isinstance(reason, BaseException) else str(reason)


def parse_index(data: object) -> list[IndexEntry]:
    if not isinstance(data, list):
        raise ValueError("not a list of packages")
    entries = []
    for item in data:
        if isinstance(item, dict) and item.get("type", "translate") == "translate":
            source, target = item.get("from_code"), item.get("to_code")
            if not (isinstance(source, str) and isinstance(target, str)) and isinstance(
                item.get("code"), str
            ):
                # an entry that names its pair only as argospm does: "translate-fr_en"
                with contextlib.suppress(PackageError):
                    named = parse_name(item["code"])
                    source, target = named.from_code, named.to_code
            links = item.get("links") or []
            if isinstance(source, str) and isinstance(target, str) and isinstance(links, list) and links:
                entries.append(
                    IndexEntry(source, target, str(item.get("package_version", "")), tuple(map(str, links)))
                )
    return entries


def _index_cache() -> Path:
    return workbench_dir() / "index.json"


def fetch_index(url: str, pair: str = "MODEL", timeout: float = 30) -> list[IndexEntry]:
    """The index at `url`; kept beside the packages folder so that advice given offline
    (which pivot to install) names only packages the index has."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            raw = response.read(MAX_INDEX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise _unreachable(url, pair, _why(exc)) from None
    if len(raw) > MAX_INDEX_BYTES:
        raise PackageError(
            f"the package index {url} is larger than {MAX_INDEX_BYTES // 1024**2} MB; it is refused."
        )
    try:
        data = json.loads(raw)
        entries = parse_index(data)
    except (ValueError, UnicodeDecodeError):
        raise PackageError(f"the package index {url} is not a JSON list of packages.") from None
    with contextlib.suppress(WriteError, OSError):  # a cache: never worth failing an install
        atomic_write(
            _index_cache(), json.dumps({"url": url, "fetched": time.time(), "packages": data}).encode()
        )
    return entries


def cached_index() -> list[IndexEntry] | None:
    """The last index fetched by workbench, else the one `argospm update` keeps; None if neither."""
    candidates = [_index_cache()]
    with contextlib.suppress(Exception):
        from argostranslate import settings

        candidates.append(Path(settings.local_package_index))
    for path in candidates:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return parse_index(data["packages"] if isinstance(data, dict) else data)
        except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
            continue
    return None


def download(
    entry: IndexEntry,
    directory: Path,
    progress: Progress | None = None,
    timeout: float = 60,
    expect: PackageName | None = None,
) -> tuple[Path, Archive, str]:
    """Fetch the entry's archive, link after link, until one downloads whole and holds the
    package asked for (by default, the entry's own pair); return it, checked, and its link.
    When every link fails, one sentence names each link and why."""
    expect = expect or PackageName(entry.from_code, entry.to_code)
    target = directory / "download.argosmodel"
    failures = []
    for link in entry.links:
        try:
            with urllib.request.urlopen(link, timeout=timeout) as response, target.open("wb") as sink:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                if total is not None and total > MAX_DOWNLOAD_BYTES:
                    raise PackageError(f"is {_human(total)}, more than a model package has")
                done = _copy(response, sink, total, MAX_DOWNLOAD_BYTES, progress, link)
            if total is not None and done != total:
                raise PackageError(f"stopped at {done:,} of {total:,} bytes")
            archive = check_archive(target, link)
            _check_pair(archive, expect, link, "serves")
            return target, archive, link
        except PackageError as exc:
            message = exc.message.removesuffix("; nothing was installed.").rstrip(".")
            failures.append(message if message.startswith(link) else f"{link} {message}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            failures.append(f"{link} failed ({_why(exc)})")
        target.unlink(missing_ok=True)
    if not failures:
        raise PackageError(f"the package index lists no link for {expect.arrow}; nothing was installed.")
    raise PackageError(
        f"could not install {expect.arrow} from the package index, nothing was installed: {'; '.join(failures)}."
    )


def install_from_index(pair: str, url: str | None = None, progress: Progress | None = None) -> InstalledModel:
    name = parse_name(pair)
    source, target = name.from_code, name.to_code
    url = url or index_url()
    entries = fetch_index(url, f"{source}-{target}")
    matching = [e for e in entries if (e.from_code, e.to_code) == (source, target)]
    if not matching:
        raise PackageError(
            f"the package index {url} has no {name.arrow} package{_index_pivot_hint(source, target, entries)}."
        )
    if name.version is not None:
        wanted = [e for e in matching if e.version == name.version]
        if not wanted:
            versions = ", ".join(sorted({e.version for e in matching}, key=_version_key))
            raise PackageError(f"the package index {url} has {name.arrow} {versions}, not {name.version}.")
        matching = wanted
    entry = max(matching, key=lambda e: _version_key(e.version))
    with staging() as stage:
        archive_path, archive, link = download(entry, stage, progress, expect=name)
        return _install_checked(archive_path, archive, link, stage, None)


# -- advice for a missing pair ----------------------------------------------------------


def _pivots(
    source: str, target: str, pairs: set[tuple[str, str]], installed: set[tuple[str, str]]
) -> list[str]:
    """Languages X with source→X and X→target in `pairs`: English first (Argos packages pair
    with English), then those needing fewest installs."""
    middles = {x for s, x in pairs if s == source and x not in (source, target) and (x, target) in pairs}
    return sorted(
        middles, key=lambda x: (x != "en", ((source, x) not in installed) + ((x, target) not in installed), x)
    )


def _install_pivot(source: str, target: str, pivot: str, installed: set[tuple[str, str]]) -> str:
    needed = [f"{a}-{b}" for a, b in ((source, pivot), (pivot, target)) if (a, b) not in installed]
    have = [f"{a}→{b}" for a, b in ((source, pivot), (pivot, target)) if (a, b) in installed]
    done = f"{have[0]} is installed: " if have else ""
    return f"{done}install {' and '.join(needed)} (`workbench models install {' '.join(needed)}`) and use --pivot {pivot}"


def _index_pivot_hint(source: str, target: str, entries: Iterable[IndexEntry]) -> str:
    installed = {(m.from_code, m.to_code) for m in installed_models()}
    pairs = {(e.from_code, e.to_code) for e in entries} | installed
    pivots = _pivots(source, target, pairs, installed)
    return f"; {_install_pivot(source, target, pivots[0], installed)}" if pivots else ""


def missing_model_advice(source: str, target: str) -> str:
    """Why source→target cannot be translated and what to do, in one sentence: a pivot the
    installed models can satisfy, else installs the package index (as last fetched, or as
    argospm keeps it) has; never an install the index is known to lack. No network."""
    missing = f"no {source}→{target} model is installed"
    installed = {(m.from_code, m.to_code) for m in installed_models()}
    ready = [x for x in _pivots(source, target, installed, installed)]
    if ready:
        x = ready[0]
        return f"{missing}; {source}→{x} and {x}→{target} are: use --pivot {x}."
    offline = "(or `workbench models install FILE.argosmodel` offline)"
    index = cached_index()
    if index is None:
        if "en" in (source, target):
            return f"{missing}; run `workbench models install {source}-{target}` {offline}."
        # Argos packages pair with English: a direct package is unlikely, a pivot is not.
        return f"{missing}; {_install_pivot(source, target, 'en', installed)} {offline}."
    available = {(e.from_code, e.to_code) for e in index}
    if (source, target) in available:
        return f"{missing}; run `workbench models install {source}-{target}` {offline}."
    pivots = _pivots(source, target, available | installed, installed)
    if pivots:
        return (
            f"{missing} and the package index has none; "
            f"{_install_pivot(source, target, pivots[0], installed)}."
        )
    return (
        f"{missing}, and the package index has no {source}→{target} package and no two packages "
        "to pivot through another language."
    )
