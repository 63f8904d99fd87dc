"""The corpus out, as a corpus builder and a CAT tool see it: the columns, the filters and
their counts, honest TMX and XLIFF, hints that lead to output, and outputs that never land
on the project's own files. Documents are written here by hand, so each expectation is
stated from what the test put in."""

from __future__ import annotations

import datetime
import io
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from schema_check import TMX, XLIFF, errors

from workbench.export import FORMATS, Row, render, select
from workbench.export.filters import parse
from workbench.export.rows import calendar_date
from workbench.export.tmx import read_tmx
from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.store import Document, SegmentRecord, Store


def seg(n: int, source: str, target: str = "", status: str = "reviewed", **more: object) -> SegmentRecord:
    return SegmentRecord(
        id=f"s{n}", block=more.pop("block", n), index=0, kind=str(more.pop("kind", "text")),
        source=source, target=target, status=status, mt=str(more.pop("mt", target)), **more,  # type: ignore[arg-type]
    )


FR = [
    seg(0, "Le Kremlin critique Zoom", "The Kremlin criticises Zoom", kind="title", block=0),
    seg(1, "Le Kremlin a réagi mercredi.", "The Kremlin reacted on Wednesday.", block=1),
    seg(2, "Il a parlé.", "He spoke.", "machine", score=-0.2, model="m/1", block=1),
    seg(3, "Elle a répondu.", "She answered.", "machine", score=-2.5, model="m/1", block=2),
    seg(4, "Le Kremlin a réagi mercredi.", "The Kremlin reacted on Wednesday.", block=3),  # a repeat
    seg(5, "Le Kremlin a réagi  mercredi.", "The Kremlin responded on Wednesday.", block=3),  # same source
    seg(6, "Il pleut.", "Il pleut toujours à Paris en novembre.", "edited", block=4),  # not English
    seg(7, "Oui.", "Yes, and this goes on for far too many words to be the same sentence.", block=5),
    seg(8, "Rien.", "", "new", block=6),
]
RU = [
    seg(0, "Госорганы отказываются от Zoom", "State bodies drop Zoom", kind="title", block=0),
    seg(1, "Это случилось в 2024 году.", "It happened in 2024.", block=1),
]


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    project = Project(tmp_path / "project")
    for doc in (
        Document("fr-1", "seeds/fr-1.txt", "fr", "en", "Le Kremlin critique Zoom", "2024-09-12", list(FR)),
        Document("ru-1", "seeds/ru-1.html", "ru", "en", "Госорганы", "2024-13-01", list(RU), url="https://x.ru/a"),
    ):
        Store(project, "en").update(doc.article_id, lambda _, doc=doc: doc)
    monkeypatch.chdir(project.root)
    return project


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]):
    from workbench.cli import main

    def run(*args: str) -> tuple[int, bytes, str]:
        capsysbinary.readouterr()
        with pytest.raises(SystemExit) as exit:
            main(list(args))
        out, err = capsysbinary.readouterr()
        return int(exit.value.code or 0), out, err.decode()

    return run


def rows(project: Project, status: str = "all") -> list[Row]:
    return select(Store(project, None).documents(), status)


