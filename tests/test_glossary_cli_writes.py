"""`workbench glossary add|import|export` through the real entry point: merges, conflicts, -, refusals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import GUARD, ROOT, run_cli

from workbench.glossary.entries import load, load_folder
from workbench.glossary.exchange import import_tbx


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "glossaries", tmp_path / "glossaries")
    return tmp_path


def snapshot(project: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project / "glossaries").iterdir())}


def entity_count(folder: Path) -> int:
    return sum(len(tomllib.loads(p.read_text(encoding="utf-8"))["entity"]) for p in folder.glob("*.toml"))


def one_sentence(result: subprocess.CompletedProcess[bytes], sentence: str) -> None:
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert err.startswith("workbench: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert sentence in err, err


# Three people, read against glossaries/people.toml: Peskov gains a French form (updated),
# Putin is as the file has him (unchanged), Navalny is not in any glossary file (added).
PEOPLE_CSV = """\
id,type,en,fr,ru,note
,person,Dmitry Peskov,Dmitriy Peskov,,
,person,Vladimir Putin,,Путин,Russian president.
,person,Alexei Navalny,Alexeï Navalny,Алексей Навальный,Opposition politician.
"""


def test_import_of_a_csv_merges_into_the_curated_people_file(project: Path) -> None:
    people = project / "glossaries" / "people.toml"
    before = people.read_text(encoding="utf-8")
    (project / "people.csv").write_text(PEOPLE_CSV, encoding="utf-8")
    result = run_cli("glossary", "import", "people.csv", cwd=project)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert out.startswith("added 1, updated 1, unchanged 1, conflicting 0\n")
    assert "  updated: Dmitry Peskov (" in out and "fr + 'Dmitriy Peskov'" in out
    assert "  added: Alexei Navalny (person)" in out
    after = people.read_text(encoding="utf-8")
    merged = before.replace(
        'fr = ["Dmitri Peskov", "Peskov"]', 'fr = ["Dmitri Peskov", "Peskov", "Dmitriy Peskov"]'
    )
    assert after.startswith(merged)  # every comment, entry and line of the curated file stays
    assert after.startswith("# People named in the seed articles.")
    added = tomllib.loads(after[len(merged) :])["entity"]
    assert added == [
        {
            "type": "person",
            "en": "Alexei Navalny",
            "fr": ["Alexeï Navalny"],
            "ru": ["Алексей Навальный"],
            "note": "Opposition politician.",
        }
    ]
    assert entity_count(project / "glossaries") == entity_count(ROOT / "glossaries") + 1
    assert load_folder(project / "glossaries").issues == []


def test_import_replace_replaces_the_file(project: Path) -> None:
    (project / "people.csv").write_text(PEOPLE_CSV, encoding="utf-8")
    before = snapshot(project)
    guessed = run_cli("glossary", "import", "people.csv", "--replace", cwd=project)
    assert guessed.returncode == 1 and b"--replace needs --into FILE" in guessed.stderr
    assert snapshot(project) == before  # the file to overwrite is never guessed
    result = run_cli(
        "glossary", "import", "people.csv", "--replace", "--into", "glossaries/people.toml", cwd=project
    )
    assert result.returncode == 0, result.stderr
    people = project / "glossaries" / "people.toml"
    assert people.read_text(encoding="utf-8").startswith("# Imported from people.csv.\n\n[[entity]]\n")
    assert [e.en for e in load([people])] == ["Dmitry Peskov", "Vladimir Putin", "Alexei Navalny"]


def test_conflicts_are_reported_exit_1_and_nothing_is_written(project: Path) -> None:
    before = snapshot(project)
    (project / "people.csv").write_text(
        "en,type,fr\nVladimir Poutine,person,Poutine\nAlexei Navalny,person,Alexeï Navalny\n",
        encoding="utf-8",
    )
    result = run_cli("glossary", "import", "people.csv", cwd=project)
    lines = result.stdout.decode().splitlines()
    assert lines[0] == "added 1, updated 0, unchanged 0, conflicting 1"
    assert lines[2].startswith(
        "  conflicting: Vladimir Poutine (people.csv:2): a fr form 'Poutine' belongs to "
    )
    one_sentence(result, "1 entry conflicts with the glossary, so nothing was written")
    assert snapshot(project) == before
    skipped = run_cli("glossary", "import", "people.csv", "--skip-conflicts", cwd=project)
    one_sentence(skipped, "1 entry conflicts with the glossary and was not imported; the rest was.")
    assert "Alexei Navalny" in {e.en for e in load_folder(project / "glossaries")}
    assert "Vladimir Poutine" not in {e.en for e in load_folder(project / "glossaries")}


def test_csv_export_to_stdout_imports_back_from_stdin_unchanged(project: Path) -> None:
    before = snapshot(project)
    count = entity_count(project / "glossaries")
    csv = run_cli("glossary", "export", "-", "--format", "csv", cwd=project)
    assert csv.returncode == 0 and csv.stderr == b""
    assert csv.stdout.decode().count("\n") == 1 + count  # the header and a row per entity
    again = run_cli("glossary", "import", "-", "--format", "csv", stdin=csv.stdout, cwd=project)
    assert again.returncode == 0, again.stderr
    assert again.stdout.decode() == f"added 0, updated 0, unchanged {count}, conflicting 0\n"
    assert snapshot(project) == before


def test_tbx_export_to_stdout_imports_back_from_stdin_unchanged(project: Path) -> None:
    before = snapshot(project)
    count = entity_count(project / "glossaries")
    tbx = run_cli("glossary", "export", "-", "--format", "tbx", cwd=project)
    assert len(import_tbx(tbx.stdout, "stdout")) == count
    again = run_cli("glossary", "import", "-", "--format", "tbx", "--json", stdin=tbx.stdout, cwd=project)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert len(report["unchanged"]) == count and report["written"] == []
    assert snapshot(project) == before


def test_new_entities_from_stdin_go_to_imported_toml(project: Path) -> None:
    new = "en,type,ru\nAlexei Navalny,person,Алексей Навальный\n".encode()
    added = run_cli("glossary", "import", "-", "--format", "csv", stdin=new, cwd=project)
    assert added.returncode == 0, added.stderr
    imported = project / "glossaries" / "imported.toml"
    assert imported.read_text(encoding="utf-8").startswith("# Imported from standard input.\n\n[[entity]]\n")
    assert [e.en for e in load([imported])] == ["Alexei Navalny"]


def test_tbx_version(project: Path) -> None:
    one_sentence(
        run_cli("glossary", "export", "x.tbx", "--tbx-version", "4", cwd=project),
        "--tbx-version 4 is not 2 or 3.",
    )
    v3 = run_cli("glossary", "export", "-", "--format", "tbx", "--tbx-version", "3", cwd=project)
    assert v3.returncode == 0 and b'xmlns="urn:iso:std:iso:30042:ed-2"' in v3.stdout
    assert len(import_tbx(v3.stdout, "v3")) == entity_count(project / "glossaries")


def test_a_table_that_is_not_utf8_or_a_format_unknown_is_one_sentence(project: Path) -> None:
    before = snapshot(project)
    (project / "latin1.csv").write_bytes("type,en,fr\nperson,Alexei Navalny,Alexeï Navalny\n".encode("latin-1"))
    one_sentence(run_cli("glossary", "import", "latin1.csv", cwd=project), "workbench: latin1.csv is not UTF-8 text.\n")
    (project / "people.xlsx").write_bytes(b"PK")
    one_sentence(
        run_cli("glossary", "import", "people.xlsx", cwd=project),
        "people.xlsx: import handles .tbx, .csv or .tsv files (or give --format).",
    )
    one_sentence(run_cli("glossary", "export", "out.ods", cwd=project), "out.ods: export handles .tbx")
    one_sentence(run_cli("glossary", "export", "out.csv", "--format", "ods", cwd=project), "--format ods is not one of csv, tsv, tbx.")
    assert snapshot(project) == before and not (project / "out.ods").exists()


def test_dash_needs_a_format(project: Path) -> None:
    one_sentence(run_cli("glossary", "import", "-", cwd=project), "--format csv, tsv or tbx is needed")
    one_sentence(run_cli("glossary", "export", "-", cwd=project), "--format csv, tsv or tbx is needed")


def test_an_empty_or_closed_stdin_is_one_sentence(project: Path) -> None:
    one_sentence(
        run_cli("glossary", "import", "-", "--format", "csv", stdin=b"", cwd=project),
        "standard input is empty.",
    )
    env = {**os.environ, "PYTHONPATH": str(GUARD)}
    closed = subprocess.run(
        ["sh", "-c", f'exec "{sys.executable}" -m workbench glossary import - --format tsv <&-'],
        capture_output=True,
        cwd=project,
        env=env,
        timeout=120,
    )
    one_sentence(closed, "standard input is closed")


def test_a_folder_to_import_is_one_sentence(project: Path) -> None:
    (project / "folder.csv").mkdir()
    one_sentence(
        run_cli("glossary", "import", "folder.csv", cwd=project),
        "folder.csv is a directory, not a glossary file.",
    )


def test_add_and_import_into_a_glossaries_file_are_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "glossaries").write_text("a file, not a folder", encoding="utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE_CSV, encoding="utf-8")
    added = run_cli("glossary", "add", "--en", "Zoom", "--form", "Zoom", cwd=tmp_path)
    one_sentence(added, "glossaries is a file, not a folder; nothing was written.")
    imported = run_cli("glossary", "import", "people.csv", cwd=tmp_path)
    one_sentence(imported, "glossaries is a file, not a folder; nothing was written.")
    assert (tmp_path / "glossaries").read_text(encoding="utf-8") == "a file, not a folder"


def test_add_merges_the_same_entity_and_refuses_anothers_form(project: Path) -> None:
    note = 'Says "no" \\ often.\nTwo lines.'
    merged = run_cli(
        "glossary",
        "add",
        "--en",
        "Dmitry Peskov",
        "--type",
        "person",
        "--ru",
        "Дмитрий Сергеевич Песков",
        cwd=project,
    )
    assert merged.returncode == 0, merged.stderr
    assert "Added to Dmitry Peskov (" in merged.stdout.decode()
    assert (
        load_folder(project / "glossaries").get("dmitry-peskov").forms["ru"][-1] == "Дмитрий Сергеевич Песков"
    )
    refused = run_cli("glossary", "add", "--en", "D. Peskov", "--ru", "Песков", "--note", note, cwd=project)
    one_sentence(refused, "cannot add 'D. Peskov': a ru form 'Песков' belongs to 'Dmitry Peskov' (")
    new = run_cli(
        "glossary", "add", "--en", "Ella Pamfilova", "--ru", "Памфилова", "--note", note, cwd=project
    )
    assert new.returncode == 0, new.stderr
    added = (project / "glossaries" / "added.toml").read_text(encoding="utf-8")
    assert tomllib.loads(added)["entity"][0]["note"] == note


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("glossaries/README.md", "is not a .toml glossary file"),
        ("/tmp/outside-the-project.toml", "entries there would never be used"),
    ],
)
def test_add_only_writes_glossaries_that_are_loaded(project: Path, target: str, message: str) -> None:
    before = snapshot(project)
    result = run_cli(
        "glossary",
        "add",
        "--en",
        "Xavier Niel",
        "--type",
        "person",
        "--fr",
        "Xavier Niel",
        "--file",
        target,
        cwd=project,
    )
    assert result.returncode == 1 and message in result.stderr.decode()
    assert snapshot(project) == before
