"""Files made from the records: report, Word documents, slide decks and posters."""

from __future__ import annotations

import sys
from typing import Any

from scholar_desk.cli.registry import EXIT_OK, Arg, CliContext, command, force_arg, group


@command(
    "report",
    help="scholarly activity report for an academic year (.csv, .xlsx or .pdf)",
    args=[
        Arg("out", metavar="OUT", help="file to write: .csv, .xlsx or .pdf"),
        Arg(
            "--year",
            type=int,
            default=None,
            help="academic year by its first calendar year: 2026 = July 1 2026 to June 30 "
            "2027 (default: the one containing today)",
        ),
        Arg("--fellow", default=None, help="only this fellow (name, family name or id)"),
        Arg("--strict", action="store_true", help="treat data gaps as an error"),
        force_arg(),
    ],
)
def _run_report(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core import files
    from scholar_desk.core.errors import ExportError
    from scholar_desk.core.formats.report_files import FORMATS, write_report
    from scholar_desk.core.services import career, report

    out = Path(ctx.args.out)
    if out.suffix.lower().lstrip(".") not in FORMATS:
        raise ExportError(
            f"Cannot tell the format of '{out.name}': end it with .csv, .xlsx or .pdf."
        )
    files.check_target(out, force=ctx.args.force)
    with ctx.library.reading() as session:
        ids = None
        if ctx.args.fellow is not None:
            ids = [report.find_fellow(session, ctx.actor, ctx.args.fellow).person_id]
        activity = report.build_report(session, ctx.actor, ctx.args.year, fellow_ids=ids)
        activity = career.with_requirements(session, ctx.actor, activity)
    for warning in activity.warnings:
        print(f"warning: {warning.fellow}: {warning.message}", file=sys.stderr)
    if activity.warnings and ctx.args.strict:
        raise ExportError(
            f"{len(activity.warnings)} data gap(s) found and --strict was given; "
            "fix them or leave out --strict. Nothing was written."
        )
    write_report(activity, out, force=ctx.args.force)
    count = len(activity.fellows)
    fellows = f"{count} fellow{'s' if count != 1 else ''}"
    print(f"Wrote the {activity.label} report for {fellows} to {out}")
    return EXIT_OK


group(
    "doc", help="Word documents: reviewer response, CV list", metavar="DOCUMENT", dest="doc_kind"
)


@command(
    "doc response",
    help="response to reviewers for a revision round",
    args=[
        Arg("submission_id", type=int, metavar="SUBMISSION_ID"),
        Arg("out", metavar="OUT.docx", help="file to write"),
        Arg("--round", type=int, default=None, help="round number (default: latest)"),
        force_arg(),
    ],
)
def _run_doc_response(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import documents

    with ctx.library.reading() as session:
        letter = documents.export_response(
            session,
            ctx.actor,
            ctx.args.submission_id,
            Path(ctx.args.out),
            ctx.args.round,
            force=ctx.args.force,
        )
    for point in letter.open_points:
        print(
            f"warning: no response yet to {point.reviewer}: {point.comment[:60]}", file=sys.stderr
        )
    points = f"{len(letter.points)} points (round {letter.round_number})"
    print(f"Wrote the response to {points} to {ctx.args.out}")
    return EXIT_OK


@command(
    "doc publications",
    help="a fellow's publication list in AMA style",
    args=[
        Arg("out", metavar="OUT.docx", help="file to write"),
        Arg(
            "--fellow",
            default=None,
            help="the fellow (a fellow's default: yourself; mentors and directors must choose)",
        ),
        force_arg(),
    ],
)
def _run_doc_publications(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.records import Role
    from scholar_desk.core.services import documents, report

    with ctx.library.reading() as session:
        if ctx.args.fellow is not None:
            fellow_id = report.find_fellow(session, ctx.actor, ctx.args.fellow).person_id
        elif ctx.actor.person_id is not None and ctx.actor.role == Role.FELLOW:
            fellow_id = ctx.actor.person_id
        else:
            # A mentor or director has no list of their own here: ask whose to write
            # rather than write an empty one.
            choices = [c for c in report.report_fellows(session, ctx.actor) if c.person_id]
            if len(choices) != 1:
                names = ", ".join(c.name for c in choices) or "none"
                raise ValidationError(
                    {"--fellow": f"choose whose list to write with --fellow NAME ({names})."}
                )
            fellow_id = choices[0].person_id
        if fellow_id is None:
            raise ValidationError({"--fellow": "choose a fellow, not unassigned records."})
        pubs = documents.export_publication_list(
            session, ctx.actor, fellow_id, Path(ctx.args.out), force=ctx.args.force
        )
    total = sum(len(s.entries) for s in pubs.sections)
    print(f"Wrote {total} entries for {pubs.fellow} to {ctx.args.out}")
    return EXIT_OK


@command(
    "slides",
    help="conference slide deck from an abstract",
    args=[
        Arg("abstract_id", metavar="ABSTRACT_ID", type=int, help="the abstract's id"),
        Arg("out", metavar="OUT.pptx", help="the .pptx file to write"),
        Arg(
            "--template",
            default=None,
            help="a .pptx/.potx file, or deck-professional (default) or deck-plain",
        ),
        force_arg(),
    ],
)
def _run_slides(ctx: CliContext) -> int:
    from scholar_desk.core.services import slides

    with ctx.library.reading() as session:
        _warn_flagged(session, ctx.args.abstract_id)
        result = slides.export_deck(
            session,
            ctx.actor,
            ctx.args.abstract_id,
            ctx.args.out,
            template=ctx.args.template,
            force=ctx.args.force,
        )
    print(f"Wrote {result.pages} slides to {result.path} ({result.template})")
    return EXIT_OK


def _warn_flagged(session: Any, abstract_id: int) -> None:
    """Say, before a deck or poster is written, which cited references were retracted."""
    from scholar_desk.core.services import lookup, slides

    for warning in lookup.warnings_for(session, slides.cited_reference_ids(session, abstract_id)):
        print(f"warning: the abstract cites a flagged reference: {warning}", file=sys.stderr)


def _poster_sizes() -> list[str]:
    from scholar_desk.core.formats.poster import SIZES

    return list(SIZES)


def _poster_layouts() -> list[str]:
    from scholar_desk.core.formats.poster import LAYOUTS

    return list(LAYOUTS)


@command(
    "poster",
    help="conference poster from an abstract",
    args=[
        Arg("abstract_id", metavar="ABSTRACT_ID", type=int, help="the abstract's id"),
        Arg("out", metavar="OUT.pptx", help="the .pptx file to write"),
        Arg("--size", choices=_poster_sizes, default="48x36in", help="page size"),
        Arg("--layout", choices=_poster_layouts, default="classic", help="classic or better"),
        Arg(
            "--template",
            default=None,
            help="a .pptx/.potx file (its own page size is kept), or poster-professional "
            "(default) or poster-plain",
        ),
        Arg(
            "--logo",
            action="append",
            default=[],
            metavar="FILE",
            help="a logo for the banner, used this once (with --keep-logo: kept); repeat for more",
        ),
        Arg(
            "--keep-logo",
            action="store_true",
            help="keep the --logo files in the database: later posters, in the window too, "
            "offer them without the files",
        ),
        Arg(
            "--no-kept-logos",
            action="store_true",
            help="leave out the logos kept from earlier exports",
        ),
        force_arg(),
    ],
)
def _run_poster(ctx: CliContext) -> int:
    from scholar_desk.core.services import export_logos, slides

    with ctx.library.reading() as session:
        _warn_flagged(session, ctx.args.abstract_id)
        result = slides.export_poster(
            session,
            ctx.actor,
            ctx.args.abstract_id,
            ctx.args.out,
            size=ctx.args.size,
            layout=ctx.args.layout,
            template=ctx.args.template,
            logos=ctx.args.logo,
            kept_logos=[] if ctx.args.no_kept_logos else None,
            force=ctx.args.force,
        )
    print(f"Wrote the poster to {result.path} ({result.template})")
    if ctx.args.keep_logo and ctx.args.logo:
        # Only after the poster was made: a refused export keeps nothing either.
        with ctx.library.transaction() as session:
            kept = [export_logos.add_logo(session, ctx.actor, path) for path in ctx.args.logo]
        for logo in kept:
            print(f"Kept the logo {logo.name} for later posters (id {logo.id})")
    return EXIT_OK
