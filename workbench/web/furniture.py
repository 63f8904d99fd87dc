"""Why a block is not article text, read from the containers around it.

The vocabularies (tags, ARIA roles, class and id names per reason, the standfirst's class
names) live in `data/furniture/containers.toml`; this module only reads them. An element
is judged by itself, then by its ancestors, innermost first: the nearest container says
most about a block (an ad inside a sidebar is an ad).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import lxml.etree as etree
import regex

from workbench.errors import WorkbenchError

Reason = tuple[str, str]  # (reason, where: 'class="share"', "<nav>", 'role="banner"')
SPLIT = regex.compile(r"[-_]+")
PAGE_TAGS = frozenset(["body", "html"])


@dataclass
class Vocabulary:
    tags: dict[str, str]
    roles: dict[str, str]
    classes: tuple[tuple[str, regex.Pattern[str]], ...]  # (reason, names), in priority order
    lead: regex.Pattern[str]
    _parts: dict[str, int | None] = field(default_factory=dict)  # pages repeat their classes

    def part_reason(self, part: str) -> int | None:
        """Index of the first reason whose names include this class part."""
        if part not in self._parts:
            self._parts[part] = next((n for n, (_, names) in enumerate(self.classes) if names.fullmatch(part)), None)
        return self._parts[part]


def _names(names: object, where: str) -> regex.Pattern[str]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise WorkbenchError(f"{where}: names must be a list of strings.")
    try:
        return regex.compile("|".join(f"(?:{n})" for n in names), regex.IGNORECASE)
    except regex.error as exc:
        raise WorkbenchError(f"{where}: bad name pattern ({exc}).") from None


def parse_vocabulary(text: str, origin: str) -> Vocabulary:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WorkbenchError(f"{origin}: not valid TOML ({exc}).") from None
    classes = tuple(
        (str(table["reason"]), _names(table.get("names"), f"{origin} class {n}"))
        for n, table in enumerate(data.get("class", []), 1)
    )
    return Vocabulary(
        tags={str(k): str(v) for k, v in data.get("tags", {}).items()},
        roles={str(k): str(v) for k, v in data.get("roles", {}).items()},
        classes=classes,
        lead=_names(data.get("lead", {}).get("names", []), f"{origin} lead"),
    )


@cache
def vocabulary() -> Vocabulary:
    path = resources.files("workbench") / "data" / "furniture" / "containers.toml"
    return parse_vocabulary(path.read_text(encoding="utf-8"), "containers.toml")


def class_parts(element: etree._Element) -> Iterator[str]:
    for attribute in ("class", "id"):
        value = element.get(attribute)
        if not value:
            continue
        for token in value.lower().split():
            yield token
            yield from (part for part in SPLIT.split(token) if part)


def element_reason(element: etree._Element) -> Reason | None:
    """What this element itself says it is, if furniture."""
    words = vocabulary()
    tag = element.tag if isinstance(element.tag, str) else ""
    role = (element.get("role") or "").lower()
    if role in words.roles:
        return words.roles[role], f'role="{role}"'
    if tag in words.tags:
        return words.tags[tag], f"<{tag}>"
    best: tuple[int, str] | None = None
    for part in class_parts(element):
        found = words.part_reason(part)
        if found is not None and (best is None or found < best[0]):
            best = (found, part)
    if best is None:
        return None
    index, part = best
    attribute = "class" if part in (element.get("class") or "").lower() else "id"
    return words.classes[index][0], f'{attribute}="{part}"'


class PageFurniture:
    """What one page's containers say, each element read once: a page's blocks share their
    ancestors, and every block is asked about several times during extraction."""

    def __init__(self) -> None:
        self._memo: dict[etree._Element, Reason | None] = {}  # holds the proxies, so lookups find them

    def reason(self, element: etree._Element, stop: etree._Element | None = None) -> Reason | None:
        """The furniture an element belongs to, from itself and its ancestors up to `stop` (excluded)."""
        found = self.furniture_of(element, stop)
        return found[0] if found else None

    def furniture_of(
        self, element: etree._Element, stop: etree._Element | None = None
    ) -> tuple[Reason, etree._Element] | None:
        """The reason and the furniture element it was read from (itself or an ancestor).

        The page's <body> and <html> are never furniture: their classes name the page's
        theme ("navigation-border-thin", "has-sidebar"), not what a block inside them is."""
        for candidate in (element, *element.iterancestors()):
            if candidate is stop or candidate.tag in PAGE_TAGS:
                return None
            if candidate not in self._memo:
                self._memo[candidate] = element_reason(candidate)
            found = self._memo[candidate]
            if found:
                return found, candidate
        return None


def is_lead_class(element: etree._Element) -> bool:
    """Named as the standfirst under the headline."""
    lead = vocabulary().lead
    return any(lead.fullmatch(part) for part in class_parts(element))
