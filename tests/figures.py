"""Counters the reliability suites add to; conftest prints them at the end of the run."""

from __future__ import annotations

FIGURES: dict[str, int] = {}


def add(name: str, value: int = 1) -> None:
    FIGURES[name] = FIGURES.get(name, 0) + value
