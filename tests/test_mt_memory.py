from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.mt.memory import HUMAN, TranslationMemory, unit_key


@pytest.fixture
def memory(tmp_path: Path):
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        yield tm


def test_unit_key() -> None:
    assert unit_key("  L’accès\u00a0 au   service ") == "L'accès au service"
    assert unit_key("e\u0301te\u0301") == "été"


def test_exact_lookup_is_per_model_and_language_pair(memory: TranslationMemory) -> None:
    memory.add("fr", "en", "model/a", [("Le Kremlin a réagi.", "The Kremlin reacted.", -0.3)])
    assert memory.lookup("fr", "en", "Le  Kremlin a réagi.", "model/a").target == "The Kremlin reacted."
    assert memory.lookup("fr", "en", "Le Kremlin a réagi.", "model/b") is None  # another model re-translates
    assert memory.lookup("fr", "de", "Le Kremlin a réagi.", "model/a") is None
    assert memory.lookup("ru", "en", "Le Kremlin a réagi.", "model/a") is None


def test_human_translation_outranks_machine(memory: TranslationMemory) -> None:
    memory.add("fr", "en", "model/a", [("Bonjour.", "Good day.", -1.0)])
    memory.add_human("fr", "en", "Bonjour.", "Hello.", note="001/abc")
    match = memory.lookup("fr", "en", "Bonjour.", "model/a")
    assert (match.target, match.origin, match.human) == ("Hello.", HUMAN, True)
    assert memory.lookup("fr", "en", "Bonjour.", "any/other").target == "Hello."


def test_updating_a_unit_replaces_it(memory: TranslationMemory) -> None:
    memory.add_human("fr", "en", "Oui.", "Yes.")
    memory.add_human("fr", "en", "Oui.", "Yes indeed.")
    assert memory.lookup("fr", "en", "Oui.").target == "Yes indeed."
    assert len(memory) == 1


def test_fuzzy_matches(memory: TranslationMemory) -> None:
    memory.add_human(
        "fr", "en", "Le Kremlin a critiqué Zoom mercredi.", "The Kremlin criticised Zoom on Wednesday."
    )
    memory.add(
        "fr",
        "en",
        "m",
        [("Le Kremlin a critiqué Zoom jeudi.", "The Kremlin criticised Zoom on Thursday.", -1)],
    )
    memory.add("fr", "en", "m", [("Rien à voir avec cela.", "Nothing to do with it.", -1)])
    matches = memory.fuzzy("fr", "en", "Le Kremlin a critiqué Zoom mardi.")
    # Indel ratio: "mardi." shares m-r-d-i-. with "mercredi." (2*32/69 = 92.8) but only
    # d-i-. with "jeudi." (2*30/66 = 90.9); the unrelated sentence is under the cutoff.
    assert [(m.target, m.similarity) for m in matches] == [
        ("The Kremlin criticised Zoom on Wednesday.", 92.8),
        ("The Kremlin criticised Zoom on Thursday.", 90.9),
    ]
    assert all(70 <= m.similarity < 100 for m in matches)
    assert matches == sorted(matches, key=lambda m: -m.similarity)
    memory.add_human(
        "fr", "en", "Le Kremlin a critiqué Zoom mardi.", "The Kremlin criticised Zoom on Tuesday."
    )
    assert memory.fuzzy("fr", "en", "Le Kremlin a critiqué Zoom mardi.")[0].similarity == 100


def test_persists_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.add_human("fr", "en", "Oui.", "Yes.")
    with TranslationMemory(path) as tm:
        assert tm.lookup("fr", "en", "Oui.").target == "Yes."


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='99' WHERE key='schema'")
    db.commit()
    db.close()
    with pytest.raises(WorkbenchError, match="newer Workbench"):
        TranslationMemory(path)


def test_garbage_file_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(WorkbenchError, match="cannot use the translation memory .*file is not a database"):
        TranslationMemory(path)


def test_bulk_lookup(memory: TranslationMemory) -> None:
    units = [(f"Phrase numéro {i}.", f"Sentence number {i}.", -0.5) for i in range(1200)]
    assert memory.add("fr", "en", "m", units) == 1200
    found = memory.lookup_many("fr", "en", [s for s, _, _ in units] + ["Inconnue."], "m")
    assert len(found) == 1200
    assert found[unit_key("Phrase numéro 777.")].target == "Sentence number 777."


def test_a_full_disk_is_not_called_a_damaged_memory(tmp_path: Path) -> None:

    from workbench.mt.memory import _full

    assert _full(tmp_path / "memory.sqlite", sqlite3.OperationalError("database or disk is full"))
    assert not _full(tmp_path / "memory.sqlite", sqlite3.DatabaseError("file is not a database"))
