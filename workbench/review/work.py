"""The work behind review actions: plain functions with their own store, memory and engine
handles, safe in any thread. A worker runs one and hands its value back; only the owner's
thread takes it into the session.

The preparing and translating stages are imported by the functions that run them: the
review screen opens without loading them."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.glossary.entries import Glossary
from workbench.glossary.match import Matcher
from workbench.model import Article
from workbench.mt.memory import TranslationMemory
from workbench.project import Project
from workbench.review.changes import Restorer
from workbench.review.library import stamp_of
from workbench.store import Document, Store, StoreError

if TYPE_CHECKING:
    from workbench.prepare import Preparer
    from workbench.translate import EngineFactory, Progress, TranslateSummary


@dataclass(frozen=True)
class MachineTranslation:
    """A fresh machine translation of one segment, glossary enforced; nothing is saved."""

    text: str
    score: float | None
    model: str
    glossary: tuple[str, ...]
    device: str = ""
    compute_type: str = ""


def retranslate(
    engines: EngineFactory, matcher: Matcher, language: str | None, target: str, article_id: str, source: str
) -> MachineTranslation:
    from workbench.glossary.enforce import Inject

    if language is None:
        raise StoreError(f"the language of {article_id} is unknown; it cannot be machine-translated.")
    engine = engines(language, target)
    hits = matcher.find(source)
    enforcement = Inject()
    [[(_, translation)]] = list(engine.translate([enforcement.prepare(source, hits)]))
    repaired = enforcement.repair(translation.text, hits)
    return MachineTranslation(
        repaired.text,
        translation.score,
        engine.model_id,
        tuple(repaired.applied),
        translation.device,
        translation.compute_type,
    )


def prepared_article(
    project: Project, document: Document, preparer: Preparer | None = None
) -> tuple[Article, str]:
    """The prepared article a document was made from, and its key: from the cache, or (when
    the cache lost it) prepared again from the source, which loads the language models."""
    from workbench.pipeline import open_source, split_record
    from workbench.prepare import Preparer

    preparer = preparer or Preparer(project.prepared)
    article = preparer.cached(document.prepared) if document.prepared else None
    key = document.prepared
    if article is None:
        path, record = split_record(document.source_path)
        path = path if path.is_absolute() else project.root / path
        name = f"{path}#{record}" if record else path
        prepared = preparer.prepare(open_source(name, identity=document.article_id))
        article, key = prepared.article, prepared.key
    return replace(article, id=document.article_id, source=document.source_path), key


def restorer(project: Project, target: str, known: dict[str, tuple[Article, str]] | None = None) -> Restorer:
    """Rebuild a document from its prepared article with its restored lines and splits and
    joins as they now are. `known` holds prepared articles already read (by prepared key),
    so that the owner's thread never prepares; without one, the article is read or
    prepared here."""
    from workbench.prepare import Preparer, rebuild

    preparer = Preparer(project.prepared)

    def rebuild_with(document: Document) -> Document:
        found = known.get(document.prepared) if known is not None else None
        if found is None:
            if known is not None:
                raise WorkbenchError(f"the prepared text of {document.article_id} is not at hand; try again.")
            found = prepared_article(project, document, preparer)
        article, key = found
        return rebuild(article, document, target, key)

    return rebuild_with


@dataclass
class Translated:
    summary: TranslateSummary
    documents: dict[str, Document] = field(default_factory=dict)
    stamps: dict[str, tuple[int, int] | None] = field(default_factory=dict)  # of each file, as read


def run_translation(
    project: Project,
    target: str,
    article_ids: Sequence[str],
    engines: EngineFactory,
    glossary: Glossary | None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Translated:
    """Translate the articles' saved documents, read here, with this thread's own store and
    memory; return the documents as they are on disk afterwards."""
    from workbench.translate import translate_documents

    store = Store(project, target)
    documents = [d for i in article_ids if (d := store.read(i)) is not None]
    with TranslationMemory(project.memory) as memory:
        summary = translate_documents(
            documents, store, memory, engines=engines, progress=progress, cancel=cancel, glossary=glossary
        )
    result = Translated(summary)
    for document in documents:
        stamp = stamp_of(store.path(document.article_id))
        current = store.read(document.article_id)
        if current is not None:
            result.documents[document.article_id] = current
            result.stamps[document.article_id] = stamp
    return result


@dataclass
class PreparedSources:
    documents: list[Document] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def prepare_sources(
    project: Project, target: str, sources: Iterable[Path], progress: Progress | None = None
) -> PreparedSources:
    """Clean and segment new sources into documents with status new; one bad file is a
    problem reported, not the end of the others."""
    from workbench.pipeline import read_sources
    from workbench.prepare import Preparer, sync

    sources = list(sources)
    store = Store(project, target)
    preparer = Preparer(project.prepared)
    result = PreparedSources()
    for n, source in enumerate(sources, 1):
        try:
            result.documents.extend(sync(store, preparer, read_sources([source])))
        except WorkbenchError as exc:
            result.problems.append(str(exc))
        if progress:
            progress(n, len(sources))
    return result


def engine_factory_default() -> EngineFactory:
    """The engines `translate` would use: each model's tuned settings where it was tuned."""
    from workbench.mt.engine import EngineSettings
    from workbench.mt.tune import TunedEngines

    return TunedEngines(EngineSettings())