def test_jsonl_and_parquet_carry_the_corpus_columns(corpus: Project, tmp_path: Path, cli) -> None:
    import duckdb
    import pyarrow.parquet as pq

    records = [json.loads(line) for line in render(rows(corpus), "jsonl").decode().splitlines()]
    fr = [r for r in records if r["article"] == "fr-1"]
    assert [r["position"] for r in fr] == list(range(9))
    assert [r["paragraph"] for r in fr] == [0, 1, 1, 2, 3, 3, 4, 5, 6]
    assert [r["kind"] for r in fr][:2] == ["title", "text"]
    # s4 repeats s1 exactly, s5 only with another space: both seen earlier
    assert [r["segment"] for r in fr if r["duplicate"]] == ["s4", "s5"]
    assert {r["source_path"] for r in fr} == {"seeds/fr-1.txt"}
    assert (fr[0]["date"], fr[0]["date_raw"]) == ("2024-09-12", "2024-09-12")
    ru = [r for r in records if r["article"] == "ru-1"]
    assert (ru[0]["date"], ru[0]["date_raw"], ru[0]["url"]) == (None, "2024-13-01", "https://x.ru/a")

    code, _, err = cli("export", "-f", "parquet", "--status", "all", "-o", str(tmp_path / "c.parquet"))
    assert code == 0, err
    table = pq.read_table(tmp_path / "c.parquet")
    assert table.column("date").to_pylist()[:1] == [datetime.date(2024, 9, 12)]
    assert table.column("duplicate").to_pylist() == [r["duplicate"] for r in records]
    # a reader with a Parquet implementation of its own sees the same types and values
    found = duckdb.sql(
        f"SELECT segment, position, paragraph, duplicate, date, date_raw FROM read_parquet('{tmp_path / 'c.parquet'}')"
    )
    assert [str(t) for t in found.types] == ["VARCHAR", "INTEGER", "INTEGER", "BOOLEAN", "DATE", "VARCHAR"]
    assert found.fetchall()[9:] == [
        ("s0", 0, 0, False, None, "2024-13-01"),
        ("s1", 1, 1, False, None, "2024-13-01"),
    ]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-09-12", datetime.date(2024, 9, 12)),
        ("2024-09-12T23:30:00+02:00", datetime.date(2024, 9, 12)),  # the article's own day, not UTC's
        (" 2021-01-26 ", datetime.date(2021, 1, 26)),
        ("2024-09", None),
        ("2024", None),
        ("2024-13-01", None),
        ("2024-02-30", None),
        ("mardi dernier", None),
        ("", None),
        (None, None),
    ],
)
def test_a_date_is_a_day_or_null(text: str | None, day: datetime.date | None) -> None:
    assert calendar_date(text) == day


def test_each_filter_removes_what_it_says(corpus: Project) -> None:
    every = rows(corpus)

    def kept(spec: str) -> list[str]:
        return [f"{r.article}/{r.segment.id}" for r in parse(spec).apply(every)]

    ids = [f"{r.article}/{r.segment.id}" for r in every]
    assert kept("LengthFilter") == [i for i in ids if i != "fr-1/s8"]  # s8 has no target
    assert kept("LengthFilter:max_length=4") == ["fr-1/s0", "fr-1/s2", "fr-1/s3", "ru-1/s0"]  # ru s1 has 5 words
    assert kept("LengthFilter:min_length=6,unit=char")[:2] == ["fr-1/s0", "fr-1/s1"]
    assert "fr-1/s7" not in kept("LengthRatioFilter")  # 1 word against 15
    assert "fr-1/s7" in kept("LengthRatioFilter:threshold=20")
    # a French "translation" into English; s8 has no text to judge
    assert kept("LanguageIDFilter") == [i for i in ids if i != "fr-1/s6"]
    # English is the likeliest for "State bodies drop Zoom", at a confidence below 0.9
    assert "ru-1/s0" not in kept("LanguageIDFilter:threshold=0.9") and "ru-1/s1" not in kept("LanguageIDFilter:threshold=0.9")
    assert kept("remove_duplicates") == [i for i in ids if i != "fr-1/s4"]  # s5 has another target
    assert kept("remove_duplicates:compare=source") == [i for i in ids if i not in ("fr-1/s4", "fr-1/s5")]
    assert kept("MTScoreFilter:threshold=-1") == [i for i in ids if i != "fr-1/s3"]
    assert kept("HumanFilter") == [i for i in ids if i not in ("fr-1/s2", "fr-1/s3", "fr-1/s8")]
    assert kept("lengthfilter") == kept("LengthFilter")  # names are case-insensitive


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("Bicleaner", "--filter 'Bicleaner' is not a filter; use one of LengthFilter, LengthRatioFilter, "
         "LanguageIDFilter, remove_duplicates, MTScoreFilter, HumanFilter."),
        ("LengthFilter:maximum=3", "--filter LengthFilter: 'maximum=3' is not a setting of it (it takes "
         "min_length, max_length, unit, pass_empty)."),
        ("LengthFilter:max_length=many", "--filter LengthFilter: max_length must be a whole number, not 'many'."),
        ("LengthFilter:unit=byte", "--filter LengthFilter: unit is word or char, not 'byte'."),
        ("LengthRatioFilter:threshold=nan", "--filter LengthRatioFilter: threshold must be a number, not 'nan'."),
        ("MTScoreFilter", "--filter MTScoreFilter needs threshold=…."),
        ("HumanFilter:x=1", "--filter HumanFilter: 'x=1' is not a setting of it (it takes no settings)."),
        ("remove_duplicates:compare=target", "--filter remove_duplicates: compare is pair or source, not 'target'."),
    ],
)
def test_a_wrong_filter_is_one_sentence(spec: str, message: str, corpus: Project, cli) -> None:
    code, out, err = cli("export", "-f", "jsonl", "--filter", spec)
    assert (code, out, err) == (1, b"", f"workbench: {message}\n")


