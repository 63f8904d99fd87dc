"""WARC files (wget --warc-file, Browsertrix, Heritrix) → one page per HTML response record.

warcio reads record by record from the stream (gzip members or plain), so a crawl of any
size is read in constant memory; each payload is read up to MAX_PAYLOAD_BYTES and a
record over it is reported, not loaded; a header line is read up to MAX_HEADER_LINE (warcio
would grow it without bound, copying it at each block, so a line that inflates to a gigabyte
cost minutes and gigabytes). Requests, metadata, revisits, redirects, errors
and non-HTML responses (images, scripts, JSON) are skipped.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import regex

from workbench.errors import InputError
from workbench.web.extract import MAX_HTML_BYTES

MAX_PAYLOAD_BYTES = MAX_HTML_BYTES
MAX_HEADER_LINE = 1024 * 1024  # WARC and HTTP header lines are a few kB; long URLs, cookies a few tens
HTML_TYPES = ("text/html", "application/xhtml+xml")
WARC_SUFFIXES = (".warc", ".warc.gz")
SLUG = regex.compile(r"[^\p{L}\p{N}]+")


@dataclass(frozen=True)
class WarcPage:
    """One HTML response record."""

    url: str
    date: str | None  # WARC-Date: when the page was fetched
    digest: str  # WARC-Payload-Digest, or the payload's SHA-1 in the same form
    record_id: str  # WARC-Record-ID
    offset: int  # byte offset of the record in the (possibly compressed) file
    payload: bytes
    charset: str | None  # from the HTTP Content-Type

    @property
    def article_id(self) -> str:
        """Readable and stable: the URL's host and last path words, then a hash of URL and payload.

        Two captures of one URL with different payloads are different articles; the same
        capture recorded twice is the same article.
        """
        parts = urlsplit(self.url)
        words = [w for w in SLUG.split(f"{parts.netloc} {parts.path}".lower()) if w and w != "www"]
        stem = "-".join(words[:2] + words[2:][-4:])[:60].strip("-") or "page"
        tag = hashlib.blake2b(f"{self.url}\n{self.digest}".encode(), digest_size=5).hexdigest()
        return f"{stem}-{tag}"


@dataclass(frozen=True)
class WarcSkip:
    """A record that looked like a page but was not read (too large, unreadable)."""

    url: str
    record_id: str
    reason: str


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def _sha1_digest(payload: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


def _charset(content_type: str) -> str | None:
    m = regex.search(r"charset\s*=\s*[\"']?([\w.:\-]+)", content_type, regex.IGNORECASE)
    return m[1] if m else None


def warc_pages(path: Path, skipped: list[WarcSkip] | None = None) -> Iterator[WarcPage]:
    """Stream the HTML pages of a WARC file; records not read are appended to `skipped`."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    with handle:
        _check_start(handle, path)
        records = ArchiveIterator(handle, arc2warc=True)
        records.reader = _bounded_reader(records.fh)  # read lazily: nothing was read through the old one
        try:
            for record in records:
                page = _page(record, skipped)
                if page is not None:
                    # Asked only once the payload is read: asking first skips the record.
                    yield replace(page, offset=records.get_record_offset())
        except ArchiveLoadFailed as exc:
            raise InputError(f"{path} is not a readable WARC file ({str(exc).strip().rstrip('.')}).") from None
        except (OSError, EOFError, ValueError, zlib.error) as exc:
            raise InputError(f"{path} is a damaged WARC file ({exc}).") from None
        except (AttributeError, KeyError, TypeError, IndexError) as exc:
            # warcio trips over records missing required headers (WARC-Target-URI, lengths)
            raise InputError(f"{path} holds a malformed WARC record ({type(exc).__name__}: {exc}).") from None
        except _Truncated as exc:
            raise InputError(f"{path} is cut short: the record of {exc} is incomplete.") from None
        except _LongLine:
            raise InputError(
                f"{path} holds a header line over {MAX_HEADER_LINE // 1024 // 1024} MB; it is not a WARC file "
                "Workbench reads."
            ) from None


class _LongLine(Exception):
    pass


def _bounded_reader(stream: BinaryIO) -> object:
    """warcio's reader, with lines read in linear time and refused past MAX_HEADER_LINE."""
    from warcio.bufferedreaders import DecompressingBufferedReader

    class Bounded(DecompressingBufferedReader):  # type: ignore[misc]
        def readline(self, length: int | None = None) -> bytes:
            if length == 0:
                return b""
            parts: list[bytes] = []
            size = 0
            while True:
                self._fillbuff()
                if self.empty():
                    break
                part = self.buff.readline(None if length is None else length - size)
                parts.append(part)
                size += len(part)
                if part.endswith(b"\n") or (length is not None and size >= length):
                    break
                if size > MAX_HEADER_LINE:
                    raise _LongLine
            return b"".join(parts)

    return Bounded(stream)


class _Truncated(Exception):
    pass


def _check_start(handle: BinaryIO, path: Path) -> None:
    """warcio reads almost anything leniently; a file that is no WARC at all is refused here."""
    head = handle.read(2)
    handle.seek(0)
    try:
        start = gzip.GzipFile(fileobj=handle).read(5) if head == b"\x1f\x8b" else handle.read(5)
    except (OSError, EOFError, zlib.error):
        start = b""
    handle.seek(0)
    if start != b"WARC/":
        raise InputError(f"{path} is not a readable WARC file (it does not start with a WARC record).")


def _page(record: object, skipped: list[WarcSkip] | None) -> WarcPage | None:
    rec_type = getattr(record, "rec_type", None)
    if rec_type not in ("response", "resource"):
        return None
    headers = record.rec_headers  # type: ignore[attr-defined]
    url = headers.get_header("WARC-Target-URI") or ""
    http = getattr(record, "http_headers", None)
    if rec_type == "response":
        if http is None:
            return None
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            return None
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = headers.get_header("Content-Type") or ""
    if content_type.lower().split(";")[0].strip() not in HTML_TYPES:
        return None
    payload = record.content_stream().read(MAX_PAYLOAD_BYTES + 1)  # type: ignore[attr-defined]
    if len(payload) > MAX_PAYLOAD_BYTES:
        if skipped is not None:
            limit = MAX_PAYLOAD_BYTES // 1024 // 1024
            skipped.append(WarcSkip(url, headers.get_header("WARC-Record-ID") or "", f"page larger than {limit} MB"))
        return None
    if getattr(record.raw_stream, "limit", 0) > 0:  # type: ignore[attr-defined]
        raise _Truncated(url)
    digest = headers.get_header("WARC-Payload-Digest")
    if not digest or (http is not None and (http.get_header("Content-Encoding") or http.get_header("Transfer-Encoding"))):
        # The recorded digest is of the bytes on the wire; with compression or chunking
        # those differ from the page, and identity should follow the page itself.
        digest = _sha1_digest(payload)
    return WarcPage(
        url=url,
        date=headers.get_header("WARC-Date"),
        digest=digest,
        record_id=headers.get_header("WARC-Record-ID") or "",
        offset=-1,
        payload=payload,
        charset=_charset(content_type),
    )
