from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GUARD = Path(__file__).resolve().parent / "netguard"

# The same guard the subprocesses get: any socket to a host other than loopback fails.
_spec = importlib.util.spec_from_file_location("netguard", GUARD / "sitecustomize.py")
assert _spec and _spec.loader
netguard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(netguard)


def seed(name: str) -> Path:
    matches = sorted(SEEDS.glob(f"{name}*"))
    assert len(matches) == 1, name
    return matches[0]


def run_cli(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run the real `workbench` entry point in a child process with the network guard."""
    env = {**os.environ, "PYTHONPATH": str(GUARD), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=120,
    )


@pytest.fixture
def seeds() -> Path:
    return SEEDS
