"""Files kept with manuscripts, projects and abstracts; a manuscript's check and package."""

from __future__ import annotations

from scholar_desk.cli.registry import EXIT_OK, Arg, CliContext, command, force_arg, group

_KINDS = ("manuscript", "project", "abstract")
_ROLES = ("draft", "figure", "table", "cover-letter", "response-letter", "supplement")

group("file", help="files kept in the database with a manuscript, project or abstract")


def _size(size: int) -> str:
    if size >= 1048576:
        return f"{size / 1048576:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


@command(
    "file add",
    help="store files with a record; the same role again is a new version",
    args=[
        Arg("kind", choices=_KINDS, metavar="KIND", help="manuscript, project or abstract"),
        Arg("id", type=int, metavar="ID", help="the record's id"),
        Arg("paths", nargs="+", metavar="PATH", help="the files (at most 100 MB each)"),
        Arg("--label", default="", help='a note for the new versions ("v3, after comments")'),
        Arg("--role", choices=_ROLES, default=None, help="what the files are (default: guessed)"),
        Arg("--number", type=int, default=None, help="which figure, table or supplement"),
    ],
)
def _run_file_add(ctx: CliContext) -> int:
    from scholar_desk.core.services import manuscript_files

    with ctx.library.transaction() as session:
        added = manuscript_files.add_files(
            session,
            ctx.actor,
            ctx.args.kind,
            ctx.args.id,
            ctx.args.paths,
            role=ctx.args.role,
            number=ctx.args.number,
            label=ctx.args.label,
        )
    for record in added:
        print(
            f"Added file {record.id} to {record.kind} {record.record_id}: {record.slot} "
            f"v{record.version}, {record.name} ({_size(record.size)})"
        )
    return EXIT_OK


@command(
    "file list",
    help="every version of the files kept with a record",
    args=[
        Arg("kind", choices=_KINDS, metavar="KIND", help="manuscript, project or abstract"),
        Arg("id", type=int, metavar="ID", help="the record's id"),
        Arg("--json", action="store_true", help="print a JSON array"),
    ],
)
def _run_file_list(ctx: CliContext) -> int:
    from scholar_desk.core.services import manuscript_files

    with ctx.library.reading() as session:
        found = manuscript_files.list_files(session, ctx.actor, ctx.args.kind, ctx.args.id)
    if ctx.args.json:
        ctx.print_json([record.to_json() for record in found])
        return EXIT_OK
    if not found:
        print(f"No files are kept with {ctx.args.kind} {ctx.args.id}.")
    for record in found:
        mark = "*" if record.current else " "
        label = f"  {record.label}" if record.label else ""
        print(
            f"{record.id:>5} {mark} {record.slot:<16} v{record.version:<3} "
            f"{record.added_at:%Y-%m-%d %H:%M}  {record.added_by:<12} {record.name} "
            f"({_size(record.size)}){label}"
        )
    return EXIT_OK


