"""Reading XML from outside (TBX glossaries, TMX memories) safely and in bounded time.

defusedxml refuses entity declarations (billion laughs) and external references; a tree
builder that counts its depth refuses documents nested deeper than any real termbase or
memory (TBX and TMX go about ten levels deep), before the walks over them could cost time
that grows with the square of the depth.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder

from workbench.errors import WorkbenchError

MAX_DEPTH = 100


class _TooDeep(Exception):
    pass


class _Builder(TreeBuilder):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0

    def start(self, tag: Any, attrs: Any) -> Element:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep
        return super().start(tag, attrs)

    def end(self, tag: Any) -> Element:
        self.depth -= 1
        return super().end(tag)


def parse_xml(data: bytes, name: str, error: type[WorkbenchError] = WorkbenchError) -> Element:
    """The root element of `data`; each refusal is one sentence naming `name`."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    parser = DefusedXMLParser(target=_Builder(), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        root: Element = parser.close()
    except DefusedXmlException as exc:
        raise error(f"{name} is refused: it declares XML entities ({type(exc).__name__}).") from None
    except _TooDeep:
        raise error(f"{name} is refused: its elements nest more than {MAX_DEPTH} levels deep.") from None
    except Exception as exc:  # ParseError and friends
        raise error(f"{name} is not well-formed XML ({exc}).") from None
    return root


def local(tag: object) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
