"""Fault injection: SIGKILL a translate run and a scripted review session at random points,
over and over. After every kill each translations/ file parses, every change the session
saw saved is there with its text, and the next run completes the job.

The number of kills is WORKBENCH_KILLS (default 50 in all; CI's short configuration), the
seed WORKBENCH_FAULT_SEED (default: 2026), printed so that any failure can be replayed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import GUARD, ROOT, run_cli
from figures import add as record_figure

from workbench.errors import WorkbenchError
from workbench.mt.packages import install_archive
from workbench.store import Store

KILLS = int(os.environ.get("WORKBENCH_KILLS", "50"))
SEED = int(os.environ.get("WORKBENCH_FAULT_SEED", "2026"))
SESSION = Path(__file__).resolve().parent / "faults" / "review_session.py"


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(GUARD), "PYTHONIOENCODING": "utf-8"}


def every_file_parses(root: Path) -> int:
    files = sorted((root / "translations").glob("*.json"))
    for path in files:
        Store.read_path(path)  # raises StoreError on a torn or invalid file
    return len(files)


def check_journal(root: Path, journal: Path) -> int:
    """Every change journalled as done is on disk, unless a later intent may have replaced it.

    A segment with intents but no done yet is not judged: its first change was in flight
    when the process died, so it holds either that change or whatever it held before."""
    expected: dict[tuple[str, str], list[tuple[str, str]]] = {}
    done: set[tuple[str, str]] = set()
    lines = journal.read_text(encoding="utf-8").splitlines() if journal.exists() else []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # the kill tore the journal's last line: it says nothing
        kind, (article, segment, target, status) = next(iter(entry.items()))
        allowed = expected.setdefault((article, segment), [])
        if kind == "done":
            allowed[:] = [(target, status)]
            done.add((article, segment))
        else:
            allowed.append((target, status))
    from workbench.project import Project
    from workbench.review.recovery import recover

    recover(Project(root))  # what every command and session does first
    store = Store_for(root)
    checked = 0
    for (article, segment), allowed in expected.items():
        document = store.read(article)
        record = document.segment(segment) if document else None
        assert record is not None, (article, segment)
        if (article, segment) in done:
            assert (record.target, record.status) in allowed, (article, segment, record.target, allowed)
            checked += 1
    return checked


def Store_for(root: Path) -> Store:
    from workbench.project import Project

    return Store(Project(root))


@pytest.fixture
def translated(tmp_path: Path, installed, packages_dir: Path) -> Path:
    """A project whose French seeds went through the real generated model."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    result = run_cli("translate", "--json", "--max-length", "12", cwd=root)
    summary = json.loads(result.stdout)
    assert summary["prepared"] == 5 and summary["files_written"] == 5  # ru too: prepared, no model
    return root


