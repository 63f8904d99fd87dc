"""The page's own text blocks: every visible block in document order, with its kind.

A block is the text of one block-level element, nested blocks excluded, or a paragraph
written as text between <br>s. Its `position` (document order) is the `line` of the
article's blocks and removals, so that a dropped block can be put back in place.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.etree as etree
import regex

from workbench.clean import ends_sentence
from workbench.ingest import normalize
from workbench.model import BlockKind

BLOCK_TAGS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "caption", "td", "th", "dd", "dt", "pre", "address", "div", "section", "article", "aside", "header", "footer", "nav", "main", "form", "ul", "ol", "dl", "table", "tbody", "thead", "tfoot", "tr", "figure", "body", "details", "summary", "fieldset", "legend", "menu", "hgroup", "center", "dialog", "option", "select", "button", "label"]
)
# <noscript> is what a browser shows without scripts, as we read pages: some templates
# (Blogger) hold the article there and build the page from a script.
INVISIBLE_TAGS = frozenset(["script", "style", "template", "svg", "math", "head", "iframe", "object", "embed", "canvas"])
HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
# In these a single <br> is a line break inside one paragraph; two in a row still part paragraphs.
SOFT_BREAK_TAGS = frozenset(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt", "pre", "address", "caption", "figcaption", "label", "button"])
CELLS = frozenset(["td", "th"])
# Between the cells of a data row while the page is read; " | " in the article text (as
# trafilatura and the WCXB annotations write table rows), nothing in alignment keys.
CELL_SEPARATOR = "\x1f"
SPACE = regex.compile(r"\s+")  # the regex module's \s, unlike re's, leaves \x1f alone


@dataclass(slots=True)  # a 10 MB page has 120,000 of them
class PageBlock:
    position: int
    element: etree._Element
    text: str
    kind: BlockKind
    raw: str = ""  # the text before mojibake repair, as trafilatura sees it
    linked: int = 0  # characters of it inside links

    @property
    def link_share(self) -> float:
        return self.linked / max(1, len(self.text))

    @property
    def tag(self) -> str:
        tag = self.element.tag
        return tag if isinstance(tag, str) else ""


def _kind(element: etree._Element, text: str) -> BlockKind:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in HEADINGS or (tag == "p" and _bold_only(element) and not ends_sentence(text)):
        return "heading"
    if tag in ("li", "dt", "dd"):
        return "item"
    if tag == "blockquote" or next(element.iterancestors("blockquote"), None) is not None:
        return "quote"
    return "text"


def _breaks_paragraph(br: etree._Element, owner: etree._Element) -> bool:
    if owner.tag not in SOFT_BREAK_TAGS:
        return True
    previous = br.getprevious()
    return previous is not None and previous.tag == "br" and not (previous.tail or "").strip()


def _bold_only(element: etree._Element) -> bool:
    """A paragraph that is one bold run: the subheading of CMSs without heading tags."""
    return (
        len(element) == 1
        and element[0].tag in ("b", "strong")
        and not (element.text or "").strip()
        and not (element[0].tail or "").strip()
    )


class _Open:
    """A block being read: its text so far, and how much of it is link text."""

    __slots__ = ("cells", "element", "linked", "parts", "position", "row")

    def __init__(self, position: int, element: etree._Element, row: bool = False) -> None:
        self.position = position
        self.element = element
        self.parts: list[str] = []
        self.linked = 0
        self.row = row
        self.cells = 0

    def add(self, text: str, in_link: bool) -> None:
        self.parts.append(text)
        if in_link:
            self.linked += len(text.strip())


def _is_data_row(row: etree._Element) -> bool:
    """A table row whose cells hold only inline text: one line of a data table (a results
    table, a price list), read as one block. A layout table's cells hold blocks of their own."""
    return all(not isinstance(d.tag, str) or d.tag not in BLOCK_TAGS or d.tag in CELLS for d in row.iterdescendants())


def page_blocks(root: etree._Element) -> list[PageBlock]:
    """Every visible text block in document order; a block's text excludes nested blocks."""
    body = root.find("body")
    if body is None:
        body = root
    stack: list[_Open] = []
    finished: list[PageBlock] = []
    counter = 0
    hidden = 0
    links = 0

    def close(block: _Open) -> None:
        text = SPACE.sub(" ", "".join(block.parts)).strip(" ")  # not str.strip(): it takes \x1f for a space
        if block.row and not text.replace(CELL_SEPARATOR, "").strip():
            text = ""  # a row of empty cells
        if text:
            kind: BlockKind = "item" if block.row else _kind(block.element, text)
            finished.append(PageBlock(block.position, block.element, text, kind, linked=block.linked))

    for event, element in etree.iterwalk(body, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if hidden or not tag or tag in INVISIBLE_TAGS:
                hidden += 1
                continue
            if tag == "a":
                links += 1
            if tag in CELLS and stack and stack[-1].row:
                stack[-1].cells += 1
                if stack[-1].cells > 1:
                    stack[-1].parts.append(CELL_SEPARATOR)
            elif tag in BLOCK_TAGS or not stack:
                counter += 1
                stack.append(_Open(counter, element, row=tag == "tr" and _is_data_row(element)))
            elif tag == "br" and _breaks_paragraph(element, stack[-1].element):
                # Paragraphs written as text between <br>s (common in older CMSs) are
                # blocks of their own: a teaser or a source line among them can go alone.
                owner = stack.pop()
                close(owner)
                counter += 1
                stack.append(_Open(counter, owner.element))
            elif tag == "br":
                stack[-1].parts.append(" ")
            if element.text:
                stack[-1].add(element.text, links > 0)
            continue
        if hidden:
            hidden -= 1
            if not hidden and element.tail and stack:
                stack[-1].add(element.tail, links > 0)
            continue
        if tag == "a":
            links -= 1
        if stack and stack[-1].element is element:
            close(stack.pop())
        if element.tail and stack and element is not body:
            stack[-1].add(element.tail, links > 0)
    finished.sort(key=lambda b: b.position)
    return finished


def repair(blocks: list[PageBlock]) -> tuple[list[PageBlock], list[str]]:
    """The plain-text ingest's repairs (mojibake, invisible characters, NFC) over every block
    at once; blocks left empty by them are gone. Each block keeps its raw text for alignment."""
    if not blocks:
        return blocks, []
    texts = [b.text.replace(CELL_SEPARATOR, " | ") for b in blocks]
    fixed, repairs = normalize("\n".join(texts))
    lines = fixed.rstrip("\n").split("\n")
    if len(lines) != len(texts):
        lines = [normalize(t)[0].strip("\n") for t in texts]
    for block, line in zip(blocks, lines, strict=True):
        # one string where nothing changed: a 10 MB page's text is not held twice
        block.raw, block.text = block.text, block.text if line == block.text else line
    return [b for b in blocks if b.text], repairs
