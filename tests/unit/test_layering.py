"""The core and the CLI never load Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import scholar_desk.core


def _core_modules() -> list[str]:
    names = ["scholar_desk.cli"]
    for info in pkgutil.walk_packages(scholar_desk.core.__path__, "scholar_desk.core."):
        if ".migrations." not in info.name:
            names.append(info.name)
    return names


def test_core_and_cli_import_without_qt() -> None:
    modules = _core_modules()
    assert "scholar_desk.core.services.items" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == ""
