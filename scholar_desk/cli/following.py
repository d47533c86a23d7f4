"""``sync``: follow a .bib file (Zotero's Better BibTeX auto-export) and keep in step with it."""

from __future__ import annotations

from scholar_desk.cli.registry import EXIT_OK, Arg, CliContext, command


@command(
    "sync",
    help="follow a .bib file and bring the library in step with it (added, changed, removed)",
    args=[
        Arg("file", nargs="?", metavar="FILE", help="the .bib file (followed from now on)"),
        Arg("--dry-run", action="store_true", help="report what would change; write nothing"),
        Arg("--json", action="store_true", help="print the summary (or the list) as JSON"),
        Arg("--list", action="store_true", help="list the followed files"),
        Arg("--stop", action="store_true", help="stop following FILE (its references stay)"),
    ],
)
def _run_sync(ctx: CliContext) -> int:
    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services import bib_sync

    args = ctx.args
    if args.list:
        if args.file or args.stop or args.dry_run:
            raise ValidationError({"file": "--list takes no FILE, --stop or --dry-run."})
        with ctx.library.reading() as session:
            listed = bib_sync.followed(session, ctx.actor)
        if args.json:
            ctx.print_json([info.to_json() for info in listed])
        elif not listed:
            print("No file is followed. Follow one with: scholar-desk sync FILE")
        for info in [] if args.json else listed:
            when = info.synced_at.strftime("%Y-%m-%d %H:%M") if info.synced_at else "never"
            missing = "" if info.exists else "  (file missing)"
            print(f"{info.id}\t{info.path}\t{info.entries} entries\tsynced {when}{missing}")
        return EXIT_OK
    if not args.file:
        raise ValidationError({"file": "Give the .bib file to sync, or --list."})
    if args.stop:
        with ctx.library.transaction() as session:
            info = bib_sync.unfollow(session, ctx.actor, args.file)
        if args.json:
            ctx.print_json(info.to_json())
        else:
            print(f"No longer following {info.path}; its references stay in the library.")
        return EXIT_OK
    if args.dry_run:
        with ctx.library.reading() as session:
            summary = bib_sync.sync(session, ctx.actor, args.file, dry_run=True)
    else:
        with ctx.library.transaction() as session:
            summary = bib_sync.sync(session, ctx.actor, args.file)
    if args.json:
        ctx.print_json(summary.to_json())
        return EXIT_OK
    print(summary.summary())
    for key, why in summary.conflicts:
        print(f"  not synced: {key}: {why}")
    return EXIT_OK
