"""JSONL: one JSON object per segment, the columns of `columns.py` in their order.

Text is written as is (UTF-8, not \\u escapes); `date` is `YYYY-MM-DD` or null, and
`date_raw` keeps what the article said.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from workbench.export.columns import COLUMNS, json_value, records
from workbench.export.rows import Row
from workbench.export.xmltext import Notices


def to_jsonl(rows: Sequence[Row], notices: Notices | None = None) -> bytes:
    names = [c.name for c in COLUMNS]
    lines = [
        json.dumps(dict(zip(names, map(json_value, values), strict=True)), ensure_ascii=False) + "\n"
        for values in records(rows)
    ]
    return "".join(lines).encode("utf-8", "backslashreplace")  # a name not in UTF-8: \\udcXX, as JSON escapes it
