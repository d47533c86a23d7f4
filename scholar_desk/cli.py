"""The command line: the same services as the window, headless.

Each subcommand is a pair: ``_add_<name>(subparsers)`` declares its arguments and sets
``func`` to a ``_run_<name>(args, ctx)`` that returns the exit status.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from scholar_desk import __version__
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.services.session import SINGLE_USER, Actor
from scholar_desk.core.settings import default_database

EXIT_OK = 0
EXIT_BUG = 1
EXIT_USER_ERROR = 2


@dataclass
class CliContext:
    """What a subcommand runs with."""

    library: Library
    actor: Actor
    args: argparse.Namespace

    def print_json(self, value: Any) -> None:
        """Print a JSON document to stdout."""
        print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


Runner = Callable[[CliContext], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: an option given before the subcommand must survive the subparser's default.
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="database file or SQLAlchemy URL (default: $SCHOLAR_DESK_DB or the user data folder)",
    )
    common.add_argument(
        "--user", default=argparse.SUPPRESS, help="account to act as, where accounts exist"
    )
    parser = argparse.ArgumentParser(
        prog="scholar-desk",
        description="Scholar Desk: research tracker for fellows and mentors. "
        "With no command, opens the window.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"scholar-desk {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the window on a demo database")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _COMMANDS:
        add(sub, common)
    return parser


def _add_init(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="create or upgrade the database")
    p.set_defaults(func=_run_init, needs_login=False)


def _run_init(ctx: CliContext) -> int:
    print(f"Database ready at {ctx.library.url.render_as_string(hide_password=True)}")
    return EXIT_OK


def _add_list(sub: Any, common: argparse.ArgumentParser) -> None:
    from scholar_desk.core.services.kinds import LIST_KINDS

    p = sub.add_parser("list", parents=[common], help="list records of one kind")
    p.add_argument("kind", choices=sorted(LIST_KINDS), help="what to list")
    p.add_argument("--json", action="store_true", help="print a JSON array of objects")
    p.set_defaults(func=_run_list)


def _run_list(ctx: CliContext) -> int:
    from scholar_desk.core.services import listing

    with ctx.library.reading() as session:
        table = listing.list_kind(session, ctx.actor, ctx.args.kind)
    if ctx.args.json:
        ctx.print_json(table.rows)
    else:
        print(table.as_text())
    return EXIT_OK


def _add_demo(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="fill the database with a realistic demo")
    p.set_defaults(func=_run_demo, needs_login=False)


def _run_demo(ctx: CliContext) -> int:
    from scholar_desk.core.services import demo

    with ctx.library.transaction() as session:
        summary = demo.fill(session)
    print(summary)
    return EXIT_OK


_COMMANDS: list[Callable[[Any, argparse.ArgumentParser], None]] = [
    _add_init,
    _add_demo,
    _add_list,
]


def resolve_actor(library: Library, username: str | None, *, needs_login: bool) -> Actor:
    """Sign in as ``username`` where accounts exist, else act as the single user.

    Raises:
        AuthenticationError: Accounts exist and the login failed.
    """
    from scholar_desk.core.services import accounts

    with library.reading() as session:
        login_required = accounts.login_required(session)
    if not login_required or not needs_login:
        return SINGLE_USER if not login_required else Actor(username=username or "system")
    password = os.environ.get("SCHOLAR_DESK_PASSWORD")
    if username is None:
        username = input("User name: ") if sys.stdin.isatty() else ""
    if password is None:
        password = getpass.getpass(f"Password for {username}: ") if sys.stdin.isatty() else ""
    with library.transaction() as session:
        return accounts.login(session, username, password)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error("a command is needed here")
    target = getattr(args, "db", None) or default_database()
    try:
        with Library.open(target) as library:
            actor = resolve_actor(
                library,
                getattr(args, "user", None),
                needs_login=getattr(args, "needs_login", True),
            )
            return int(args.func(CliContext(library, actor, args)))
    except ScholarDeskError as exc:
        print(f"scholar-desk: {exc.user_message}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("scholar-desk: interrupted; nothing more was written.", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - a bug: say so, show where, exit 1
        traceback.print_exc()
        print("scholar-desk: unexpected error (a bug); nothing more was written.", file=sys.stderr)
        return EXIT_BUG
