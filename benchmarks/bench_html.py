"""Web pages: quality against trafilatura alone, speed, and limits.

Run: .venv/bin/python benchmarks/bench_html.py [--pages 1000] [--warc-mb 200] [--skip-quality]
     .venv/bin/python benchmarks/bench_html.py --only-warc --warc-mb 2048   # the 2 GB WARC (~6 minutes)

Prints:
- quality on tests/data/web (expectations in pages.toml, written by reading the pages):
  keep-rate (article strings kept) and drop-rate (furniture strings gone) for Workbench
  and for trafilatura alone, in its default, precision and recall settings;
- pages per second and peak memory over --pages pages generated from the test pages;
- time and peak memory on a 10 MB page, malformed markup, markup nested 50,000 deep;
- a generated WARC of --warc-mb megabytes (images and scripts, as crawls are, with the
  HTML pages among them) streamed page by page in a child process: its peak memory.

Peak memory is the process's VmHWM (resident high-water mark) from /proc.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import extraction_sets as sets

from workbench.clean import Ruleset
from workbench.errors import InputError
from workbench.web import extract_html, warc_pages

PAGES = Path(__file__).resolve().parents[1] / "tests" / "data" / "web"


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- quality on public annotated sets ---------------------------------------------------------


def _readability_text(data: bytes) -> str:
    import lxml.html
    from readability import Document

    summary = Document(data).summary(html_partial=True)
    root = lxml.html.fromstring(summary)
    for element in root.iter():  # one line per block, as html_text and our output do
        if isinstance(element.tag, str) and element.tag in BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return "\n".join(line.strip() for line in root.text_content().splitlines() if line.strip())


BLOCKS = frozenset(["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "br", "blockquote", "pre", "section", "article"])


def _trafilatura_text(data: bytes) -> str:
    import trafilatura

    # the settings of trafilatura's own evaluation (tests/eval_common.py)
    return trafilatura.extract(data, include_comments=False, include_tables=True, include_formatting=False) or ""


def _workbench_body(page: Any) -> str:
    try:
        article = extract_html(page.html, "page.html", url=page.url)
    except InputError:
        return ""
    return "\n".join(b.text for b in article.paragraphs)  # the body: the title is a field of its own


SYSTEMS = {"workbench": _workbench_body, "trafilatura": lambda page: _trafilatura_text(page.html), "readability": lambda page: _readability_text(page.html)}


def _version(system: str) -> str:
    from importlib import metadata

    if system == "workbench":
        from workbench.clean import default_rules
        from workbench.prepare import stages_fingerprint

        return stages_fingerprint() + default_rules().fingerprint
    return metadata.version({"trafilatura": "trafilatura", "readability": "readability-lxml"}[system])


def _outputs(system: str, set_pages: list[Any], cache: Path | None) -> tuple[list[str], float]:
    """Each page's text (cached per system version), and the seconds spent computing them."""
    path = None
    stored: dict[str, str] = {}
    if cache is not None:
        path = cache / f"{system}-{set_pages[0].set}-{hashlib.blake2b(_version(system).encode(), digest_size=8).hexdigest()}.json"
        if path.exists():
            stored = json.loads(path.read_text(encoding="utf-8"))
    texts, spent = [], 0.0
    for page in set_pages:
        if page.id not in stored:
            start = time.perf_counter()
            try:
                stored[page.id] = SYSTEMS[system](page)
            except Exception:  # a crash costs the page, as in the sets' own evaluations
                stored[page.id] = ""
            spent += time.perf_counter() - start
        texts.append(stored[page.id])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored), encoding="utf-8")
    return texts, spent


def _language(page: Any) -> str:
    from workbench import langid

    return langid.detect(sets.reference_text(page)[:2000]) or "?"


