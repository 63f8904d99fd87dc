"""HTML page → article: trafilatura finds the main text, our rules clean it, nothing goes unrecorded.

Every visible text block of the page is listed in document order (its `position`).
trafilatura decides which blocks are the article; the page's own blocks, not
trafilatura's re-serialisation, become the article text, so that each block is either
kept or recorded as `Dropped` with a reason read from its ancestors (navigation, footer,
related links, comments...) and can be put back in place. The cruft rules of
`data/cruft/` then run over the kept blocks: they catch what extractors keep inside the
article (read-also teasers, photo credits, paywall prompts, bylines).

Nothing is fetched and nothing runs: lxml parses without network or entity expansion,
scripts and styles are never text. libxml2 stops building the tree at 256 levels and
drops what lies deeper, so a page that deep is first flattened by a streaming pass.
"""

from __future__ import annotations

import functools
import html as html_escape
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser

import lxml.etree as etree
import lxml.html
import regex

from workbench.clean import Ruleset, default_rules, dominant_script, ends_sentence, is_foreign_ui
from workbench.errors import InputError
from workbench.ingest import normalize
from workbench.web.charset import decode_html

# Markup weighs 5-20 times its text: a long live blog saved from a browser reaches 10 MB,
# so HTML gets four times the 4 MB limit of plain-text articles.
MAX_HTML_BYTES = 16 * 1024 * 1024
# Past this size, trafilatura's second opinion (its readability and jusText comparison)
# and htmldate's extensive search cost more than they bring: a page this big is a live
# blog or an archive page whose main text is not in doubt. Measured in bench_html.py.
LARGE_PAGE = 1024 * 1024
# libxml2 silently drops content below 256 levels; flatten before that, with room for
# trafilatura's own recursion, which stays far under Python's limit at this depth.
MAX_DEPTH = 200
# A matched block shorter than this must also end where a trafilatura element ends, so
# that a menu entry "Économie" is not taken for the first word of a kept paragraph.
SHORT_BLOCK = 40

BLOCK_TAGS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "caption", "td", "th", "dd", "dt", "pre", "address", "div", "section", "article", "aside", "header", "footer", "nav", "main", "form", "ul", "ol", "dl", "table", "tbody", "thead", "tfoot", "tr", "figure", "body", "details", "summary", "fieldset", "legend", "menu", "hgroup", "center", "dialog", "option", "select", "button", "label"]
)
INVISIBLE_TAGS = frozenset(["script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object", "embed", "canvas"])
# trafilatura's inline elements (its own names and HTML ones it leaves in place).
INLINE_OUTPUT = frozenset(["hi", "ref", "lb", "b", "i", "em", "strong", "span", "a", "u", "s", "del", "sub", "sup", "small", "mark", "abbr", "font", "code"])
HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
SPACE = regex.compile(r"\s+")


@dataclass(frozen=True)
class Dropped:
    """Something extraction or cleaning removed, reviewable and restorable."""

    position: int  # block position in the page order (so it can be put back in place)
    text: str
    reason: str  # navigation, footer, related, comments, outside-main, caption, credit, teaser, ...
    rule: str  # human-readable: which rule or extractor step
    kind: str = "text"  # the kind the block has if restored


@dataclass(frozen=True)
class WebBlock:
    position: int
    kind: str  # "title" | "heading" | "text" | "item" | "quote"
    text: str


@dataclass(frozen=True)
class WebArticle:
    title: str
    date: str | None
    author: str | None
    sitename: str | None
    url: str | None
    declared_language: str | None  # <html lang>, og:locale, content-language
    encoding: str
    repairs: tuple[str, ...]
    blocks: tuple[WebBlock, ...]  # the kept article text in order, title first
    dropped: tuple[Dropped, ...]


@dataclass
class _PageBlock:
    position: int
    element: etree._Element
    text: str
    kind: str
    raw: str = ""  # the text before mojibake repair, as trafilatura sees it


# --- parsing -------------------------------------------------------------------------


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


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, default_doctype=False, recover=True
    )


def _depth_at_least(root: etree._Element, limit: int) -> bool:
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False


