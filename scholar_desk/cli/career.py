"""A fellow's record at work: CV, ERAS Scholarly Works, program requirements and reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scholar_desk.cli.registry import EXIT_OK, Arg, CliContext, command, force_arg

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
