"""The shape of the code: kinds carry their rules, so the item service names no kind."""

from __future__ import annotations

import ast
from pathlib import Path

import scholar_desk
from scholar_desk.core.services import items
from scholar_desk.core.services.kinds import KINDS, LIST_KINDS, list_choices

PACKAGE = Path(scholar_desk.__file__).parent


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