def parse_html(text: str, name: str) -> etree._Element:
    """Parse markup safely; a tree libxml2 would truncate is flattened first."""
    # lxml refuses str input that declares an encoding; the text is already decoded.
    # An internal DTD subset is not HTML: the HTML parser would show it as text, and its
    # entities must never be expanded anyway.
    text = regex.sub(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)?", "", text, flags=regex.S | regex.I)
    try:
        root = lxml.html.document_fromstring(text, parser=_parser())
    except (etree.ParserError, ValueError):
        raise InputError(f"{name} has no HTML content.") from None
    if _depth_at_least(root, MAX_DEPTH):
        flattener = _Flattener()
        flattener.feed(text)
        flattener.close()
        root = lxml.html.document_fromstring("".join(flattener.out) or "<p></p>", parser=_parser())
    return root


# --- the page's blocks -----------------------------------------------------------------


def _kind(element: etree._Element, text: str) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in HEADINGS or (tag == "p" and _bold_only(element) and not ends_sentence(text)):
        return "heading"
    if tag in ("li", "dt", "dd"):
        return "item"
    if tag == "blockquote" or next(element.iterancestors("blockquote"), None) is not None:
        return "quote"
    return "text"


# In these a single <br> is a line break inside one paragraph; two in a row still part paragraphs.
SOFT_BREAK_TAGS = frozenset(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt", "pre", "address", "caption", "figcaption", "label", "button"])


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


def page_blocks(root: etree._Element) -> list[_PageBlock]:
    """Every visible text block in document order; a block's text excludes nested blocks."""
    body = root.find("body")
    if body is None:
        body = root
    open_blocks: list[tuple[int, etree._Element, list[str]]] = []
    finished: list[_PageBlock] = []
    counter = 0
    hidden = 0
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
                text = SPACE.sub(" ", "".join(parts)).strip()
                if text:
                    finished.append(_PageBlock(position, owner, text, _kind(owner, text)))
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
            position, _, parts = open_blocks.pop()
            text = SPACE.sub(" ", "".join(parts)).strip()
            if text:
                finished.append(_PageBlock(position, element, text, _kind(element, text)))
        if element.tail and open_blocks and element is not body:
            open_blocks[-1][2].append(element.tail)
    finished.sort(key=lambda b: b.position)
    return finished


# --- why a block is not article text -----------------------------------------------------

# Read from class and id names, innermost ancestor first: the nearest container says
# most about a block (an ad inside a sidebar is an ad). Checked on whole class tokens
# and their parts (split on - and _), never on arbitrary substrings: "ad" must not
# match "head" or "thread".
CLASS_REASONS: tuple[tuple[str, regex.Pattern[str]], ...] = tuple(
    (reason, regex.compile(pattern, regex.IGNORECASE))
    for reason, pattern in (
        ("cookie", r"cookies?|consent|gdpr|rgpd|cmp|didomi|onetrust|tarteaucitron"),
        ("comments", r"comments?|commentaires?|disqus|reactions?|kommentari\w*|discussion|replies|otzyv\w*|forum|guestbook"),
        ("navigation", r"breadcrumbs?|ariane|nav|navbar|navigation|menu|submenu|pagination|pager|skip|toolbar"),
        ("share", r"share|sharing|social|partage|sociaux|shares|addthis|sharethis|soc"),
        ("paywall", r"paywall|premium|regwall|piano|locked|abonnes|subscribers?only|restricted|teaser-paywall"),
        ("subscribe", r"newsletter|subscribe|subscription|signup|abonnement|abonnez|podpiska|subscr"),
        (
            "related",
            r"related\w*|similar\w*|recommend\w*|readalso|read-also|lire-aussi|lireaussi|also|more-articles|"
            r"most-read|mostread|popular|trending|outbrain|taboola|see-also|por-teme|po-teme|chitayte|teasers?|"
            r"sidebar|widget|rail|aside|partners?|incut|vrezka|poh|pohozhie|lenta|fil-info|filinfo|ticker|"
            r"a-la-une|top-news|smi2|24smi|lentainform|mediametrics",
        ),
        ("ad", r"ad|ads|adv|advert\w*|adsense|dfp|banner|sponsor\w*|promo|pub|publicite|reklama|adfox|yandex-rtb|rtb"),
        ("tags", r"tags?|tag-list|taglist|keywords|topics|themes|rubrics|tegi|mots-cles|motscles"),
        ("caption", r"caption|legende|legend|figcaption|photo-text|podpis-foto"),
        ("credit", r"credits?|copyright|photo-credit|source-photo"),
        ("byline", r"byline|author|authors|signature|article-meta|meta|dateline|timestamp|date|published|auteur|avtor"),
        ("footer", r"footer|foot|bottom|colophon|legal|mentions"),
        ("header", r"header|masthead|topbar|top-bar|logo|brand"),
        ("feedback", r"feedback|report|typo|errors?|rating|vote|poll|opechatka|orphus|mistakes?|useful"),
        ("widget", r"modal|popup|overlay|toast|alert|print|audio|player|video-player|meteo|weather|pogoda|currency|kurs|rates|search"),
    )
)
TAG_REASONS = {
    "nav": "navigation",
    "menu": "navigation",
    "footer": "footer",
    "header": "header",
    "aside": "related",
    "figcaption": "caption",
    "caption": "caption",
    "form": "widget",
    "button": "widget",
    "select": "widget",
    "option": "widget",
    "label": "widget",
    "dialog": "widget",
}
ROLE_REASONS = {
    "navigation": "navigation",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "related",
    "dialog": "widget",
    "alertdialog": "widget",
    "search": "navigation",
    "menu": "navigation",
    "menubar": "navigation",
}
# Reasons strong enough to drop a block trafilatura kept, when the class sits on a
# container inside the article (an inline "read also" box, a caption, a paywall prompt).
# Past this length a block inside the article is text, whatever its container is named:
# a subscriber's saved page keeps the article's second half in a "premium" or "paywall"
# box, and prompts, captions, credits and bylines are short.
INSIDE_ARTICLE_MAX = 300
INSIDE_ARTICLE_REASONS = frozenset(
    ["cookie", "comments", "share", "paywall", "subscribe", "related", "ad", "tags", "caption", "credit", "byline", "feedback"]
)


def _class_parts(element: etree._Element) -> Iterator[str]:
    for attribute in ("class", "id"):
        value = element.get(attribute)
        if not value:
            continue
        for token in value.lower().split():
            yield token
            yield from (part for part in regex.split(r"[-_]+", token) if part)


def _element_reason(element: etree._Element) -> tuple[str, str] | None:
    tag = element.tag if isinstance(element.tag, str) else ""
    role = (element.get("role") or "").lower()
    if role in ROLE_REASONS:
        return ROLE_REASONS[role], f'role="{role}"'
    if tag in TAG_REASONS:
        return TAG_REASONS[tag], f"<{tag}>"
    best: tuple[int, str, str] | None = None
    for part in _class_parts(element):
        found = _part_reason(part)
        if found is not None and (best is None or found < best[0]):
            best = (found, CLASS_REASONS[found][0], part)
    if best is None:
        return None
    _, reason, part = best
    attribute = "class" if part in (element.get("class") or "").lower() else "id"
    return reason, f'{attribute}="{part}"'


@functools.lru_cache(maxsize=4096)
def _part_reason(part: str) -> int | None:
    """Index of the first reason whose names include this class part (pages repeat their classes)."""
    return next((n for n, (_, pattern) in enumerate(CLASS_REASONS) if pattern.fullmatch(part)), None)


def _reason(element: etree._Element, stop: etree._Element | None = None) -> tuple[str, str] | None:
    """The furniture an element belongs to, from itself and its ancestors up to `stop` (excluded)."""
    for candidate in (element, *element.iterancestors()):
        if candidate is stop:
            return None
        found = _element_reason(candidate)
        if found:
            return found
    return None


# --- alignment with trafilatura's output ---------------------------------------------------


def _key(text: str) -> str:
    key: str = SPACE.sub("", text).casefold()
    return key


def _extracted_keys(body: etree._Element) -> str:
    """trafilatura's kept text, whitespace removed, with \x00 wherever one of its blocks starts or ends."""
    parts: list[str] = []
    for event, element in etree.iterwalk(body, events=("start", "end")):
        inline = element.tag in INLINE_OUTPUT
        if event == "start":
            parts.append(("" if inline else "\x00") + _key(element.text or ""))
        else:
            parts.append(("" if inline else "\x00") + _key(element.tail or ""))
    joined: str = regex.sub("\x00+", "\x00", "".join(parts))
    return "\x00" + joined.strip("\x00") + "\x00"


# How far past the previous match a block that is part of an extracted element is looked
# for, and up to what size of extracted text a long block is looked for anywhere (when
# trafilatura moved it). Both bound the alignment to linear time on huge pages.
WINDOW = 5000
GLOBAL_SEARCH_MAX = 500_000


def _kept_positions(blocks: list[_PageBlock], extracted: str) -> set[int]:
    """Which page blocks trafilatura kept: whole extracted elements first, else inside one."""
    offsets: dict[str, list[int]] = {}
    at = 1
    for element in extracted[1:-1].split("\x00"):
        offsets.setdefault(element, []).append(at)
        at += len(element) + 1
    used: set[int] = set()
    kept: set[int] = set()
    cursor = 0
    keys = [_key(b.raw or b.text) for b in blocks]
    for n, (block, key) in enumerate(zip(blocks, keys, strict=True)):
        if not key:
            continue
        found: int | None = None
        candidates = [o for o in offsets.get(key, ()) if o not in used]
        if candidates:
            found = next((o for o in candidates if o >= cursor), candidates[0])
            used.add(found)
        else:
            following = keys[n + 1] if n + 1 < len(keys) else ""
            found = _find_aligned(extracted, key, following, cursor, cursor + len(key) + WINDOW)
            if found is None and len(key) >= SHORT_BLOCK and len(extracted) <= GLOBAL_SEARCH_MAX:
                found = _find_aligned(extracted, key, following, 0, len(extracted))
        if found is not None:
            kept.add(block.position)
            cursor = found + len(key)
    return kept


def _find_aligned(extracted: str, key: str, following: str, cursor: int, end: int) -> int | None:
    """Where `key` stands in the extracted text between cursor and end, or None.

    A long block may stand anywhere. A short one must start where an extracted block
    starts (or where the previous page block ended) and end where an extracted block
    ends or the next page block starts: a menu entry is often a paragraph's first word.
    """
    start = cursor
    while (at := extracted.find(key, start, end)) >= 0:
        stop = at + len(key)
        if (at == cursor and cursor) or len(key) >= SHORT_BLOCK:
            return at  # continues the previous page block, or too long to be there by chance
        begins = extracted[at - 1] == "\x00"
        ends = extracted[stop] == "\x00" or (bool(following) and extracted.startswith(following, stop))
        if begins and ends:
            return at
        start = at + 1
    return None


def _within(element: etree._Element, container: etree._Element) -> bool:
    return element is container or any(a is container for a in element.iterancestors())


# Blocks trafilatura sometimes leaves out between two kept paragraphs: a subheading, a
# list. Inside the article's container, between kept text and in no furniture
# container, they are article text; the cruft rules still run over them.
GAP_TAGS = frozenset(["p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt"])


LEAD_CLASS = regex.compile(
    r"lead|chapo|chapeau|chapô|standfirst|intro|summary|desc|description|announce|anons|deck|subtitle|"
    r"sous-titre|subheadline|excerpt|lid|podzagolovok",
    regex.IGNORECASE,
)


def _is_lead(block: _PageBlock, description: str) -> bool:
    """The standfirst under the headline, which templates often put in the header that
    extractors skip: named so by its class, or the page's own description."""
    if len(block.text) < SHORT_BLOCK:
        return False
    if description and _key(block.text) == _key(description):
        return True
    element = block.element
    return any(LEAD_CLASS.fullmatch(part) for part in _class_parts(element))


def _recover_gaps(
    blocks: list[_PageBlock], kept: set[int], container: etree._Element | None, description: str = ""
) -> set[int]:
    if container is None or not kept:
        return set()
    first, last = min(kept), max(kept)
    recovered = set()
    for block in blocks:
        if block.position < first and block.position not in kept and _is_lead(block, description):
            recovered.add(block.position)
            continue
        if not first < block.position < last or block.position in kept:
            continue
        if block.element.tag not in GAP_TAGS or not _within(block.element, container):
            continue
        if _reason(block.element, stop=container) is None:
            recovered.add(block.position)
    return recovered


def _main_container(blocks: list[_PageBlock]) -> etree._Element | None:
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
    candidates = [elements[key] for key, size in held.items() if size >= 0.8 * total]
    return max(candidates, key=lambda pair: pair[1])[0]


# --- metadata ----------------------------------------------------------------------------


def declared_language(root: etree._Element) -> str | None:
    """The page's own claim: <html lang>, og:locale, Content-Language, reduced to its primary subtag."""
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in root.iter("meta"):
        prop = (meta.get("property") or meta.get("name") or meta.get("http-equiv") or "").lower()
        if prop in ("og:locale", "content-language", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        if value and (m := regex.match(r"\s*([A-Za-z]{2,3})(?:[-_]|\s*$|,)", value)):
            language: str = m[1].lower()
            return language
    return None


def _description(root: etree._Element) -> str:
    for meta in root.iter("meta"):
        if (meta.get("name") or meta.get("property") or "").lower() in ("description", "og:description"):
            return meta.get("content") or ""
    return ""


def _metadata(root: etree._Element, url: str | None, fetched: str | None, large: bool) -> dict[str, str | None]:
    from trafilatura.metadata import extract_metadata

    params: dict[str, object] = {"original_date": True, "extensive_search": not large}
    if fetched and regex.match(r"\d{4}-\d{2}-\d{2}", fetched):
        params["max_date"] = fetched[:10]  # a page cannot be published after it was fetched
    doc = extract_metadata(root, default_url=url, date_config=params, extensive=not large)
    def fixed(value: str | None) -> str | None:
        return SPACE.sub(" ", normalize(value)[0]).strip() or None if value else None

    return {
        "title": fixed(doc.title),
        "date": doc.date,
        "author": fixed(regex.sub(r"^\s*(?:par|by|de|автор:?|текст:?)\s+", "", doc.author or "", flags=regex.I)),
        "sitename": fixed(doc.sitename),
        "url": doc.url,
    }


# --- the whole extraction -------------------------------------------------------------------


def _trafilatura_body(
    root: etree._Element, url: str | None, precision: bool, large: bool
) -> etree._Element | None:
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
        fast=large,
        with_metadata=False,
        deduplicate=False,
    )
    if document is None:
        return None
    body: etree._Element | None = getattr(document, "body", None)
    return body


def _repair(texts: list[str]) -> tuple[list[str], list[str]]:
    """The plain-text ingest's repairs (mojibake, invisible characters, NFC), block by block at once."""
    if not texts:
        return texts, []
    fixed, repairs = normalize("\n".join(texts))
    lines = fixed.rstrip("\n").split("\n")
    if len(lines) != len(texts):
        lines = [normalize(t)[0].strip("\n") for t in texts]
    return lines, repairs


def extract_html(
    data: bytes,
    name: str,
    *,
    url: str | None = None,
    fetched: str | None = None,
    charset: str | None = None,
    rules: Ruleset | None = None,
    precision: bool = False,
) -> WebArticle:
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
    repaired, repairs = _repair([b.text for b in blocks])
    for block, fixed in zip(blocks, repaired, strict=True):
        block.raw, block.text = block.text, fixed
    blocks = [b for b in blocks if b.text]
    large = len(data) > LARGE_PAGE
    meta = _metadata(root, url, fetched, large)

    body = _trafilatura_body(root, url, precision, large)
    if body is not None:
        kept = _kept_positions(blocks, _extracted_keys(body))
        main_rule = "trafilatura left it out of the main text"
    else:  # no main text found: keep what no furniture container holds, and say so
        kept = {b.position for b in blocks if _reason(b.element) is None}
        main_rule = "no main text found; outside-the-article containers dropped"
    long_kept = [b for b in blocks if b.position in kept and len(b.text) >= SHORT_BLOCK]
    container = _main_container(long_kept or [b for b in blocks if b.position in kept])
    recovered = _recover_gaps(blocks, kept, container, _description(root))

    dropped: list[Dropped] = []
    survivors: list[_PageBlock] = []
    for block in blocks:
        inside = container is not None and _within(block.element, container)
        if block.position not in kept and block.position not in recovered:
            found = _reason(block.element)
            reason, where = found if found else ("outside-main", "")
            rule = main_rule + (f" (inside {where})" if where else "")
            dropped.append(Dropped(block.position, block.text, reason, rule, block.kind))
            continue
        if not inside and len(block.text) < SHORT_BLOCK and long_kept:
            # A short string trafilatura kept far from the article: a menu entry or a
            # slogan that happens to read like the section name above the headline.
            found = _reason(block.element)
            reason, where = found if found else ("outside-main", "")
            rule = "short text outside the article's container" + (f" (inside {where})" if where else "")
            dropped.append(Dropped(block.position, block.text, reason, rule, block.kind))
            continue
        inner = _reason(block.element, stop=container) if container is not None else None
        if inner and inner[0] in INSIDE_ARTICLE_REASONS and (
            len(block.text) < INSIDE_ARTICLE_MAX or inner[0] in ("comments", "related", "ad", "cookie")
        ):
            dropped.append(
                Dropped(block.position, block.text, inner[0], f"inside the article, in {inner[1]}", block.kind)
            )
            continue
        survivors.append(block)

    title_text = SPACE.sub(" ", meta["title"] or "").strip()
    title_block = _title_block(blocks, title_text, kept)
    if title_block is not None:
        title_text = title_block.text
        survivors = [b for b in survivors if b is not title_block]
        dropped = [d for d in dropped if d.position != title_block.position]

    if title_block is not None:
        kickers = [
            b for b in survivors
            if b.position < title_block.position and len(b.text) < SHORT_BLOCK and b.kind != "quote"
        ]
        for block in kickers:
            dropped.append(Dropped(block.position, block.text, "kicker", "section label above the headline", block.kind))
        survivors = [b for b in survivors if b not in kickers]
    content, more = _apply_rules(survivors, rules or default_rules())
    dropped.extend(more)
    if not title_text and content:
        title_block, content = content[0], content[1:]
        title_text = title_block.text
    if not title_text:
        raise InputError(f"{name} has no article text.")
    title_position = title_block.position if title_block is not None else 0
    result = [WebBlock(title_position, "title", title_text)]
    result.extend(WebBlock(b.position, b.kind, b.text) for b in content)
    dropped.sort(key=lambda d: d.position)
    return WebArticle(
        title=title_text,
        date=meta["date"],
        author=meta["author"],
        sitename=meta["sitename"],
        url=url or meta["url"],
        declared_language=declared_language(root),
        encoding=encoding,
        repairs=tuple(repairs),
        blocks=tuple(result),
        dropped=tuple(dropped),
    )


def _title_block(blocks: list[_PageBlock], title: str, kept: set[int]) -> _PageBlock | None:
    """The page's visible headline: the heading that carries the metadata title."""
    headings = [b for b in blocks if b.element.tag in HEADINGS]
    if title:
        key = _key(title)
        for block in headings:
            block_key = _key(block.text)
            if block_key == key or (len(block_key) >= 10 and (block_key in key or key in block_key)):
                return block
    for block in headings:
        if block.element.tag == "h1" and (not kept or block.position <= max(kept)):
            return block
    return None


def _apply_rules(blocks: Iterable[_PageBlock], rules: Ruleset) -> tuple[list[_PageBlock], list[Dropped]]:
    """The cruft rules over the kept blocks: what extractors keep inside the article."""
    kept: list[_PageBlock] = []
    dropped: list[Dropped] = []
    for block in blocks:
        if block.element.tag in ("figcaption", "caption"):
            dropped.append(Dropped(block.position, block.text, "caption", "a figure's caption", block.kind))
            continue
        rule = rules.match(block.text)
        if rule:
            dropped.append(Dropped(block.position, block.text, rule.reason, rule.description, block.kind))
        else:
            kept.append(block)
    script = dominant_script(" ".join(b.text for b in kept))
    content = []
    for block in kept:
        if block.kind != "quote" and is_foreign_ui(block.text, script):
            dropped.append(
                Dropped(block.position, block.text, "foreign-ui", "short UI string in another script", block.kind)
            )
        else:
            content.append(block)
    return content, dropped


def restore(article: WebArticle, position: int) -> WebArticle:
    """Put a dropped block back in its place in the page order."""
    found = next((d for d in article.dropped if d.position == position), None)
    if found is None:
        raise InputError(f"block {position} was not dropped.")
    title, rest = article.blocks[0], list(article.blocks[1:])
    rest.append(WebBlock(found.position, found.kind, found.text))
    rest.sort(key=lambda b: b.position)
    return replace(
        article,
        blocks=(title, *rest),
        dropped=tuple(d for d in article.dropped if d is not found),
    )
