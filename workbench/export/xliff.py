"""XLIFF 2.0 core, valid against the OASIS schema (`tests/schemas/xliff-2.0/`).

One document holds one language pair, so a corpus in French and Russian becomes one file per
pair. Each article is a `<file>` (`original`: the article id) and each sentence a `<unit>`
whose id is the segment id, with one `<segment>`. Statuses map to XLIFF states:

    new → initial, machine → translated, edited → translated, reviewed → reviewed,
    approved → final (the reviewer's sign-off), rejected → translated

The `subState` (`workbench:machine`, `workbench:edited`, `workbench:rejected`) keeps the
distinction XLIFF lacks. A
segment without a target is `initial` whatever its status, as XLIFF requires a target from
`translated` on. Notes carry the rest: `status`, `mt-score`, `mt-model`, one `glossary`
note per glossary entry applied, and who did what (`provenance.py`): `translator` and
`translated-at`, `reviewer`, `reviewed-at` and `approved-at`, times in ISO 8601 UTC, and one
`comment` note per segment comment (`[id] author, time: text`). Notes,
because XLIFF 2.0 has no provenance of its own: ITS provenance came as a module in 2.1, and
the core schema validates notes where it can only skip foreign elements. Characters XML cannot hold become `<cp hex="…"/>` in
sources and targets; in ids, file names and notes, which have no markup, U+FFFD, counted
(`xmltext.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from workbench.export.rows import Row, article_facts
from workbench.export.xmltext import Notices, fill
from workbench.provenance import provenance
from workbench.store import Comment

if TYPE_CHECKING:
    from lxml import etree

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF_STATE = {
    "new": "initial",
    "machine": "translated",
    "edited": "translated",
    "reviewed": "reviewed",
    "approved": "final",
    "rejected": "translated",
}


def _tag(name: str) -> str:
    return f"{{{XLIFF_NS}}}{name}"


def _cp(parent: etree._Element, char: str) -> etree._Element:
    from lxml import etree

    return etree.SubElement(parent, _tag("cp"), hex=f"{ord(char):04X}")


def said(comment: Comment) -> str:
    """A comment as a note: who, when, and the text (a reply names the comment it answers)."""
    answer = f" (answering {comment.reply_to})" if comment.reply_to else ""
    return f"[{comment.id}] {comment.author or 'someone'}, {comment.time}{answer}: {comment.text}"


def pair(row: Row) -> str:
    return f"{row.source_language}-{row.target_language}"


def to_xliff(rows: Sequence[Row], notices: Notices | None = None) -> bytes:
    """One XLIFF document for rows of one language pair."""
    from lxml import etree

    notices = notices if notices is not None else Notices()
    pairs = sorted({pair(r) for r in rows})
    if len(pairs) > 1:
        raise ValueError(f"one XLIFF document holds one language pair, not {', '.join(pairs)}")
    source = rows[0].source_language if rows else "und"
    target = rows[0].target_language if rows else "en"
    root = etree.Element(
        _tag("xliff"), {"version": "2.0", "srcLang": source, "trgLang": target}, nsmap={None: XLIFF_NS}
    )
    files: dict[str, etree._Element] = {}
    texts: list[tuple[etree._Element, str]] = []  # filled after indenting, which would pad mixed content

    def notes(parent: etree._Element, facts: list[tuple[str, str]], where: str) -> None:
        element = etree.SubElement(parent, _tag("notes"))
        for category, text in facts:
            etree.SubElement(element, _tag("note"), category=category).text = notices.plain(text, where)

    for r in rows:
        file = files.get(r.article)
        if file is None:
            file = files[r.article] = etree.SubElement(
                root, _tag("file"), id=f"f{len(files) + 1}", original=notices.plain(r.article, "article ids")
            )
            metadata = article_facts(r.document)
            if metadata:
                notes(file, metadata, "article notes")
        s = r.segment
        unit = etree.SubElement(file, _tag("unit"), id=notices.plain(s.id, "segment ids"))
        facts: list[tuple[str, str]] = [("status", s.status)]
        if s.score is not None:
            facts.append(("mt-score", repr(s.score)))
        if s.model:
            facts.append(("mt-model", s.model))
        facts += [("glossary", entry) for entry in s.glossary]
        made = provenance(s)
        facts += [
            (category, value)
            for category, value in (
                ("translator", made.translator),
                ("translated-at", made.translated_at),
                ("reviewer", made.reviewer),
                ("reviewed-at", made.reviewed_at),
                ("approved-at", made.approved_at),
            )
            if value
        ]
        facts += [("comment", said(c)) for c in s.comments]
        notes(unit, facts, "segment notes")
        has_target = bool(s.target)
        state = XLIFF_STATE[s.status] if has_target else "initial"
        segment = etree.SubElement(unit, _tag("segment"), state=state)
        if has_target and s.status in ("machine", "edited", "rejected"):
            segment.set("subState", f"workbench:{s.status}")
        texts.append((etree.SubElement(segment, _tag("source")), s.source))
        if has_target:
            texts.append((etree.SubElement(segment, _tag("target")), s.target))
    if not files:
        # The schema wants a file with a unit; an empty export is refused before it gets here.
        raise ValueError("an XLIFF document needs at least one segment")
    etree.indent(root, space="  ")
    for element, text in texts:
        fill(element, text, _cp)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8")) + b"\n"


def to_xliff_files(rows: Sequence[Row], notices: Notices | None = None) -> dict[str, bytes]:
    """`fr-en.xlf` → document, one per language pair, in pair order."""
    groups: dict[str, list[Row]] = {}
    for r in rows:
        groups.setdefault(pair(r), []).append(r)
    return {f"{key}.xlf": to_xliff(group, notices) for key, group in sorted(groups.items())}
