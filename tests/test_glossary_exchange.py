"""Glossaries travel: TBX and CSV/TSV round trips, bad files refused, suggestions, add."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from schema_check import TBX2, TBX3_BASIC, TBX3_CORE, errors, xmllint

from workbench.glossary.entries import Glossary, load_folder
from workbench.glossary.exchange import (
    ExchangeError,
    export_table,
    export_tbx,
    import_file,
    import_table,
    import_tbx,
)
from workbench.glossary.suggest import suggest
from workbench.pipeline import article_from_bytes

GLOSSARY = load_folder(ROOT / "glossaries")


def comparable(glossary: Glossary) -> list[dict]:
    return [{k: v for k, v in vars(e).items() if k != "origin"} for e in glossary]


@pytest.mark.parametrize("version", [2, 3])
def test_tbx_round_trip_keeps_every_field(version: int) -> None:
    data = export_tbx(GLOSSARY, version=version)
    entry = b'<conceptEntry id="dmitry-peskov">' if version == 3 else b'<termEntry id="dmitry-peskov">'
    assert entry in data
    assert "<term>Дмитрий Песков</term>".encode() in data
    again = import_tbx(data, "seeds.tbx")
    assert again.issues == [] and comparable(again) == comparable(GLOSSARY)
    assert export_tbx(GLOSSARY, version=version) == data


def test_tbx_v2_is_valid_tbx_basic(tmp_path: Path) -> None:
    data = export_tbx(GLOSSARY, version=2)
    assert errors(data, TBX2) == []
    assert b"<!DOCTYPE" not in data and b' from="' not in data
    assert data.count(b"<descrip ") == data.count(b'<descrip type="definition">') > 0
    assert b'<martif type="TBX-Basic-V1" xml:lang="en">' in data
    path = tmp_path / "g.tbx"
    path.write_bytes(data)
    verdict = xmllint(path, TBX2)
    assert verdict is None or verdict.returncode == 0, verdict.stderr


def test_tbx_v3_is_valid_iso_30042_2019_tbx_basic(tmp_path: Path) -> None:
    data = export_tbx(GLOSSARY, version=3)
    assert errors(data, TBX3_CORE) == [] and errors(data, TBX3_BASIC) == []
    assert data.splitlines()[1] == (
        b'<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">'
    )
    path = tmp_path / "g.tbx"
    path.write_bytes(data)
    for schema in (TBX3_CORE, TBX3_BASIC):
        verdict = xmllint(path, schema)
        assert verdict is None or verdict.returncode == 0, verdict.stderr


def test_tbx_v3_keeps_the_tbx_basic_dca_schematron_rules_it_touches() -> None:
    """TBX-Basic_DCA.sch (TBX-Basic dialect 1.2) needs XSLT 2, which lxml lacks: its rules on
    the elements we write, restated in XPath 1.0."""
    from lxml import etree

    root = etree.fromstring(export_tbx(GLOSSARY, version=3))
    ns = {"t": "urn:iso:std:iso:30042:ed-2"}
    assert root.get("type") == "TBX-Basic" and root.get("style") == "dca"
    assert root.xpath("//*[namespace-uri() != 'urn:iso:std:iso:30042:ed-2']") == []
    assert root.xpath("//t:termNote[not(parent::t:termSec)]", namespaces=ns) == []
    assert root.xpath("//t:*[@type = '']", namespaces=ns) == []
    statuses = set(root.xpath("//t:termNote[@type='administrativeStatus']/text()", namespaces=ns))
    assert statuses == {"preferredTerm-admn-sts", "deprecatedTerm-admn-sts"}
    assert set(root.xpath("//t:termNote[@type='termType']/text()", namespaces=ns)) == {"shortForm"}
    definitions = root.xpath("//t:descrip[@type='definition']", namespaces=ns)
    assert definitions and all(etree.QName(d.getparent()).localname == "conceptEntry" for d in definitions)


def test_tbx_carries_short_and_wrong_forms_as_tbx_basic_term_notes() -> None:
    peskov = GLOSSARY.entries["dmitry-peskov"]
    assert peskov.short and peskov.wrong
    data = export_tbx([peskov], version=3).decode()
    assert f'<term>{peskov.short}</term>\n            <termNote type="termType">shortForm</termNote>' in data
    for wrong in peskov.wrong:
        assert (
            f'<term>{wrong}</term>\n            <termNote type="administrativeStatus">deprecatedTerm-admn-sts'
            in data
        )


def test_tbx_ids_that_are_not_xml_ids_survive() -> None:
    from workbench.glossary.entries import Entry

    entry = Entry(id="1c company", type="organisation", en="1C Company", forms={"ru": ("1С",)})
    for version in (2, 3):
        data = export_tbx([entry], version=version)
        assert b'id="e-1c-company"' in data
        [back] = list(import_tbx(data, "x.tbx"))
        assert (back.id, back.en, back.forms) == ("1c company", "1C Company", {"ru": ("1С",)})


def test_tbx_v3_from_another_tool() -> None:
    data = """<?xml version="1.0" encoding="utf-8"?>
