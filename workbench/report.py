"""Report: what was reviewed, what was edited and how much, per article and for the corpus.

Post-edit effort compares each human-touched segment's machine translation with its final
target: TER (sacrebleu; the share of edits a reviewer made, HTER) and chrF (similarity).
Glossary coverage is the share of entity mentions in translated segments whose English
form the target carries.

TER's shift search grows much faster than the text (a 45,000-character target took 52 s and
927 MB), so it scores pairs of up to TER_MAX_WORDS words a side, the length of any real
sentence; longer pairs are counted in `ter_skipped` and said so in the report. chrF is
linear in the text and scores every pair.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from workbench.analysis import Analysis, HumanUnits, analyse
from workbench.glossary.entries import Glossary
from workbench.glossary.match import contains_english, matcher_for
from workbench.qa import Context, Finding, check_documents
from workbench.quality import Quality, assess
from workbench.store import STATUSES, Document

TER_MAX_WORDS = 100


@dataclass
class Effort:
    segments: int = 0  # human-touched segments that had a machine translation
    changed: int = 0  # of which the target differs from the MT
    ter: float | None = None
    chrf: float | None = None
    ter_skipped: int = 0  # pairs longer than TER_MAX_WORDS, left out of TER (not of chrF)


@dataclass
class Report:
    name: str
    language: str | None = None
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    effort: Effort = field(default_factory=Effort)
    mentions: int = 0
    mentions_ok: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    analysis: Analysis = field(default_factory=Analysis)  # words, repetitions, memory matches
    quality: Quality = field(default_factory=Quality)  # the reviewer's pass (MQM)

    @property
    def segments(self) -> int:
        return sum(self.statuses.values())

    @property
    def coverage(self) -> float | None:
        return self.mentions_ok / self.mentions if self.mentions else None


class _Metrics:
    """TER and chrF statistics computed once per segment, summed per article and for the
    corpus: the same scores as sacrebleu's corpus_score, at half the cost.

    `_extract_corpus_statistics` and `_compute_score_from_stats` are private in name only:
    they are the contract of sacrebleu's base Metric class since 2.0.0 ("a new metric
    implemented this way will automatically support significance testing", CHANGELOG
    2.0.0, mjpost/sacrebleu#152), and sacrebleu's own significance tests resample
    statistics through them. The public corpus_score would extract every segment twice,
    once per article and once for the corpus. test_report_effort_equals_sacrebleus_corpus_scores
    (tests/test_export.py) checks that the sums give corpus_score's figures."""

    def __init__(self) -> None:
        from sacrebleu.metrics.chrf import CHRF
        from sacrebleu.metrics.ter import TER

        self.metrics = {"ter": TER(), "chrf": CHRF()}

    def statistics(self, pairs: list[tuple[str, str]]) -> dict[str, list[list[float]]]:
        short = [p for p in pairs if max(len(p[0].split()), len(p[1].split())) <= TER_MAX_WORDS]
        chosen = {"ter": short, "chrf": pairs}
        return {
            name: metric._extract_corpus_statistics(
                [mt for mt, _ in chosen[name]], [[target for _, target in chosen[name]]]
            )
            if chosen[name]
            else []
            for name, metric in self.metrics.items()
        }

    def effort(self, pairs: list[tuple[str, str]], statistics: dict[str, list[list[float]]]) -> Effort:
        effort = Effort(segments=len(pairs), changed=sum(mt != target for mt, target in pairs))
        effort.ter_skipped = len(pairs) - len(statistics["ter"])
        scores = {
            name: metric._compute_score_from_stats(
                [sum(column) for column in zip(*statistics[name], strict=True)]
            )
            for name, metric in self.metrics.items()
            if statistics[name]
        }
        if "ter" in scores:
            effort.ter = round(scores["ter"].score, 2)
        if "chrf" in scores:
            effort.chrf = round(scores["chrf"].score, 2)
        return effort


def summarise(
    documents: Iterable[Document],
    glossary: Glossary | None = None,
    human_units: HumanUnits | None = None,
    context: Context | None = None,
) -> tuple[list[Report], Report]:
    """`human_units` reads the memory's human units of a language pair, for the match bands
    (without it every first occurrence is "no match"); `context`: the QA context (the
    project's words), by default one from `glossary`."""
    documents = sorted(documents, key=lambda d: d.article_id)
    analyses = analyse(documents, human_units)
    findings: list[Finding] = check_documents(documents, glossary, context)
    by_article: dict[str, Counter[str]] = {}
    for f in findings:
        if f.check != "untranslated":
            by_article.setdefault(f.article, Counter())[f.check] += 1
    articles = []
    corpus = Report("corpus")
    metrics = _Metrics()
    all_pairs: list[tuple[str, str]] = []
    all_statistics: dict[str, list[list[float]]] = {name: [] for name in metrics.metrics}
    for d in documents:
        summary = Report(d.article_id, d.source_language)
        pairs = []
        matcher = None
        if glossary is not None and len(glossary):
            matcher = matcher_for(glossary, d.source_language)
        for s in d.segments:
            summary.statuses[s.status] += 1
            if s.human and s.mt:
                pairs.append((s.mt, s.target))
            if matcher is not None and s.status != "new" and s.target:
                for hit in matcher.find(s.source):
                    summary.mentions += 1
                    summary.mentions_ok += contains_english(s.target, hit.expected)
        statistics = metrics.statistics(pairs)
        summary.effort = metrics.effort(pairs, statistics)
        for name, rows in statistics.items():
            all_statistics[name] += rows
        summary.findings = by_article.get(d.article_id, Counter())
        summary.analysis = analyses[(d.article_id, d.target_language)]
        corpus.analysis += summary.analysis
        summary.quality = assess(d.segments)
        corpus.quality.add(summary.quality)
        all_pairs += pairs
        articles.append(summary)
        for status, n in summary.statuses.items():
            corpus.statuses[status] += n
        corpus.mentions += summary.mentions
        corpus.mentions_ok += summary.mentions_ok
        corpus.findings += summary.findings
    corpus.effort = metrics.effort(all_pairs, all_statistics)
    return articles, corpus


def as_json(summary: Report) -> dict[str, object]:
    return {
        "name": summary.name,
        "language": summary.language,
        "segments": summary.segments,
        "statuses": summary.statuses,
        "post_edit": {
            "segments": summary.effort.segments,
            "changed": summary.effort.changed,
            "ter": summary.effort.ter,
            "chrf": summary.effort.chrf,
            "ter_skipped": summary.effort.ter_skipped,
        },
        "glossary": {
            "mentions": summary.mentions,
            "carried": summary.mentions_ok,
            "coverage": None if summary.coverage is None else round(summary.coverage, 4),
        },
        "qa": dict(sorted(summary.findings.items())),
        "analysis": summary.analysis.to_json(),
        "quality": summary.quality.as_json(),
    }
