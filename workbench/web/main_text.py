"""Which of the page's blocks are its main text: trafilatura's choice, aligned with the page.

trafilatura's cost grows faster than the page (about 30 s for a 10 MB live blog, most of
it in its content and metadata passes over the whole tree, with copies of it in memory).
A page over LARGE_PAGE is therefore read the way a person skims it: trafilatura and the
metadata search run on the page's first megabyte, which holds the head and the top of the
article; the element it finds the article in is then looked for in the whole page, by its
place (the tags, classes and ids from the root down), and every block inside it that no
furniture container holds is the article. A live blog's two-thousandth post is in the same
feed as its first.
"""

from __future__ import annotations

import logging

import lxml.etree as etree

from workbench.web.align import extracted_keys, kept_positions
from workbench.web.blocks import PageBlock, page_blocks, repair
from workbench.web.furniture import PageFurniture
from workbench.web.parse import parse_html

LARGE_PAGE = 1024 * 1024  # characters; measured in benchmarks/bench_html.py
Signature = tuple[tuple[str, str, str], ...]


def trafilatura_body(root: etree._Element, url: str | None, precision: bool, fast: bool) -> etree._Element | None:
    from trafilatura import bare_extraction

    # trafilatura logs every page it finds short or empty; those are results, not warnings.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    document = bare_extraction(
        root,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_precision=precision,
        fast=fast,
        with_metadata=False,
        deduplicate=False,
    )
    if document is None:
        return None
    body: etree._Element | None = getattr(document, "body", None)
    return body


def main_container(blocks: list[PageBlock]) -> etree._Element | None:
    """The deepest element holding most (80 %) of the kept text: the article, without the
    footer line or the sidebar snippet an extractor sometimes keeps too."""
    if not blocks:
        return None
    elements: dict[int, tuple[etree._Element, int]] = {}
    held: dict[int, int] = {}
    for block in blocks:
        chain = [block.element, *block.element.iterancestors()]
        for depth, element in enumerate(reversed(chain)):
            elements[id(element)] = (element, depth)
            held[id(element)] = held.get(id(element), 0) + len(block.text)
    total = sum(len(b.text) for b in blocks)
    candidates = [elements[k] for k, size in held.items() if size >= 0.8 * total]
    return max(candidates, key=lambda pair: pair[1])[0]


def main_text(
    root: etree._Element,
    text: str,
    blocks: list[PageBlock],
    furniture: PageFurniture,
    *,
    url: str | None,
    precision: bool,
) -> tuple[set[int], str, etree._Element]:
    """(positions of the main text's blocks, the rule a block left out gets, the tree the
    page's metadata is read from)."""
    if len(text) > LARGE_PAGE:
        found = _carried_over(root, text, blocks, furniture, url)
        if found is not None:
            return found
    body = trafilatura_body(root, url, precision, fast=len(text) > LARGE_PAGE)
    if body is not None:
        return kept_positions(blocks, extracted_keys(body)), "trafilatura left it out of the main text", root
    # no main text found: keep what no furniture container holds, and say so
    kept = {b.position for b in blocks if furniture.reason(b.element) is None}
    return kept, "no main text found; outside-the-article containers dropped", root


def _carried_over(
    root: etree._Element, text: str, blocks: list[PageBlock], furniture: PageFurniture, url: str | None
) -> tuple[set[int], str, etree._Element] | None:
    cut = text.rfind("<", 0, LARGE_PAGE)
    head = parse_html(text[: cut if cut > 0 else LARGE_PAGE], "the page's start")
    start, _ = repair(page_blocks(head))
    body = trafilatura_body(head, url, precision=False, fast=True)
    if body is None:
        return None
    kept = kept_positions(start, extracted_keys(body))
    container = main_container([b for b in start if b.position in kept and len(b.text) >= 40])
    if container is None:
        return None
    target = _find(root, _signature(container))
    if target is None:
        return None
    inside = {
        b.position for b in blocks if within(b.element, target) and furniture.reason(b.element, stop=target) is None
    }
    return inside, "outside the element the article's first megabyte was found in", head


def _signature(element: etree._Element) -> Signature:
    chain = [element, *element.iterancestors()]
    return tuple((str(e.tag), e.get("class") or "", e.get("id") or "") for e in reversed(chain))


def _find(root: etree._Element, signature: Signature) -> etree._Element | None:
    """The element of the whole page at the same place as one found in its start."""
    current = root
    if (str(current.tag), current.get("class") or "", current.get("id") or "") != signature[0]:
        return None
    for tag, cls, ident in signature[1:]:
        current = next(
            (c for c in current if str(c.tag) == tag and (c.get("class") or "") == cls and (c.get("id") or "") == ident),
            None,
        )
        if current is None:
            return None
    return current


def within(element: etree._Element, container: etree._Element) -> bool:
    return element is container or any(a is container for a in element.iterancestors())
