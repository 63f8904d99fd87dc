"""A catalogue of nasty inputs, each through the real command line: every one gets a clear
sentence or a correct result, never a traceback, never a partial write, bounded memory."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import GUARD, ROOT, run_cli
from figures import add

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)


def zip_bytes(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return out.getvalue()


def model_members(top: str = "pkg") -> list[tuple[zipfile.ZipInfo | str, bytes]]:
    return [
        (f"{top}/metadata.json", json.dumps({"from_code": "fr", "to_code": "en"}).encode()),
        (f"{top}/model/model.bin", b"x" * 100),
        (f"{top}/sentencepiece.model", b"y" * 100),
    ]


def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


ARTICLES = {
    "empty": (b"", "is empty"),
    "only white space": (b" \n\t\r\n", "is empty"),
    "binary": (bytes(range(256)) * 64, "binary"),
    "NUL bytes in text": (b"Le Kremlin\x00a\x00r\xc3\xa9agi\x00" * 50, "binary"),
    "PDF": (b"%PDF-1.4\n" + bytes(500), "PDF document"),
    "gzip": (b"\x1f\x8b\x08\x00" + bytes(100), "gzip archive"),
    "50 MB single line": (b"a" * (50 * 1024 * 1024), "Workbench reads articles of up to 4 MB"),
    "only web cruft": (b"S'abonner\n0\nloader\nChat\n", "no article text left"),
}


# The child reports its own peak from /proc (VmHWM belongs to the process's memory map,
# which exec replaces); getrusage would include the pytest process it was forked from.
MEASURED = """
import atexit, os, sys
def peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(os.environ["PEAK_FILE"], "w") as out:
                    out.write(line.split()[1])
