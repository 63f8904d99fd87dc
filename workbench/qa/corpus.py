"""QA of whole documents: each segment with its paragraph, for `workbench qa`, the report
and `export --strict`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from itertools import groupby
from pathlib import Path

from workbench.glossary.entries import Glossary
from workbench.qa.check import Context, check_segment
from workbench.qa.findings import Finding
from workbench.qa.spelling import load_words, words_path
from workbench.store import Document, SegmentRecord


def project_context(glossary: Glossary | None, glossaries: Path | None = None) -> Context:
    """A Context with the glossary and the project's word list (`glossaries`/words.txt)."""
    words = load_words(words_path(glossaries)) if glossaries is not None else frozenset()
    return Context(glossary, words)


def _pair(s: SegmentRecord) -> tuple[str, str]:
    return s.source, s.target if s.status != "new" else ""


def check_in_document(
    document: Document, index: int, context: Context, target: str | None = None
) -> list[Finding]:
    """The findings of one segment of `document` with its paragraph around it; `target`: the
    text being typed instead of the stored one (judged as an edit)."""
    record = document.segments[index]
    first = last = index
    while first > 0 and document.segments[first - 1].block == record.block:
        first -= 1
    while last + 1 < len(document.segments) and document.segments[last + 1].block == record.block:
        last += 1
    return check_segment(
        context,
        record.source,
        record.target if target is None else target,
        source_language=document.source_language,
        status=record.status if target is None else "edited",
        before=[_pair(p) for p in document.segments[first:index]],
        after=[_pair(p) for p in document.segments[index + 1 : last + 1]],
        dismissed=record.dismissed,
    )


def check_document(document: Document, context: Context) -> list[Finding]:
    findings: list[Finding] = []
    for _, block in groupby(document.segments, key=lambda s: s.block):
        paragraph = list(block)
        for i, s in enumerate(paragraph):
            found = check_segment(
                context,
                s.source,
                s.target,
                source_language=document.source_language,
                status=s.status,
                before=[_pair(p) for p in paragraph[:i]],
                after=[_pair(p) for p in paragraph[i + 1 :]],
                dismissed=s.dismissed,
            )
            findings += [
                replace(f, article=document.article_id, segment=s.id, target=document.target_language)
                for f in found
            ]
    return findings


def check_documents(
    documents: Iterable[Document], glossary: Glossary | None = None, context: Context | None = None
) -> list[Finding]:
    context = context or Context(glossary)
    findings: list[Finding] = []
    for document in sorted(documents, key=lambda d: d.article_id):
        findings += check_document(document, context)
    return findings
