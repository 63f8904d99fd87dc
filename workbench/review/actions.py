"""What a translator does, as review-session actions: each builds its changes and hands
them to `_make` (journaled, shown, folded behind); `apply_*` take in what a worker computed."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from workbench import resegment
from workbench.model import Article
from workbench.mt.memory import HUMAN
from workbench.resegment import Resegment, join_op, split_op
from workbench.review.base import Applied, ReviewError, SessionBase, typed
from workbench.review.changes import Change, Conflict, Edit, Kind, MemoryOp, Settle, make, new_id
from workbench.review.corpus import Replacement
from workbench.review.settings import review_settings
from workbench.review.work import MachineTranslation, prepared_article, retranslate
from workbench.store import Dismissal, SegmentRecord, StoreError, now


class Actions(SessionBase):
    def _edit(self, article: str, base: SegmentRecord, target: str, status: str, **machine: object) -> Edit:
        return Edit(
            segment=base.id,
            base_target=base.target,
            base_status=base.status,
            target=target,
            status=status,  # type: ignore[arg-type]
            source=base.source,
            **machine,  # type: ignore[arg-type]
        )

    def _lesson(self, article: str, record: SegmentRecord, target: str) -> tuple[MemoryOp, ...]:
        if not target.strip():
            return ()
        language = self.document(article).source_language or ""
        return (MemoryOp("add", language, record.source, target, note=f"{article}/{record.id}"),)

    def _change(self, article: str, kind: Kind, **fields: object) -> Change:
        return make(article, kind, self.user, **fields)

    def edit(
        self,
        article: str,
        segment_id: str,
        text: str,
        *,
        base: SegmentRecord | None = None,
        settles: Iterable[str] = (),
    ) -> Applied:
        """Keep `text` as the segment's target, edited (a text equal to the target keeps its status).
        `base` is the segment as the translator saw it when they began (an editor open
        across a reload); `settles` names conflicts on it this text decides."""
        base = base or self.segment(article, segment_id)
        text = typed(text)
        status = "edited" if text != base.target else base.status
        settle = tuple(Settle(segment_id, c) for c in settles)
        if text == base.target and not settle:
            self.discard_draft(article, segment_id)
            return Applied()
        edit = self._edit(article, base, text, status)
        return self._make([self._change(article, "edit", edits=(edit,), settle=settle)])

    def confirm(
        self,
        article: str,
        segment_id: str,
        text: str | None = None,
        *,
        base: SegmentRecord | None = None,
        settles: Iterable[str] = (),
        kind: Kind = "confirm",
    ) -> Applied:
        """Mark the segment reviewed, with `text` as its target if given; the memory learns it."""
        base = base or self.segment(article, segment_id)
        text = base.target if text is None else typed(text)
        if not text:
            raise ReviewError("Nothing to confirm: the target is empty. Edit it, or accept the MT with a.")
        edit = self._edit(article, base, text, "reviewed")
        settle = tuple(Settle(segment_id, c) for c in settles)
        change = self._change(
            article, kind, edits=(edit,), settle=settle, memory=self._lesson(article, base, text)
        )
        return self._make([change, *self._propagation(article, base, text, change.id)])

    def _propagation(self, article: str, base: SegmentRecord, text: str, group: str) -> list[Change]:
        """A confirmed translation fills every identical source segment of the corpus that
        has no human translation, as `propagated` machine output (reviewed later, never taken
        as reviewed), never over human work; undone with the confirm, as one step."""
        if not review_settings(self.project).propagate:
            return []
        language = self._language(article)
        by_article: dict[str, list[Edit]] = {}
        for other, segment in sorted(self.repetitions.same(language, base.source)):
            if (other, segment) == (article, base.id):
                continue
            try:
                record = self.segment(other, segment)
            except (ReviewError, StoreError, KeyError):
                continue
            if record.human or record.target == text or record.conflicts:
                continue
            edit = self._edit(other, record, text, "machine", origin="propagated", model=HUMAN, score=None)
            by_article.setdefault(other, []).append(edit)
        return [
            self._change(other, "propagate", edits=tuple(edits), group=group)
            for other, edits in by_article.items()
        ]

    def accept(self, article: str, segment_id: str) -> Applied:
        base = self.segment(article, segment_id)
        if not base.mt:
            raise ReviewError("There is no machine translation yet: translate the article with Ctrl+T.")
        return self.confirm(article, segment_id, base.mt, base=base, kind="accept")

    def keep_mine(self, conflict: Conflict) -> Applied:
        """After a conflict, the translator's text goes over the other version, knowingly."""
        current = self.segment(conflict.article, conflict.segment)
        mine = conflict.mine
        edit = self._edit(conflict.article, current, mine.target, mine.status)
        memory = self._lesson(conflict.article, current, mine.target) if mine.status == "reviewed" else ()
        change = self._change(
            conflict.article,
            "keep-mine",
            edits=(edit,),
            settle=(Settle(conflict.segment, conflict.change.id),),
            memory=memory,
        )
        return self._make([change])

    def take_theirs(self, conflict: Conflict) -> Applied:
        """The other version stays; the translator's goes into the segment's history."""
        change = self._change(
            conflict.article, "take-theirs", settle=(Settle(conflict.segment, conflict.change.id),)
        )
        return self._make([change], undoable=False)

    def conflicts(self, article: str, segment_id: str) -> list[Conflict]:
        """The conflicts kept on a segment, as choices (from this session or an earlier one)."""
        record = self.segment(article, segment_id)
        return [
            Conflict(
                article,
                segment_id,
                version,
                record,
                Change(version.change, article, "edit", version.author, version.time),
            )
            for version in record.conflicts
        ]

    def retranslation(self, article: str, segment_id: str) -> Callable[[], MachineTranslation]:
        """The work of re-translating a segment, to run in a worker; it reads no session state."""
        document = self.document(article)
        source = self.segment(article, segment_id).source
        language = document.source_language
        matcher, engines, target = self.matcher(language), self.engines, self.target
        return lambda: retranslate(engines, matcher, language, target, article, source)

    def apply_retranslation(
        self,
        article: str,
        base: SegmentRecord,
        result: MachineTranslation,
        *,
        overwrite_human: bool = False,
        undoable: bool = True,
    ) -> Applied:
        """Put a fresh machine translation in; over human work only when the translator
        said so (`overwrite_human`), and then their text stays in the segment's history."""
        current = self.segment(article, base.id)
        if current.human and not overwrite_human:
            raise ReviewError(
                f"segment {self.position(article, base.id) + 1} holds human work ({current.status});"
                " re-translating it needs your consent."
            )
        edit = self._edit(
            article,
            base,
            result.text,
            "machine",
            mt=result.text,
            score=result.score,
            model=result.model,
            origin="engine",
            glossary=result.glossary,
            device=result.device,
            compute_type=result.compute_type,
        )
        return self._make([self._change(article, "retranslate", edits=(edit,))], undoable=undoable)

    def restoration(self, article: str) -> Callable[[], tuple[Article, str]]:
        """The work of reading (or, if the cache lost it, preparing) the article's prepared
        text, which restoring a line needs; to run in a worker."""
        document, project = self.document(article), self.project
        return lambda: prepared_article(project, document)

    def restore(self, article: str, line: int, prepared: tuple[Article, str] | None = None) -> Applied:
        """Put a removed line back into the article; it becomes a segment to translate."""
        document = self.document(article)
        if line in document.restored:
            return Applied()
        if not any(r.line == line and r.text for r in document.removed):
            raise ReviewError(f"line {line} of {article} was not removed from the article.")
        self._know(document, prepared)
        return self._make([self._change(article, "restore", restore=(line,))])

    # -- the translator's segmentation ------------------------------------------------------------

    def split(
        self, article: str, segment_id: str, at: int, prepared: tuple[Article, str] | None = None
    ) -> Applied:
        """Split a segment's source at `at` (a character offset): two segments to translate;
        the others keep their ids and work."""
        record = self.segment(article, segment_id)
        change_id = new_id()
        try:
            op = split_op(segment_id, record.source, at, change_id)
        except ValueError as exc:
            raise ReviewError(f"Cannot split there: {exc}") from None
        self._know(self.document(article), prepared)
        # the translator's text stays, on the first part, to be fixed up (a machine one is redone)
        carried = (self._carried(op.result[0], record.source[:at].rstrip(), [record]),) if record.human else ()
        change = make(article, "split", self.user, resegment=(op,), edits=carried, id=change_id)
        return self._reshape(article, change, op)

    def join(self, article: str, segment_id: str, prepared: tuple[Article, str] | None = None) -> Applied:
        """Join a segment with the next one of its paragraph."""
        document = self.document(article)
        n = self.position(article, segment_id)
        segments = document.segments
        if (
            n + 1 >= len(segments)
            or segments[n + 1].block != segments[n].block
            or segments[n].id != segment_id
        ):
            raise ReviewError("Only a segment and the next one in the same paragraph can be joined.")
        self._know(document, prepared)
        article_text, _ = self.known[document.prepared]
        from workbench.pipeline import restore_lines  # the preparing stages: not for the first screen

        shaped = resegment.apply(restore_lines(article_text, document.restored), document.resegmented)
        joined = resegment.joined_source(shaped, segment_id, segments[n + 1].id)
        if joined is None:
            raise ReviewError(
                "These two segments cannot be joined: the prepared text has changed; try again."
            )
        change_id = new_id()
        op = join_op(segment_id, segments[n + 1].id, joined, change_id)
        pair = [segments[n], segments[n + 1]]
        # a person's text in either stays, the two targets joined, to be fixed up
        carried = (self._carried(op.result[0], joined, pair),) if any(r.human for r in pair) else ()
        change = make(article, "join", self.user, resegment=(op,), edits=carried, id=change_id)
        return self._reshape(article, change, op)

    @staticmethod
    def _carried(segment: str, source: str, old: list[SegmentRecord]) -> Edit:
        """What the new segment of a split or a join starts from: the old targets, edited."""
        target = " ".join(t for t in (r.target or r.mt or "" for r in old) if t.strip())
        return Edit(segment=segment, base_target="", base_status="new", target=target, status="edited", source=source)

    def _reshape(self, article: str, change: Change, op: Resegment) -> Applied:
        applied = self._make([change])
        if not any(s.id in op.result for s in self.document(article).segments):
            raise ReviewError("The segmentation could not be changed there.")
        return applied

    def untranslated(self, article: str, ids: Iterable[str]) -> list[SegmentRecord]:
        """Of these segments, the ones that are there and have no translation yet."""
        wanted = set(ids)
        return [s for s in self.document(article).segments if s.id in wanted and s.status == "new"]

    # -- find and replace, QA judgements ------------------------------------------------------------

    def replace(self, replacements: Iterable[Replacement]) -> Applied:
        """Apply previewed replacements (the ones the translator kept) as one step: each
        replaced target becomes edited, a reviewed one too (it is reviewed again)."""
        group = new_id()
        by_article: dict[str, list[Edit]] = {}
        for r in replacements:
            record = self.segment(r.article, r.segment)
            if record.target != r.before:
                continue  # changed since the preview: not replaced blindly
            by_article.setdefault(r.article, []).append(self._edit(r.article, record, r.after, "edited"))
        changes = [self._change(a, "replace", edits=tuple(e), group=group) for a, e in by_article.items()]
        return self._make(changes) if changes else Applied()

    def dismiss(self, article: str, segment_id: str, check: str, finding: str, reason: str) -> Applied:
        """Judge a QA finding not an error, with a reason: kept in the file, respected by
        `workbench qa`, for as long as the target stays as it was judged."""
        record = self.segment(article, segment_id)
        if not typed(reason):
            raise ReviewError("Say why it is not an error: the reason is kept with the segment.")
        mark = Dismissal(check, finding, typed(reason), self.user, now(), record.target)
        return self._make([self._change(article, "dismiss", dismiss=((segment_id, mark),))])
