"""Every command that reads human work first folds what a dead review session left in its
journal, and never takes over a live session's journal."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GUARD, ROOT, run_cli
from fakes import FakeEngine, factory, translate_project

from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.review import journal
from workbench.review.session import ReviewSession
from workbench.store import Store

ARTICLE = "000_a82796ccd2587049"
TEXT = "Confirmed by a session that was then killed."

# A review session that confirms one segment, says so once the call returned (when the
# screen would show it done), and waits to be killed.
SESSION = """
import sys, time
from workbench.project import Project
from workbench.review.session import ReviewSession
from pathlib import Path
session = ReviewSession(Project(Path(sys.argv[1])), user="killed")
session.open()
record = session.document(sys.argv[2]).segments[1]
applied = session.confirm(sys.argv[2], record.id, sys.argv[3])
assert applied.landed
print(record.id, flush=True)
time.sleep(600)
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    shutil.copytree(ROOT / "glossaries", root / "glossaries")
    project = Project(root)
    translate_project(project, FakeEngine("fr"), FakeEngine("ru"))
    return project


def killed_session(project: Project) -> str:
    """A session killed with -9 after a confirm it showed done, whose fold never happened
    (the article's file was held meanwhile); returns the segment's id."""
    held = Store(project).lock(ARTICLE, timeout=5)
    with held:
        child = subprocess.Popen(
            [sys.executable, "-c", SESSION, str(project.root), ARTICLE, TEXT],
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(GUARD), str(ROOT)])},
        )
        try:
            assert child.stdout is not None
            segment = child.stdout.readline().decode().strip()
            assert segment, "the session did not confirm"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
    assert Store(project).read(ARTICLE).segment(segment).target != TEXT  # only the journal has it
    assert journal.paths(project.state)
    return segment


def exported(project: Project) -> dict[str, str]:
    done = run_cli("export", "-f", "jsonl", "--status", "reviewed", cwd=project.root)
    assert done.returncode == 0, done.stderr
    return {row["segment"]: row["target"] for row in map(json.loads, done.stdout.decode().splitlines())}


def test_a_killed_sessions_confirmation_is_in_the_export(project: Project) -> None:
    segment = killed_session(project)
    done = run_cli("export", "-f", "jsonl", "--status", "reviewed", cwd=project.root)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["target"] for r in rows if r["target"] == TEXT] == [TEXT]
    assert b"Recovered 1 change" in done.stderr
    assert Store(project).read(ARTICLE).segment(segment).status == "reviewed"
    assert journal.paths(project.state) == []  # folded whole, so gone
    with TranslationMemory(project.memory) as tm:
        match = tm.lookup("fr", "en", Store(project).read(ARTICLE).segment(segment).source)
        assert match is not None and (match.target, match.human) == (TEXT, True)


@pytest.mark.parametrize(
    "command",
    [["qa", "--status", "reviewed", "--json"], ["report", "--json"], ["translate", "--json"], ["glossary", "check"]],
    ids=lambda c: c[0],
)
def test_every_reader_of_human_work_folds_it_first(project: Project, command: list[str]) -> None:
    segment = killed_session(project)
    done = run_cli(*command, cwd=project.root)
    assert b"Traceback" not in done.stderr
    assert b"Recovered 1 change" in done.stderr, done.stderr
    record = Store(project).read(ARTICLE).segment(segment)
    assert (record.target, record.status) == (TEXT, "reviewed")


def test_tm_import_folds_first(
    project: Project, tmp_path: Path
) -> None:
    segment = killed_session(project)
    tmx = tmp_path / "other.tmx"
    tmx.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header srclang="fr" datatype="plaintext" segtype="sentence"'
        ' adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body><tu><tuv xml:lang="fr">'
        "<seg>Bonjour.</seg></tuv><tuv xml:lang=\"en\"><seg>Hello.</seg></tuv></tu></body></tmx>",
        encoding="utf-8",
    )
    done = run_cli("tm", "import", str(tmx), cwd=project.root)
    assert done.returncode == 0, done.stderr
    assert b"Recovered 1 change" in done.stderr
    assert Store(project).read(ARTICLE).segment(segment).target == TEXT


def test_a_live_sessions_journal_is_left_to_it(project: Project) -> None:
    session = ReviewSession(project, engines=factory(FakeEngine("fr"), FakeEngine("ru")), user="alive")
    session.open()
    record = session.document(ARTICLE).segments[2]
    with Store(project).lock(ARTICLE, timeout=5):
        session.confirm(ARTICLE, record.id, "Confirmed in a screen still open.")
        done = run_cli("export", "-f", "jsonl", "--status", "all", cwd=project.root)
        assert done.returncode == 0, done.stderr
        assert b"Recovered" not in done.stderr
        assert "Confirmed in a screen still open." not in done.stdout.decode()
        assert session.journal.path.exists()  # not claimed, not deleted
    assert session.close(wait=10)
    assert exported(project)[record.id] == "Confirmed in a screen still open."
