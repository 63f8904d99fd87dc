"""Planning a merge: which incoming entries are new, add information, repeat, or contradict."""

from __future__ import annotations

from workbench.glossary.entries import Entry, entry_from_table
from workbench.glossary.merge import plan


def entry(origin: str = "x.toml:1", **table: object) -> Entry:
    return entry_from_table(table, origin)


PESKOV = entry(
    "people.toml:3",
    type="person",
    en="Dmitry Peskov",
    fr=["Dmitri Peskov", "Peskov"],
    ru=["Дмитрий Песков", "Песков"],
    note="Kremlin spokesman.",
)
ZOOM = entry("orgs.toml:1", type="organisation", en="Zoom", forms=["Zoom"])
EXISTING = [PESKOV, ZOOM]


def test_a_new_entity_is_added_and_a_repeated_one_is_unchanged() -> None:
    lavrov = entry(type="person", en="Sergei Lavrov", ru=["Сергей Лавров"])
    result = plan(EXISTING, [lavrov, PESKOV])
    assert result.added == [lavrov]
    assert result.unchanged == [(PESKOV, PESKOV)]
    assert not result.updated and not result.conflicts


def test_new_forms_wrong_renderings_and_a_missing_note_update_the_entity() -> None:
    incoming = entry(
        type="person", en="Dmitry Peskov", fr=["Peskov", "Dmitriy Peskov"], wrong=["Peskova"], note=""
    )
    zoom = entry(type="other", en="Zoom", forms=["Zoom"], ru=["Зум"], note="The company.")
    result = plan(EXISTING, [incoming, zoom])
    assert [u.existing for u in result.updated] == [PESKOV, ZOOM]
    first, second = result.updated
    assert first.forms == {"fr": ("Dmitriy Peskov",)} and first.wrong == ("Peskova",) and first.note == ""
    assert first.merged.forms["fr"] == ("Dmitri Peskov", "Peskov", "Dmitriy Peskov")
    assert first.describe() == "fr + 'Dmitriy Peskov'; wrong + 'Peskova'"
    # "other" in an import (a CSV without a type column) is no information, not a contradiction
    assert second.forms == {"ru": ("Зум",)} and second.note == "The company." and second.type == ""


def test_a_source_form_found_by_case_or_a_shared_form_names_the_same_entity() -> None:
    by_form = entry(type="person", en="Dmitry Peskov", id="peskov-d", ru=["песков"])
    result = plan(EXISTING, [by_form])
    assert [c.message for c in result.conflicts] == [
        "its id 'peskov-d' differs from 'dmitry-peskov' of 'Dmitry Peskov' (people.toml:3)"
    ]
    shared = entry(type="organisation", en="Zoom Video", fr=["Zoom"])  # Zoom's forms hold in every language
    assert plan(EXISTING, [shared]).conflicts[0].message == (
        "a fr form 'Zoom' belongs to 'Zoom' (orgs.toml:1), a different English form"
    )


def test_contradictions_are_conflicts() -> None:
    other_english = entry(type="person", en="Dmitri Peskov", fr=["Peskov"])
    other_type = entry(type="place", en="Dmitry Peskov", fr=["Peskov"])
    other_note = entry(type="person", en="Dmitry Peskov", fr=["Peskov"], note="A singer.")
    other_short = entry(type="person", en="Dmitry Peskov", fr=["Peskov"], short="Dima")
    result = plan(EXISTING, [other_english, other_type, other_note, other_short])
    assert not result.added and not result.updated and not result.unchanged
    assert [c.message for c in result.conflicts] == [
        "a fr form 'Peskov' belongs to 'Dmitry Peskov' (people.toml:3), a different English form",
        "it is a place, 'Dmitry Peskov' (people.toml:3) a person",
        "its note differs from the note of 'Dmitry Peskov' (people.toml:3)",
        "its short form 'Dima' differs from 'Peskov' of 'Dmitry Peskov' (people.toml:3)",
    ]


def test_an_entry_naming_two_entities_or_taking_another_ones_form_conflicts() -> None:
    both = entry(type="person", en="Dmitry Peskov", forms=["Zoom"])
    result = plan(EXISTING, [both])
    assert result.conflicts[0].message == (
        "it names 2 entities: its id 'dmitry-peskov' is 'Dmitry Peskov' (people.toml:3)'s; "
        "a form 'Zoom' is 'Zoom' (orgs.toml:1)'s"
    )


def test_entries_are_planned_in_turn_against_what_the_plan_already_holds() -> None:
    first = entry("in.csv:2", type="person", en="Karim Khan", fr=["Karim Khan"])
    again = entry("in.csv:3", type="person", en="Karim Khan", ru=["Карим Хан"], note="ICC prosecutor.")
    clash = entry("in.csv:4", type="person", en="Karim A. Khan", fr=["Karim Khan"])
    result = plan(EXISTING, [first, again, clash])
    # the second row about the same new entity makes one added entry, not an update of a file
    assert [e.en for e in result.added] == ["Karim Khan"] and not result.updated
    assert result.added[0].forms == {"fr": ("Karim Khan",), "ru": ("Карим Хан",)}
    assert result.added[0].note == "ICC prosecutor."
    assert result.conflicts[0].message == (
        "a fr form 'Karim Khan' belongs to 'Karim Khan' (in.csv:2), a different English form"
    )
