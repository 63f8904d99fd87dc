"""The review session: `ReviewSession` is what the screen, scripts and tests hold. Its
ground (journal, views, folding, undo) is in `base`, its actions in `actions`; here is
what assists the translator: the translation memory, the glossary, batch work, and
finding segments across the corpus (filters, search, concordance, find and replace),
with the place the translator stopped."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.fileio import WriteError, atomic_write
from workbench.glossary.entries import Entry, entry_from_table, load_folder
from workbench.glossary.match import Matcher
from workbench.mt.memory import HUMAN, Match, TranslationMemory, unit_key
from workbench.qa import Context, Finding, add_word, check_in_document
from workbench.review import corpus
from workbench.review.base import Applied, Changed, Notice, ReviewError, SessionEvent, default_user, typed
from workbench.review.checks import Checks, GlossaryView, ViewKey, checks_context, view_of
from workbench.review.library import stamp_of
from workbench.review.revision import Revision
from workbench.review.work import PreparedSources, Translated, prepare_sources, run_translation
from workbench.store import Document, SegmentRecord, Store, StoreError, file_name

if TYPE_CHECKING:
    from workbench.translate import Progress

__all__ = [
    "Applied",
    "Changed",
    "GlossaryView",
    "Notice",
    "ReviewError",
    "ReviewSession",
    "SessionEvent",
    "default_user",
    "typed",
]

FUZZY_CUTOFF = 70.0
VIEWS_KEPT = 200_000  # glossary views held (a 30,000-segment corpus holds a view per segment and edit)


@dataclass
class Loaded:
    """The articles a worker read behind the first screen, with their glossary views."""

    documents: list[tuple[Document, tuple[int, int] | None, corpus.Entries]] = field(default_factory=list)
    glossary: object = None  # the one the views were matched with
    views: dict[ViewKey, GlossaryView] = field(default_factory=dict)


class ReviewSession(Revision):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._found: dict[tuple[object, ...], list[Finding]] = {}  # see findings()

    # -- the memory and the glossary -------------------------------------------------------------

    @property
    def memory(self) -> TranslationMemory:
        """A reader on this thread (SQLite connections must not cross threads)."""
        if self._memory is None or self._memory_thread != threading.get_ident():
            self._memory = TranslationMemory(self.project.memory, timeout=0.5)
            self._memory_thread = threading.get_ident()
        return self._memory

    def matches(self, article: str, record: SegmentRecord, limit: int = 5) -> list[Match]:
        """Human translations of similar sentences, best first, including those confirmed a
        moment ago that the memory has not been given yet."""
        from rapidfuzz import fuzz

        language = self.document(article).source_language or ""
        found = self.memory.fuzzy(language, self.target, record.source, limit=limit, human_only=True)
        key = unit_key(record.source)
        fresh = {
            unit_key(op.source): Match(
                op.source, op.target, HUMAN, None, round(fuzz.ratio(key, unit_key(op.source)), 1)
            )
            for changes in self.pending.values()
            for change in changes
            for op in change.memory
            if op.action == "add" and op.source_language == language
        }
        kept = {unit_key(m.source): m for m in found}
        kept.update({k: m for k, m in fresh.items() if m.similarity >= FUZZY_CUTOFF})
        return sorted(kept.values(), key=lambda m: -m.similarity)[:limit]

    def glossary_view(self, article: str, record: SegmentRecord) -> GlossaryView:
        """The segment's entities and those its target lacks; matched once per text (the
        table's flag and the detail pane both ask, on every row drawn)."""
        language = self.document(article).source_language
        glossary, views = self._views
        if glossary is not self.glossary or len(views) > VIEWS_KEPT:
            views = {}
            self._views = (self.glossary, views)
        key = (language, record.source, record.target)
        view = views.get(key)
        if view is None:
            view = views[key] = view_of(self.matcher(language), record.source, record.target)
        return view

    _views: tuple[object, dict[ViewKey, GlossaryView]] = (None, {})

    def add_glossary_entry(
        self, form: str, english: str, kind: str, note: str, language: str
    ) -> tuple[Entry, Path]:
        """A new entry from the review screen's form, written to glossaries/added.toml."""
        table: dict[str, object] = {
            "en": typed(english),
            "type": kind,
            language: [typed(form)],
            "note": typed(note),
        }
        try:
            entry = entry_from_table(table, "review")
        except ValueError as exc:
            raise ReviewError(str(exc)) from None
        from workbench.glossary.edit import add_entry  # the writer (tomlkit) only when one is added

        path = add_entry(self.project.glossaries, entry, locks=self.project.locks)
        self.glossary = load_folder(self.project.glossaries)
        self._qa_again()  # the checks know its English form now
        return entry, path

    # -- QA ----------------------------------------------------------------------------------------

    _qa: Context | None = None

    def qa_context(self) -> Context:
        """The checks' context (glossary, dictionary, the project's words), built once."""
        return self._qa if self._qa is not None else self._qa_again()

    qa_problem: str | None = None  # why the checks go without the project's words, if they do

    def _qa_again(self) -> Context:
        """The checks made again with the glossary and the words as they are now: at once,
        since the dictionary, loaded once, is at hand (a worker's checks with the glossary
        before are not taken)."""
        self._qa, self.qa_problem = checks_context(self.glossary, self.project.glossaries)
        self._found = {}
        return self._qa

    @property
    def qa_ready(self) -> bool:
        return self._qa is not None

    def qa_building(self) -> Callable[[], Checks]:
        """The work of loading the checks, to run in a worker after the first screen: the QA
        context (the dictionary takes a quarter of a second) and the glossary's matchers for
        the corpus's languages (the Russian morphology another fifth). It reads no session
        state but the glossary and the languages, and changes none (take_qa does)."""
        glossary, folder = self.glossary, self.project.glossaries
        languages = {info.language for info in self.library.summaries.values()}

        def build() -> Checks:
            context, problem = checks_context(glossary, folder)
            matchers = {language: Matcher(glossary, language) for language in languages} if glossary else {}
            return Checks(context, matchers, problem)

        return build

    def take_qa(self, checks: Checks) -> None:
        """The checks a worker loaded, unless the glossary changed meanwhile (then they are
        built again when asked for)."""
        if checks.context.glossary is not self.glossary:
            return
        if self.glossary is not None:
            for language, matcher in checks.matchers.items():
                self.glossary.matchers.setdefault(language, matcher)
        if self._qa is None:
            self._qa, self.qa_problem = checks.context, checks.problem

    def findings(self, article: str, segment_id: str, target: str | None = None) -> list[Finding]:
        """The QA findings of a segment as stored, or of `target` being typed for it;
        remembered while the segment, its paragraph and the text stay the same."""
        document = self.document(article)
        index = self.position(article, segment_id)
        record = document.segments[index]
        text = record.target if target is None else typed(target)
        key = (article, segment_id, text, target is None, id(document), record.dismissed.__len__())
        found = self._found.get(key)
        if found is None:
            found = check_in_document(document, index, self.qa_context(), None if target is None else text)
            if len(self._found) > 100_000:
                self._found.clear()
            self._found[key] = found
        return found

    def finding_checks(self, article: str, index: int) -> set[str]:
        """The checks with an open finding on a segment (the filter's question)."""
        with contextlib.suppress(StoreError, KeyError, IndexError):
            return {f.check for f in self.findings(article, self.document(article).segments[index].id)}
        return set()

    def add_word(self, word: str) -> bool:
        """A word the spelling check is to know from now on (glossaries/words.txt); False
        when the list had it."""
        added = add_word(self.project, word)  # a word that is not one is an InputError
        self._qa_again()
        return added

    # -- batch work --------------------------------------------------------------------------------

    def unprepared_sources(self) -> list[Path]:
        """Article files in seeds/ that have no translation file yet."""
        from workbench.pipeline import ARTICLE_SUFFIXES, expand_sources  # when there is a seeds/
        from workbench.prepare import source_label

        seeds = self.project.seeds
        try:
            if not seeds.is_dir() or not any(p.suffix.lower() in ARTICLE_SUFFIXES for p in seeds.iterdir()):
                return []
        except OSError:
            return []
        known = {info.source_path for info in self.library.summaries.values()}
        known_ids = set(self.library)
        # a source whose translations file is unreadable is not new: preparing it would only
        # report the same problem again (and must never overwrite that file)
        unreadable = self.library.unreadable
        return [
            Path(p)
            for p in expand_sources([seeds])
            if source_label(p, self.project.root) not in known
            and Path(p).stem not in known_ids
            and file_name(Path(p).stem, self.target) not in unreadable
        ]

    def translation(
        self,
        articles: Iterable[str] | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> Callable[[], Translated]:
        """The work of translating articles, to run in a worker: it never touches human work."""
        ids = list(articles) if articles is not None else sorted(self.library)
        project, target, engines, glossary = self.project, self.target, self.engines, self.glossary
        return lambda: run_translation(project, target, ids, engines, glossary, progress, cancel)

    def take_translated(self, translated: Translated) -> None:
        for document in translated.documents.values():
            self.take_document(document, translated.stamps.get(document.article_id))

    def preparation(
        self, sources: list[Path], progress: Progress | None = None
    ) -> Callable[[], PreparedSources]:
        project, target = self.project, self.target
        return lambda: prepare_sources(project, target, sources, progress)

    def take_prepared(self, prepared: PreparedSources) -> None:
        for document in prepared.documents:
            self.take_document(document)

    # -- the whole corpus ---------------------------------------------------------------------------

    def loading(self) -> Callable[[], Loaded]:
        """The work of reading every article not read yet (for repetitions, filters and
        search across the corpus), and of matching the glossary in each segment (every
        article the translator opens then draws its marks without matching), to run in a
        worker after the first screen."""
        store = Store(self.project, self.target)
        paths = {a: self.library.paths[a] for a in self.library if a not in self.library.loaded}
        glossary = self.glossary
        languages = {info.language for info in self.library.summaries.values()}
        matchers = {language: self.matcher(language) for language in languages}  # built already: take_qa

        # the articles read already (all of them when the summaries cache was rebuilt): their
        # texts, taken here, on the owner's thread
        held = [(d.source_language, [(s.source, s.target) for s in d.segments]) for d in self.library.loaded.values()]

        def match(views: dict[ViewKey, GlossaryView], language: str | None, texts: Iterable[tuple[str, str]]) -> None:
            matcher = matchers.get(language)
            if matcher is None:
                return
            for source, target in texts:
                key = (language, source, target)
                if key not in views and len(views) < VIEWS_KEPT:
                    views[key] = view_of(matcher, source, target)

        def read() -> Loaded:
            loaded = Loaded(glossary=glossary)
            for language, texts in held:
                match(loaded.views, language, texts)
            for path in paths.values():
                if self.closed:
                    break  # the session ended (the app quit): nobody will take these in
                time.sleep(0.0005)  # the GIL back to the screen between files: keys stay quick
                stamp = stamp_of(path)
                with contextlib.suppress(StoreError):
                    document = store.read_path(path)
                    if document is None:
                        continue
                    loaded.documents.append((document, stamp, corpus.entries_of(document)))
                    match(loaded.views, document.source_language, ((s.source, s.target) for s in document.segments))
            return loaded

        return read

    def take_loaded(self, loaded: Loaded) -> None:
        if loaded.glossary is self.glossary:  # else matched with a glossary since changed
            if self._views[0] is not self.glossary:
                self._views = (self.glossary, {})
            self._views[1].update(loaded.views)
        for document, stamp, entries in loaded.documents:
            if document.article_id not in self.library.loaded:
                self.library.take(document, stamp)
                self.repetitions.take(document.article_id, entries)
        for article in self.library:
            if article not in self.repetitions:
                self._index(article)

    def _index(self, article: str) -> None:
        with contextlib.suppress(StoreError, KeyError):
            self.repetitions.update(self.document(article))

    def _documents(self) -> Callable[[str], Document]:
        """Each article's view; an article that cannot be read now is empty, not an error."""

        def view(article: str) -> Document:
            try:
                return self.document(article)
            except (StoreError, KeyError):
                return Document(article, "", None, self.target, "", None, [])

        return view

    def repeated(self, article: str, record: SegmentRecord) -> bool:
        if article not in self.repetitions:
            self._index(article)
        return self.repetitions.count(self._language(article), record.source) > 1

    # -- finding -------------------------------------------------------------------------------------

    def filter(
        self, spec: corpus.Filter, findings: Callable[[str, int], set[str]] | None = None
    ) -> corpus.Filtered:
        return corpus.select(
            self._documents(),
            sorted(self.library),
            spec,
            missing_terms=lambda article, record: bool(self.glossary_view(article, record).missing),
            repeated=self.repeated,
            findings=findings or self.finding_checks,
        )

    def search(self, query: str) -> list[tuple[str, int]]:
        """Segments whose source or target contains `query` (case-insensitive), in order."""
        return self.filter(corpus.Filter(text=query)).hits if query.strip() else []

    def next_unreviewed(self, article: str, after: int) -> tuple[str, int] | None:
        return corpus.next_unreviewed(self._documents(), sorted(self.library), article, after)

    def concordance(
        self, text: str, limit: int = 200, sides: Sequence[str] = corpus.SIDES
    ) -> list[corpus.Concordance]:
        """How a word or phrase was rendered: the memory's units, then the corpus, in the
        sources, the targets or both (`sides`)."""
        languages = {info.language for info in self.articles() if info.language}
        units: list[tuple[str, str, str]] = []
        with contextlib.suppress(Exception):  # a memory that cannot be read costs its hits only
            for language in sorted(languages):
                units += self.memory.units(language, self.target)
        return corpus.concordance(
            self._documents(), sorted(self.library), text, units, limit=limit, sides=sides
        )

    def replacements(
        self,
        pattern: str,
        replacement: str,
        *,
        is_regex: bool = False,
        whole_word: bool = False,
        case: bool = False,
    ) -> list[corpus.Replacement]:
        """Every target the replacement would change, for a preview; nothing is changed."""
        try:
            compiled = corpus.finder(pattern, is_regex=is_regex, whole_word=whole_word, case=case)
            return corpus.replacements(
                self._documents(), sorted(self.library), compiled, replacement, is_regex=is_regex
            )
        except corpus.PatternError as exc:
            raise ReviewError(str(exc)) from None

    # -- where the translator stopped ---------------------------------------------------------------

    @property
    def _places(self) -> Path:
        return self.project.state / "places.json"

    def remember(self, article: str, segment_id: str) -> None:
        """Where this user is, so that the next session opens there (a convenience: an
        unwritable state folder costs it, nothing else)."""
        places = self._read_places()
        places[f"{self.user}\x1f{self.target}"] = [article, segment_id]
        with contextlib.suppress(WriteError):
            atomic_write(self._places, json.dumps(places, ensure_ascii=False).encode("utf-8"))

    def last_place(self) -> tuple[str, int] | None:
        place = self._read_places().get(f"{self.user}\x1f{self.target}")
        if not (isinstance(place, list) and len(place) == 2 and all(isinstance(p, str) for p in place)):
            return None
        article, segment = place
        if article not in self.library:
            return None
        try:
            return article, self.position(article, segment)
        except (StoreError, KeyError):
            return None

    def _read_places(self) -> dict[str, object]:
        try:
            places = json.loads(self._places.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return places if isinstance(places, dict) else {}