<?xml-model href="TBXcoreStructV03_TBX-Basic_integrated.rng" type="application/xml"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en-US" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>MultiTerm export</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c7">
      <descrip type="subjectField">Media</descrip>
      <langSec xml:lang="en-GB">
        <descripGrp><descrip type="definition">Russian news agency.</descrip></descripGrp>
        <termSec><term>TASS</term><termNote type="partOfSpeech">noun</termNote></termSec>
      </langSec>
      <langSec xml:lang="ru-RU"><termSec><term>ТАСС</term></termSec></langSec>
      <langSec xml:lang="fr"><termSec><term>l’agence TASS</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>""".encode()
    assert errors(data, TBX3_CORE) == []
    glossary = import_tbx(data, "multiterm.tbx")
    [entry] = list(glossary)
    assert glossary.issues == []
    assert (entry.id, entry.en, entry.type, entry.note) == ("c7", "TASS", "other", "Russian news agency.")
    assert entry.forms == {"ru": ("ТАСС",), "fr": ("l’agence TASS",)}


def test_tbx_version_other_than_2_or_3_is_refused() -> None:
    with pytest.raises(ExchangeError, match="TBX version 4 is not one we write; use 2 or 3."):
        export_tbx(GLOSSARY, version=4)


def test_a_file_that_is_not_tbx_is_refused() -> None:
    with pytest.raises(ExchangeError, match=r"x.tbx is not a TBX file \(its root element is <tmx>\)."):
        import_tbx(b"<tmx version='1.4'><body/></tmx>", "x.tbx")


def test_tbx_from_another_tool_without_workbench_notes() -> None:
    data = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><text><body>
<termEntry id="c1"><descrip type="definition">Agency</descrip>
<langSet xml:lang="en-GB"><tig><term>TASS</term></tig></langSet>
<langSet xml:lang="ru-RU"><tig><term>ТАСС</term></tig></langSet></termEntry>
<termEntry id="c2"><langSet xml:lang="fr"><tig><term>sans anglais</term></tig></langSet></termEntry>
</body></text></martif>""".encode()
    glossary = import_tbx(data, "other.tbx")
    [entry] = list(glossary)
    assert (entry.id, entry.en, entry.forms, entry.type) == ("c1", "TASS", {"ru": ("ТАСС",)}, "other")
    assert [(i.line, i.message) for i in glossary.issues] == [
        (2, "term entry 2: the entry has no English form (en)")
    ]


@pytest.mark.parametrize("delimiter", [",", "\t"], ids=["csv", "tsv"])
def test_table_round_trip(delimiter: str) -> None:
    text = export_table(GLOSSARY, delimiter)
    assert text.splitlines()[0].split(delimiter) == [
        "id",
        "type",
        "en",
        "short",
        "forms",
        "fr",
        "ru",
        "wrong",
        "adjective",
        "note",
    ]
    again = import_table(text, "x", delimiter)
    assert again.issues == [] and comparable(again) == comparable(GLOSSARY)


def test_table_with_a_bad_row_reports_its_line() -> None:
    text = "en,type,fr\nGood,place,Bon\n,place,Rien\nAlso Good,person,Aussi Bon\n"
    glossary = import_table(text, "g.csv", ",")
    assert [e.en for e in glossary] == ["Good", "Also Good"]
    assert [(i.line, i.message) for i in glossary.issues] == [(3, "the entry has no English form (en)")]


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.tbx"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE martif [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        "<martif><text><body><termEntry><langSet xml:lang='en'><tig><term>&c;</term></tig></langSet>"
        "</termEntry></body></text></martif>",
        encoding="utf-8",
    )
    with pytest.raises(ExchangeError, match="declares XML entities"):
        import_file(bomb)


def test_malformed_xml_is_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tbx"
    bad.write_text("<martif><text><body><termEntry>", encoding="utf-8")
    with pytest.raises(ExchangeError, match="bad.tbx is not well-formed XML"):
        import_file(bad)


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(ExchangeError, match="import reads .tbx, .csv or .tsv files"):
        import_file(path)


def test_suggestions_rank_unknown_names_with_a_transliteration() -> None:
    text = (
        "Министр ответил\nПо словам Алексея Навального, Песков ошибся.\n"
        "С Алексеем Навальным не согласны. Алексей Навальный возразил.\n"
        "Le ministre Jean-Noël Barrot a parlé avec Barrot et l’ONG Amnesty International.\n"
    )
    articles = [article_from_bytes(text.encode(), "a.txt")]
    suggestions = {s.key: s for s in suggest(articles, GLOSSARY)}
    navalny = suggestions["Алексей Навальный"]
    assert navalny.count == 3 and navalny.english == "Aleksey Navalny" and navalny.type == "person"
    assert navalny.scheme == "Wikipedia (iuliia)"
    assert "Песков" not in suggestions  # in the glossary already
    assert suggestions["Amnesty International"].english == "Amnesty International"
    assert "ONG" not in suggestions and "Министр" not in suggestions
    ranked = suggest(articles, GLOSSARY)
    assert ranked[0].key == "Алексей Навальный"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "glossaries", tmp_path / "glossaries")
    return tmp_path


