"""Commands on the database as a whole: init, demo, backup, restore."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scholar_desk.cli.registry import (
    EXIT_OK,
    EXIT_USER_ERROR,
    Arg,
    CliContext,
    command,
    force_arg,
)


@command("init", help="create or upgrade the database", needs_login=False)
def _run_init(ctx: CliContext) -> int:
    print(f"Database ready at {ctx.library.url.render_as_string(hide_password=True)}")
    return EXIT_OK


@command("demo", help="fill the database with a realistic demo", needs_login=False)
def _run_demo(ctx: CliContext) -> int:
    from scholar_desk.core.services import demo

    with ctx.library.transaction() as session:
        summary = demo.fill(session)
    print(summary)
    return EXIT_OK


@command(
    "backup",
    help="write a verified copy of the database",
    args=[Arg("out", help="new file (or folder) to write"), force_arg()],
)
def _run_backup(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import backups

    info = backups.create_backup(ctx.library, ctx.actor, Path(ctx.args.out), force=ctx.args.force)
    print(f"Backup written and verified: {info.path} ({info.size:,} bytes).")
    return EXIT_OK


def _print_restored(result: Any) -> None:
    print(f"Restored from {result.restored_from}.")
    if result.safety_backup:
        print(f"The database as it was is kept in {result.safety_backup}.")
    if result.moved_aside:
        print(f"The damaged database was moved to {result.moved_aside}.")


def _restore_over_damaged(args: argparse.Namespace, target: str) -> int | None:
    """A file that cannot be opened as a database at all: move it aside, restore directly.

    Anything that opens far enough to sign in (even if damaged) goes through sign-in.
    """
    from pathlib import Path

    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services import backups
    from scholar_desk.core.services.session import SINGLE_USER

    if "://" in target:
        return None
    path = Path(target).expanduser().resolve()
    if not backups.cannot_open(path):
        return None
    result = backups.restore(path, Path(args.backup_file), SINGLE_USER)
    with Library.open(path):
        pass
    _print_restored(result)
    return EXIT_OK


@command(
    "restore",
    help="replace the database with a backup (kept safe first)",
    args=[Arg("backup_file", metavar="IN", help="the backup to restore")],
    before_open=_restore_over_damaged,
)
def _run_restore(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services import backups

    path = ctx.library.path
    if path is None:
        print("scholar-desk: restore works on a database file, not a server.", file=sys.stderr)
        return EXIT_USER_ERROR
    ctx.library.close()
    result = backups.restore(path, Path(ctx.args.backup_file), ctx.actor)
    with Library.open(path):
        pass  # brings an older backup's schema up to date
    _print_restored(result)
    return EXIT_OK
