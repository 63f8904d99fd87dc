"""Installs that cannot hurt other tools, and messages that say the right thing.

Each test is a regression test for a class of defect: a link serving another pair, names as
argospm writes them, every failed link reported, bytes shown in human units, advice naming
only installs that can happen, interrupted installs breaking argostranslate's listing,
absurd archives, packages that install and then crash `translate`, unwritable folders, and
archives piped on standard input.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import GUARD, ROOT, run_cli
from rich.console import Console
from test_mt_packages import rebuild

from workbench.cli.models import byte_progress
from workbench.mt import packages
from workbench.mt.engine import ModelMissing
from workbench.mt.packages import PackageError, PackageName, install_archive, parse_name
from workbench.mt.packages import archive as checks
from workbench.mt.packages import download as downloads
from workbench.mt.packages import install as installer
from workbench.mt.packages import stages as staging_folders

TOP = "translate-fr_en-synthetic"




def with_pair(source: Path, target: Path, from_code: str, to_code: str) -> Path:
    def edit(name: str, data: bytes) -> bytes:
        if name.endswith("metadata.json"):
            metadata = json.loads(data)
            metadata.update(from_code=from_code, to_code=to_code)
            return json.dumps(metadata).encode()
        return data

    return rebuild(source, target, edit)


def fake_installed(folder: Path, from_code: str, to_code: str) -> Path:
    """A package folder as argospm leaves it; enough for listing, not for decoding."""
    package = folder / f"translate-{from_code}_{to_code}-1_0"
    (package / "model").mkdir(parents=True)
    (package / "model" / "model.bin").write_bytes(b"\0" * 16)
    (package / "metadata.json").write_text(
        json.dumps({"from_code": from_code, "to_code": to_code, "package_version": "1.0"}), encoding="utf-8"
    )
    return package


def argos_lists(folder: Path) -> subprocess.CompletedProcess[str]:
    """argostranslate's own listing of `folder`, in a fresh process, as argospm would do it."""
    code = (
        "import argostranslate.package as p\n"
        "print(sorted(f'{x.from_code}-{x.to_code}' for x in p.get_installed_packages()))\n"
    )
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(folder), "PYTHONPATH": str(GUARD)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def staged(packages_dir: Path) -> list[str]:
    root = packages.workbench_dir() / "staging"
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


# -- a package index on 127.0.0.1 -------------------------------------------------------


class Server:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def index(self, *entries: tuple[str, str, str, list[str]]) -> str:
        """Write index.json: (from, to, version, links relative to the server or absolute)."""
        data = [
            {
                "type": "translate",
                "code": f"translate-{s}_{t}",
                "from_code": s,
                "to_code": t,
                "package_version": v,
                "links": [link if "://" in link else f"{self.url}/{link}" for link in links],
            }
            for s, t, v, links in entries
        ]
        (self.folder / "index.json").write_text(json.dumps(data), encoding="utf-8")
        return f"{self.url}/index.json"


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up early (a refused download) is expected here


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    folder = tmp_path / "served"
    folder.mkdir()
    served = Server(folder)
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()


# -- names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fr-en", PackageName("fr", "en")),
        ("fr_en", PackageName("fr", "en")),
        ("translate-fr_en", PackageName("fr", "en")),
        ("FR-EN", PackageName("fr", "en")),
        ("fr→en", PackageName("fr", "en")),
        ("translate-fr_en-1_9", PackageName("fr", "en", "1.9")),
        ("translate-ru_en-1.9", PackageName("ru", "en", "1.9")),
    ],
)
def test_package_names_as_users_and_argospm_write_them(text: str, expected: PackageName) -> None:
    assert parse_name(text) == expected


@pytest.mark.parametrize(
    "text", ["french", "fr", "translate-", "fr-en-x", "translate-fr_en-", "", "fr-en/../x"]
)
def test_what_is_not_a_package_name(text: str) -> None:
    with pytest.raises(PackageError, match="is not a language pair"):
        parse_name(text)


def test_argospm_name_installs_from_the_index(
    server: Server, packages_dir: Path, argos_package: Path
) -> None:
    (server.folder / "a.argosmodel").write_bytes(argos_package.read_bytes())
    url = server.index(("fr", "en", "1.9", ["a.argosmodel"]))
    assert packages.install_from_index("translate-fr_en", url).pair == "fr-en"
    assert packages.remove("translate-fr_en").pair == "fr-en"
    assert packages.installed_models() == []


def test_an_index_entry_named_only_by_its_argospm_code(packages_dir: Path) -> None:
    [entry] = packages.parse_index([{"code": "translate-fr_en", "package_version": "1.9", "links": ["x"]}])
    assert (entry.from_code, entry.to_code, entry.version) == ("fr", "en", "1.9")


