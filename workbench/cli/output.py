"""Rendering articles for people and for machines."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

from workbench.model import Article


def article_json(article: Article, *, with_blocks: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": article.id,
        "source": article.source,
        "language": article.language,
        "title": article.title,
        "date": article.date,
        "encoding": article.encoding,
        "repairs": list(article.repairs),
    }
    for key in ("url", "author", "site", "declared_language"):
        if getattr(article, key) is not None:  # a web page's own metadata
            data[key] = getattr(article, key)
    if with_blocks:
        data["paragraphs"] = [
            {
                "block": index,
                "kind": block.kind,
                "line": block.line,
                "language": block.language,
                "text": block.text,
                "foreign_spans": [asdict(span) for span in block.foreign_spans],
            }
            for index, block in enumerate(article.blocks)
            if block.kind != "title"
        ]
    data["segments"] = [asdict(segment) for segment in article.segments]
    data["removed"] = [
        {key: value for key, value in asdict(removal).items() if key != "kind" or value is not None}
        for removal in article.removed
    ]
    return data


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def warn(message: str) -> None:
    """A warning in the CLI's voice: one line on standard error."""
    print(f"workbench: {message}", file=sys.stderr)
