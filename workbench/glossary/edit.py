"""Changes to glossary files that never lose curated work.

Every change is a read-modify-write of the whole glossary folder under one file lock
(`.workbench/locks/glossaries.lock`), so two processes adding entries at once both land.
The entries a change touches are edited through tomlkit, which keeps the comments, spacing
and order a person gave them; the rest of each file is kept byte for byte. Files are
written with `fileio.write_set`: every file a change touches is replaced
together, or none is. New strings are TOML basic strings with escapes, so any text (quotes,
backslashes, newlines, control characters) round-trips.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from filelock import FileLock, Timeout
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Table
from tomlkit.toml_document import TOMLDocument

from workbench.errors import WorkbenchError
from workbench.fileio import write_set
from workbench.glossary import merge
from workbench.glossary.entries import Entry, Glossary, entry_chunks, glossary_files, parse_file, slug
from workbench.project import Project

LOCK_TIMEOUT = 30.0
BARE_LF = re.compile(r"(?<!\r)\n")


class GlossaryWriteError(WorkbenchError):
    """A glossary change was refused or could not be written; no file was changed."""


@dataclass(frozen=True)
class Result:
    plan: merge.Plan
    written: tuple[Path, ...]  # files replaced, empty when nothing was written


def _text(value: str, what: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise GlossaryWriteError(
            f"{what} holds a character that is not valid Unicode (an undecodable byte); nothing was written."
        ) from None
    return value


def _array(values: Iterable[str], what: str) -> Any:
    return tomlkit.item([_text(v, what) for v in values])


def entry_table(entry: Entry) -> Table:
    """One entry as a TOML table, in the field order people read."""
    table = tomlkit.table()
    if entry.id != slug(entry.en):
        table["id"] = _text(entry.id, "the id")
    table["type"] = entry.type
    table["en"] = _text(entry.en, "the English form")
    default_short = entry.en.split()[-1] if entry.type == "person" and len(entry.en.split()) > 1 else ""
    if entry.short and entry.short != default_short:
        table["short"] = _text(entry.short, "the short form")
    for language, forms in sorted(entry.forms.items(), key=lambda kv: (kv[0] != "*", kv[0])):
        table["forms" if language == "*" else language] = _array(forms, "a source form")
    if entry.wrong:
        table["wrong"] = _array(entry.wrong, "a wrong rendering")
    if entry.adjective:
        table["adjective"] = _array(entry.adjective, "an adjective")
    for flag in merge.FLAGS:
        if getattr(entry, flag):
            table[flag] = True
    if entry.note:
        table["note"] = _text(entry.note, "the note")
    return table


def to_toml(entries: Iterable[Entry], header: str = "") -> str:
    """Entries as the text of a new glossary file (an optional comment on top)."""
    document = tomlkit.document()
    for line in header.splitlines():
        # TOML comments cannot hold control characters (a file name may)
        document.add(tomlkit.comment("".join(c if c.isprintable() else "?" for c in line)))
    if header:
        document.add(tomlkit.nl())
    tables = tomlkit.aot()
    for entry in entries:
        tables.append(entry_table(entry))
    if len(tables):
        document.append("entity", tables)
    return tomlkit.dumps(document)


def lock_path(folder: Path, locks: Path | None = None) -> Path:
    return (locks or Project(folder.parent).locks) / "glossaries.lock"


@contextmanager
def locked(folder: Path, locks: Path | None = None) -> Iterator[None]:
    """Hold the glossary lock; a place that cannot hold it gets one sentence."""
    path = lock_path(folder, locks)
    lock = FileLock(path, timeout=LOCK_TIMEOUT)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
        raise GlossaryWriteError(
            f"the glossary is being changed by another Workbench process (lock {path}); try again."
        ) from None
    except OSError as exc:
        raise GlossaryWriteError(
            f"cannot take the glossary lock {path} ({exc.strerror or exc}); nothing was written."
        ) from None
    try:
        yield
    finally:
        lock.release()


def _check_folder(folder: Path, target: Path) -> None:
    for place in (folder, target.parent):
        if place.exists() and not place.is_dir():
            raise GlossaryWriteError(f"{place} is a file, not a folder; nothing was written.")
    if target.is_dir():
        raise GlossaryWriteError(f"{target} is a folder, not a glossary file; nothing was written.")


class _File:
    """A glossary file as the reader sees it: a preamble and one chunk of text per
    [[entity]] (`entries.entry_chunks`). Only the chunks a change touches are parsed (by tomlkit)
    and re-rendered; every other byte is written back as it was read, which keeps large
    termbases fast to change and leaves even an entry the reader rejects untouched."""

    def __init__(self, path: Path, header: str) -> None:
        self.path = path
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            text = to_toml((), header)
        except UnicodeDecodeError:
            raise GlossaryWriteError(f"{path} is not UTF-8 text; nothing was written.") from None
        except OSError as exc:
            raise GlossaryWriteError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
        self.bom = text.startswith("\ufeff")  # kept, as are Windows line ends
        text = text.removeprefix("\ufeff")
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.chunks = [chunk for _, chunk in entry_chunks(text)]
        self.starts = {line: index for index, (line, _) in enumerate(entry_chunks(text))}
        self.changed: set[int] = set()

    def _own(self, text: str) -> str:
        return BARE_LF.sub("\r\n", text) if self.newline == "\r\n" else text

    def append(self, entry: Entry) -> None:
        if self.chunks:
            # A blank line between the last hand-written entry (or its trailing comments) and ours.
            last = self.chunks[-1]
            self.chunks[-1] = last + self.newline * (
                0 if last.endswith(("\n\n", "\r\n\r\n")) else 1 if last.endswith("\n") else 2
            )
        self.changed.add(len(self.chunks))
        self.chunks.append(self._own(to_toml([entry])))

    def table(self, line: int, entry_id: str) -> tuple[int, TOMLDocument, Table]:
        """The entity starting at `line` (where the reader found it), parsed by tomlkit."""
        index = self.starts.get(line, -1)
        document, table = None, None
        if index >= 0:
            try:
                document = tomlkit.parse(self.chunks[index])
            except TOMLKitError:
                document = None
            tables = document.get("entity") if document is not None else None
            if isinstance(tables, AoT) and len(tables):
                table = tables[-1]
                en = table.get("en")
                own = table.get("id") or (slug(" ".join(en.split())) if isinstance(en, str) else "")
                if own != entry_id:
                    table = None
        if document is None or table is None:
            raise GlossaryWriteError(f"{self.path} changed while Workbench read it; try again.")
        return index, document, table

    def update(self, change: merge.Update) -> None:
        line = int(change.existing.origin.rpartition(":")[2])
        index, document, table = self.table(line, change.existing.id)
        for language, forms in change.forms.items():
            _extend(table, "forms" if language == "*" else language, forms, "a source form")
        if change.wrong:
            _extend(table, "wrong", change.wrong, "a wrong rendering")
        if change.type:
            table["type"] = change.type
        for flag in change.flags:
            table[flag] = True
        if change.note:
            if "note" in table:
                table["note"] = _text(change.note, "the note")  # it was empty
            else:
                _add_key(table, "note", _text(change.note, "the note"))
        self.chunks[index] = self._own(tomlkit.dumps(document))
        self.changed.add(index)

    def data(self) -> bytes:
        for index in sorted(self.changed):
            try:  # what tomllib (and so every reader) cannot parse is never written
                tomllib.loads(self.chunks[index])
            except tomllib.TOMLDecodeError as exc:
                raise GlossaryWriteError(
                    f"{self.path} would not be valid TOML ({exc}); nothing was written."
                ) from None
        return ("\ufeff" if self.bom else "").encode("utf-8") + "".join(self.chunks).encode("utf-8")


class _Files:
    """The files a change touches, read once, written together."""

    def __init__(self, header: str) -> None:
        self.header = header
        self.files: dict[Path, _File] = {}

    def open(self, path: Path) -> _File:
        path = path.resolve()  # one file, however the caller spelled its name
        if path not in self.files:
            self.files[path] = _File(path, self.header)
        return self.files[path]

    def update(self, change: merge.Update) -> None:
        self.open(Path(change.existing.origin.rpartition(":")[0])).update(change)

    def texts(self) -> dict[Path, bytes]:
        return {path: file.data() for path, file in self.files.items()}


def _extend(table: Table, key: str, values: Iterable[str], what: str) -> None:
    current = table.get(key)
    if current is None:
        _add_key(table, key, _array(values, what))
    elif isinstance(current, str):
        table[key] = _array((current, *values), what)
    else:
        current.extend(_text(v, what) for v in values)


def _add_key(table: Table, key: str, value: Any) -> None:
    """Add `key` after the table's last key, above the comments that trail it (which
    usually introduce the next entry), not below them as tomlkit's append would."""
    keys = [k for k, _ in table.value.body if k is not None]
    if keys:
        # Container._insert_after is private: tomlkit has no public way to insert at a
        # position (python-poetry/tomlkit#7, open since 2018, asks to expose it).
        # test_add_to_the_same_entity_merges_in_place_keeping_comments fails if it changes.
        table.value._insert_after(keys[-1], key, value)
    else:
        table.add(key, value)


