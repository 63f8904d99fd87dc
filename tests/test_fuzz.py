"""Property-based fuzzing of every parser of outside data: whatever the input, a result or
one clear error, never another exception. The number of examples is WORKBENCH_FUZZ_EXAMPLES
(CI's short configuration: 200 each); tests/fuzz/ has atheris targets for long runs."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from figures import add
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.export.tmx import read_tmx
from workbench.glossary.entries import Glossary, parse_file
from workbench.glossary.exchange import import_table, import_tbx
from workbench.mt.packages import check_archive
from workbench.pipeline import article_from_bytes
from workbench.store import parse

EXAMPLES = int(os.environ.get("WORKBENCH_FUZZ_EXAMPLES", "200"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

TOML_PIECES = st.sampled_from(
    [
        "[[entity]]\n",
        'en = "Zoom"\n',
        'type = "person"\n',
        'fr = ["Zoom"]\n',
        'ru = ["Песков"]\n',
        "en = \n",
        "type = 3\n",
        "fr = [1, 2]\n",
        '"\n',
        "[[entity\n",
        'note = """\n',
        'wrong = "x"\n',
        "# c\n",
        "forms = []\n",
        'short = "S"\n',
        'id = ""\n',
        'case_insensitive = "yes"\n',
        'ru = ["\u202e"]\n',
    ]
)
XML_PIECES = st.sampled_from(
    [
        '<?xml version="1.0"?>',
        "<martif>",
        "</martif>",
        "<tmx>",
        "</tmx>",
        "<body>",
        "</body>",
        "<termEntry>",
        "</termEntry>",
        '<langSet xml:lang="en">',
        '<langSet xml:lang="fr">',
        "</langSet>",
        "<tig><term>Zoom</term></tig>",
        "<tu>",
        "</tu>",
        '<tuv xml:lang="fr"><seg>Oui</seg></tuv>',
        '<tuv xml:lang="en"><seg>Yes</seg></tuv>',
        "<!DOCTYPE x [<!ENTITY a 'b'>]>",
        "&a;",
        "<",
        "&",
        "]]>",
        "<![CDATA[x]]>",
        "\x00",
        "é",
    ]
)


@SETTINGS
@given(st.lists(TOML_PIECES, max_size=30).map("".join) | st.text(max_size=400))
def test_glossary_files(text: str) -> None:
    add("fuzz cases executed")
    glossary = Glossary()
    parse_file(text, "fuzz.toml", glossary)
    assert all(i.path == "fuzz.toml" and i.line >= 0 for i in glossary.issues)


@SETTINGS
@given(st.lists(XML_PIECES, max_size=40).map("".join).map(str.encode) | st.binary(max_size=300))
def test_tbx_import(data: bytes) -> None:
    add("fuzz cases executed")
    try:
        import_tbx(data, "fuzz.tbx")
    except WorkbenchError as exc:
        assert str(exc).startswith("fuzz.tbx")


@SETTINGS
@given(st.lists(XML_PIECES, max_size=40).map("".join).map(str.encode) | st.binary(max_size=300))
def test_tmx_import(data: bytes) -> None:
    add("fuzz cases executed")
    try:
        memory = read_tmx(data, "fuzz.tmx")
    except WorkbenchError as exc:
        assert str(exc).startswith("fuzz.tmx")
    else:
        assert all(u.source.strip() and u.target.strip() and u.origin for u in memory.units)


@SETTINGS
@given(st.text(max_size=300))
def test_csv_glossary_import(text: str) -> None:
    add("fuzz cases executed")
    try:
        import_table(text, "fuzz.csv", ",")
    except WorkbenchError as exc:
        assert str(exc).startswith("fuzz.csv")


NAMES = st.sampled_from(
    [
        "pkg/metadata.json",
        "pkg/model/model.bin",
        "pkg/sentencepiece.model",
        "pkg/bpe.model",
        "../x",
        "/abs",
        "pkg/../../y",
        "other/metadata.json",
        "pkg/",
        "pkg\\..\\z",
        "C:/w",
        "pkg/model/",
        "",
    ]
)
CONTENT = st.sampled_from(
    [b"", b"{}", json.dumps({"from_code": "fr", "to_code": "en"}).encode(), b"{oops", bytes(2000), b"x" * 50]
)


@pytest.mark.filterwarnings("ignore:Duplicate name")
@SETTINGS
@given(st.lists(st.tuples(NAMES, CONTENT), max_size=8), st.integers(min_value=0, max_value=400))
def test_model_archives(members: list[tuple[str, bytes]], cut: int) -> None:
    add("fuzz cases executed")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            if name:
                archive.writestr(name, data)
    data = buffer.getvalue()
    data = data[: len(data) - cut] if cut < len(data) else data
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"fuzz-{os.getpid()}.argosmodel"
    path.write_bytes(data)
    try:
        archive_info = check_archive(path)
    except WorkbenchError:
        pass
    else:
        assert archive_info.metadata["from_code"] and archive_info.metadata["to_code"]
        assert not any(
            ".." in m.filename.split("/") or m.filename.startswith("/") for m in archive_info.members
        )
        assert len({m.filename for m in archive_info.members}) == len(archive_info.members)
    finally:
        path.unlink()


@SETTINGS
@given(st.binary(max_size=600))
def test_translation_files(data: bytes) -> None:
    add("fuzz cases executed")
    try:
        parse(data, "fuzz.json")
    except WorkbenchError as exc:
        assert str(exc).startswith("fuzz.json")


@SETTINGS
@given(st.binary(max_size=1500))
def test_articles(data: bytes) -> None:
    add("fuzz cases executed")
    try:
        article = article_from_bytes(data, "fuzz.txt")
    except WorkbenchError as exc:
        assert str(exc).startswith("fuzz.txt") and "\n" not in str(exc)
    else:
        for block in article.blocks:
            assert all(block.text[s.start : s.end] == s.text for s in block.segments)
