"""Export: the aligned parallel corpus for CAT tools and machine learning.

Rows are taken from translations/ in article order, then segment order, so the same files
give the same bytes. `--status` is a threshold: `reviewed` exports reviewed segments only
(the default), `edited` adds segments a human edited but did not confirm, `machine` adds
machine translations, `all` adds untranslated segments too. TMX and XLIFF are written and
read back with translate-toolkit.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.store import Document, SegmentRecord

FORMATS = ("jsonl", "tmx", "moses", "tsv", "xliff")
LEVELS = {
    "reviewed": ("reviewed",),
    "edited": ("reviewed", "edited"),
    "machine": ("reviewed", "edited", "machine"),
}
LEVELS["all"] = ("reviewed", "edited", "machine", "new")
XLIFF_STATE = {"new": "initial", "machine": "translated", "edited": "translated", "reviewed": "reviewed"}


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
        }
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
    return out.getvalue().encode("utf-8")


def to_tsv(rows: Sequence[Row]) -> bytes:
    lines = ["article\tsegment\tsource_language\ttarget_language\tstatus\tsource\ttarget"]
    for r in rows:
        cells = [r.article, r.segment.id, r.source_language, r.target_language, r.segment.status]
        cells += [
            one_line(r.segment.source).replace("\t", " "),
            one_line(r.segment.target).replace("\t", " "),
        ]
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_tmx(rows: Sequence[Row]) -> bytes:
    from translate.storage import tmx

    languages = sorted({r.source_language for r in rows})
    store = tmx.tmxfile(sourcelanguage=languages[0] if len(languages) == 1 else "*all*", targetlanguage="en")
    for r in rows:
        unit = store.addsourceunit(r.segment.source, r.source_language)  # type: ignore[no-untyped-call]
        unit.settarget(r.segment.target, r.target_language, append=True)
        unit.xmlelement.set("tuid", f"{r.article}/{r.segment.id}")
        unit.addnote(f"status: {r.segment.status}", origin="workbench")
    return bytes(store)


def to_xliff(rows: Sequence[Row]) -> bytes:
    from translate.storage import xliff2

    languages = sorted({r.source_language for r in rows})
    if len(languages) > 1:
        raise ExportError(
            f"XLIFF holds one source language and these segments are in {', '.join(languages)}; "
            f"add --lang {languages[0]} (or another)."
        )
    targets = sorted({r.target_language for r in rows}) or ["en"]
    store = xliff2.Xliff2File(sourcelanguage=languages[0] if languages else "und", targetlanguage=targets[0])
    for r in rows:
        unit = store.addsourceunit(r.segment.source)  # type: ignore[no-untyped-call]
        unit.setid(f"{r.article}.{r.segment.id}")
        if r.segment.target:
            unit.target = r.segment.target
        unit.xmlelement.set("state", XLIFF_STATE[r.segment.status])  # xmlelement is the <segment>
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
    if fmt == "jsonl":
        return to_jsonl(rows)
    if fmt == "tsv":
        return to_tsv(rows)
    if fmt == "tmx":
        return to_tmx(rows)
    if fmt == "xliff":
        return to_xliff(rows)
    if fmt == "moses":
        return to_moses(rows)
    raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")


def moses_paths(output: Path, suffixes: Iterable[str]) -> list[Path]:
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
