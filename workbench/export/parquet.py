"""Parquet: the JSONL export's columns, typed, for datasets, pandas, polars and DuckDB.

The schema is explicit so that an empty column or a corpus without scores still reads with
the same types; rows come in the export's order, in one row group, with no timestamps, so
the same translations give the same bytes. `date` is a date32 (null where the article's date
is not a whole calendar day) beside `date_raw`, the string the article gave; `translated_at`
and `approved_at` are timestamps in milliseconds (Parquet has no seconds), UTC.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from workbench.export.columns import COLUMNS, Column, records
from workbench.export.rows import Row
from workbench.export.xmltext import Notices

if TYPE_CHECKING:
    import pyarrow as pa


def _type(column: Column) -> pa.DataType:
    import pyarrow as pa

    if column.kind == "strings":
        return pa.list_(pa.field("element", pa.string(), nullable=False))
    return {
        "string": pa.string(),
        "int": pa.int32(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("ms", tz="UTC")  # Parquet has no seconds unit: pyarrow would store ms anyway,
    }[column.kind]


def schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([pa.field(c.name, _type(c), nullable=c.nullable) for c in COLUMNS])


def to_parquet(rows: Sequence[Row], notices: Notices | None = None) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: list[list[Any]] = [[] for _ in COLUMNS]
    for values in records(rows):
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    table = pa.table(dict(zip((c.name for c in COLUMNS), columns, strict=True)), schema=schema())
    out = io.BytesIO()
    pq.write_table(table, out, compression="zstd", row_group_size=max(len(rows), 1))
    return out.getvalue()
