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
from scholar_desk.core.errors import AuthenticationError, ScholarDeskError
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
    p.add_argument("--search", default=None, help="references only: search text")
    p.set_defaults(func=_run_list)


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


def _add_demo(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", parents=[common], help="fill the database with a realistic demo")
    p.set_defaults(func=_run_demo, needs_login=False)


def _run_demo(ctx: CliContext) -> int:
    from scholar_desk.core.services import demo

    with ctx.library.transaction() as session:
        summary = demo.fill(session)
    print(summary)
    return EXIT_OK


def _parse_day(text: str | None, field: str = "on") -> Any:
    import datetime as dt

    from scholar_desk.core.errors import ValidationError

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {field: f"'{text}' is not a date; use YYYY-MM-DD, e.g. 2026-07-01."}
        ) from None


def _add_submission(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("submission", parents=[common], help="move a submission along its workflow")
    actions = p.add_subparsers(dest="submission_action", metavar="ACTION", required=True)
    status = actions.add_parser("status", parents=[common], help="change a submission's status")
    status.add_argument("id", type=int, help="submission id")
    status.add_argument("new_status", help="e.g. 'under review', 'major revision', 'rejected'")
    status.add_argument(
        "--on", default=None, help="date of the change, YYYY-MM-DD (default today)"
    )
    status.add_argument("--note", default="", help="a note kept with the event")
    status.set_defaults(func=_run_submission_status)
    again = actions.add_parser(
        "resubmit", parents=[common], help="send a rejected manuscript to another journal"
    )
    again.add_argument("id", type=int, help="the rejected or withdrawn submission")
    again.add_argument("journal_id", type=int, help="the journal it now goes to")
    again.add_argument("--on", default=None, help="submission date, YYYY-MM-DD (default today)")
    again.set_defaults(func=_run_submission_resubmit)


def _run_submission_status(ctx: CliContext) -> int:
    from scholar_desk.core.services import submissions

    args = ctx.args
    on = _parse_day(args.on)
    with ctx.library.transaction() as session:
        before = submissions.timeline(session, ctx.actor, args.id, whole_chain=False)
        record = submissions.change_status(
            session, ctx.actor, args.id, args.new_status, on, args.note
        )
    old = before[-1].to_status if before else "?"
    print(f"Submission {record.id}: {old} -> {record['status']} on {record['status_changed_on']}")
    return EXIT_OK


def _run_submission_resubmit(ctx: CliContext) -> int:
    from scholar_desk.core.services import submissions

    args = ctx.args
    on = _parse_day(args.on)
    with ctx.library.transaction() as session:
        record = submissions.resubmit(session, ctx.actor, args.id, args.journal_id, on)
    print(
        f"Submission {record.id} to {record['journal_label']} "
        f"(resubmission of {args.id}) submitted on {record['submitted_on']}"
    )
    return EXIT_OK


def _add_abstract(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("abstract", parents=[common], help="work with conference abstracts")
    actions = p.add_subparsers(dest="abstract_action", metavar="ACTION", required=True)
    count = actions.add_parser(
        "count", parents=[common], help="count an abstract against its conference's rule"
    )
    count.add_argument("id", type=int, help="abstract id")
    count.add_argument("--json", action="store_true", help="print the counts as JSON")
    count.set_defaults(func=_run_abstract_count)


def _run_abstract_count(ctx: CliContext) -> int:
    from scholar_desk.core.services import abstracts

    with ctx.library.reading() as session:
        detail = abstracts.get_abstract_detail(session, ctx.actor, ctx.args.id)
    result = detail.count
    if ctx.args.json:
        ctx.print_json(
            {
                "id": detail.id,
                "unit": result.unit,
                "body_count": result.body_count,
                "body_limit": result.body_limit,
                "over": result.over,
                "title_count": result.title_count,
                "title_limit": result.title_limit,
                "title_unit": result.title_unit,
                "title_over": result.title_over,
                "rule": detail.rule.describe(),
            }
        )
        return EXIT_OK
    meeting = detail.conference_name or "no conference chosen"
    print(f"Abstract {detail.id}: {detail.title}")
    print(f"Rule ({meeting}): {detail.rule.describe()}")
    print(f"Body:  {result.label}{'  OVER THE LIMIT' if result.over else ''}")
    print(f"Title: {result.title_label}{'  OVER THE LIMIT' if result.title_over else ''}")
    return EXIT_OK


# Accounts, comments, audit, backups ------------------------------------------------------


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
    first = getpass.getpass(f"{prompt}: ")
    if getpass.getpass("Again: ") != first:
        raise ValidationError({"password": "the two passwords differ; nothing was changed"})
    return first


def _add_user(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("user", parents=[common], help="accounts: add, list, passwd, assign")
    user_sub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_sub.add_parser("add", parents=[common], help="create an account")
    add.add_argument("name", help="login name")
    add.add_argument("--role", required=True, choices=("fellow", "mentor", "director"))
    add.add_argument("--person", type=int, default=None, help="id of the person it stands for")
    add.set_defaults(func=_run_user_add)
    lst = user_sub.add_parser("list", parents=[common], help="list accounts (directors)")
    lst.add_argument("--json", action="store_true", help="print a JSON array of objects")
    lst.set_defaults(func=_run_user_list)
    pw = user_sub.add_parser("passwd", parents=[common], help="set a password")
    pw.add_argument("name", help="your own account, or any for a director")
    pw.set_defaults(func=_run_user_passwd)
    assign = user_sub.add_parser("assign", parents=[common], help="assign a fellow to a mentor")
    assign.add_argument("mentor", help="the mentor's login name")
    assign.add_argument("fellow_person_id", type=int, help="the fellow's person id")
    assign.set_defaults(func=_run_user_assign)


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


def _run_user_passwd(ctx: CliContext) -> int:
    from scholar_desk.core.services import accounts

    password = _new_password(f"New password for {ctx.args.name}")
    with ctx.library.transaction() as session:
        accounts.set_password(session, ctx.actor, ctx.args.name, password)
    print(f"Password of {ctx.args.name} changed.")
    return EXIT_OK


def _run_user_assign(ctx: CliContext) -> int:
    from scholar_desk.core.services import accounts

    with ctx.library.transaction() as session:
        info = accounts.assign_mentor(
            session, ctx.actor, ctx.args.mentor, ctx.args.fellow_person_id
        )
    print(f"{info.username} now mentors person ids {', '.join(map(str, info.mentees))}.")
    return EXIT_OK


def _add_comment(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("comment", parents=[common], help="review comments: add, list, resolve")
    comment_sub = p.add_subparsers(dest="comment_command", metavar="ACTION", required=True)
    add = comment_sub.add_parser("add", parents=[common], help="comment on an item")
    add.add_argument("kind", help="project, manuscript, submission, abstract...")
    add.add_argument("id", type=int, help="the item's id")
    add.add_argument("text", help="the comment")
    add.set_defaults(func=_run_comment_add)
    lst = comment_sub.add_parser("list", parents=[common], help="list comments you may read")
    lst.add_argument("--json", action="store_true", help="print a JSON array of objects")
    lst.add_argument("--kind", default=None, help="only comments on this kind")
    lst.add_argument("--id", type=int, default=None, help="only comments on this item")
    lst.add_argument("--open", action="store_true", help="only unresolved comments")
    lst.set_defaults(func=_run_comment_list)
    res = comment_sub.add_parser("resolve", parents=[common], help="mark a comment resolved")
    res.add_argument("comment_id", type=int)
    res.set_defaults(func=_run_comment_resolve)


def _run_comment_add(ctx: CliContext) -> int:
    from scholar_desk.core.services import comments

    with ctx.library.transaction() as session:
        info = comments.add_comment(session, ctx.actor, ctx.args.kind, ctx.args.id, ctx.args.text)
    print(f"Comment {info.id} added to {info.target_kind} {info.target_id}.")
    return EXIT_OK


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


def _run_comment_resolve(ctx: CliContext) -> int:
    from scholar_desk.core.services import comments

    with ctx.library.transaction() as session:
        info = comments.resolve_comment(session, ctx.actor, ctx.args.comment_id)
    print(f"Comment {info.id} resolved.")
    return EXIT_OK


def _add_audit(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("audit", parents=[common], help="browse the audit trail (directors)")
    p.add_argument("--json", action="store_true", help="print a JSON array of objects")
    p.add_argument("--kind", default=None, help="only this kind of record")
    p.add_argument("--by", dest="by_user", default=None, help="only changes by this account")
    p.add_argument("--record", type=int, default=None, help="only this record id")
    p.add_argument("--limit", type=int, default=1000, help="at most this many (newest first)")
    p.set_defaults(func=_run_audit)


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


def _add_backup(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("backup", parents=[common], help="write a verified copy of the database")
    p.add_argument("out", help="new file (or folder) to write")
    p.set_defaults(func=_run_backup)


def _run_backup(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import backups

    info = backups.create_backup(ctx.library, ctx.actor, Path(ctx.args.out))
    print(f"Backup written and verified: {info.path} ({info.size:,} bytes).")
    return EXIT_OK


def _add_restore(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "restore", parents=[common], help="replace the database with a backup (kept safe first)"
    )
    p.add_argument("backup_file", metavar="IN", help="the backup to restore")
    p.set_defaults(func=_run_restore, before_open=_restore_over_damaged)


def _print_restored(result: Any) -> None:
    print(f"Restored from {result.restored_from}.")
    if result.safety_backup:
        print(f"The database as it was is kept in {result.safety_backup}.")
    if result.moved_aside:
        print(f"The damaged database was moved to {result.moved_aside}.")


def _restore_over_damaged(args: argparse.Namespace, target: str) -> int | None:
    """A damaged file cannot be opened to sign in: move it aside and restore directly."""
    from pathlib import Path

    from scholar_desk.core.services import backups

    if "://" in target:
        return None
    path = Path(target).expanduser().resolve()
    missing = not path.exists() or path.stat().st_size == 0
    if not missing and backups.check_file(path, full=False) == "ok":
        return None
    result = backups.restore(path, Path(args.backup_file), SINGLE_USER)
    with Library.open(path):
        pass
    _print_restored(result)
    return EXIT_OK


def _run_restore(ctx: CliContext) -> int:
    from pathlib import Path

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


def _add_import(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "import", parents=[common], help="import references (.bib, .ris, .nbib/MEDLINE)"
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="files to import")
    p.add_argument(
        "--dry-run", action="store_true", help="report what would happen; write nothing"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--on-duplicate",
        choices=["skip", "merge", "keep"],
        default="skip",
        help="what to do with duplicates (default: skip)",
    )
    p.add_argument("--tag", action="append", default=[], help="tag every imported reference")
    p.set_defaults(func=_run_import)


def _run_import(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import references

    results = references.read_files([Path(f) for f in ctx.args.files])
    options: dict[str, Any] = {"on_duplicate": ctx.args.on_duplicate, "tags": ctx.args.tag}
    if ctx.args.dry_run:
        with ctx.library.reading() as session:
            report = references.import_parsed(session, ctx.actor, results, dry_run=True, **options)
    else:
        with ctx.library.transaction() as session:
            report = references.import_parsed(session, ctx.actor, results, **options)
    if ctx.args.json:
        ctx.print_json(report.to_json())
        return EXIT_OK
    for item in report.files:
        print(
            f"{item.file}: {item.entries} entries, {item.imported} imported, "
            f"{item.duplicates} duplicates, {item.skipped} skipped"
            + ("" if item.encoding in ("utf-8", "utf-16") else f" (read as {item.encoding})")
        )
    for problem in report.problems:
        print(f"{problem.file}:{problem.line}: {problem.kind}: {problem.message}")
    print(report.summary())
    return EXIT_OK


def _add_export(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", parents=[common], help="export records to a file")
    formats = p.add_subparsers(dest="export_format", metavar="FORMAT", required=True)
    bib = formats.add_parser("bib", parents=[common], help="references as BibTeX")
    bib.add_argument("out", metavar="OUT.bib", help="file to write")
    bib.add_argument("--project", type=int, default=None, help="only references of this project")
    bib.add_argument("--tag", default=None, help="only references with this tag")
    bib.set_defaults(func=_run_export_bib)


def _run_export_bib(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import references

    with ctx.library.reading() as session:
        count = references.export_bib(
            session, Path(ctx.args.out), project_id=ctx.args.project, tag=ctx.args.tag
        )
    print(f"Wrote {count} references to {ctx.args.out}")
    return EXIT_OK


def _add_report(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "report",
        parents=[common],
        help="scholarly activity report for an academic year (.csv, .xlsx or .pdf)",
    )
    p.add_argument("out", metavar="OUT", help="file to write: .csv, .xlsx or .pdf")
    p.add_argument(
        "--year",
        type=int,
        default=None,
        help="academic year by its first calendar year: 2026 = July 1 2026 to June 30 2027 "
        "(default: the one containing today)",
    )
    p.add_argument("--fellow", default=None, help="only this fellow (name, family name or id)")
    p.add_argument("--strict", action="store_true", help="treat data gaps as an error")
    p.set_defaults(func=_run_report)


def _run_report(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.errors import ExportError
    from scholar_desk.core.formats.report_files import FORMATS, write_report
    from scholar_desk.core.services import report

    out = Path(ctx.args.out)
    if out.suffix.lower().lstrip(".") not in FORMATS:
        raise ExportError(
            f"Cannot tell the format of '{out.name}': end it with .csv, .xlsx or .pdf."
        )
    with ctx.library.reading() as session:
        ids = None
        if ctx.args.fellow is not None:
            ids = [report.find_fellow(session, ctx.actor, ctx.args.fellow).person_id]
        activity = report.build_report(session, ctx.actor, ctx.args.year, fellow_ids=ids)
    for warning in activity.warnings:
        print(f"warning: {warning.fellow}: {warning.message}", file=sys.stderr)
    if activity.warnings and ctx.args.strict:
        raise ExportError(
            f"{len(activity.warnings)} data gap(s) found and --strict was given; "
            "fix them or leave out --strict. Nothing was written."
        )
    write_report(activity, out)
    count = len(activity.fellows)
    fellows = f"{count} fellow{'s' if count != 1 else ''}"
    print(f"Wrote the {activity.label} report for {fellows} to {out}")
    return EXIT_OK


def _add_deadlines(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("deadlines", parents=[common], help="overdue and upcoming deadlines")
    p.add_argument("--days", type=int, default=30, help="how far ahead to look (default 30)")
    p.add_argument("--json", action="store_true", help="print a JSON array of objects")
    p.set_defaults(func=_run_deadlines)


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


def _add_calendar(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("calendar", parents=[common], help="deadlines as an iCalendar (.ics) file")
    p.add_argument("out", metavar="OUT.ics", help="file to write")
    p.add_argument("--include-done", action="store_true", help="also ticked-off tasks")
    p.set_defaults(func=_run_calendar)


def _run_calendar(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import deadline_calendar

    with ctx.library.reading() as session:
        count = deadline_calendar.export_calendar(
            session, ctx.actor, Path(ctx.args.out), include_done=ctx.args.include_done
        )
    print(f"Wrote {count} deadlines to {ctx.args.out}")
    return EXIT_OK


def _add_doc(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("doc", parents=[common], help="Word documents: reviewer response, CV list")
    docs = p.add_subparsers(dest="doc_kind", metavar="DOCUMENT", required=True)
    response = docs.add_parser(
        "response", parents=[common], help="response to reviewers for a revision round"
    )
    response.add_argument("submission_id", type=int, metavar="SUBMISSION_ID")
    response.add_argument("out", metavar="OUT.docx", help="file to write")
    response.add_argument("--round", type=int, default=None, help="round number (default: latest)")
    response.set_defaults(func=_run_doc_response)
    pubs = docs.add_parser(
        "publications", parents=[common], help="a fellow's publication list in AMA style"
    )
    pubs.add_argument("out", metavar="OUT.docx", help="file to write")
    pubs.add_argument("--fellow", default=None, help="the fellow (default: yourself)")
    pubs.set_defaults(func=_run_doc_publications)


def _run_doc_response(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import documents

    with ctx.library.reading() as session:
        letter = documents.export_response(
            session, ctx.actor, ctx.args.submission_id, Path(ctx.args.out), ctx.args.round
        )
    for point in letter.open_points:
        print(
            f"warning: no response yet to {point.reviewer}: {point.comment[:60]}", file=sys.stderr
        )
    points = f"{len(letter.points)} points (round {letter.round_number})"
    print(f"Wrote the response to {points} to {ctx.args.out}")
    return EXIT_OK


def _run_doc_publications(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services import documents, report

    with ctx.library.reading() as session:
        if ctx.args.fellow is not None:
            fellow_id = report.find_fellow(session, ctx.actor, ctx.args.fellow).person_id
        elif ctx.actor.person_id is not None and ctx.actor.role is not None:
            fellow_id = ctx.actor.person_id
        else:
            choices = [c for c in report.report_fellows(session, ctx.actor) if c.person_id]
            if len(choices) != 1:
                names = ", ".join(c.name for c in choices) or "none"
                raise ValidationError({"--fellow": f"choose whose list to write ({names})."})
            fellow_id = choices[0].person_id
        if fellow_id is None:
            raise ValidationError({"--fellow": "choose a fellow, not unassigned records."})
        pubs = documents.export_publication_list(session, ctx.actor, fellow_id, Path(ctx.args.out))
    total = sum(len(s.entries) for s in pubs.sections)
    print(f"Wrote {total} entries for {pubs.fellow} to {ctx.args.out}")
    return EXIT_OK


def _add_slides(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("slides", parents=[common], help="conference slide deck from an abstract")
    p.add_argument("abstract_id", metavar="ABSTRACT_ID", type=int, help="the abstract's id")
    p.add_argument("out", metavar="OUT.pptx", help="the .pptx file to write")
    p.add_argument(
        "--template",
        default=None,
        help="a .pptx/.potx file, or deck-professional (default) or deck-plain",
    )
    p.set_defaults(func=_run_slides)


def _run_slides(ctx: CliContext) -> int:
    from scholar_desk.core.services import slides

    with ctx.library.reading() as session:
        result = slides.export_deck(
            session, ctx.actor, ctx.args.abstract_id, ctx.args.out, template=ctx.args.template
        )
    print(f"Wrote {result.pages} slides to {result.path} ({result.template})")
    return EXIT_OK


def _add_poster(sub: Any, common: argparse.ArgumentParser) -> None:
    from scholar_desk.core.formats.poster import LAYOUTS, SIZES

    p = sub.add_parser("poster", parents=[common], help="conference poster from an abstract")
    p.add_argument("abstract_id", metavar="ABSTRACT_ID", type=int, help="the abstract's id")
    p.add_argument("out", metavar="OUT.pptx", help="the .pptx file to write")
    p.add_argument("--size", choices=list(SIZES), default="48x36in", help="page size")
    p.add_argument("--layout", choices=LAYOUTS, default="classic", help="classic or better")
    p.add_argument(
        "--template",
        default=None,
        help="a .pptx/.potx file (its own page size is kept), or poster-professional "
        "(default) or poster-plain",
    )
    p.add_argument(
        "--logo",
        action="append",
        default=[],
        metavar="FILE",
        help="a logo for the banner; repeat for more",
    )
    p.set_defaults(func=_run_poster)


def _run_poster(ctx: CliContext) -> int:
    from scholar_desk.core.services import slides

    with ctx.library.reading() as session:
        result = slides.export_poster(
            session,
            ctx.actor,
            ctx.args.abstract_id,
            ctx.args.out,
            size=ctx.args.size,
            layout=ctx.args.layout,
            template=ctx.args.template,
            logos=ctx.args.logo,
        )
    print(f"Wrote the poster to {result.path} ({result.template})")
    return EXIT_OK


def _add_cite(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "cite",
        parents=[common],
        help="references an abstract, project or manuscript cites (list, add, remove)",
    )
    p.add_argument("kind", choices=["abstract", "project", "manuscript"], help="what cites")
    p.add_argument("target_id", type=int, metavar="ID", help="its id")
    p.add_argument("references", type=int, nargs="*", metavar="REF_ID", help="references to add")
    p.add_argument("--remove", type=int, metavar="REF_ID", help="remove this reference")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=_run_cite)


def _run_cite(ctx: CliContext) -> int:
    from dataclasses import asdict

    from scholar_desk.core.services import citations

    args = ctx.args
    if args.references or args.remove is not None:
        with ctx.library.transaction() as session:
            if args.references:
                listed = citations.cite(
                    session, ctx.actor, args.kind, args.target_id, args.references
                )
            if args.remove is not None:
                listed = citations.uncite(
                    session, ctx.actor, args.kind, args.target_id, args.remove
                )
    else:
        with ctx.library.reading() as session:
            listed = citations.citations(session, ctx.actor, args.kind, args.target_id)
    if args.json:
        ctx.print_json([{"id": c.reference_id, **asdict(c)} for c in listed])
    else:
        for c in listed:
            print(f"{c.number}. {c.text}  [{c.citation_key}, id {c.reference_id}]")
        if not listed:
            print(f"This {args.kind} cites no references yet.")
    return EXIT_OK


def _add_rekey(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "rekey", parents=[common], help="give references new citation keys from a pattern"
    )
    p.add_argument("references", type=int, nargs="*", metavar="REF_ID", help="references")
    p.add_argument("--all", action="store_true", help="every reference in the library")
    p.add_argument(
        "--pattern",
        default="{author}{year}{title}",
        help="key pattern with {author}, {year}, {title}, {journal} (default: %(default)s)",
    )
    p.add_argument("--json", action="store_true", help="print old and new keys as JSON")
    p.set_defaults(func=_run_rekey)


def _run_rekey(ctx: CliContext) -> int:
    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services import references

    args = ctx.args
    if bool(args.references) == bool(args.all):
        raise ValidationError({"references": "Give reference ids, or --all (not both)."})
    with ctx.library.transaction() as session:
        ids = references.reference_ids(session) if args.all else list(args.references)
        old = {r.id: r.citation_key for r in references.fetch_rows(session, ids).values()}
        missing = [str(i) for i in ids if i not in old]
        if missing:
            raise ValidationError({"references": f"No reference with id {', '.join(missing)}."})
        new = references.regenerate_keys(session, ctx.actor, ids, args.pattern)
    changed = [{"id": i, "old": old[i], "new": key} for i, key in new.items() if old[i] != key]
    if args.json:
        ctx.print_json(changed)
    else:
        for row in changed:
            print(f"{row['old']} -> {row['new']}")
        print(f"{len(changed)} of {len(ids)} keys changed")
    return EXIT_OK


_COMMANDS: list[Callable[[Any, argparse.ArgumentParser], None]] = [
    _add_init,
    _add_demo,
    _add_list,
    _add_import,
    _add_export,
    _add_submission,
    _add_abstract,
    _add_user,
    _add_comment,
    _add_audit,
    _add_backup,
    _add_restore,
    _add_report,
    _add_slides,
    _add_poster,
    _add_deadlines,
    _add_calendar,
    _add_doc,
    _add_cite,
    _add_rekey,
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
    if username is None and not sys.stdin.isatty():
        raise AuthenticationError(
            "This database has accounts: give --user NAME, with the password in "
            "SCHOLAR_DESK_PASSWORD or typed at the prompt."
        )
    if username is None:
        username = input("User name: ")
    if password is None:
        password = getpass.getpass(f"Password for {username}: ") if sys.stdin.isatty() else ""
    with library.transaction() as session:
        # The attempt (and any lockout) is committed before a failure is raised.
        result = accounts.try_login(session, username, password)
    return result.actor_or_raise()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error("a command is needed here")
    target = getattr(args, "db", None) or default_database()
    try:
        before_open = getattr(args, "before_open", None)
        if before_open is not None and (early := before_open(args, target)) is not None:
            return int(early)
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
