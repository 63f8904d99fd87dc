"""Ingest: every encoding a news site may serve decodes to the same clean text."""

from __future__ import annotations

import pytest
from conftest import seed

from workbench.errors import InputError
from workbench.ingest import ingest_bytes

FRENCH = "Le ministre a déclaré : «Nous étudions la question». L’État réagit, à Noël, en hâte."
RUSSIAN = (
    "Госорганы Франции отказываются от Zoom и Teams. Пресс-секретарь Кремля Дмитрий Песков заявил об этом."
)


def text_of(data: bytes) -> str:
    return ingest_bytes(data).text


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "iso8859_5"])
def test_cyrillic_legacy_encodings(encoding: str) -> None:
    ingested = ingest_bytes(RUSSIAN.encode(encoding))
    assert ingested.text == RUSSIAN + "\n"


@pytest.mark.parametrize("encoding", ["cp1252", "latin_1"])
def test_western_legacy_encodings(encoding: str) -> None:
    sample = FRENCH.replace("’", "'") if encoding == "latin_1" else FRENCH
    assert text_of(sample.encode(encoding)) == sample + "\n"


def test_utf8_russian_misread_as_cp1251_is_repaired() -> None:
    assert text_of("Р“РѕСЃРѕСЂРіР°РЅС‹ Франции".encode()) == "Госорганы Франции\n"


def test_french_double_encoded_is_repaired() -> None:
    ingested = ingest_bytes("Zoom interdit lâ€™accÃ¨s".encode())
    assert ingested.text == "Zoom interdit l’accès\n"
    assert "mojibake" in ingested.repairs


def test_bom_and_crlf() -> None:
    ingested = ingest_bytes(b"\xef\xbb\xbf" + b"Titre\r\n\r\nUn paragraphe.\r\n")
    assert ingested.text == "Titre\n\nUn paragraphe.\n"
    assert "byte-order mark" in ingested.repairs
    assert "line endings" in ingested.repairs


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_wide_unicode_with_or_without_bom(encoding: str) -> None:
    assert text_of(RUSSIAN.encode(encoding)) == RUSSIAN + "\n"


def test_invisible_characters_are_normalized() -> None:
    raw = "Dmitri\u00a0Peskov a dit\u202f: «non\u200b». Une ré\u00adponse\u2060 \u202eclaire.\t Fin."
    ingested = ingest_bytes(raw.encode())
    assert ingested.text == "Dmitri Peskov a dit : «non». Une réponse claire. Fin.\n"
    assert {"non-breaking spaces", "invisible characters"} <= set(ingested.repairs)


def test_nfc_normalization() -> None:
    decomposed = "Ре\u0301шение e\u0301te\u0301"
    assert text_of(decomposed.encode()) == "Ре́шение été\n"  # composed where a composed form exists
    assert "e\u0301" not in text_of(decomposed.encode())


def test_typographic_quotes_are_kept() -> None:
    assert text_of("l’accès «oui» “yes”".encode()) == "l’accès «oui» “yes”\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"   \n\r\n\t ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF document"),
        (b"PK\x03\x04\x14\x00", "zip archive"),
        (bytes(range(256)) * 4, "binary"),
        (b"text\x00with\x00nuls\x01\x02\x03" * 10, "binary"),
        (b"\x00\x00\x00\x00", "binary"),
    ],
)
def test_bad_input_is_one_sentence(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as info:
        ingest_bytes(data, "sample.txt")
    assert message in str(info.value)
    assert str(info.value).startswith("sample.txt")
    assert str(info.value).endswith(".")


def test_seed_is_already_clean_utf8() -> None:
    raw = seed("004").read_bytes()
    ingested = ingest_bytes(raw)
    assert ingested.encoding == "utf-8"
    assert ingested.repairs == ()
