"""HTML bytes → text, with the encoding the page declares when it can be trusted.

Order, as browsers do it (WHATWG "encoding sniffing", simplified): byte-order mark, the
transport's charset (a WARC record's Content-Type), `<meta charset>` or `http-equiv`
in the first bytes, strict UTF-8, then the same restricted detection as plain-text
ingest. A declaration that does not decode the bytes is ignored rather than trusted:
pages that say iso-8859-1 and are served in cp1251 are common on old Russian sites.
"""

from __future__ import annotations

import codecs

import regex

from workbench.errors import InputError
from workbench.ingest import BOMS, decode

# Browsers look at the first 1024 bytes; saved pages often carry a long comment or
# inline script before the meta, so a little more is searched.
SNIFF_BYTES = 8192
META_CHARSET = regex.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", regex.IGNORECASE
)
# A page declared (or sniffed) UTF-8 with a few broken sequences, from a template pasted
# together from several sources, is UTF-8 to a browser, which shows U+FFFD for each; one
# in cp1251 or latin-1 that merely says UTF-8 breaks on nearly every accented letter.
STRAY_UTF8_ERRORS = 1 / 10_000  # per byte
# WHATWG maps these labels to windows-1252; latin-9 (iso-8859-15) stays itself.
WHATWG_ALIASES = {"latin_1": "cp1252", "ascii": "cp1252", "iso8859_1": "cp1252"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    return WHATWG_ALIASES.get(name, name)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes, as a Python codec name."""
    m = META_CHARSET.search(data[:SNIFF_BYTES])
    return _codec(m[1].decode("ascii", "replace")) if m else None


def decode_html(data: bytes, name: str, transport: str | None = None) -> tuple[str, str]:
    """Return (text, encoding) or raise InputError with one sentence."""
    if not data.strip():
        raise InputError(f"{name} is empty.")
    if any(data.startswith(bom) for bom, _ in BOMS):
        return decode(data, name)
    for label in (transport, None):
        codec = _codec(label) if label else declared_charset(data)
        if codec is None or codec.startswith("utf_16") or codec.startswith("utf_32"):
            continue  # a UTF-16 declaration without a BOM is always wrong for ASCII-compatible bytes
        try:
            return data.decode(codec), codec.replace("_", "-")
        except UnicodeDecodeError:
            if codec == "utf_8" and (text := _mostly_utf8(data)) is not None:
                return text, "utf-8"
            continue
    return decode(data, name)


def _mostly_utf8(data: bytes) -> str | None:
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    return text if broken <= max(3, len(data) * STRAY_UTF8_ERRORS) else None
