"""The offline guarantee: the whole pipeline runs in a process that has no network at all
(a fresh network namespace: not even loopback is up), and every test runs under a socket
guard that fails any connection beyond 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

UNSHARE = shutil.which("unshare")


def no_network_available() -> bool:
    if UNSHARE is None:
        return False
    probe = subprocess.run([UNSHARE, "-n", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not no_network_available(), reason="unshare -n is not permitted on this machine")
def test_full_pipeline_without_any_network(tmp_path: Path, installed, packages_dir: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    shutil.copytree(ROOT / "glossaries", root / "glossaries")
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(packages_dir)}

    def offline(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [UNSHARE, "-n", sys.executable, "-m", "workbench", *args],
            cwd=root,
            env=env,
            capture_output=True,
            timeout=300,
        )

    probe = subprocess.run(
        [
            UNSHARE,
            "-n",
            sys.executable,
            "-c",
            "import socket; print(socket.socket().connect_ex(('93.184.216.34', 80)))",
        ],
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip() != "0"  # really no route out

    clean = offline("clean", "--json", "seeds")
    assert clean.returncode == 0, clean.stderr
    assert len(json.loads(clean.stdout)) == 5
    translate = offline("translate", "--json", "--max-length", "12")
    assert (
        translate.returncode == 1 and b"no ru\xe2\x86\x92en model" in translate.stderr
    )  # fr done, ru has no model
    summary = json.loads(translate.stdout)
    assert summary["prepared"] == 5 and summary["files_written"] == 5  # ru too: prepared, no model
    check = offline("glossary", "check", "--json")
    assert check.returncode in (0, 1) and json.loads(check.stdout)["segments_translated"] == 86
    export = offline("export", "--format", "tmx", "--status", "machine", "-o", "corpus.tmx")
    assert export.returncode == 0, export.stderr
    assert (root / "corpus.tmx").read_bytes().count(b"<tu ") == 86
    index = offline("models", "install", "ru-en", "--index", "http://127.0.0.1:9/index.json")
    assert index.returncode == 1 and b"cannot be reached" in index.stderr and b"Traceback" not in index.stderr
