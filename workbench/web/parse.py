"""HTML text → an lxml tree, safely: no network, no entities, no scripts, bounded depth.

lxml parses without network or entity expansion; an internal DTD subset is cut off
before parsing (it is not HTML, and its entities must never be expanded). libxml2 stops
building the tree at 256 levels and drops what lies deeper, so a page that deep is first
flattened by a streaming pass that keeps its text.
"""

from __future__ import annotations

import html as html_escape
from html.parser import HTMLParser

import lxml.etree as etree
import lxml.html
import regex

from workbench.errors import InputError

# libxml2 silently drops content below 256 levels; flatten before that, with room for
# trafilatura's own recursion, which stays far under Python's limit at this depth.
MAX_DEPTH = 200
PROLOGUE = regex.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)?", regex.S | regex.I)


class _Flattener(HTMLParser):
    """Re-serialise HTML with every tag below MAX_DEPTH left out, keeping the text."""

    VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"])

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.depth = 0
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            if self.depth < MAX_DEPTH:
                self.out.append(self.get_starttag_text() or "")
            return
        self.depth += 1
        if tag in ("script", "style"):
            self.hidden += 1
        if self.depth < MAX_DEPTH:
            self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if self.depth < MAX_DEPTH:
            self.out.append(f"</{tag}>")
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1
        self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(html_escape.escape(data, quote=False))


# Every element an lxml.html.HtmlElement, chosen in C: lxml.html's own lookup is a Python
# call for each element that Python touches (a tenth of preparing a folder of pages), and
# the form classes it picks by tag are used by neither us nor trafilatura.
_LOOKUP = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def _parser() -> lxml.html.HTMLParser:
    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, default_doctype=False, recover=True
    )
    parser.set_element_class_lookup(_LOOKUP)
    return parser


# An element MAX_DEPTH levels under the root, found by libxml2 (a walk in Python took a
# twentieth of preparing a page).
_TOO_DEEP = etree.XPath("boolean(" + "/".join(["*"] * MAX_DEPTH) + ")")


def parse_html(text: str, name: str) -> etree._Element:
    """Parse markup safely; a tree libxml2 would truncate is flattened first."""
    # lxml refuses str input that declares an encoding; the text is already decoded.
    text = PROLOGUE.sub("", text, count=1)
    try:
        root = lxml.html.document_fromstring(text, parser=_parser())
    except (etree.ParserError, ValueError):
        raise InputError(f"{name} has no HTML content.") from None
    if _TOO_DEEP(root):
        flattener = _Flattener()
        flattener.feed(text)
        flattener.close()
        root = lxml.html.document_fromstring("".join(flattener.out) or "<p></p>", parser=_parser())
    return root
