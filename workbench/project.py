"""A Workbench project: a folder with seeds/, glossaries/, translations/ (and .workbench/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def here(cls, root: Path | None = None) -> Project:
        return cls((root or Path.cwd()).resolve())

    def exists(self) -> bool:
        """Whether the folder looks like a Workbench project (so state may be kept in it)."""
        return any(p.is_dir() for p in (self.seeds, self.translations, self.glossaries, self.state))

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def glossaries(self) -> Path:
        return self.root / "glossaries"

    @property
    def translations(self) -> Path:
        return self.root / "translations"

    @property
    def state(self) -> Path:
        """Machine-local state that is not shared through version control."""
        return self.root / ".workbench"

    @property
    def memory(self) -> Path:
        return self.state / "memory.sqlite"

    @property
    def prepared(self) -> Path:
        """Prepared articles, keyed by source bytes and the versions of the stages."""
        return self.state / "prepared"

    @property
    def locks(self) -> Path:
        return self.state / "locks"
