"""SRX 2.0: our sentence segmentation rules, for CAT tools that read segmentation as SRX.

The rules are generated from what `segment.py` reads: its terminator, closer and opener
characters and the abbreviation files of `data/abbreviations/`, so the SRX file cannot
drift from the segmenter. The segmenter's logic translates to regular expressions as
follows (SRX applies the first rule, in order, whose before- and after-break patterns
match around a position; a no-break rule shadows every break rule after it):

- a break candidate is the end of a whitespace run after a token (a run of non-space
  characters) that ends with a terminator and optional closers, or after a token made
  only of closers (French `libre. »`) whose preceding token ends so;
- a break needs the next word, past openers and spaces, to start with an upper-case letter
  or a digit (Python's `str.isupper`/`str.isdigit`: `\\p{Lu}`, `\\p{Nd}` and the few other
  characters Python counts, listed literally);
- no break after a token that is an abbreviation or an initial, whole, between optional
  openers and one period plus optional closers (case-sensitive entries as written,
  lower-case entries in either case, spelt out as character classes so that Java's ASCII-only
  `(?i)` does not matter);
- no break after a lone `"` when the break already happened before it: our segmenter
  judges a closer-only token with the word before it only when that word is in the same
  sentence, and `"` is both an opener and a closer.

Patterns use only what Java (OmegaT, Okapi), ICU and Python's `regex` (choppa) share:
`\\p{..}` categories, `\\uXXXX` escapes, bounded look-behind once finitized by the engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from workbench import segment

SRX_NS = "http://www.lisa.org/srx20"
LANGUAGE_NAMES = {"fr": "French", "ru": "Russian", "en": "English"}
COMMON = "Workbench"


def _escape_char(char: str) -> str:
    if char.isascii() and not char.isalnum() and char != " ":
        return "\\" + char  # Java, ICU and regex V1 all accept a backslash before punctuation
    return char


def _escape(text: str) -> str:
    return "".join(_escape_char(c) for c in text)


def _char_class(chars: Iterable[str], extra: str = "") -> str:
    return "[" + extra + "".join(_escape_char(c) for c in sorted(set(chars))) + "]"


@cache
def _every_character() -> str:
    return "".join(map(chr, range(0x110000)))


@cache
def _whitespace() -> str:
    """The segmenter's `\\s` (the regex module's), spelt out: Java's `\\s` is ASCII only."""
    import regex

    return "[" + "".join(f"\\u{ord(c):04X}" for c in regex.findall(r"\s", _every_character())) + "]"


@cache
def _upper_or_digit() -> str:
    """What `str.isupper()` or `str.isdigit()` accepts for one character, as a class."""
    import regex

    # Candidates by property (fast), then judged by Python's own methods (exact).
    candidates = regex.findall(
        r"[^\p{Lu}\p{Nd}\p{Cn}\p{Cs}\p{Co}\p{Ll}\p{Lo}\p{Mn}\p{Zs}]", _every_character()
    )
    extra = [c for c in candidates if c.isupper() or c.isdigit()]
    return "[\\p{Lu}\\p{Nd}" + "".join(extra) + "]"


@cache
def _lowercase_sources() -> dict[str, str]:
    """For each character, every character whose `lower()` is that character alone."""
    import regex

    sources: dict[str, list[str]] = {}
    for char in regex.findall(r"\p{Cased}", _every_character()):  # lower() changes nothing else
        lowered = char.lower()
        if len(lowered) == 1:
            sources.setdefault(lowered, [lowered]).append(char)
    return {k: "".join(dict.fromkeys(v)) for k, v in sources.items()}


def _folded(entry: str) -> str:
    """`entry` matching any word whose `lower()` is `entry` (the segmenter's comparison)."""
    sources = _lowercase_sources()
    parts = []
    for char in entry:
        variants = sources.get(char, char)
        parts.append(_escape_char(char) if len(variants) == 1 else _char_class(variants))
    return "".join(parts)


def _usable(entry: str) -> bool:
    # The segmenter compares one whitespace-free token, its openers stripped on the left.
    return not any(c.isspace() for c in entry) and entry[0] not in segment.OPENERS


def abbreviation_pattern(language: str) -> str:
    exact, folded = segment.abbreviations(language)
    alternatives = sorted(_escape(e) for e in exact if _usable(e))
    alternatives += sorted(_folded(e) for e in folded if _usable(e))
    return "(?:" + "|".join(alternatives) + ")"


