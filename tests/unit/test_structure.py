"""The shape of the code: small modules, no import cycle, kinds that carry their rules."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp

import scholar_desk
from scholar_desk.core.services import items
from scholar_desk.core.services.kinds import KINDS, LIST_KINDS, list_choices

PACKAGE = Path(scholar_desk.__file__).parent
MAX_LINES = 800
"""Past this a module holds more than one idea (STYLE.md section 13)."""


def test_no_module_is_longer_than_800_lines() -> None:
    versions = PACKAGE / "core" / "db" / "migrations" / "versions"
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if versions not in path.parents
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def cycles(imports: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(imports):
        if start in index:
            continue
        # Iterative depth-first search: (module, the imports still to visit).
        work = [(start, iter(sorted(imports.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, pending = work[-1]
            step = next(pending, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(imports.get(step, ())))))
                elif step in on_stack:
                    low[module] = min(low[module], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_cycle_in_the_package() -> None:
    graph = grimp.build_graph("scholar_desk")  # the graph import-linter checks layers on
    imports = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    assert cycles(imports) == []


def test_the_cycle_check_finds_a_loop() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def _kind_names_compared(source: str) -> list[str]:
    """Every comparison with a kind's name (``==``, ``!=``, ``in``) as ``line: text``."""
    names = set(KINDS) | {kind.plural for kind in KINDS.values()}
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        for part in ast.walk(node):
            if isinstance(part, ast.Constant) and part.value in names:
                found.append(f"{node.lineno}: {ast.unparse(node)}")
                break
    return found


def test_items_has_no_branch_on_a_kind_name() -> None:
    source = Path(items.__file__).read_text(encoding="utf-8")
    assert _kind_names_compared(source) == []
    assert "kind.name ==" not in source
    assert "kind_name ==" not in source


def test_the_check_finds_a_branch_on_a_kind_name() -> None:
    assert _kind_names_compared('if kind.name == "submission":\n    pass\n')
    assert _kind_names_compared('if kind_name in ("abstract", "x"):\n    pass\n')


def test_the_command_line_lists_every_kind_and_the_library() -> None:
    assert {kind.plural for kind in KINDS.values()} <= LIST_KINDS
    assert set(list_choices()) == LIST_KINDS == {k.plural for k in KINDS.values()} | {"references"}
