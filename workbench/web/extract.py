"""HTML page → article: trafilatura finds the main text, our rules clean it, nothing goes unrecorded.

Every visible text block of the page is listed in document order (`web.blocks`).
trafilatura decides which blocks are the article (`web.align`); the page's own blocks,
not trafilatura's re-serialisation, become the article text, so that each block is either
kept or recorded as a `Removal` with a reason read from its containers (`web.furniture`)
and can be put back in place. The cruft rules of `data/cruft/` then run over the kept
blocks: they catch what extractors keep inside the article (read-also teasers, photo
credits, paywall prompts, bylines).

The result is a `model.Article` whose blocks and removals carry the block's page position
as their `line`; its id, source and languages are the pipeline's to fill in.
"""

from __future__ import annotations

from collections.abc import Iterable

import lxml.etree as etree
import regex

from workbench.clean import Ruleset, default_rules, dominant_script, ends_sentence, is_foreign_ui
from workbench.errors import InputError
from workbench.model import Article, Block, Removal
from workbench.web.align import SHORT_BLOCK, key
from workbench.web.blocks import HEADINGS, SPACE, PageBlock, page_blocks, repair
from workbench.web.charset import decode_html
from workbench.web.furniture import PageFurniture, is_lead_class
from workbench.web.main_text import LARGE_PAGE, main_container, main_text, within
from workbench.web.metadata import declared_language, description, page_metadata
from workbench.web.parse import parse_html

# Markup weighs 5-20 times its text: a long live blog saved from a browser reaches 10 MB,
# so HTML gets four times the 4 MB limit of plain-text articles.
MAX_HTML_BYTES = 16 * 1024 * 1024
# Reasons strong enough to drop a block trafilatura kept, when the class sits on a
# container inside the article (an inline "read also" box, a caption, a paywall prompt).
# Past this length a paragraph of running text inside the article is text, whatever its
# container is named (comments apart): a subscriber's saved page keeps the article's
# second half in a "premium" or "paywall" box, templates wrap the body in a "widget" or a
# "sidebar" column, and prompts, captions, credits, bylines and teasers are short.
INSIDE_ARTICLE_MAX = 300
INSIDE_ARTICLE_REASONS = frozenset(
    ["cookie", "comments", "share", "paywall", "subscribe", "related", "ad", "tags", "caption", "credit", "byline", "feedback"]
)
# A furniture name inside the article over this share of its text is the article's structure.
STRUCTURE_SHARE = 0.4
# Blocks trafilatura sometimes leaves out between two kept paragraphs: a subheading, a
# list. Inside the article's container, between kept text and in no furniture
# container, they are article text; the cruft rules still run over them.
GAP_TAGS = frozenset(["p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt"])
# The standfirst sits between the headline and the text: at most this many page blocks
# before the first kept one or after the last <h1> above it. Further up, a "description"
# is a product card's or a teaser's.
LEAD_WINDOW = 30
# Running text: at least this long, ending a sentence, under this share of link text.
PROSE_MIN = 120
PROSE_MAX_LINKS = 0.3
# A block this short and this much link is an entry of a list of other pages.
LINK_ITEM_MAX = 150
LINKED = 0.9
# Schema.org microdata the page hides from readers (display:none, visibility:hidden, the
# hidden attribute): machine-readable copies of the headline, the dates, the author and
# often the whole article body, which extractors read as if they showed. Hidden text that
# is not microdata stays: tabs, accordions and "page 2" are shown by a click.
HIDDEN_STYLE = regex.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", regex.IGNORECASE)


def _is_lead(block: PageBlock, page_description: str) -> bool:
    """The standfirst under the headline, which templates often put in the header that
    extractors skip: named so by its class, or the page's own description."""
    if len(block.text) < SHORT_BLOCK:
        return False
    if page_description and key(block.text) == key(page_description):
        return True
    return is_lead_class(block.element)


