"""Public annotated page sets for bench_html.py, each with its own published scoring.

Where to get them (a clone of each, side by side in one folder given as --data):

- ScrapingHub's article extraction benchmark, 181 news pages with hand-made article
  bodies, shingle F1 (`evaluate.py` there): git clone https://github.com/scrapinghub/article-extraction-benchmark
- trafilatura's evaluation set, about 1,000 multilingual pages with annotated strings
  that must and must not be extracted (`tests/eval_common.py` there):
  git clone https://github.com/adbar/trafilatura
- WCXB, the Web Content eXtraction Benchmark, 2,008 pages of seven types with whole
  hand-checked main contents, word F1 (`evaluate.py` there); only its articles are read:
  git clone https://github.com/Murrough-Foley/web-content-extraction-benchmark

The scoring functions below restate each benchmark's own, line for line in effect, so
that the figures are comparable with the ones each set publishes. Every page is assigned
for good to a tuning part or a held-out part (a hash of its id; WCXB's own dev and test
splits), so that rules tuned on one part are checked on the other.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SETS = {
    "scrapinghub": "article-extraction-benchmark",
    "trafilatura": "trafilatura",
    "wcxb": "web-content-extraction-benchmark",
}
HELD_OUT_SHARE = 4  # one page in four is held out where a set has no split of its own


@dataclass(frozen=True)
class Page:
    set: str
    id: str
    html: bytes
    truth: dict[str, Any]
    held_out: bool
    url: str | None = None


def held_out(page_id: str) -> bool:
    return hashlib.blake2b(page_id.encode(), digest_size=4).digest()[0] % HELD_OUT_SHARE == 0


def missing(data: Path, name: str) -> str | None:
    folder = data / SETS[name]
    return None if folder.is_dir() else f"{folder} is missing; see `python benchmarks/extraction_sets.py`."


def pages(data: Path, name: str) -> Iterator[Page]:
    folder = data / SETS[name]
    if name == "scrapinghub":
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        for key in sorted(truth):
            html = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
            yield Page(name, key, html, truth[key], held_out(key), truth[key].get("url"))
    elif name == "trafilatura":
        truth = json.loads((folder / "tests" / "evaldata.json").read_text(encoding="utf-8"))
        for url in sorted(truth):
            item = truth[url]
            path = next(p for sub in ("cache", "eval") if (p := folder / "tests" / sub / item["file"]).is_file())
            yield Page(name, url, path.read_bytes(), item, held_out(url), url)
    elif name == "wcxb":
        for split in ("dev", "test"):
            for path in sorted((folder / split / "ground-truth").glob("*.json")):
                data_ = json.loads(path.read_text(encoding="utf-8"))
                if (data_.get("_internal") or {}).get("page_type", {}).get("primary") != "article":
                    continue
                html = gzip.decompress((folder / split / "html" / f"{path.stem}.html.gz").read_bytes())
                yield Page(name, path.stem, html, data_["ground_truth"], split == "test", data_.get("url"))
    else:
        raise ValueError(name)


# --- ScrapingHub: shingles of four tokens, per-page normalised counts ----------------------

TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def shingle_counts(true: str, pred: str) -> tuple[float, float, float]:
    t, p = _shingles(true), _shingles(pred)
    tp = sum(min(t[k], p[k]) for k in t.keys() | p.keys())
    fp = sum(max(0, p[k] - t[k]) for k in t.keys() | p.keys())
    fn = sum(max(0, t[k] - p[k]) for k in t.keys() | p.keys())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)


def scrapinghub_score(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0) if counts else 0.0
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0) if counts else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


# --- trafilatura: annotated strings, whitespace-normalised substring matching --------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def string_counts(item: dict[str, Any], result: str) -> tuple[int, int, int, int]:
    text = _norm(result)
    tp = sum(1 for w in item["with"] if _norm(w) in text)
    fp = sum(1 for w in item["without"] if _norm(w) in text)
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def trafilatura_score(counts: list[tuple[int, int, int, int]]) -> dict[str, float]:
    tp, fp, fn, _ = (sum(c[i] for c in counts) for i in range(4))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0, "precision": precision, "recall": recall}


# --- WCXB: bag-of-words F1 per page, averaged ----------------------------------------------


def word_prf(pred: str, reference: str) -> tuple[float, float, float]:
    p, r = re.findall(r"\w+", pred.lower()), re.findall(r"\w+", reference.lower())
    if not r:
        return (1.0, 1.0, 1.0) if not p else (0.0, 0.0, 0.0)
    if not p:
        return (0.0, 0.0, 0.0)
    overlap = sum((Counter(p) & Counter(r)).values())
    precision, recall = overlap / len(p), overlap / len(r)
    return precision, recall, 2 * precision * recall / (precision + recall) if overlap else 0.0


def wcxb_score(prfs: list[tuple[float, float, float]]) -> dict[str, float]:
    if not prfs:
        return {"f1": 0.0, "precision": 0.0, "recall": 0.0}
    return {key: statistics.mean(x[i] for x in prfs) for i, key in enumerate(("precision", "recall", "f1"))}


@dataclass(frozen=True)
class Scoring:
    """A set's per-page measure, its aggregate, and the page's own F1 for per-page comparisons."""

    measure: Callable[[Page, str], Any]
    aggregate: Callable[[list[Any]], dict[str, float]]
    page_f1: Callable[[Any], float]


def _string_page_f1(c: tuple[int, int, int, int]) -> float:
    tp, fp, fn, _ = c
    return 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 1.0


def _shingle_page_f1(c: tuple[float, float, float]) -> float:
    p, r = _precision(*c), _recall(*c)
    return 2 * p * r / (p + r) if p + r else 0.0


SCORING = {
    "scrapinghub": Scoring(lambda page, text: shingle_counts(page.truth.get("articleBody", ""), text), scrapinghub_score, _shingle_page_f1),
    "trafilatura": Scoring(lambda page, text: string_counts(page.truth, text), trafilatura_score, _string_page_f1),
    "wcxb": Scoring(lambda page, text: word_prf(text, page.truth.get("main_content") or ""), wcxb_score, lambda c: c[2]),
}


def reference_text(page: Page) -> str:
    """The page's annotated article text (for its language), or its strings to keep."""
    if page.set == "scrapinghub":
        return str(page.truth.get("articleBody", ""))
    if page.set == "wcxb":
        return str(page.truth.get("main_content") or "")
    return " ".join(page.truth.get("with", []))


if __name__ == "__main__":
    print(__doc__)
