"""What the CLI writes when the terminal is not UTF-8, and hints for an unusable HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GUARD, ROOT, seed

from workbench.project import Project
from workbench.store import Document, SegmentRecord, Store


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LANG", "LC_ALL", "PYTHONUTF8")}
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        cwd=cwd,
        env={**base, "PYTHONPATH": os.pathsep.join([str(GUARD), str(ROOT)]), **env},
        timeout=120,
    )


@pytest.fixture(scope="module")
def russian_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("enc")
    segments = [
        SegmentRecord("a", 0, 0, "title", "Госорганы Франции", "French state bodies", "Французские органы", "reviewed"),
        SegmentRecord("b", 1, 0, "text", "«Мы должны».", "“We must”.", "«We must».", "edited"),
    ]
    doc = Document("ru-1", "seeds/ru.txt", "ru", "en", "Госорганы", "2024-01-02", segments)
    Store(Project(root)).update("ru-1", lambda _: doc)
    return root


COMMANDS = [
    ["segment", str(seed("004"))],
    ["clean", str(seed("004"))],
    ["clean", "--removed", str(seed("004"))],
    ["report"],
    ["concordance", "Мы"],
    ["replace", "We", "Мы", "--dry-run"],
    ["qa", "--status", "edited"],
    ["export", "-f", "tsv", "--status", "edited"],
    ["glossary", "export", "-", "--format", "csv"],
    ["export", "-f", "nonsense"],
]
ENCODINGS = [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"}, {"LANG": "C", "LC_ALL": "C"}]


@pytest.mark.parametrize("env", ENCODINGS, ids=["ascii", "latin-1", "C-locale"])
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_no_output_encoding_makes_a_traceback(args: list[str], env: dict[str, str], russian_project: Path) -> None:
    done = run(args, russian_project, **env)
    assert b"Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr
    assert done.stdout or done.stderr.startswith(b"workbench: ")


def test_a_latin1_terminal_gets_replacements_and_exact_json(russian_project: Path) -> None:
    text = run(["segment", str(seed("004"))], russian_project, PYTHONIOENCODING="latin-1")
    first = text.stdout.decode("latin-1").splitlines()[0]
    assert first.startswith("74b54bed1a3c\t????????? ???????") and "«" in first  # « is Latin-1
    utf8 = run(["clean", "--json", str(seed("004"))], russian_project, PYTHONIOENCODING="utf-8")
    latin = run(["clean", "--json", str(seed("004"))], russian_project, PYTHONIOENCODING="latin-1")
    assert latin.stdout.isascii() and json.loads(latin.stdout) == json.loads(utf8.stdout)
    report = run(["report", "--json"], russian_project, PYTHONIOENCODING="latin-1")
    assert json.loads(report.stdout)["articles"][0]["statuses"]["reviewed"] == 1


def test_an_ascii_terminal_gets_utf8_as_python_would_give_it(russian_project: Path) -> None:
    done = run(["segment", str(seed("004"))], russian_project, PYTHONIOENCODING="ascii")
    assert "Госорганы Франции" in done.stdout.decode("utf-8")


def test_an_unusable_home_is_named(tmp_path: Path, argos_package: Path) -> None:
    home = tmp_path / "home-is-a-file"
    home.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in ("ARGOS_PACKAGES_DIR", "XDG_DATA_HOME")}
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "models", "install", str(argos_package)],
        capture_output=True,
        cwd=tmp_path,
        env={**env, "HOME": str(home), "PYTHONPATH": str(GUARD)},
        timeout=120,
    )
    assert done.returncode == 1
    message = done.stderr.decode()
    assert message.count("\n") == 1 and message.endswith(
        f"HOME ({home}) is not a folder: set HOME to your home folder, or ARGOS_PACKAGES_DIR and "
        "XDG_CACHE_HOME to folders Workbench may write.\n"
    )
