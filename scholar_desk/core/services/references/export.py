"""Exporting references to a BibTeX file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core import files
from scholar_desk.core.db.models import (
    BibBlock,
    Tag,
)
from scholar_desk.core.errors import (
    NotFoundError,
)
from scholar_desk.core.formats import bibtex
from scholar_desk.core.progress import CancelToken, ProgressSink, no_progress
from scholar_desk.core.services import items
from scholar_desk.core.services.references.queries import (
    records_for,
    reference_ids,
    require_read,
)
from scholar_desk.core.services.session import Actor


def export_bib(
    session: Session,
    actor: Actor,
    out: Path,
    *,
    ids: Sequence[int] | None = None,
    project_id: int | None = None,
    tag: str | None = None,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
    force: bool = False,
) -> int:
    """Write references to a BibTeX file, every field kept (written whole or not at all).

    Args:
        session: The unit of work.
        actor: Who exports (any reader of the library; a project they may read).
        out: The ``.bib`` file to write.
        ids: Only these references (a selection).
        project_id: Only references cited by this project.
        tag: Only references with this tag.
        progress: Progress reports.
        cancel: Checked between blocks.
        force: Replace an existing file.

    Returns:
        How many references were written.

    Raises:
        ExportError: The file cannot be written (the database itself, its backups...).
        OutputExistsError: ``out`` exists and ``force`` is false.
        NotFoundError: The project (or one the actor may read) or the tag does not exist.
        PermissionDeniedError: The actor may not read the library.
    """
    require_read(session, actor)
    if project_id is not None:
        # Another fellow's project reads as missing: its ids cannot be probed either.
        items.load(session, "project", project_id, actor)
    out = files.check_target(Path(out), force=force)
    if tag is not None and session.scalar(select(Tag.id).where(Tag.name == tag)) is None:
        raise NotFoundError(f"There is no tag named '{tag}'.")
    wanted = reference_ids(session, actor, sort="citation_key", tag=tag, project_id=project_id)
    if ids is not None:
        chosen = set(ids)
        wanted = [i for i in wanted if i in chosen]
    blocks = [
        (kind, text)
        for kind, text in session.execute(
            select(BibBlock.block_kind, BibBlock.text).order_by(BibBlock.id)
        )
        if kind in ("preamble", "string")
    ]
    with files.open_text(out, force=force) as handle:
        for chunk in bibtex.write([], blocks):
            handle.write(chunk)
        for start in range(0, len(wanted), 1000):
            if cancel is not None:
                cancel.check()
            for ref in records_for(session, wanted[start : start + 1000]):
                handle.write(bibtex.format_entry(ref) + "\n")
            progress(min(start + 1000, len(wanted)), len(wanted), "Writing BibTeX")
    return len(wanted)
