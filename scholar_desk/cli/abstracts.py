"""Conference abstracts: counting against the meeting's rules."""

from __future__ import annotations

from scholar_desk.cli.registry import EXIT_OK, Arg, CliContext, command, group

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
