"""Glossaries travel to CAT tools: TBX (v2 and v3) and CSV/TSV, both ways.

TBX is written as TBX-Basic, the dialect OmegaT, Trados MultiTerm and memoQ exchange:

- version 2 (ISO 30042:2008, `<martif type="TBX-Basic-V1">`), valid against the TBX core
  structure schema OmegaT ships;
- version 3 (ISO 30042:2019, `<tbx type="TBX-Basic" style="dca">`), valid against the
  TBXcoreStructV03 RelaxNG and its TBX-Basic integration.

One concept entry per entity, its id the entry's id (one that is not an XML id, such as
`1c company`, is written `e-1c-company` and kept in the note). The English language section holds
the English form (administrativeStatus preferredTerm-admn-sts), the short form (termType
shortForm) and the wrong renderings MT produces (deprecatedTerm-admn-sts); each source
language has its forms; the note is a definition. What TBX-Basic has no field for (the
entity type, forms shared by every language, the matching options) travels in a concept
`<note>` that starts with `workbench: ` followed by JSON, which other tools show as a note.
Import reads both versions, and TBX from other tools, with defusedxml: no entity expansion,
no external references, and no nesting deeper than any termbase has (`workbench.xmlread`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import regex

from workbench.errors import WorkbenchError
from workbench.glossary.entries import Entry, Glossary, Issue, entry_from_table

SEPARATOR = " | "
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class ExchangeError(WorkbenchError):
    pass


def _languages(entries: Iterable[Entry]) -> list[str]:
    return sorted({lang for e in entries for lang in e.forms if lang != "*"})


TBX2_TYPE = "TBX-Basic-V1"
TBX3_NS = "urn:iso:std:iso:30042:ed-2"
NOTE_PREFIX = "workbench: "
PREFERRED = "preferredTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
XML_ID = regex.compile(r"[\p{L}_][\p{L}\p{N}._\-]*")  # an NCName, what xs:ID accepts (simplified)


def _tbx_id(entry_id: str) -> str:
    return entry_id if XML_ID.fullmatch(entry_id) else "e-" + regex.sub(r"[^\p{L}\p{N}._\-]", "-", entry_id)


def _extra(entry: Entry) -> dict[str, object]:
    extra: dict[str, object] = {"type": entry.type}
    if entry.forms.get("*"):
        extra["forms"] = list(entry.forms["*"])
    if entry.case_insensitive:
        extra["case_insensitive"] = True
    if entry.accent_insensitive:
        extra["accent_insensitive"] = True
    if _tbx_id(entry.id) != entry.id:
        extra["id"] = entry.id
    return extra


def export_tbx(entries: Iterable[Entry], version: int = 2) -> bytes:
    """TBX-Basic: version 2 (`martif`, ISO 30042:2008) or 3 (ISO 30042:2019, DCA style)."""
    from lxml import etree

    if version not in (2, 3):
        raise ExchangeError(f"TBX version {version} is not one we write; use 2 or 3.")
    v3 = version == 3

    def tag(name: str) -> str:
        return f"{{{TBX3_NS}}}{name}" if v3 else name

    def sub(parent: etree.Element, name: str, text: str | None = None, **attributes: str) -> etree.Element:
        element = etree.SubElement(parent, tag(name), attributes)
        if text is not None:
            element.text = text
        return element

    if v3:
        root = etree.Element(
            tag("tbx"), {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"}, nsmap={None: TBX3_NS}
        )
        header = sub(root, "tbxHeader")
    else:
        root = etree.Element("martif", {"type": TBX2_TYPE, XML_LANG: "en"})
        header = sub(root, "martifHeader")
    file_desc = sub(header, "fileDesc")
    sub(sub(file_desc, "sourceDesc"), "p", "Workbench named-entity glossary")
    if not v3:
        sub(sub(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    body = sub(sub(root, "text"), "body")
    for entry in entries:
        concept = sub(body, "conceptEntry" if v3 else "termEntry", id=_tbx_id(entry.id))
        if entry.note:
            sub(concept, "descrip", entry.note, type="definition")
        sub(concept, "note", NOTE_PREFIX + json.dumps(_extra(entry), ensure_ascii=False))

        def term(language_section: etree.Element, text: str, *notes: tuple[str, str]) -> None:
            group = sub(language_section, "termSec" if v3 else "tig")
            sub(group, "term", text)
            for kind, value in notes:
                sub(group, "termNote", value, type=kind)

        english = sub(concept, "langSec" if v3 else "langSet", **{XML_LANG: "en"})
        term(english, entry.en, ("administrativeStatus", PREFERRED))
        if entry.short:
            term(english, entry.short, ("termType", "shortForm"))
        for wrong in entry.wrong:
            term(english, wrong, ("administrativeStatus", DEPRECATED))
        for adjective in entry.adjective:  # France: French, which QA accepts for the name
            term(english, adjective, ("partOfSpeech", "adjective"))
        for language in _languages([entry]):
            section = sub(concept, "langSec" if v3 else "langSet", **{XML_LANG: language})
            for form in entry.forms_for(language):
                term(section, form)
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8")) + b"\n"


def _parse_xml(data: bytes, name: str) -> Any:
    from workbench.xmlread import parse_xml

    return parse_xml(data, name, ExchangeError)


def _local(tag: object) -> str:
    from workbench.xmlread import local

    return local(tag)


def _text(element: Any) -> str:
    return "".join(element.itertext()).strip()


def import_tbx(data: bytes, name: str) -> Glossary:
    """Entries from TBX v2 (`martif`) or v3 (`tbx`), ours or another tool's."""
    root = _parse_xml(data, name)
    if _local(root.tag) not in ("martif", "tbx"):
        raise ExchangeError(f"{name} is not a TBX file (its root element is <{_local(root.tag)}>).")
    glossary = Glossary()
    concepts = [e for e in root.iter() if _local(e.tag) in ("termEntry", "conceptEntry")]
    for number, concept in enumerate(concepts, 1):
        try:
            glossary.add(entry_from_table(_concept_table(concept), f"{name}:entry {number}"))
        except ValueError as exc:
            glossary.issues.append(Issue(name, number, f"term entry {number}: {exc}"))
    return glossary


