"""Installing, finding and removing Argos packages; archives are checked before anything is written."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import stat
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import run_cli

from workbench.mt import packages
from workbench.mt.packages import PackageError, check_archive, install_archive


def rebuild(source: Path, target: Path, edit) -> Path:
    """Copy an archive member by member, letting `edit(name, data)` change, drop (None) or add."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            result = edit(info.filename, src.read(info))
            if result is not None:
                dst.writestr(info, result)
    return target


def installed_dirs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_install_list_remove(packages_dir: Path, argos_package: Path) -> None:
    model = install_archive(argos_package)
    assert (model.pair, model.version) == ("fr-en", "0.0.1")
    assert model.path.parent == packages_dir
    [listed] = packages.installed_models()
    assert listed == model and listed.size() > 100_000
    assert model.identity().startswith("argos/fr-en/0.0.1/")
    removed = packages.remove("fr-en")
    assert removed.path == model.path and not model.path.exists()
    assert packages.installed_models() == []
    with pytest.raises(PackageError, match="no fr→en model is installed"):
        packages.remove("fr-en")


def test_reinstall_replaces_in_place(packages_dir: Path, argos_package: Path) -> None:
    install_archive(argos_package)
    install_archive(argos_package)
    assert installed_dirs(packages_dir) == ["translate-fr_en-synthetic"]


def test_package_installed_by_argostranslate_is_found(packages_dir: Path, argos_package: Path) -> None:
    # argospm and LibreTranslate unpack the archive into the same folder.
    with zipfile.ZipFile(argos_package) as archive:
        archive.extractall(packages_dir)
    assert [m.pair for m in packages.installed_models()] == ["fr-en"]
    from argostranslate.package import Package

    assert Package(packages.installed_models()[0].path).from_code == "fr"


def test_broken_folders_are_ignored_not_fatal(packages_dir: Path, argos_package: Path) -> None:
    (packages_dir / "half-copied").mkdir()
    (packages_dir / "bad-json").mkdir()
    (packages_dir / "bad-json" / "metadata.json").write_text("{", encoding="utf-8")
    install_archive(argos_package)
    assert [m.pair for m in packages.installed_models()] == ["fr-en"]


