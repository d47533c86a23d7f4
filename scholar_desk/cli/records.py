"""Tracker records: list, add, edit and delete them, comment on them, see their deadlines."""

from __future__ import annotations

import argparse
from typing import Any

from scholar_desk.cli.registry import (
    EXIT_OK,
    Arg,
    CliContext,
    command,
    force_arg,
    group,
    print_json,
)
from scholar_desk.cli.values import field_values, tracker_kind


def _list_kinds() -> list[str]:
    from scholar_desk.core.services.kinds import list_choices

    return list_choices()


def _plain_list(args: argparse.Namespace, target: str) -> int | None:
    """List from a current SQLite file read in plain SQL, before any SQLAlchemy loads.

    ``None`` (the command then runs as every other) for a server, a file that is not
    current, a sign-in that needs a password, or a kind whose listing needs a session.
    """
    import sqlite3

    from scholar_desk.cli.accounts import plain_actor
    from scholar_desk.core.db.plain import PlainReader
    from scholar_desk.core.services import listing

    reader = PlainReader.open_current(target)
    if reader is None:
        return None
    try:
        with reader:
            actor = plain_actor(reader, getattr(args, "user", None))
            if actor is None:
                return None
            table = listing.list_plain(reader, actor, args.kind)
    except sqlite3.Error:
        return None
    if table is None:
        return None
    if args.json:
        print_json(table.rows)
    else:
        print(table.as_text())
    return EXIT_OK


@command(
    "list",
    help="list records of one kind",
    args=[
        Arg("kind", choices=_list_kinds, help="what to list"),
        Arg("--json", action="store_true", help="print a JSON array of objects"),
        Arg("--search", default=None, help="references only: search text"),
    ],
    before_open=_plain_list,
)
def _run_list(ctx: CliContext) -> int:
    from scholar_desk.core.services import listing

    with ctx.library.reading() as session:
        options = {"search": ctx.args.search} if ctx.args.kind == "references" else {}
        table = listing.list_kind(session, ctx.actor, ctx.args.kind, **options)
    if ctx.args.json:
        ctx.print_json(table.rows)
    else:
        print(table.as_text())
    return EXIT_OK


group("comment", help="review comments: add, list, resolve")


@command(
    "comment add",
    help="comment on an item",
    args=[
        Arg("kind", help="project, manuscript, submission, abstract..."),
        Arg("id", type=int, help="the item's id"),
        Arg("text", help="the comment"),
    ],
)
def _run_comment_add(ctx: CliContext) -> int:
    from scholar_desk.core.services import comments

    with ctx.library.transaction() as session:
        info = comments.add_comment(session, ctx.actor, ctx.args.kind, ctx.args.id, ctx.args.text)
    print(f"Comment {info.id} added to {info.target_kind} {info.target_id}.")
    return EXIT_OK


@command(
    "comment list",
    help="list comments you may read",
    args=[
        Arg("--json", action="store_true", help="print a JSON array of objects"),
        Arg("--kind", default=None, help="only comments on this kind"),
        Arg("--id", type=int, default=None, help="only comments on this item"),
        Arg("--open", action="store_true", help="only unresolved comments"),
    ],
)
def _run_comment_list(ctx: CliContext) -> int:
    from scholar_desk.core.services import comments

    with ctx.library.reading() as session:
        rows = comments.list_comments(
            session, ctx.actor, ctx.args.kind, ctx.args.id, unresolved_only=ctx.args.open
        )
    if ctx.args.json:
        ctx.print_json([r.to_json() for r in rows])
        return EXIT_OK
    for r in rows:
        state = "resolved" if r.resolved else "open"
        print(
            f"{r.id:>4}  {r.created_at:%Y-%m-%d}  {r.author:<12} {state:<8} "
            f"{r.target_kind} {r.target_id} ({r.target_label}): {r.body}"
        )
    return EXIT_OK


@command(
    "comment resolve",
    help="mark a comment resolved",
    args=[Arg("comment_id", type=int)],
)
def _run_comment_resolve(ctx: CliContext) -> int:
    from scholar_desk.core.services import comments

    with ctx.library.transaction() as session:
        info = comments.resolve_comment(session, ctx.actor, ctx.args.comment_id)
    print(f"Comment {info.id} resolved.")
    return EXIT_OK


