from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# argostranslate creates its folders under $HOME at import time: point it at a scratch area.
_SCRATCH = Path(tempfile.mkdtemp(prefix="workbench-tests-"))
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = str(_SCRATCH / _var.lower())
os.environ["ARGOS_PACKAGES_DIR"] = str(_SCRATCH / "no-packages")
os.environ.pop("ARGOS_PACKAGE_INDEX", None)

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
    # this checkout's package first: a worktree's tests run its code, not the one pip installed
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(GUARD), str(ROOT)]), "PYTHONIOENCODING": "utf-8"}
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


def seed_texts() -> list[str]:
    return [line for p in sorted(SEEDS.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def argos_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real, tiny fr→en Argos package: SentencePiece trained on the seeds, random weights."""
    from workbench.mt.synthetic import build_package

    return build_package(tmp_path_factory.mktemp("argos") / "translate-fr_en.argosmodel", seed_texts())


@pytest.fixture
def packages_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "argos-packages"
    folder.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(folder))
    return folder


@pytest.fixture
def installed(packages_dir: Path, argos_package: Path):
    from workbench.mt.packages import install_archive

    return install_archive(argos_package)


@pytest.fixture
def project(tmp_path: Path):
    """A fresh project folder holding copies of the seeds."""
    import shutil

    from workbench.project import Project

    root = tmp_path / "project"
    shutil.copytree(SEEDS, root / "seeds")
    return Project(root)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """The reliability figures: kills, fuzz cases, nasty inputs, data lost."""
    from figures import FIGURES

    if FIGURES:
        terminalreporter.section("reliability figures")
        for name, value in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value}")
