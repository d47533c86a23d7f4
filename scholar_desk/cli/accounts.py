"""Accounts, the audit trail, and a sign-in that lasts a few minutes.

Accounts: add, list, passwords, mentors, roles, disable and enable. ``login`` checks the
password once and keeps a token (see `sign_in_tokens`); ``logout`` ends it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scholar_desk.cli.registry import EXIT_OK, Arg, CliContext, command, group

if TYPE_CHECKING:
    from scholar_desk.core.db.library import Library
    from scholar_desk.core.db.plain import PlainReader
    from scholar_desk.core.services.session import Actor

ROLES = ("fellow", "mentor", "director")


def _new_password(prompt: str) -> str:
    """The new password from SCHOLAR_DESK_NEW_PASSWORD or typed twice (never echoed)."""
    from scholar_desk.core.errors import ValidationError

    password = os.environ.get("SCHOLAR_DESK_NEW_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise ValidationError(
            {"password": "set SCHOLAR_DESK_NEW_PASSWORD or run in a terminal to type it"}
        )
    import getpass

    first = getpass.getpass(f"{prompt}: ")
    if getpass.getpass("Again: ") != first:
        raise ValidationError({"password": "the two passwords differ; nothing was changed"})
    return first


group("user", help="accounts: add, list, passwd, assign, role, disable, enable")


@command(
    "user add",
    help="create an account",
    args=[
        Arg("name", help="login name"),
        Arg("--role", required=True, choices=ROLES),
        Arg("--person", type=int, default=None, help="id of the person it stands for"),
    ],
)
def _run_user_add(ctx: CliContext) -> int:
    from scholar_desk.core.services import accounts

    password = _new_password(f"Password for {ctx.args.name}")
    with ctx.library.transaction() as session:
        info = accounts.create_account(
            session, ctx.actor, ctx.args.name, password, ctx.args.role, ctx.args.person
        )
        login_on = accounts.login_required(session)
    note = " (the first account is always the director)" if info.role != ctx.args.role else ""
    print(f"Created {info.role} account {info.username} (id {info.id}){note}.")
    if login_on:
        print("This database now asks everyone to sign in (--user NAME).")
    return EXIT_OK


@command(
    "user list",
    help="list accounts (directors)",
    args=[Arg("--json", action="store_true", help="print a JSON array of objects")],
)
def _run_user_list(ctx: CliContext) -> int:
    from scholar_desk.core.services import accounts

    with ctx.library.reading() as session:
        rows = accounts.list_accounts(session, ctx.actor)
    if ctx.args.json:
        ctx.print_json([r.to_json() for r in rows])
        return EXIT_OK
    for r in rows:
        state = "" if r.active else "  (disabled)"
        person = f"  person {r.person_id} {r.person_name}" if r.person_id else ""
        mentees = f"  mentees {', '.join(map(str, r.mentees))}" if r.mentees else ""
        print(f"{r.id:>4}  {r.username:<20} {r.role:<9}{person}{mentees}{state}")
    return EXIT_OK


@command(
    "user passwd",
    help="set a password",
    args=[Arg("name", help="your own account, or any for a director")],
)
def _run_user_passwd(ctx: CliContext) -> int:
    from scholar_desk.core.services import accounts

    password = _new_password(f"New password for {ctx.args.name}")
    with ctx.library.transaction() as session:
        accounts.set_password(session, ctx.actor, ctx.args.name, password)
    print(f"Password of {ctx.args.name} changed.")
    return EXIT_OK


@command(
    "user assign",
    help="assign a fellow to a mentor",
    args=[
        Arg("mentor", help="the mentor's login name"),
        Arg("fellow_person_id", type=int, help="the fellow's person id"),
    ],
)
def _run_user_assign(ctx: CliContext) -> int:
    from scholar_desk.core.services import accounts

    with ctx.library.transaction() as session:
        info = accounts.assign_mentor(
            session, ctx.actor, ctx.args.mentor, ctx.args.fellow_person_id
        )
    print(f"{info.username} now mentors person ids {', '.join(map(str, info.mentees))}.")
    return EXIT_OK


@command(
    "user role",
    help="change an account's role (directors)",
    args=[Arg("name", help="the account's login name"), Arg("role", choices=ROLES)],
)
def _run_user_role(ctx: CliContext) -> int:
    from scholar_desk.core.services import accounts

    with ctx.library.transaction() as session:
        info = accounts.update_account(session, ctx.actor, ctx.args.name, role=ctx.args.role)
    print(f"{info.username} is now a {info.role}.")
    return EXIT_OK


@command(
    "user disable",
    help="stop an account from signing in; its records stay (directors)",
    args=[Arg("name", help="the account's login name")],
)
def _run_user_disable(ctx: CliContext) -> int:
    return _set_active(ctx, active=False)


@command(
    "user enable",
    help="let a disabled account sign in again (directors)",
    args=[Arg("name", help="the account's login name")],
)
def _run_user_enable(ctx: CliContext) -> int:
    return _set_active(ctx, active=True)


def _set_active(ctx: CliContext, *, active: bool) -> int:
    from scholar_desk.core.services import accounts

    with ctx.library.transaction() as session:
        info = accounts.update_account(session, ctx.actor, ctx.args.name, active=active)
    print(f"{info.username} is {'enabled' if info.active else 'disabled'}.")
    return EXIT_OK


@command(
    "audit",
    help="browse the audit trail (directors)",
    args=[
        Arg("--json", action="store_true", help="print a JSON array of objects"),
        Arg("--kind", default=None, help="only this kind of record"),
        Arg("--by", dest="by_user", default=None, help="only changes by this account"),
        Arg("--record", type=int, default=None, help="only this record id"),
        Arg("--limit", type=int, default=1000, help="at most this many (newest first)"),
    ],
)
def _run_audit(ctx: CliContext) -> int:
    from scholar_desk.core.services import audit

    with ctx.library.reading() as session:
        rows = audit.query(
            session,
            ctx.actor,
            kind=ctx.args.kind,
            user=ctx.args.by_user,
            record_id=ctx.args.record,
            limit=ctx.args.limit,
        )
    if ctx.args.json:
        ctx.print_json([r.to_json() for r in rows])
        return EXIT_OK
    for r in rows:
        change = f" {r.field}: {r.old_value!s:.40} -> {r.new_value!s:.40}" if r.field else ""
        print(
            f"{r.at:%Y-%m-%d %H:%M:%S}  {r.actor:<12} {r.action:<7} {r.kind} {r.record_id}{change}"
        )
    return EXIT_OK


# Sign-ins that last a few minutes ---------------------------------------------------------


def _token_file(library: Library) -> Path:
    """Where this user keeps the sign-in token for one database (a file of mode 0600)."""
    return _token_file_at(library.url.render_as_string(hide_password=True))


def _token_file_at(where: str) -> Path:
    """The token file of the database whose URL (without its password) is ``where``."""
    import hashlib

    from scholar_desk.core.settings import data_dir

    return data_dir() / "sign-ins" / f"{hashlib.sha256(where.encode()).hexdigest()[:32]}.json"


def _read_token(library: Library) -> tuple[str, str] | None:
    """The (user name, token) kept for this database, if any."""
    return _read_token_at(_token_file(library))


def _read_token_at(path: Path) -> tuple[str, str] | None:
    import json

    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        return str(kept["user"]), str(kept["token"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def plain_actor(reader: PlainReader, username: str | None) -> Actor | None:
    """Who acts, from a plain read: the single user, or a live ``login`` for ``username``.

    ``None`` whenever more is needed (a password to check, an ended sign-in whose file
    goes): the command then signs in the ordinary way (`resolve_actor`).
    """
    from scholar_desk.core.services import permissions
    from scholar_desk.core.services.session import SINGLE_USER

    if not permissions.login_on(reader):
        return SINGLE_USER
    from scholar_desk.core.services import sign_in_tokens  # hashlib: only to sign in

    kept = _read_token_at(_token_file_at(reader.where))
    if kept is None or (username is not None and username.casefold() != kept[0].casefold()):
        return None
    return sign_in_tokens.actor_for(reader, kept[1])


def signed_in_actor(library: Library, username: str | None) -> Actor | None:
    """The actor of a live ``scholar-desk login`` on this database, as the account is now.

    ``None`` when there is none, it is for another ``--user``, or it has ended (expired,
    logged out, the password changed, the account disabled); an ended one's file goes.
    """
    kept = _read_token(library)
    if kept is None or (username is not None and username.casefold() != kept[0].casefold()):
        return None
    from scholar_desk.core.services import sign_in_tokens

    with library.reading() as session:
        actor = sign_in_tokens.actor_for(session, kept[1])
    if actor is None:
        _token_file(library).unlink(missing_ok=True)
    return actor


def _password_for(username: str) -> str:
    password = os.environ.get("SCHOLAR_DESK_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        return ""
    import getpass

    return getpass.getpass(f"Password for {username}: ")


@command(
    "login",
    help="sign in for a few minutes (the window's idle-lock time), so commands need no password",
    needs_login=False,
)
def _run_login(ctx: CliContext) -> int:
    import json

    from scholar_desk.core import files
    from scholar_desk.core.errors import AuthenticationError
    from scholar_desk.core.services import accounts, sign_in_tokens

    with ctx.library.reading() as session:
        if not accounts.login_required(session):
            raise AuthenticationError("This database has no accounts to sign in to.")
    username = getattr(ctx.args, "user", None)
    if username is None:
        if not sys.stdin.isatty():
            raise AuthenticationError("Give --user NAME to sign in.")
        username = input("User name: ")
    actor = accounts.sign_in(ctx.library, username, _password_for(username)).actor_or_raise()
    with ctx.library.transaction() as session:
        minutes = accounts.idle_minutes(session)
        token, expires = sign_in_tokens.issue(session, actor, minutes)
    path = _token_file(ctx.library)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    files.write_bytes(
        path, json.dumps({"user": actor.username, "token": token}).encode(), force=True
    )
    until = expires.astimezone().strftime("%H:%M")
    print(
        f"Signed in as {actor.username} until {until} ({minutes} minutes); "
        "'scholar-desk logout' ends it."
    )
    return EXIT_OK


@command("logout", help="end the sign-in 'login' started", needs_login=False)
def _run_logout(ctx: CliContext) -> int:
    kept = _read_token(ctx.library)
    if kept is None:
        print("Not signed in.")
        return EXIT_OK
    from scholar_desk.core.services import sign_in_tokens

    with ctx.library.transaction() as session:
        sign_in_tokens.revoke(session, kept[1])
    _token_file(ctx.library).unlink(missing_ok=True)
    print(f"Signed out {kept[0]}.")
    return EXIT_OK
