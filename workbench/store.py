"""Save: the reviewed parallel text in translations/, one JSON file per article.

Every write is a locked read-modify-write: take the article's lock, read the file as it is
on disk now, apply the change, write a temporary file, fsync, rename over the old one,
fsync the folder. A crash at any instant leaves the old or the new file, never a torn
one; two writers never lose each other's work, because each applies its change to the
other's result. A writer that wants to change a segment that someone else changed
meanwhile gets a Conflict, not a silent overwrite.

Fields this version does not know (written by a newer version, or added by hand), at the
top of a file and in its segments, are carried through every rewrite unchanged: `update`
reads them from the file it replaces and writes them back, each segment's with the segment
of the same id, so no writer needs to know of them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import msgspec
from filelock import FileLock, Timeout

from workbench.errors import WorkbenchError
from workbench.fileio import atomic_write
from workbench.model import Article
from workbench.project import Project
from workbench.records import (  # re-exported: the store's own vocabulary
    DONE,
    HUMAN_STATUSES,
    READABLE,
    SCHEMA,
    STATUSES,
    Comment,
    Dismissal,
    Document,
    Draft,
    ErrorMark,
    SegmentRecord,
    Status,
    Version,
    now,
)

__all__ = [
    "BOM",
    "DONE",
    "HUMAN_STATUSES",
    "LOCK_TIMEOUT",
    "READABLE",
    "SCHEMA",
    "SEGMENT_LISTS",
    "STATUSES",
    "Comment",
    "Conflict",
    "Dismissal",
    "Document",
    "Draft",
    "ErrorMark",
    "SegmentRecord",
    "Status",
    "Store",
    "StoreError",
    "Unknown",
    "Version",
    "file_name",
    "merge",
    "now",
    "parse",
    "serialize",
    "unknown_fields",
]

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



def _problem(error: msgspec.ValidationError) -> str:
    """msgspec's "Expected `int`, got `str` - at `$.segments[2].block`" as "segments[2].block:
    Expected `int`, got `str`"."""
    message, _, where = str(error).partition(" - at `")
    field = where.rstrip("`").removeprefix("$").lstrip(".")
    return f"{field}: {message}" if field else message


BOM = b"\xef\xbb\xbf"
SEGMENT_LISTS = ("segments", "orphans")


@dataclass
class Unknown:
    """The fields of a file that Document and SegmentRecord do not have, as raw JSON."""

    top: dict[str, msgspec.Raw] = field(default_factory=dict)
    segments: dict[str, dict[str, msgspec.Raw]] = field(default_factory=dict)  # segment id → fields

    def __bool__(self) -> bool:
        return bool(self.top or self.segments)


def unknown_fields(data: bytes) -> Unknown:
    """What `serialize` must write back for `data`, a file `parse` accepted."""
    known = {f.name for f in fields(Document)} | {"schema"}
    known_segment = {f.name for f in fields(SegmentRecord)}
    top = msgspec.json.decode(data.removeprefix(BOM), type=dict[str, msgspec.Raw])
    unknown = Unknown({key: value for key, value in top.items() if key not in known})
    for name in SEGMENT_LISTS:
        if name not in top:
            continue
        for record in msgspec.json.decode(top[name], type=list[dict[str, msgspec.Raw]]):
            extra = {key: value for key, value in record.items() if key not in known_segment}
            if extra:
                unknown.segments[msgspec.json.decode(record["id"], type=str)] = extra
    return unknown


def serialize(document: Document, unknown: Unknown | None = None) -> bytes:
    """The file's bytes: the document, with the fields of `unknown` put back where they were."""
    if not unknown:
        return document.to_bytes()
    data: dict[str, Any] = {"schema": SCHEMA, **msgspec.to_builtins(document)}
    for name in SEGMENT_LISTS:
        for record in data.get(name, []):
            for key, value in unknown.segments.get(record["id"], {}).items():
                record.setdefault(key, value)
    for key, value in unknown.top.items():
        data.setdefault(key, value)
    return msgspec.json.format(msgspec.json.encode(data), indent=1) + b"\n"