def test_filters_chain_and_report_their_counts(corpus: Project, cli) -> None:
    code, out, err = cli(
        "export", "-f", "jsonl", "--status", "machine", "--filter", "MTScoreFilter:threshold=-1",
        "--filter", "remove_duplicates", "--filter", "LanguageIDFilter", "--report",
    )
    assert code == 0, err
    assert err.splitlines() == [
        "workbench: 10 segments with status machine or better",
        "workbench: MTScoreFilter(threshold=-1.0): removed 1, 9 left",
        "workbench: remove_duplicates(compare=pair): removed 1, 8 left",
        "workbench: LanguageIDFilter(threshold=0.0): removed 1, 7 left",
    ]
    exported = [json.loads(line)["segment"] for line in out.decode().splitlines()]
    assert exported == ["s0", "s1", "s2", "s5", "s7", "s0", "s1"]
    code, _, err = cli("export", "-f", "jsonl", "--filter", "LengthFilter:max_length=0")
    assert code == 1 and err == (
        "workbench: every segment with status reviewed or better was removed by LengthFilter(min_length=1, "
        "max_length=0, unit=word, pass_empty=false); nothing to export (--report says how many each removed).\n"
    )


def test_language_check_names_languages_it_cannot_judge(corpus: Project) -> None:
    from workbench.export.rows import ExportError

    japanese = [replace(r, document=replace(r.document, target_language="ja")) for r in rows(corpus)]
    with pytest.raises(ExportError, match=r"^LanguageIDFilter\(threshold=0.0\) cannot check targets in ja; "):
        parse("LanguageIDFilter").apply(japanese)


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("--lang", "de"), "no article is in de (the sources are in fr, ru)."),
        (("--lang", "en"), "no article is in en (the sources are in fr, ru); en is a target language, and "
         "--lang names the source."),
        (("--lang", "RU", "--status", "reviewed"), None),  # the Russian article has reviewed segments
    ],
)
def test_hints_name_what_would_give_output(args: tuple[str, ...], hint: str | None, corpus: Project, cli) -> None:
    code, out, err = cli("export", "-f", "tsv", *args)
    if hint is None:
        assert code == 0 and out.count(b"\n") == 3
    else:
        assert (code, err) == (1, f"workbench: {hint}\n")


def test_hint_names_the_status_that_gives_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli) -> None:
    project = Project(tmp_path)
    doc = Document("a", "seeds/a.txt", "fr", "en", "A", None, [seg(0, "Oui.", "Yes.", "machine"), seg(1, "Non.", status="new")])
    Store(project).update("a", lambda _: doc)
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("export", "-f", "jsonl")
    assert (code, err) == (1, "workbench: no segments with status reviewed or better to export; --status machine gives 1.\n")
    code, _, err = cli("export", "-f", "jsonl", "--lang", "fr", "--status", "edited")
    assert err == "workbench: no segments in fr with status edited or better to export; --status machine gives 1.\n"


