"""Glossary entries and the files that hold them.

A glossary file is TOML, one `[[entity]]` table per named entity:

    [[entity]]
    type = "person"                       # person, organisation, place, product, event, other
    en = "Dmitry Peskov"                  # the one English form
    fr = ["Dmitri Peskov", "Peskov"]      # source forms per language (dictionary form)
    ru = ["Дмитрий Песков", "Песков"]
    wrong = ["Dmitri Peskov", "Peskova"]  # renderings MT produces that must be replaced
    note = "Kremlin spokesman."

`adjective` lists English adjectives and demonyms that may stand for the entity
(France: "French"): `Госорганы Франции` is rightly "French government agencies", so QA
accepts them in place of the English form.

`forms` holds forms valid in every source language (brand names in Latin script).
`short` is the English form expected when a source form is a single word (a surname): it
defaults to the last word of `en` for people. Entries are parsed one by one, so a mistake
in one entry names its file and line and the others still load. Files load in name order;
an entry whose id (default: derived from `en`) appears again in a later file replaces the
earlier one.

This module reads. `edit` changes the files (locked, atomic, comments kept) and `merge`
decides what an added or imported entry changes.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

TYPES = ("person", "organisation", "place", "product", "event", "other")
LANGUAGE_KEY = regex.compile(r"[a-z]{2,3}")
RESERVED = {
    "id",
    "type",
    "en",
    "short",
    "forms",
    "wrong",
    "adjective",
    "note",
    "case_insensitive",
    "accent_insensitive",
}
TOML_POSITION = regex.compile(r"\s*\(at line (\d+), column \d+\)")
ENTITY_HEADER = regex.compile(r"^\s*\[\[\s*entity\s*\]\]\s*(#.*)?$")


@dataclass(frozen=True)
class Entry:
    id: str
    type: str
    en: str
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language or "*" → forms
    short: str = ""
    wrong: tuple[str, ...] = ()
    adjective: tuple[str, ...] = ()  # English adjectives or demonyms that may stand for it
    note: str = ""
    case_insensitive: bool = False
    accent_insensitive: bool = False
    origin: str = ""  # file:line

    def forms_for(self, language: str | None) -> tuple[str, ...]:
        return self.forms.get("*", ()) + (self.forms.get(language or "", ()))

    def expected(self, form: str) -> str:
        """The English the target must carry when the source names the entity as `form`."""
        if self.short and len(form.split()) == 1 and len(self.en.split()) > 1:
            return self.short
        return self.en


@dataclass(frozen=True)
class Issue:
    """A problem in a glossary file, with where it is."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Glossary:
    entries: dict[str, Entry] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    # one Matcher per source language, built on first use (glossary.match.matcher_for)
    matchers: dict[str | None, Any] = field(default_factory=dict, repr=False, compare=False)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def add(self, entry: Entry) -> None:
        self.matchers.clear()
        self.entries[entry.id] = entry


def slug(text: str) -> str:
    return regex.sub(r"[^\p{L}\p{N}]+", "-", text.casefold()).strip("-") or "entity"