@command(
    "deadlines",
    help="overdue and upcoming deadlines",
    args=[
        Arg("--days", type=int, default=30, help="how far ahead to look (default 30)"),
        Arg("--json", action="store_true", help="print a JSON array of objects"),
    ],
)
def _run_deadlines(ctx: CliContext) -> int:
    from scholar_desk.core import clock
    from scholar_desk.core.services import deadline_calendar, deadlines

    today = clock.today()
    with ctx.library.reading() as session:
        overdue, soon = deadlines.upcoming(session, ctx.actor, days=ctx.args.days, today=today)
    rows = deadline_calendar.deadline_rows([*overdue, *soon], today)
    if ctx.args.json:
        ctx.print_json(rows)
        return EXIT_OK
    for row in rows:
        days = int(str(row["days_left"]))
        when = "today" if days == 0 else (f"{-days} d overdue" if days < 0 else f"in {days} d")
        print(f"{row['due_on']}  {when:>13}  {row['kind']!s:<12}  {row['title']}")
    print(f"({len(overdue)} overdue, {len(soon)} due within {ctx.args.days} days)")
    return EXIT_OK


@command(
    "calendar",
    help="deadlines as an iCalendar (.ics) file",
    args=[
        Arg("out", metavar="OUT.ics", help="file to write"),
        Arg("--include-done", action="store_true", help="also ticked-off tasks"),
        force_arg(),
    ],
)
def _run_calendar(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import deadline_calendar

    with ctx.library.reading() as session:
        count = deadline_calendar.export_calendar(
            session,
            ctx.actor,
            Path(ctx.args.out),
            include_done=ctx.args.include_done,
            force=ctx.args.force,
        )
    print(f"Wrote {count} deadlines to {ctx.args.out}")
    return EXIT_OK


# Any tracker record: add, edit, delete -------------------------------------------------


def _kind_help() -> str:
    from scholar_desk.core.services.kinds import KINDS

    return f"one of: {', '.join(KINDS)} (or its plural)"


_SET = Arg(
    "--set",
    dest="values",
    action="append",
    default=[],
    metavar="FIELD=VALUE",
    help="a field and its value; repeat for more. Dates are YYYY-MM-DD, links the other "
    "record's id, yes/no fields true or false, and FIELD= clears a field",
)


def _fields_by_kind() -> str:
    import textwrap

    from scholar_desk.core.services.kinds import KINDS

    lines = ["fields of each kind:"]
    for kind in KINDS.values():
        names = ", ".join(f.name for f in kind.fields)
        lines += textwrap.wrap(
            f"{kind.name}: {names}", 78, initial_indent="  ", subsequent_indent="    "
        )
    return "\n".join(lines)


_KIND = Arg("kind", metavar="KIND", help=_kind_help)
_JSON = Arg("--json", action="store_true", help="print the record as JSON, as 'list --json' does")


@command(
    "add",
    help="add a tracker record of any kind",
    args=[_KIND, _SET, _JSON],
    epilog=_fields_by_kind,
)
def _run_add(ctx: CliContext) -> int:
    from scholar_desk.core.services import items

    kind = tracker_kind(ctx.args.kind)
    values = field_values(kind, ctx.args.values)
    with ctx.library.transaction() as session:
        record = items.create_item(session, ctx.actor, kind.name, values)
    return _print_record(ctx, "Added", record)


@command(
    "edit",
    help="change fields of a tracker record",
    args=[_KIND, Arg("id", type=int, help="the record's id"), _SET, _JSON],
    epilog=_fields_by_kind,
)
def _run_edit(ctx: CliContext) -> int:
    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services import items

    kind = tracker_kind(ctx.args.kind)
    values = field_values(kind, ctx.args.values)
    if not values:
        raise ValidationError({"--set": "give at least one FIELD=VALUE to change."})
    with ctx.library.transaction() as session:
        record = items.update_item(session, ctx.actor, kind.name, ctx.args.id, values)
    return _print_record(ctx, "Saved", record)


@command(
    "delete",
    help="delete a tracker record (and what only it holds)",
    args=[_KIND, Arg("id", type=int, help="the record's id")],
)
def _run_delete(ctx: CliContext) -> int:
    from scholar_desk.core.services import items

    kind = tracker_kind(ctx.args.kind)
    with ctx.library.transaction() as session:
        label = items.get_item(session, ctx.actor, kind.name, ctx.args.id).label
        items.delete_item(session, ctx.actor, kind.name, ctx.args.id)
    print(f"Deleted {kind.name} {ctx.args.id}: {label}")
    return EXIT_OK


def _print_record(ctx: CliContext, verb: str, record: Any) -> int:
    if ctx.args.json:
        ctx.print_json(record.to_json())
    else:
        print(f"{verb} {record.kind} {record.id}: {record.label}")
    return EXIT_OK
