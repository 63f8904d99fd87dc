"""TMX 1.4b, written and read: translation memories for CAT tools, and ours back.

The header names Workbench and its version (`creationtool`, `creationtoolversion`). Each
unit (`tuid`: article/segment) says where its target came from in properties a CAT tool
shows and keeps: `x-workbench-status` (new, machine, edited, reviewed), `x-workbench-model`
and `x-workbench-score` for machine translation, and the article's metadata as notes. Who
did what is in TMX's own attributes of the unit: `creationid` and `creationdate` name the
translator of the present text and when (`provenance.py`), `changeid` and `changedate` the
last person to change the segment and when (no `changeid` when that was the machine).
Segment comments are notes too (`comment [id] author, time: text`).
Text is kept exactly, leading and trailing spaces included; a character XML 1.0 cannot hold
becomes a stand-alone placeholder `<ph type="x-workbench-char">U+0001</ph>` (`xmltext.py`).

Reading (`tm import`) honours that origin: a unit marked `machine` is a machine unit of its
model, reused only by that model and outranked by any human unit; one marked machine
without a model is skipped and counted. Units of other tools, and ours marked edited or
reviewed, are human translations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import regex

from workbench.export.rows import ExportError, Row, article_facts
from workbench.export.xliff import said
from workbench.export.xmltext import Notices, fill
from workbench.provenance import provenance

if TYPE_CHECKING:
    from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CHAR_TYPE = "x-workbench-char"
STATUS, MODEL, SCORE = "x-workbench-status", "x-workbench-model", "x-workbench-score"
CODE_POINT = regex.compile(r"U\+([0-9A-F]{4,6})")
HUMAN = "human"


def _ph(parent: etree._Element, char: str) -> etree._Element:
    from lxml import etree

    element = etree.SubElement(parent, "ph", type=CHAR_TYPE)
    element.text = f"U+{ord(char):04X}"
    return element


def _tmx_date(iso: str) -> str | None:
    """`2024-09-12T08:00:00+00:00` as TMX writes dates (`20240912T080000Z`); None if not a time."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") if moment.utcoffset() is not None else None


def to_tmx(rows: Sequence[Row], notices: Notices | None = None) -> bytes:
    from lxml import etree

    from workbench import __version__

    notices = notices if notices is not None else Notices()
    languages = sorted({r.source_language for r in rows})
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="Workbench",
        creationtoolversion=__version__,
        segtype="sentence",
        datatype="plaintext",
        adminlang="en",
        srclang=languages[0] if len(languages) == 1 else "*all*",
        **{"o-tmf": "Workbench"},
    )
    body = etree.SubElement(root, "body")
    texts: list[tuple[etree._Element, str]] = []  # filled after indenting, which would pad them
    for r in rows:
        s = r.segment
        unit = etree.SubElement(body, "tu", tuid=notices.plain(f"{r.article}/{s.id}", "unit ids"))
        made = provenance(s)
        if made.translator:
            unit.set("creationid", notices.plain(made.translator, "user names"))
            if created := _tmx_date(made.translated_at):
                unit.set("creationdate", created)
        if made.changed_by:
            unit.set("changeid", notices.plain(made.changed_by, "user names"))
        if s.updated and (changed := _tmx_date(s.updated)):
            unit.set("changedate", changed)
        properties: list[tuple[str, str]] = [(STATUS, s.status)]
        if s.model:
            properties.append((MODEL, s.model))
        if s.score is not None:
            properties.append((SCORE, repr(s.score)))
        for kind, value in properties:
            etree.SubElement(unit, "prop", type=kind).text = notices.plain(value, "properties")
        for name, value in article_facts(r.document):
            etree.SubElement(unit, "note").text = notices.plain(f"{name}: {value}", "notes")
        for comment in s.comments:
            etree.SubElement(unit, "note").text = notices.plain(f"comment {said(comment)}", "notes")
        for language, text in ((r.source_language, s.source), (r.target_language, s.target)):
            variant = etree.SubElement(unit, "tuv", {XML_LANG: language})
            texts.append((etree.SubElement(variant, "seg"), text))
    etree.indent(root, space="  ")
    for element, text in texts:
        fill(element, text, _ph)
    declaration = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
    return declaration + bytes(etree.tostring(root, encoding="UTF-8")) + b"\n"


@dataclass(frozen=True)
class Unit:
    """One translation from a TMX file: `origin` is "human" or the model that made it."""

    source_language: str
    source: str
    target_language: str
    target: str
    origin: str = HUMAN
    score: float | None = None


@dataclass
class Memory:
    units: list[Unit]
    skipped: int = 0  # machine units that do not say their model


def _seg_text(seg: Any) -> str:
    """A segment's text, our character placeholders turned back into their characters."""
    from workbench.xmlread import local

    parts = [seg.text or ""]
    for child in seg:
        code = CODE_POINT.fullmatch(child.text or "") if local(child.tag) == "ph" else None
        if code is not None and child.get("type") == CHAR_TYPE:
            parts.append(chr(int(code[1], 16)))
        else:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def _language(code: str | None) -> str:
    return (code or "").split("-")[0].split("_")[0].lower()


def read_tmx(data: bytes, name: str) -> Memory:
    """Every unit of a TMX file with a source and a target, in NFC, spaces as they are."""
    import unicodedata

    from workbench.xmlread import local, parse_xml

    root = parse_xml(data, name, ExportError)
    if local(root.tag) != "tmx":
        raise ExportError(f"{name} is not a TMX file (its root element is <{local(root.tag)}>).")
    header = root.find("header")
    default_source = _language(header.get("srclang") if header is not None else None)
    memory = Memory([])
    body = root.find("body")
    for tu in body.iter("tu") if body is not None else ():
        properties = {p.get("type"): (p.text or "").strip() for p in tu.findall("prop")}
        texts = [
            (_language(tuv.get(XML_LANG) or tuv.get("lang")), unicodedata.normalize("NFC", _seg_text(seg)))
            for tuv in tu.findall("tuv")
            if (seg := tuv.find("seg")) is not None
        ]
        if len(texts) < 2:
            continue
        source_lang = _language(tu.get("srclang")) or default_source
        source = next((t for t in texts if t[0] == source_lang), texts[0])
        origin, score = HUMAN, None
        if properties.get(STATUS) in ("new", "machine"):
            origin = properties.get(MODEL, "")
            score = _float(properties.get(SCORE))
        for target in texts:
            if target is source or not source[1].strip() or not target[1].strip():
                continue
            if not origin:
                memory.skipped += 1
                continue
            memory.units.append(Unit(source[0], source[1], target[0], target[1], origin, score))
    return memory


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None
