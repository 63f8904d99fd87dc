"""Parquet: the JSONL export's columns, typed, for datasets, pandas, polars and DuckDB.

The schema is explicit so that an empty column or a corpus without scores still reads with
the same types; rows come in the export's order, in one row group, with no timestamps, so
the same translations give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from workbench.export import ARTICLE_FIELDS

if TYPE_CHECKING:
    import pyarrow as pa

    from workbench.export import Row


def schema() -> pa.Schema:
    import pyarrow as pa

    def text(name: str) -> pa.Field:
        return pa.field(name, pa.string(), nullable=False)

    return pa.schema(
        [
            text("article"),
            text("segment"),
            text("source_language"),
            text("target_language"),
            text("source"),
            text("target"),
            text("status"),
            text("mt"),
            pa.field("score", pa.float64(), nullable=True),  # null: no MT score (human or memory)
            pa.field("glossary", pa.list_(pa.field("element", pa.string(), nullable=False)), nullable=False),
            text("model"),
            # the article's own metadata, null where unknown (plain-text sources have no URL)
            *(pa.field(name, pa.string(), nullable=True) for name in ARTICLE_FIELDS),
        ]
    )


def to_parquet(rows: Sequence[Row]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = schema().names
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for r in rows:
        s = r.segment
        values = (
            r.article,
            s.id,
            r.source_language,
            r.target_language,
            s.source,
            s.target,
            s.status,
            s.mt,
            s.score,
            list(s.glossary),
            s.model,
            *(getattr(r.document, name) or None for name in ARTICLE_FIELDS),
        )
        for name, value in zip(names, values, strict=True):
            columns[name].append(value)
    table = pa.table(columns, schema=schema())
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd", row_group_size=max(len(rows), 1))
    return out.getvalue()
