"""Save: the reviewed parallel text in translations/, one JSON file per article.

Every write is a locked read-modify-write: take the article's lock, read the file as it is
on disk now, apply the change, write a temporary file, fsync, rename over the old one,
fsync the folder. A crash at any instant leaves the old or the new file, never a torn
one; two writers never lose each other's work, because each applies its change to the
other's result. A writer that wants to change a segment that someone else changed
meanwhile gets a Conflict, not a silent overwrite.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock, Timeout

from workbench.errors import WorkbenchError
from workbench.fileio import atomic_write
from workbench.model import Article
from workbench.project import Project

SCHEMA = 1
Status = Literal["new", "machine", "edited", "reviewed"]
STATUSES: tuple[Status, ...] = ("new", "machine", "edited", "reviewed")
HUMAN_STATUSES = frozenset({"edited", "reviewed"})
LOCK_TIMEOUT = 30.0


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
    removed: list[dict[str, Any]] = field(default_factory=list)
    restored: list[int] = field(default_factory=list)  # removed lines a reviewer put back
    revision: int = 0
    updated: str = ""

    def segment(self, segment_id: str) -> SegmentRecord | None:
        return next((s for s in self.segments if s.id == segment_id), None)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for s in self.segments:
            counts[s.status] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {"schema": SCHEMA, **data}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _record(raw: Any, where: str) -> SegmentRecord:
    if not isinstance(raw, dict):
        raise StoreError(f"{where}: a segment is not a JSON object.")
    known = {f.name for f in fields(SegmentRecord)}
    try:
        record = SegmentRecord(**{k: v for k, v in raw.items() if k in known})
    except TypeError as exc:
        raise StoreError(f"{where}: a segment lacks a field ({exc}).") from None
    if record.status not in STATUSES:
        raise StoreError(f"{where}: segment {record.id} has unknown status {record.status!r}.")
    return record


def parse(data: bytes, where: str) -> Document:
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise StoreError(
            f"{where} is not valid JSON; it was not written by Workbench or was edited by hand."
        ) from None
    if not isinstance(raw, dict) or "schema" not in raw:
        raise StoreError(f"{where} is not a Workbench translation file (no schema version).")
    if raw["schema"] != SCHEMA:
        raise StoreError(f"{where} has schema {raw['schema']}; this Workbench reads schema {SCHEMA}.")
    try:
        return Document(
            article_id=raw["article_id"],
            source_path=raw["source_path"],
            source_language=raw["source_language"],
            target_language=raw["target_language"],
            title=raw.get("title", ""),
            date=raw.get("date"),
            segments=[_record(s, where) for s in raw["segments"]],
            orphans=[_record(s, where) for s in raw.get("orphans", [])],
            removed=list(raw.get("removed", [])),
            restored=[int(n) for n in raw.get("restored", [])],
            revision=int(raw.get("revision", 0)),
            updated=raw.get("updated", ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"{where} lacks {exc} or has it in the wrong form.") from None


class Store:
    """The translations/ folder of a project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.folder = project.translations

    def path(self, article_id: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in article_id).lstrip(".")
        return self.folder / f"{safe or 'article'}.json"

    def lock(self, article_id: str) -> FileLock:
        self.project.locks.mkdir(parents=True, exist_ok=True)
        return FileLock(self.project.locks / f"{self.path(article_id).stem}.lock", timeout=LOCK_TIMEOUT)

    def read(self, article_id: str) -> Document | None:
        return self.read_path(self.path(article_id))

    @staticmethod
    def read_path(path: Path) -> Document | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc.strerror}).") from None
        return parse(data, str(path))

    def documents(self) -> Iterator[Document]:
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.json")):
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
                result.revision = revision + 1
                result.updated = now()
                self._write(self.path(article_id), result)
                return result, True
        except Timeout:
            raise StoreError(
                f"{self.path(article_id).name} is being saved by another Workbench process; try again."
            ) from None

    def _write(self, path: Path, document: Document) -> None:
        data = json.dumps(document.to_json(), ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
        atomic_write(path, data)


def merge(article: Article, old: Document | None, target_language: str) -> Document:
    """The article's current segments, carrying over all earlier work by segment id.

    Lines a reviewer restored from the removed cruft stay restored. Human work on a
    sentence that no longer exists in the source is kept as an orphan.
    """
    if old is not None and old.restored:
        from workbench.pipeline import restore

        for line in old.restored:
            if any(r.line == line and r.text for r in article.removed):
                article = restore(article, line)
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
        removed=[asdict(r) for r in article.removed],
        restored=list(old.restored) if old else [],
        revision=old.revision if old else 0,
        updated=old.updated if old else "",
    )
