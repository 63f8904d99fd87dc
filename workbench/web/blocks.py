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
INVISIBLE_TAGS = frozenset(["script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object", "embed", "canvas"])
HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
# In these a single <br> is a line break inside one paragraph; two in a row still part paragraphs.
SOFT_BREAK_TAGS = frozenset(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt", "pre", "address", "caption", "figcaption", "label", "button"])
SPACE = regex.compile(r"\s+")


@dataclass
class PageBlock:
    position: int
    element: etree._Element
    text: str
    kind: BlockKind
    raw: str = ""  # the text before mojibake repair, as trafilatura sees it

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


def page_blocks(root: etree._Element) -> list[PageBlock]:
    """Every visible text block in document order; a block's text excludes nested blocks."""
    body = root.find("body")
    if body is None:
        body = root
    open_blocks: list[tuple[int, etree._Element, list[str]]] = []
    finished: list[PageBlock] = []
    counter = 0
    hidden = 0

    def close(position: int, owner: etree._Element, parts: list[str]) -> None:
        text = SPACE.sub(" ", "".join(parts)).strip()
        if text:
            finished.append(PageBlock(position, owner, text, _kind(owner, text)))

    for event, element in etree.iterwalk(body, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if hidden or not tag or tag in INVISIBLE_TAGS:
                hidden += 1
                continue
            if tag in BLOCK_TAGS or not open_blocks:
                counter += 1
                open_blocks.append((counter, element, []))
            elif tag == "br" and _breaks_paragraph(element, open_blocks[-1][1]):
                # Paragraphs written as text between <br>s (common in older CMSs) are
                # blocks of their own: a teaser or a source line among them can go alone.
                position, owner, parts = open_blocks.pop()
                close(position, owner, parts)
                counter += 1
                open_blocks.append((counter, owner, []))
            elif tag == "br":
                open_blocks[-1][2].append(" ")
            if element.text:
                open_blocks[-1][2].append(element.text)
            continue
        if hidden:
            hidden -= 1
            if not hidden and element.tail and open_blocks:
                open_blocks[-1][2].append(element.tail)
            continue
        if open_blocks and open_blocks[-1][1] is element:
            close(*open_blocks.pop())
        if element.tail and open_blocks and element is not body:
            open_blocks[-1][2].append(element.tail)
    finished.sort(key=lambda b: b.position)
    return finished


def repair(blocks: list[PageBlock]) -> tuple[list[PageBlock], list[str]]:
    """The plain-text ingest's repairs (mojibake, invisible characters, NFC) over every block
    at once; blocks left empty by them are gone. Each block keeps its raw text for alignment."""
    if not blocks:
        return blocks, []
    texts = [b.text for b in blocks]
    fixed, repairs = normalize("\n".join(texts))
    lines = fixed.rstrip("\n").split("\n")
    if len(lines) != len(texts):
        lines = [normalize(t)[0].strip("\n") for t in texts]
    for block, line in zip(blocks, lines, strict=True):
        block.raw, block.text = block.text, line
    return [b for b in blocks if b.text], repairs
