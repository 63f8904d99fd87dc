"""Export: the aligned parallel corpus for CAT tools and machine learning.

Rows are taken from translations/ in article order, then segment order, so the same files
give the same bytes. `--status` is a threshold: `reviewed` exports reviewed segments only
(the default), `edited` adds segments a human edited but did not confirm, `machine` adds
machine translations, `all` adds untranslated segments too. TMX is written and read back
with translate-toolkit; XLIFF 2.0 (`xliff.py`), TSV (`tsv.py`) and Parquet (`parquet.py`)
have their own modules. Moses and XLIFF give one file (two for Moses) per language pair:
`render` returns them as a mapping of file-name suffix to content.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.store import Document, SegmentRecord

FORMATS = ("jsonl", "parquet", "tmx", "moses", "tsv", "xliff")
BINARY = ("parquet",)
LEVELS = {
    "reviewed": ("reviewed",),
    "edited": ("reviewed", "edited"),
    "machine": ("reviewed", "edited", "machine"),
}
LEVELS["all"] = ("reviewed", "edited", "machine", "new")


class ExportError(WorkbenchError):
    pass


@dataclass(frozen=True)
class Row:
    article: str
    document: Document
    segment: SegmentRecord

    @property
    def source_language(self) -> str:
        return self.document.source_language or "und"

    @property
    def target_language(self) -> str:
        return self.document.target_language


ARTICLE_FIELDS = ("title", "date", "url", "site", "author")  # what the article says of itself


def article_facts(document: Document) -> list[tuple[str, str]]:
    """The article's metadata that is known, as (field, value), in ARTICLE_FIELDS order."""
    return [(name, value) for name in ARTICLE_FIELDS if (value := getattr(document, name))]


def select(documents: Iterable[Document], status: str = "reviewed", language: str | None = None) -> list[Row]:
    if status not in LEVELS:
        raise ExportError(f"unknown status {status!r}; use one of {', '.join(LEVELS)}.")
    wanted = LEVELS[status]
    rows = []
    for document in sorted(documents, key=lambda d: d.article_id):
        if language and document.source_language != language:
            continue
        rows += [Row(document.article_id, document, s) for s in document.segments if s.status in wanted]
    return rows


def one_line(text: str) -> str:
    return " ".join(text.split())


def to_jsonl(rows: Sequence[Row]) -> bytes:
    out = io.StringIO()
    for r in rows:
        s = r.segment
        record = {
            "article": r.article,
            "segment": s.id,
            "source_language": r.source_language,
            "target_language": r.target_language,
            "source": s.source,
            "target": s.target,
            "status": s.status,
            "mt": s.mt,
            "score": s.score,
            "glossary": s.glossary,
            "model": s.model,
            **{name: getattr(r.document, name) or None for name in ARTICLE_FIELDS},
        }
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
    return out.getvalue().encode("utf-8")


def to_tmx(rows: Sequence[Row]) -> bytes:
    from translate.storage import tmx

    languages = sorted({r.source_language for r in rows})
    store = tmx.tmxfile(sourcelanguage=languages[0] if len(languages) == 1 else "*all*", targetlanguage="en")
    for r in rows:
        unit = store.addsourceunit(r.segment.source, r.source_language)  # type: ignore[no-untyped-call]
        unit.settarget(r.segment.target, r.target_language, append=True)
        unit.xmlelement.set("tuid", f"{r.article}/{r.segment.id}")
        unit.addnote(f"status: {r.segment.status}", origin="workbench")
        for name, value in article_facts(r.document):
            unit.addnote(f"{name}: {value}", origin="workbench")
    return bytes(store)


def to_moses(rows: Sequence[Row]) -> dict[str, bytes]:
    """File suffix → content: for each language pair, two line-aligned files."""
    pairs: dict[tuple[str, str], list[Row]] = {}
    for r in rows:
        pairs.setdefault((r.source_language, r.target_language), []).append(r)
    files = {}
    for (source, target), group in sorted(pairs.items()):
        files[f"{source}-{target}.{source}"] = "".join(
            one_line(r.segment.source) + "\n" for r in group
        ).encode()
        files[f"{source}-{target}.{target}"] = "".join(
            one_line(r.segment.target) + "\n" for r in group
        ).encode()
    return files


def render(rows: Sequence[Row], fmt: str) -> bytes | dict[str, bytes]:
    """One file's bytes, or for Moses and XLIFF a mapping of file-name suffix to bytes."""
    if fmt == "jsonl":
        return to_jsonl(rows)
    if fmt == "parquet":
        from workbench.export.parquet import to_parquet

        return to_parquet(rows)
    if fmt == "tsv":
        from workbench.export.tsv import to_tsv

        return to_tsv(rows)
    if fmt == "tmx":
        return to_tmx(rows)
    if fmt == "xliff":
        from workbench.export.xliff import to_xliff_files

        return to_xliff_files(rows)
    if fmt == "moses":
        return to_moses(rows)
    raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")


def set_paths(output: Path, suffixes: Iterable[str]) -> list[Path]:
    """Where a set of files goes: `PREFIX.fr-en.xlf`, or `FOLDER/fr-en.xlf` for a folder."""
    if output.is_dir():
        return [output / suffix for suffix in suffixes]
    return [output.with_name(f"{output.name}.{suffix}") for suffix in suffixes]


def read_tmx(data: bytes, name: str) -> list[tuple[str, str, str, str]]:
    """(source language, source, target language, target) for every unit of a TMX file."""
    from translate.storage import tmx

    from workbench.glossary.exchange import check_xml

    check_xml(data, name)
    try:
        store = tmx.tmxfile.parsestring(data)  # type: ignore[no-untyped-call]
    except Exception as exc:
        raise ExportError(f"{name} is not a TMX file translate-toolkit can read ({exc}).") from None
    header = store.document.getroot().find("header")
    default_source = (header.get("srclang") if header is not None else None) or ""
    pairs = []
    lang_attribute = "{http://www.w3.org/XML/1998/namespace}lang"
    for tu in store.document.getroot().iter("tu"):
        tuvs = [(tuv.get(lang_attribute) or tuv.get("lang") or "", tuv.find("seg")) for tuv in tu.iter("tuv")]
        texts = [
            (lang.split("-")[0].lower(), "".join(seg.itertext()).strip())
            for lang, seg in tuvs
            if seg is not None
        ]
        if len(texts) < 2:
            continue
        source_lang = (tu.get("srclang") or default_source).split("-")[0].lower()
        source = next((t for t in texts if t[0] == source_lang), texts[0])
        for target in texts:
            if target is not source and source[1] and target[1]:
                pairs.append((source[0], source[1], target[0], target[1]))
    return pairs
