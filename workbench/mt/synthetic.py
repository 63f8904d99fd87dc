"""Build real Argos packages with random weights, for tests and benchmarks.

No model can be downloaded here, yet the production path (argostranslate package loading,
SentencePiece tokenization, CTranslate2 decoding) must be exercised for real. A package
built here is a genuine `.argosmodel`: a SentencePiece model trained on the given texts,
a CTranslate2 Transformer of any shape filled with random numpy weights, and
metadata.json. Its translations are meaningless; their cost is not.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Shape:
    encoder_layers: int = 2
    decoder_layers: int = 2
    d_model: int = 64
    heads: int = 4
    ffn: int = 128
    vocabulary: int | None = None  # pad the SentencePiece vocabulary up to this size
    sentencepiece_vocabulary: int = 400


TINY = Shape()
# The shape of Argos's fr→en 1.9 package, a converted OPUS-MT model.
OPUS_MT = Shape(6, 6, 512, 8, 2048, vocabulary=59_514, sentencepiece_vocabulary=8000)


def train_sentencepiece(texts: Iterable[str], vocab_size: int) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([t for t in texts if t.strip()]),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        minloglevel=2,
    )
    return model.getvalue()


def _pieces(model: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _weight_shape(name: str, d: int, ffn: int, vocab: int) -> tuple[int, ...]:
    if name.endswith(("gamma", "beta")):
        return (d,)
    if "embeddings" in name or "projection" in name:
        return (vocab, d)
    if "self_attention/linear_0" in name:
        return (3 * d, d)
    if "attention/linear_1" in name and "self_attention" not in name:
        return (2 * d, d)
    if "ffn/linear_0" in name:
        return (ffn, d)
    if "ffn/linear_1" in name:
        return (d, ffn)
    return (d, d)


def build_model(directory: Path, vocabulary: list[str], shape: Shape, seed: int, quantization: str) -> None:
    from ctranslate2.specs import TransformerSpec
    from ctranslate2.specs.model_spec import visit_spec

    spec = TransformerSpec.from_config((shape.encoder_layers, shape.decoder_layers), shape.heads)
    rng = np.random.default_rng(seed)
    vocab = len(vocabulary)

    def fill(layer: Any, name: str, value: Any) -> None:
        if value is not None:
            return
        dims = _weight_shape(name, shape.d_model, shape.ffn, vocab)
        attribute = name.rsplit("/", 1)[-1]
        if attribute == "gamma":
            array = np.ones(dims, dtype=np.float32)
        elif attribute == "beta":
            array = np.zeros(dims, dtype=np.float32)
        else:
            array = (rng.standard_normal(dims, dtype=np.float32) / np.sqrt(dims[-1])).astype(np.float32)
        setattr(layer, attribute, array)

    visit_spec(spec, fill)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=quantization)
    directory.mkdir(parents=True, exist_ok=True)
    spec.save(str(directory))


def build_package(
    output: Path,
    texts: Iterable[str],
    *,
    from_code: str = "fr",
    to_code: str = "en",
    shape: Shape = TINY,
    seed: int = 0,
    quantization: str = "int8",
    package_version: str = "0.0.1",
) -> Path:
    """Write `output` (.argosmodel) and return it."""
    sp_model = train_sentencepiece(texts, shape.sentencepiece_vocabulary)
    vocabulary = _pieces(sp_model)
    if shape.vocabulary and shape.vocabulary > len(vocabulary):
        vocabulary += [f"<extra_{i}>" for i in range(shape.vocabulary - len(vocabulary))]
    name = f"translate-{from_code}_{to_code}-synthetic"
    metadata = {
        "package_version": package_version,
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": from_code,
        "to_code": to_code,
        "to_name": to_code,
        "type": "translate",
        "links": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / name
        root.mkdir()
        build_model(root / "model", vocabulary, shape, seed, quantization)
        (root / "sentencepiece.model").write_bytes(sp_model)
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (root / "README.md").write_text("Random weights: for tests and benchmarks only.\n", encoding="utf-8")
        output.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                archive.write(path, path.relative_to(tmp).as_posix())
    return output
