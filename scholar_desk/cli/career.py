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