def _as_forms(value: object, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{key} must be a string or a list of non-empty strings")
    return tuple(" ".join(v.split()) for v in value)


def _nfc(value: object) -> object:
    """Every string of a table in NFC, the form sources are in: a glossary saved decomposed
    (NFD, as macOS names and some editors write it) matches the same mentions."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def entry_from_table(table: dict[str, object], origin: str) -> Entry:
    """Build an Entry from one parsed table (TOML, CSV, TBX or `glossary add`: every entry
    comes through here); ValueError says what is wrong."""
    table = {key: _nfc(value) for key, value in table.items()}
    en = table.get("en")
    if not isinstance(en, str) or not en.strip():
        raise ValueError("the entry has no English form (en)")
    kind = table.get("type", "other")
    if kind not in TYPES:
        raise ValueError(f"type {kind!r} is not one of {', '.join(TYPES)}")
    forms: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        if key == "forms":
            forms["*"] = _as_forms(value, key)
        elif key not in RESERVED:
            if not LANGUAGE_KEY.fullmatch(key):
                raise ValueError(f"unknown field {key!r} (a language code is two or three letters)")
            forms[key] = _as_forms(value, key)
    if not forms:
        raise ValueError(f"{en!r} has no source forms (add e.g. fr = [...] or ru = [...])")
    for key in ("note", "short", "id"):
        if key in table and not isinstance(table[key], str):
            raise ValueError(f"{key} must be a string")
    for key in ("case_insensitive", "accent_insensitive"):
        if key in table and not isinstance(table[key], bool):
            raise ValueError(f"{key} must be true or false")
    en = " ".join(en.split())
    short = str(table.get("short", "")) or (
        en.split()[-1] if kind == "person" and len(en.split()) > 1 else ""
    )
    return Entry(
        id=str(table.get("id") or slug(en)),
        type=str(kind),
        en=en,
        forms=forms,
        short=short,
        wrong=_as_forms(table["wrong"], "wrong") if "wrong" in table else (),
        adjective=_as_forms(table["adjective"], "adjective") if "adjective" in table else (),
        note=str(table.get("note", "")),
        case_insensitive=bool(table.get("case_insensitive", False)),
        accent_insensitive=bool(table.get("accent_insensitive", False)),
        origin=origin,
    )


def entry_chunks(text: str) -> Iterator[tuple[int, str]]:
    """Split a glossary file at its [[entity]] headers: (first line number, text)."""
    lines = text.splitlines(keepends=True)
    start, current = 1, list[str]()
    for number, line in enumerate(lines, 1):
        if ENTITY_HEADER.match(line) and current:
            yield start, "".join(current)
            start, current = number, []
        current.append(line)
    if current:
        yield start, "".join(current)


def parse_file(text: str, path: str, glossary: Glossary) -> None:
    """Add the file's entries to `glossary`; record an Issue for each bad entry."""
    seen: dict[str, int] = {}
    for first_line, chunk in entry_chunks(text):
        if not ENTITY_HEADER.match(chunk.splitlines()[0] if chunk.strip() else ""):
            if chunk.strip() and any(
                line.strip() and not line.lstrip().startswith("#") for line in chunk.splitlines()
            ):
                glossary.issues.append(Issue(path, first_line, "text outside an [[entity]] entry"))
            continue
        try:
            data = tomllib.loads(chunk)
        except tomllib.TOMLDecodeError as exc:
            where = TOML_POSITION.search(str(exc))
            line = first_line + int(where[1]) - 1 if where else first_line
            message = TOML_POSITION.sub("", str(exc)).strip()
            glossary.issues.append(Issue(path, line, f"not valid TOML: {message}"))
            continue
        for table in data.get("entity", []):
            try:
                entry = entry_from_table(table, f"{path}:{first_line}")
            except ValueError as exc:
                glossary.issues.append(Issue(path, first_line, str(exc)))
                continue
            if entry.id in seen:
                glossary.issues.append(
                    Issue(
                        path,
                        first_line,
                        f"{entry.en!r} is already entry {seen[entry.id]} of this file; this one replaces it",
                    )
                )
            seen[entry.id] = first_line
            glossary.add(entry)


def load(paths: Iterable[Path]) -> Glossary:
    glossary = Glossary()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8-sig")  # editors on Windows may add a BOM
        except (OSError, UnicodeDecodeError) as exc:
            glossary.issues.append(Issue(str(path), 0, f"cannot be read ({exc})"))
            continue
        parse_file(text, str(path), glossary)
    report_conflicts(glossary)
    return glossary


def report_conflicts(glossary: Glossary) -> None:
    """A source form claimed by two entities: matching keeps the longer match, then the first."""
    owners: dict[tuple[str, str], Entry] = {}
    for entry in glossary:
        for language, forms in entry.forms.items():
            for form in forms:
                other = owners.setdefault((language, form.casefold()), entry)
                if other is not entry:
                    where, _, line = entry.origin.rpartition(":")
                    glossary.issues.append(
                        Issue(
                            where,
                            int(line) if line.isdigit() else 0,
                            f"{form!r} is a form of both {other.en!r} ({other.origin}) and {entry.en!r}; "
                            f"the first entry wins",
                        )
                    )


def glossary_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def load_folder(folder: Path) -> Glossary:
    return load(glossary_files(folder))
