"""Where articles come from: folders with odd members, pipes, devices, closed stdin, and the
one-to-one identity of sources, articles and translation files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GUARD, ROOT, run_cli, seed
from fakes import FakeEngine, translate_project
from figures import add as record_figure

from workbench.errors import InputError
from workbench.ingest import read_source
from workbench.pipeline import expand_sources, read_sources
from workbench.prepare import Preparer, sync
from workbench.project import Project
from workbench.store import Store


@pytest.fixture(autouse=True)
def _count_attack() -> None:
    record_figure("attacks tried")


def test_a_named_pipe_in_a_folder_is_skipped_with_a_warning(tmp_path: Path) -> None:
    shutil.copy(seed("001"), tmp_path / "a.txt")
    os.mkfifo(tmp_path / "b.txt")
    told: list[str] = []
    assert list(expand_sources([tmp_path], told.append)) == [tmp_path / "a.txt"]
    assert told == [f"skipping {tmp_path / 'b.txt'}: a named pipe, not an article file."]
    result = run_cli("clean", str(tmp_path))  # would hang if the pipe were opened
    assert result.returncode == 0
    assert b"a named pipe, not an article file" in result.stderr


def test_a_folder_of_nothing_but_pipes_is_one_sentence(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "only.txt")
    with pytest.raises(InputError, match="contains no article files"):
        list(expand_sources([tmp_path]))


def test_a_named_pipe_nobody_writes_to_is_refused_not_waited_for(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(InputError, match="named pipe that nobody is writing to"):
        read_source(tmp_path / "pipe.txt")


def test_a_named_pipe_with_a_writer_is_read_like_standard_input(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    # a writer that holds the pipe open, as a shell's `<(command)` does
    child = subprocess.run(
        [
            "bash",
            "-c",
            f"(sleep 0.3; cat {seed('001')}) > {pipe} & {sys.executable} -m workbench clean {pipe}",
        ],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(GUARD)},
        cwd=ROOT,
        timeout=60,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.startswith(b"Le Kremlin critique Zoom")


@pytest.mark.parametrize(
    ("device", "kind"), [("/dev/zero", "a character device"), ("/dev/null", "a character device")]
)
def test_devices_are_refused(device: str, kind: str) -> None:
    with pytest.raises(InputError, match=f"is {kind}, not an article file"):
        read_source(device)


def test_closed_standard_input_is_one_sentence() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "clean", "-"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(GUARD)},
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1 and result.stderr == b"workbench: standard input is empty.\n"
    closed = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m workbench clean - <&-"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(GUARD)},
        cwd=ROOT,
        timeout=60,
    )
    assert closed.returncode == 1
    assert closed.stderr == b"workbench: standard input is closed; name a file, or pipe the input in.\n"


def test_version() -> None:
    from workbench import __version__

    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.decode() == f"workbench {__version__}\n"


# -- identity ---------------------------------------------------------------------------


def project_with(tmp_path: Path, files: dict[str, Path]) -> Project:
    project = Project(tmp_path / "project")
    for name, source in files.items():
        (project.root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, project.root / name)
    return project


def test_two_sources_with_one_article_id_in_one_run_are_refused(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"seeds/a.txt": seed("001"), "more/a.txt": seed("002")})
    with pytest.raises(
        InputError, match=r"more/a.txt and seeds/a.txt have the same article id 'a'; rename one"
    ):
        sync(
            Store(project),
            Preparer(None),
            read_sources([project.root / "seeds/a.txt", project.root / "more/a.txt"]),
        )
    assert not project.translations.exists() or len(list(project.translations.iterdir())) <= 1


def test_a_second_source_never_takes_over_another_sources_file(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"seeds/a.txt": seed("001"), "other/a.txt": seed("002")})
    translate_project(project, FakeEngine("fr"), sources=[project.root / "seeds" / "a.txt"])
    store = Store(project)
    document = store.read("a")
    reviewed = document.segments[1]
    reviewed.target, reviewed.status = "Reviewed by hand.", "reviewed"
    store.update("a", lambda current: document)
    before = store.path("a").read_bytes()
    result = run_cli("translate", "other/a.txt", cwd=project.root)
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "workbench: other/a.txt and seeds/a.txt have the same article id 'a' (both would be saved as a); rename one.\n"
    )
    assert store.path("a").read_bytes() == before


def test_a_moved_source_keeps_its_translations(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"seeds/a.txt": seed("001")})
    translate_project(project, FakeEngine("fr"), sources=[project.root / "seeds" / "a.txt"])
    (project.root / "archive").mkdir()
    (project.root / "seeds" / "a.txt").rename(project.root / "archive" / "a.txt")
    [document] = sync(
        Store(project), Preparer(project.prepared), read_sources([project.root / "archive" / "a.txt"])
    )
    assert document.source_path == "archive/a.txt"
    assert all(s.status == "machine" for s in document.segments)


def test_another_target_language_is_a_file_of_its_own(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"seeds/a.txt": seed("001")})
    translate_project(project, FakeEngine("fr"))
    store = Store(project)
    document = store.read("a")
    document.segments[0].target, document.segments[0].status = "Reviewed title.", "reviewed"
    store.update("a", lambda current: document)
    english = store.path("a").read_bytes()
    result = run_cli("translate", "--to", "de", "--json", cwd=project.root)
    assert result.returncode == 1  # no fr→de model; the article is prepared for German all the same
    assert store.path("a").read_bytes() == english
    german = Store(project, "de").read("a")
    assert german.target_language == "de" and all(s.status == "new" for s in german.segments)
    exported = run_cli("export", "-f", "jsonl", "--status", "reviewed", cwd=project.root)
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [(r["target_language"], r["target"]) for r in rows] == [("en", "Reviewed title.")]


@pytest.mark.parametrize("target", ["x/../../../outside", "../evil", "", "EN", "en.json", "d\udcffe"])
def test_the_target_language_must_be_a_language_code(tmp_path: Path, target: str) -> None:
    project = project_with(tmp_path, {"seeds/a.txt": seed("001")})
    result = run_cli("translate", "--to", target, cwd=project.root)
    assert result.returncode == 1 and b"is not a language code" in result.stderr
    assert not project.translations.exists() and not (tmp_path / "outside.json").exists()


def test_names_with_a_hash_are_plain_files(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"seeds/a#b.txt": seed("001")})
    summary = translate_project(project, FakeEngine("fr"))
    assert summary.articles == 1 and Store(project).read("a#b").source_path == "seeds/a#b.txt"


def test_a_linked_seeds_folder_is_the_same_source(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"seeds/a.txt": seed("001")})
    translate_project(project, FakeEngine("fr"))
    real = tmp_path / "elsewhere"
    (project.root / "seeds").rename(real)
    (project.root / "seeds").symlink_to(real)
    again = translate_project(project, FakeEngine("fr"))
    assert again.articles == 1 and again.decoded == 0
    assert Store(project).read("a").source_path == "seeds/a.txt"


def test_a_file_not_named_in_utf8_is_one_sentence(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"seeds/a.txt": seed("001")})
    shutil.copy(seed("002"), os.fsencode(project.seeds) + b"/bad\xff.txt")
    result = run_cli("translate", cwd=project.root)
    assert result.returncode == 1 and b"the name is not valid UTF-8; rename the file" in result.stderr
    assert b"Traceback" not in result.stderr