def _recover_gaps(
    furniture: PageFurniture, blocks: list[PageBlock], kept: set[int], container: etree._Element | None, page_description: str = ""
) -> set[int]:
    if container is None or not kept:
        return set()
    first, last = min(kept), max(kept)
    headline = max((b.position for b in blocks if b.tag == "h1" and b.position < first), default=None)
    recovered = set()
    for block in blocks:
        near = first - LEAD_WINDOW <= block.position or (headline is not None and headline < block.position <= headline + LEAD_WINDOW)
        if block.position < first and near and block.position not in kept and _is_lead(block, page_description):
            recovered.add(block.position)
            continue
        if not first < block.position < last or block.position in kept:
            continue
        if block.tag not in GAP_TAGS or not within(block.element, container):
            continue
        if furniture.reason(block.element, stop=container) is None:
            recovered.add(block.position)
    return recovered


def _article_scope(container: etree._Element) -> etree._Element:
    """The element the page itself names as the article around the kept text (<article>,
    <main>, role="main", itemprop="articleBody"), else the container: trafilatura often
    keeps only the first of an article's chunks, or stops at an inline figure."""
    for element in (container, *container.iterancestors()):
        if element.tag in ("body", "html"):
            break
        if element.tag in ("article", "main") or element.get("role") == "main" or element.get("itemprop") == "articleBody":
            return element
    return container


def _is_prose(block: PageBlock) -> bool:
    """A paragraph of running text: long, ending a sentence, hardly any of it links."""
    return (
        block.kind in ("text", "quote")
        and len(block.text) >= PROSE_MIN
        and ends_sentence(block.text)
        and block.link_share < PROSE_MAX_LINKS
    )


def _recover_prose(
    furniture: PageFurniture, blocks: list[PageBlock], kept: set[int], container: etree._Element | None
) -> set[int]:
    """Paragraphs of running text the extractor dropped inside the article's own element,
    in no furniture container there: the article's later chunks, the paragraph after a figure."""
    if container is None or not kept:
        return set()
    scope = _article_scope(container)
    return {
        b.position
        for b in blocks
        if b.position not in kept and _is_prose(b) and within(b.element, scope) and furniture.reason(b.element, stop=scope) is None
    }


