"""Moses: for each language pair, two line-aligned plain-text files (`PREFIX.fr-en.fr`,
`PREFIX.fr-en.en`), the form MT toolkits train on. A line break inside a segment would
shift every line after it, so runs of whitespace become one space."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.export.rows import Row
from workbench.export.xmltext import Notices


def one_line(text: str) -> str:
    return " ".join(text.split())


def to_moses(rows: Sequence[Row], notices: Notices | None = None) -> dict[str, bytes]:
    """File suffix → content: for each language pair, two line-aligned files."""
    pairs: dict[tuple[str, str], list[Row]] = {}
    for r in rows:
        pairs.setdefault((r.source_language, r.target_language), []).append(r)
    files = {}
    for (source, target), group in sorted(pairs.items()):
        files[f"{source}-{target}.{source}"] = "".join(one_line(r.segment.source) + "\n" for r in group).encode()
        files[f"{source}-{target}.{target}"] = "".join(one_line(r.segment.target) + "\n" for r in group).encode()
    return files
