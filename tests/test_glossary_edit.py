"""Glossary writes never lose curated work: locks, comments kept, merges, refusals, failures."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
import textwrap
import tomllib
from pathlib import Path

import pytest
from conftest import GUARD, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.glossary import edit
from workbench.glossary.entries import entry_from_table, load, load_folder

HAND_EDITED = """\
# People we name.   Keep this header.

[[entity]]
type   =   "person"      # aligned by hand
en = "Dmitry Peskov"
fr = [
    "Dmitri Peskov",   # the AFP spelling
    "Peskov",
]
ru = "Песков"
note = 'Kremlin spokesman.'

# The next one was checked against Reuters.

[[entity]]
type = "person"
en   = "Sergei Lavrov"
ru = ["Сергей Лавров", "Лавров"]
# end of file"""


def person(en: str, **table: object) -> object:
    return entry_from_table({"type": "person", "en": en, **table}, "test")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    glossaries = tmp_path / "glossaries"
    glossaries.mkdir()
    (glossaries / "people.toml").write_text(HAND_EDITED, encoding="utf-8")
    return glossaries


def no_temporaries(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_add_keeps_the_comments_and_layout_of_a_hand_edited_file(folder: Path) -> None:
    path = edit.add_entry(folder, person("Pavel Durov", ru=["Павел Дуров"]), folder / "people.toml")
    assert path == folder / "people.toml"
    assert path.read_text(encoding="utf-8") == HAND_EDITED + textwrap.dedent("""

        [[entity]]
        type = "person"
        en = "Pavel Durov"
        ru = ["Павел Дуров"]
        """)
    assert [e.en for e in load_folder(folder)] == ["Dmitry Peskov", "Sergei Lavrov", "Pavel Durov"]
    assert (folder.parent / ".workbench" / "locks" / "glossaries.lock").exists()


def test_add_to_the_same_entity_merges_in_place_keeping_comments(folder: Path) -> None:
    path = edit.add_entry(folder, person("Dmitry Peskov", fr=["Dmitriy Peskov"], ru=["Дмитрий Песков"]))
    assert path == folder / "people.toml"
    assert not (folder / "added.toml").exists()
    expected = HAND_EDITED.replace('    "Peskov",\n]', '    "Peskov",\n    "Dmitriy Peskov",\n]').replace(
        'ru = "Песков"', 'ru = ["Песков", "Дмитрий Песков"]'
    )
    assert path.read_text(encoding="utf-8") == expected
    # a note and a new key go after the last key, above the comment introducing the next entry
    edit.add_entry(
        folder, person("Sergei Lavrov", ru=["Лавров"], wrong=["Sergey Lavrov"], note="Foreign minister.")
    )
    assert path.read_text(encoding="utf-8") == expected.replace(
        'ru = ["Сергей Лавров", "Лавров"]\n',
        'ru = ["Сергей Лавров", "Лавров"]\nwrong = ["Sergey Lavrov"]\nnote = "Foreign minister."\n',
    )


def test_add_refuses_a_form_or_english_form_of_another_entity_naming_it(folder: Path) -> None:
    before = (folder / "people.toml").read_bytes()
    with pytest.raises(
        WorkbenchError,
        match=r"cannot add 'Dima Peskov': a fr form 'Peskov' belongs to "
        r"'Dmitry Peskov' \(.*people.toml:3\), a different English form\.$",
    ):
        edit.add_entry(folder, person("Dima Peskov", fr=["Peskov"]))
    with pytest.raises(
        WorkbenchError,
        match=r"cannot add 'DMITRY PESKOV': its id 'dmitry-peskov' belongs to "
        r"'Dmitry Peskov'",
    ):
        edit.add_entry(folder, person("DMITRY PESKOV", fr=["D. Peskov"]))
    with pytest.raises(
        WorkbenchError,
        match=r"'Sergei Lavrov' is already in the glossary \(.*people.toml:15\) "
        r"with everything given; nothing was added\.$",
    ):
        edit.add_entry(folder, person("Sergei Lavrov", ru=["Лавров"]))
    assert (folder / "people.toml").read_bytes() == before
    assert not (folder / "added.toml").exists()


NASTY = [
    'He said "no" \\ then\nleft.\r\n\ttab',
    "NUL \x00 BEL \x07 ESC \x1b DEL \x7f NEL \x85 LS \u2028 PS \u2029",
    '\'\'\'""" [[entity]]\n[[entity]]\nen = "x"',
    "Кремль 🙂 emoji 👩‍👩‍👧 zero\u200bwidth \ufeff",
]


@pytest.mark.parametrize("note", NASTY)
def test_any_note_and_form_round_trips_and_the_file_parses_with_tomllib(folder: Path, note: str) -> None:
    form = note.replace("\n", " ").strip() or "x"
    entry = person("Odd Name", fr=[form, 'Peskov\'s "twin" \\'], note=note)
    path = edit.add_entry(folder, entry, folder / "people.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["entity"][-1]["note"] == note
    again = load_folder(folder)
    assert again.issues == []
    assert again.get("odd-name").note == note
    assert again.get("odd-name").forms == entry.forms


def test_a_string_that_is_not_unicode_is_one_sentence_and_nothing_is_written(folder: Path) -> None:
    before = (folder / "people.toml").read_bytes()
    with pytest.raises(WorkbenchError, match="the note holds a character that is not valid Unicode"):
        edit.add_entry(folder, person("Odd Name", fr=["Odd"], note="bad \udcff byte"), folder / "people.toml")
    assert (folder / "people.toml").read_bytes() == before and no_temporaries(folder)


def test_an_entry_the_reader_rejects_is_kept_byte_for_byte_beside_a_new_one(folder: Path) -> None:
    broken = folder / "zz.toml"
    broken.write_text('# mine\n[[entity]]\nen = "Broken\n', encoding="utf-8")
    edit.add_entry(folder, person("New One", fr=["Nouveau"]), broken)
    assert broken.read_text(encoding="utf-8") == textwrap.dedent("""\
        # mine
        [[entity]]
        en = "Broken

        [[entity]]
        type = "person"
        en = "New One"
        fr = ["Nouveau"]
        """)
    glossary = load([broken])
    assert [e.en for e in glossary] == ["New One"]
    assert [(i.line, i.message.split(":")[0]) for i in glossary.issues] == [(3, "not valid TOML")]


ADDER = """
import sys
from pathlib import Path
from workbench.glossary.edit import add_entry
from workbench.glossary.entries import entry_from_table
folder, name = Path(sys.argv[1]), sys.argv[2]
for i in range(20):
    entry = entry_from_table({"en": f"{name} {i}", "type": "other", "forms": [f"{name}-{i}"]}, "test")
    add_entry(folder, entry, folder / "people.toml")
"""


def test_two_processes_adding_twenty_entries_each_lose_none(folder: Path) -> None:
    env = {**os.environ, "PYTHONPATH": f"{GUARD}{os.pathsep}{ROOT}"}
    children = [
        subprocess.Popen([sys.executable, "-c", ADDER, str(folder), name], env=env, stderr=subprocess.PIPE)
        for name in ("Alpha", "Beta")
    ]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()
    text = (folder / "people.toml").read_text(encoding="utf-8")
    tomllib.loads(text)
    assert text.startswith(HAND_EDITED)  # the hand-written part, comments and all, is intact
    glossary = load_folder(folder)
    assert glossary.issues == []
    names = {f"{name} {i}" for name in ("Alpha", "Beta") for i in range(20)}
    assert names <= {e.en for e in glossary} and len(glossary) == 2 + 40


def test_a_glossaries_path_that_is_a_file_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "glossaries").write_text("not a folder", encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"glossaries is a file, not a folder; nothing was written\.$"):
        edit.add_entry(tmp_path / "glossaries", person("New One", fr=["Nouveau"]))
    assert (tmp_path / "glossaries").read_text(encoding="utf-8") == "not a folder"


def test_a_lock_folder_that_cannot_be_made_is_one_sentence(folder: Path) -> None:
    (folder.parent / ".workbench").write_text("", encoding="utf-8")
    with pytest.raises(
        WorkbenchError, match=r"cannot take the glossary lock .*glossaries.lock \(.*\); nothing"
    ):
        edit.add_entry(folder, person("New One", fr=["Nouveau"]))
    assert not (folder / "added.toml").exists()


def test_a_read_only_folder_is_one_sentence_and_nothing_is_half_written(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (folder / "people.toml").read_bytes()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anyway: fail where the file would be created

            def refuse(path: Path) -> tuple[int, Path]:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

            monkeypatch.setattr("workbench.fileio._temporary", refuse)
        with pytest.raises(WorkbenchError, match=r"cannot write .*people.toml: Permission denied\.$"):
            edit.add_entry(folder, person("New One", fr=["Nouveau"]), folder / "people.toml")
    finally:
        folder.chmod(0o755)
    assert (folder / "people.toml").read_bytes() == before and no_temporaries(folder)


def test_a_full_disk_changes_no_file_of_a_merge(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    incoming = [person("Dmitry Peskov", fr=["Dmitriy Peskov"]), person("New One", fr=["Nouveau"])]
    with pytest.raises(WorkbenchError, match="No space left on device; the previous version is intact"):
        edit.merge_entries(folder, incoming, folder / "new.toml")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_conflict_writes_nothing_unless_skipped(folder: Path) -> None:
    before = (folder / "people.toml").read_bytes()
    incoming = [
        person("Pavel Durov", ru=["Павел Дуров"]),
        person("Sergey Lavrov", ru=["Лавров"]),  # another English form for Lavrov's form
    ]
    result = edit.merge_entries(folder, incoming, folder / "imported.toml")
    assert result.written == () and len(result.plan.conflicts) == 1
    assert (folder / "people.toml").read_bytes() == before and not (folder / "imported.toml").exists()
    result = edit.merge_entries(folder, incoming, folder / "imported.toml", skip_conflicts=True)
    assert result.written == ((folder / "imported.toml").resolve(),)
    assert [e.en for e in load([folder / "imported.toml"])] == ["Pavel Durov"]


def test_a_new_file_gets_its_header_as_a_valid_comment(folder: Path) -> None:
    target = folder / "new.toml"
    edit.merge_entries(
        folder, [person("New One", fr=["Nouveau"])], target, header="Imported from a\x00b\nc.tsv."
    )
    assert target.read_text(encoding="utf-8") == textwrap.dedent("""\
        # Imported from a?b
        # c.tsv.

        [[entity]]
        type = "person"
        en = "New One"
        fr = ["Nouveau"]
        """)


def test_crlf_line_ends_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    folder = tmp_path / "glossaries"
    folder.mkdir()
    crlf = folder / "a.toml"
    crlf.write_bytes(b'# Windows\r\n[[entity]]\r\nen = "Kremlin"\r\nfr = ["Kremlin"]\r\n')
    bom = folder / "b.toml"
    bom.write_bytes('\ufeff# BOM\n[[entity]]\nen = "Zoom"\nforms = ["Zoom"]\n'.encode())
    assert [e.en for e in load_folder(folder)] == ["Kremlin", "Zoom"] and load_folder(folder).issues == []
    edit.add_entry(folder, entry_from_table({"en": "Kremlin", "ru": ["Кремль"]}, "test"))
    edit.add_entry(folder, entry_from_table({"en": "Zoom", "ru": ["Зум"]}, "test"))
    assert (
        crlf.read_bytes()
        == '# Windows\r\n[[entity]]\r\nen = "Kremlin"\r\nfr = ["Kremlin"]\r\nru = ["Кремль"]\r\n'.encode()
    )
    assert (
        bom.read_bytes() == '\ufeff# BOM\n[[entity]]\nen = "Zoom"\nforms = ["Zoom"]\nru = ["Зум"]\n'.encode()
    )


def test_a_glossary_file_that_cannot_be_read_stops_a_write(folder: Path) -> None:
    # its entities could not be checked for a clash, so nothing is written anywhere
    (folder / "latin1.toml").write_bytes('[[entity]]\nen = "Citroën"\nfr = ["Citroën"]\n'.encode("latin-1"))
    with pytest.raises(WorkbenchError, match=r"latin1.toml is not UTF-8 text; nothing was written\.$"):
        edit.add_entry(folder, person("New One", fr=["Nouveau"]))
    assert not (folder / "added.toml").exists()


# A small pool of names and forms, so that generated entries often name the same entity.
NAMES = st.sampled_from(["Ann Lee", "Bo Li", "Cy Young", "ann lee", "Dee"])
FORMS = st.lists(
    st.sampled_from(["Ann", "Lee", "Bo", "Li", "Cy", "Dee", "Анна", "Ли"]), min_size=1, max_size=3
)
ENTRIES = st.builds(
    lambda en, kind, fr, ru, note: entry_from_table(
        {"en": en, "type": kind, "fr": fr, "ru": ru, "note": note}, "generated:1"
    ),
    NAMES,
    st.sampled_from(["person", "other"]),
    FORMS,
    FORMS,
    st.sampled_from(["", "A note.", "Another\nnote."]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(existing=st.lists(ENTRIES, max_size=4), incoming=st.lists(ENTRIES, min_size=1, max_size=4))
def test_a_merge_never_loses_a_comment_form_or_note(existing: list[object], incoming: list[object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "glossaries"
        folder.mkdir()
        path = folder / "people.toml"
        # hand-written look: a comment above and inside every entry
        text = "".join(
            f"# about entry {i}\n" + edit.to_toml([e]).replace("\nen =", f"\n  # inside {i}\nen =") + "\n"
            for i, e in enumerate(existing)
        )
        path.write_text(text, encoding="utf-8")
        before = load_folder(folder)
        edit.merge_entries(folder, incoming, path, skip_conflicts=True)
        after_text = path.read_text(encoding="utf-8")
        tomllib.loads(after_text)
        comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
        assert [line for line in after_text.splitlines() if line.lstrip().startswith("#")] == comments
        after = load_folder(folder)
        assert not [i for i in after.issues if "not valid TOML" in i.message]
        for old in before:
            new = after.get(old.id)
            assert new is not None and new.en == old.en
            for language, forms in old.forms.items():
                assert set(forms) <= set(new.forms.get(language, ()))
            assert set(old.wrong) <= set(new.wrong)
            assert not old.note or new.note == old.note
