"""A hostile environment: read-only projects, a full disk, state folders that are files,
closed pipes. Each gets one sentence and a non-zero exit (or, for a reader that went away,
a quiet 0), never a traceback, and leaves saved work as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GUARD, ROOT, run_cli
from figures import add as record_figure

WORKBENCH = f"{sys.executable} -m workbench"


def shell(script: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(GUARD), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, timeout=180)


def can_unshare() -> bool:
    try:
        return subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


needs_mounts = pytest.mark.skipif(
    not can_unshare(), reason="needs unshare -m to mount a read-only or full disk"
)


@pytest.fixture
def translated(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    shutil.copytree(ROOT / "glossaries", root / "glossaries")
    result = run_cli("translate", cwd=root)  # no model here: prepares and saves every article
    assert result.returncode == 1 and (root / "translations").is_dir()
    return root


def one_sentence(result: subprocess.CompletedProcess[bytes], fragment: str) -> None:
    record_figure("attacks tried")
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert "Traceback" not in err and fragment in err, err
    assert all(line.startswith("workbench: ") for line in err.splitlines()), err


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "translations").iterdir())}


@needs_mounts
@pytest.mark.parametrize(
    ("command", "fragment"),
    [
        ("translate", "translation memory"),
        ("glossary add --en Xavier --type person --fr Xavier", "Read-only file system"),
        ("export -f jsonl --status all -o out.jsonl", "Read-only file system"),
    ],
)
def test_a_read_only_project(translated: Path, command: str, fragment: str) -> None:
    before = snapshot(translated)
    result = shell(
        f"unshare -m bash -c 'mount --bind {translated} {translated} && mount -o remount,ro,bind {translated}"
        f" && cd {translated} && {WORKBENCH} {command}'",
        translated,
    )
    one_sentence(result, fragment)
    assert snapshot(translated) == before


@needs_mounts
def test_a_full_disk_under_the_state_folder(translated: Path) -> None:
    before = snapshot(translated)
    shutil.rmtree(translated / ".workbench")
    (translated / ".workbench").mkdir()
    result = shell(
        f"unshare -m bash -c 'mount -t tmpfs -o size=32k tmpfs {translated}/.workbench && cd {translated} && {WORKBENCH} translate'",
        translated,
    )
    one_sentence(result, "the disk is full")
    assert snapshot(translated) == before


@pytest.mark.parametrize("command", ["translate", "qa", "report", "glossary check"])
def test_a_state_folder_that_is_a_file(translated: Path, command: str) -> None:
    shutil.rmtree(translated / ".workbench")
    (translated / ".workbench").write_text("not a folder", encoding="utf-8")
    result = shell(f"{WORKBENCH} {command}", translated)
    record_figure("attacks tried")
    assert "Traceback" not in result.stderr.decode(), result.stderr.decode()
    if result.returncode:
        assert result.stderr.decode().startswith("workbench: ")


@pytest.mark.parametrize(
    "command", ["segment seeds/000_a82796ccd2587049.txt", "clean --json seeds", "export -f tsv --status all"]
)
def test_a_reader_that_goes_away_ends_quietly_with_0(translated: Path, command: str) -> None:
    for _ in range(4):  # the race between the reader leaving and our writes differs each time
        result = shell(f"set -o pipefail; {WORKBENCH} {command} | head -c 1 > /dev/null", translated)
        record_figure("attacks tried")
        assert result.returncode == 0 and result.stderr == b"", result.stderr.decode()


def test_a_reader_that_goes_away_keeps_the_commands_verdict(translated: Path) -> None:
    """`qa` exits 1 on findings: a reader leaving early (`| head`) does not make it 0; a rich
    table (`report`) ends quietly with 0 like every other output."""
    for command, code in (("qa --status all", 1), ("report", 0)):
        for _ in range(3):
            result = shell(f"set -o pipefail; {WORKBENCH} {command} | head -c 1 > /dev/null", translated)
            record_figure("attacks tried")
            assert result.returncode == code and result.stderr == b"", (command, result.stderr.decode())


def test_a_closed_standard_input_is_nobody_to_ask(translated: Path) -> None:
    import json

    path = translated / "translations" / "000_a82796ccd2587049.en.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["segments"][0].update(target="Zoom bars Russian bodies, the Kremlin reacts", status="machine")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = shell(f"{WORKBENCH} replace Kremlin Kremlyn <&-", translated)
    record_figure("attacks tried")
    err = result.stderr.decode()
    assert result.returncode == 1 and "Traceback" not in err and "nobody is at a terminal" in err, err