def _is_capitals_link(block: PageBlock) -> bool:
    """A short line in capitals that is one link: the teaser for another article that news
    templates put between paragraphs ("'DANCING WITH THE STARS' PRO OPENS UP ABOUT ...")."""
    if len(block.text) >= LINK_ITEM_MAX or block.link_share < LINKED:
        return False
    letters = [c for c in block.text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _link_lists(blocks: list[PageBlock]) -> list[PageBlock]:
    """Runs of short blocks that are each one link, one after the other: the list of other
    articles that templates put inside the article ("More:", "Related"), not its text."""
    found: list[PageBlock] = []
    run: list[PageBlock] = []
    for block in [*blocks, None]:
        if block is not None and len(block.text) < LINK_ITEM_MAX and block.link_share >= LINKED and block.kind != "quote":
            if run and block.position != run[-1].position + 1:
                found.extend(run if len(run) >= 2 else [])
                run = []
            run.append(block)
            continue
        found.extend(run if len(run) >= 2 else [])
        run = []
    return found


def _inside_reasons(
    furniture: PageFurniture, blocks: list[PageBlock], kept: set[int], container: etree._Element | None
) -> dict[int, tuple[str, str]]:
    """Furniture containers inside the article, by kept block. A container named like
    furniture that holds a large share of the article is the article's own structure: a
    live blog's entries in "comment" boxes, a blog post in a "widget", a "teaser" column."""
    if container is None:
        return {}
    found: dict[int, tuple[tuple[str, str], etree._Element]] = {}
    for block in blocks:
        hit = furniture.furniture_of(block.element, stop=container) if block.position in kept else None
        if hit is not None and hit[0][0] in INSIDE_ARTICLE_REASONS:
            found[block.position] = hit
    total = sum(len(b.text) for b in blocks if b.position in kept)
    held: dict[tuple[str, str], int] = {}
    length = {b.position: len(b.text) for b in blocks}
    for position, (why, _) in found.items():
        held[why] = held.get(why, 0) + length[position]
    return {p: why for p, (why, _) in found.items() if held[why] < STRUCTURE_SHARE * total}


def _hidden_microdata(blocks: list[PageBlock], kept: set[int]) -> set[int]:
    """Kept blocks of schema.org microdata (itemprop, itemscope) inside an element the page hides."""
    hider: dict[etree._Element, etree._Element | None] = {}  # the nearest hidden element at or above

    def hidden_at(element: etree._Element) -> etree._Element | None:
        chain: list[etree._Element] = []
        found: etree._Element | None = None
        for candidate in (element, *element.iterancestors()):
            if candidate in hider:
                found = hider[candidate]
                break
            chain.append(candidate)
            if candidate.get("hidden") is not None or HIDDEN_STYLE.search(candidate.get("style") or ""):
                found = candidate
                break
        for candidate in chain:
            hider[candidate] = found
        return found

    def microdata(element: etree._Element, top: etree._Element) -> bool:
        for candidate in (element, *element.iterancestors()):
            if candidate.get("itemprop") is not None or candidate.get("itemscope") is not None:
                return True
            if candidate is top:
                return False
        return False

    found = set()
    for block in blocks:
        if block.position in kept and (top := hidden_at(block.element)) is not None and microdata(block.element, top):
            found.add(block.position)
    return found


def _removal(block: PageBlock, why: str, rule: str) -> Removal:
    return Removal(block.position, block.text, why, rule, block.kind)


def extract_html(
    data: bytes,
    name: str,
    *,
    url: str | None = None,
    fetched: str | None = None,
    charset: str | None = None,
    rules: Ruleset | None = None,
    precision: bool = False,
) -> Article:
    """Extract a web page's article; raise InputError (one sentence) when there is none."""
    if len(data) > MAX_HTML_BYTES:
        raise InputError(
            f"{name} is {len(data) / 1024 / 1024:.1f} MB; Workbench reads web pages of up to "
            f"{MAX_HTML_BYTES // 1024 // 1024} MB."
        )
    text, encoding = decode_html(data, name, charset)
    root = parse_html(text, name)
    blocks = page_blocks(root)
    if not blocks:
        raise InputError(f"{name} has no visible text.")
    blocks, repairs = repair(blocks)
    furniture = PageFurniture()
    kept, main_rule, head = main_text(root, text, blocks, furniture, url=url, precision=precision)
    large = len(text) > LARGE_PAGE
    del text  # the page's text as decoded: 20 MB of a 10 MB page that no later step reads
    meta = page_metadata(head, url, fetched, large)
    long_kept = [b for b in blocks if b.position in kept and len(b.text) >= SHORT_BLOCK]
    container = main_container(long_kept or [b for b in blocks if b.position in kept])
    recovered = _recover_gaps(furniture, blocks, kept, container, description(root))
    recovered |= _recover_prose(furniture, blocks, kept, container)

    inside_reasons = _inside_reasons(furniture, blocks, kept | recovered, container)
    hidden = _hidden_microdata(blocks, kept | recovered)
    dropped: list[Removal] = []
    survivors: list[PageBlock] = []
    for block in blocks:
        inside = container is not None and within(block.element, container)
        if block.position not in kept and block.position not in recovered:
            found = furniture.reason(block.element)
            why, where = found if found else ("outside-main", "")
            dropped.append(_removal(block, why, main_rule + (f" (inside {where})" if where else "")))
            continue
        if block.position in hidden:
            dropped.append(_removal(block, "hidden", "schema.org microdata the page hides from readers"))
            continue
        found = furniture.reason(block.element) if not inside and len(block.text) < SHORT_BLOCK and long_kept else None
        if found or (
            not inside and len(block.text) < SHORT_BLOCK and long_kept
            and (block.position < long_kept[0].position or block.link_share >= LINKED)
        ):
            # A short string trafilatura kept far from the article: a menu entry, or a
            # slogan above the headline that happens to read like the section's name.
            # Further down, short plain text is the article's own (a recipe's ingredients).
            why, where = found if found else ("outside-main", "")
            rule = "short text outside the article's container" + (f" (inside {where})" if where else "")
            dropped.append(_removal(block, why, rule))
            continue
        inner = inside_reasons.get(block.position)
        if inner and (len(block.text) < INSIDE_ARTICLE_MAX or inner[0] == "comments" or not _is_prose(block)):
            dropped.append(_removal(block, inner[0], f"inside the article, in {inner[1]}"))
            continue
        survivors.append(block)
    links = _link_lists(survivors)
    dropped.extend(_removal(b, "related", "a list of links to other pages inside the article") for b in links)
    capitals = [b for b in survivors if b not in links and _is_capitals_link(b)]
    dropped.extend(_removal(b, "related", "a link in capitals to another article inside the article") for b in capitals)
    survivors = [b for b in survivors if b not in links and b not in capitals]

    title_text = SPACE.sub(" ", meta.title or "").strip()
    title_block = _title_block(blocks, title_text, kept)
    if title_block is not None:
        title_text = title_block.text
        survivors = [b for b in survivors if b is not title_block]
        dropped = [d for d in dropped if d.line != title_block.position]
        kickers = [
            b for b in survivors
            if b.position < title_block.position and len(b.text) < SHORT_BLOCK and b.kind != "quote"
        ]
        dropped.extend(_removal(b, "kicker", "section label above the headline") for b in kickers)
        survivors = [b for b in survivors if b not in kickers]
    content, more = _apply_rules(survivors, rules or default_rules())
    dropped.extend(more)
    if not title_text and content:
        title_block, content = content[0], content[1:]
        title_text = title_block.text
    if not title_text:
        raise InputError(f"{name} has no article text.")
    title_position = title_block.position if title_block is not None else 0
    result = [Block("title", title_text, title_position)]
    result.extend(Block(b.kind, b.text, b.position) for b in content)
    dropped.sort(key=lambda d: d.line)
    return Article(
        id="",
        source=name,
        language=None,
        date=meta.date,
        blocks=tuple(result),
        removed=tuple(dropped),
        encoding=encoding,
        repairs=tuple(repairs),
        url=url or meta.url,
        author=meta.author,
        site=meta.site,
        declared_language=declared_language(root),
    )


def _title_block(blocks: list[PageBlock], title: str, kept: set[int]) -> PageBlock | None:
    """The page's visible headline: the heading that carries the metadata title."""
    headings = [b for b in blocks if b.tag in HEADINGS]
    if title:
        title_key = key(title)
        for block in headings:
            block_key = key(block.text)
            if block_key == title_key or (len(block_key) >= 10 and (block_key in title_key or title_key in block_key)):
                return block
    for block in headings:
        if block.tag == "h1" and (not kept or block.position <= max(kept)):
            return block
    return None


def _apply_rules(blocks: Iterable[PageBlock], rules: Ruleset) -> tuple[list[PageBlock], list[Removal]]:
    """The cruft rules over the kept blocks: what extractors keep inside the article."""
    kept: list[PageBlock] = []
    dropped: list[Removal] = []
    for block in blocks:
        if block.tag in ("figcaption", "caption"):
            dropped.append(_removal(block, "caption", "a figure's caption"))
            continue
        rule = rules.match(block.text)
        if rule:
            dropped.append(_removal(block, rule.reason, rule.description))
        else:
            kept.append(block)
    script = dominant_script(" ".join(b.text for b in kept))
    content = []
    for block in kept:
        if block.kind != "quote" and is_foreign_ui(block.text, script):
            dropped.append(_removal(block, "foreign-ui", "short UI string in another script"))
        else:
            content.append(block)
    return content, dropped