def tmx_units(data: bytes) -> list[dict[str, object]]:
    root = etree.fromstring(data)
    return [
        {
            "tuid": tu.get("tuid"),
            "props": {p.get("type"): p.text for p in tu.iter("prop")},
            "segs": [etree.tostring(s, encoding="unicode", with_tail=False) for s in tu.iter("seg")],
        }
        for tu in root.iter("tu")
    ]


def test_tmx_names_workbench_and_each_units_origin(corpus: Project) -> None:
    from translate.storage import tmx

    from workbench import __version__

    data = render(rows(corpus, "machine"), "tmx")
    assert errors(data, TMX) == []
    header = etree.fromstring(data).find("header")
    assert (header.get("creationtool"), header.get("creationtoolversion")) == ("Workbench", __version__)
    units = tmx_units(data)
    assert units[2]["props"] == {"x-workbench-status": "machine", "x-workbench-model": "m/1", "x-workbench-score": "-0.2"}
    assert units[1]["props"] == {"x-workbench-status": "reviewed"}
    # a CAT tool's reader (translate-toolkit) gets every unit, text as it is
    store = tmx.tmxfile.parsestring(data)
    assert [(u.source, u.target) for u in store.units] == [(r.segment.source, r.segment.target) for r in rows(corpus, "machine")]


def test_tmx_keeps_spaces_and_characters_xml_cannot_hold(corpus: Project, tmp_path: Path, cli) -> None:
    document = next(iter(Store(corpus, None).documents()))
    awkward = [
        replace(FR[1], id="a", source="  Deux espaces devant.", target="Two spaces after.  "),
        replace(FR[1], id="b", source="Bip\x07 ici\r\net là", target="Beep\x07 here\x1b[0m\nand there"),
        replace(FR[1], id="c\x01", source="Un\ufffe.", target="One\ufffe."),
    ]
    data = render([Row(document.article_id, document, s) for s in awkward], "tmx")
    assert errors(data, TMX) == []
    units = tmx_units(data)
    assert units[0]["segs"] == ["<seg>  Deux espaces devant.</seg>", "<seg>Two spaces after.  </seg>"]
    assert units[1]["segs"][1] == '<seg>Beep<ph type="x-workbench-char">U+0007</ph> here<ph type="x-workbench-char">U+001B</ph>[0m\nand there</seg>'
    assert units[2]["tuid"] == "fr-1/c\ufffd"  # an attribute has no markup: replaced, and said
    memory = read_tmx(data, "x.tmx")
    assert [(u.source, u.target) for u in memory.units] == [(s.source, s.target) for s in awkward]
    (tmp_path / "odd.tmx").write_bytes(data)
    code, _, err = cli("tm", "import", str(tmp_path / "odd.tmx"), "--memory", str(tmp_path / "tm.sqlite"))
    assert code == 0, err
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        assert tm.lookup("fr", "en", "  Deux espaces devant.").target == "Two spaces after.  "
    # the same export through the CLI says what it replaced
    doc = Document("odd\x01id", "seeds/odd.txt", "fr", "en", "T\x02", None, [FR[1]])
    Store(corpus).update(doc.article_id, lambda _: doc)
    for fmt in ("tmx", "xliff"):
        code, _, err = cli("export", "-f", fmt, "--lang", "fr", "-o", str(tmp_path / f"x.{fmt}"))
        assert code == 0, err
    assert errors((tmp_path / "x.xliff").read_bytes(), XLIFF) == []
    assert etree.fromstring((tmp_path / "x.xliff").read_bytes()).find(".//{*}file").get("original") == "fr-1"
    assert "1 character XML cannot hold in article ids was written as U+FFFD in the XLIFF export." in err


