"""A fellow's ERAS "Scholarly Works" from their works: one entry per item, three chosen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from scholar_desk.core import clock, files
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.formats import eras as fmt
from scholar_desk.core.formats.cv import CHAPTERS, OTHER, PENDING, Work
from scholar_desk.core.services.career.cv import newest_first
from scholar_desk.core.services.career.works import person_of, works_of
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.session import Actor

_NOT_PUBLICATIONS = frozenset({"journal club", "teaching session"})
"""Teaching belongs among an application's experiences, not its publications."""


def _entry(work: Work) -> fmt.ErasEntry | None:
    status = {"in press": "Accepted", "accepted": "Accepted", "submitted": "Submitted"}.get(
        work.status, "Published"
    )
    if work.kind in ("abstract", "presentation"):
        if work.kind == "presentation" and work.detail in _NOT_PUBLICATIONS:
            return None
        if work.status in ("accepted as poster", "accepted as oral"):
            status = "Accepted"
        oral = work.detail in (
            "oral presentation",
            "conference talk",
            "grand rounds",
            "invited lecture",
            "workshop",
        )
        type_ = fmt.ORAL if oral else fmt.POSTER
    elif work.section == CHAPTERS:
        type_ = fmt.CHAPTER
    elif work.section == PENDING:
        type_ = fmt.ARTICLE_PENDING
    elif work.section == OTHER:
        type_ = fmt.OTHER_ARTICLE
    else:
        type_ = fmt.ARTICLE
    pages = ""
    if work.volume:
        pages = work.volume + (f"({work.issue})" if work.issue else "")
        pages += f":{work.pages}" if work.pages else ""
    return fmt.ErasEntry(
        key=work.source,
        type=type_,
        status=status,
        title=work.title,
        authors=", ".join(a.name for a in work.authors),
        venue=work.venue,
        place=work.place,
        on=work.on,
        volume_issue_pages=pages,
        pmid=work.pmid,
        doi=work.doi,
    )


def build_eras(
    session: Session,
    actor: Actor,
    fellow_id: int,
    meaningful: Sequence[str] = (),
    *,
    today: dt.date | None = None,
) -> fmt.ErasWorks:
    """The fellow's ERAS entries with up to three marked most meaningful.

    Args:
        session: The unit of work.
        actor: Who asks; must be allowed to read the fellow's records.
        fellow_id: The fellow.
        meaningful: Entries to mark, each a key (``manuscript:3``) or the entry's number
            in the list (1-based).
        today: The day that names the season (the clock's today by default).

    Raises:
        NotFoundError: No such person.
        PermissionDeniedError: The actor may not read the fellow's records.
        ValidationError: More than three chosen, or one that is not an entry.
    """
    person = person_of(session, fellow_id)
    order = {t: n for n, t in enumerate(fmt.TYPES)}
    entries = [e for w in newest_first(works_of(session, actor, fellow_id)) if (e := _entry(w))]
    entries.sort(key=lambda e: order[e.type])  # stable: newest first within a type
    chosen: list[str] = []
    for raw in meaningful:
        value = raw.strip()
        if value.isdigit() and 1 <= int(value) <= len(entries):
            value = entries[int(value) - 1].key
        if value not in {e.key for e in entries}:
            known = ", ".join(e.key for e in entries) or "none"
            raise ValidationError(
                {"--meaningful": f"'{raw}' is not one of the entries (choose from: {known})."}
            )
        if value not in chosen:
            chosen.append(value)
    if len(chosen) > fmt.MEANINGFUL:
        raise ValidationError(
            {"--meaningful": f"choose at most {fmt.MEANINGFUL} most meaningful entries."}
        )
    day = today or clock.today()
    return fmt.ErasWorks(
        fellow=person_name(person),
        season=fmt.eras_season(day),
        dated=day,
        entries=tuple(entries),
        meaningful=tuple(chosen),
    )


def export_eras(
    session: Session,
    actor: Actor,
    fellow_id: int,
    path: Path,
    meaningful: Sequence[str] = (),
    *,
    force: bool = False,
) -> fmt.ErasWorks:
    """Write the ERAS entries as .txt or .docx and return what was written.

    Raises:
        NotFoundError: No such person.
        PermissionDeniedError: The actor may not read the fellow's records.
        ValidationError: A bad choice of meaningful entries, or nothing to list.
        ExportError: Another extension, or the file cannot be written.
        OutputExistsError: ``path`` exists and ``force`` is false.
    """
    files.check_target(path, force=force)
    works = build_eras(session, actor, fellow_id, meaningful)
    if not works.entries:
        raise ValidationError(
            {"": f"{works.fellow} has no scholarly work to list; nothing was written."}
        )
    fmt.write_eras(works, path, force=force)
    return works
