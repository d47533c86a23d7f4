"""A fellow's record at work: CV, ERAS Scholarly Works, program requirements and reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scholar_desk.cli.registry import EXIT_OK, Arg, CliContext, command, force_arg, group

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session


def fellow_id_for(session: Session, ctx: CliContext, name: str | None) -> int:
    """The fellow ``--fellow`` names, else the signed-in fellow, else the only one.

    Raises:
        NotFoundError: Nobody the actor may see has that name.
        ValidationError: No fellow given and more than one to choose from.
    """
    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services import report

    if name is not None:
        fellow_id = report.find_fellow(session, ctx.actor, name).person_id
    elif ctx.actor.person_id is not None and ctx.actor.role is not None:
        fellow_id = ctx.actor.person_id
    else:
        choices = [c for c in report.report_fellows(session, ctx.actor) if c.person_id]
        if len(choices) != 1:
            names = ", ".join(c.name for c in choices) or "none"
            raise ValidationError({"--fellow": f"choose a fellow ({names})."})
        fellow_id = choices[0].person_id
    if fellow_id is None:
        raise ValidationError({"--fellow": "choose a fellow, not unassigned records."})
    return fellow_id


def parse_day(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option, or ``None``.

    Raises:
        ValidationError: Not a date.
    """
    import datetime as dt

    from scholar_desk.core.errors import ValidationError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            {option: f"'{value}' is not a date; write it as 2026-07-01."}
        ) from None


