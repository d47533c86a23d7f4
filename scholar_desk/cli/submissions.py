"""Submission workflow: status moves and resubmission elsewhere."""

from __future__ import annotations

from scholar_desk.cli.registry import EXIT_OK, Arg, CliContext, command, group
from scholar_desk.cli.values import parse_day as _parse_day

group("submission", help="move a submission along its workflow")


@command(
    "submission status",
    help="change a submission's status",
    args=[
        Arg("id", type=int, help="submission id"),
        Arg("new_status", help="e.g. 'under review', 'major revision', 'rejected'"),
        Arg("--on", default=None, help="date of the change, YYYY-MM-DD (default today)"),
        Arg("--note", default="", help="a note kept with the event"),
    ],
)
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


@command(
    "submission resubmit",
    help="send a rejected manuscript to another journal",
    args=[
        Arg("id", type=int, help="the rejected or withdrawn submission"),
        Arg("journal_id", type=int, help="the journal it now goes to"),
        Arg("--on", default=None, help="submission date, YYYY-MM-DD (default today)"),
    ],
)
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
