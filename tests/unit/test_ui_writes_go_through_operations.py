"""Every write of the window goes through `ui/operations.py` (read from the source, no Qt).

A page or dialog may call a core write function only inside a function of the session
(``lambda session, actor: ...`` or a nested ``def write(session, actor)``) that it hands
to an `Operation`; it may not open a writing transaction, start a `Job` or announce a
change itself. The writes are those that the permissions matrix classifies as writes
(tests/unit/test_permissions_matrix.py), plus the backup functions that take the library.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import scholar_desk

UI = Path(scholar_desk.__file__).parent / "ui"
MATRIX = Path(__file__).parent / "test_permissions_matrix.py"

MACHINERY = {"operations.py", "commands.py"}
"""The operation object itself and the undo commands it runs."""

START_UP = {
    "app.py": "opens the database and fills the demo before any window or context exists",
    "dialogs/login_dialog.py": "signs in before the window and its context exist",
    "shared_machine.py": "the daily backup at start, before the window takes any action",
    "live_refresh.py": "the one other announcer: changes made by other programs",
}
"""Modules that run before (or beside) the window's operations, with the reason."""

READS = ("list_", "get_", "audit.", "idle_minutes", "backups_kept")
EXTRA_WRITES = {"backups.set_backups_kept", "backups.create_backup", "backups.restore"}


def _matrix():
    spec = importlib.util.spec_from_file_location("_matrix_for_ui_writes", MATRIX)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def write_functions() -> set[str]:
    """``module.function`` of every core service write, from the permissions matrix."""
    matrix = _matrix()
    writes = {name for name, (action, _k, _c) in matrix.OTHER_CALLS.items() if action != "read"}
    writes |= set(matrix.REFERENCE_WRITES)
    writes |= {
        name
        for name in matrix.ADMIN_CALLS
        if not name.split(".", 1)[1].startswith(READS) and not name.startswith("audit.")
    }
    writes |= {
        name
        for name in matrix.COVERED_BY_ITEM_MATRIX
        if not name.split(".", 1)[1].startswith(READS)
        and not name.endswith(("_counts", ".history", ".mentee_people", ".list_kind"))
    }
    return writes | EXTRA_WRITES


def _service_aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> ``module`` or ``module.function`` for imports from core.services."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "scholar_desk.core.services":
                for name in node.names:
                    aliases[name.asname or name.name] = name.name
            elif node.module.startswith("scholar_desk.core.services."):
                module = node.module.rsplit(".", 1)[1]
                for name in node.names:
                    aliases[name.asname or name.name] = f"{module}.{name.name}"
        elif isinstance(node, ast.Import):
            for name in node.names:
                if name.name.startswith("scholar_desk.core.services.") and name.asname:
                    aliases[name.asname] = name.name.rsplit(".", 1)[1]
    return aliases


def _called_name(call: ast.Call, aliases: dict[str, str]) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        module = aliases.get(func.value.id)
        return f"{module}.{func.attr}" if module and "." not in module else None
    if isinstance(func, ast.Name):
        return aliases.get(func.id)
    return None


def _takes_session(fn: ast.AST) -> bool:
    if not isinstance(fn, ast.Lambda | ast.FunctionDef):
        return False
    names = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    if names and names[0] == "self":
        names = names[1:]
    return bool(names) and names[0] in ("session", "s", "_session")


class _Finder(ast.NodeVisitor):
    def __init__(self, writes: set[str], aliases: dict[str, str], where: str) -> None:
        self.writes = writes
        self.aliases = aliases
        self.where = where
        self.stack: list[ast.AST] = []
        self.found: list[str] = []

    def generic_visit(self, node: ast.AST) -> None:
        self.stack.append(node)
        super().generic_visit(node)
        self.stack.pop()

    def visit_Call(self, node: ast.Call) -> None:
        line = f"{self.where}:{node.lineno}"
        name = _called_name(node, self.aliases)
        if name in self.writes and not any(_takes_session(f) for f in self.stack):
            self.found.append(f"{line} calls {name} outside an operation")
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr == "transaction":
                self.found.append(f"{line} opens a writing transaction")
            if func.attr == "emit" and _is_changed_signal(func.value):
                self.found.append(f"{line} announces a change by hand")
            if func.attr == "announce":
                self.found.append(f"{line} announces a change by hand")
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "push"
            and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name)
            and func.value.func.id.endswith("Command")
        ):
            self.found.append(f"{line} pushes a command by hand (use run_command)")
        if isinstance(func, ast.Name) and func.id == "Job":
            self.found.append(f"{line} starts a background job by hand")
        self.generic_visit(node)


