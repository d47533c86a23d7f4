"""Reference lists in a journal's style, and the citation styles to choose from."""

from __future__ import annotations

import sys

from scholar_desk.cli.registry import EXIT_OK, Arg, CliContext, command, force_arg, group


@command(
    "bibliography",
    help="a reference list in a journal's style (stdout, or .txt/.html/.docx)",
    args=[
        Arg("refs", nargs="*", type=int, metavar="REF_ID", help="references to list by id"),
        Arg("--manuscript", type=int, default=None, metavar="ID", help="what a manuscript cites"),
        Arg("--project", type=int, default=None, metavar="ID", help="what a project cites"),
        Arg("--abstract", type=int, default=None, metavar="ID", help="what an abstract cites"),
        Arg(
            "--style",
            default=None,
            help="style name (see `style list`); default: the manuscript's journal's, the "
            "abstract's meeting's, else AMA",
        ),
        Arg("--out", default=None, metavar="OUT", help="write .txt, .html or .docx here"),
        force_arg(),
    ],
)
def _run_bibliography(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.formats import bibliography_files
    from scholar_desk.core.services import bibliography

    targets = [
        (kind, value)
        for kind, value in (
            ("manuscript", ctx.args.manuscript),
            ("project", ctx.args.project),
            ("abstract", ctx.args.abstract),
        )
        if value is not None
    ]
    if len(targets) > 1 or (targets and ctx.args.refs) or not (targets or ctx.args.refs):
        raise ValidationError(
            {"target": "give one of --manuscript, --project, --abstract, or reference ids."}
        )
    kind, target_id = targets[0] if targets else (None, None)
    with ctx.library.reading() as session:
        listing = bibliography.reference_list(
            session,
            ctx.actor,
            kind,
            target_id,
            ctx.args.refs,
            style=ctx.args.style,
        )
    formatted = listing.formatted
    for warning in formatted.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if ctx.args.out is None:
        sys.stdout.write(bibliography_files.as_text(formatted))
        return EXIT_OK
    out = Path(ctx.args.out)
    bibliography_files.write(formatted, out, force=ctx.args.force)
    count = len(formatted.entries)
    print(
        f"Wrote {count} reference{'s' if count != 1 else ''} of {listing.source} in "
        f"{formatted.title} ({listing.style_reason}) to {out}"
    )
    return EXIT_OK


group("style", help="citation styles: list, add a .csl file, remove", dest="style_action")


@command(
    "style list",
    help="the citation styles to choose from",
    args=[Arg("--json", action="store_true", help="as JSON")],
)
def _run_style_list(ctx: CliContext) -> int:
    from scholar_desk.core.services import styles

    with ctx.library.reading() as session:
        found = styles.available(session)
    if ctx.args.json:
        ctx.print_json([{"name": s.name, "title": s.title, "shipped": s.shipped} for s in found])
        return EXIT_OK
    width = max(len(s.name) for s in found)
    for style in found:
        origin = "" if style.shipped else "  (added)"
        print(f"{style.name:<{width}}  {style.title}{origin}")
    return EXIT_OK


@command(
    "style add",
    help="add a CSL style file (.csl) to choose for journals, meetings and lists",
    args=[
        Arg("path", metavar="FILE.csl"),
        Arg("--name", default=None, help="its name (default: the file name)"),
    ],
)
def _run_style_add(ctx: CliContext) -> int:
    from scholar_desk.core.services import styles

    with ctx.library.transaction() as session:
        info = styles.add(session, ctx.actor, ctx.args.path, ctx.args.name)
    print(f"Added the citation style '{info.name}': {info.title}")
    return EXIT_OK


@command(
    "style remove",
    help="remove a style you added (journals naming it fall back to AMA)",
    args=[Arg("name", metavar="NAME")],
)
def _run_style_remove(ctx: CliContext) -> int:
    from scholar_desk.core.services import styles

    with ctx.library.transaction() as session:
        styles.remove(session, ctx.actor, ctx.args.name)
    print(f"Removed the citation style '{ctx.args.name}'")
    return EXIT_OK