atexit.register(peak)
sys.argv = ["workbench", *sys.argv[1:]]
from workbench.cli import main
main()
"""


def run_measured(data: bytes, tmp_path: Path, *args: str) -> tuple[int, bytes, bytes, int]:
    """Run the CLI on `data` as standard input; return its code, output, and its own peak RSS in KB."""
    peak = tmp_path / "peak"
    env = {**os.environ, "PYTHONPATH": str(GUARD), "PEAK_FILE": str(peak)}
    result = subprocess.run([sys.executable, "-c", MEASURED, *args], input=data, capture_output=True, env=env)
    return result.returncode, result.stdout, result.stderr, int(peak.read_text())


@pytest.mark.parametrize("case", sorted(ARTICLES))
def test_bad_articles_get_one_sentence(case: str, tmp_path: Path) -> None:
    data, message = ARTICLES[case]
    code, out, err_bytes, peak_kb = run_measured(data, tmp_path, "clean", "-")
    add("nasty inputs tried")
    assert code == 1
    err = err_bytes.decode()
    assert message in err and err.startswith("workbench: ") and err.count("\n") == 1, err
    assert b"Traceback" not in err_bytes and out == b""
    assert peak_kb < 400 * 1024, f"{peak_kb // 1024} MB"  # bounded: a 50 MB input is refused unread


GOOD_BUT_ODD = {
    "invalid UTF-8 byte in UTF-8 text": (
        "Le Kremlin a réagi mardi.\n".encode() + b"\xff" + " Fin de la dépêche.\n".encode(),
        "Le Kremlin a réagi mardi.",
    ),
    "mixed encodings in one file": (
        b"Titre de l'article\n"
        + "Le ministère a réagi à la décision.\n".encode("cp1252")
        + "Песков заявил.\n".encode(),
        "Titre de l'article",
    ),
    "bidi override and zero-width": (
        "Le\u202e Kremlin\u200b a\u2066 réagi.\n".encode(),
        "Le Kremlin a réagi.",
    ),
    "extremely long word": (("Titre\n" + "Mot" * 30000 + " et fin.\n").encode(), "Titre"),
    "Cyrillic giant word": (("Заголовок\n" + "ж" * 100_000 + " конец.\n").encode(), "Заголовок"),
    "CRLF and lone CR": (b"Titre\r\rUn paragraphe.\rDeux.\r\n", "Titre"),
    "control characters": (b"Titre\x07\x1b[31m\nUn para\x08graphe normal.\n", "Titre"),
}


@pytest.mark.parametrize("case", sorted(GOOD_BUT_ODD))
def test_odd_but_valid_articles_clean(case: str) -> None:
    data, title = GOOD_BUT_ODD[case]
    result = run_cli("clean", "--json", "-", stdin=data)
    add("nasty inputs tried")
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    assert article["title"].startswith(title)
    text = article["title"] + " ".join(p["text"] for p in article["paragraphs"])
    assert not any(c in text for c in "\u202e\u200b\u2066\x00\x07\x1b\x08")


def test_glossary_duplicates_and_conflicts_are_reported(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(ROOT / "seeds", root / "seeds")
    (root / "glossaries").mkdir()
    (root / "glossaries" / "a.toml").write_text(
        '[[entity]]\nen = "Dmitry Peskov"\nfr = ["Peskov"]\n\n[[entity]]\nen = "Dmitry Peskov"\nfr = ["Dmitri Peskov", "Peskov"]\n\n'
        '[[entity]]\nen = "Peskov the elder"\nfr = ["Peskov"]\n',
        encoding="utf-8",
    )
    result = run_cli("glossary", "check", "--json", cwd=root)
    add("nasty inputs tried")
    err = result.stderr.decode()
    assert "is already entry 1 of this file; this one replaces it" in err
    assert "'Peskov' is a form of both" in err
    assert json.loads(result.stdout)["entities"]  # and it still checks


XML_FILES = {
    "billion laughs TBX": (
        "glossary",
        "import",
        "bomb.tbx",
        BILLION_LAUGHS + "<martif/>",
        "declares XML entities",
    ),
    "billion laughs TMX": ("tm", "import", "bomb.tmx", BILLION_LAUGHS + "<tmx/>", "declares XML entities"),
    "external entity TMX": (
        "tm",
        "import",
        "xxe.tmx",
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]><tmx><body><tu><tuv xml:lang="fr"><seg>&x;</seg></tuv></tu></body></tmx>',
        "declares XML entities",
    ),
    "malformed TBX": ("glossary", "import", "bad.tbx", "<martif><text><body>", "is not well-formed XML"),
    "malformed TMX": ("tm", "import", "bad.tmx", "<tmx><body><tu>", "is not well-formed XML"),
    "TMX without units": (
        "tm",
        "import",
        "empty.tmx",
        '<tmx version="1.4"><header srclang="fr"/><body/></tmx>',
        "holds no translation units",
    ),
}


@pytest.mark.parametrize("case", sorted(XML_FILES))
def test_hostile_xml_is_refused(case: str, tmp_path: Path) -> None:
    group, command, name, content, message = XML_FILES[case]
    (tmp_path / "glossaries").mkdir()
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = run_cli(group, command, str(path), cwd=tmp_path)
    add("nasty inputs tried")
    assert result.returncode == 1
    assert message in result.stderr.decode() and b"Traceback" not in result.stderr
    assert list((tmp_path / "glossaries").iterdir()) == []  # nothing half-imported


ARCHIVES = {
    "zip slip": (
        zip_bytes([*model_members(), ("../../escape.txt", b"x")]),
        "would escape the package folder",
    ),
    "absolute path": (zip_bytes([*model_members(), ("/tmp/evil", b"x")]), "would escape the package folder"),
    "symlink": (zip_bytes([*model_members(), (symlink("pkg/model/link"), b"/etc/passwd")]), "symbolic link"),
    "zip bomb": (zip_bytes([*model_members(), ("pkg/model/pad.bin", bytes(80_000_000))]), "zip bomb"),
    "truncated": (zip_bytes(model_members())[:-40], "not a zip archive"),
    "not a zip": (b"MZ\x90\x00" + bytes(100), "not a zip archive"),
}


@pytest.mark.parametrize("case", sorted(ARCHIVES))
def test_hostile_model_archives_install_nothing(case: str, tmp_path: Path, packages_dir: Path) -> None:
    data, message = ARCHIVES[case]
    path = tmp_path / "model.argosmodel"
    path.write_bytes(data)
    result = run_cli("models", "install", str(path))
    add("nasty inputs tried")
    assert result.returncode == 1
    assert message in result.stderr.decode() and b"Traceback" not in result.stderr
    assert list(packages_dir.iterdir()) == []
    assert not (tmp_path.parent / "escape.txt").exists()


def test_corrupt_translation_file_is_named_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "broken.en.json").write_text('{"schema": 2, "article_id": ', encoding="utf-8")
    result = run_cli("export", "-f", "jsonl", cwd=tmp_path)
    add("nasty inputs tried")
    assert result.returncode == 1
    assert result.stderr.decode() == (
        f"workbench: {tmp_path / 'translations' / 'broken.en.json'} is not valid JSON; "
        "it was not written by Workbench or was edited by hand.\n"
    )
