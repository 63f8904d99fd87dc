"""Glossaries travel to CAT tools: TBX (via translate-toolkit) and CSV/TSV, both ways.

TBX keeps one termEntry per entity: the English term, the source terms per language, the
note as a definition, and what TBX has no field for (type, short form, wrong renderings)
in a `<note from="workbench">` that other tools show as a note and ignore.
XML is checked with defusedxml before translate-toolkit parses it: no entity expansion,
no external references.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.glossary.entries import Entry, Glossary, Issue, entry_from_table

SEPARATOR = " | "
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class ExchangeError(WorkbenchError):
    pass


def _languages(entries: Iterable[Entry]) -> list[str]:
    return sorted({lang for e in entries for lang in e.forms if lang != "*"})


def export_tbx(entries: Iterable[Entry]) -> bytes:
    from translate.storage import tbx

    entries = list(entries)
    store = tbx.tbxfile(sourcelanguage="en")
    for entry in entries:
        unit = store.addsourceunit(entry.en)  # type: ignore[no-untyped-call]
        unit.setid(entry.id)
        for language in _languages([entry]):
            unit.set_target_terms(list(entry.forms_for(language)), language)
        if entry.note:
            unit.addnote(entry.note, origin="definition")
        extra = {
            "type": entry.type,
            "short": entry.short,
            "wrong": list(entry.wrong),
            "forms": list(entry.forms.get("*", ())),
        }
        unit.addnote(json.dumps(extra, ensure_ascii=False), origin="workbench")
    return bytes(store)


def check_xml(data: bytes, name: str) -> None:
    import defusedxml.ElementTree as safe
    from defusedxml import DefusedXmlException

    try:
        safe.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ExchangeError(f"{name} is refused: it declares XML entities ({type(exc).__name__}).") from None
    except Exception as exc:  # ParseError and friends
        raise ExchangeError(f"{name} is not well-formed XML ({exc}).") from None


def import_tbx(data: bytes, name: str) -> Glossary:
    from translate.storage import tbx

    check_xml(data, name)
    try:
        store = tbx.tbxfile.parsestring(data)  # type: ignore[no-untyped-call]
    except Exception as exc:
        raise ExchangeError(f"{name} is not a TBX file translate-toolkit can read ({exc}).") from None
    glossary = Glossary()
    for number, unit in enumerate(store.units, 1):
        terms: dict[str, list[str]] = {}
        for langset in unit.xmlelement.iter(unit.namespaced("langSet")):
            language = (langset.get(XML_LANG) or "").split("-")[0].lower()
            texts = [
                t.text.strip() for t in langset.iter(unit.namespaced("term")) if t.text and t.text.strip()
            ]
            if language and texts:
                terms.setdefault(language, []).extend(texts)
        extra: dict[str, object] = {}
        note = ""
        for tbx_note in unit.get_common_notes():
            if tbx_note.origin == "workbench":
                try:
                    extra = json.loads(tbx_note.text)
                except ValueError:
                    extra = {}
            elif tbx_note.text:
                note = tbx_note.text
        english = terms.pop("en", [])
        table: dict[str, object] = {
            "en": english[0] if english else "",
            "note": note,
            "type": extra.get("type", "other"),
        }
        if unit.getid():
            table["id"] = unit.getid()
        for key in ("short",):
            if extra.get(key):
                table[key] = extra[key]
        if extra.get("wrong"):
            table["wrong"] = extra["wrong"]
        shared = list(extra.get("forms") or [])  # type: ignore[call-overload]
        if shared:
            table["forms"] = shared
        for language, forms in terms.items():
            own = [f for f in forms if f not in shared]
            if own:
                table[language] = own
        try:
            glossary.add(entry_from_table(table, f"{name}:entry {number}"))
        except ValueError as exc:
            glossary.issues.append(Issue(name, number, f"term entry {number}: {exc}"))
    return glossary


def export_table(entries: Iterable[Entry], delimiter: str) -> str:
    entries = list(entries)
    languages = _languages(entries)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["id", "type", "en", "short", "forms", *languages, "wrong", "note"])
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


def export(entries: Iterable[Entry], path: Path) -> bytes:
    suffix = path.suffix.lower()
    if suffix == ".tbx":
        return export_tbx(entries)
    if suffix in (".csv", ".tsv"):
        return export_table(entries, "\t" if suffix == ".tsv" else ",").encode("utf-8")
    raise ExchangeError(f"{path.name}: export writes .tbx, .csv or .tsv files.")


def import_file(path: Path) -> Glossary:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot be read ({exc.strerror}).") from None
    suffix = path.suffix.lower()
    if suffix == ".tbx":
        return import_tbx(data, path.name)
    if suffix in (".csv", ".tsv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ExchangeError(f"{path.name} is not UTF-8 text.") from None
        return import_table(text, path.name, "\t" if suffix == ".tsv" else ",")
    raise ExchangeError(f"{path.name}: import reads .tbx, .csv or .tsv files.")