def _is_changed_signal(node: ast.AST) -> bool:
    # ctx.events.changed.emit(...) / self._ctx.events.changed.emit(...)
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "changed"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "events"
    )


def offenders() -> list[str]:
    writes = write_functions()
    found: list[str] = []
    for path in sorted(UI.rglob("*.py")):
        where = path.relative_to(UI).as_posix()
        if where in MACHINERY or where in START_UP:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        finder = _Finder(writes, _service_aliases(tree), where)
        finder.visit(tree)
        found.extend(finder.found)
    return found


def test_the_matrix_names_the_writes_the_window_makes() -> None:
    writes = write_functions()
    for name in (
        "items.create_item",
        "items.update_item",
        "abstracts.set_abstract_authors",
        "abstracts.add_image",
        "references.regenerate_keys",
        "comments.add_comment",
        "accounts.create_account",
    ):
        assert name in writes
    assert "items.get_item" not in writes
    assert "accounts.list_accounts" not in writes


def test_no_page_or_dialog_writes_outside_an_operation() -> None:
    found = offenders()
    assert not found, "write through scholar_desk/ui/operations.py:\n" + "\n".join(found)


def test_the_check_sees_a_direct_write(tmp_path: Path) -> None:
    source = (
        "from scholar_desk.core.services import items\n"
        "def save(ctx):\n"
        "    with ctx.library.transaction() as session:\n"
        "        items.update_item(session, ctx.actor, 'project', 1, {})\n"
        "    ctx.events.changed.emit('project')\n"
        "    DeleteCommand(ctx, 'project', []).push()\n"
        "def fine(ctx):\n"
        "    Operation(ctx, None, lambda s, a: items.update_item(s, a, 'project', 1, {})).run()\n"
    )
    tree = ast.parse(source)
    finder = _Finder(write_functions(), _service_aliases(tree), "x.py")
    finder.visit(tree)
    assert finder.found == [
        "x.py:3 opens a writing transaction",
        "x.py:4 calls items.update_item outside an operation",
        "x.py:5 announces a change by hand",
        "x.py:6 pushes a command by hand (use run_command)",
    ]


CATCHES_ITS_OWN = {
    "operations.py": "the operation object: where an error becomes a box or a handler's call",
    "commands.py": "undo and redo that fail later are shown and leave the stack",
    "workers.py": "a background job hands the error to the operation that started it",
    "dialogs/login_dialog.py": "signs in before the window and its context exist",
}
"""Modules that may catch `ScholarDeskError` themselves, with the reason."""


def hand_wired_errors(tree: ast.Module, where: str) -> list[str]:
    """``except ScholarDeskError`` blocks in one module (names, tuples, attributes)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ExceptHandler) or node.type is None:
            continue
        caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        for name in caught:
            text = name.id if isinstance(name, ast.Name) else getattr(name, "attr", "")
            if text == "ScholarDeskError":
                found.append(f"{where}:{node.lineno} catches ScholarDeskError by hand")
    return found


def test_pages_and_dialogs_leave_errors_to_the_operation_object() -> None:
    """Writes go through `Operation`; a read that words its own failure uses `read`."""
    found: list[str] = []
    for path in sorted(UI.rglob("*.py")):
        where = path.relative_to(UI).as_posix()
        if where not in CATCHES_ITS_OWN:
            found += hand_wired_errors(ast.parse(path.read_text(encoding="utf-8")), where)
    assert not found, "use ui/operations.py (Operation, query or read):\n" + "\n".join(found)


def test_the_error_check_sees_a_hand_wired_block() -> None:
    source = (
        "def reload(self):\n"
        "    try:\n"
        "        pass\n"
        "    except (ValueError, errors.ScholarDeskError) as exc:\n"
        "        self.message.setText(exc.user_message)\n"
    )
    assert hand_wired_errors(ast.parse(source), "x.py") == [
        "x.py:4 catches ScholarDeskError by hand"
    ]
