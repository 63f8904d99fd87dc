from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.glossary.edit import to_toml
from workbench.glossary.entries import Glossary, entry_from_table, load, load_folder, parse_file
from workbench.project import Project

ROOT = Path(__file__).resolve().parents[1]


def test_seed_glossary_loads_cleanly() -> None:
    glossary = load_folder(ROOT / "glossaries")
    assert glossary.issues == []
    assert len(glossary) >= 70
    peskov = glossary.get("dmitry-peskov")
    assert peskov.en == "Dmitry Peskov" and peskov.type == "person" and peskov.short == "Peskov"
    assert peskov.forms_for("ru") == ("Дмитрий Песков", "Песков")
    assert glossary.get("pavel-durov").forms_for("ru") == ("Pavel Durov", "Durov", "Павел Дуров", "Дуров")
    assert {e.type for e in glossary} == {"person", "organisation", "place", "product", "event", "other"}


def test_malformed_entries_are_reported_with_file_and_line_and_the_rest_loads(tmp_path: Path) -> None:
    text = """# people
[[entity]]
type = "person"
en = "Good One"
fr = ["Bon Un"]

[[entity]]
type = "person"
en = "Broken Quote
fr = ["x"]

[[entity]]
type = "alien"
en = "Bad Type"
fr = ["y"]

[[entity]]
type = "place"
en = "No Forms"

[[entity]]
type = "place"
en = "Good Two"
fr = ["Bon Deux"]
colour = "red"

[[entity]]
type = "place"
en = "Good Three"
ru = ["Хорошо Три"]
"""
    path = tmp_path / "a.toml"
    path.write_text(text, encoding="utf-8")
    glossary = load([path])
    assert [e.en for e in glossary] == ["Good One", "Good Three"]
    assert [(i.line, i.message.split(" (")[0]) for i in glossary.issues] == [
        (9, "not valid TOML: Illegal character '\\n'"),
        (12, "type 'alien' is not one of person, organisation, place, product, event, other"),
        (17, "'No Forms' has no source forms"),
        (21, "unknown field 'colour'"),
    ]
    assert str(glossary.issues[1]).startswith(f"{path}:12: type 'alien'")


def test_later_file_overrides_an_entry(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        '[[entity]]\nen = "Zoom"\nforms = ["Zoom"]\nnote = "first"\n', encoding="utf-8"
    )
    (tmp_path / "b.toml").write_text(
        '[[entity]]\nen = "Zoom"\nforms = ["Zoom", "ZOOM"]\nnote = "second"\n', encoding="utf-8"
    )
    glossary = load_folder(tmp_path)
    assert len(glossary) == 1 and glossary.get("zoom").note == "second"
    assert glossary.get("zoom").origin == f"{tmp_path / 'b.toml'}:1"


def test_toml_round_trip_of_every_seed_entry() -> None:
    glossary = load_folder(ROOT / "glossaries")
    again = Glossary()
    parse_file("\n".join(to_toml([e]) for e in glossary), "x.toml", again)
    assert again.issues == []
    strip = lambda e: {k: v for k, v in vars(e).items() if k != "origin"}  # noqa: E731
    assert [strip(e) for e in again] == [strip(e) for e in glossary]


def test_project_has_its_glossary_folder() -> None:
    assert Project(ROOT).glossaries == ROOT / "glossaries"


# Any text a person or a CSV can hand us, except lone surrogates (not Unicode; refused).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
FORM = TEXT.filter(lambda t: bool(t.split()))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    en=FORM,
    forms=st.lists(FORM, min_size=1, max_size=3),
    note=TEXT,
    short=TEXT,
    wrong=st.lists(FORM, max_size=2),
)
def test_any_string_round_trips_through_to_toml(
    en: str, forms: list[str], note: str, short: str, wrong: list[str]
) -> None:
    table: dict[str, object] = {"en": en, "type": "person", "ru": forms, "note": note, "id": en + note[:3]}
    if short:
        table["short"] = short
    if wrong:
        table["wrong"] = wrong
    entry = entry_from_table(table, "x.toml:1")
    text = to_toml([entry])
    tomllib.loads(text)
    again = Glossary()
    parse_file(text + "\n" + text, "x.toml", again)  # twice: a value never runs into the next entry
    assert [i.message for i in again.issues] == [
        f"{entry.en!r} is already entry 1 of this file; this one replaces it"
    ]
    (parsed,) = again
    assert {**vars(parsed), "origin": ""} == {**vars(entry), "origin": ""}