def test_cli_suggest_add_export_import(project: Path, tmp_path: Path) -> None:
    (project / "glossaries" / "organisations.toml").unlink()
    suggestions = json.loads(run_cli("glossary", "suggest", "--json", cwd=project).stdout)
    assert suggestions[0]["source"] == "Microsoft" and suggestions[0]["count"] == 23
    result = run_cli(
        "glossary", "add", "--en", "Microsoft", "--type", "organisation", "--form", "Microsoft", cwd=project
    )
    assert result.returncode == 0, result.stderr
    assert (project / "glossaries" / "added.toml").read_text(encoding="utf-8").startswith("[[entity]]")
    again = run_cli("glossary", "add", "--en", "Microsoft", "--form", "Microsoft", cwd=project)
    assert again.returncode == 1 and b"already in the glossary" in again.stderr
    bad = run_cli("glossary", "add", "--en", "X", "--type", "alien", "--form", "X", cwd=project)
    assert bad.returncode == 1 and b"cannot add this entry: type 'alien'" in bad.stderr
    suggestions = json.loads(run_cli("glossary", "suggest", "--json", cwd=project).stdout)
    assert "Microsoft" not in [s["source"] for s in suggestions]
    out = tmp_path / "export.tbx"
    assert run_cli("glossary", "export", str(out), cwd=project).returncode == 0
    imported = run_cli("glossary", "import", str(out), "--into", str(tmp_path / "back.toml"), cwd=project)
    assert imported.returncode == 0, imported.stderr
    assert len(load_folder(project / "glossaries")) == len(import_file(out))


def test_cli_reports_a_broken_glossary_line_and_goes_on(project: Path) -> None:
    (project / "glossaries" / "zz.toml").write_text('[[entity]]\nen = "Broken\n', encoding="utf-8")
    result = run_cli("glossary", "check", cwd=project)
    assert result.returncode == 0
    assert "zz.toml:2: not valid TOML" in result.stderr.decode()
    assert b"70 entities" in result.stdout


def test_glossaries_saved_decomposed_match_like_composed_ones(project: Path, tmp_path: Path) -> None:
    """NFD (macOS, some editors) in a TOML file, a CSV import or `glossary add`: stored and
    matched as the NFC the articles are in."""
    import unicodedata

    from workbench.glossary.match import Matcher

    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    (project / "glossaries" / "nfd.toml").write_text(
        f'[[entity]]\ntype = "place"\nen = "Elysee Palace"\nfr = ["{nfd("Élysée")}"]\nnote = "{nfd("Palais présidentiel")}"\n',
        encoding="utf-8",
    )
    [entry] = [e for e in load_folder(project / "glossaries") if e.en == "Elysee Palace"]
    assert entry.forms["fr"] == ("Élysée",) and unicodedata.is_normalized("NFC", entry.note)
    hits = Matcher(load_folder(project / "glossaries"), "fr").find("Le porte-parole de l’Élysée a parlé.")
    assert [h.entry.en for h in hits] == ["Elysee Palace"]

    table = import_table(f"en,fr\nSaint Petersburg,{nfd('Saint-Pétersbourg')}\n", "x.csv", ",")
    assert next(iter(table)).forms["fr"] == ("Saint-Pétersbourg",)

    added = run_cli("glossary", "add", "--en", "Societe Generale", "--fr", nfd("Société Générale"), cwd=project)
    assert added.returncode == 0, added.stderr
    text = (project / "glossaries" / "added.toml").read_text(encoding="utf-8")
    assert "Société Générale" in text and nfd("Société") not in text


def test_deep_tbx_is_refused_and_deep_enough_is_read(tmp_path: Path) -> None:
    from workbench.glossary.exchange import ExchangeError

    def nested(depth: int) -> bytes:
        entry = b'<termEntry id="x"><langSet xml:lang="en"><tig><term>Zoom</term></tig></langSet>'
        entry += b'<langSet xml:lang="fr"><tig><term>Zoom</term></tig></langSet></termEntry>'
        return b"<martif><text><body>" + b"<note>" * depth + entry + b"</note>" * depth + b"</body></text></martif>"

    assert [e.en for e in import_tbx(nested(80), "ok.tbx")] == ["Zoom"]
    with pytest.raises(ExchangeError, match=r"^deep.tbx is refused: its elements nest more than 100 levels deep\.$"):
        import_tbx(nested(100_000), "deep.tbx")
