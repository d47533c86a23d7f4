"""The reference library: import, export, citations and citation keys."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from scholar_desk.cli.registry import (
    EXIT_OK,
    Arg,
    CliContext,
    command,
    force_arg,
    group,
    print_json,
)

if TYPE_CHECKING:
    from scholar_desk.core.services.references.records import ImportReport


def _plain_import(args: argparse.Namespace, target: str) -> int | None:
    """Import into a current SQLite file in plain SQL, before any SQLAlchemy loads.

    The same import (`importing.import_parsed`) as through a session, in one
    ``BEGIN IMMEDIATE`` ... ``COMMIT`` of a `PlainWriter`. ``None`` (the command then runs
    as every other, with the files already read) for a server, a file that is not
    current, a sign-in that needs a password, or an import that needs a session (a
    duplicate merged into a library record).
    """
    import sqlite3
    from pathlib import Path

    from scholar_desk.cli.accounts import plain_actor
    from scholar_desk.core.db import sqlite
    from scholar_desk.core.db.plain import NotPlainError, PlainReader, PlainWriter
    from scholar_desk.core.services.references import importing, reading

    try:
        reader = PlainReader.open_current(target)
        if reader is None:
            return None
        with reader:
            actor = plain_actor(reader, getattr(args, "user", None))
    except sqlite3.Error:
        return None
    if actor is None:
        return None
    args.read_results = reading.read_files([Path(f) for f in args.files])
    options: dict[str, Any] = {"on_duplicate": args.on_duplicate, "tags": args.tag}
    try:
        unit = (PlainReader if args.dry_run else PlainWriter).open_current(target)
        if unit is None:
            return None
        with unit:
            report = importing.import_parsed(
                unit, actor, args.read_results, dry_run=args.dry_run, **options
            )
    except NotPlainError:
        return None
    except sqlite3.Error as exc:
        raise sqlite.database_error(" ".join(str(exc).split())) from exc
    return _print_report(args, report)


@command(
    "import",
    help="import references (.bib, .ris, .nbib/MEDLINE)",
    args=[
        Arg("files", nargs="+", metavar="FILE", help="files to import"),
        Arg("--dry-run", action="store_true", help="report what would happen; write nothing"),
        Arg("--json", action="store_true", help="print the report as JSON"),
        Arg(
            "--on-duplicate",
            choices=["skip", "merge", "keep"],
            default="skip",
            help="what to do with duplicates (default: skip)",
        ),
        Arg("--tag", action="append", default=[], help="tag every imported reference"),
    ],
    before_open=_plain_import,
)
def _run_import(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import references

    paths = [Path(f) for f in ctx.args.files]
    results = getattr(ctx.args, "read_results", None)
    options: dict[str, Any] = {"on_duplicate": ctx.args.on_duplicate, "tags": ctx.args.tag}
    if results is None and not ctx.args.dry_run and not ctx.library.is_sqlite:
        # On a server the files are read inside the import's transaction, so that the
        # server makes the records' search words while they are read (`import_files`).
        with ctx.library.transaction() as session:
            report = references.import_files(session, ctx.actor, paths, **options)
        return _print_report(ctx.args, report)
    if results is None:
        results = references.read_files(paths)
    if ctx.args.dry_run:
        with ctx.library.reading() as session:
            report = references.import_parsed(session, ctx.actor, results, dry_run=True, **options)
    else:
        with ctx.library.transaction() as session:
            report = references.import_parsed(session, ctx.actor, results, **options)
    return _print_report(ctx.args, report)


def _print_report(args: argparse.Namespace, report: ImportReport) -> int:
    if args.json:
        print_json(report.to_json())
        return EXIT_OK
    for item in report.files:
        print(
            f"{item.file}: {item.entries} entries, {item.imported} imported, "
            f"{item.duplicates} duplicates, {item.skipped} skipped"
            + ("" if item.encoding in ("utf-8", "utf-16") else f" (read as {item.encoding})")
        )
    for problem in report.problems:
        print(f"{problem.file}:{problem.line}: {problem.kind}: {problem.message}")
    print(report.summary())
    return EXIT_OK


group("export", help="export records to a file", metavar="FORMAT", dest="export_format")


@command(
    "export bib",
    help="references as BibTeX",
    args=[
        Arg("out", metavar="OUT.bib", help="file to write"),
        Arg("--project", type=int, default=None, help="only references of this project"),
        Arg("--tag", default=None, help="only references with this tag"),
        force_arg(),
    ],
)
def _run_export_bib(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import references

    with ctx.library.reading() as session:
        count = references.export_bib(
            session,
            ctx.actor,
            Path(ctx.args.out),
            project_id=ctx.args.project,
            tag=ctx.args.tag,
            force=ctx.args.force,
        )
    print(f"Wrote {count} references to {ctx.args.out}")
    return EXIT_OK


@command(
    "cite",
    help="references an abstract, project or manuscript cites (list, add, remove)",
    args=[
        Arg("kind", choices=["abstract", "project", "manuscript"], help="what cites"),
        Arg("target_id", type=int, metavar="ID", help="its id"),
        Arg("references", type=int, nargs="*", metavar="REF_ID", help="references to add"),
        Arg("--remove", type=int, metavar="REF_ID", help="remove this reference"),
        Arg("--json", action="store_true", help="print the list as JSON"),
    ],
)
def _run_cite(ctx: CliContext) -> int:
    from dataclasses import asdict

    from scholar_desk.core.services import citations

    args = ctx.args
    if args.references or args.remove is not None:
        with ctx.library.transaction() as session:
            if args.references:
                listed = citations.cite(
                    session, ctx.actor, args.kind, args.target_id, args.references
                )
            if args.remove is not None:
                listed = citations.uncite(
                    session, ctx.actor, args.kind, args.target_id, args.remove
                )
    else:
        with ctx.library.reading() as session:
            listed = citations.citations(session, ctx.actor, args.kind, args.target_id)
    if args.json:
        ctx.print_json([{"id": c.reference_id, **asdict(c)} for c in listed])
    else:
        for c in listed:
            print(f"{c.number}. {c.text}  [{c.citation_key}, id {c.reference_id}]")
        if not listed:
            print(f"This {args.kind} cites no references yet.")
    return EXIT_OK


@command(
    "rekey",
    help="give references new citation keys from a pattern",
    args=[
        Arg("references", type=int, nargs="*", metavar="REF_ID", help="references"),
        Arg("--all", action="store_true", help="every reference in the library"),
        Arg(
            "--pattern",
            default="{author}{year}{title}",
            help="key pattern with {author}, {year}, {title}, {journal} (default: %(default)s)",
        ),
        Arg("--json", action="store_true", help="print old and new keys as JSON"),
    ],
)
def _run_rekey(ctx: CliContext) -> int:
    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services import references

    args = ctx.args
    if bool(args.references) == bool(args.all):
        raise ValidationError({"references": "Give reference ids, or --all (not both)."})
    with ctx.library.transaction() as session:
        ids = references.reference_ids(session, ctx.actor) if args.all else list(args.references)
        old = {
            r.id: r.citation_key for r in references.fetch_rows(session, ctx.actor, ids).values()
        }
        missing = [str(i) for i in ids if i not in old]
        if missing:
            raise ValidationError({"references": f"No reference with id {', '.join(missing)}."})
        new = references.regenerate_keys(session, ctx.actor, ids, args.pattern)
    changed = [{"id": i, "old": old[i], "new": key} for i, key in new.items() if old[i] != key]
    if args.json:
        ctx.print_json(changed)
    else:
        for row in changed:
            print(f"{row['old']} -> {row['new']}")
        print(f"{len(changed)} of {len(ids)} keys changed")
    return EXIT_OK