def test_tm_import_keeps_machine_units_machine(corpus: Project, tmp_path: Path, cli) -> None:
    data = render(rows(corpus, "machine"), "tmx")
    # a unit that says machine but not its model cannot be filed under one: skipped, counted
    data = data.replace(b'<prop type="x-workbench-model">m/1</prop>', b"", 1)
    (tmp_path / "ours.tmx").write_bytes(data)
    code, out, err = cli("tm", "import", str(tmp_path / "ours.tmx"), "--memory", str(tmp_path / "tm.sqlite"))
    assert code == 0, err
    assert out.decode() == "Imported 9 translation units from ours.tmx (fr→en, ru→en; 8 human; 1 machine, of m/1).\n"
    assert err == "workbench: skipped 1 machine units of ours.tmx that do not name their model.\n"
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        assert tm.lookup("fr", "en", "Il a parlé.") is None  # its model prop was removed
        machine = tm.lookup("fr", "en", "Elle a répondu.", model_id="m/1")
        assert machine is not None and (machine.origin, machine.score) == ("m/1", -2.5) and not machine.human
        assert tm.lookup("fr", "en", "Elle a répondu.", model_id="m/2") is None  # another model's
        assert tm.lookup("fr", "en", "Il pleut.").human  # edited: a person wrote it


def test_tm_import_normalizes_to_nfc(corpus: Project, tmp_path: Path, cli) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Le café a réagi.")
    tmx = (
        '<?xml version="1.0"?><tmx version="1.4"><header creationtool="x" creationtoolversion="1" '
        'segtype="sentence" o-tmf="x" adminlang="en" srclang="fr" datatype="plaintext"/><body>'
        f'<tu><tuv xml:lang="fr"><seg>{decomposed}</seg></tuv><tuv xml:lang="en"><seg>The café reacted. </seg></tuv></tu>'
        "</body></tmx>"
    )
    (tmp_path / "nfd.tmx").write_text(tmx, encoding="utf-8")
    assert cli("tm", "import", str(tmp_path / "nfd.tmx"), "--memory", str(tmp_path / "tm.sqlite"))[0] == 0
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        unit = tm.db.execute("SELECT source, target FROM units").fetchone()
    assert unit == ("Le café a réagi.", "The café reacted. ")
    assert unicodedata.is_normalized("NFC", unit[0])


def test_deep_tmx_is_refused_in_one_sentence(tmp_path: Path, corpus: Project, cli) -> None:
    deep = b"<tmx><body><tu><tuv><seg>" + b"<hi>" * 200 + b"x" + b"</hi>" * 200 + b"</seg></tuv></tu></body></tmx>"
    (tmp_path / "deep.tmx").write_bytes(deep)
    code, _, err = cli("tm", "import", str(tmp_path / "deep.tmx"), "--memory", str(tmp_path / "tm.sqlite"))
    assert (code, err) == (1, "workbench: deep.tmx is refused: its elements nest more than 100 levels deep.\n")


def test_the_registry_is_what_the_command_offers(corpus: Project, cli) -> None:
    from workbench.cli.export import FORMAT_HELP

    assert list(FORMATS) == ["jsonl", "parquet", "tmx", "moses", "tsv", "xliff", "srx"]
    assert all(f"{name}:" in FORMAT_HELP for name in FORMATS)
    code, _, err = cli("export", "-f", "docx")
    assert code == 1
    assert err == "workbench: unknown format 'docx'; use one of jsonl, parquet, tmx, moses, tsv, xliff, srx.\n"


def test_the_export_package_imports_its_formats_not_the_reverse() -> None:
    import ast

    folder = Path(__file__).resolve().parents[1] / "workbench" / "export"
    for path in folder.glob("*.py"):
        if path.name == "__init__.py":
            continue
        imported = {
            node.module for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.ImportFrom)
        }
        assert "workbench.export" not in imported, path.name


def test_bad_translations_file_is_named_and_skipped(corpus: Project, cli) -> None:
    (corpus.translations / "broken.en.json").write_text("{ not json", encoding="utf-8")
    for command in (("export", "-f", "jsonl", "--status", "all"), ("report", "--json"), ("qa", "--json")):
        code, out, err = cli(*command)
        assert code in (0, 1) and out, command  # qa exits 1 on findings
        assert f"workbench: {corpus.translations / 'broken.en.json'} is not valid JSON" in err
        assert "(skipped)" in err
    assert cli("export", "-f", "jsonl", "--status", "all")[1].count(b"\n") == 11


