"""Translation quality from the reviewer's pass: MQM error counts and score, per article or corpus.

The categories are the seven top-level dimensions of the MQM 2.0 typology (MQM Council,
https://themqm.org/the-mqm-typology/): terminology, accuracy, linguistic conventions (MQM
1.0's "fluency", accepted as a name for it), style, locale conventions, audience
appropriateness, design and markup. Severities and their penalty multipliers are those of
the MQM Council's scoring models ("MQM Scoring Models", themqm.org, with MQM 2.0): minor 1,
major 5, critical 25 (neutral, 0, is not recorded).

The score is MQM's linear one without calibration:

    APT  (absolute penalty total) = Σ errors × their severity multiplier
    EWC  (evaluation word count)  = words of the source of the segments evaluated
    PWPT (per-word penalty total) = APT / EWC
    penalty per 1,000 words       = PWPT × 1000      (MQM's normed penalty, reference 1,000)
    quality score                 = (1 − PWPT) × 100 (100: no error; can go below 0)

A segment is evaluated when the reviewer passed it (approved or rejected) or marked an error
in it. An error counts while the target it was found in is the segment's target: a target
changed since has had it corrected, or must be judged again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from workbench.errors import WorkbenchError
from workbench.provenance import provenance
from workbench.store import SegmentRecord

CATEGORIES = (
    "terminology",
    "accuracy",
    "linguistic-conventions",
    "style",
    "locale-conventions",
    "audience-appropriateness",
    "design-and-markup",
)
ALIASES = {
    "fluency": "linguistic-conventions",
    "linguistic": "linguistic-conventions",
    "locale": "locale-conventions",
    "locale-convention": "locale-conventions",
    "audience": "audience-appropriateness",
    "design": "design-and-markup",
    "markup": "design-and-markup",
}
SEVERITIES = {"minor": 1, "major": 5, "critical": 25}
REFERENCE_WORDS = 1000
WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*")
EVALUATED = frozenset({"approved", "rejected"})


class QualityError(WorkbenchError):
    pass


def category_of(name: str) -> str:
    """The MQM dimension a name stands for (`Locale convention`, `fluency`…), or one sentence."""
    key: str = regex.sub(r"[\s_]+", "-", name.strip().lower())
    key = ALIASES.get(key, key)
    if key not in CATEGORIES:
        raise QualityError(f"unknown MQM category {name!r}; use one of {', '.join(CATEGORIES)}.")
    return key


def severity_of(name: str) -> str:
    key = name.strip().lower()
    if key not in SEVERITIES:
        raise QualityError(f"unknown severity {name!r}; use minor, major or critical.")
    return key


def words(text: str) -> int:
    return len(WORD.findall(text))


@dataclass
class Quality:
    evaluated: int = 0  # segments
    words: int = 0  # EWC
    approved: int = 0
    rejected: int = 0
    self_approved: int = 0  # approved by the person who translated them
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {c: dict.fromkeys(SEVERITIES, 0) for c in CATEGORIES}
    )

    @property
    def errors(self) -> int:
        return sum(n for by_severity in self.counts.values() for n in by_severity.values())

    @property
    def penalty(self) -> int:
        return sum(SEVERITIES[s] * n for by_severity in self.counts.values() for s, n in by_severity.items())

    @property
    def per_thousand(self) -> float | None:
        return round(self.penalty / self.words * REFERENCE_WORDS, 2) if self.words else None

    @property
    def score(self) -> float | None:
        return round((1 - self.penalty / self.words) * 100, 2) if self.words else None

    def add(self, other: Quality) -> None:
        self.evaluated += other.evaluated
        self.words += other.words
        self.approved += other.approved
        self.rejected += other.rejected
        self.self_approved += other.self_approved
        for category, by_severity in other.counts.items():
            for severity, n in by_severity.items():
                self.counts[category][severity] += n

    def as_json(self) -> dict[str, object]:
        return {
            "evaluated_segments": self.evaluated,
            "evaluated_words": self.words,
            "approved": self.approved,
            "rejected": self.rejected,
            "self_approved": self.self_approved,
            "errors": self.errors,
            "counts": self.counts,
            "penalty": self.penalty,
            "penalty_per_1000_words": self.per_thousand,
            "score": self.score,
            "formula": "MQM linear scoring: penalty = Σ errors × (minor 1, major 5, critical 25); "
            "per 1,000 words = penalty / source words × 1000; score = (1 − penalty / words) × 100",
        }


def assess(segments: Iterable[SegmentRecord]) -> Quality:
    quality = Quality()
    for s in segments:
        standing = [m for m in s.errors if m.target == s.target]
        if s.status not in EVALUATED and not standing:
            continue
        quality.evaluated += 1
        quality.words += words(s.source)
        if s.status == "approved":
            quality.approved += 1
            made = provenance(s)
            quality.self_approved += bool(made.translator) and made.translator == made.reviewer
        elif s.status == "rejected":
            quality.rejected += 1
        for mark in standing:
            if mark.category in quality.counts and mark.severity in SEVERITIES:
                quality.counts[mark.category][mark.severity] += 1
    return quality
