"""No import cycles in workbench/, the lazy ones included.

Every import statement of every module is read from its syntax tree (at module level, in a
function, under TYPE_CHECKING, in a try), resolved to the workbench module it names, and
the graph searched for strongly connected components (Tarjan). A function-level import
hides a cycle from the first import but not from the design: the two modules still cannot
be understood, tested or moved one without the other.

`import a.b.c` runs a and a.b first, but those implicit parent imports are not edges: a
package's __init__ re-exporting its modules would otherwise be a cycle with each of them.
An explicit `from a.b import name` of a name defined in a/b/__init__.py is an edge to it.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

Graph = dict[str, dict[str, int]]  # module → {module it imports: first line doing so}

# Cycles in areas being rewritten on other branches; each must go, and the test says when
# it has (an entry naming a cycle that no longer exists fails too).
KNOWN: dict[frozenset[str], str] = {}  # none left: a cycle that must stay says why here


def modules(root: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Every module of `package` under `root`: dotted name → (file, is a package)."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _known_prefix(name: str, known: dict[str, tuple[Path, bool]]) -> str | None:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports(name: str, path: Path, is_package: bool, known: dict[str, tuple[Path, bool]]) -> Iterator[tuple[str, int]]:
    """The modules of `known` that `path` imports, with the line of each import."""
    here = name if is_package else name.rpartition(".")[0]  # what `from .` means in it
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (target := _known_prefix(alias.name, known)) is not None:
                    yield target, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                if (target := _known_prefix(submodule if submodule in known else module, known)) is not None:
                    yield target, node.lineno


def import_graph(root: Path, package: str = "workbench") -> Graph:
    known = modules(root, package)
    graph: Graph = {name: {} for name in known}
    for name, (path, is_package) in known.items():
        for target, line in imports(name, path, is_package, known):
            if target != name:
                graph[name].setdefault(target, line)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def describe(component: list[str], graph: Graph) -> str:
    """One cycle through the component's first module, each import with its line:
    a (line 3) → b (line 9) → a."""
    members, start = set(component), component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:  # breadth first: the shortest way back to the start
        node = queue.pop(0)
        for successor in sorted(graph[node]):
            if successor == start:
                path = paths[node]
                hops = [f"{a} (line {graph[a][b]})" for a, b in zip(path, [*path[1:], start], strict=True)]
                return " → ".join([*hops, start])
            if successor in members and successor not in paths:
                paths[successor] = [*paths[node], successor]
                queue.append(successor)
    raise AssertionError(f"{component} is not a cycle")


def check(root: Path, known: dict[frozenset[str], str] = KNOWN) -> list[str]:
    """One line per cycle not in `known`, and per `known` cycle that is gone."""
    graph = import_graph(root)
    found = cycles(graph)
    problems = [f"import cycle: {describe(c, graph)}" for c in found if frozenset(c) not in known]
    problems += [
        f"no longer a cycle, remove it from KNOWN: {', '.join(sorted(k))}" for k in known if sorted(k) not in found
    ]
    return problems


def test_workbench_has_no_import_cycle() -> None:
    problems = check(ROOT)
    assert not problems, "\n".join(problems)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_lazy_cycle_is_found_and_printed(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.reader import read\n",  # re-exports: not a cycle
            "pkg/reader.py": "import pkg.model\n\n\ndef read():\n    from pkg.writer import write\n",
            "pkg/writer.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from . import plan\n",
            "pkg/plan.py": "from .sub import shapes\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/shapes.py": "try:\n    from ..reader import read\nexcept ImportError:\n    pass\n",
            "pkg/model.py": "import os\nimport pkg.other as other\n",
            "pkg/other.py": "class Other:\n    from pkg import model\n",
        },
    )
    graph = import_graph(root, "pkg")
    assert graph["pkg"] == {"pkg.reader": 1}
    assert graph["pkg.reader"] == {"pkg.model": 1, "pkg.writer": 5}
    assert cycles(graph) == [
        ["pkg.model", "pkg.other"],
        ["pkg.plan", "pkg.reader", "pkg.sub.shapes", "pkg.writer"],
    ]
    assert describe(cycles(graph)[1], graph) == (
        "pkg.plan (line 1) → pkg.sub.shapes (line 2) → pkg.reader (line 5) → pkg.writer (line 4) → pkg.plan"
    )
    assert describe(cycles(graph)[0], graph) == "pkg.model (line 2) → pkg.other (line 2) → pkg.model"


def test_a_diamond_is_not_a_cycle(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/top.py": "from pkg import left, right\n",
            "pkg/left.py": "from pkg.bottom import x\n",
            "pkg/right.py": "def f():\n    import pkg.bottom\n",
            "pkg/bottom.py": "x = 1\n",
        },
    )
    graph = import_graph(root, "pkg")
    assert graph["pkg.top"] == {"pkg.left": 1, "pkg.right": 1}
    assert cycles(graph) == []


def _copy_of_workbench(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "workbench", tmp_path / "workbench", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.mark.parametrize(
    ("module", "statement"),
    [
        ("glossary/entries.py", "from workbench.glossary.edit import add_entry"),  # the reader calling the writer
        ("mt/packages/installed.py", "from workbench.mt.packages import missing_model_advice"),
        ("fileio.py", "import workbench.store"),
    ],
)
def test_a_lazy_cycle_added_to_workbench_fails_the_check(tmp_path: Path, module: str, statement: str) -> None:
    root = _copy_of_workbench(tmp_path)
    path = root / "workbench" / module
    text = path.read_text(encoding="utf-8") + f"\n\ndef _late() -> None:\n    {statement}\n"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"    {statement}") + 1
    name = "workbench." + module.removesuffix(".py").replace("/", ".")
    problems = check(root)
    assert len(problems) == 1 and problems[0].startswith("import cycle: "), problems
    assert f"{name} (line {line}) → " in problems[0]


def test_a_known_cycle_that_is_gone_must_leave_the_list(tmp_path: Path) -> None:
    known = {**KNOWN, frozenset({"workbench.store", "workbench.fileio"}): "fixed long ago"}
    assert check(_copy_of_workbench(tmp_path), known) == [
        "no longer a cycle, remove it from KNOWN: workbench.fileio, workbench.store"
    ]