def public_sets(data: Path, names: list[str], systems: list[str], cache: Path | None, worst: int) -> None:
    for name in names:
        why = sets.missing(data, name)
        if why:
            print(f"{name}: skipped, {why}")
            continue
        set_pages = list(sets.pages(data, name))
        scoring = sets.SCORING[name]
        measures: dict[str, list[Any]] = {}
        print(f"\n{name}: {len(set_pages)} pages ({sum(p.held_out for p in set_pages)} held out)")
        for system in systems:
            texts, spent = _outputs(system, set_pages, cache)
            measures[system] = [scoring.measure(page, text) for page, text in zip(set_pages, texts, strict=True)]
            timing = f"{spent / len(set_pages) * 1000:.0f} ms/page" if spent else "cached"
            print(f"  {system:<12} {_figures(scoring, measures[system], set_pages)}  ({timing})")
        if "workbench" in measures and "trafilatura" in measures:
            _compare(name, scoring, set_pages, measures, worst)


def _figures(scoring: Any, measured: list[Any], set_pages: list[Any]) -> str:
    parts = []
    for label, keep in (("all", lambda p: True), ("tuning", lambda p: not p.held_out), ("held-out", lambda p: p.held_out)):
        chosen = [m for m, p in zip(measured, set_pages, strict=True) if keep(p)]
        figures = scoring.aggregate(chosen)
        parts.append(f"{label} F1 {figures['f1']:.3f} (P {figures['precision']:.3f} R {figures['recall']:.3f})")
    return "; ".join(parts)


def _compare(name: str, scoring: Any, set_pages: list[Any], measures: dict[str, list[Any]], worst: int) -> None:
    ours = [scoring.page_f1(m) for m in measures["workbench"]]
    theirs = [scoring.page_f1(m) for m in measures["trafilatura"]]
    languages = [_language(p) for p in set_pages]
    for language in sorted(set(languages), key=lambda lang: -languages.count(lang)):
        chosen = [n for n, lang in enumerate(languages) if lang == language]
        if len(chosen) < 3 and language not in ("fr", "ru"):
            continue
        ours_f1 = scoring.aggregate([measures["workbench"][n] for n in chosen])["f1"]
        theirs_f1 = scoring.aggregate([measures["trafilatura"][n] for n in chosen])["f1"]
        print(f"    {language}: {len(chosen)} pages, workbench {ours_f1:.3f}, trafilatura {theirs_f1:.3f}")
    below = sorted((o - t, n) for n, (o, t) in enumerate(zip(ours, theirs, strict=True)) if o < t - 0.05)
    better = sum(o > t + 0.005 for o, t in zip(ours, theirs, strict=True))
    worse = sum(o < t - 0.005 for o, t in zip(ours, theirs, strict=True))
    print(f"    per page: better than trafilatura on {better}, worse on {worse}, more than 0.05 below on {len(below)}")
    for diff, n in below[:worst]:
        page = set_pages[n]
        print(f"      {diff:+.3f} {page.id[:70]} ({'held out' if page.held_out else 'tuning'}) {ours[n]:.3f} vs {theirs[n]:.3f}")


# --- quality on our own pages ----------------------------------------------------------------


def score(text: str, page: dict[str, Any]) -> tuple[int, int]:
    kept = sum(1 for s in page["keep"] if s in text)
    dropped = sum(1 for d in page["drop"] if d["text"] not in text)
    return kept, dropped


