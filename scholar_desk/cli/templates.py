"""PowerPoint templates (.potx) for a meeting: a poster and a slide deck to finish by hand."""

from __future__ import annotations

import sys

from scholar_desk.cli.registry import EXIT_OK, Arg, CliContext, command, force_arg, group

group(
    "template",
    help="PowerPoint templates (.potx) to finish in PowerPoint",
    metavar="KIND",
    dest="template_kind",
)


def _conference_arg() -> Arg:
    return Arg(
        "--conference",
        default=None,
        metavar="ID",
        help="the meeting: its id, acronym or name (see `list conferences`)",
    )


def _template_arg(kind: str) -> Arg:
    default = "poster-professional" if kind == "poster" else "deck-professional"
    return Arg(
        "--template",
        default=None,
        metavar="FILE",
        help=f"theme, colours and master from a .pptx/.potx file (default: {default})",
    )


def _logo_arg() -> Arg:
    return Arg(
        "--logo",
        action="append",
        default=[],
        metavar="FILE",
        help="an institution's logo (PNG, JPEG...); repeat for more",
    )


def _size_help() -> str:
    from scholar_desk.core.formats.poster_rules import SIZE_HELP

    return (
        f"page size: {SIZE_HELP}, or 'screen' for the meeting's e-poster screens "
        "(default: the meeting's board, else 48x36in)"
    )


def _layouts() -> list[str]:
    from scholar_desk.core.formats.potx_poster import STYLES

    return list(STYLES)


@command(
    "template poster",
    help="a one-slide poster template at the meeting's size",
    args=[
        Arg("out", metavar="OUT.potx", help="the template file to write"),
        _conference_arg(),
        Arg("--size", default=None, help=_size_help),
        Arg("--layout", choices=_layouts, default="classic", help="classic or better"),
        _template_arg("poster"),
        _logo_arg(),
        Arg(
            "--abstract",
            type=int,
            default=None,
            metavar="ID",
            help="fill the title and authors from this abstract",
        ),
        force_arg(),
    ],
)
def _run_template_poster(ctx: CliContext) -> int:
    from scholar_desk.core.formats.poster_rules import size_text
    from scholar_desk.core.services import template_export

    with ctx.library.reading() as session:
        conference = template_export.find_conference(session, ctx.actor, ctx.args.conference)
        result = template_export.export_poster_template(
            session,
            ctx.actor,
            ctx.args.out,
            conference_id=conference,
            size=ctx.args.size,
            layout=ctx.args.layout,
            template=ctx.args.template,
            logos=ctx.args.logo,
            abstract_id=ctx.args.abstract,
            force=ctx.args.force,
        )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"Wrote the poster template ({size_text(result.width, result.height)}) to {result.path}")
    return EXIT_OK


@command(
    "template slides",
    help="a 16:9 slide template with the layouts a talk needs",
    args=[
        Arg("out", metavar="OUT.potx", help="the template file to write"),
        _conference_arg(),
        _template_arg("slides"),
        _logo_arg(),
        force_arg(),
    ],
)
def _run_template_slides(ctx: CliContext) -> int:
    from scholar_desk.core.services import template_export

    with ctx.library.reading() as session:
        conference = template_export.find_conference(session, ctx.actor, ctx.args.conference)
        result = template_export.export_slide_template(
            session,
            ctx.actor,
            ctx.args.out,
            conference_id=conference,
            template=ctx.args.template,
            logos=ctx.args.logo,
            force=ctx.args.force,
        )
    print(f"Wrote the slide template ({len(result.layouts)} layouts) to {result.path}")
    return EXIT_OK
