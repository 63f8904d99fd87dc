"""What a page says of itself: title, date (htmldate), author, site name, URL, language."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.etree as etree
import regex

from workbench.ingest import normalize

SPACE = regex.compile(r"\s+")
BYLINE_PREFIX = regex.compile(r"^\s*(?:par|by|de|автор:?|текст:?)\s+", regex.I)
LANGUAGE_TAG = regex.compile(r"\s*([A-Za-z]{2,3})(?:[-_]|\s*$|,)")


@dataclass(frozen=True)
class PageMetadata:
    title: str | None
    date: str | None
    author: str | None
    site: str | None
    url: str | None


def declared_language(root: etree._Element) -> str | None:
    """The page's own claim: <html lang>, og:locale, Content-Language, reduced to its primary subtag."""
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in root.iter("meta"):
        prop = (meta.get("property") or meta.get("name") or meta.get("http-equiv") or "").lower()
        if prop in ("og:locale", "content-language", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        if value and (m := LANGUAGE_TAG.match(value)):
            language: str = m[1].lower()
            return language
    return None


def description(root: etree._Element) -> str:
    for meta in root.iter("meta"):
        if (meta.get("name") or meta.get("property") or "").lower() in ("description", "og:description"):
            return meta.get("content") or ""
    return ""


def _fixed(value: str | None) -> str | None:
    return SPACE.sub(" ", normalize(value)[0]).strip() or None if value else None


def page_metadata(root: etree._Element, url: str | None, fetched: str | None, large: bool) -> PageMetadata:
    """trafilatura's metadata; htmldate's extensive search is left out on large pages."""
    from trafilatura.metadata import extract_metadata

    params: dict[str, object] = {"original_date": True, "extensive_search": not large}
    if fetched and regex.match(r"\d{4}-\d{2}-\d{2}", fetched):
        params["max_date"] = fetched[:10]  # a page cannot be published after it was fetched
    doc = extract_metadata(root, default_url=url, date_config=params, extensive=not large)
    return PageMetadata(
        title=_fixed(doc.title),
        date=doc.date,
        author=_fixed(BYLINE_PREFIX.sub("", doc.author or "")),
        site=_fixed(doc.sitename),
        url=doc.url,
    )
