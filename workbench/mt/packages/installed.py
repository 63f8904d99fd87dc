"""Installed models and the names users give them.

Packages live where argospm and LibreTranslate keep them (argostranslate's settings,
`ARGOS_PACKAGES_DIR` overriding), so a model installed by either is found here and the
other way round. Every sub-folder of the packages folder is a package to argostranslate,
so a folder that is not one is reported: it breaks other tools' listing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError

# A stage inside the packages folder (see stages.py) starts with this; listing skips it.
INNER_STAGE_PREFIX = ".workbench-staging-"

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


def version_key(version: str) -> tuple[int, ...]:
    """Orders package versions as numbers: 1.10 after 1.9."""
    return tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[._]", version))


def read_package(path: Path) -> InstalledModel | str:
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
    model = read_package(path)
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
            model = read_package(path)
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
    return max(candidates, key=lambda m: version_key(m.version), default=None)
