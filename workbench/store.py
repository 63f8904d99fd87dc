"""Save: the reviewed parallel text in translations/, one JSON file per article.

Every write is a locked read-modify-write: take the article's lock, read the file as it is
on disk now, apply the change, write a temporary file, fsync, rename over the old one,
fsync the folder. A crash at any instant leaves the old or the new file, never a torn
one; two writers never lose each other's work, because each applies its change to the
other's result. A writer that wants to change a segment that someone else changed
meanwhile gets a Conflict, not a silent overwrite.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import msgspec
from filelock import FileLock, Timeout

from workbench.errors import WorkbenchError
from workbench.fileio import atomic_write
from workbench.model import Article, Removal
from workbench.project import Project

SCHEMA = 2
Status = Literal["new", "machine", "edited", "reviewed"]
STATUSES: tuple[Status, ...] = ("new", "machine", "edited", "reviewed")
HUMAN_STATUSES = frozenset({"edited", "reviewed"})
LOCK_TIMEOUT = 30.0
# Characters an article id keeps in its file name; the rest are %-escaped, so that two
# ids never share a file (and no id makes a hidden file or leaves the folder).
SAFE_NAME = re.compile(r"[^\w\-]", re.UNICODE)
MAX_NAME_BYTES = 180
SCHEMA_FIELD = re.compile(rb'\s*\{\s*"schema"\s*:\s*(\d+)\s*,')


class StoreError(WorkbenchError):
    pass


class Conflict(StoreError):
    """The file changed under the writer in a way that touches what it wants to change."""


@dataclass
class SegmentRecord:
    id: str
    block: int
    index: int
    kind: str
    source: str
    mt: str = ""
    target: str = ""
    status: Status = "new"
    score: float | None = None
    model: str = ""
    origin: str = ""  # engine, memory, memory-human, identity, human
    device: str = ""  # where the engine decoded it (cpu, cuda); empty when not decoded by this run
    compute_type: str = ""  # the engine's precision there (int8, int8_float16…)
    glossary: list[str] = field(default_factory=list)
    updated: str = ""

    @property
    def human(self) -> bool:
        return self.status in HUMAN_STATUSES


@dataclass
class Document:
    article_id: str
    source_path: str
    source_language: str | None
    target_language: str
    title: str
    date: str | None
    segments: list[SegmentRecord]
    orphans: list[SegmentRecord] = field(default_factory=list)
    removed: tuple[Removal, ...] = ()
    restored: list[int] = field(default_factory=list)  # removed lines a reviewer put back
    prepared: str = ""  # key of the prepared article the segments come from
    url: str | None = None  # what a web page says of itself
    author: str | None = None
    site: str | None = None
    revision: int = 0
    updated: str = ""

    def segment(self, segment_id: str) -> SegmentRecord | None:
        return next((s for s in self.segments if s.id == segment_id), None)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for s in self.segments:
            counts[s.status] += 1
        return counts

    def to_bytes(self) -> bytes:
        body = msgspec.json.format(msgspec.json.encode(self), indent=1)
        return b'{\n "schema": ' + str(SCHEMA).encode() + b"," + body[1:] + b"\n"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _problem(error: msgspec.ValidationError) -> str:
    """msgspec's "Expected `int`, got `str` - at `$.segments[2].block`" as "segments[2].block:
    Expected `int`, got `str`"."""
    message, _, where = str(error).partition(" - at `")
    field = where.rstrip("`").removeprefix("$").lstrip(".")
    return f"{field}: {message}" if field else message


def parse(data: bytes, where: str) -> Document:
    """A translations file, validated against the schema; each problem is one sentence
    naming the file and the field."""
    head = SCHEMA_FIELD.match(data[:200])
    if head is None:  # not as Workbench writes it: look at the whole file
        try:
            raw = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise StoreError(
                f"{where} is not valid JSON; it was not written by Workbench or was edited by hand."
            ) from None
        if not isinstance(raw, dict) or "schema" not in raw:
            raise StoreError(f"{where} is not a Workbench translation file (no schema version).")
        schema = raw["schema"]
    else:
        schema = int(head.group(1))
    if schema != SCHEMA:
        raise StoreError(f"{where} has schema {schema!r}; this Workbench reads schema {SCHEMA}.")
    try:
        document = msgspec.json.decode(data, type=Document, strict=True)
    except msgspec.ValidationError as exc:
        raise StoreError(f"{where}: {_problem(exc)}.") from None
    except msgspec.DecodeError:
        raise StoreError(
            f"{where} is not valid JSON; it was not written by Workbench or was edited by hand."
        ) from None
    seen: set[str] = set()
    for n, record in enumerate(document.segments):
        if record.id in seen:
            raise StoreError(f"{where}: segments[{n}].id: segment id {record.id!r} appears twice.")
        seen.add(record.id)
    return document