def _existing(folder: Path, target: Path) -> list[Entry]:
    """Every entity of the folder (and of `target`, if outside it). Unlike `load`, a file
    that cannot be read stops the change: its entities could not be checked against."""
    paths = glossary_files(folder)
    if target.exists() and target.resolve() not in {p.resolve() for p in paths}:
        paths.append(target)  # a file outside the folder holds entities too
    glossary = Glossary()
    for path in paths:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise GlossaryWriteError(f"{path} is not UTF-8 text; nothing was written.") from None
        except OSError as exc:
            raise GlossaryWriteError(
                f"{path} cannot be read ({exc.strerror or exc}), so its entities cannot be checked; "
                "nothing was written."
            ) from None
        parse_file(text, str(path), glossary)
    return list(glossary)


def merge_entries(
    folder: Path,
    incoming: Iterable[Entry],
    target: Path,
    *,
    header: str = "",
    skip_conflicts: bool = False,
    dry_run: bool = False,
    locks: Path | None = None,
) -> Result:
    """Merge `incoming` into the glossary: new entities go to `target`, known ones are
    updated where they are written. With a conflict nothing is written, unless
    `skip_conflicts` (then everything but the conflicting entries is)."""
    _check_folder(folder, target)
    incoming = list(incoming)
    with locked(folder, locks):
        plan = merge.plan(_existing(folder, target), incoming)
        if dry_run or not plan.changes or (plan.conflicts and not skip_conflicts):
            return Result(plan, ())
        files = _Files(header)
        for change in plan.updated:
            files.update(change)
        for entry in plan.added:
            files.open(target).append(entry)
        texts = files.texts()
        write_set(texts)
        return Result(plan, tuple(texts))


