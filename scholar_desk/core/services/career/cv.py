"""The scholarly CV of one fellow: their works in the sections academic medicine uses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from scholar_desk.core import clock, files
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.formats.cv import SECTIONS, Cv, CvLine, CvSection, Work, cite, write_cv
from scholar_desk.core.formats.report_files import long_date
from scholar_desk.core.services.career.works import person_of, works_of
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.session import Actor


def newest_first(works: list[Work]) -> list[Work]:
    """Dated works newest first, then undated ones, each group by title."""
    return sorted(
        works,
        key=lambda w: (w.on is None, -(w.on.toordinal() if w.on else 0), w.title.lower()),
    )


def build_cv(
    session: Session,
    actor: Actor,
    fellow_id: int,
    *,
    since: dt.date | None = None,
    style: str = "ama",
    today: dt.date | None = None,
) -> Cv:
    """A fellow's CV: every section, newest first, each line cited in ``style``.

    Args:
        session: The unit of work.
        actor: Who asks; must be allowed to read the fellow's records.
        fellow_id: The fellow's Person id.
        since: Only works dated on or after this day.
        style: The citation style (see `scholar_desk.core.formats.cv.cite`).
        today: The CV's date (the clock's today by default).

    Raises:
        NotFoundError: No such person.
        PermissionDeniedError: The actor may not read the fellow's records.
    """
    person = person_of(session, fellow_id)
    works = works_of(session, actor, fellow_id, since=since)
    sections = []
    for key, title in SECTIONS:
        lines = tuple(
            CvLine(w, cite(w, style)) for w in newest_first([w for w in works if w.section == key])
        )
        sections.append(CvSection(key, title, lines))
    details = [d for d in (person.email, f"ORCID {person.orcid}" if person.orcid else "") if d]
    details[:0] = [line.strip() for line in person.affiliations.splitlines() if line.strip()]
    return Cv(
        fellow=person_name(person),
        details=tuple(details),
        dated=today or clock.today(),
        since=since,
        style=style,
        sections=tuple(sections),
    )


def export_cv(
    session: Session,
    actor: Actor,
    fellow_id: int,
    path: Path,
    *,
    since: dt.date | None = None,
    force: bool = False,
) -> Cv:
    """Write the fellow's CV as .docx or .pdf and return what was written.

    Raises:
        NotFoundError: No such person.
        PermissionDeniedError: The actor may not read the fellow's records.
        ValidationError: Nothing to list (in the period); nothing is written.
        ExportError: Another extension, or the file cannot be written.
        OutputExistsError: ``path`` exists and ``force`` is false.
    """
    files.check_target(path, force=force)
    cv = build_cv(session, actor, fellow_id, since=since)
    if not cv.total:
        period = f" since {long_date(since)}" if since is not None else ""
        raise ValidationError(
            {"": f"{cv.fellow} has no scholarly work recorded{period}; nothing was written."}
        )
    write_cv(cv, path, force=force)
    return cv
