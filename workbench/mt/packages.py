"""Argos Translate packages: find, check, install and remove them.

Packages live where argospm and LibreTranslate keep them (argostranslate's settings,
`ARGOS_PACKAGES_DIR` overriding), so a model installed by either is found here and the
other way round. An archive is checked completely before a byte is written: a corrupt
zip, a member path escaping the package folder, a link, a zip bomb, a missing
metadata.json or model is refused, and nothing is installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from workbench.errors import WorkbenchError

MAX_UNPACKED_BYTES = 8 * 1024**3
MAX_COMPRESSION_RATIO = 200  # real model members compress about 1.1:1
TOKENIZER_FILES = ("sentencepiece.model", "bpe.model")
Progress = Callable[[int, int | None], None]  # bytes done, bytes total


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


def packages_dir() -> Path:
    """Where packages are installed: argostranslate's own setting."""
    override = os.environ.get("ARGOS_PACKAGES_DIR")
    if override:
        return Path(override)
    from argostranslate import settings

    return Path(settings.package_data_dir)


def search_dirs() -> list[Path]:
    """The install folder, then the read-only ones argostranslate knows (snap bundles)."""
    dirs = [packages_dir()]
    try:
        from argostranslate import settings

        extra = settings.package_dirs[1:]  # [0] is its install folder, read at its import
    except Exception:  # argostranslate's settings module can fail on odd configs; ours stands
        extra = []
    return dirs + [Path(d) for d in extra if Path(d) not in dirs]


def parse_pair(text: str) -> tuple[str, str]:
    for sep in ("-", "_", "→", ":"):
        if sep in text:
            source, _, target = text.partition(sep)
            if source.isalpha() and target.isalpha():
                return source.lower(), target.lower()
    raise PackageError(f"{text!r} is not a language pair; write it like fr-en.")


def read_installed(path: Path) -> InstalledModel | None:
    try:
        metadata = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(metadata, dict) or metadata.get("type", "translate") != "translate":
        return None
    if not (path / "model" / "model.bin").is_file():
        return None
    source, target = metadata.get("from_code"), metadata.get("to_code")
    if not isinstance(source, str) or not isinstance(target, str):
        return None
    return InstalledModel(
        from_code=source,
        to_code=target,
        version=str(metadata.get("package_version", "")),
        path=path,
        target_prefix=str(metadata.get("target_prefix", "") or ""),
    )


def installed_models() -> list[InstalledModel]:
    models = []
    for directory in search_dirs():
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if path.is_dir() and not path.name.startswith("."):
                model = read_installed(path)
                if model:
                    models.append(model)
    return models


def find_model(source: str, target: str) -> InstalledModel | None:
    candidates = [m for m in installed_models() if (m.from_code, m.to_code) == (source, target)]
    return max(candidates, key=lambda m: _version_key(m.version), default=None)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


# -- checking archives ------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    top: str
    metadata: dict[str, Any]
    members: tuple[zipfile.ZipInfo, ...]


def check_archive(path: Path) -> Archive:
    """Validate a .argosmodel without extracting it; raise PackageError with the reason."""
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise PackageError(f"{path}: no such file.") from None
    except (zipfile.BadZipFile, OSError):
        raise PackageError(f"{name} is not a valid .argosmodel (not a zip archive).") from None
    with archive:
        members = tuple(archive.infolist())
        if not members:
            raise PackageError(f"{name} is an empty archive.")
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
        if len(tops) != 1:
            raise PackageError(f"{name} must hold exactly one package folder, not {len(tops)} entries.")
        if total > MAX_UNPACKED_BYTES:
            raise PackageError(f"{name} would unpack to {total / 1024**3:.1f} GiB, more than a model needs.")
        top = tops.pop()
        names = {info.filename.rstrip("/") for info in members}
        if f"{top}/metadata.json" not in names:
            raise PackageError(f"{name} has no metadata.json in {top}/.")
        if f"{top}/model/model.bin" not in names:
            raise PackageError(f"{name} has no CTranslate2 model (model/model.bin) in {top}/.")
        if not any(f"{top}/{t}" in names for t in TOKENIZER_FILES):
            raise PackageError(f"{name} has no tokenizer (sentencepiece.model or bpe.model).")
        try:
            bad = archive.testzip()
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
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
    return Archive(top=top, metadata=metadata, members=members)


def _check_member(name: str, info: zipfile.ZipInfo) -> None:
    member = info.filename
    parts = PurePosixPath(member).parts
    if (
        not member
        or member.startswith(("/", "\\"))
        or "\\" in member
        or ".." in parts
        or (len(member) > 1 and member[1] == ":")
    ):
        raise PackageError(f"{name} is refused: member {member!r} would escape the package folder.")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise PackageError(f"{name} is refused: member {member!r} is a symbolic link.")
    if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
        raise PackageError(f"{name} is refused: member {member!r} is a zip bomb.")


# -- installing -------------------------------------------------------------------------