def test_kill_review_sessions_and_translate_runs(translated: Path, tmp_path: Path, capsys) -> None:
    rng = random.Random(SEED)
    journal = tmp_path / "journal.jsonl"
    session_kills = max(KILLS * 4 // 5, 1)
    translate_kills = max(KILLS - session_kills, 1)
    print(
        f"\nfault injection: seed {SEED}, {session_kills} review-session kills, {translate_kills} translate kills"
    )
    survived = 0
    for n in range(session_kills):
        proc = subprocess.Popen(
            [sys.executable, str(SESSION), str(translated), str(journal), str(n)],
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.8, 2.0))  # startup takes most of a second; then it writes
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err.decode()[-2000:]
        every_file_parses(translated)
        check_journal(translated, journal)
        survived += 1
    confirmed = check_journal(translated, journal)
    assert confirmed > session_kills  # the sessions really did confirm work between kills
    # now kill `workbench translate` runs that re-translate with a newer model
    from workbench.mt.synthetic import build_package

    newer = build_package(
        tmp_path / "newer.argosmodel", ["Le Kremlin a réagi."] * 50, seed=SEED, package_version="0.0.2"
    )
    install_archive(newer)
    args = [
        sys.executable,
        "-m",
        "workbench",
        "translate",
        "--json",
        "--max-length",
        "12",
        "--chunk-tokens",
        "300",
    ]
    for _ in range(translate_kills):
        proc = subprocess.Popen(
            args, cwd=translated, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(rng.uniform(1.0, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        every_file_parses(translated)
        check_journal(translated, journal)  # translate never overwrote human work
        survived += 1
    result = run_cli("translate", "--json", "--max-length", "12", cwd=translated)
    summary = json.loads(result.stdout)
    assert summary["missing"] and summary["cancelled"] is False  # ru has no model here; the rest completed
    for document in Store_for(translated).documents():
        if document.source_language == "fr":
            assert all(s.status != "new" for s in document.segments)
    assert check_journal(translated, journal) == confirmed  # and nothing confirmed was lost
    record_figure("kills injected", session_kills + translate_kills)
    record_figure("kills survived", survived)
    record_figure("confirmed segments checked after kills", confirmed)
    record_figure("segments lost", 0)


def test_two_translate_runs_at_once(translated: Path, tmp_path: Path) -> None:
    from workbench.mt.synthetic import build_package

    install_archive(
        build_package(
            tmp_path / "v2.argosmodel", ["Le Kremlin a réagi."] * 50, seed=7, package_version="0.0.3"
        )
    )
    args = [sys.executable, "-m", "workbench", "translate", "--json", "--max-length", "12"]
    runs = [
        subprocess.Popen(args, cwd=translated, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in runs]
    for (out, err), proc in zip(outputs, runs, strict=True):
        assert proc.returncode == 1, err  # 1: the Russian article has no model; nothing else went wrong
        assert b"Traceback" not in err
        json.loads(out)
    every_file_parses(translated)
    for document in Store_for(translated).documents():
        if document.source_language == "fr":
            assert {s.model for s in document.segments} == {document.segments[0].model}
            assert document.segments[0].model.startswith("argos/fr-en/0.0.3/")


def test_translate_beside_a_review_session(translated: Path, tmp_path: Path) -> None:
    from workbench.mt.synthetic import build_package

    install_archive(
        build_package(
            tmp_path / "v4.argosmodel", ["Le Kremlin a réagi."] * 50, seed=9, package_version="0.0.4"
        )
    )
    journal = tmp_path / "journal.jsonl"
    session = subprocess.Popen(
        [sys.executable, str(SESSION), str(translated), str(journal), "99"], env=env(), stderr=subprocess.PIPE
    )
    time.sleep(1.5)
    result = run_cli("translate", "--json", "--max-length", "12", cwd=translated)
    time.sleep(0.5)
    session.send_signal(signal.SIGKILL)
    session.communicate()
    assert b"Traceback" not in result.stderr
    every_file_parses(translated)
    assert check_journal(translated, journal) > 0  # nothing the reviewer confirmed was overwritten


def test_disk_full_during_a_confirmation(translated: Path, monkeypatch) -> None:
    from workbench.project import Project
    from workbench.review.session import ReviewSession

    review = ReviewSession(Project(translated))
    review.open()
    article = "001_82dc057f0c50e8de"
    before = Store_for(translated).path(article).read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(WorkbenchError) as info:
        review.confirm(article, review.document(article).segments[0].id, "Will not fit.")
    assert str(info.value).endswith("No space left on device; the change was not made.")
    assert review.document(article).segments[0].target != "Will not fit."  # not shown as done either
    monkeypatch.undo()
    review.close()
    assert Store_for(translated).path(article).read_bytes() == before


def test_translations_folder_that_cannot_be_written(tmp_path: Path, installed, packages_dir: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    (root / "translations").write_text("not a folder", encoding="utf-8")
    result = run_cli("translate", "--max-length", "12", cwd=root)
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().startswith("workbench: ") and result.stderr.count(b"\n") == 1
    assert (root / "translations").read_text(encoding="utf-8") == "not a folder"
