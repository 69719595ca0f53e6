"""The package's layout: no import circle, no folder reaching up, every module named in the README.

The imports are read with ``ast``, not by importing: every ``import`` and
``from ... import`` of the package counts, at module level, inside a
function, or under ``if TYPE_CHECKING:`` (a type named in a signature is a
dependency to a reader as much as one called; a check is given the engine's
table through the ``Table`` protocol of its own folder).
``from checker.engine import cache`` is an import of the module
``checker.engine.cache``; ``from checker.engine import run`` one of the
package ``checker.engine`` itself, whose ``__init__`` imports its modules.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "checker"

#: each folder of the package, and the folders its modules may import (the package root's ``__version__`` is open
#: to all); at the top, ``pipeline`` may import any folder, the command line (``cli/``) anything, and nothing outside
#: ``cli/`` imports it
MAY_IMPORT: dict[str, set[str]] = {
    "model": set(),
    "formats": {"model"},
    "vocabulary": {"model", "formats"},
    "corpus": {"model", "formats", "vocabulary"},
    "checks": {"model", "formats", "vocabulary", "corpus"},
    "engine": {"model", "formats", "vocabulary", "corpus", "checks"},
    "authoring": {"model", "formats", "vocabulary", "corpus"},
    "fusion": {"model", "formats", "vocabulary", "corpus", "authoring", "engine"},
    "gate": {"model", "formats", "vocabulary", "corpus", "checks", "authoring", "engine"},
    "reporting": {"model", "formats", "vocabulary", "corpus", "checks"},
}
MAY_IMPORT["cli"] = {*MAY_IMPORT, "checker.pipeline"}
TOP = {"checker.pipeline"}


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a folder's ``__init__`` by the folder's)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that the module at ``path`` imports, wherever it imports them."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names if alias.name.split(".")[0] == "checker")
        elif isinstance(node, ast.ImportFrom):
            # a relative import would hide what it reaches from the rules below: none is written
            assert node.level == 0, f"{path}:{node.lineno}: write imports of the package in full"
            if not node.module or node.module.split(".")[0] != "checker":
                continue
            for alias in node.names:
                inner = f"{node.module}.{alias.name}"
                out.add(inner if inner in known else node.module)
    return out


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module -> the modules it imports (itself and the package root left out); read once per session."""
    known = modules()
    return {name: frozenset(imports_of(path, known) - {name, "checker"}) for name, path in known.items()}


def folder_of(module: str) -> str:
    """The folder a module lives in, or the module itself at the top of the package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or module.removeprefix("checker.") in MAY_IMPORT else module


def cycles(edges: dict[str, frozenset[str]] | dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
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
                    work.append((successor, iter(sorted(edges.get(successor, ())))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def test_the_finder_of_circles_finds_one():
    """The test below can fail: a circle of three modules and one of a module with its package are found."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "p": {"p.m"}, "p.m": {"p"}}
    assert cycles(edges) == [["a", "b", "c"], ["p", "p.m"]]


def test_no_module_imports_another_that_imports_it_back():
    assert cycles(graph()) == []


def test_every_module_lives_in_a_known_folder_or_at_the_top():
    strays = [m for m in modules() if m != "checker" and m not in TOP and folder_of(m) not in MAY_IMPORT]
    assert strays == [], "add the folder to MAY_IMPORT, with the folders it may import"


@pytest.mark.parametrize("folder", sorted(MAY_IMPORT))
def test_a_folder_imports_only_the_folders_below_it(folder):
    reaching = sorted(
        f"{module} imports {imported}"
        for module, imported_all in graph().items()
        if folder_of(module) == folder
        for imported in imported_all
        if folder_of(imported) != folder and folder_of(imported) not in MAY_IMPORT[folder]
    )
    assert reaching == []


def test_nothing_imports_the_command_line():
    edges = graph()
    outside = [m for m in edges if folder_of(m) != "cli"]
    assert sorted(m for m in outside for i in edges[m] if folder_of(i) == "cli") == []


def test_reporters_never_import_the_engine_and_the_cache_no_reporter():
    """Said twice on purpose: the two rules of the layout that matter most, whatever MAY_IMPORT becomes."""
    edges = graph()
    assert not [
        m for m in edges if m.startswith("checker.reporting") for i in edges[m] if i.startswith("checker.engine")
    ]
    assert not [i for i in edges["checker.engine.cache"] if i.startswith("checker.reporting")]


def test_the_readme_names_every_module_of_the_package_in_its_layout():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    tree = section.split("```", 2)[1]
    # each line of the tree: its indent, then the name of a file or folder, then what it is
    lines = [re.match(r"( *)(\S+)\s+\S", line) for line in tree.splitlines() if line.strip()]
    listed, folders = set(), []  # folders: the open folders above the line, with their indent
    for line in lines:
        if line is None:
            continue
        indent, name = len(line.group(1)), line.group(2)
        while folders and folders[-1][0] >= indent:
            folders.pop()
        listed.add("/".join([*(f for _, f in folders), name.removesuffix("/")]))
        if name.endswith("/"):
            folders.append((indent, name.removesuffix("/")))
    gone = sorted(name for name in listed if name.startswith("checker/") and not (ROOT / name).exists())
    assert gone == [], "the README lists what is no longer there"
    missing = []
    for path in modules().values():
        shown = path.relative_to(ROOT).with_suffix("").as_posix() + ".py"
        if path.name == "__init__.py":
            shown = path.parent.relative_to(ROOT).as_posix()
        if shown not in listed:
            missing.append(shown)
    assert missing == []
