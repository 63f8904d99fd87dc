"""`workbench concordance` and `workbench replace`: the review session's search and
find-and-replace from the command line, on a small project whose every text is known."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GUARD, ROOT, run_cli

from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.review import journal
from workbench.review.changes import Conflict
from workbench.review.session import ReviewSession
from workbench.store import Document, SegmentRecord, Store


def record(id: str, index: int, source: str, target: str, status: str) -> SegmentRecord:
    return SegmentRecord(id, 1, index, "text", source, mt=target if status == "machine" else "", target=target, status=status)  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "project")
    store = Store(project)
    documents = [
        Document(
            "fr-1",
            "seeds/fr-1.txt",
            "fr",
            "en",
            "Les siloviki",
            None,
            [
                record("a", 0, "Les siloviki ont parlé.", "The security men spoke.", "reviewed"),
                record("b", 1, "Le Kremlin a dit non.", "The Kremlin said no to Dmitri.", "machine"),
                record("c", 2, "Dmitri Peskov l'a dit.", "Dmitri Peskov said it; dmitri agreed.", "edited"),
            ],
        ),
        Document(
            "ru-1",
            "seeds/ru-1.txt",
            "ru",
            "en",
            "Силовики",
            None,
            [
                record("d", 0, "Силовики молчат.", "The siloviki are silent.", "edited"),
                record("e", 1, "Дмитрий Песков.", "Dmitriy Peskov.", "reviewed"),
                record("f", 2, "Новая фраза.", "", "new"),
            ],
        ),
    ]
    for document in documents:
        store.update(document.article_id, lambda _, d=document: d)
    with TranslationMemory(project.memory) as tm:
        tm.add_human("fr", "en", "Des siloviki partout.", "Security officials everywhere.")
    return project


def files(project: Project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(project.translations.iterdir())}


def target_of(project: Project, article: str, segment: str) -> SegmentRecord:
    found = Store(project).read(article).segment(segment)
    assert found is not None
    return found


# -- concordance ------------------------------------------------------------------------------------


def test_concordance_finds_the_phrase_in_the_memory_and_the_corpus_with_the_other_side(project: Project) -> None:
    done = run_cli("concordance", "siloviki", "--json", cwd=project.root)
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)["hits"]
    assert [(h["where"], h["article"], h["number"], h["status"], h["side"]) for h in hits] == [
        ("memory", None, None, "human", "source"),
        ("corpus", "fr-1", 1, "reviewed", "source"),
        ("corpus", "ru-1", 1, "edited", "target"),
    ]
    assert hits[1]["target"] == "The security men spoke."  # the other side of the pair
    assert hits[1]["title"] == "Les siloviki"
    assert (hits[2]["match"], hits[2]["span"]) == ("siloviki", [4, 12])


def test_concordance_in_targets_only_and_limited(project: Project) -> None:
    targets = json.loads(run_cli("concordance", "SILOVIKI", "--in", "target", "--json", cwd=project.root).stdout)
    assert [(h["article"], h["segment"]) for h in targets["hits"]] == [("ru-1", "d")]
    limited = json.loads(run_cli("concordance", "dmitri", "--limit", "1", "--json", cwd=project.root).stdout)
    assert limited["truncated"] is True and len(limited["hits"]) == 1
    # whole words: "Dmitriy" is not "Dmitri"
    every = json.loads(run_cli("concordance", "dmitri", "--json", cwd=project.root).stdout)
    assert [(h["article"], h["segment"]) for h in every["hits"]] == [("fr-1", "b"), ("fr-1", "c")]


def test_concordance_text_marks_the_hit_and_says_how_many(project: Project) -> None:
    done = run_cli("concordance", "Kremlin", cwd=project.root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines() == [
        "Les siloviki, segment 2 (machine)",
        "  source: Le [[Kremlin]] a dit non.",
        "  target: The Kremlin said no to Dmitri.",
        "1 hit for “Kremlin” in sources or targets.",
    ]
    nothing = run_cli("concordance", "Zoom", cwd=project.root)
    assert nothing.returncode == 0 and nothing.stdout.decode().strip() == "No hits for “Zoom” in sources or targets."


@pytest.mark.parametrize(
    "args",
    [["concordance", "  "], ["concordance", "x", "--in", "middle"], ["concordance", "x", "--limit", "0"]],
    ids=["blank", "bad side", "bad limit"],
)
def test_concordance_bad_input_is_one_sentence(project: Project, args: list[str]) -> None:
    done = run_cli(*args, cwd=project.root)
    assert done.returncode in (1, 2) and b"Traceback" not in done.stderr
    assert done.stderr.startswith(b"workbench: ") and done.stderr.count(b"\n") == 1


def test_concordance_without_translations_says_so(tmp_path: Path) -> None:
    done = run_cli("concordance", "x", cwd=tmp_path)
    assert done.returncode == 1 and b"run `workbench translate` first" in done.stderr


# -- replace ----------------------------------------------------------------------------------------


def test_dry_run_previews_every_hit_and_changes_nothing(project: Project) -> None:
    before = files(project)
    done = run_cli("replace", "Dmitri", "Dmitry", "--whole-word", "--dry-run", "--json", cwd=project.root)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["applied"] is False and data["segments"] == 2
    assert [(r["article"], r["number"], r["status"], r["before"], r["after"], r["spans"]) for r in data["replacements"]] == [
        ("fr-1", 2, "machine", "The Kremlin said no to Dmitri.", "The Kremlin said no to Dmitry.", [[23, 29]]),
        ("fr-1", 3, "edited", "Dmitri Peskov said it; dmitri agreed.", "Dmitry Peskov said it; Dmitry agreed.", [[0, 6], [23, 29]]),
    ]
    assert files(project) == before
    text = run_cli("replace", "Dmitri", "Dmitry", "--whole-word", "--case-sensitive", "--dry-run", cwd=project.root)
    assert text.stdout.decode().splitlines() == [
        "Les siloviki, segment 2 (machine)",
        "  - The Kremlin said no to [[Dmitri]].",
        "  + The Kremlin said no to Dmitry.",
        "Les siloviki, segment 3 (edited)",
        "  - [[Dmitri]] Peskov said it; dmitri agreed.",
        "  + Dmitry Peskov said it; dmitri agreed.",
        "2 segments would change; nothing was changed (--dry-run).",
    ]
    assert files(project) == before


def test_without_yes_and_nobody_to_ask_nothing_changes_and_it_exits_1(project: Project) -> None:
    before = files(project)
    done = run_cli("replace", "Peskov", "Peskoff", cwd=project.root)
    assert done.returncode == 1
    assert b"--yes" in done.stderr and b"nothing was changed" in done.stderr
    assert "+ Dmitriy Peskoff." in done.stdout.decode()  # the preview was shown
    assert files(project) == before


def test_yes_applies_each_as_edited_keeping_the_old_version(project: Project) -> None:
    env_user = {"WORKBENCH_USER": "Replacer"}
    done = run_cli_env(project, env_user, "replace", r"(\w+) Peskov", r"\1 S. Peskov", "--regex", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["applied"] is True and (data["replaced"], data["conflicts"], data["waiting"]) == (2, 0, 0)
    c = target_of(project, "fr-1", "c")
    assert (c.target, c.status, c.author, c.event) == ("Dmitri S. Peskov said it; dmitri agreed.", "edited", "Replacer", "replace")
    e = target_of(project, "ru-1", "e")
    assert (e.target, e.status) == ("Dmitriy S. Peskov.", "edited")  # reviewed goes back to edited
    assert (e.history[-1].target, e.history[-1].status) == ("Dmitriy Peskov.", "reviewed")
    untouched = target_of(project, "fr-1", "a")
    assert (untouched.target, untouched.status) == ("The security men spoke.", "reviewed")
    assert journal.paths(project.state) == []  # all folded: the journal is gone


def run_cli_env(project: Project, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        cwd=project.root,
        env={**os.environ, **env, "PYTHONPATH": os.pathsep.join([str(GUARD), str(ROOT)]), "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [["(unclosed", "x", "--regex"], ["(a)", r"\2", "--regex", "--yes"], ["", "x", "--yes"]],
    ids=["bad regex", "bad group", "empty"],
)
def test_a_bad_pattern_is_one_sentence_and_exit_2(project: Project, args: list[str]) -> None:
    before = files(project)
    done = run_cli("replace", *args, cwd=project.root)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert done.stderr.startswith(b"workbench: ") and done.stderr.count(b"\n") == 1, done.stderr
    assert files(project) == before


def test_a_person_at_the_terminal_is_asked(project: Project) -> None:
    """With a terminal, the preview is followed by a question; no (the default) changes nothing."""
    for answer, changed in ((b"\n", False), (b"y\n", True)):
        leader, follower = pty.openpty()
        child = subprocess.Popen(
            [sys.executable, "-m", "workbench", "replace", "Kremlin", "Kremlin Palace"],
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=follower,
            cwd=project.root,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(GUARD), str(ROOT)]), "PYTHONIOENCODING": "utf-8"},
        )
        os.close(follower)
        asked = b""
        while b"[y/N]" not in asked:
            asked += os.read(leader, 1024)
        assert b"Replace in these 1 segments?" in asked
        os.write(leader, answer)
        assert child.wait(60) == (0 if changed else 1)
        os.close(leader)
        assert (target_of(project, "fr-1", "b").target == "The Kremlin Palace said no to Dmitri.") is changed


def test_a_screen_open_on_the_project_sees_the_replacement_and_keeps_its_own_work(project: Project) -> None:
    screen = ReviewSession(project, user="screen")
    screen.open()
    screen.take_loaded(screen.loading()())
    screen.confirm("fr-1", "a", "The security services spoke.")
    screen.flush()
    done = run_cli("replace", "Kremlin", "Kremlin Palace", "--yes", cwd=project.root)
    assert done.returncode == 0, done.stderr
    # the screen, still on its old view of segment b, edits it: both texts are kept
    screen.edit("fr-1", "b", "The Kremlin refused, Dmitri.", base=screen.segment("fr-1", "b"))
    events = screen.flush(10)
    b = target_of(project, "fr-1", "b")
    texts = {b.target, *(v.target for v in b.conflicts)}
    assert {"The Kremlin Palace said no to Dmitri.", "The Kremlin refused, Dmitri."} <= texts
    assert any(isinstance(e, Conflict) for e in events)
    a = target_of(project, "fr-1", "a")
    assert (a.target, a.status) == ("The security services spoke.", "reviewed")
    screen.close()
