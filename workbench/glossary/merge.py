"""What merging entries into a glossary would change: added, updated, unchanged, conflicting.

An incoming entry is the same entity as an existing one when it has the same id, the same
English form or one of its source forms (the same language, or a form valid in every
language; compared without case, as `entries.report_conflicts` does). It updates that
entity only where it adds information: new source forms, new wrong renderings, a note or a
type where there was none. It conflicts where it contradicts it (another English form,
type, short form, id or note), where it names two existing entities at once, or where a
form it would add belongs to another entity. Entries are planned one after the other, so
an incoming entry also meets the ones planned before it.

Planning is pure: `edit.py` applies a plan to the files, under the glossary lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from workbench.glossary.entries import Entry, slug

FLAGS = ("case_insensitive", "accent_insensitive")


@dataclass(frozen=True)
class Update:
    """What an incoming entry adds to an existing entity (only additions, never removals)."""

    existing: Entry
    merged: Entry
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language or "*" → new forms
    wrong: tuple[str, ...] = ()
    note: str = ""
    type: str = ""
    flags: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [
            f"{'forms' if language == '*' else language} + {', '.join(map(repr, forms))}"
            for language, forms in self.forms.items()
        ]
        if self.wrong:
            parts.append(f"wrong + {', '.join(map(repr, self.wrong))}")
        if self.type:
            parts.append(f"type {self.type}")
        if self.note:
            parts.append("note")
        parts.extend(f"{flag} = true" for flag in self.flags)
        return "; ".join(parts)


@dataclass(frozen=True)
class EntryConflict:
    """An incoming entry that contradicts the glossary, and how (a value of the plan, not
    an error: `store.Conflict` is the other writer's change to a translation file)."""

    entry: Entry
    message: str


@dataclass
class Plan:
    added: list[Entry] = field(default_factory=list)
    updated: list[Update] = field(default_factory=list)
    unchanged: list[tuple[Entry, Entry]] = field(default_factory=list)  # (incoming, existing)
    conflicts: list[EntryConflict] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.added or self.updated)


def _where(entry: Entry) -> str:
    return f"{entry.en!r} ({entry.origin})" if entry.origin else repr(entry.en)


def _language(key: str) -> str:
    return "a form" if key == "*" else f"a {key} form"


def _default_short(entry: Entry) -> str:
    words = entry.en.split()
    return words[-1] if entry.type == "person" and len(words) > 1 else ""


class _Index:
    """Who claims each id, English form and source form, as the plan goes."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.by_id: dict[str, Entry] = {}
        self.by_en: dict[str, str] = {}
        self.by_form: dict[str, list[tuple[str, str]]] = {}
        for entry in entries:
            self.put(entry)

    def put(self, entry: Entry) -> None:
        self.by_id[entry.id] = entry
        self.by_en.setdefault(entry.en.casefold(), entry.id)
        for language, forms in entry.forms.items():
            for form in forms:
                owners = self.by_form.setdefault(form.casefold(), [])
                if (language, entry.id) not in owners:
                    owners.append((language, entry.id))

    def owners(self, language: str, form: str) -> list[str]:
        return [
            owner
            for other, owner in self.by_form.get(form.casefold(), [])
            if other == language or "*" in (other, language)
        ]

    def claims(self, entry: Entry) -> dict[str, str]:
        """Existing ids the entry names, each with how (first reason wins)."""
        found: dict[str, str] = {}
        if entry.id in self.by_id:
            found.setdefault(entry.id, f"its id {entry.id!r}")
        if (owner := self.by_en.get(entry.en.casefold())) is not None:
            found.setdefault(owner, f"its English form {entry.en!r}")
        for language, forms in entry.forms.items():
            for form in forms:
                for owner in self.owners(language, form):
                    found.setdefault(owner, f"{_language(language)} {form!r}")
        return found


def _contradictions(new: Entry, old: Entry, how: str) -> list[str]:
    found = []
    if new.en != old.en:
        found.append(f"{how} belongs to {_where(old)}, a different English form")
    if new.type != old.type and "other" not in (new.type, old.type):
        found.append(f"it is a {new.type}, {_where(old)} a {old.type}")
    if new.short and new.short != _default_short(new) and new.short != old.short:
        found.append(f"its short form {new.short!r} differs from {old.short or 'none'!r} of {_where(old)}")
    if new.id != slug(new.en) and new.id != old.id:
        found.append(f"its id {new.id!r} differs from {old.id!r} of {_where(old)}")
    if new.note.strip() and old.note.strip() and new.note.strip() != old.note.strip():
        found.append(f"its note differs from the note of {_where(old)}")
    return found


def _update(new: Entry, old: Entry, index: _Index) -> Update | EntryConflict | None:
    forms: dict[str, list[str]] = {}
    for language, values in new.forms.items():
        have = set(old.forms.get(language, ())) | set(old.forms.get("*", ()))
        for form in values:
            if form in have or form in forms.get(language, []):
                continue
            others = [o for o in index.owners(language, form) if o != old.id]
            if others:
                owner = index.by_id[others[0]]
                return EntryConflict(new, f"{_language(language)} {form!r} belongs to {_where(owner)}")
            forms.setdefault(language, []).append(form)
    wrong = tuple(w for w in dict.fromkeys(new.wrong) if w not in old.wrong)
    note = new.note if new.note.strip() and not old.note.strip() else ""
    kind = new.type if old.type == "other" and new.type != "other" else ""
    flags = tuple(f for f in FLAGS if getattr(new, f) and not getattr(old, f))
    if not (forms or wrong or note or kind or flags):
        return None
    merged_forms = dict(old.forms)
    for language, added in forms.items():
        merged_forms[language] = merged_forms.get(language, ()) + tuple(added)
    merged = replace(
        old,
        forms=merged_forms,
        wrong=old.wrong + wrong,
        note=note or old.note,
        type=kind or old.type,
        case_insensitive=old.case_insensitive or "case_insensitive" in flags,
        accent_insensitive=old.accent_insensitive or "accent_insensitive" in flags,
    )
    return Update(old, merged, {k: tuple(v) for k, v in forms.items()}, wrong, note, kind, flags)


def plan(existing: Iterable[Entry], incoming: Iterable[Entry]) -> Plan:
    """Compare `incoming` with `existing` entry by entry; nothing is written."""
    index = _Index(existing)
    result = Plan()
    added: dict[str, int] = {}  # id → position in result.added
    for entry in incoming:
        claims = index.claims(entry)
        if not claims:
            added[entry.id] = len(result.added)
            result.added.append(entry)
            index.put(entry)
            continue
        if len(claims) > 1:
            named = "; ".join(f"{how} is {_where(index.by_id[owner])}'s" for owner, how in claims.items())
            result.conflicts.append(EntryConflict(entry, f"it names {len(claims)} entities: {named}"))
            continue
        ((owner, how),) = claims.items()
        old = index.by_id[owner]
        if found := _contradictions(entry, old, how):
            result.conflicts.append(EntryConflict(entry, "; ".join(found)))
            continue
        change = _update(entry, old, index)
        if change is None:
            result.unchanged.append((entry, old))
        elif isinstance(change, EntryConflict):
            result.conflicts.append(change)
        elif owner in added:  # a second row about an entity this plan adds: one entry
            result.added[added[owner]] = change.merged
            index.put(change.merged)
        else:
            result.updated.append(change)
            index.put(change.merged)
    return result
