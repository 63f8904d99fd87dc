"""Installing from the package index: fetch the index, download an archive, install it.

The only module of the workbench that opens a network connection, and only when the user
asks for an install by name. Every failure is one sentence that says what to do offline.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path

from workbench.mt.packages.advice import index_pivot_hint, unreachable_index
from workbench.mt.packages.archive import MAX_DOWNLOAD_BYTES, Archive, check_archive, check_pair, first_line
from workbench.mt.packages.index import MAX_INDEX_BYTES, IndexEntry, index_url, parse_index, remember_index
from workbench.mt.packages.install import Progress, copy_limited, human_size, install_checked
from workbench.mt.packages.installed import InstalledModel, PackageError, PackageName, parse_name, version_key
from workbench.mt.packages.stages import staging


def _why(exc: BaseException) -> str:
    """A download failure in a few words."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}".strip()
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    if isinstance(reason, TimeoutError | socket.timeout):
        return "timed out"
    return first_line(reason) if isinstance(reason, BaseException) else str(reason)


def fetch_index(url: str, pair: str = "MODEL", timeout: float = 30) -> list[IndexEntry]:
    """The index at `url`; kept beside the packages folder so that advice given offline
    (which pivot to install) names only packages the index has."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            raw = response.read(MAX_INDEX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise unreachable_index(url, pair, _why(exc)) from None
    if len(raw) > MAX_INDEX_BYTES:
        raise PackageError(
            f"the package index {url} is larger than {MAX_INDEX_BYTES // 1024**2} MB; it is refused."
        )
    try:
        data = json.loads(raw)
        entries = parse_index(data)
    except (ValueError, UnicodeDecodeError):
        raise PackageError(f"the package index {url} is not a JSON list of packages.") from None
    remember_index(url, data)
    return entries


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
                    raise PackageError(f"is {human_size(total)}, more than a model package has")
                done = copy_limited(response, sink, total, MAX_DOWNLOAD_BYTES, progress, link)
            if total is not None and done != total:
                raise PackageError(f"stopped at {done:,} of {total:,} bytes")
            archive = check_archive(target, link)
            check_pair(archive, expect, link, "serves")
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
            f"the package index {url} has no {name.arrow} package{index_pivot_hint(source, target, entries)}."
        )
    if name.version is not None:
        wanted = [e for e in matching if e.version == name.version]
        if not wanted:
            versions = ", ".join(sorted({e.version for e in matching}, key=version_key))
            raise PackageError(f"the package index {url} has {name.arrow} {versions}, not {name.version}.")
        matching = wanted
    entry = max(matching, key=lambda e: version_key(e.version))
    with staging() as stage:
        archive_path, archive, link = download(entry, stage, progress, expect=name)
        return install_checked(archive_path, archive, link, stage, None)