def test_remove_a_named_version(installed: packages.InstalledModel, packages_dir: Path) -> None:
    with pytest.raises(PackageError, match=r"^no fr→en 0\.0\.2 model is installed\.$"):
        packages.remove("translate-fr_en-0_0_2")
    assert packages.remove(f"translate-fr_en-{installed.version.replace('.', '_')}") == installed
    assert list(packages_dir.iterdir()) == []


def test_a_version_the_index_lacks_is_named(server: Server, packages_dir: Path) -> None:
    url = server.index(("fr", "en", "1.9", ["a.argosmodel"]), ("fr", "en", "1.0", ["b.argosmodel"]))
    with pytest.raises(PackageError, match=r"has fr→en 1\.0, 1\.9, not 1\.8\.$"):
        packages.install_from_index("translate-fr_en-1_8", url)


# -- index entries are checked against the pair asked for -------------------------------


def test_a_link_serving_another_pair_installs_nothing(
    server: Server, packages_dir: Path, argos_package: Path
) -> None:
    # The ru→en entry's link serves the fr→en archive.
    (server.folder / "ru_en.argosmodel").write_bytes(argos_package.read_bytes())
    url = server.index(("ru", "en", "1.9", ["ru_en.argosmodel"]))
    with pytest.raises(PackageError) as info:
        packages.install_from_index("ru-en", url)
    message = str(info.value)
    assert f"{server.url}/ru_en.argosmodel serves a fr→en package, not ru→en" in message
    assert "nothing was installed" in message and "\n" not in message
    assert list(packages_dir.iterdir()) == []
    assert staged(packages_dir) == []


def test_the_next_link_is_tried_after_a_wrong_pair(
    server: Server, packages_dir: Path, argos_package: Path, tmp_path: Path
) -> None:
    (server.folder / "wrong.argosmodel").write_bytes(
        with_pair(argos_package, tmp_path / "x.argosmodel", "ru", "en").read_bytes()
    )
    (server.folder / "right.argosmodel").write_bytes(argos_package.read_bytes())
    url = server.index(("fr", "en", "1.9", ["wrong.argosmodel", "right.argosmodel"]))
    model = packages.install_from_index("fr-en", url)
    assert (model.from_code, model.to_code) == ("fr", "en")
    assert [m.pair for m in packages.installed_models()] == ["fr-en"]


def test_every_failed_link_is_named_with_its_reason(server: Server, packages_dir: Path) -> None:
    (server.folder / "junk.argosmodel").write_bytes(b"this is no zip")
    links = ["missing.argosmodel", "http://127.0.0.1:9/refused.argosmodel", "junk.argosmodel"]
    url = server.index(("fr", "en", "1.9", links))
    with pytest.raises(PackageError) as info:
        packages.install_from_index("fr-en", url)
    message = str(info.value)
    assert message.startswith("could not install fr→en from the package index, nothing was installed: ")
    assert f"{server.url}/missing.argosmodel failed (HTTP 404 File not found)" in message
    assert "http://127.0.0.1:9/refused.argosmodel failed (Connection refused)" in message
    assert f"{server.url}/junk.argosmodel is not a valid .argosmodel (not a zip archive)" in message
    assert message.count(";") == 2 and "\n" not in message
    assert list(packages_dir.iterdir()) == [] and staged(packages_dir) == []


def test_cli_reports_every_link_in_one_line(server: Server, packages_dir: Path) -> None:
    url = server.index(("fr", "en", "1.9", ["a.argosmodel", "b.argosmodel"]))
    result = run_cli("models", "install", "fr-en", "--index", url)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("workbench: could not install fr→en")
    assert "a.argosmodel failed (HTTP 404" in err and "b.argosmodel failed (HTTP 404" in err


# -- the download bar in human units ----------------------------------------------------


def test_download_bar_counts_in_human_units() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    with byte_progress("Installing fr-en", console) as update:
        update(1_500_000, 3_000_000)
    assert "1.5/3.0 MB" in screen.getvalue()
    assert "1500000" not in screen.getvalue()


def test_no_bar_off_a_terminal() -> None:
    screen = io.StringIO()
    with byte_progress("Installing", Console(file=screen, force_terminal=False)) as update:
        update(10, 20)
    assert screen.getvalue() == ""


# -- advice for a missing pair ----------------------------------------------------------


def test_installed_models_that_pivot_are_named(packages_dir: Path) -> None:
    fake_installed(packages_dir, "fr", "en")
    fake_installed(packages_dir, "en", "ru")
    assert (
        str(ModelMissing("fr", "ru")) == "no fr→ru model is installed; fr→en and en→ru are: use --pivot en."
    )


