"""References from a DOI, PMID or PMCID; completing references; retraction checks.

Each command asks Crossref or PubMed only when run; the addresses come from
``SCHOLAR_DESK_CROSSREF_URL`` and ``SCHOLAR_DESK_EUTILS_URL``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scholar_desk.cli.registry import EXIT_OK, EXIT_USER_ERROR, Arg, CliContext, command

if TYPE_CHECKING:
    from scholar_desk.core.services.lookup import LookupSettings, Outcome


def _settings() -> LookupSettings:
    from scholar_desk.core.services.lookup import LookupSettings
    from scholar_desk.core.settings import Settings

    return LookupSettings.from_environment(Settings.load().lookup_mailto)


def _say_problems(outcome: Outcome) -> None:
    for typed, message in outcome.problems:
        print(f"{typed}: {message}", file=sys.stderr)


@command(
    "add-ref",
    help="add references by DOI, PMID or PMCID (fetched from Crossref or PubMed)",
    args=[
        Arg("identifiers", nargs="*", metavar="ID", help="DOIs, PMIDs (digits) or PMCIDs"),
        Arg("--retry", action="store_true", help="also try again the ones kept while offline"),
        Arg(
            "--on-duplicate",
            choices=["skip", "merge", "keep"],
            default="skip",
            help="what to do with one already in the library (default: skip)",
        ),
        Arg("--json", action="store_true", help="print what was added as JSON"),
    ],
)
def _run_add_ref(ctx: CliContext) -> int:
    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services import lookup, permissions

    identifiers, problems = lookup.parse_identifiers(ctx.args.identifiers)
    with ctx.library.reading() as session:
        permissions.require(session, ctx.actor, permissions.CREATE, permissions.REFERENCE, None)
        if ctx.args.retry:
            again, _ = lookup.parse_identifiers(lookup.queued(session, ctx.actor))
            identifiers += [i for i in again if i not in identifiers]
    for problem in problems:
        print(problem, file=sys.stderr)
    if not identifiers:
        if problems:
            return EXIT_USER_ERROR
        raise ValidationError({"ID": "give DOIs, PMIDs or PMCIDs, or --retry."})
    outcome = lookup.look_up(identifiers, _settings())
    _say_problems(outcome)
    with ctx.library.transaction() as session:
        report = lookup.add_found(session, ctx.actor, outcome, on_duplicate=ctx.args.on_duplicate)
    if ctx.args.json:
        ctx.print_json(report.to_json())
    else:
        print(
            f"Added {report.imported} reference{'s' if report.imported != 1 else ''}"
            f" ({report.duplicates} already in the library)."
        )
    if outcome.offline:
        print(
            f"{len(outcome.offline)} could not be fetched now and wait for "
            "`scholar-desk add-ref --retry`.",
            file=sys.stderr,
        )
    return EXIT_OK if outcome.found else EXIT_USER_ERROR


@command(
    "complete-ref",
    help="fill the empty fields of references from their DOI or PMID",
    args=[Arg("refs", nargs="+", type=int, metavar="REF_ID")],
)
def _run_complete_ref(ctx: CliContext) -> int:
    from scholar_desk.core.db import models as m
    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services import lookup, permissions

    wanted: dict[int, lookup.Identifier] = {}
    with ctx.library.reading() as session:
        permissions.require(session, ctx.actor, permissions.UPDATE, permissions.REFERENCE, None)
        for ref_id in ctx.args.refs:
            row = session.get(m.Reference, ref_id)
            if row is None:
                raise ValidationError({"REF_ID": f"No reference with id {ref_id}."})
            if row.doi:
                wanted[ref_id] = lookup.Identifier("doi", row.doi, row.doi)
            elif row.pmid:
                wanted[ref_id] = lookup.Identifier("pmid", row.pmid, f"PMID {row.pmid}")
            else:
                print(f"{row.citation_key}: no DOI or PMID to complete it from.", file=sys.stderr)
    outcome = lookup.look_up(list(wanted.values()), _settings())
    _say_problems(outcome)
    found = dict(outcome.found)
    with ctx.library.transaction() as session:
        for ref_id, identifier in wanted.items():
            if identifier in found:
                filled = lookup.complete_reference(session, ctx.actor, ref_id, found[identifier])
                names = ", ".join(filled) if filled else "nothing was missing"
                print(f"Reference {ref_id}: {names}")
    return EXIT_OK if found else EXIT_USER_ERROR


@command(
    "check-retractions",
    help="ask Crossref whether references were retracted (all with a DOI, or those given)",
    args=[Arg("refs", nargs="*", type=int, metavar="REF_ID")],
)
def _run_check_retractions(ctx: CliContext) -> int:
    from scholar_desk.core.services import lookup, permissions

    with ctx.library.reading() as session:
        permissions.require(session, ctx.actor, permissions.UPDATE, permissions.REFERENCE, None)
        targets = lookup.doi_targets(session, ctx.args.refs or None)
    identifiers = {ref_id: lookup.Identifier("doi", doi, doi) for ref_id, doi in targets}
    outcome = lookup.look_up(list(identifiers.values()), _settings())
    _say_problems(outcome)
    found = dict(outcome.found)
    flagged = 0
    with ctx.library.transaction() as session:
        for ref_id, identifier in identifiers.items():
            if identifier in found:
                lookup.store_notices(session, ctx.actor, ref_id, found[identifier].notices)
        notices = lookup.serious_notices(session, identifiers)
        for ref_id, kept in notices.items():
            flagged += 1
            print(f"Reference {ref_id}: " + "; ".join(n.sentence() for n in kept))
    checked = len(found)
    print(f"Checked {checked} of {len(identifiers)} references with a DOI; {flagged} flagged.")
    return EXIT_OK if checked or not identifiers else EXIT_USER_ERROR
