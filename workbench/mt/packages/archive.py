"""What an archive must be before it is installed.

An archive is checked completely before a byte is written: a corrupt zip, a member path
escaping the package folder, a link, a zip bomb, too many members, a hidden or second top
folder, a missing metadata.json or model is refused. Once unpacked in a stage, its
tokenizer and CTranslate2 model are loaded and one sentence decoded, so that a package
which would crash `translate` is refused at install time.
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from workbench.mt.packages.installed import InstalledModel, PackageError, PackageName, read_package

MAX_UNPACKED_BYTES = 8 * 1024**3
MAX_DOWNLOAD_BYTES = MAX_UNPACKED_BYTES
MAX_MEMBERS = 10_000  # Argos packages hold a few dozen files
# A central directory entry is 46 bytes, its name and its extra fields; Argos packages use
# well under 100 bytes a member.
MAX_DIRECTORY_BYTES = MAX_MEMBERS * 256
MAX_COMPRESSION_RATIO = 200  # real model members compress about 1.1:1
TOKENIZER_FILES = ("sentencepiece.model", "bpe.model")


@dataclass(frozen=True)
class Archive:
    top: str
    metadata: dict[str, Any]
    members: tuple[zipfile.ZipInfo, ...]

    @property
    def arrow(self) -> str:
        return f"{self.metadata['from_code']}→{self.metadata['to_code']}"


def _central_directory(path: Path) -> tuple[int, int] | None:
    """The member count and the central directory's size the end record declares.

    zipfile.ZipFile reads the whole central directory into memory and builds a ZipInfo for
    every entry in it (however many the end record declares) before any check of ours can
    run, so a small hostile file can exhaust memory; the standard library offers no bound
    (python/cpython#153460, open; a `max_entries` argument is proposed in
    python/cpython#153465). zipfile's own private `_EndRecData` finds the end record, zip64
    included, exactly as ZipFile will: a parser of our own that located it differently
    would let an archive past this check that ZipFile then reads whole. If a Python ever
    drops it, tests/test_mt_package_safety.py's
    test_a_huge_member_list_is_refused_before_zipfile_reads_it fails.
    """
    try:
        with path.open("rb") as handle:
            record = zipfile._EndRecData(handle)  # type: ignore[attr-defined]
        if not record:
            return None
        return int(record[zipfile._ECD_ENTRIES_TOTAL]), int(record[zipfile._ECD_SIZE])  # type: ignore[attr-defined]
    except Exception:  # a private helper on a hostile file: zipfile's own opening judges it next
        return None


def check_archive(path: Path, label: str | None = None) -> Archive:
    """Validate a .argosmodel without extracting it; raise PackageError with the reason.

    `label` names the archive in messages (a link, standard input) instead of its file name.
    """
    name = label or path.name
    declared = _central_directory(path)
    if declared is not None:
        entries, size = declared
        if entries > MAX_MEMBERS:
            raise PackageError(
                f"{name} is refused: it holds {entries:,} members, more than a model package has."
            )
        if size > MAX_DIRECTORY_BYTES:
            raise PackageError(
                f"{name} is refused: its list of members takes {size / 1e6:.1f} MB, more than a model "
                "package has."
            )
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise PackageError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise PackageError(f"{path} is a folder, not a .argosmodel file.") from None
    except PermissionError:
        raise PackageError(f"{path} cannot be read (permission denied).") from None
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageError(f"{name} is not a valid .argosmodel (not a zip archive).") from None
    with archive:
        members = tuple(archive.infolist())
        if not members:
            raise PackageError(f"{name} is an empty archive.")
        if len(members) > MAX_MEMBERS:
            raise PackageError(
                f"{name} is refused: it holds {len(members):,} members, more than a model package has."
            )
        tops = set()
        total = 0
        names_seen: set[str] = set()
        for info in members:
            if info.filename in names_seen:
                raise PackageError(f"{name} is refused: member {info.filename!r} appears twice.")
            names_seen.add(info.filename)
            _check_member(name, info)
            tops.add(PurePosixPath(info.filename).parts[0])
            total += info.file_size
        files = {info.filename for info in members if not info.is_dir()}
        for member in files:
            for parent in PurePosixPath(member).parents:
                if str(parent) in files:
                    raise PackageError(
                        f"{name} is refused: member {str(parent)!r} is both a file and a folder."
                    )
        if len(tops) != 1:
            raise PackageError(f"{name} must hold exactly one package folder, not {len(tops)} entries.")
        top = tops.pop()
        if top.startswith("."):
            # It would be installed as a hidden folder, which argostranslate lists and we skip.
            raise PackageError(f"{name} is refused: its package folder {top!r} is hidden.")
        if total > MAX_UNPACKED_BYTES:
            raise PackageError(f"{name} would unpack to {total / 1024**3:.1f} GiB, more than a model needs.")
        names = {info.filename.rstrip("/") for info in members}
        if f"{top}/metadata.json" not in names:
            raise PackageError(f"{name} has no metadata.json in {top}/.")
        if f"{top}/model/model.bin" not in names:
            raise PackageError(f"{name} has no CTranslate2 model (model/model.bin) in {top}/.")
        if not any(f"{top}/{t}" in names for t in TOKENIZER_FILES):
            raise PackageError(f"{name} has no tokenizer (sentencepiece.model or bpe.model).")
        try:
            bad = archive.testzip()
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise PackageError(f"{name} is corrupt ({exc}).") from None
        if bad is not None:
            raise PackageError(f"{name} is corrupt: {bad} fails its checksum.")
        try:
            metadata = json.loads(archive.read(f"{top}/metadata.json"))
        except ValueError:
            raise PackageError(f"{name}: metadata.json is not valid JSON.") from None
    if not isinstance(metadata, dict):
        raise PackageError(f"{name}: metadata.json is not a JSON object.")
    for key in ("from_code", "to_code"):
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            raise PackageError(f"{name}: metadata.json has no {key}.")
    if metadata.get("type", "translate") != "translate":
        raise PackageError(f"{name} is a {metadata.get('type')!r} package, not a translation model.")
    return Archive(top=top, metadata=metadata, members=members)


def _check_member(name: str, info: zipfile.ZipInfo) -> None:
    member = info.filename
    parts = PurePosixPath(member).parts
    if (
        not member
        or member.startswith(("/", "\\"))
        or "\\" in member
        or "\x00" in member
        or ".." in parts
        or (len(member) > 1 and member[1] == ":")
    ):
        raise PackageError(f"{name} is refused: member {member!r} would escape the package folder.")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise PackageError(f"{name} is refused: member {member!r} is a symbolic link.")
    if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
        raise PackageError(f"{name} is refused: member {member!r} is a zip bomb.")


def check_pair(archive: Archive, expect: PackageName | None, name: str, how: str) -> None:
    """The archive holds the pair asked for (`how` says how `name` offered it: holds, serves)."""
    if expect is None:
        return
    got = (archive.metadata["from_code"], archive.metadata["to_code"])
    if got != (expect.from_code, expect.to_code):
        raise PackageError(
            f"{name} {how} a {archive.arrow} package, not {expect.arrow}; nothing was installed."
        )


def verify_package(folder: Path, name: str) -> InstalledModel:
    """Load the unpacked package's tokenizer and CTranslate2 model and decode one sentence,
    so that a package which would crash `translate` is refused at install time."""
    model = read_package(folder)
    if not isinstance(model, InstalledModel):
        raise PackageError(f"{name} does not unpack into a usable translation package ({model}).")
    sample = "Test."
    sentencepiece_model, bpe_model = (folder / t for t in TOKENIZER_FILES)
    try:
        if sentencepiece_model.is_file():
            import sentencepiece

            processor = sentencepiece.SentencePieceProcessor(model_file=str(sentencepiece_model))
            tokens = processor.encode(sample, out_type=str)
        else:
            from argostranslate.apply_bpe import BPE

            with bpe_model.open(encoding="utf-8") as handle:
                tokens = BPE(handle).segment_tokens(["Test", "."])
    except Exception as exc:  # the tokenizer libraries raise anything on a bad file
        raise PackageError(
            f"{name} is refused: its tokenizer cannot be loaded ({first_line(exc, folder)})."
        ) from None
    try:
        import ctranslate2

        translator = ctranslate2.Translator(
            str(folder / "model"), device="cpu", inter_threads=1, intra_threads=1
        )
        translator.translate_batch([tokens or ["."]], beam_size=1, max_decoding_length=4)
        del translator
    except Exception as exc:  # CTranslate2 raises RuntimeError, ValueError, ...
        raise PackageError(
            f"{name} is refused: its CTranslate2 model cannot be loaded ({first_line(exc, folder)})."
        ) from None
    return model


def first_line(exc: BaseException, folder: Path | None = None) -> str:
    """A library's error in a few words, for a sentence of ours."""
    text = str(exc).strip()
    if folder is not None:  # the stage's path means nothing to the user; the member does
        text = text.replace(f"{folder}{os.sep}", "")
    lines = text.splitlines()
    return lines[0].rstrip(".") if lines else type(exc).__name__
