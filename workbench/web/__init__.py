"""Web pages in: HTML files and WARC records → article text, metadata and every drop recorded."""

from workbench.web.html import Dropped, WebArticle, WebBlock, extract_html
from workbench.web.warc import WarcPage, warc_pages

__all__ = ["Dropped", "WarcPage", "WebArticle", "WebBlock", "extract_html", "warc_pages"]
