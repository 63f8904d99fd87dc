"""A deterministic engine behind the production interface, for logic that must not depend
on what random weights happen to produce."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from workbench.mt.engine import Translation


class FakeEngine:
    """Translates by wrapping: "Bonjour." → "EN(Bonjour.)"; counts what it decodes."""

    def __init__(
        self, source: str = "fr", target: str = "en", model_id: str = "fake/1", chunk: int = 3
    ) -> None:
        self.source, self.target, self.model_id = source, target, model_id
        self.chunk = chunk
        self.decoded: list[str] = []
        self.fail_after: int | None = None  # raise after this many chunks, like a crash

    def render(self, sentence: str) -> str:
        return f"EN({sentence})"

    def translate(self, sentences: Sequence[str]) -> Iterator[list[tuple[int, Translation]]]:
        # longest first, like no real order: callers must use the indices, not the order
        order = sorted(range(len(sentences)), key=lambda i: -len(sentences[i]))
        for n, start in enumerate(range(0, len(order), self.chunk)):
            if self.fail_after is not None and n >= self.fail_after:
                raise RuntimeError("engine crashed")
            chunk = order[start : start + self.chunk]
            self.decoded.extend(sentences[i] for i in chunk)
            yield [(i, Translation(self.render(sentences[i]), -1.0)) for i in chunk]


def factory(*engines: FakeEngine):
    from workbench.mt.engine import ModelMissing

    table = {(e.source, e.target): e for e in engines}

    def get(source: str, target: str) -> FakeEngine:
        if (source, target) not in table:
            raise ModelMissing(source, target)
        return table[(source, target)]

    return get


CYRILLIC_TO_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


class WrongNamesEngine(FakeEngine):
    """Renders names the way poor MT does: Cyrillic letter by letter with its case ending
    (Пескова → Peskova), Latin-script names untouched (Poutine stays Poutine)."""

    def render(self, sentence: str) -> str:
        out = []
        for char in sentence:
            latin = CYRILLIC_TO_LATIN.get(char.lower())
            if latin is None:
                out.append(char)
            else:
                out.append(latin.capitalize() if char.isupper() else latin)
        return "EN: " + "".join(out)


def translate_project(project, *engines, sources=None):  # type: ignore[no-untyped-def]
    """What `workbench translate` does: prepare the sources (default: seeds/), translate."""
    from workbench.mt.memory import TranslationMemory
    from workbench.pipeline import read_sources
    from workbench.prepare import Preparer, sync
    from workbench.store import Store
    from workbench.translate import translate_documents

    store = Store(project)
    documents = sync(store, Preparer(project.prepared), read_sources(sources or [project.seeds]))
    with TranslationMemory(project.memory) as tm:
        return translate_documents(documents, store, tm, engines=factory(*engines))