def quality() -> None:
    import trafilatura

    expected = tomllib.loads((PAGES / "pages.toml").read_text(encoding="utf-8"))["page"]
    systems: dict[str, Any] = {
        "workbench": lambda data: _workbench_text(data, precision=False),
        "workbench (precision)": lambda data: _workbench_text(data, precision=True),
        "workbench without rules": lambda data: _workbench_text(data, precision=False, rules=Ruleset([])),
        "trafilatura default": lambda data: trafilatura.extract(data) or "",
        "trafilatura precision": lambda data: trafilatura.extract(data, favor_precision=True) or "",
        "trafilatura recall": lambda data: trafilatura.extract(data, favor_recall=True) or "",
    }
    keep_total = sum(len(p["keep"]) for p in expected)
    drop_total = sum(len(p["drop"]) for p in expected)
    print(f"quality on {len(expected)} pages of tests/data/web: {keep_total} strings to keep, {drop_total} to drop")
    print(f"  {'system':<24} {'kept':>10} {'dropped':>10} {'total':>10}")
    for name, run in systems.items():
        kept = dropped = 0
        misses: list[str] = []
        for page in expected:
            text = run((PAGES / page["file"]).read_bytes())
            k, d = score(text, page)
            kept += k
            dropped += d
            misses += [f"{page['file']}: kept {x['text']!r}" for x in page["drop"] if x["text"] in text]
            misses += [f"{page['file']}: lost {s!r}" for s in page["keep"] if s not in text]
        total = kept + dropped
        print(
            f"  {name:<24} {kept:>4}/{keep_total:<5} {dropped:>4}/{drop_total:<5} {total:>4}/{keep_total + drop_total}"
        )
        if name == "workbench" and misses:
            for miss in misses:
                print(f"      {miss}")


def _workbench_text(data: bytes, precision: bool, rules: Ruleset | None = None) -> str:
    article = extract_html(data, "page.html", precision=precision, rules=rules)
    return "\n".join(b.text for b in article.blocks)


# --- generated pages ---------------------------------------------------------------------


def generated_pages(count: int, seed: int = 7) -> list[bytes]:
    """Variants of the test pages: paragraphs repeated and shuffled, numbers changed."""
    rng = random.Random(seed)
    sources = [p.read_bytes().decode("utf-8", "replace") for p in sorted(PAGES.glob("*.html")) if "utf" in _charset(p)]
    pages = []
    for n in range(count):
        text = sources[n % len(sources)]
        head, sep, rest = text.partition("<p")
        paragraphs = rest.split("<p")
        extra = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(0, 4)))
        body = "<p".join(paragraphs[:3] + extra + paragraphs[3:])
        body = body.replace("2026", str(2000 + n % 27)).replace("120", str(n))
        pages.append((head + sep + body).encode("utf-8"))
    return pages


def _charset(path: Path) -> str:
    head = path.read_bytes()[:400].lower()
    return "utf" if b"utf-8" in head else "legacy"


def throughput(count: int) -> None:
    pages = generated_pages(count)
    extract_html(pages[0], "warm.html")
    start = time.perf_counter()
    blocks = dropped = 0
    for n, data in enumerate(pages):
        article = extract_html(data, f"page{n}.html")
        blocks += len(article.blocks)
        dropped += len(article.removed)
    elapsed = time.perf_counter() - start
    size = sum(len(p) for p in pages) / 1024 / 1024
    print(
        f"{count} generated pages ({size:.1f} MB): {elapsed:.1f} s = {count / elapsed:.1f} pages/s, "
        f"{elapsed / count * 1000:.1f} ms/page; {blocks} blocks kept, {dropped} dropped; peak {peak_mb():.0f} MB"
    )


def limits() -> None:
    paragraph = (
        "<div class='post'><p class='time'>12:{m:02d}</p><p>Le ministre a répondu aux questions des députés "
        "sur le calendrier de la migration des services de l’État vers des logiciels libres, numéro {n}.</p>"
        "<div class='share'><a>Partager</a><a>Tweeter</a></div></div>\n"
    )
    body = "".join(paragraph.format(m=n % 60, n=n) for n in range(40_000))
    big = f"<html lang='fr'><head><title>Direct</title></head><body><h1>En direct</h1>{body}</body></html>".encode()
    big = big[: 10 * 1024 * 1024] if len(big) > 10 * 1024 * 1024 else big
    run("10 MB live blog", big)

    rng = random.Random(3)
    tags = ["<div>", "</div>", "<p>", "</p>", "<b>", "</i>", "<table><td>", "</span>", "<li>", "<!--", "-->", "<a href='x", "&amp", "<"]
    soup = "".join(rng.choice(tags) + "mot " * rng.randint(0, 8) for _ in range(60_000))
    run("malformed tag soup (1 MB)", f"<html><body><h1>Soupe</h1>{soup}".encode())

    depth = 50_000
    deep = ("<html><body>" + "<div>" * depth + "<p>Une phrase tout au fond de la page.</p>" + "</div>" * depth).encode()
    article = run("markup nested 50,000 deep", deep)
    assert article is not None and any("tout au fond" in b.text for b in article.blocks)


