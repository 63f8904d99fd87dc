"""The columns of the corpus: one list that JSONL and Parquet both write, in this order.

Each column has a name, a type, whether it may be null, and how a row gives its value, so a
column added here appears in both formats with nothing else to change. `translator`,
`translated_at`, `reviewer` and `approved_at` say who did what, as `provenance.py` reads it
from the segment's versions (null where nobody did). `duplicate` is computed over
the rows being exported, in their order: true when the same source sentence (as the
translation memory compares them: NFC, spaces and apostrophes folded) already appeared for
the same language pair earlier in the export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from workbench.export.rows import Row, calendar_date
from workbench.mt.memory import unit_key
from workbench.provenance import provenance

Kind = Literal["string", "int", "float", "bool", "date", "timestamp", "strings"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    nullable: bool
    value: Callable[[Row, bool], Any]  # (row, duplicate) → value
    about: str


def _moment(text: str) -> datetime | None:
    """A version's time (ISO 8601 with its offset, as the store writes it); None if absent."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment is not None and moment.utcoffset() is not None else None


def _who(name: str) -> Callable[[Row, bool], Any]:
    return lambda r, _: getattr(provenance(r.segment), name) or None


def _when(name: str) -> Callable[[Row, bool], Any]:
    return lambda r, _: _moment(getattr(provenance(r.segment), name))


def _article(name: str) -> Callable[[Row, bool], Any]:
    return lambda r, _: getattr(r.document, name) or None


COLUMNS: tuple[Column, ...] = (
    Column("article", "string", False, lambda r, _: r.article, "the article's id"),
    Column("segment", "string", False, lambda r, _: r.segment.id, "the segment's id, stable across runs"),
    Column("position", "int", False, lambda r, _: r.position, "the segment's order in the article, from 0"),
    Column("paragraph", "int", False, lambda r, _: r.segment.block, "the block it is in (0: the title)"),
    Column("kind", "string", False, lambda r, _: r.segment.kind, "title, heading, text, item or quote"),
    Column("source_language", "string", False, lambda r, _: r.source_language, "ISO 639-1, und if unknown"),
    Column("target_language", "string", False, lambda r, _: r.target_language, "ISO 639-1"),
    Column("source", "string", False, lambda r, _: r.segment.source, "the source sentence"),
    Column("target", "string", False, lambda r, _: r.segment.target, "the translation (empty if none)"),
    Column("status", "string", False, lambda r, _: r.segment.status, "new, machine, edited or reviewed"),
    Column("mt", "string", False, lambda r, _: r.segment.mt, "the machine translation (empty if none)"),
    Column("score", "float", True, lambda r, _: r.segment.score, "the MT's score; null without MT score"),
    Column("glossary", "strings", False, lambda r, _: list(r.segment.glossary), "glossary entries applied"),
    Column("model", "string", False, lambda r, _: r.segment.model, "the model of the MT (empty if none)"),
    Column("translator", "string", True, _who("translator"), "who gave the target its text; null: the machine"),
    Column("translated_at", "timestamp", True, _when("translated_at"), "when they did (UTC)"),
    Column("reviewer", "string", True, _who("reviewer"), "who approved or rejected it; null: nobody yet"),
    Column("approved_at", "timestamp", True, _when("approved_at"), "when it was approved (UTC); null if not"),
    Column("duplicate", "bool", False, lambda _, d: d, "the source was seen earlier in this export"),
    Column("source_path", "string", False, lambda r, _: r.document.source_path, "the source file"),
    Column("title", "string", True, _article("title"), "the article's title"),
    Column("date", "date", True, lambda r, _: calendar_date(r.document.date), "the article's day, if whole"),
    Column("date_raw", "string", True, _article("date"), "the date as the article gives it"),
    Column("url", "string", True, _article("url"), "a web page's address"),
    Column("site", "string", True, _article("site"), "a web page's site name"),
    Column("author", "string", True, _article("author"), "a web page's author"),
)


def duplicates(rows: Sequence[Row]) -> Iterator[bool]:
    """For each row, whether its source already appeared for its language pair earlier on."""
    seen: set[tuple[str, str, str]] = set()
    for r in rows:
        key = (r.source_language, r.target_language, unit_key(r.segment.source))
        yield key in seen
        seen.add(key)


def records(rows: Sequence[Row]) -> Iterator[tuple[Any, ...]]:
    """Each row's values, in COLUMNS order."""
    for r, duplicate in zip(rows, duplicates(rows), strict=True):
        yield tuple(column.value(r, duplicate) for column in COLUMNS)


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
