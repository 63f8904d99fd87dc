"""TSV: one row per segment, with a header, every field escaped so that rows stay rows.

Inside a field (ids included) a backslash is written `\\\\`, a tab `\\t`, a newline `\\n` and a
carriage return `\\r`, the convention of PostgreSQL's COPY and of MySQL's LOAD DATA, so that
text is kept exactly and any line split on tabs gives the columns. `read_tsv` undoes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from workbench.export.rows import Row
    from workbench.export.xmltext import Notices

COLUMNS = ("article", "segment", "source_language", "target_language", "status", "source", "target")
ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
UNESCAPES = {v[1]: k for k, v in ESCAPES.items()}
SPECIAL = regex.compile(r"[\\\t\n\r]")
ESCAPED = regex.compile(r"\\(.)", regex.DOTALL)


def escape(field: str) -> str:
    return str(SPECIAL.sub(lambda m: ESCAPES[m.group()], field))


def unescape(field: str) -> str:
    # An unknown escape keeps its character, as COPY does.
    return str(ESCAPED.sub(lambda m: UNESCAPES.get(m.group(1), m.group(1)), field))


def to_tsv(rows: Sequence[Row], notices: Notices | None = None) -> bytes:
    lines = ["\t".join(COLUMNS)]
    for r in rows:
        cells = [r.article, r.segment.id, r.source_language, r.target_language, r.segment.status]
        cells += [r.segment.source, r.segment.target]
        lines.append("\t".join(escape(c) for c in cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def read_tsv(data: bytes) -> list[dict[str, str]]:
    """The rows of a TSV export, fields unescaped, keyed by the header's names."""
    lines = data.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        return []
    header = [unescape(h) for h in lines[0].split("\t")]
    return [dict(zip(header, (unescape(f) for f in line.split("\t")), strict=True)) for line in lines[1:]]
