"""Search as you type over 100,000 references on PostgreSQL (DESIGN.md: SQLite and PostgreSQL).

A throwaway server (``tools/pg_server.py``: Debian's PostgreSQL, a Unix socket in a
temporary folder), a database at the current schema, the same 100,000 references and the
same keystrokes as the SQLite row in ``bench_references``. The row says why it was
skipped when PostgreSQL or psycopg is not installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))

Row = tuple[str, str, str, str]


def run() -> list[Row]:
    """Measure and return the table rows."""
    import pg_server
    from bench_references import _TYPED, LIBRARY_SIZE, _fill_library, _search_row

    label = f"search as you type, {LIBRARY_SIZE:,} references (p50 / p95), on PostgreSQL"
    bin_dir = pg_server.find_bin_dir()
    if bin_dir is None:
        return [(label, "skipped", "", "PostgreSQL is not installed (no initdb/pg_ctl)")]
    try:
        import psycopg  # noqa: F401 - only checking that the extra is installed
    except ImportError:
        return [(label, "skipped", "", "psycopg is not installed: pip install -e '.[postgres]'")]
    from PySide6.QtWidgets import QApplication

    from scholar_desk.core.db.library import Library

    QApplication.instance() or QApplication([])
    with pg_server.TempServer(bin_dir, durable=True) as server:
        server.psql("CREATE DATABASE bench")
        url = server.url("bench")
        with Library.open(url, change_schema=True) as library:
            _fill_library(library, LIBRARY_SIZE)
        with Library.open(url) as library:
            row = _search_row(library, _TYPED, "on PostgreSQL, small vocabulary: a worst case")
    return [tuple(row)]  # type: ignore[list-item]
