"""Glossary QA: does every target carry the English form of every entity its source names,
and is each entity rendered one way across the corpus?"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from workbench.glossary.enforce import near_miss
from workbench.glossary.entries import Entry, Glossary
from workbench.glossary.match import contains_english, matcher_for
from workbench.model import Article
from workbench.store import Document


@dataclass
class Mention:
    article: str
    segment: str
    entry: str
    expected: str
    source: str  # the entity as written in the source
    status: str  # ok, missing, untranslated
    rendered: str | None = None  # what the target has instead, when found


@dataclass
class EntitySummary:
    entry: Entry
    occurrences: int = 0
    forms_seen: dict[str, int] = field(default_factory=dict)
    articles: set[str] = field(default_factory=set)
    # for each English form expected (full or short), how the targets actually write it
    renderings: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def inconsistent(self) -> bool:
        return any(len(ways) > 1 for ways in self.renderings.values())


@dataclass
class GlossaryCheck:
    """What `check` found: every mention, and how each entity is rendered across the corpus."""

    mentions: list[Mention]
    entities: dict[str, EntitySummary]
    segments_checked: int = 0
    segments_translated: int = 0

    @property
    def missing(self) -> list[Mention]:
        return [m for m in self.mentions if m.status == "missing"]

    @property
    def inconsistent(self) -> list[EntitySummary]:
        """Entities whose targets render one English form in more than one way."""
        return [e for e in self.entities.values() if e.inconsistent]

    @property
    def violations(self) -> int:
        return len(self.missing) + len(self.inconsistent)


def check(articles: Iterable[Article], documents: dict[str, Document], glossary: Glossary) -> GlossaryCheck:
    report = GlossaryCheck(mentions=[], entities={})
    for article in articles:
        matcher = matcher_for(glossary, article.language)
        document = documents.get(article.id)
        records = {r.id: r for r in document.segments} if document else {}
        for segment in article.segments:
            report.segments_checked += 1
            record = records.get(segment.id)
            target = record.target if record is not None and record.status != "new" else ""
            report.segments_translated += bool(target)
            for hit in matcher.find(segment.text):
                summary = report.entities.setdefault(hit.entry.id, EntitySummary(hit.entry))
                summary.occurrences += 1
                summary.forms_seen[hit.text] = summary.forms_seen.get(hit.text, 0) + 1
                summary.articles.add(article.id)
                mention = Mention(
                    article.id, segment.id, hit.entry.id, hit.expected, hit.text, "untranslated"
                )
                if target:
                    if contains_english(target, hit.expected):
                        mention.status, mention.rendered = "ok", hit.expected
                    else:
                        mention.status = "missing"
                        span = near_miss(target, hit.expected, hit.entry.wrong)
                        mention.rendered = target[span[0] : span[1]] if span else None
                    if mention.rendered:
                        ways = summary.renderings.setdefault(hit.expected, {})
                        ways[mention.rendered] = ways.get(mention.rendered, 0) + 1
                report.mentions.append(mention)
    return report
