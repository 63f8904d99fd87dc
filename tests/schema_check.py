"""Validation of our XML exports against the official schemas vendored in tests/schemas/."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"
XLIFF = SCHEMAS / "xliff-2.0" / "xliff_core_2.0.xsd"
TBX2 = SCHEMAS / "tbx-v2" / "tbx.xsd"
TBX3_CORE = SCHEMAS / "tbx-v3" / "TBXcoreStructV03.rng"
TBX3_BASIC = SCHEMAS / "tbx-v3" / "TBXcoreStructV03_TBX-Basic_integrated.rng"
SRX = SCHEMAS / "srx-2.0" / "srx20.xsd"
TMX = SCHEMAS / "tmx-1.4b" / "tmx14.dtd"


@cache
def _validator(path: Path) -> etree._XMLSchema | etree.RelaxNG | etree.DTD:
    if path.suffix == ".dtd":
        return etree.DTD(str(path))
    tree = etree.parse(str(path))
    return etree.RelaxNG(tree) if path.suffix == ".rng" else etree.XMLSchema(tree)


def errors(data: bytes, schema: Path) -> list[str]:
    """Every message the schema gives for `data`; empty when valid."""
    validator = _validator(schema)
    document = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    validator.validate(document)
    return [f"{e.line}: {e.message}" for e in validator.error_log]


def xmllint(path: Path, schema: Path) -> subprocess.CompletedProcess[str] | None:
    """xmllint's own verdict, as a user would run it; None where xmllint is not installed."""
    if shutil.which("xmllint") is None:
        return None
    option = {".rng": "--relaxng", ".dtd": "--dtdvalid"}.get(schema.suffix, "--schema")
    return subprocess.run(
        ["xmllint", "--noout", "--nonet", option, str(schema), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