def test_advice_names_only_what_the_known_index_has(server: Server, packages_dir: Path) -> None:
    url = server.index(
        ("fr", "en", "1.9", ["a.argosmodel"]), ("en", "ru", "1.9", ["b"]), ("en", "fr", "1.9", ["c"])
    )
    packages.fetch_index(url)  # as a failed or successful install would: the index is now known
    advice = str(ModelMissing("fr", "ru"))
    assert advice == (
        "no fr→ru model is installed and the package index has none; install fr-en and en-ru "
        "(`workbench models install fr-en en-ru`) and use --pivot en."
    )
    fake_installed(packages_dir, "fr", "en")
    assert str(ModelMissing("fr", "ru")).endswith(
        "fr→en is installed: install en-ru (`workbench models install en-ru`) and use --pivot en."
    )
    assert str(ModelMissing("en", "fr")) == (
        "no en→fr model is installed; run `workbench models install en-fr` "
        "(or `workbench models install FILE.argosmodel` offline)."
    )
    assert str(ModelMissing("de", "ru")) == (
        "no de→ru model is installed, and the package index has no de→ru package and no two "
        "packages to pivot through another language."
    )


def test_install_of_a_pair_the_index_lacks_names_the_pivot(server: Server, packages_dir: Path) -> None:
    url = server.index(("fr", "en", "1.9", ["a"]), ("en", "ru", "1.9", ["b"]))
    with pytest.raises(PackageError) as info:
        packages.install_from_index("fr-ru", url)
    assert str(info.value) == (
        f"the package index {url} has no fr→ru package; install fr-en and en-ru "
        "(`workbench models install fr-en en-ru`) and use --pivot en."
    )


def test_advice_without_a_known_index(packages_dir: Path) -> None:
    assert str(ModelMissing("ru", "en")) == (
        "no ru→en model is installed; run `workbench models install ru-en` "
        "(or `workbench models install FILE.argosmodel` offline)."
    )
    # Argos packages pair with English: without a known index, the pivot is advised, not fr-ru.
    assert str(ModelMissing("fr", "ru")) == (
        "no fr→ru model is installed; install fr-en and en-ru (`workbench models install fr-en en-ru`) "
        "and use --pivot en (or `workbench models install FILE.argosmodel` offline)."
    )


