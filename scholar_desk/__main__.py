"""Start-up: the window when there is no subcommand, else the command line.

Qt is imported only on the window's path, so ``scholar-desk list ...`` never loads it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import NamedTuple, NoReturn

_WINDOW_VALUE_OPTIONS = ("--db", "--user")
# Reference files the desktop hands over ("Open with Scholar Desk"): the window imports them.
REFERENCE_SUFFIXES = (".bib", ".ris", ".nbib")


class WindowArgs(NamedTuple):
    """What the window is started with.

    Attributes:
        db: A database path or SQLAlchemy URL, or ``None`` for the default.
        demo: Open the demo database (filled on first use) instead.
        user: The account to sign in as, where accounts exist.
        files: Reference files to open the import dialog with.
    """

    db: str | None = None
    demo: bool = False
    user: str | None = None
    files: tuple[str, ...] = ()


def window_args(argv: Sequence[str]) -> WindowArgs | None:
    """Return the window's options when ``argv`` asks for the window, else ``None``.

    Only ``--db``, ``--user`` (as ``--db X`` or ``--db=X``), ``--demo`` and reference files
    (``.bib``, ``.ris``, ``.nbib``, which the window offers to import) open the window;
    anything else (a subcommand, ``--help``, ``--version``) goes to the command line.
    """
    values: dict[str, str] = {}
    files: list[str] = []
    demo = False
    items = list(argv)
    i = 0
    while i < len(items):
        arg = items[i]
        if arg == "--demo":
            demo = True
        elif arg in _WINDOW_VALUE_OPTIONS:
            if i + 1 >= len(items):
                return None
            values[arg] = items[i + 1]
            i += 1
        elif arg.split("=", 1)[0] in _WINDOW_VALUE_OPTIONS and "=" in arg:
            name, value = arg.split("=", 1)
            values[name] = value
        elif not arg.startswith("-") and arg.lower().endswith(REFERENCE_SUFFIXES):
            files.append(arg)
        else:
            return None
        i += 1
    return WindowArgs(
        db=values.get("--db"), demo=demo, user=values.get("--user"), files=tuple(files)
    )


def _leave_now(status: int) -> NoReturn:
    """End the process once the window has closed and saved everything.

    By then the database is closed, settings and layout are written and the log is
    flushed below; what is left is the interpreter tearing down thousands of Qt objects
    one by one, which a user would wait for with the window already gone.
    """
    import logging

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run Scholar Desk and return its exit status (the ``scholar-desk`` console script)."""
    args = list(sys.argv[1:] if argv is None else argv)
    options = window_args(args)
    if options is not None:
        from scholar_desk.ui import plain_start

        # The page the window reopens on may paint from the file before SQLAlchemy loads;
        # else the window's core loads before PySide6 (see `plain_start.import_window_core`).
        plain = plain_start.plain_reader(options.db, demo=options.demo)
        if plain is None:
            plain_start.import_window_core()
        from scholar_desk.ui.app import run

        status = run(
            db=options.db, demo=options.demo, user=options.user, files=options.files, plain=plain
        )
        _leave_now(status)
    from scholar_desk import cli

    return cli.main(args)


if __name__ == "__main__":
    sys.exit(main())
