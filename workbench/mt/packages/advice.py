"""What to install when a pair cannot be translated or installed, in one sentence.

Advice names only installs that can happen: a pivot the installed models can satisfy, else
packages the index has (as last fetched, or as argospm keeps it); never a package the
index is known to lack. Argos packages pair with English, so English is the pivot
proposed first. No network.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.mt.packages.index import IndexEntry, cached_index
from workbench.mt.packages.installed import PackageError, installed_models, parse_name


def _pivots(
    source: str, target: str, pairs: set[tuple[str, str]], installed: set[tuple[str, str]]
) -> list[str]:
    """Languages X with source→X and X→target in `pairs`: English first (Argos packages pair
    with English), then those needing fewest installs."""
    middles = {x for s, x in pairs if s == source and x not in (source, target) and (x, target) in pairs}
    return sorted(
        middles, key=lambda x: (x != "en", ((source, x) not in installed) + ((x, target) not in installed), x)
    )


def _install_pivot(source: str, target: str, pivot: str, installed: set[tuple[str, str]]) -> str:
    needed = [f"{a}-{b}" for a, b in ((source, pivot), (pivot, target)) if (a, b) not in installed]
    have = [f"{a}→{b}" for a, b in ((source, pivot), (pivot, target)) if (a, b) in installed]
    done = f"{have[0]} is installed: " if have else ""
    return f"{done}install {' and '.join(needed)} (`workbench models install {' '.join(needed)}`) and use --pivot {pivot}"


def index_pivot_hint(source: str, target: str, entries: Iterable[IndexEntry]) -> str:
    """The end of a sentence proposing a pivot the index and the installed models allow
    ("; install … and use --pivot X"), or nothing."""
    installed = {(m.from_code, m.to_code) for m in installed_models()}
    pairs = {(e.from_code, e.to_code) for e in entries} | installed
    pivots = _pivots(source, target, pairs, installed)
    return f"; {_install_pivot(source, target, pivots[0], installed)}" if pivots else ""


def unreachable_index(url: str, pair: str, why: object) -> PackageError:
    """The index cannot be reached: what to do offline, given what it had when last fetched."""
    try:
        name = parse_name(pair)
    except PackageError:
        name = None
    cached = cached_index() if name else None
    if (
        name
        and cached is not None
        and not any((e.from_code, e.to_code) == (name.from_code, name.to_code) for e in cached)
    ):
        # Do not send the user looking for a file the index, as last seen, does not have.
        hint = index_pivot_hint(name.from_code, name.to_code, cached)
        return PackageError(
            f"the package index {url} cannot be reached ({why}), and as last fetched it has no "
            f"{name.arrow} package{hint}; offline, install each .argosmodel file with "
            "`workbench models install FILE.argosmodel`."
        )
    return PackageError(
        f"the package index {url} cannot be reached ({why}); on a machine without network, "
        f"copy the {pair} .argosmodel file here and run `workbench models install FILE.argosmodel`."
    )


def missing_model_advice(source: str, target: str) -> str:
    """Why source→target cannot be translated and what to do, in one sentence: a pivot the
    installed models can satisfy, else installs the package index (as last fetched, or as
    argospm keeps it) has; never an install the index is known to lack. No network."""
    missing = f"no {source}→{target} model is installed"
    installed = {(m.from_code, m.to_code) for m in installed_models()}
    ready = [x for x in _pivots(source, target, installed, installed)]
    if ready:
        x = ready[0]
        return f"{missing}; {source}→{x} and {x}→{target} are: use --pivot {x}."
    offline = "(or `workbench models install FILE.argosmodel` offline)"
    index = cached_index()
    if index is None:
        if "en" in (source, target):
            return f"{missing}; run `workbench models install {source}-{target}` {offline}."
        # Argos packages pair with English: a direct package is unlikely, a pivot is not.
        return f"{missing}; {_install_pivot(source, target, 'en', installed)} {offline}."
    available = {(e.from_code, e.to_code) for e in index}
    if (source, target) in available:
        return f"{missing}; run `workbench models install {source}-{target}` {offline}."
    pivots = _pivots(source, target, available | installed, installed)
    if pivots:
        return (
            f"{missing} and the package index has none; "
            f"{_install_pivot(source, target, pivots[0], installed)}."
        )
    return (
        f"{missing}, and the package index has no {source}→{target} package and no two packages "
        "to pivot through another language."
    )
