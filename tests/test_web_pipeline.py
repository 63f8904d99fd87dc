"""Web pages and WARC files through the pipeline and `workbench clean`, as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS, run_cli
from test_web_warc import crawl

from workbench.errors import InputError
from workbench.pipeline import article_from_source, load_article, read_sources, restore


def load_articles(names):
    return [article_from_source(source) for source in read_sources(names)]


PAGES = Path(__file__).parent / "data" / "web"


def test_clean_html_page_with_removed() -> None:
    result = run_cli("clean", "--removed", str(PAGES / "fr-business.html"))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    article, removed = out.split("\n-- removed --\n")
    chunks = article.rstrip("\n").split("\n\n")
    assert chunks[0] == "Les banques françaises testent la sortie du cloud américain"
    assert chunks[1].startswith("Trois grandes banques mènent des essais discrets")
    assert "Il vous reste 75%" not in article and "Signaler une erreur" not in article
    lines = {line.split(None, 2)[2]: line.split(None, 2)[1] for line in removed.splitlines()}
    assert lines["Il vous reste 75% de l’article à lire."] == "paywall"
    assert lines["Signaler une erreur"] == "feedback"


def test_clean_json_of_a_page() -> None:
    page = run_cli("clean", "--json", str(PAGES / "fr-quotidien.html"))
    assert page.returncode == 0, page.stderr
    data = json.loads(page.stdout)
    assert data["language"] == "fr" and data["date"] == "2026-03-04" and data["encoding"] == "utf-8"
    kinds = {p["text"]: p["kind"] for p in data["paragraphs"]}
    assert kinds["La messagerie des ministères devra migrer avant la fin de 2027."] == "item"
    caption = next(r for r in data["removed"] if r["text"].startswith("Dans l’hémicycle"))
    assert caption["reason"] == "caption" and caption["line"] > 0 and caption["rule"]


def test_clean_json_of_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    crawl(path)
    result = run_cli("clean", "--json", str(path))
    assert result.returncode == 0, result.stderr
    articles = json.loads(result.stdout)
    # Eight HTML records; the unchanged third capture of one URL is the same article.
    assert len(articles) == 7
    assert all(a["source"].startswith(f"{path}#urn:uuid:") for a in articles)
    assert len({a["id"] for a in articles}) == 7
    by_title = {a["title"]: a for a in articles}
    region = by_title["В Новосибирской области школы переходят на отечественную операционную систему"]
    assert region["language"] == "ru" and region["encoding"] == "cp1251"


def test_folder_mixes_text_html_and_warc(tmp_path: Path) -> None:
    shutil.copy(next(SEEDS.glob("001*.txt")), tmp_path / "a.txt")
    shutil.copy(PAGES / "ru-agency.html", tmp_path / "b.htm")
    crawl(tmp_path / "c.warc")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    articles = list(load_articles([tmp_path]))
    assert [a.source for a in articles[:2]] == [str(tmp_path / "a.txt"), str(tmp_path / "b.htm")]
    assert len(articles) == 2 + 7
    assert (
        articles[1].title == "Росатом переведёт предприятия на отечественные системы управления производством"
    )
    assert articles[1].encoding == "koi8-r"
    # one source per record, named so that it can be opened again
    sources = [s.name for s in read_sources([tmp_path])]
    assert len(sources) == 2 + 7
    assert sources[2].startswith(f"{tmp_path / 'c.warc'}#urn:uuid:")


def test_a_record_source_loads_its_article_again(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    crawl(path)
    first = list(load_articles([path]))
    again = load_article(first[1].source)
    assert again == first[1]
    with pytest.raises(InputError, match=r"has no HTML record urn:uuid:nope\.$"):
        load_article(f"{path}#urn:uuid:nope")
    with pytest.raises(InputError, match=r"is a WARC file of several pages"):
        load_article(path)


def test_stdin_html_is_recognised() -> None:
    result = run_cli("clean", "-", stdin=(PAGES / "ru-gazeta.html").read_bytes())
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert out.startswith("Минцифры утвердило план перехода госорганов на отечественные офисные пакеты\n\n")
    assert "Фото: Иван Петров / ТАСС" not in out


def test_dropped_block_restores_in_place() -> None:
    article = load_article(PAGES / "ru-gazeta.html")
    teaser = next(r for r in article.removed if r.text.startswith("Читайте также"))
    restored = restore(article, teaser.line)
    texts = [b.text for b in restored.blocks]
    assert texts[texts.index(teaser.text) - 1].startswith("По данным министерства")
    assert teaser not in restored.removed


def test_bad_warc_is_one_sentence(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.warc.gz"
    bogus.write_bytes(b"\x1f\x8b" + b"not really gzip")
    result = run_cli("clean", str(bogus))
    assert result.returncode == 1
    assert result.stderr.decode() == (
        f"workbench: {bogus} is not a readable WARC file (it does not start with a WARC record).\n"
    )


def test_translate_and_review_a_folder_of_pages_and_a_crawl(tmp_path: Path) -> None:
    from fakes import FakeEngine, factory, translate_project

    from workbench.project import Project
    from workbench.review.session import ReviewSession
    from workbench.store import Store

    project = Project(tmp_path / "project")
    (project.seeds).mkdir(parents=True)
    shutil.copy(next(SEEDS.glob("001*.txt")), project.seeds / "a.txt")
    shutil.copy(PAGES / "ru-agency.html", project.seeds / "b.htm")
    crawl(project.seeds / "c.warc.gz")
    summary = translate_project(project, FakeEngine("fr"), FakeEngine("ru"))
    assert summary.articles == 2 + 7 and summary.missing == []
    documents = {d.article_id: d for d in Store(project).documents()}
    assert len(documents) == 9
    page = documents["b"]
    assert page.source_path == "seeds/b.htm" and page.source_language == "ru"
    assert page.title == "Росатом переведёт предприятия на отечественные системы управления производством"
    records = [d for d in documents.values() if d.source_path.startswith("seeds/c.warc.gz#urn:uuid:")]
    assert len(records) == 7 and all(d.url and d.url.startswith("http") for d in records)
    assert all(s.status == "machine" for d in documents.values() for s in d.segments)
    # a re-run prepares nothing and reads each crawl once
    again = translate_project(project, FakeEngine("fr"), FakeEngine("ru"))
    assert again.decoded == 0 and again.current == again.segments
    # a reviewer restores what extraction dropped from a crawled page, with no prepared copy left
    shutil.rmtree(project.prepared)
    review = ReviewSession(project, engines=factory(FakeEngine("fr"), FakeEngine("ru")))
    review.open()
    record = records[0]
    dropped = next(r for r in record.removed if r.text)
    review.restore(record.article_id, dropped.line, review.restoration(record.article_id)())
    review.close()
    restored = Store(project).read(record.article_id)
    assert dropped.text in [s.source for s in restored.segments] or any(
        dropped.text.startswith(s.source) for s in restored.segments
    )
    assert restored.restored == [dropped.line]
    # the page's metadata travels with the corpus: JSONL fields, XLIFF file notes, TMX notes
    from schema_check import TMX, XLIFF, errors

    from workbench.export import render, select

    rows = select([record], "machine")
    [line, *_] = render(rows, "jsonl").decode().splitlines()
    assert json.loads(line)["url"] == record.url and json.loads(line)["title"] == record.title
    for suffix, xliff in render(rows, "xliff").items():
        assert errors(xliff, XLIFF) == [], suffix
        assert f'<note category="url">{record.url}</note>'.encode() in xliff
    tmx = render(rows, "tmx")
    assert errors(tmx, TMX) == [] and f"url: {record.url}".encode() in tmx


def test_a_crawl_without_html_pages_is_one_sentence(tmp_path: Path) -> None:
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "images.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        from io import BytesIO

        from warcio.statusandheaders import StatusAndHeaders

        headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "http://example.org/a.png", "response", payload=BytesIO(b"\x89PNG"), http_headers=headers
            )
        )
    result = run_cli("clean", str(path))
    assert result.returncode == 1 and b"holds no HTML pages" in result.stderr


def test_the_same_page_in_two_crawls_is_one_article(tmp_path: Path) -> None:
    from fakes import FakeEngine, translate_project

    from workbench.project import Project

    project = Project(tmp_path / "project")
    project.seeds.mkdir(parents=True)
    crawl(project.seeds / "monday.warc.gz")
    shutil.copy(project.seeds / "monday.warc.gz", project.seeds / "tuesday.warc.gz")
    summary = translate_project(project, FakeEngine("fr"), FakeEngine("ru"))
    assert summary.articles == 7  # not 14, and not refused