def replace_file(
    folder: Path, entries: Iterable[Entry], target: Path, *, header: str = "", locks: Path | None = None
) -> Path:
    """Replace `target` with exactly `entries` (the user asked for it by name)."""
    _check_folder(folder, target)
    text = to_toml(entries, header)
    with locked(folder, locks):
        write_set({target: text.encode("utf-8")})
    return target


def add(folder: Path, entry: Entry, file: Path | None = None, locks: Path | None = None) -> Result:
    """Add one entity to the glossary (default file: added.toml), or merge it into the
    same entity (same id, English form or source form) where it adds forms or a note.

    Refused with one sentence when it contradicts an existing entity or adds nothing.
    """
    result = merge_entries(folder, [entry], file or folder / "added.toml", locks=locks)
    plan = result.plan
    if plan.conflicts:
        raise GlossaryWriteError(f"cannot add {entry.en!r}: {plan.conflicts[0].message}.")
    if plan.unchanged:
        _, existing = plan.unchanged[0]
        raise GlossaryWriteError(
            f"{entry.en!r} is already in the glossary ({existing.origin}) with everything given; "
            "nothing was added."
        )
    return result


def add_entry(folder: Path, entry: Entry, file: Path | None = None, locks: Path | None = None) -> Path:
    """`add`, returning the file that now holds the entity."""
    plan = add(folder, entry, file, locks).plan
    if plan.updated:
        return Path(plan.updated[0].existing.origin.rpartition(":")[0])
    return file or folder / "added.toml"
