"""The seeds re-encoded the ways the web damages text must clean to the same article."""

from __future__ import annotations

import contextlib

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-125x)
import pytest
from conftest import SEEDS

from workbench.model import Article
from workbench.pipeline import article_from_bytes

SEED_FILES = sorted(SEEDS.glob("*.txt"))
# KOI8-R has no guillemets, em dash or accented Latin letters: the Russian seed is made
# representable first, and compared with the same substituted text in UTF-8.
KOI8_SUBSTITUTES = str.maketrans({"«": '"', "»": '"', "—": "-"})


def comparable(article: Article) -> tuple[object, ...]:
    return (
        article.title,
        article.date,
        article.language,
        tuple((b.kind, b.text) for b in article.blocks),
        tuple(s.id for s in article.segments),
        tuple((r.line, r.text, r.reason) for r in article.removed),
    )


def original(path) -> Article:
    return article_from_bytes(path.read_bytes(), path)


def variants(text: str) -> dict[str, bytes]:
    out = {
        "bom+crlf": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"),
        "utf-16": text.encode("utf-16"),
    }
    for encoding in ("cp1251", "cp1252"):
        # seed 000 mixes French with a Cyrillic line: no single 8-bit code page holds it
        with contextlib.suppress(UnicodeEncodeError):
            out[encoding] = text.encode(encoding)
    for codec in ("sloppy-windows-1252", "sloppy-windows-1251"):
        mojibake = text.encode("utf-8").decode(codec)
        if codec.endswith("1252") or all(
            "\u0400" <= c <= "\u04ff" or c.isascii() or c in "«»—–’…№" for c in text
        ):
            out["double-" + codec] = mojibake.encode("utf-8")
    return out


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_every_variant_cleans_to_the_same_article(path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = comparable(original(path))
    tried = variants(text)
    for name, data in tried.items():
        assert comparable(article_from_bytes(data, path)) == expected, name
    assert "bom+crlf" in tried and "double-sloppy-windows-1252" in tried


def test_cp1251_and_koi8r_russian_seed() -> None:
    path = SEEDS / "004_946b22bb11cec535.txt"
    text = path.read_text(encoding="utf-8")
    assert comparable(article_from_bytes(text.encode("cp1251"), path)) == comparable(original(path))
    koi8_text = text.translate(KOI8_SUBSTITUTES)
    reference = comparable(article_from_bytes(koi8_text.encode("utf-8"), path))
    decoded = article_from_bytes(koi8_text.encode("koi8_r"), path)
    assert decoded.encoding == "koi8_r"
    assert comparable(decoded) == reference


@pytest.mark.parametrize("name", ["001", "003"])
def test_french_seeds_in_cp1252(name: str) -> None:
    path = next(SEEDS.glob(f"{name}_*.txt"))
    data = path.read_text(encoding="utf-8").encode("cp1252")
    article = article_from_bytes(data, path)
    assert article.encoding == "cp1252"
    assert comparable(article) == comparable(original(path))


def test_russian_mojibake_is_repaired_for_the_russian_seed() -> None:
    path = SEEDS / "004_946b22bb11cec535.txt"
    text = path.read_text(encoding="utf-8")
    damaged = text.encode("utf-8").decode("sloppy-windows-1251").encode("utf-8")
    assert "Р“РѕСЃРѕСЂРіР°РЅС‹" in damaged.decode("utf-8")
    article = article_from_bytes(damaged, path)
    assert "mojibake" in article.repairs
    assert comparable(article) == comparable(original(path))