@command(
    "cv",
    help="a fellow's scholarly CV (.docx or .pdf)",
    args=[
        Arg("out", metavar="OUT", help="file to write: .docx or .pdf"),
        Arg("--fellow", default=None, help="the fellow (default: yourself)"),
        Arg("--since", default=None, metavar="DATE", help="only works dated on or after DATE"),
        force_arg(),
    ],
)
def _run_cv(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.errors import ExportError
    from scholar_desk.core.formats.cv import FORMATS, SECTIONS
    from scholar_desk.core.services import career

    out = Path(ctx.args.out)
    if out.suffix.lower().lstrip(".") not in FORMATS:
        raise ExportError(f"Cannot tell the format of '{out.name}': end it with .docx or .pdf.")
    since = parse_day(ctx.args.since, "--since")
    with ctx.library.reading() as session:
        fellow_id = fellow_id_for(session, ctx, ctx.args.fellow)
        cv = career.export_cv(
            session, ctx.actor, fellow_id, out, since=since, force=ctx.args.force
        )
    counts = ", ".join(
        f"{cv.count(key)} {title.lower()}" for key, title in SECTIONS if cv.count(key)
    )
    print(f"Wrote the CV of {cv.fellow} to {out}: {counts}")
    return EXIT_OK


group("program", help="the program's scholarly requirements (program.toml) and progress")


@command(
    "program show",
    help="each fellow's progress against the requirements",
    args=[
        Arg("--fellow", default=None, help="only this fellow (name, family name or id)"),
        Arg("--json", action="store_true", help="print JSON"),
    ],
)
def _run_program_show(ctx: CliContext) -> int:
    from dataclasses import asdict

    from scholar_desk.core.services import career

    with ctx.library.reading() as session:
        if ctx.args.fellow is not None:
            fellow_id = fellow_id_for(session, ctx, ctx.args.fellow)
            rows = [career.fellow_progress(session, ctx.actor, fellow_id)]
        else:
            rows = career.program_progress(session, ctx.actor)
    if ctx.args.json:
        ctx.print_json([{"id": r.fellow_id, **asdict(r)} for r in rows])
        return EXIT_OK
    if rows:
        example = (
            "; an example set: adapt it, then store it with 'program set FILE'"
            if rows[0].example
            else ""
        )
        print(f"Requirements: {rows[0].program}{example}")
    for row in rows:
        print(f"\n{row.fellow}: {row.met} of {len(row.requirements)} met")
        for req in row.requirements:
            print(f"  [{req.state}] {req.title}: {req.summary}")
    if not rows:
        print("No fellows to show.")
    return EXIT_OK


@command(
    "program set",
    help="store a program.toml as the program's requirements (a director)",
    args=[Arg("file", metavar="FILE", help="the program.toml to store")],
)
def _run_program_set(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.errors import ImportFileError
    from scholar_desk.core.services import career

    path = Path(ctx.args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"Cannot read {path.name}: {exc}.") from None
    with ctx.library.transaction() as session:
        program = career.set_program(session, ctx.actor, text, source=path.name)
    example = " (marked as an example)" if program.example else ""
    print(f"Stored {len(program.requirements)} requirements of {program.name}{example}")
    return EXIT_OK


@command(
    "program get",
    help="write the requirements in force (or the shipped example) to a file",
    args=[
        Arg("out", metavar="OUT.toml", help="file to write"),
        Arg("--example", action="store_true", help="the shipped pain medicine starter set"),
        force_arg(),
    ],
)
def _run_program_get(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core import files
    from scholar_desk.core.services import career

    out = Path(ctx.args.out)
    files.check_target(out, force=ctx.args.force)
    with ctx.library.reading() as session:
        stored = None if ctx.args.example else career.stored_text(session)
    text = stored if stored is not None else career.example_text()
    files.write_bytes(out, text.encode("utf-8"), force=ctx.args.force)
    print(f"Wrote the {'example ' if stored is None else ''}requirements to {out}")
    return EXIT_OK


group("meeting", help="mentor meetings: dated notes and the actions agreed")


def _action(value: str) -> tuple[str, dt.date]:
    """``2026-12-15: Send the draft`` -> (text, date)."""
    import datetime as dt

    from scholar_desk.core.errors import ValidationError

    day, sep, text = value.partition(":")
    try:
        due = dt.date.fromisoformat(day.strip())
    except ValueError:
        due = None
    if not sep or due is None or not text.strip():
        raise ValidationError(
            {"--action": f"'{value}' is not DATE: WHAT, e.g. '2026-12-15: Send the draft'."}
        )
    return text.strip(), due


@command(
    "meeting add",
    help="record a meeting of a fellow with their mentors",
    args=[
        Arg("--fellow", default=None, help="the fellow (default: yourself)"),
        Arg("--on", default=None, metavar="DATE", help="when it was held (default: today)"),
        Arg("--attendees", default="", help="who was there"),
        Arg("--notes", default="", help="what was discussed"),
        Arg(
            "--action",
            action="append",
            default=[],
            metavar="DATE: WHAT",
            help="an action agreed, due on DATE (becomes a task); repeat for more",
        ),
    ],
)
def _run_meeting_add(ctx: CliContext) -> int:
    from scholar_desk.core import clock
    from scholar_desk.core.services import career

    held_on = parse_day(ctx.args.on, "--on") or clock.today()
    actions = [_action(a) for a in ctx.args.action]
    with ctx.library.transaction() as session:
        fellow_id = fellow_id_for(session, ctx, ctx.args.fellow)
        meeting = career.record_meeting(
            session,
            ctx.actor,
            fellow_id,
            held_on,
            attendees=ctx.args.attendees,
            notes=ctx.args.notes,
            actions=actions,
        )
    count = len(meeting.actions)
    print(
        f"Recorded meeting {meeting.id} of {meeting.fellow} on {meeting.held_on:%Y-%m-%d} "
        f"with {count} action{'s' if count != 1 else ''}"
    )
    return EXIT_OK


@command(
    "meeting list",
    help="mentor meetings, newest first",
    args=[
        Arg("--fellow", default=None, help="only this fellow"),
        Arg("--json", action="store_true", help="print JSON"),
    ],
)
def _run_meeting_list(ctx: CliContext) -> int:
    from dataclasses import asdict

    from scholar_desk.core.services import career, report

    with ctx.library.reading() as session:
        fellow_id = None
        if ctx.args.fellow is not None:
            fellow_id = report.find_fellow(session, ctx.actor, ctx.args.fellow).person_id
        meetings = career.list_meetings(session, ctx.actor, fellow_id)
    if ctx.args.json:
        ctx.print_json([asdict(x) for x in meetings])
        return EXIT_OK
    for meeting in meetings:
        who = f" ({meeting.attendees})" if meeting.attendees else ""
        print(f"{meeting.id}  {meeting.held_on:%Y-%m-%d}  {meeting.fellow}{who}")
        if meeting.notes:
            print(f"    {meeting.notes}")
        for action in meeting.actions:
            mark = "x" if action.done else " "
            print(f"    [{mark}] {action.due_on:%Y-%m-%d} {action.title}")
    if not meetings:
        print("No meetings recorded.")
    return EXIT_OK


@command(
    "packet",
    help="semiannual review packet (PDF) for a fellow or every fellow",
    args=[
        Arg("out", metavar="OUT.pdf", help="file to write"),
        Arg("--fellow", default=None, help="only this fellow (default: every fellow you see)"),
        Arg(
            "--from",
            dest="start",
            default=None,
            metavar="DATE",
            help="first day (default: half a year ago)",
        ),
        Arg("--to", dest="end", default=None, metavar="DATE", help="last day (default: today)"),
        force_arg(),
    ],
)
def _run_packet(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.errors import ExportError
    from scholar_desk.core.services import career, report

    out = Path(ctx.args.out)
    if out.suffix.lower() != ".pdf":
        raise ExportError(f"The packet is a PDF: end '{out.name}' with .pdf.")
    start = parse_day(ctx.args.start, "--from")
    end = parse_day(ctx.args.end, "--to")
    with ctx.library.reading() as session:
        ids = None
        if ctx.args.fellow is not None:
            fellow = report.find_fellow(session, ctx.actor, ctx.args.fellow).person_id
            if fellow is None:
                raise ExportError("Choose a fellow, not unassigned records.")
            ids = [fellow]
        packets = career.export_packet(
            session, ctx.actor, out, ids, start=start, end=end, force=ctx.args.force
        )
    first = packets[0]
    names = (
        ", ".join(p.fellow for p in packets) if len(packets) <= 3 else f"{len(packets)} fellows"
    )
    print(
        f"Wrote the review packet for {names} ({first.starts_on:%Y-%m-%d} to "
        f"{first.ends_on:%Y-%m-%d}) to {out}"
    )
    return EXIT_OK


@command(
    "eras",
    help='ERAS "Scholarly Works": one entry per item, as text to paste (.txt) or .docx',
    args=[
        Arg("out", metavar="OUT", help="file to write: .txt or .docx"),
        Arg("--fellow", default=None, help="the fellow (default: yourself)"),
        Arg(
            "--meaningful",
            default="",
            metavar="ID,ID,ID",
            help="up to three most meaningful entries: keys such as manuscript:3, or numbers",
        ),
        force_arg(),
    ],
)
def _run_eras(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.errors import ExportError
    from scholar_desk.core.services import career

    out = Path(ctx.args.out)
    if out.suffix.lower() not in (".txt", ".docx"):
        raise ExportError(f"Cannot tell the format of '{out.name}': end it with .txt or .docx.")
    chosen = [x for x in ctx.args.meaningful.split(",") if x.strip()]
    with ctx.library.reading() as session:
        fellow_id = fellow_id_for(session, ctx, ctx.args.fellow)
        works = career.export_eras(
            session, ctx.actor, fellow_id, out, chosen, force=ctx.args.force
        )
    print(
        f"Wrote {len(works.entries)} ERAS {works.season} season entries for {works.fellow} "
        f"({len(works.meaningful)} most meaningful) to {out}"
    )
    return EXIT_OK


@command(
    "acgme",
    help="ACGME annual update helper: counts per person, PMIDs checked against the year",
    args=[
        Arg(
            "--year",
            default=None,
            metavar="2026-2027",
            help="academic year (default: the one before the current one)",
        ),
        Arg("--json", action="store_true", help="print JSON"),
    ],
)
def _run_acgme(ctx: CliContext) -> int:
    from dataclasses import asdict

    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services import career
    from scholar_desk.core.services.career.acgme import CATEGORIES

    year = None
    if ctx.args.year is not None:
        try:
            year = career.parse_year(ctx.args.year)
        except ValueError as exc:
            raise ValidationError({"--year": str(exc)}) from None
    with ctx.library.reading() as session:
        update = career.acgme_update(session, ctx.actor, year)
    if ctx.args.json:
        ctx.print_json(
            {
                "year": update.label,
                "people": [{"id": p.person_id, **asdict(p)} for p in update.people],
            }
        )
        return EXIT_OK
    print(f"ACGME annual update, academic year {update.label}")
    for person in update.people:
        counts = "; ".join(f"{title}: {person.counts[key]}" for key, title in CATEGORIES)
        print(f"\n{person.name} ({person.role})\n  {counts}")
        for check in person.pmids:
            dates = ", ".join(
                x
                for x in (
                    f"electronic {check.electronic.isoformat()}" if check.electronic else "",
                    f"print {check.printed}" if check.printed else "",
                )
                if x
            )
            verdict = "ok" if check.accepted else "refused"
            print(f"  PMID {check.pmid} ({dates or 'no dates'}): {verdict}")
        for refusal in person.refused:
            print(f"  refused: {refusal.title}: {refusal.reason}")
    if not update.people:
        print("Nobody to show.")
    return EXIT_OK
