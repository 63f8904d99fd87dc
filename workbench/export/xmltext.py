"""Text into XML 1.0, which cannot hold some characters at all (most C0 controls, U+FFFE/FFFF,
lone surrogates), not even as `&#x1;`.

Where a format has markup for them they keep their identity: XLIFF 2.0 writes `<cp hex="0001"/>`,
TMX 1.4b a placeholder `<ph type="x-workbench-char">U+0001</ph>` (a stand-alone native code,
which our `tm import` turns back into the character). Attributes, notes and properties have no
markup: there each such character becomes U+FFFD and the export says how many it replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from lxml import etree

FORBIDDEN = regex.compile(r"[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


@dataclass
class Notices:
    """What an export had to say about its output (characters replaced), for the user."""

    replaced: dict[str, int] = field(default_factory=dict)  # where → characters replaced

    def plain(self, text: str, where: str) -> str:
        """`text` for a place without markup: each character XML cannot hold becomes U+FFFD."""
        fixed, count = FORBIDDEN.subn("\ufffd", text)
        if count:
            self.replaced[where] = self.replaced.get(where, 0) + count
        return str(fixed)

    def messages(self, fmt: str) -> list[str]:
        return [
            f"{count} character{'s' if count > 1 else ''} XML cannot hold in {where} "
            f"{'were' if count > 1 else 'was'} written as U+FFFD in the {fmt.upper()} export."
            for where, count in sorted(self.replaced.items())
        ]


def fill(element: etree._Element, text: str, inline: Callable[[etree._Element, str], etree._Element]) -> None:
    """Set mixed content: text, with `inline(element, char)` making the element that stands
    for each character XML 1.0 cannot hold. Call it after indenting, which would pad it."""
    last: etree._Element | None = None
    start = 0
    for match in FORBIDDEN.finditer(text):
        _append(element, last, text[start : match.start()])
        last = inline(element, match.group())
        start = match.end()
    _append(element, last, text[start:])


def _append(element: etree._Element, last: etree._Element | None, chunk: str) -> None:
    if not chunk:
        return
    if last is None:
        element.text = (element.text or "") + chunk
    else:
        last.tail = (last.tail or "") + chunk
