"""The architecture as tests: a plain domain core under thin shells (CLI, TUI).

The import-linter contracts live in pyproject.toml; these tests run them on the real
package, prove that they catch a violation, and check that importing the domain loads
none of the heavy or UI libraries (they load when something needs them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

LINT = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first: the package found is the one under `root`, not the installed one
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_hold() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = len(config["tool"]["importlinter"]["contracts"])
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{contracts} kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("clean.py", "import textual.widgets", "Only the TUI imports Textual BROKEN"),
        (
            "glossary/match.py",
            "from workbench.tui import app",
            "The domain imports neither the CLI nor the TUI BROKEN",
        ),
        ("store.py", "import workbench.cli.output", "The domain imports neither the CLI nor the TUI BROKEN"),
        ("review/session.py", "from rich.text import Text", "Only the shells draw on the terminal (rich) BROKEN"),
        (
            "glossary/match.py",
            "def _late():\n    from workbench.glossary.edit import add_entry",
            "Glossary: the reader at the bottom, the writer on top BROKEN",
        ),
        (
            "glossary/qa.py",
            "from workbench.glossary import merge",
            "Glossary: the reader at the bottom, the writer on top BROKEN",
        ),
        (
            "mt/packages/installed.py",
            "def _late():\n    from workbench.mt.engine import load_engine",
            "Machine translation: tuning times engines, engines load installed packages BROKEN",
        ),
        (
            "mt/packages/install.py",
            "from workbench.mt.packages.index import cached_index",
            "Packages: one job a module, each on the ones below it BROKEN",
        ),
        (
            "qa/check.py",
            "def _late():\n    from workbench import report",
            "No cycles between sibling packages or modules, at any depth BROKEN",
        ),
        ("translate.py", "import ray.data", "Only workbench.cluster imports Ray BROKEN"),
        ("cli/translate.py", "import ray", "Only workbench.cluster imports Ray BROKEN"),
    ],
)
def test_a_domain_module_importing_the_ui_breaks_a_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    shutil.copytree(ROOT / "workbench", tmp_path / "workbench", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / "workbench" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode == 1
    assert contract in result.stdout


def test_importing_the_domain_loads_no_ui_and_no_model_library() -> None:
    script = """
import importlib, pkgutil, sys, workbench
def walk(path, prefix):
    # not pkgutil.walk_packages: it imports every package it passes, the UI's too
    for info in pkgutil.iter_modules(path, prefix):
        if info.name.startswith(("workbench.cli", "workbench.tui", "workbench.__main__")):
            continue
        module = importlib.import_module(info.name)
        if info.ispkg:
            walk(module.__path__, info.name + ".")
walk(workbench.__path__, "workbench.")
heavy = ("textual", "rich", "lingua", "ctranslate2", "argostranslate", "sentencepiece", "pyarrow", "ray")
print(" ".join(sorted(name for name in heavy if name in sys.modules)) or "none")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"


def test_the_review_screen_opens_without_the_preparing_translating_and_export_stages() -> None:
    """Loading them would cost the first screen a quarter of a second (bench_tui.py); they
    are imported by the work that runs them."""
    script = """
import sys, workbench.tui.app
stages = ("workbench.pipeline", "workbench.prepare", "workbench.web", "workbench.ingest", "workbench.translate",
          "workbench.mt.engine", "workbench.mt.packages", "workbench.export", "workbench.glossary.edit", "ftfy",
          "tomlkit", "trafilatura", "lxml", "charset_normalizer", "importlib.metadata")
print(" ".join(sorted(name for name in stages if name in sys.modules)) or "none")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"
