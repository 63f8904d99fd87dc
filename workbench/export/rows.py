"""What an export is made of: rows (a segment with its article) chosen by status and language.

Rows are taken from translations/ in article order, then segment order, so the same files
give the same bytes. `--status` is a threshold: `approved` exports what a reviewer approved,
`reviewed` adds what the translator confirmed (the default), `edited` adds segments a human edited but did not confirm (and rejected ones), `machine` adds
machine translations, `all` adds untranslated segments too. Every format module reads rows
from here; none of them imports the package that lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from workbench.errors import WorkbenchError
from workbench.store import Document, SegmentRecord

LEVELS = {
    "approved": ("approved",),
    "reviewed": ("approved", "reviewed"),
    # a rejected segment is a person's text sent back for another pass: edited, not reviewed
    "edited": ("approved", "reviewed", "edited", "rejected"),
    "machine": ("approved", "reviewed", "edited", "rejected", "machine"),
}
LEVELS["all"] = ("approved", "reviewed", "edited", "rejected", "machine", "new")
ARTICLE_FIELDS = ("title", "date", "url", "site", "author")  # what the article says of itself
ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z]*)?")


class ExportError(WorkbenchError):
    pass


@dataclass(frozen=True)
class Row:
    article: str
    document: Document
    segment: SegmentRecord
    position: int = 0  # the segment's place among the article's segments, from 0

    @property
    def source_language(self) -> str:
        return self.document.source_language or "und"

    @property
    def target_language(self) -> str:
        return self.document.target_language


def article_facts(document: Document) -> list[tuple[str, str]]:
    """The article's metadata that is known, as (field, value), in ARTICLE_FIELDS order."""
    return [(name, value) for name in ARTICLE_FIELDS if (value := getattr(document, name))]


def calendar_date(text: str | None) -> date | None:
    """The day an article's date names, when it names one (`2024-09-12`, `2024-09-12T08:00Z`);
    None for a partial date (`2024-09`), an impossible one (`2024-13-01`) or free text."""
    match = ISO_DATE.fullmatch(text.strip()) if text else None
    if match is None:
        return None
    try:
        return date.fromisoformat(match[1])
    except ValueError:
        return None


def select(documents: Iterable[Document], status: str = "reviewed", language: str | None = None) -> list[Row]:
    if status not in LEVELS:
        raise ExportError(f"unknown status {status!r}; use one of {', '.join(LEVELS)}.")
    wanted = LEVELS[status]
    language = language.lower() if language else None
    rows = []
    for document in sorted(documents, key=lambda d: (d.article_id, d.target_language)):
        if language and document.source_language != language:
            continue
        rows += [
            Row(document.article_id, document, s, position)
            for position, s in enumerate(document.segments)
            if s.status in wanted
        ]
    return rows


def nothing_to_export(documents: Iterable[Document], status: str, language: str | None) -> str:
    """Why `select` found nothing, and which --status or --lang would give rows."""
    documents = list(documents)
    language = language.lower() if language else None
    languages = sorted({d.source_language or "und" for d in documents})
    if language and language not in languages:
        targets = sorted({d.target_language for d in documents})
        also = f"; {language} is a target language, and --lang names the source" if language in targets else ""
        return f"no article is in {language} (the sources are in {', '.join(languages)}){also}."
    chosen = [d for d in documents if not language or d.source_language == language]
    where = f" in {language}" if language else ""
    for level in LEVELS:
        if LEVELS[level] != LEVELS[status] and set(LEVELS[level]) > set(LEVELS[status]):
            count = sum(s.status in LEVELS[level] for d in chosen for s in d.segments)
            if count:
                return (
                    f"no segments{where} with status {status} or better to export; "
                    f"--status {level} gives {count}."
                )
    if language:
        others = [lang for lang in languages if lang != language]
        for other in others:
            if any(s.status in LEVELS[status] for d in documents if d.source_language == other for s in d.segments):
                return f"no segments{where} with status {status} or better to export; --lang {other} has some."
    return f"no segments{where} with status {status} or better to export, and none at any status."