@command(
    "file get",
    help="write a stored file version to OUT, byte for byte",
    args=[
        Arg("file_id", type=int, metavar="FILE_ID", help="the version's id (see file list)"),
        Arg("out", metavar="OUT", help="file to write"),
        force_arg(),
    ],
)
def _run_file_get(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import manuscript_files

    with ctx.library.reading() as session:
        path = manuscript_files.save_copy(
            session, ctx.actor, ctx.args.file_id, Path(ctx.args.out), force=ctx.args.force
        )
    print(f"Wrote file {ctx.args.file_id} to {path}")
    return EXIT_OK


@command(
    "file remove",
    help="remove one file version (its bytes go too unless something else keeps them)",
    args=[Arg("file_id", type=int, metavar="FILE_ID", help="the version's id (see file list)")],
)
def _run_file_remove(ctx: CliContext) -> int:
    from scholar_desk.core.services import blobs, manuscript_files

    with ctx.library.transaction() as session:
        snapshot = manuscript_files.remove_file(session, ctx.actor, ctx.args.file_id)
        # No undo on the command line: bytes nothing else refers to are freed now.
        freed = blobs.drop_if_unused(session, snapshot.columns["blob_sha256"])
    note = f", freeing {_size(snapshot.columns['size'])}" if freed else ""
    print(f"Removed file {ctx.args.file_id} from {snapshot.kind} {snapshot.record_id}{note}")
    return EXIT_OK


@command(
    "file sent",
    help="what went to each journal with a manuscript's submissions and revisions",
    args=[
        Arg("id", type=int, metavar="MANUSCRIPT_ID", help="the manuscript's id"),
        Arg("--json", action="store_true", help="print a JSON array"),
    ],
)
def _run_file_sent(ctx: CliContext) -> int:
    from scholar_desk.core.services import manuscript_files

    with ctx.library.reading() as session:
        sent = manuscript_files.sent_history(session, ctx.actor, ctx.args.id)
    if ctx.args.json:
        ctx.print_json([record.to_json() for record in sent])
        return EXIT_OK
    if not sent:
        print(f"Manuscript {ctx.args.id} has not been sent anywhere yet.")
    for record in sent:
        print(f"{record.on:%Y-%m-%d}  {record.status} to {record.journal} by {record.by}")
        if not record.files:
            print("    (no files were kept with the manuscript then)")
        for file in record.files:
            print(f"    {file.role} {file.number} v{file.version}: {file.name}")
    return EXIT_OK


group("manuscript", help="a manuscript's draft numbers and submission package")


@command(
    "manuscript check",
    help="count the current .docx draft and check it against the journal's limits",
    args=[
        Arg("id", type=int, metavar="ID", help="the manuscript's id"),
        Arg("--journal", type=int, default=None, help="journal id (default: latest submission)"),
        Arg("--json", action="store_true", help="print a JSON object"),
    ],
)
def _run_manuscript_check(ctx: CliContext) -> int:
    from scholar_desk.core.services import manuscript_files

    with ctx.library.reading() as session:
        check = manuscript_files.check_manuscript(
            session, ctx.actor, ctx.args.id, ctx.args.journal
        )
    if ctx.args.json:
        ctx.print_json(check.to_json())
        return EXIT_OK
    print(f"{check.title}: {check.file_name} (v{check.version}), {check.article_type}")
    if check.journal:
        example = "  (example limits: check the author guidelines)"
        print(f"Limits of {check.journal}{example if check.limits_are_examples else ''}")
    else:
        print("No journal yet: numbers without limits (give --journal ID)")
    for line in check.lines:
        print(f"  {line.label:<34} {line.text():>14}{'  OVER THE LIMIT' if line.over else ''}")
    counts = check.counts
    print(
        f"  (not counted: title page {counts.title_page_words} words, "
        f"legends {counts.legend_words} words)"
    )
    return EXIT_OK


@command(
    "manuscript package",
    help="one zip for the journal: current files and a generated response letter",
    args=[
        Arg("id", type=int, metavar="ID", help="the manuscript's id"),
        Arg("out", metavar="OUT.zip", help="zip to write, or a folder (named for the journal)"),
        Arg(
            "--roles",
            default=None,
            help=f"comma-separated roles to include (default: all of {', '.join(_ROLES)})",
        ),
        Arg("--submission", type=int, default=None, help="submission id (default: latest)"),
        force_arg(),
    ],
)
def _run_manuscript_package(ctx: CliContext) -> int:
    from pathlib import Path

    from scholar_desk.core.services import manuscript_files

    roles = None
    if ctx.args.roles:
        roles = [r.strip() for r in ctx.args.roles.split(",") if r.strip()]
    with ctx.library.reading() as session:
        summary = manuscript_files.build_package(
            session,
            ctx.actor,
            ctx.args.id,
            Path(ctx.args.out),
            roles=roles,
            submission_id=ctx.args.submission,
            force=ctx.args.force,
        )
    where = f" for {summary.journal}" if summary.journal else ""
    print(f"Wrote {summary.path}{where}: {len(summary.entries)} files")
    for entry in summary.entries:
        print(f"  {entry}")
    return EXIT_OK


group("journal", help="a journal's limits per article type")


@command(
    "journal limits",
    help="show a journal's limits, or set them for one article type (--type)",
    args=[
        Arg("id", type=int, metavar="JOURNAL_ID", help="the journal's id"),
        Arg("--type", default=None, help='article type to set, e.g. "original research"'),
        Arg("--words", type=int, default=None, help="main text words"),
        Arg("--abstract-words", type=int, default=None, help="abstract words"),
        Arg("--figures", type=int, default=None, help="figures"),
        Arg("--tables", type=int, default=None, help="tables"),
        Arg("--refs", type=int, default=None, help="references"),
        Arg("--legends-count", action="store_true", help="figure legends count as main text"),
        Arg("--json", action="store_true", help="print a JSON array"),
    ],
)
def _run_journal_limits(ctx: CliContext) -> int:
    from dataclasses import asdict

    from scholar_desk.core.services import manuscript_files

    args = ctx.args
    if args.type is not None:
        with ctx.library.transaction() as session:
            manuscript_files.set_journal_limits(
                session,
                ctx.actor,
                manuscript_files.JournalLimits(
                    args.id,
                    args.type,
                    words=args.words,
                    abstract_words=args.abstract_words,
                    figures=args.figures,
                    tables=args.tables,
                    refs=args.refs,
                    legends_count=args.legends_count,
                ),
            )
    with ctx.library.reading() as session:
        found = manuscript_files.journal_limits(session, ctx.actor, args.id)
    if args.json:
        ctx.print_json([asdict(limits) for limits in found])
        return EXIT_OK
    if not found:
        print(f"Journal {args.id} has no limits yet; set them with --type and the limits.")
    for limits in found:
        parts = [
            f"{name.replace('_', ' ')} {value:,}"
            for name in manuscript_files.LIMIT_FIELDS
            if (value := getattr(limits, name)) is not None
        ]
        legends = "; legends count as main text" if limits.legends_count else ""
        print(f"{limits.article_type}: {', '.join(parts) or 'no limits'}{legends}")
    return EXIT_OK