CASES = {
    "not a zip": (lambda src, dst: dst.write_bytes(b"not a zip at all"), "not a zip archive"),
    "missing metadata": (
        lambda src, dst: rebuild(src, dst, lambda n, d: None if n.endswith("metadata.json") else d),
        "no metadata.json",
    ),
    "missing model": (
        lambda src, dst: rebuild(src, dst, lambda n, d: None if n.endswith("model.bin") else d),
        "no CTranslate2 model",
    ),
    "missing tokenizer": (
        lambda src, dst: rebuild(src, dst, lambda n, d: None if n.endswith("sentencepiece.model") else d),
        "no tokenizer",
    ),
    "metadata without from_code": (
        lambda src, dst: rebuild(
            src,
            dst,
            lambda n, d: json.dumps({"to_code": "en"}).encode() if n.endswith("metadata.json") else d,
        ),
        "has no from_code",
    ),
    "metadata not json": (
        lambda src, dst: rebuild(src, dst, lambda n, d: b"{oops" if n.endswith("metadata.json") else d),
        "not valid JSON",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_archives_are_refused_and_nothing_is_installed(
    case: str, packages_dir: Path, argos_package: Path, tmp_path: Path
) -> None:
    make, message = CASES[case]
    bad = tmp_path / "bad.argosmodel"
    make(argos_package, bad)
    with pytest.raises(PackageError, match=message):
        install_archive(bad)
    assert installed_dirs(packages_dir) == []


def _write_zip(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


def _valid_members(top: str = "pkg") -> list[tuple[zipfile.ZipInfo | str, bytes]]:
    return [
        (f"{top}/metadata.json", json.dumps({"from_code": "fr", "to_code": "en"}).encode()),
        (f"{top}/model/model.bin", b"x" * 100),
        (f"{top}/sentencepiece.model", b"y" * 100),
    ]


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../escape.txt", "would escape the package folder"),
        ("pkg/../../escape.txt", "would escape the package folder"),
        ("/etc/evil", "would escape the package folder"),
        ("pkg\\..\\evil", "would escape the package folder"),
    ],
)
def test_zip_slip_is_refused(member: str, message: str, packages_dir: Path, tmp_path: Path) -> None:
    bad = _write_zip(tmp_path / "slip.argosmodel", [*_valid_members(), (member, b"gotcha")])
    with pytest.raises(PackageError, match=message):
        install_archive(bad)
    assert installed_dirs(packages_dir) == []
    assert not (tmp_path / "escape.txt").exists()


def test_symlink_member_is_refused(packages_dir: Path, tmp_path: Path) -> None:
    link = zipfile.ZipInfo("pkg/model/link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    bad = _write_zip(tmp_path / "link.argosmodel", [*_valid_members(), (link, b"/etc/passwd")])
    with pytest.raises(PackageError, match="symbolic link"):
        install_archive(bad)
    assert installed_dirs(packages_dir) == []


def test_zip_bomb_is_refused(packages_dir: Path, tmp_path: Path) -> None:
    bad = _write_zip(
        tmp_path / "bomb.argosmodel", [*_valid_members(), ("pkg/model/pad.bin", bytes(50_000_000))]
    )
    with pytest.raises(PackageError, match="zip bomb"):
        install_archive(bad)
    assert installed_dirs(packages_dir) == []


def test_two_top_level_folders_are_refused(packages_dir: Path, tmp_path: Path) -> None:
    bad = _write_zip(tmp_path / "two.argosmodel", [*_valid_members("a"), *_valid_members("b")])
    with pytest.raises(PackageError, match="exactly one package folder"):
        install_archive(bad)


def test_corrupt_member_is_refused(packages_dir: Path, argos_package: Path, tmp_path: Path) -> None:
    bad = tmp_path / "corrupt.argosmodel"
    shutil.copy(argos_package, bad)
    with zipfile.ZipFile(bad) as archive:
        info = archive.getinfo("translate-fr_en-synthetic/model/model.bin")
    data = bytearray(bad.read_bytes())
    offset = info.header_offset + 30 + len(info.filename) + len(info.extra) + 200
    data[offset : offset + 64] = bytes(64)
    bad.write_bytes(bytes(data))
    with pytest.raises(PackageError, match="corrupt"):
        install_archive(bad)
    assert installed_dirs(packages_dir) == []


def test_check_archive_reads_metadata(argos_package: Path) -> None:
    archive = check_archive(argos_package)
    assert archive.top == "translate-fr_en-synthetic"
    assert (archive.metadata["from_code"], archive.metadata["to_code"]) == ("fr", "en")


class _Index:
    """A package index on 127.0.0.1 serving index.json and one archive."""

    def __init__(self, folder: Path, archive: Path, pair=("fr", "en")) -> None:
        shutil.copy(archive, folder / "fr_en.argosmodel")
        self.folder = folder
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None  # type: ignore[method-assign]
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        index = [
            {
                "from_code": pair[0],
                "to_code": pair[1],
                "package_version": "1.9",
                "type": "translate",
                "links": [f"{self.url}/fr_en.argosmodel"],
            }
        ]
        (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def index(tmp_path: Path, argos_package: Path):
    served = tmp_path / "served"
    served.mkdir()
    server = _Index(served, argos_package)
    yield server
    server.close()


def test_install_from_index_on_loopback(index: _Index, packages_dir: Path) -> None:
    seen = []
    model = packages.install_from_index(
        "fr-en", f"{index.url}/index.json", progress=lambda d, t: seen.append((d, t))
    )
    assert model.pair == "fr-en"
    assert seen and seen[-1][0] == seen[-1][1]  # the download reported its full length
    assert [m.pair for m in packages.installed_models()] == ["fr-en"]


def test_index_url_from_environment_points_at_a_mirror(
    index: _Index, packages_dir: Path, monkeypatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", index.url + "/")
    assert packages.index_url() == index.url + "/index.json"
    assert packages.install_from_index("fr_en").pair == "fr-en"


def test_index_without_the_pair(index: _Index, packages_dir: Path) -> None:
    with pytest.raises(PackageError, match="has no ru→en package"):
        packages.install_from_index("ru-en", f"{index.url}/index.json")


def test_unreachable_index_says_how_to_install_from_a_file(packages_dir: Path) -> None:
    with pytest.raises(PackageError) as info:
        packages.install_from_index("fr-en", "http://127.0.0.1:9/index.json")
    assert "cannot be reached" in str(info.value)
    assert "workbench models install FILE.argosmodel" in str(info.value)


def test_bad_pair(packages_dir: Path) -> None:
    with pytest.raises(PackageError, match="is not a language pair"):
        packages.install_from_index("french", "http://127.0.0.1:9/index.json")


def test_models_cli(packages_dir: Path, argos_package: Path, index: _Index) -> None:
    assert b"No models installed" in run_cli("models", "list").stdout
    result = run_cli("models", "install", str(argos_package))
    assert result.returncode == 0, result.stderr
    listed = json.loads(run_cli("models", "list", "--json").stdout)
    assert [(m["pair"], m["version"]) for m in listed] == [("fr-en", "0.0.1")]
    assert run_cli("models", "remove", "fr-en").returncode == 0
    result = run_cli("models", "install", "fr-en", "--index", f"{index.url}/index.json")
    assert result.returncode == 0, result.stderr
    assert b"Installed fr-en 1.9" not in result.stdout  # the version comes from the archive's own metadata
    assert b"Installed fr-en 0.0.1" in result.stdout
    result = run_cli("models", "install", "ru-en", "--index", "http://127.0.0.1:9/index.json")
    assert result.returncode == 1
    assert result.stderr.count(b"\n") == 1 and b"Traceback" not in result.stderr
