"""`workbench clean` and `workbench segment` as a user runs them."""

from __future__ import annotations

import json

import pytest
from conftest import SEEDS, run_cli, seed


def test_clean_prints_title_blank_line_paragraphs() -> None:
    result = run_cli("clean", str(seed("001")))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    chunks = out.rstrip("\n").split("\n\n")
    assert chunks[0] == "Le Kremlin critique Zoom, accusé de limiter l’accès au secteur public"
    assert len(chunks) == 12
    assert "259" not in chunks


def test_clean_json_has_everything() -> None:
    result = run_cli("clean", "--json", str(seed("000")))
    data = json.loads(result.stdout)
    assert set(data) >= {"id", "language", "title", "date", "paragraphs", "segments", "removed"}
    assert data["id"] == "000_a82796ccd2587049"
    assert data["language"] == "fr"
    assert len(data["paragraphs"]) == 17
    assert {
        "line": 5,
        "text": "S'abonner",
        "reason": "subscribe",
        "rule": "subscribe button",
    } in data["removed"]
    assert all({"id", "block", "index", "text", "start", "end"} <= set(s) for s in data["segments"])


def test_clean_reads_stdin() -> None:
    page = "Titre de l'article\n\nPartager\nUn paragraphe. Deux phrases.\n259\n".encode("cp1252")
    result = run_cli("clean", "-", stdin=page)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "Titre de l'article\n\nUn paragraphe. Deux phrases.\n"


def test_clean_a_folder_gives_every_article() -> None:
    result = run_cli("clean", "--json", str(SEEDS))
    data = json.loads(result.stdout)
    assert [a["id"][:3] for a in data] == ["000", "001", "002", "003", "004"]


def test_clean_removed_lists_reasons() -> None:
    out = run_cli("clean", "--removed", str(seed("004"))).stdout.decode()
    assert "-- removed --" in out
    assert "credit" in out and "Anthony DELANOIX / Unsplash.com" in out


def test_segment_prints_ids_and_text() -> None:
    result = run_cli("segment", str(seed("004")))
    rows = [line.split("\t") for line in result.stdout.decode().splitlines()]
    assert len(rows) == 24
    assert all(len(r) == 2 and len(r[0]) == 12 for r in rows)
    data = json.loads(run_cli("segment", "--json", str(seed("004"))).stdout)
    assert [s["id"] for s in data["segments"]] == [r[0] for r in rows]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["clean", "missing.txt"], None, "workbench: missing.txt: no such file.\n"),
        (["clean", "-"], b"", "workbench: standard input is empty.\n"),
        (
            ["clean", "-"],
            b"\x89PNG\r\n\x1a\n" + bytes(64),
            "workbench: standard input looks like a PNG image, not a text article.\n",
        ),
        (
            ["segment", "tests"],
            None,
            "workbench: tests contains no article files (.txt, .text, .md, .html, .htm, .xhtml, .warc, .warc.gz).\n",
        ),
        (
            ["clean", "-"],
            b"S'abonner\n0\nloader\n",
            "workbench: standard input has no article text left once web cruft is removed.\n",
        ),
    ],
)
def test_bad_input_is_one_sentence_and_non_zero(args, stdin, message) -> None:
    result = run_cli(*args, stdin=stdin)
    assert result.returncode == 1
    assert result.stderr.decode() == message
    assert result.stdout == b""


def test_usage_errors_do_not_trace_back() -> None:
    result = run_cli("clean", "--no-such-option", "x")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"No such option" in result.stderr


def test_a_command_group_given_nothing_shows_its_help() -> None:
    result = run_cli("models")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b" models [OPTIONS] COMMAND [ARGS]" in result.stderr and b"Install models" in result.stderr


@pytest.mark.parametrize("command", [[], ["clean"], ["segment"]])
def test_help(command) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert b"Usage:" in result.stdout


def test_top_level_help_is_the_full_help_without_loading_the_commands() -> None:
    """`workbench --help` reads each command's summary from its module's source; what it
    prints is what the fully registered app prints, and no domain module is imported."""
    import subprocess
    import sys

    fast = run_cli("--help")
    assert fast.returncode == 0, fast.stderr
    full_script = (
        "import importlib; from workbench import cli\n"
        "for module in dict.fromkeys(cli.COMMANDS.values()):\n"
        "    importlib.import_module(f'workbench.cli.{module}').register(cli.app)\n"
        "cli.app(args=['--help'])\n"
    )
    full = subprocess.run([sys.executable, "-c", full_script], capture_output=True, timeout=120)
    assert full.returncode == 0, full.stderr
    assert fast.stdout.split(b"\n")[1:] == full.stdout.split(b"\n")[1:]  # the usage line names the program
    for command in ("review", "clean", "translate", "export", "models", "glossary", "tm"):
        assert f"\n  {command} ".encode() in fast.stdout
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from workbench import cli; cli._register(['--help']); "
         "print(sorted(m for m in sys.modules if m.startswith('workbench.') and m != 'workbench.errors'))"],
        capture_output=True, text=True, timeout=120,
    )
    assert loaded.stdout.strip() == "['workbench.cli']"
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.decode().startswith("workbench ")
