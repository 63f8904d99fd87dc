"""WARC files: one page per HTML response record, stable identities, streaming, limits.

The WARCs are written in the test with warcio's own writer, as crawlers write them:
warcinfo, request/response pairs, images, redirects, errors, revisits, compressed and
chunked bodies.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from workbench.errors import InputError
from workbench.web import extract_html, warc_pages
from workbench.web import warc as warc_module
from workbench.web.warc import WarcSkip, is_warc

PAGES = Path(__file__).parent / "data" / "web"


def add(
    writer: WARCWriter,
    url: str,
    body: bytes,
    *,
    content_type: str = "text/html; charset=utf-8",
    status: str = "200 OK",
    date: str = "2026-03-05T10:00:00Z",
    extra: list[tuple[str, str]] | None = None,
    record_type: str = "response",
) -> None:
    headers = [("Content-Type", content_type), *(extra or [])]
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        record_type,
        payload=io.BytesIO(body),
        http_headers=http if record_type == "response" else None,
        warc_headers_dict={"WARC-Date": date},
        warc_content_type="" if record_type == "response" else content_type,
    )
    writer.write_record(record)


def chunked(body: bytes) -> bytes:
    out = b""
    for start in range(0, len(body), 700):
        piece = body[start : start + 700]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def crawl(path: Path, gz: bool = True) -> None:
    """A small crawl of the test pages, with the records a real crawl mixes in."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = writer.create_warc_record(
            "https://www.lequotidien.example/a.html",
            "request",
            payload=io.BytesIO(b"GET /a.html HTTP/1.1\r\nHost: www.lequotidien.example\r\n\r\n"),
        )
        writer.write_record(request)
        add(writer, "https://www.lequotidien.example/a.html", (PAGES / "fr-quotidien.html").read_bytes())
        # The page declares its charset in a meta; the server says it too.
        add(
            writer,
            "https://sibvestnik.example/news/123",
            (PAGES / "ru-region.html").read_bytes(),
            content_type="text/html; charset=windows-1251",
            date="2026-02-18T07:00:00Z",
        )
        add(writer, "https://www.lequotidien.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), content_type="image/png")
        add(writer, "https://www.lequotidien.example/app.js", b"console.log(1)", content_type="application/javascript")
        add(writer, "https://www.lequotidien.example/old", b"<html>Moved</html>", status="301 Moved Permanently")
        add(writer, "https://www.lequotidien.example/missing", b"<html><p>Page introuvable</p></html>", status="404 Not Found")
        # Gzip content-encoding and chunked transfer, as wget records them.
        add(
            writer,
            "https://agence.example/depeche",
            gzip.compress((PAGES / "fr-agence.html").read_bytes()),
            content_type="text/html",
            extra=[("Content-Encoding", "gzip")],
        )
        add(
            writer,
            "https://portal.example/banks",
            chunked((PAGES / "ru-portal.html").read_bytes()),
            extra=[("Transfer-Encoding", "chunked")],
        )
        # The same URL captured twice with different pages, and once again unchanged.
        add(writer, "https://portal.example/live", b"<html><h1>Direct</h1><p>Version une du direct, assez longue pour un article.</p></html>")
        add(writer, "https://portal.example/live", b"<html><h1>Direct</h1><p>Version deux du direct, assez longue pour un article.</p></html>", date="2026-03-05T11:00:00Z")
        add(writer, "https://portal.example/live", b"<html><h1>Direct</h1><p>Version deux du direct, assez longue pour un article.</p></html>", date="2026-03-05T12:00:00Z")
        add(writer, "https://agency.example/xhtml", (PAGES / "ru-agency.html").read_bytes(), content_type="application/xhtml+xml", record_type="resource")


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_one_page_per_html_response(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    crawl(path, gz)
    pages = list(warc_pages(path))
    assert [p.url for p in pages] == [
        "https://www.lequotidien.example/a.html",
        "https://sibvestnik.example/news/123",
        "https://agence.example/depeche",
        "https://portal.example/banks",
        "https://portal.example/live",
        "https://portal.example/live",
        "https://portal.example/live",
        "https://agency.example/xhtml",
    ]
    assert pages[0].date == "2026-03-05T10:00:00Z"
    assert pages[1].charset == "windows-1251"
    assert all(p.record_id.startswith("<urn:uuid:") for p in pages)
    assert len({p.offset for p in pages}) == len(pages)
    # Compressed and chunked bodies come out as the page itself.
    assert pages[2].payload == (PAGES / "fr-agence.html").read_bytes()
    assert pages[3].payload == (PAGES / "ru-portal.html").read_bytes()


def test_pages_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    crawl(path)
    titles = {}
    for page in warc_pages(path):
        article = extract_html(page.payload, page.url, url=page.url, fetched=page.date, charset=page.charset)
        titles[page.url] = article.title
        assert article.url == page.url
    assert titles["https://sibvestnik.example/news/123"] == (
        "В Новосибирской области школы переходят на отечественную операционную систему"
    )
    assert titles["https://agence.example/depeche"] == "Airbus confie ses données d’ingénierie à un hébergeur européen"
    assert titles["https://portal.example/banks"] == "Крупные банки отказались от зарубежных облачных сервисов"


def test_article_ids_are_stable_and_follow_the_payload(tmp_path: Path) -> None:
    first, second = tmp_path / "a.warc.gz", tmp_path / "b.warc"
    crawl(first)
    crawl(second, gz=False)
    ids = [p.article_id for p in warc_pages(first)]
    assert ids == [p.article_id for p in warc_pages(first)]
    assert ids == [p.article_id for p in warc_pages(second)]  # record offsets differ, identities do not
    live = ids[4:7]
    assert live[0] != live[1]  # same URL, different page: two articles
    assert live[1] == live[2]  # same URL, same page: one article
    assert ids[0].startswith("lequotidien-example-a-html-")
    assert len(set(ids)) == len(ids) - 1


def test_oversized_record_is_skipped_and_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warc_module, "MAX_PAYLOAD_BYTES", 5_000)
    path = tmp_path / "crawl.warc.gz"
    crawl(path)
    skipped: list[WarcSkip] = []
    urls = [p.url for p in warc_pages(path, skipped)]
    assert "https://www.lequotidien.example/a.html" not in urls
    assert "https://portal.example/live" in urls
    assert skipped and skipped[0].url == "https://www.lequotidien.example/a.html"
    assert skipped[0].record_id.startswith("<urn:uuid:") and "larger than" in skipped[0].reason


def test_not_a_warc_fails_with_one_sentence(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.warc"
    bogus.write_bytes(b"this is not a web archive at all\n" * 10)
    with pytest.raises(InputError, match=r"bogus.warc is not a readable WARC file \(it does not start with a WARC record\)\.$"):
        list(warc_pages(bogus))
    with pytest.raises(InputError, match=r"no such file\.$"):
        list(warc_pages(tmp_path / "missing.warc.gz"))


def test_truncated_warc_yields_what_is_whole_then_fails(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    crawl(path)
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    seen = []
    with pytest.raises(InputError, match=r"cut.warc.gz is cut short: the record of https://\S+ is incomplete\.$"):
        for page in warc_pages(cut):
            seen.append(page.url)
    assert seen[:2] == ["https://www.lequotidien.example/a.html", "https://sibvestnik.example/news/123"]


def test_is_warc() -> None:
    assert is_warc(Path("a/CRAWL.WARC.GZ")) and is_warc(Path("x.warc"))
    assert not is_warc(Path("x.warc.txt")) and not is_warc(Path("page.html"))


@pytest.mark.parametrize("where", ["warc", "http"])
def test_a_header_line_that_inflates_is_refused_in_bounded_memory(tmp_path: Path, where: str) -> None:
    """64 MB of header line in 64 kB of gzip: refused after reading 1 MB of it, not grown."""
    import tracemalloc

    long = b"a" * (64 * 1024 * 1024)
    if where == "warc":
        record = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x.example/" + long + b"\r\n\r\n"
    else:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Long: " + long + b"\r\n\r\n<p>x</p>"
        record = (
            b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x.example/\r\n"
            b"Content-Type: application/http; msgtype=response\r\n"
            b"Content-Length: " + str(len(http)).encode() + b"\r\n\r\n" + http + b"\r\n\r\n"
        )
    path = tmp_path / "long.warc.gz"
    path.write_bytes(gzip.compress(record))
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"long.warc.gz holds a header line over 1 MB; it is not a WARC file Workbench reads\.$"):
            list(warc_pages(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 48 * 1024 * 1024  # warcio alone held the whole line, and copies of it


def test_web_pages_come_out_in_nfc(tmp_path: Path) -> None:
    import unicodedata

    from workbench.pipeline import article_from_source, read_sources

    decomposed = unicodedata.normalize("NFD", "Le café de l’Élysée a été fermé mercredi après une décision du préfet.")
    page = f"<html><head><title>{decomposed}</title></head><body><article><h1>{decomposed}</h1>" + (
        f"<p>{decomposed} {decomposed}</p>" * 3
    ) + "</article></body></html>"
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    with (tmp_path / "crawl.warc.gz").open("wb") as handle:
        add(WARCWriter(handle, gzip=True), "https://x.example/nfd", page.encode())
    for name in ("page.html", "crawl.warc.gz"):
        [article] = [article_from_source(s) for s in read_sources([str(tmp_path / name)], print)]
        texts = [article.title, *(b.text for b in article.blocks)]
        assert all(unicodedata.is_normalized("NFC", t) for t in texts), name
        assert "Le café de l’Élysée" in article.blocks[1].text, name
