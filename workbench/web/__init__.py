"""Web pages in: HTML files and WARC records → article text, metadata and every drop recorded.

parse (safe lxml tree) → blocks (the page's text blocks) → align (which ones trafilatura
kept) → furniture (why the others are not article text) → extract (the article).
"""

from workbench.web.extract import MAX_HTML_BYTES, extract_html
from workbench.web.warc import WarcPage, warc_pages

__all__ = ["MAX_HTML_BYTES", "WarcPage", "extract_html", "warc_pages"]
