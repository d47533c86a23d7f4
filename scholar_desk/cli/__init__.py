"""The command line: the same services as the window, headless.

Each domain module (``database``, ``records``, ``references``, ``submissions``,
``abstracts``, ``accounts``, ``documents``, ``career``, ``citing``, ``lookup``, ``following``) declares its commands beside their runners
with :func:`scholar_desk.cli.registry.command`; :func:`main` parses, opens the database,
signs in and runs one of them inside the one error boundary. Runners import the core
lazily, so ``--help`` and ``--version`` load none of it.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from scholar_desk import __version__
from scholar_desk.cli import registry
from scholar_desk.cli.registry import (
    EXIT_BUG,
    EXIT_OK,
    EXIT_USER_ERROR,
    CliContext,
    command_word,
)
from scholar_desk.core.errors import AuthenticationError, ScholarDeskError

if TYPE_CHECKING:
    import argparse

    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services.session import Actor

__all__ = [
    "EXIT_BUG",
    "EXIT_OK",
    "EXIT_USER_ERROR",
    "CliContext",
    "build_parser",
    "main",
    "resolve_actor",
]

# Each module registers its commands when imported, in this order in --help.
DOMAINS = (
    "database",
    "records",
    "references",
    "submissions",
    "abstracts",
    "accounts",
    "documents",
    "career",
    "templates",
    "files",
    "citing",
    "lookup",
    "following",
)
for _name in DOMAINS:
    importlib.import_module(f"scholar_desk.cli.{_name}")

_DESCRIPTION = (
    "Scholar Desk: research tracker for fellows and mentors. With no command, opens the window."
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand.

    Args:
        only: Declare the arguments of this command word alone (the others are listed
            with their help); ``None`` declares all.
    """
    return registry.build_parser(__version__, _DESCRIPTION, only=only)


def resolve_actor(library: Library, username: str | None, *, needs_login: bool) -> Actor:
    """Sign in as ``username`` where accounts exist, else act as the single user.

    Raises:
        AuthenticationError: Accounts exist and the login failed.
    """
    from scholar_desk.core.services import permissions
    from scholar_desk.core.services.session import SINGLE_USER
    from scholar_desk.core.services.session import Actor as _Actor

    with library.reading() as session:
        login_required = permissions.login_on(session)
    if not login_required or not needs_login:
        return SINGLE_USER if not login_required else _Actor(username=username or "system")
    from scholar_desk.cli.accounts import signed_in_actor

    # A live `scholar-desk login` stands for the password (no argon2 check per command).
    signed_in = signed_in_actor(library, username)
    if signed_in is not None:
        return signed_in
    password = os.environ.get("SCHOLAR_DESK_PASSWORD")
    if username is None and not sys.stdin.isatty():
        raise AuthenticationError(
            "This database has accounts: give --user NAME, with the password in "
            "SCHOLAR_DESK_PASSWORD or typed at the prompt."
        )
    if username is None:
        username = input("User name: ")
    if password is None:
        import getpass

        password = getpass.getpass(f"Password for {username}: ") if sys.stdin.isatty() else ""
    # Only now: the accounts service and its password hashing are needed to sign in.
    from scholar_desk.core.services import accounts

    # A failed attempt (and any lockout) is committed before a failure is raised; a
    # successful one never waits for the write lock.
    return accounts.sign_in(library, username, password).actor_or_raise()


def _terminal_password(server: str) -> str | None:
    """The server's password typed at the terminal (libpq found none)."""
    import getpass

    try:
        return getpass.getpass(f"Password for {server}: ")
    except (EOFError, KeyboardInterrupt):
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(only=command_word(args_list) or "")
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.error("a command is needed here")
    try:
        target = getattr(args, "db", None)
        if not target:  # the settings module (platformdirs) only when it is needed
            from scholar_desk.core.settings import default_database

            target = default_database()
        before_open = getattr(args, "before_open", None)
        if before_open is not None and (early := before_open(args, target)) is not None:
            return int(early)
        from scholar_desk.core.db.library import Library

        with Library.open(
            target,
            password_prompt=_terminal_password if sys.stdin.isatty() else None,
            change_schema=args.command == "init",
        ) as library:
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
    except Exception as exc:  # noqa: BLE001 - a bug: say so in one line, log where, exit 1
        import traceback

        from scholar_desk.core.logs import log_unexpected

        log_file = log_unexpected(exc, f"unexpected error in: scholar-desk {' '.join(args_list)}")
        where = f"details in {log_file}" if log_file else "".join(traceback.format_exception(exc))
        print(
            f"scholar-desk: unexpected error (a bug); nothing more was written; {where}",
            file=sys.stderr,
        )
        return EXIT_BUG