def parse(data: bytes, where: str) -> Document:
    """A translations file, validated against the schema; each problem is one sentence
    naming the file and the field."""
    data = data.removeprefix(BOM)  # an editor's byte-order mark is not a reason to refuse the file
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
    if schema not in READABLE:
        newer = isinstance(schema, int) and schema > SCHEMA
        raise StoreError(
            f"{where} has schema {schema!r}; this Workbench reads schemas {min(READABLE)} to {SCHEMA}"
            + ("; it was written by a newer Workbench and is left as it is." if newer else ".")
        )
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
        # (mtime_ns, size) of the file as the last update left it, taken under its lock
        self.stamp: tuple[int, int] | None = None

    def require_target(self) -> str:
        if self.target is None:
            raise StoreError("a store for every target language cannot write; name the target language.")
        return self.target

    def path(self, article_id: str) -> Path:
        return self.folder / file_name(article_id, self.require_target())

    def lock(self, article_id: str, timeout: float = LOCK_TIMEOUT) -> FileLock:
        try:
            self.project.locks.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create {self.project.locks}: {exc.strerror or exc}; the project folder must be writable."
            ) from None
        return FileLock(self.project.locks / f"{self.path(article_id).stem}.lock", timeout=timeout)

    def _stamp(self, article_id: str) -> tuple[int, int] | None:
        try:
            stat = self.path(article_id).stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def read(self, article_id: str) -> Document | None:
        return self._document(article_id, self._bytes(self.path(article_id)))

    def _document(self, article_id: str, data: bytes | None) -> Document | None:
        document = None if data is None else parse(data, str(self.path(article_id)))
        if document is not None and document.article_id != article_id:
            raise StoreError(
                f"{self.path(article_id)} holds article {document.article_id!r}, not {article_id!r}."
            )
        return document

    @staticmethod
    def read_path(path: Path) -> Document | None:
        data = Store._bytes(path)
        return None if data is None else parse(data, str(path))

    @staticmethod
    def _bytes(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc.strerror or exc}).") from None

    def paths(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        pattern = f"*.{self.target}.json" if self.target else "*.*.json"
        return sorted(p for p in self.folder.glob(pattern) if not p.name.startswith("."))

    def documents(self, skip: Callable[[str], None] | None = None) -> Iterator[Document]:
        """Every document; with `skip`, a file that cannot be read is reported to it (one
        sentence naming the file) and the others are still read."""
        for path in self.paths():
            try:
                document = self.read_path(path)
            except StoreError as exc:
                if skip is None:
                    raise
                skip(exc.message)
                continue
            if document is not None:
                yield document

    def update(
        self,
        article_id: str,
        change: Callable[[Document | None], Document | None],
        timeout: float = LOCK_TIMEOUT,
    ) -> tuple[Document | None, bool]:
        """Apply `change` to the file as it is now, under the article's lock, and save.

        `change` returns None to leave the file alone. Returns the document now on disk and
        whether it was written.
        """
        try:
            with self.lock(article_id, timeout):
                data = self._bytes(self.path(article_id))
                current = self._document(article_id, data)
                revision = current.revision if current else 0
                result = change(current)
                if result is None:
                    self.stamp = self._stamp(article_id)
                    return current, False
                if result.article_id != article_id or result.target_language != self.target:
                    raise StoreError(
                        f"refusing to save {result.article_id} → {result.target_language} as"
                        f" {self.path(article_id).name}."
                    )
                result.revision = revision + 1
                result.updated = now()
                unknown = unknown_fields(data) if data is not None else None
                atomic_write(self.path(article_id), serialize(result, unknown))
                self.stamp = self._stamp(article_id)
                return result, True
        except Timeout:
            raise StoreError(
                f"{self.path(article_id).name} is being saved by another Workbench process; try again."
            ) from None


SIMILAR_SOURCE = 85.0  # rapidfuzz ratio, case folded: a letter, a word or a comma changed


def _carry_over_edited_sources(
    records: list[SegmentRecord], gone: dict[str, SegmentRecord], skip: set[str]
) -> None:
    """A sentence edited in the source (its case, a word, a comma) is a new segment; a
    person's translation of it is carried over, `edited` (to be checked against the new
    source), its reviewed version in the history, instead of waiting among the orphans.
    The closest in the same paragraph wins; each old translation goes to one segment (it
    leaves `gone`). Segments in `skip` (the translator's splits and joins) are left alone."""
    from rapidfuzz import fuzz

    for n, record in enumerate(records):
        if record.status != "new" or record.target or not gone or record.id in skip:
            continue
        candidates = [
            (fuzz.ratio(record.source.casefold(), old.source.casefold()), old.block == record.block, key)
            for key, old in gone.items()
            if old.human and old.target.strip() and key not in skip
        ]
        best = max(candidates, default=None, key=lambda c: (c[0], c[1]))
        if best is None or best[0] < SIMILAR_SOURCE:
            continue
        old = gone.pop(best[2])
        history = [*old.history, old.version()]
        records[n] = replace(
            record,
            target=old.target,
            status="edited",
            mt=old.mt,
            score=old.score,
            model=old.model,
            origin=old.origin,
            author=old.author,
            event="source changed",
            updated=now(),
            history=history,
            conflicts=list(old.conflicts),
            dismissed=[],
        )


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
    # human work on a sentence that went away comes back with the sentence (an undone split,
    # a source edited back)
    orphaned = {s.id: s for s in old.orphans} if old else {}
    kinds = [b.kind for b in article.blocks]
    records = []
    for segment in article.segments:
        before = previous.pop(segment.id, None)
        if before is None and segment.id in orphaned and orphaned[segment.id].source == segment.text:
            before = orphaned.pop(segment.id)
        if before is not None:
            # A copy: callers compare the result with the document it came from.
            records.append(
                replace(
                    before,
                    block=segment.block,
                    index=segment.index,
                    kind=kinds[segment.block],
                    glossary=list(before.glossary),
                    history=list(before.history),
                    conflicts=list(before.conflicts),
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
    # the translator's own splits and joins bring their text with the change that made them
    reshaped = {i for op in (old.resegmented if old else []) for i in (*op.segments, *op.result)}
    _carry_over_edited_sources(records, previous, reshaped)
    orphans = [replace(s) for s in orphaned.values()]
    orphans += [s for s in previous.values() if s.human or s.conflicts or s.draft]
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
        resegmented=[replace(r) for r in old.resegmented] if old else [],
        prepared=prepared,
        url=article.url,
        author=article.author,
        site=article.site,
        revision=old.revision if old else 0,
        updated=old.updated if old else "",
    )
