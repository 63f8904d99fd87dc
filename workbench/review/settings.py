"""The project's review settings, in `workbench.toml` at the project's root (shared by the
team, under version control like the glossaries):

    [review]
    propagate = true   # a confirmed translation fills identical untranslated segments
    ask_on_findings = true   # confirming a target with QA findings asks first
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from workbench.errors import InputError
from workbench.project import Project


@dataclass(frozen=True)
class ReviewSettings:
    propagate: bool = True
    ask_on_findings: bool = True


def review_settings(project: Project) -> ReviewSettings:
    path = project.root / "workbench.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ReviewSettings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path} cannot be read as TOML ({exc}); fix it or remove it.") from None
    review = data.get("review", {})
    if not isinstance(review, dict):
        raise InputError(f"{path}: [review] must be a table.")
    flags = {}
    for name in ("propagate", "ask_on_findings"):
        value = review.get(name, True)
        if not isinstance(value, bool):
            raise InputError(f"{path}: review.{name} must be true or false, not {value!r}.")
        flags[name] = value
    return ReviewSettings(**flags)
