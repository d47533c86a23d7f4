"""Facades that import their parts on first use of one of their names.

A service package (``references``, ``career``) keeps the names its callers use in its
``__init__`` while each part loads only when one of its names is first asked for, so a
window that needs one part does not pay for the others' libraries.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(
    package: str, parts: Mapping[str, tuple[str, ...]], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """The module ``__getattr__`` of a facade whose names live in its parts.

    Args:
        package: The facade's ``__name__``.
        parts: For each part (a module of the package), the names it gives the facade.
        namespace: The facade's ``globals()``: a name found once is kept there, so later
            look-ups do not come back here.
    """
    where = {name: part for part, names in parts.items() for name in names}

    def find(name: str) -> Any:
        part = where.get(name)
        if part is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{part}"), name)
        namespace[name] = value
        return value

    return find
