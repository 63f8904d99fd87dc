"""Corpus filters for `export --filter`, named and set as OpusFilter names them where it has one.

A filter is given as `NAME` or `NAME:key=value,key=value`; filters apply in the order given,
each to what the ones before it left, and `--report` says how many segments each removed.

- `LengthFilter` (OpusFilter's): source and target each between `min_length` (1) and
  `max_length` (100) units; `unit` is `word` (whitespace-separated, the default) or `char`;
  `pass_empty=true` keeps pairs where both are empty.
- `LengthRatioFilter` (OpusFilter's): the longer side divided by the shorter is below
  `threshold` (3), in `unit`s (`word` or `char`); an empty side makes the ratio infinite.
- `LanguageIDFilter` (OpusFilter's, with Lingua as the method): the language Lingua finds most
  likely for the target, among those Workbench detects, is the target language, with a
  confidence of at least `threshold` (0, as in OpusFilter; confidences sum to 1 over those
  languages); a target without letters (numbers, a date) has no language and passes.
  Lingua reads a bounded sample of each target, so time stays linear in its length.
- `remove_duplicates` (OpusFilter's step): a pair whose source and target both appeared
  earlier in the export is removed; `compare=source` removes repeated sources whatever their
  target. Sentences compare as the translation memory compares them (NFC, spaces folded).
- `MTScoreFilter` (Workbench's): a machine translation nobody reviewed (status machine) whose
  model score is below `threshold` is removed; human and unscored targets pass.
- `HumanFilter` (Workbench's): only targets a human wrote or confirmed (edited, reviewed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from workbench.export.rows import ExportError, Row
from workbench.mt.memory import unit_key

Parameters = dict[str, str | int | float | bool]
Defaults = Mapping[str, str | int | float | bool | None]


@dataclass(frozen=True)
class Spec:
    """A kind of filter: its parameters with their defaults (None: required), and its test."""

    name: str
    defaults: Defaults
    make: Callable[[Parameters, str], Callable[[Sequence[Row]], list[bool]]]


@dataclass(frozen=True)
class Filter:
    label: str  # NAME(key=value, …), every parameter shown with the value in force
    keep: Callable[[Sequence[Row]], list[bool]]

    def apply(self, rows: Sequence[Row]) -> list[Row]:
        return [r for r, kept in zip(rows, self.keep(rows), strict=True) if kept]


def _length(text: str, unit: object) -> int:
    return len(text) if unit == "char" else len(text.split())


def _lengths(settings: Parameters, _: str) -> Callable[[Sequence[Row]], list[bool]]:
    low, high, unit = settings["min_length"], settings["max_length"], settings["unit"]

    def keep(r: Row) -> bool:
        lengths = [_length(r.segment.source, unit), _length(r.segment.target, unit)]
        if settings["pass_empty"] and not any(lengths):
            return True
        return all(low <= n <= high for n in lengths)  # type: ignore[operator]

    return lambda rows: [keep(r) for r in rows]


def _ratio(settings: Parameters, _: str) -> Callable[[Sequence[Row]], list[bool]]:
    threshold, unit = float(settings["threshold"]), settings["unit"]

    def keep(r: Row) -> bool:
        lengths = sorted((_length(r.segment.source, unit), _length(r.segment.target, unit)))
        ratio = lengths[1] / lengths[0] if lengths[0] else math.inf
        return ratio < threshold

    return lambda rows: [keep(r) for r in rows]


def _language(settings: Parameters, label: str) -> Callable[[Sequence[Row]], list[bool]]:
    from workbench.langid import LANGUAGE_NAMES, WORDS, confidences

    threshold = float(settings["threshold"])

    def keep(rows: Sequence[Row]) -> list[bool]:
        unknown = sorted({r.target_language for r in rows} - set(LANGUAGE_NAMES))
        if unknown:
            raise ExportError(
                f"{label} cannot check targets in {', '.join(unknown)}; "
                f"it knows {', '.join(sorted(LANGUAGE_NAMES))}."
            )
        seen: dict[tuple[str, str], bool] = {}
        verdicts = []
        for r in rows:
            key = (r.target_language, r.segment.target)
            if key not in seen:
                text = r.segment.target
                scores = confidences(text) if WORDS.search(text) else {}
                best = max(scores, key=scores.__getitem__) if scores else None
                seen[key] = best is None or (best == r.target_language and scores[best] >= threshold)
            verdicts.append(seen[key])
        return verdicts

    return keep


def _duplicates(settings: Parameters, label: str) -> Callable[[Sequence[Row]], list[bool]]:
    compare = settings["compare"]

    def keep(rows: Sequence[Row]) -> list[bool]:
        seen: set[tuple[str, str, str, str]] = set()
        verdicts = []
        for r in rows:
            target = unit_key(r.segment.target) if compare == "pair" else ""
            key = (r.source_language, r.target_language, unit_key(r.segment.source), target)
            verdicts.append(key not in seen)
            seen.add(key)
        return verdicts

    return keep


def _score(settings: Parameters, _: str) -> Callable[[Sequence[Row]], list[bool]]:
    threshold = float(settings["threshold"])

    def keep(r: Row) -> bool:
        s = r.segment
        return s.status != "machine" or s.score is None or s.score >= threshold

    return lambda rows: [keep(r) for r in rows]


def _human(settings: Parameters, _: str) -> Callable[[Sequence[Row]], list[bool]]:
    return lambda rows: [r.segment.human for r in rows]


WORD: Defaults = {"unit": "word"}
CHOICES = {"unit": ("word", "char"), "compare": ("pair", "source")}
SPECS = {
    spec.name.lower(): spec
    for spec in (
        Spec("LengthFilter", {"min_length": 1, "max_length": 100, **WORD, "pass_empty": False}, _lengths),
        Spec("LengthRatioFilter", {"threshold": 3.0, **WORD}, _ratio),
        Spec("LanguageIDFilter", {"threshold": 0.0}, _language),
        Spec("remove_duplicates", {"compare": "pair"}, _duplicates),
        Spec("MTScoreFilter", {"threshold": None}, _score),
        Spec("HumanFilter", {}, _human),
    )
}
NAMES = tuple(spec.name for spec in SPECS.values())


def _value(default: object, text: str, name: str, key: str) -> str | int | float | bool:
    try:
        if isinstance(default, bool):
            if text.lower() not in ("true", "false"):
                raise ValueError
            return text.lower() == "true"
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float) or default is None:
            value = float(text)
            if not math.isfinite(value):
                raise ValueError
            return value
    except ValueError:
        kind = {bool: "true or false", int: "a whole number"}.get(type(default), "a number")
        raise ExportError(f"--filter {name}: {key} must be {kind}, not {text!r}.") from None
    choices = CHOICES.get(key)
    if choices and text not in choices:
        raise ExportError(f"--filter {name}: {key} is {' or '.join(choices)}, not {text!r}.")
    return text


def parse(text: str) -> Filter:
    """`NAME` or `NAME:key=value,key=value` as a filter, or one sentence saying what is wrong."""
    name, _, rest = text.strip().partition(":")
    spec = SPECS.get(name.strip().lower())
    if spec is None:
        raise ExportError(f"--filter {name.strip()!r} is not a filter; use one of {', '.join(NAMES)}.")
    settings: dict[str, object] = dict(spec.defaults)
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, equals, value = (p.strip() for p in item.partition("="))
        if key not in spec.defaults or not equals:
            known = ", ".join(spec.defaults) or "no settings"
            raise ExportError(f"--filter {spec.name}: {item!r} is not a setting of it (it takes {known}).")
        settings[key] = _value(spec.defaults[key], value, spec.name, key)
    missing = [key for key, value in settings.items() if value is None]
    if missing:
        raise ExportError(f"--filter {spec.name} needs {', '.join(f'{key}=…' for key in missing)}.")
    values: Parameters = {k: v for k, v in settings.items() if isinstance(v, str | int | float | bool)}
    shown = ", ".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in values.items())
    label = f"{spec.name}({shown})" if shown else spec.name
    return Filter(label, spec.make(values, label))