def _pieces() -> dict[str, str]:
    space = _whitespace()
    return {
        "token_start": "(?<!" + "[^" + space[1:] + ")",
        "space": space,
        "openers": _char_class(segment.OPENERS),
        "closers": _char_class(segment.CLOSERS),
        "both": _char_class(set(segment.OPENERS) & set(segment.CLOSERS)),
        "terminators": _char_class(segment.TERMINATORS),
        "next": "(?:"
        + _char_class(segment.OPENERS)
        + _char_class(segment.OPENERS + " ")
        + "*)?"
        + _upper_or_digit(),
    }


def _no_break_after(word: str) -> str:
    """Before-break pattern: `word.` as a whole token, the gap after it (or after a lone closer)."""
    p = _pieces()
    return (
        f"{p['token_start']}{p['openers']}*{word}\\.{p['closers']}*"
        f"(?:{p['space']}+{p['closers']}+)?{p['space']}+"
    )


def rules(language: str | None) -> list[tuple[bool, str, str, str]]:
    """(break?, before, after, comment) in SRX order, for one language rule."""
    p = _pieces()
    if language is not None:
        exact, folded = segment.abbreviations(language)
        skipped = sorted(e for e in exact | folded if not _usable(e))
        comment = f"abbreviations from data/abbreviations/{language}.txt"
        if skipped:
            comment += f"; left out, as the segmenter never matches them (it compares one token): {', '.join(skipped)}"
        return [(False, _no_break_after(abbreviation_pattern(language)), "", comment)]
    return [
        (False, _no_break_after("\\p{Lu}"), "", "an initial: one upper-case letter and a period"),
        (
            False,
            f"{p['terminators']}{p['closers']}*{p['space']}+{p['both']}+ +",
            "",
            "the sentence already ended before this lone quote (a quote is also an opener)",
        ),
        (
            True,
            f"{p['terminators']}{p['closers']}*{p['space']}+",
            p["next"],
            "terminal punctuation, optional closers, then an upper-case letter or a digit",
        ),
        (
            True,
            f"{p['terminators']}{p['closers']}*{p['space']}+{p['closers']}+{p['space']}+",
            p["next"],
            "the same with the closing quote spaced off, French style",
        ),
    ]


def export_srx() -> bytes:
    from lxml import etree

    def element(parent: etree.Element, tag: str, **attributes: str) -> etree.Element:
        return etree.SubElement(parent, f"{{{SRX_NS}}}{tag}", attributes)

    root = etree.Element(f"{{{SRX_NS}}}srx", {"version": "2.0"}, nsmap={None: SRX_NS})
    root.append(
        etree.Comment(
            " Workbench sentence segmentation, generated from workbench/segment.py and "
            "workbench/data/abbreviations/. Language codes fr, ru, en (any region) use their "
            "abbreviations; any other language uses all three lists, as the segmenter does. "
            "Every rule of the segmenter has a regular-expression equivalent here; the only "
            "difference is the Unicode version: characters newer than the regex engine's "
            "tables may be judged upper case or not differently. "
        )
    )
    element(root, "header", segmentsubflows="yes", cascade="yes")
    body = element(root, "body")
    languagerules = element(body, "languagerules")
    for name, language in [*((LANGUAGE_NAMES[lang], lang) for lang in segment.LANGUAGES), (COMMON, None)]:
        languagerule = element(languagerules, "languagerule", languagerulename=name)
        for is_break, before, after, comment in rules(language):
            languagerule.append(etree.Comment(f" {comment} "))
            rule = element(languagerule, "rule", **{"break": "yes" if is_break else "no"})
            element(rule, "beforebreak").text = before
            element(rule, "afterbreak").text = after
    maprules = element(body, "maprules")
    known = "|".join(segment.LANGUAGES)
    for language in segment.LANGUAGES:
        element(
            maprules,
            "languagemap",
            languagepattern=f"(?i){language}(?:[-_].*)?",
            languagerulename=LANGUAGE_NAMES[language],
        )
    for language in segment.LANGUAGES:
        element(
            maprules,
            "languagemap",
            languagepattern=f"(?i)(?!(?:{known})(?:[-_].*)?$).*",
            languagerulename=LANGUAGE_NAMES[language],
        )
    element(maprules, "languagemap", languagepattern=".*", languagerulename=COMMON)
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8")) + b"\n"
