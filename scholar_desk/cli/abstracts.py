"""Conference abstracts: counting against the meeting's rules, and their figures."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scholar_desk.cli.registry import EXIT_OK, EXIT_USER_ERROR, Arg, CliContext, command, group

if TYPE_CHECKING:
    from scholar_desk.core.formats.results_table import ResultsTable

group("abstract", help="work with conference abstracts")


@command(
    "abstract count",
    help="count an abstract against its conference's rule",
    args=[
        Arg("id", type=int, help="abstract id"),
        Arg("--json", action="store_true", help="print the counts as JSON"),
    ],
)
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


group("abstract figure", help="an abstract's figures, kept in the database: add, list, remove")


@command(
    "abstract figure add",
    help="copy an image into the database as a figure of an abstract",
    args=[
        Arg("id", type=int, metavar="ID", help="abstract id"),
        Arg("image", metavar="IMAGE", help="the image file (PNG, JPEG, TIFF...; at most 25 MB)"),
        Arg("--caption", default="", help="the figure's caption"),
        Arg("--logo", action="store_true", help="a logo for the poster's banner, not a figure"),
    ],
)
def _run_abstract_figure_add(ctx: CliContext) -> int:
    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services import abstracts

    role = abstracts.LOGO if ctx.args.logo else abstracts.FIGURE
    try:
        with ctx.library.transaction() as session:
            image = abstracts.add_image(
                session, ctx.actor, ctx.args.id, ctx.args.image, ctx.args.caption, role=role
            )
    except ValidationError as exc:
        print(f"scholar-desk: {' '.join(exc.fields.values())}", file=sys.stderr)
        return EXIT_USER_ERROR
    print(
        f"Added {role} {image.id} to abstract {ctx.args.id}: {image.name} "
        f"({_size(image.size)}, stored in the database)"
    )
    return EXIT_OK


@command(
    "abstract figure list",
    help="list an abstract's figures and logos",
    args=[
        Arg("id", type=int, metavar="ID", help="abstract id"),
        Arg("--json", action="store_true", help="print a JSON array"),
    ],
)
def _run_abstract_figure_list(ctx: CliContext) -> int:
    from scholar_desk.core.services import abstracts

    with ctx.library.reading() as session:
        images = abstracts.list_images(session, ctx.actor, ctx.args.id)
    if ctx.args.json:
        ctx.print_json([image.to_json() for image in images])
        return EXIT_OK
    if not images:
        print(f"Abstract {ctx.args.id} has no figures.")
    for image in images:
        state = _size(image.size) if image.exists else "MISSING: attach it again"
        caption = f"  {image.caption}" if image.caption else ""
        print(
            f"{image.id:>5}  {image.position:>2}. {image.role:<6} {image.name} ({state}){caption}"
        )
    return EXIT_OK


@command(
    "abstract figure remove",
    help="remove a figure (or logo) from an abstract",
    args=[
        Arg("id", type=int, metavar="ID", help="abstract id"),
        Arg("figure_id", type=int, metavar="FIGURE_ID", help="the figure's id (see list)"),
    ],
)
def _run_abstract_figure_remove(ctx: CliContext) -> int:
    from scholar_desk.core.services import abstracts

    with ctx.library.transaction() as session:
        abstracts.remove_image(session, ctx.actor, ctx.args.figure_id, abstract_id=ctx.args.id)
    print(f"Removed figure {ctx.args.figure_id} from abstract {ctx.args.id}")
    return EXIT_OK


def _size(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, round(size / 1024))} KB"


group("abstract table", help="an abstract's results table (shown on the deck and the poster)")


@command(
    "abstract table set",
    help="set an abstract's results table from a .csv or .tsv file (first row: the header)",
    args=[
        Arg("id", type=int, metavar="ID", help="abstract id"),
        Arg("file", metavar="FILE", help="a .csv or .tsv file, or - for tab-separated stdin"),
        Arg("--caption", default="", help="the table's caption"),
    ],
)
def _run_abstract_table_set(ctx: CliContext) -> int:
    from dataclasses import replace

    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services import abstract_table

    try:
        table = replace(_read_table(ctx.args.file), caption=ctx.args.caption.strip())
        with ctx.library.transaction() as session:
            abstract_table.set_table(session, ctx.actor, ctx.args.id, table)
    except ValidationError as exc:
        print(f"scholar-desk: {' '.join(exc.fields.values())}", file=sys.stderr)
        return EXIT_USER_ERROR
    rows, cols = table.shape
    print(f"Set the results table of abstract {ctx.args.id}: {rows} rows x {cols} columns")
    return EXIT_OK


def _read_table(name: str) -> ResultsTable:
    """Read a .csv/.tsv file (or ``-``: standard input) into a checked table."""
    from pathlib import Path

    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.formats.results_table import parse_table

    if name == "-":
        return parse_table(sys.stdin.read(), source="standard input")
    path = Path(name)
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        raise ValidationError({"file": f"{path.name}: give a .csv or .tsv file."})
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            {"file": f"{name}: cannot be read ({exc.strerror or exc})."}
        ) from exc
    if len(raw) > 1_000_000 or b"\x00" in raw:
        raise ValidationError({"file": f"{path.name} is not a small text table."})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            {"file": f"{path.name}: not UTF-8 text (byte {exc.start + 1}); save it as CSV UTF-8."}
        ) from exc
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ""
    return parse_table(text, source=path.name, delimiter=delimiter)


@command(
    "abstract table show",
    help="print an abstract's results table (tab-separated, or --json)",
    args=[
        Arg("id", type=int, metavar="ID", help="abstract id"),
        Arg("--json", action="store_true", help="print {caption, rows} as JSON"),
    ],
)
def _run_abstract_table_show(ctx: CliContext) -> int:
    from scholar_desk.core.services import abstract_table

    with ctx.library.reading() as session:
        table = abstract_table.get_table(session, ctx.actor, ctx.args.id)
    if ctx.args.json:
        ctx.print_json(
            {"id": ctx.args.id, "caption": table.caption, "rows": [list(r) for r in table.rows]}
            if table
            else {"id": ctx.args.id, "caption": "", "rows": []}
        )
        return EXIT_OK
    if table is None:
        print(f"Abstract {ctx.args.id} has no results table.")
        return EXIT_OK
    if table.caption:
        print(table.caption)
    print(table.to_tsv())
    return EXIT_OK


@command(
    "abstract table clear",
    help="remove an abstract's results table",
    args=[Arg("id", type=int, metavar="ID", help="abstract id")],
)
def _run_abstract_table_clear(ctx: CliContext) -> int:
    from scholar_desk.core.services import abstract_table

    with ctx.library.transaction() as session:
        abstract_table.set_table(session, ctx.actor, ctx.args.id, None)
    print(f"Removed the results table of abstract {ctx.args.id}")
    return EXIT_OK