def _concept_table(concept: Any) -> dict[str, object]:
    extra: dict[str, object] = {}
    definition = note = ""
    terms: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for element in concept.iter():
        kind = _local(element.tag)
        if kind == "note" and _text(element).startswith(NOTE_PREFIX.strip()):
            try:
                extra = json.loads(_text(element)[len(NOTE_PREFIX.strip()) :])
            except ValueError:
                extra = {}
        elif kind == "note" and element.get("from") == "workbench":  # before TBX-Basic, our own notes
            try:
                extra = json.loads(_text(element))
            except ValueError:
                extra = {}
        elif kind == "note" and not note:
            note = _text(element)
        elif kind == "descrip" and element.get("type") == "definition" and not definition:
            definition = _text(element)
        elif kind in ("langSet", "langSec"):
            language = (element.get(XML_LANG) or "").split("-")[0].lower()
            for group in element.iter():
                if _local(group.tag) not in ("tig", "ntig", "termSec"):
                    continue
                words = [_text(t) for t in group.iter() if _local(t.tag) == "term"]
                notes = {n.get("type") or "": _text(n) for n in group.iter() if _local(n.tag) == "termNote"}
                if language and words and words[0]:
                    terms.setdefault(language, []).append((words[0], notes))
    if not isinstance(extra, dict):
        extra = {}
    english = terms.pop("en", [])
    wrong = [t for t, notes in english if notes.get("administrativeStatus") == DEPRECATED]
    short = [t for t, notes in english if notes.get("termType") == "shortForm"]
    adjective = [t for t, notes in english if notes.get("partOfSpeech") == "adjective"]
    main = [
        t
        for t, notes in english
        if notes.get("administrativeStatus") != DEPRECATED
        and notes.get("termType") != "shortForm"
        and notes.get("partOfSpeech") != "adjective"
    ]
    table: dict[str, object] = {
        "en": main[0] if main else "",
        "note": definition or note,
        "type": extra.get("type", "other"),
    }
    entry_id = extra.get("id") or concept.get("id")
    if entry_id:
        table["id"] = entry_id
    if short:
        table["short"] = short[0]
    if wrong:
        table["wrong"] = wrong
    if adjective:
        table["adjective"] = adjective
    for key in ("case_insensitive", "accent_insensitive"):
        if extra.get(key) is True:
            table[key] = True
    shared = [str(f) for f in extra.get("forms") or [] if isinstance(f, str)]  # type: ignore[attr-defined]
    if shared:
        table["forms"] = shared
    for language, forms in terms.items():
        own = [f for f, _ in forms if f not in shared]
        if own:
            table[language] = own
    return table


