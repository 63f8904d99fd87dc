"""The package index argospm uses: where it is, what its entries say, the copy kept here.

The last index fetched is kept beside the packages folder, so that advice given offline
(which package or pivot to install) names only packages the index has. Nothing here
touches the network; download.py fetches.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from workbench.fileio import WriteError, atomic_write
from workbench.mt.packages.installed import PackageError, parse_name, workbench_dir

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
MAX_INDEX_BYTES = 64 * 1024**2


@dataclass(frozen=True)
class IndexEntry:
    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...]

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"


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


def remember_index(url: str, data: object) -> None:
    """Keep the index just fetched for advice given later, offline."""
    with contextlib.suppress(WriteError, OSError):  # a cache: never worth failing an install
        atomic_write(
            _index_cache(), json.dumps({"url": url, "fetched": time.time(), "packages": data}).encode()
        )


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
