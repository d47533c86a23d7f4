"""Commands on the database as a whole: init, demo, backup, restore."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scholar_desk.cli.registry import (
    EXIT_OK,
    Arg,
    CliContext,
    command,
    force_arg,
)


@command("init", help="create or upgrade the database", needs_login=False)
def _run_init(ctx: CliContext) -> int:
    print(f"Database ready at {ctx.library.where}")
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

    if ctx.library.path is None:
        from scholar_desk.core.services import server_backups

        info = server_backups.backup(
            ctx.library, ctx.actor, Path(ctx.args.out), force=ctx.args.force
        )
    else:
        info = backups.create_backup(
            ctx.library, ctx.actor, Path(ctx.args.out), force=ctx.args.force
        )
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
        from scholar_desk.core.services import server_backups

        result = server_backups.restore(ctx.library, Path(ctx.args.backup_file), ctx.actor)
        print(f"Restored {ctx.library.where} from {result.restored_from}.")
        return EXIT_OK
    ctx.library.close()
    result = backups.restore(path, Path(ctx.args.backup_file), ctx.actor)
    with Library.open(path):
        pass  # brings an older backup's schema up to date
    _print_restored(result)
    return EXIT_OK


@command(
    "copy",
    help="copy the whole database onto an empty one (a file or a server), verified",
    args=[
        Arg(
            "--to",
            required=True,
            metavar="URL",
            help="the empty database: a new file path, or postgresql+psycopg://USER@HOST/DB",
        )
    ],
)
def _run_copy(ctx: CliContext) -> int:
    from scholar_desk.cli import _terminal_password
    from scholar_desk.core.db import copying
    from scholar_desk.core.services import permissions

    with ctx.library.reading() as session:
        permissions.require(session, ctx.actor, permissions.MANAGE, permissions.BACKUP, None)
    target = copying.open_empty_target(
        ctx.args.to,
        source=ctx.library,
        password_prompt=_terminal_password if sys.stdin.isatty() else None,
    )
    with target:
        report = copying.copy_database(ctx.library, target)
    for check in report.tables:
        print(f"  {check.table:<24} {check.rows:>8} rows  sha256 {check.checksum[:16]}")
    print(
        f"Copied {report.rows:,} rows in {len(report.tables)} tables from {report.source} "
        f"to {report.target}; row counts and checksums match."
    )
    return EXIT_OK