def test_argospm_cached_index_is_used(packages_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from argostranslate import settings

    cache = packages_dir.parent / "argospm-index.json"
    cache.write_text(
        json.dumps(
            [
                {"from_code": "fr", "to_code": "en", "links": ["x"]},
                {"from_code": "en", "to_code": "ru", "links": ["y"]},
            ]
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(settings, "local_package_index", cache)
    assert "install fr-en and en-ru" in str(ModelMissing("fr", "ru"))


# -- staging where no tool looks --------------------------------------------------------


def test_install_stages_beside_the_packages_folder(packages_dir: Path, argos_package: Path) -> None:
    seen: list[list[str]] = []
    original = packages.verify_package

    def watching(folder: Path, name: str) -> packages.InstalledModel:
        seen.append(sorted(p.name for p in packages_dir.iterdir()))
        assert packages_dir not in folder.parents  # staged outside the packages folder
        assert folder.stat().st_dev == packages_dir.stat().st_dev  # one rename away
        return original(folder, name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(installer, "verify_package", watching)
        install_archive(argos_package)
    assert seen == [[]]  # nothing in the packages folder while unpacking and verifying
    assert sorted(p.name for p in packages_dir.iterdir()) == [TOP]
    assert staged(packages_dir) == []
    assert argos_lists(packages_dir).stdout.strip() == "['fr-en']"


KILL_MID_INSTALL = """
import os, signal, sys
from pathlib import Path
from workbench.mt import packages
from workbench.mt.packages import install
def die(folder, name):
    os.kill(os.getpid(), signal.SIGKILL)
install.verify_package = die
packages.install_archive(Path(sys.argv[1]))
"""


def kill_mid_install(archive: Path) -> subprocess.CompletedProcess[bytes]:
    """Install `archive` in a child that SIGKILLs itself once the stage is unpacked."""
    env = {**os.environ, "PYTHONPATH": str(GUARD)}
    return subprocess.run(
        [sys.executable, "-c", KILL_MID_INSTALL, str(archive)], env=env, cwd=ROOT, timeout=60, check=False
    )


def test_an_install_killed_midway_leaves_the_packages_folder_listable(
    packages_dir: Path, argos_package: Path
) -> None:
    assert kill_mid_install(argos_package).returncode == -9
    assert list(packages_dir.iterdir()) == []
    assert len(staged(packages_dir)) == 1  # the dead install's stage, outside the packages folder
    listing = argos_lists(packages_dir)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.strip() == "[]"
    # The next install removes the dead process's stage.
    install_archive(argos_package)
    assert staged(packages_dir) == []
    assert argos_lists(packages_dir).stdout.strip() == "['fr-en']"


def test_hidden_leftovers_of_older_versions_are_warned_about_then_removed(
    packages_dir: Path, argos_package: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (packages_dir / ".installing-abc123" / TOP).mkdir(parents=True)
    (packages_dir / ".old-x-123").mkdir()
    (packages_dir / "stray").mkdir()  # someone else's folder, no metadata.json: warned, kept
    (packages_dir / ".cache").mkdir()  # someone else's hidden folder: warned, kept
    fake_installed(packages_dir, "de", "en")
    broken = argos_lists(packages_dir)
    assert broken.returncode != 0 and "metadata.json" in broken.stderr  # the defect itself
    with caplog.at_level(logging.WARNING, logger="workbench.mt.packages"):
        assert [m.pair for m in packages.installed_models()] == ["de-en"]
    warned = caplog.text
    assert ".installing-abc123 was left by an interrupted install; argostranslate" in warned
    assert "stray is not a usable translation package: it has no metadata.json" in warned
    assert ".cache is a hidden folder in the packages folder; argostranslate" in warned
    install_archive(argos_package)
    assert sorted(p.name for p in packages_dir.iterdir()) == [".cache", "stray", "translate-de_en-1_0", TOP]
    (packages_dir / "stray").rmdir()
    (packages_dir / ".cache").rmdir()
    assert argos_lists(packages_dir).stdout.strip() == "['de-en', 'fr-en']"


def test_remove_clears_leftovers_of_interrupted_installs(
    installed: packages.InstalledModel, packages_dir: Path
) -> None:
    (packages_dir / ".installing-q1").mkdir()
    packages.remove("fr-en")
    assert list(packages_dir.iterdir()) == [] and staged(packages_dir) == []


def test_models_list_warns_on_stderr(packages_dir: Path) -> None:
    (packages_dir / ".installing-zzz").mkdir()
    result = run_cli("models", "list")
    assert result.returncode == 0
    assert b"No models installed" in result.stdout
    assert result.stderr.startswith(b"workbench: warning: ") and b".installing-zzz" in result.stderr


def test_stale_stages_go_live_ones_stay(packages_dir: Path, argos_package: Path) -> None:
    from filelock import FileLock

    root = packages.workbench_dir() / "staging"
    host = socket.gethostname()
    stages = {
        "live, no lock yet": root / f"{os.getpid()}.aaaa.{host}",
        "dead owner": root / f"999999999.bbbb.{host}",  # above any pid_max
        "lock left, owner gone": root / f"{os.getpid()}.cccc.{host}",  # e.g. its pid was reused
        "locked, hours old": root / "1.dddd.another-machine",
        "another machine, fresh": root / "1.eeee.another-machine",
        "another machine, hours old": root / "1.ffff.another-machine",
    }
    for stage in stages.values():
        stage.mkdir(parents=True)
    (stages["lock left, owner gone"] / staging_folders.OWNER_LOCK).touch()
    held = FileLock(stages["locked, hours old"] / staging_folders.OWNER_LOCK)
    held.acquire()
    hours_ago = time.time() - 7200
    for key in ("locked, hours old", "another machine, hours old"):
        os.utime(stages[key], (hours_ago, hours_ago))
    try:
        install_archive(argos_package)
    finally:
        held.release()
    kept = {stages[k].name for k in ("live, no lock yet", "locked, hours old", "another machine, fresh")}
    assert staged(packages_dir) == sorted(kept)


def test_a_failed_rename_installs_nothing_and_keeps_the_old_package(
    packages_dir: Path, argos_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = install_archive(argos_package)
    before = sorted(p.relative_to(packages_dir) for p in packages_dir.rglob("*"))
    rename = os.rename

    def failing(src: object, dst: object) -> None:
        if Path(str(dst)) == first.path and "unpacked" in str(src):
            raise PermissionError(13, "Permission denied")
        rename(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", failing)
    monkeypatch.setattr(installer, "exchange", lambda a, b: False)  # the two-rename fallback
    with pytest.raises(PackageError) as info:
        install_archive(argos_package)
    assert str(info.value) == (
        f"could not install {argos_package.name} in {packages_dir} (Permission denied); nothing was installed."
    )
    assert sorted(p.relative_to(packages_dir) for p in packages_dir.rglob("*")) == before
    assert staged(packages_dir) == []


def test_a_package_folder_of_another_pair_is_not_replaced(
    packages_dir: Path, argos_package: Path, tmp_path: Path
) -> None:
    # A de→en package sits in the folder name the fr→en archive uses.
    other = fake_installed(packages_dir, "de", "en").rename(packages_dir / TOP)
    with pytest.raises(PackageError) as info:
        install_archive(argos_package)
    assert str(info.value) == (
        f"{argos_package.name} holds a fr→en package in {TOP}/, which would replace the installed "
        f"de→en package at {other}; nothing was installed."
    )
    assert [m.pair for m in packages.installed_models()] == ["de-en"] and staged(packages_dir) == []


def test_installs_take_turns_at_the_packages_folder(
    packages_dir: Path, argos_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl

    monkeypatch.setattr(installer, "LOCK_TIMEOUT", 0.05)
    held = os.open(packages_dir, os.O_RDONLY)  # another install, mid-rename
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        with pytest.raises(
            PackageError, match="another install into .* is still running; nothing was installed"
        ):
            install_archive(argos_package)
    finally:
        os.close(held)
    assert list(packages_dir.iterdir()) == [] and staged(packages_dir) == []
    assert install_archive(argos_package).pair == "fr-en"


def test_a_reinstall_swaps_in_one_step(
    packages_dir: Path, argos_package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = install_archive(argos_package)
    newer = rebuild(
        argos_package,
        tmp_path / "newer.argosmodel",
        lambda n, d: d.replace(b'"0.0.1"', b'"0.0.2"') if n.endswith("metadata.json") else d,
    )
    renamed: list[tuple[str, str]] = []
    rename = os.rename
    monkeypatch.setattr(os, "rename", lambda a, b: renamed.append((str(a), str(b))) or rename(a, b))
    second = install_archive(newer)
    assert (second.path, second.version) == (first.path, "0.0.2")
    assert not any(dst == str(first.path) or src == str(first.path) for src, dst in renamed)  # swapped
    assert sorted(p.name for p in packages_dir.iterdir()) == [TOP] and staged(packages_dir) == []


@pytest.mark.parametrize("errno_", [28, 30])  # ENOSPC, EROFS
def test_full_or_read_only_disk_while_unpacking(
    errno_: int, packages_dir: Path, argos_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object) -> None:
        raise OSError(errno_, os.strerror(errno_))

    monkeypatch.setattr(installer, "_extract", full)
    with pytest.raises(PackageError, match=rf"\({os.strerror(errno_)}\); nothing was installed\.$"):
        install_archive(argos_package)
    assert list(packages_dir.iterdir()) == [] and staged(packages_dir) == []


def test_a_file_where_the_packages_folder_should_be(tmp_path: Path, argos_package: Path, monkeypatch) -> None:
    where = tmp_path / "packages"
    where.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(where))
    with pytest.raises(PackageError, match="is a file, not a folder; nothing was installed"):
        install_archive(argos_package)
    result = run_cli("models", "install", str(argos_package))
    assert result.returncode == 1 and result.stderr.count(b"\n") == 1
    assert b"Traceback" not in result.stderr and where.read_text(encoding="utf-8") == "not a folder"


def test_remove_from_a_read_only_folder_keeps_the_package(
    installed: packages.InstalledModel, packages_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(src: object, dst: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(os, "rename", read_only)
    with pytest.raises(PackageError) as info:
        packages.remove("fr-en")
    assert str(info.value) == (
        f"could not remove fr-en from {packages_dir} (the folder is read-only); it is still installed."
    )
    assert packages.read_installed(installed.path) == installed


def test_remove_what_is_not_installed_in_the_cli(packages_dir: Path) -> None:
    result = run_cli("models", "remove", "translate-ru_en")
    assert result.returncode == 1
    assert result.stderr == b"workbench: no ru\xe2\x86\x92en model is installed.\n"


# -- archives that must be refused ------------------------------------------------------


def _zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def _package_members(top: str) -> list[tuple[str, bytes]]:
    return [
        (f"{top}/metadata.json", json.dumps({"from_code": "fr", "to_code": "en"}).encode()),
        (f"{top}/model/model.bin", b"x"),
        (f"{top}/sentencepiece.model", b"y"),
    ]


def test_absurd_member_count_is_refused(packages_dir: Path, tmp_path: Path) -> None:
    many = [(f"pkg/f/{i}", b"") for i in range(checks.MAX_MEMBERS)]
    bad = _zip(tmp_path / "many.argosmodel", [*_package_members("pkg"), *many])
    with pytest.raises(PackageError, match=r"holds 10,003 members, more than a model package has"):
        install_archive(bad)
    assert list(packages_dir.iterdir()) == []


def _declaring(path: Path, entries: int) -> int:
    """Rewrite the end record of `path` to declare `entries` members, whatever it holds;
    return the size of its central directory, as the end record gives it."""
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = entries.to_bytes(2, "little") * 2  # on this disk, in total
    path.write_bytes(data)
    return int.from_bytes(data[end + 12 : end + 16], "little")


def test_a_huge_member_list_is_refused_before_zipfile_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # zipfile.ZipFile reads the whole central directory and builds a ZipInfo per entry
    # before any check can run: a small file with millions of entries exhausts memory.
    many = _zip(
        tmp_path / "many.argosmodel",
        [*_package_members("pkg"), *((f"pkg/f/{i}", b"") for i in range(checks.MAX_MEMBERS))],
    )
    understated = _zip(
        tmp_path / "understated.argosmodel",
        [*_package_members("pkg"), *((f"pkg/{'n' * 120}{i}", b"") for i in range(20_000))],
    )
    size = _declaring(understated, 3)
    assert len(zipfile.ZipFile(understated).infolist()) == 20_003  # zipfile reads what is there

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("zipfile read the central directory of a hostile archive")

    monkeypatch.setattr(zipfile, "ZipFile", never)
    with pytest.raises(PackageError) as info:
        packages.check_archive(many)
    assert str(info.value) == "many.argosmodel is refused: it holds 10,003 members, more than a model package has."
    with pytest.raises(PackageError) as info:
        packages.check_archive(understated)
    assert str(info.value) == (
        f"understated.argosmodel is refused: its list of members takes {size / 1e6:.1f} MB, "
        "more than a model package has."
    )


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (_package_members(".pkg"), "its package folder '.pkg' is hidden"),
        ([*_package_members("pkg"), ("README.md", b"hi")], "exactly one package folder, not 2 entries"),
        ([*_package_members("pkg"), ("pkg", b"x")], "member 'pkg' is both a file and a folder"),
        ([*_package_members("pkg"), ("pkg/model/model.bin/x", b"")], "'pkg/model/model.bin' is both a file"),
    ],
)
def test_hidden_or_second_top_folder_is_refused(
    members: list[tuple[str, bytes]], message: str, packages_dir: Path, tmp_path: Path
) -> None:
    bad = _zip(tmp_path / "bad.argosmodel", members)
    with pytest.raises(PackageError, match=message):
        install_archive(bad)
    assert list(packages_dir.iterdir()) == []


def _truncated(member: str) -> Callable[[str, bytes], bytes]:
    return lambda name, data: data[: len(data) // 2] if name == f"{TOP}/{member}" else data


def test_corrupt_tokenizer_is_refused_before_installing(
    packages_dir: Path, argos_package: Path, tmp_path: Path
) -> None:
    bad = rebuild(argos_package, tmp_path / "t.argosmodel", _truncated("sentencepiece.model"))
    packages.check_archive(bad)  # a valid zip with valid metadata: only loading finds the fault
    with pytest.raises(PackageError, match=r"^t\.argosmodel is refused: its tokenizer cannot be loaded \("):
        install_archive(bad)
    assert list(packages_dir.iterdir()) == [] and staged(packages_dir) == []


def test_corrupt_model_is_refused_before_installing(
    packages_dir: Path, argos_package: Path, tmp_path: Path
) -> None:
    bad = rebuild(argos_package, tmp_path / "m.argosmodel", _truncated("model/model.bin"))
    with pytest.raises(
        PackageError, match=r"^m\.argosmodel is refused: its CTranslate2 model cannot be loaded \("
    ):
        install_archive(bad)
    assert list(packages_dir.iterdir()) == [] and staged(packages_dir) == []


def _with_bpe(contents: bytes) -> Callable[[str, bytes], bytes | None]:
    def edit(name: str, data: bytes) -> bytes | None:
        return None if name.endswith("sentencepiece.model") else data

    return edit


def test_bpe_tokenizers_are_loaded_too(packages_dir: Path, argos_package: Path, tmp_path: Path) -> None:
    def archive(bpe: bytes, name: str) -> Path:
        path = rebuild(argos_package, tmp_path / name, _with_bpe(bpe))
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr(f"{TOP}/bpe.model", bpe)
        return path

    good = install_archive(archive(b"#version: 0.2\nT e\nTe s\n", "good.argosmodel"))
    assert (good.path / "bpe.model").is_file()
    packages.remove("fr-en")
    with pytest.raises(PackageError, match="its tokenizer cannot be loaded"):
        install_archive(archive(b"\xff\xfe\x00garbage\x80", "bad.argosmodel"))
    assert list(packages_dir.iterdir()) == []


# -- standard input ---------------------------------------------------------------------


def test_install_from_standard_input(packages_dir: Path, argos_package: Path) -> None:
    result = run_cli("models", "install", "-", stdin=argos_package.read_bytes())
    assert result.returncode == 0, result.stderr
    assert b"Installed fr-en 0.0.1" in result.stdout
    assert [m.pair for m in packages.installed_models()] == ["fr-en"]
    assert staged(packages_dir) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"",
            b"workbench: standard input is empty; pipe a .argosmodel file into `workbench models install -`.\n",
        ),
        (
            b"garbage",
            b"workbench: the archive on standard input is not a valid .argosmodel (not a zip archive).\n",
        ),
    ],
)
def test_bad_standard_input(data: bytes, message: bytes, packages_dir: Path) -> None:
    result = run_cli("models", "install", "-", stdin=data)
    assert (result.returncode, result.stderr) == (1, message)
    assert list(packages_dir.iterdir()) == [] and staged(packages_dir) == []


def test_closed_standard_input(packages_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(GUARD), "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "models", "install", "-"],
        capture_output=True,
        preexec_fn=lambda: os.close(0),  # the child starts without fd 0
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        b"workbench: standard input is closed; pipe a .argosmodel file into `workbench models install -`.\n"
    )


def test_argostranslate_settings_that_cannot_load_give_one_sentence(
    tmp_path: Path, argos_package: Path
) -> None:
    # argostranslate creates its folders at import; here it cannot (a file stands in the way).
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "ARGOS_PACKAGES_DIR"}
    env.update(XDG_DATA_HOME=str(blocker / "data"), PYTHONPATH=str(GUARD), PYTHONIOENCODING="utf-8")

    def cli(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "workbench", "models", *args],
            capture_output=True,
            env=env,
            cwd=ROOT,
            timeout=60,
            check=False,
        )

    listed = cli("list")
    assert listed.returncode == 0 and b"No models installed" in listed.stdout, listed.stderr
    installed = cli("install", str(argos_package))
    assert installed.returncode == 1
    assert (
        installed.stderr
        == (
            f"workbench: cannot create the packages folder {blocker}/data/argos-translate/packages "
            "(Not a directory); nothing was installed.\n"
        ).encode()
    )


# -- a packages folder that is a mount point of its own ---------------------------------

UNSHARE = shutil.which("unshare")


@functools.cache
def private_mounts_available() -> bool:
    if UNSHARE is None:
        return False
    probe = subprocess.run([UNSHARE, "-m", "mount", "--bind", "/", "/mnt"], capture_output=True, check=False)
    return probe.returncode == 0


def in_mount(folder: Path, read_only: bool, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run `args` in a private mount namespace where `folder` is bind-mounted on itself (a
    mount point, as a Docker volume would be), read-only if asked."""
    remount = f' && mount -o remount,ro,bind "{folder}" "{folder}"' if read_only else ""
    script = f'mount --bind "{folder}" "{folder}"{remount} && exec "$@"'
    env = {**os.environ, "PYTHONPATH": str(GUARD), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [str(UNSHARE), "-m", "sh", "-c", script, "sh", *args],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


needs_mounts = pytest.mark.skipif(
    not private_mounts_available(), reason="private mount namespaces (unshare -m) are not permitted here"
)


@needs_mounts
def test_a_read_only_packages_folder(
    installed: packages.InstalledModel, packages_dir: Path, argos_package: Path
) -> None:
    workbench = [sys.executable, "-m", "workbench", "models"]
    result = in_mount(packages_dir, True, *workbench, "install", str(argos_package))
    assert (result.returncode, result.stderr.decode()) == (
        1,
        f"workbench: the packages folder {packages_dir} is read-only; nothing was installed.\n",
    )
    result = in_mount(packages_dir, True, *workbench, "remove", "fr-en")
    assert (result.returncode, result.stderr.decode()) == (
        1,
        f"workbench: the packages folder {packages_dir} is read-only; nothing was removed.\n",
    )
    assert packages.read_installed(installed.path) == installed


INSTALL_COUNTING_INNER_STAGES = """
import sys
from pathlib import Path
from workbench.mt import packages
from workbench.mt.packages import install
used = []
inner_stage = install.inner_stage
def counting(*args):
    used.append(args)
    return inner_stage(*args)
install.inner_stage = counting
packages.install_archive(Path(sys.argv[1]))
print("inner stages used:", len(used))
"""


@needs_mounts
def test_a_packages_folder_that_is_a_mount_point(packages_dir: Path, argos_package: Path) -> None:
    # A rename from the staging folder beside it fails (EXDEV): the verified package is
    # copied into a marked stage inside the packages folder and renamed from there.
    result = in_mount(
        packages_dir, False, sys.executable, "-c", INSTALL_COUNTING_INNER_STAGES, str(argos_package)
    )
    assert (result.returncode, result.stdout) == (0, b"inner stages used: 1\n"), result.stderr
    assert sorted(p.name for p in packages_dir.iterdir()) == [TOP]
    workbench = [sys.executable, "-m", "workbench", "models"]
    result = in_mount(packages_dir, False, *workbench, "remove", "fr-en")
    assert result.returncode == 0, result.stderr
    assert list(packages_dir.iterdir()) == [] and staged(packages_dir) == []


def test_a_marked_inner_stage_never_breaks_argostranslate(packages_dir: Path, argos_package: Path) -> None:
    install_archive(argos_package)
    # As a kill in the middle of an install into a mount point leaves it:
    with staging_folders.inner_stage(
        packages_dir, packages_dir.parent / f"999999999.x.{socket.gethostname()}"
    ) as inner:
        (inner / "unpacked").mkdir()
        listing = argos_lists(packages_dir)
        # Listed as a package of another type (which argostranslate.translate filters out),
        # never a failure.
        assert listing.returncode == 0, listing.stderr
        assert listing.stdout.strip() == "['None-None', 'fr-en']"
        assert [m.pair for m in packages.installed_models()] == ["fr-en"]
        packages.clean_stale()  # its owner's stage is gone: removed
        assert not inner.exists()


def test_stages_inside_the_packages_folder_when_beside_it_cannot_be_written(
    packages_dir: Path, argos_package: Path
) -> None:
    packages.workbench_dir().write_text("a file where workbench's folder would go", encoding="utf-8")
    seen: list[str] = []
    original = packages.verify_package

    def watching(folder: Path, name: str) -> packages.InstalledModel:
        seen.append(argos_lists(packages_dir).stdout.strip())  # argostranslate, mid-install
        return original(folder, name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(installer, "verify_package", watching)
        install_archive(argos_package)
    assert seen == ["['None-None']"]  # the marked stage: listed as another type, never a failure
    assert sorted(p.name for p in packages_dir.iterdir()) == [TOP]
    assert kill_mid_install(argos_package).returncode == -9
    [left] = [p for p in packages_dir.iterdir() if p.name != TOP]
    assert left.name.startswith(".workbench-staging-")
    assert argos_lists(packages_dir).returncode == 0
    packages.remove("fr-en")  # the dead install's stage goes with the next install or removal
    assert list(packages_dir.iterdir()) == []


def test_a_file_named_for_one_pair_holding_another_is_refused(
    packages_dir: Path, argos_package: Path, tmp_path: Path
) -> None:
    misnamed = with_pair(argos_package, tmp_path / "translate-fr_en-1_9.argosmodel", "ru", "en")
    with pytest.raises(PackageError) as info:
        install_archive(misnamed)
    assert str(info.value) == (
        "translate-fr_en-1_9.argosmodel holds a ru→en package, not fr→en; nothing was installed."
    )
    assert list(packages_dir.iterdir()) == []
    # A name that says no pair says nothing to check.
    renamed = misnamed.rename(tmp_path / "model.argosmodel")
    assert install_archive(renamed).pair == "ru-en"


def test_an_unreachable_index_does_not_send_the_user_for_a_file_it_lacks(
    server: Server, packages_dir: Path
) -> None:
    packages.fetch_index(server.index(("fr", "en", "1.9", ["a"]), ("en", "ru", "1.9", ["b"])))
    with pytest.raises(PackageError) as info:
        packages.install_from_index("fr-ru", "http://127.0.0.1:9/index.json")
    assert str(info.value) == (
        "the package index http://127.0.0.1:9/index.json cannot be reached (Connection refused), and as "
        "last fetched it has no fr→ru package; install fr-en and en-ru (`workbench models install fr-en "
        "en-ru`) and use --pivot en; offline, install each .argosmodel file with "
        "`workbench models install FILE.argosmodel`."
    )
    with pytest.raises(PackageError, match="copy the fr-en .argosmodel file here"):
        packages.install_from_index("fr-en", "http://127.0.0.1:9/index.json")


def test_an_endless_stream_is_cut_off(
    packages_dir: Path, argos_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(installer, "MAX_DOWNLOAD_BYTES", 2_500_000)
    with pytest.raises(PackageError) as info:
        packages.install_stream(io.BytesIO(bytes(3_000_000)))
    assert str(info.value) == "standard input is refused: it is larger than 2.5 MB."
    assert list(packages_dir.iterdir()) == [] and staged(packages_dir) == []


def test_a_download_larger_than_any_model_is_cut_off(
    server: Server, packages_dir: Path, argos_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (server.folder / "a.argosmodel").write_bytes(argos_package.read_bytes())
    url = server.index(("fr", "en", "1.9", ["a.argosmodel"]))
    monkeypatch.setattr(downloads, "MAX_DOWNLOAD_BYTES", 1000)
    size = f"{argos_package.stat().st_size / 1000:.1f} kB"  # what the server's Content-Length says
    with pytest.raises(PackageError) as info:
        packages.install_from_index("fr-en", url)
    assert str(info.value).endswith(f"/a.argosmodel is {size}, more than a model package has.")
    assert list(packages_dir.iterdir()) == [] and staged(packages_dir) == []