# -- outputs never land on the project's own files --------------------------------------


@pytest.fixture
def protected(corpus: Project) -> Project:
    (corpus.root / "seeds").mkdir()
    (corpus.root / "seeds" / "fr-1.txt").write_text("Le Kremlin critique Zoom\n", encoding="utf-8")
    (corpus.root / "glossaries").mkdir()
    (corpus.root / "glossaries" / "names.toml").write_text('[[entity]]\nen = "Zoom"\nforms = ["Zoom"]\n')
    TranslationMemory(corpus.memory).close()
    return corpus


def snapshot(project: Project) -> dict[str, bytes]:
    return {
        str(p.relative_to(project.root)): p.read_bytes()
        for p in sorted(project.root.rglob("*"))
        if p.is_file() and not p.is_symlink() and "locks" not in p.parts
    }


@pytest.mark.parametrize(
    "target",
    [
        ".workbench/memory.sqlite",
        "translations/fr-1.en.json",
        "translations/new.jsonl",
        "seeds/../translations/fr-1.en.json",
        "link-to-memory",
        "hard-link-to-a-translation",
        "seeds/fr-1.txt",
        "glossaries/names.toml",
        "dir-link/fr-1.en.json",
    ],
)
def test_no_export_overwrites_the_projects_files(target: str, protected: Project, cli) -> None:
    root = protected.root
    os.symlink(protected.memory, root / "link-to-memory")
    os.link(protected.translations / "fr-1.en.json", root / "hard-link-to-a-translation")
    os.symlink(protected.translations, root / "dir-link")
    before = snapshot(protected)
    commands = [
        ("export", "-f", "jsonl", "-o", target),
        ("export", "-f", "parquet", "-o", target),
        ("export", "-f", "srx", "-o", target),
        ("export", "-f", "moses", "-o", target),
        ("glossary", "export", target, "--format", "csv"),
    ]
    for command in commands:
        code, _, err = cli(*command)
        assert code == 1 and err.startswith(f"workbench: {target} ") and err.count("\n") == 1, (command, err)
        assert "write it elsewhere" in err
    assert snapshot(protected) == before


def test_outputs_beside_the_project_and_into_devices_are_fine(protected: Project, cli) -> None:
    assert cli("export", "-f", "jsonl", "-o", "corpus.jsonl")[0] == 0
    assert cli("export", "-f", "jsonl", "-o", "/dev/null")[0] == 0
    assert cli("export", "-f", "tmx", "-o", "glossaries/memory.tmx")[0] == 0  # a new file there harms nothing
    assert (protected.root / "corpus.jsonl").read_bytes() == render(rows(protected, "reviewed"), "jsonl")


def test_parquet_rows_read_back_exactly(corpus: Project) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(render(rows(corpus), "parquet")))
    assert table.num_rows == 11 and table.column("source").to_pylist()[6] == "Il pleut."


def test_tm_import_keeps_its_memory_out_of_the_projects_files(protected: Project, tmp_path: Path, cli) -> None:
    (tmp_path / "m.tmx").write_bytes(render(rows(protected, "reviewed"), "tmx"))
    (protected.root / "seeds" / "empty.txt").write_bytes(b"")  # SQLite would make a database of it
    before = snapshot(protected)
    for memory in ("translations/tm.sqlite", "seeds/empty.txt", "glossaries/names.toml"):
        code, _, err = cli("tm", "import", str(tmp_path / "m.tmx"), "--memory", memory)
        assert code == 1 and err.startswith(f"workbench: {memory} "), err
    assert snapshot(protected) == before
    assert cli("tm", "import", str(tmp_path / "m.tmx"), "--memory", ".workbench/other.sqlite")[0] == 0