def install_archive(path: Path, progress: Progress | None = None) -> InstalledModel:
    """Check, then unpack beside the final place and move it there in one rename."""
    archive = check_archive(path)
    destination = packages_dir()
    destination.mkdir(parents=True, exist_ok=True)
    final = destination / archive.top
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=destination))
    try:
        total = sum(info.file_size for info in archive.members)
        done = 0
        with zipfile.ZipFile(path) as zf:
            for info in archive.members:
                target = staging / info.filename
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as source, target.open("wb") as sink:
                    written = 0
                    while chunk := source.read(1 << 20):
                        written += len(chunk)
                        if written > info.file_size:  # the header lied: stop, do not fill the disk
                            raise PackageError(
                                f"{path.name} is refused: {info.filename} is larger than declared."
                            )
                        sink.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
        unpacked = staging / archive.top
        model = read_installed(unpacked)
        if model is None:
            raise PackageError(f"{path.name} does not unpack into a usable translation package.")
        _replace_dir(unpacked, final)
    except OSError as exc:
        raise PackageError(f"could not install {path.name}: {exc.strerror or exc}.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    installed = read_installed(final)
    assert installed is not None
    _clear_argos_cache()
    return installed


def _replace_dir(new: Path, final: Path) -> None:
    if final.exists():
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        final.rename(old)
        new.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(final)


def _clear_argos_cache() -> None:
    """argostranslate caches its language list; keep it right for code sharing the process."""
    try:
        from argostranslate.translate import get_installed_languages

        get_installed_languages.cache_clear()
    except Exception:
        pass


def remove(pair: str) -> InstalledModel:
    source, target = parse_pair(pair)
    model = find_model(source, target)
    if model is None:
        raise PackageError(f"no {source}→{target} model is installed.")
    try:
        shutil.rmtree(model.path)
    except OSError as exc:
        raise PackageError(f"could not remove {model.path}: {exc.strerror or exc}.") from None
    _clear_argos_cache()
    return model


# -- the package index ------------------------------------------------------------------


def index_url() -> str:
    """The index argospm uses; ARGOS_PACKAGE_INDEX points it at a mirror."""
    base = os.environ.get("ARGOS_PACKAGE_INDEX")
    if base is None:
        from argostranslate import settings

        return str(settings.remote_package_index)
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def _unreachable(url: str, pair: str, why: object) -> PackageError:
    return PackageError(
        f"the package index {url} cannot be reached ({why}); on a machine without network, "
        f"copy the {pair} .argosmodel file here and run `workbench models install FILE.argosmodel`."
    )


def fetch_index(url: str, pair: str = "MODEL", timeout: float = 30) -> list[IndexEntry]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.loads(response.read())
    except (urllib.error.URLError, OSError) as exc:
        raise _unreachable(url, pair, getattr(exc, "reason", exc)) from None
    except ValueError:
        raise PackageError(f"the package index {url} is not valid JSON.") from None
    if not isinstance(data, list):
        raise PackageError(f"the package index {url} is not a list of packages.")
    entries = []
    for item in data:
        if isinstance(item, dict) and item.get("type", "translate") == "translate":
            source, target = item.get("from_code"), item.get("to_code")
            links = item.get("links") or []
            if isinstance(source, str) and isinstance(target, str) and links:
                entries.append(
                    IndexEntry(source, target, str(item.get("package_version", "")), tuple(map(str, links)))
                )
    return entries


def download(
    entry: IndexEntry, directory: Path, progress: Progress | None = None, timeout: float = 60
) -> Path:
    """Fetch the archive to directory/<pair>.argosmodel via a .part file; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"translate-{entry.from_code}_{entry.to_code}-{entry.version or 'latest'}.argosmodel"
    part = final.with_suffix(".part")
    last_error: object = None
    for link in entry.links:
        try:
            with urllib.request.urlopen(link, timeout=timeout) as response, part.open("wb") as sink:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                done = 0
                while chunk := response.read(1 << 20):
                    sink.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            if total is not None and done != total:
                raise OSError(f"download stopped at {done} of {total} bytes")
            part.replace(final)
            return final
        except (urllib.error.URLError, OSError) as exc:
            last_error = getattr(exc, "reason", exc)
            part.unlink(missing_ok=True)
    raise PackageError(f"could not download {entry.pair} ({last_error}).")


def install_from_index(pair: str, url: str | None = None, progress: Progress | None = None) -> InstalledModel:
    source, target = parse_pair(pair)
    url = url or index_url()
    entries = [
        e for e in fetch_index(url, f"{source}-{target}") if (e.from_code, e.to_code) == (source, target)
    ]
    if not entries:
        raise PackageError(f"the package index {url} has no {source}→{target} package.")
    entry = max(entries, key=lambda e: _version_key(e.version))
    with tempfile.TemporaryDirectory(prefix="workbench-download-") as tmp:
        archive = download(entry, Path(tmp), progress)
        return install_archive(archive)