def file_name(article_id: str, target: str) -> str:
    name = SAFE_NAME.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), article_id)
    if len(name.encode()) > MAX_NAME_BYTES:
        digest = hashlib.blake2b(article_id.encode(), digest_size=8).hexdigest()
        name = name.encode()[: MAX_NAME_BYTES - 17].decode(errors="ignore") + "~" + digest
    return f"{name or '%'}.{target}.json"


class Store:
    """The translations/ folder of a project, for one target language (None: all, read only).

    A translation's target language is part of its identity: each article has one file
    per target (`<article>.<target>.json`), so another target lives beside, never over.
    """

    def __init__(self, project: Project, target: str | None = "en") -> None:
        self.project = project
        self.target = target
        self.folder = project.translations

    def require_target(self) -> str:
        if self.target is None:
            raise StoreError("a store for every target language cannot write; name the target language.")
        return self.target

    def path(self, article_id: str) -> Path:
        return self.folder / file_name(article_id, self.require_target())

    def lock(self, article_id: str) -> FileLock:
        try:
            self.project.locks.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create {self.project.locks}: {exc.strerror or exc}; the project folder must be writable."
            ) from None
        return FileLock(self.project.locks / f"{self.path(article_id).stem}.lock", timeout=LOCK_TIMEOUT)

    def read(self, article_id: str) -> Document | None:
        document = self.read_path(self.path(article_id))
        if document is not None and document.article_id != article_id:
            raise StoreError(
                f"{self.path(article_id)} holds article {document.article_id!r}, not {article_id!r}."
            )
        return document

    @staticmethod
    def read_path(path: Path) -> Document | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
        return parse(data, str(path))

    def paths(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        pattern = f"*.{self.target}.json" if self.target else "*.*.json"
        return sorted(p for p in self.folder.glob(pattern) if not p.name.startswith("."))

    def documents(self) -> Iterator[Document]:
        for path in self.paths():
            document = self.read_path(path)
            if document is not None:
                yield document

    def update(
        self, article_id: str, change: Callable[[Document | None], Document | None]
    ) -> tuple[Document | None, bool]:
        """Apply `change` to the file as it is now, under the article's lock, and save.

        `change` returns None to leave the file alone. Returns the document now on disk and
        whether it was written.
        """
        try:
            with self.lock(article_id):
                current = self.read(article_id)
                revision = current.revision if current else 0
                result = change(current)
                if result is None:
                    return current, False
                if result.article_id != article_id or result.target_language != self.target:
                    raise StoreError(
                        f"refusing to save {result.article_id} → {result.target_language} as"
                        f" {self.path(article_id).name}."
                    )
                result.revision = revision + 1
                result.updated = now()
                atomic_write(self.path(article_id), result.to_bytes())
                return result, True
        except Timeout:
            raise StoreError(
                f"{self.path(article_id).name} is being saved by another Workbench process; try again."
            ) from None


def merge(article: Article, old: Document | None, target_language: str, prepared: str = "") -> Document:
    """The article's current segments, carrying over all earlier work by segment id.

    `article` comes with the lines a reviewer restored already put back (the preparing
    stage does that). Human work on a sentence that no longer exists in the source is kept
    as an orphan. Segments are only ever matched within one target language.
    """
    if old is not None and old.target_language != target_language:
        raise StoreError(
            f"{article.id} has a translation into {old.target_language}, not {target_language}; "
            "each target language has its own file."
        )
    previous = {s.id: s for s in old.segments} if old else {}
    kinds = [b.kind for b in article.blocks]
    records = []
    for segment in article.segments:
        before = previous.pop(segment.id, None)
        if before is not None:
            # A copy: callers compare the result with the document it came from.
            records.append(
                replace(
                    before,
                    block=segment.block,
                    index=segment.index,
                    kind=kinds[segment.block],
                    glossary=list(before.glossary),
                )
            )
        else:
            records.append(
                SegmentRecord(
                    id=segment.id,
                    block=segment.block,
                    index=segment.index,
                    kind=kinds[segment.block],
                    source=segment.text,
                )
            )
    orphans = [replace(s) for s in old.orphans] if old else []
    orphans += [s for s in previous.values() if s.human]
    return Document(
        article_id=article.id,
        source_path=article.source,
        source_language=article.language,
        target_language=target_language,
        title=article.title,
        date=article.date,
        segments=records,
        orphans=orphans,
        removed=article.removed,
        restored=list(old.restored) if old else [],
        prepared=prepared,
        url=article.url,
        author=article.author,
        site=article.site,
        revision=old.revision if old else 0,
        updated=old.updated if old else "",
    )
