"""Export: the aligned parallel corpus for CAT tools and machine learning.

`FORMATS` is the one list of formats: the command's `--format` choices and help, which
formats need a file, and `render` all read it. Each format has its module (`jsonl`,
`parquet`, `tmx`, `moses`, `tsv`, `xliff`; the segmentation rules are `workbench.srx`), and
the modules take their rows from `rows`, never from this package. Moses and XLIFF give one
file (two for Moses) per language pair: `render` returns them as a mapping of file-name
suffix to content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.export import jsonl, moses, parquet, tmx, tsv, xliff
from workbench.export.rows import LEVELS, ExportError, Row, select
from workbench.export.xmltext import Notices

Writer = Callable[[Sequence[Row], Notices], bytes | dict[str, bytes]]


def _srx(rows: Sequence[Row], notices: Notices) -> bytes:
    from workbench.srx import export_srx

    return export_srx()


@dataclass(frozen=True)
class Format:
    name: str
    about: str  # for --help
    write: Writer
    binary: bool = False  # not for standard output
    several: str = ""  # why it may need several files (then -o is a prefix or a folder)
    of_rows: bool = True  # False: made from the rules, needs no project


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("jsonl", "JSON Lines, one segment per line", jsonl.to_jsonl),
        Format("parquet", "typed columns for pandas, polars, DuckDB, datasets", parquet.to_parquet, binary=True),
        Format("tmx", "TMX 1.4b translation memory", tmx.to_tmx),
        Format("moses", "two line-aligned text files per language pair", moses.to_moses, several="two files per language pair"),
        Format("tsv", "tab-separated, escaped", tsv.to_tsv),
        Format("xliff", "XLIFF 2.0, one file per language pair", xliff.to_xliff_files, several="one file per language pair"),
        Format("srx", "our segmentation rules as SRX 2.0", _srx, of_rows=False),
    )
}

__all__ = ["FORMATS", "LEVELS", "ExportError", "Format", "Notices", "Row", "render", "select", "set_paths"]


def render(rows: Sequence[Row], fmt: str, notices: Notices | None = None) -> bytes | dict[str, bytes]:
    """One file's bytes, or for Moses and XLIFF a mapping of file-name suffix to bytes."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    return FORMATS[fmt].write(rows, notices if notices is not None else Notices())


def set_paths(output: Path, suffixes: Iterable[str]) -> list[Path]:
    """Where a set of files goes: `PREFIX.fr-en.xlf`, or `FOLDER/fr-en.xlf` for a folder."""
    if output.is_dir():
        return [output / suffix for suffix in suffixes]
    return [output.with_name(f"{output.name}.{suffix}") for suffix in suffixes]