def export_table(entries: Iterable[Entry], delimiter: str) -> str:
    entries = list(entries)
    languages = _languages(entries)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["id", "type", "en", "short", "forms", *languages, "wrong", "adjective", "note"])
    for e in entries:
        writer.writerow(
            [
                e.id,
                e.type,
                e.en,
                e.short,
                SEPARATOR.join(e.forms.get("*", ())),
                *(SEPARATOR.join(e.forms.get(lang, ())) for lang in languages),
                SEPARATOR.join(e.wrong),
                SEPARATOR.join(e.adjective),
                e.note,
            ]
        )
    return out.getvalue()


def import_table(text: str, name: str, delimiter: str) -> Glossary:
    try:
        return _import_table(text, name, delimiter)
    except csv.Error as exc:
        raise ExchangeError(
            f"{name} is not valid {'TSV' if delimiter == chr(9) else 'CSV'} ({exc})."
        ) from None


def _import_table(text: str, name: str, delimiter: str) -> Glossary:
    glossary = Glossary()
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames or "en" not in reader.fieldnames:
        raise ExchangeError(f"{name} has no header row with an 'en' column.")
    for row in reader:
        line = reader.line_num
        table: dict[str, object] = {}
        for key, value in row.items():
            if key is None or value is None or not value.strip():
                continue
            key = key.strip()
            if key in ("id", "type", "en", "short", "note"):
                table[key] = value.strip()
            else:
                table[key] = [v.strip() for v in value.split("|") if v.strip()]
        try:
            glossary.add(entry_from_table(table, f"{name}:{line}"))
        except ValueError as exc:
            glossary.issues.append(Issue(name, line, str(exc)))
    return glossary


# The formats a glossary travels in, by the name `--format` takes and a file's suffix gives.
FORMATS = ("csv", "tsv", "tbx")
_DELIMITERS = {"csv": ",", "tsv": "\t"}


def format_of(path: Path) -> str | None:
    """The format a file's suffix names, if any."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def read(data: bytes, name: str, fmt: str) -> Glossary:
    """A glossary from the bytes of a file in `fmt`; `name` says where they come from."""
    if fmt == "tbx":
        return import_tbx(data, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExchangeError(f"{name} is not UTF-8 text.") from None
    return import_table(text, name, _DELIMITERS[fmt])


def write(entries: Iterable[Entry], fmt: str, tbx_version: int = 2) -> bytes:
    """The bytes of a glossary file in `fmt`."""
    if fmt == "tbx":
        return export_tbx(entries, tbx_version)
    return export_table(entries, _DELIMITERS[fmt]).encode("utf-8")


def import_file(path: Path) -> Glossary:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot be read ({exc.strerror}).") from None
    fmt = format_of(path)
    if fmt is None:
        raise ExchangeError(f"{path.name}: import reads .tbx, .csv or .tsv files.")
    return read(data, path.name, fmt)