def run(label: str, data: bytes) -> Any:
    start = time.perf_counter()
    try:
        article = extract_html(data, label)
        outcome = f"{len(article.blocks)} blocks kept, {len(article.removed)} dropped"
    except Exception as exc:  # the figure to report is how it fails
        article = None
        outcome = f"{type(exc).__name__}: {exc}"
    print(f"{label}: {len(data) / 1024 / 1024:.1f} MB in {time.perf_counter() - start:.2f} s; {outcome}; peak {peak_mb():.0f} MB")
    return article


# --- a large WARC --------------------------------------------------------------------------


def write_warc(path: Path, megabytes: int, html_pages: list[bytes]) -> int:
    """Images and scripts of 1-4 MB with the HTML pages spread among them; returns the HTML count."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(11)
    target = megabytes * 1024 * 1024
    blob = os.urandom(4 * 1024 * 1024)  # incompressible, like images
    html = 0
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        n = 0
        while handle.tell() < target:
            n += 1
            if n % 3 == 0:
                data = html_pages[html % len(html_pages)]
                url, ctype = f"https://news.example/{html}.html", "text/html; charset=utf-8"
                html += 1
            else:
                size = rng.randint(1, 4) * 1024 * 1024
                start = rng.randint(0, len(blob) - size)
                data = blob[start : start + size]
                url, ctype = f"https://news.example/img/{n}.jpg", "image/jpeg"
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(data), http_headers=http))
    return html


def warc_child(path: str) -> None:
    start = time.perf_counter()
    pages = blocks = 0
    for page in warc_pages(Path(path)):
        article = extract_html(page.payload, page.url, url=page.url, fetched=page.date, charset=page.charset)
        pages += 1
        blocks += len(article.blocks)
    elapsed = time.perf_counter() - start
    print(f"  streamed: {pages} HTML pages extracted in {elapsed:.1f} s ({pages / elapsed:.1f} pages/s); peak {peak_mb():.0f} MB")


def warc(megabytes: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-warc-") as folder:
        path = Path(folder) / "crawl.warc.gz"
        start = time.perf_counter()
        html = write_warc(path, megabytes, generated_pages(200))
        size = path.stat().st_size / 1024 / 1024
        print(f"WARC of {size:.0f} MB ({html} HTML responses among images) written in {time.perf_counter() - start:.0f} s")
        subprocess.run([sys.executable, __file__, "--warc-child", str(path)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--warc-mb", type=int, default=200)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--data", type=Path, help="folder holding the public sets (see extraction_sets.py)")
    parser.add_argument("--sets", default="scrapinghub,trafilatura,wcxb")
    parser.add_argument("--systems", default="workbench,trafilatura,readability")
    parser.add_argument("--cache", type=Path, help="keep each system's outputs here, per version")
    parser.add_argument("--worst", type=int, default=10, help="pages listed where workbench is below trafilatura")
    parser.add_argument("--only-sets", action="store_true", help="only the public sets")
    parser.add_argument("--only-warc", action="store_true", help="only the WARC figure (for the 2 GB run)")
    parser.add_argument("--warc-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warc_child:
        warc_child(args.warc_child)
        return
    if args.data:
        public_sets(args.data, args.sets.split(","), args.systems.split(","), args.cache, args.worst)
        if args.only_sets:
            return
    if not args.only_warc:
        if not args.skip_quality:
            quality()
        throughput(args.pages)
        limits()
    if args.warc_mb:
        warc(args.warc_mb)


if __name__ == "__main__":
    main()
