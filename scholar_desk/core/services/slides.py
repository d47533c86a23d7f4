"""Slide decks and posters from an abstract: read it, lay it out, write the .pptx.

The database is read into plain records (`AbstractContent`) inside the caller's
transaction; layout and writing work on those records only, so the slow part never
holds a session and no ORM object leaves this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core import clock, files
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import ExportError, NotFoundError
from scholar_desk.core.formats import deck, poster
from scholar_desk.core.formats.images import ImageData, image_from_bytes, load_image
from scholar_desk.core.formats.journals import nlm_abbreviation
from scholar_desk.core.formats.layout import Layout, Run
from scholar_desk.core.formats.pptx_export import render_pptx
from scholar_desk.core.formats.qr import link_for
from scholar_desk.core.formats.reference import doi_as_written
from scholar_desk.core.formats.results_table import ResultsTable
from scholar_desk.core.formats.slide_content import (
    AbstractContent,
    AuthorInfo,
    FigureInfo,
    ReferenceInfo,
    SectionInfo,
)
from scholar_desk.core.formats.templates import Template, load_template
from scholar_desk.core.progress import CancelToken, ProgressSink, no_progress
from scholar_desk.core.services import (
    abstracts,
    blobs,
    export_logos,
    items,
    permissions,
    reference_style,
)
from scholar_desk.core.services.session import Actor

DISCLOSURE_MONTHS = 24
POSTER_SIZES = poster.SIZES
POSTER_LAYOUTS = poster.LAYOUTS


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote.

    Attributes:
        path: The file.
        pages: Number of slides.
        template: The template's name.
    """

    path: Path
    pages: int
    template: str


def read_content(session: Session, actor: Actor, abstract_id: int) -> AbstractContent:
    """Read an abstract with its authors, disclosures, figures and references.

    Args:
        session: An open unit of work.
        actor: Who asks; must be allowed to read the abstract.
        abstract_id: The abstract.

    Returns:
        Plain records, safe to use after the session closes.

    Raises:
        NotFoundError: No such abstract.
        PermissionDeniedError: The actor may not read it.
    """
    abstract: m.Abstract = items.load(session, "abstract", abstract_id, actor)
    permissions.require(session, actor, permissions.READ, "abstract", abstract.owner_id)
    since = _months_before(clock.today(), DISCLOSURE_MONTHS)
    authors = tuple(
        AuthorInfo(
            given=link.person.given_name,
            family=link.person.family_name,
            degrees=link.person.degrees,
            affiliations=tuple(
                line.strip() for line in link.person.affiliations.splitlines() if line.strip()
            ),
            presenting=link.presenting,
            email=link.person.email,
            disclosures=tuple(
                (d.company, d.relationship_kind)
                for d in link.person.disclosures
                if d.end_date is None or d.end_date >= since
            ),
        )
        for link in abstract.authors
    )
    conference = abstract.conference
    project = abstract.project
    references = _references(session, abstract.id, project.id if project else None)
    doi, pmid = "", ""
    if project is not None:
        published = [ms for ms in project.manuscripts if ms.doi or ms.pmid]
        if published:
            doi, pmid = published[0].doi, published[0].pmid
    return AbstractContent(
        abstract_id=abstract.id,
        title=abstract.title,
        authors=authors,
        sections=tuple(
            SectionInfo(s.heading, s.body) for s in abstract.sections if s.body.strip()
        ),
        figures=tuple(
            FigureInfo(
                i.path, i.caption, blobs.read(session, i.blob_sha256) if i.blob_sha256 else b""
            )
            for i in abstract.images
            if i.role == abstracts.FIGURE
        ),
        references=references,
        meeting=conference.name if conference else "",
        meeting_acronym=conference.acronym if conference else "",
        location=conference.location if conference else "",
        starts_on=conference.starts_on if conference else None,
        ends_on=conference.ends_on if conference else None,
        presentation_date=abstract.presentation_date,
        presentation_slot=abstract.presentation_slot,
        link=link_for(url=abstract.link_url, doi=doi, pmid=pmid),
        mentors=tuple(
            f"{p.given_name} {p.family_name}" + (f", {p.degrees}" if p.degrees else "")
            for p in (project.mentors if project else [])
        ),
        table=ResultsTable.from_json(abstract.results_table or ""),
    )


def figure_loader(content: AbstractContent) -> Callable[[str], ImageData]:
    """Reads each figure from the bytes stored in the database, never from its old file."""
    stored = {f.path: f.data for f in content.figures}

    def load(path: str) -> ImageData:
        data = stored.get(path, b"")
        if data:
            return image_from_bytes(data, path)
        if path in stored:
            raise ExportError(
                f"The figure {Path(path).name} is not stored in the database (its file was "
                "missing when figures moved in). Remove it and attach the image again."
            )
        return load_image(path)

    return load


def stored_logos(session: Session, abstract_id: int) -> list[ImageData]:
    """The poster logos kept with an abstract, in order, from the database.

    Raises:
        ExportError: A stored logo's bytes are not an image.
    """
    rows = session.scalars(
        select(m.AbstractImage)
        .where(m.AbstractImage.abstract_id == abstract_id, m.AbstractImage.role == abstracts.LOGO)
        .order_by(m.AbstractImage.position)
    )
    return [
        image_from_bytes(blobs.read(session, row.blob_sha256), row.path)
        for row in rows
        if row.blob_sha256
    ]


def _banner_logos(
    session: Session,
    actor: Actor,
    abstract_id: int,
    files: Sequence[str | Path],
    kept: Sequence[int] | None,
) -> list[ImageData]:
    """The abstract's own logos, then the actor's kept ones, then files given this once."""
    return (
        stored_logos(session, abstract_id)
        + export_logos.logo_images(session, actor, kept)
        + [load_image(str(p)) for p in files]
    )


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return dt.date(year, month, min(day.day, last))


def _references(
    session: Session, abstract_id: int, project_id: int | None
) -> tuple[ReferenceInfo, ...]:
    """References linked to the abstract, else to its project, in link order."""
    for kind, target in (("abstract", abstract_id), ("project", project_id)):
        if target is None:
            continue
        rows = list(
            session.execute(
                select(m.Reference)
                .join(m.ReferenceLink, m.ReferenceLink.reference_id == m.Reference.id)
                .where(m.ReferenceLink.target_kind == kind, m.ReferenceLink.target_id == target)
                .order_by(m.ReferenceLink.position, m.ReferenceLink.id)
            ).scalars()
        )
        styled = _in_meeting_style(session, abstract_id, [r.id for r in rows])
        refs = tuple(
            ReferenceInfo(
                authors=r.authors,
                title=r.title,
                journal=nlm_abbreviation(r.journal, r.extra_fields),
                year=r.year,
                volume=r.volume,
                issue=r.issue,
                pages=r.pages,
                doi=doi_as_written(r.doi, r.extra_fields),
                pmid=r.pmid,
                url=r.url,
                citation=styled.get(r.id, ()),
            )
            for r in rows
        )
        if refs:
            return refs
    return ()


def cited_reference_ids(session: Session, abstract_id: int) -> list[int]:
    """The references a deck or poster of the abstract lists (its own, else its project's)."""
    project_id = session.scalar(select(m.Abstract.project_id).where(m.Abstract.id == abstract_id))
    for kind, target in (("abstract", abstract_id), ("project", project_id)):
        if target is None:
            continue
        ids = list(
            session.scalars(
                select(m.ReferenceLink.reference_id)
                .where(m.ReferenceLink.target_kind == kind, m.ReferenceLink.target_id == target)
                .order_by(m.ReferenceLink.position, m.ReferenceLink.id)
            )
        )
        if ids:
            return ids
    return []


def _in_meeting_style(
    session: Session, abstract_id: int, reference_ids: list[int]
) -> dict[int, tuple[Run, ...]]:
    """Each reference formatted in the style of the abstract's meeting (AMA by default)."""
    if not reference_ids:
        return {}
    style, _reason = reference_style.style_for(session, "abstract", abstract_id)
    try:
        formatted, order = reference_style.format_ids(session, reference_ids, style or "ama")
    except NotFoundError:  # a style someone removed: AMA
        formatted, order = reference_style.format_ids(session, reference_ids, "ama")
    return {
        ref_id: tuple(
            Run(span.text, bold=span.bold, italic=span.italic, superscript=span.superscript)
            for span in entry.spans
        )
        for ref_id, entry in zip(order, formatted.entries, strict=True)
    }


# Layout -------------------------------------------------------------------------------


def build_deck(
    session: Session,
    actor: Actor,
    abstract_id: int,
    *,
    template: str | Path | None = None,
) -> Layout:
    """Lay out the talk for an abstract (used by the preview and by `export_deck`).

    Args:
        session: An open unit of work.
        actor: Who asks.
        abstract_id: The abstract.
        template: A built-in template name or a .pptx/.potx path; ``None`` for the default.

    Returns:
        The slides.

    Raises:
        ExportError: The template or a figure cannot be used, or text cannot fit.
    """
    content = read_content(session, actor, abstract_id)
    return deck.build_deck_layout(
        content, load_template(template, kind="slides"), figure_loader(content)
    )


def build_poster(
    session: Session,
    actor: Actor,
    abstract_id: int,
    *,
    size: str = "48x36in",
    layout: str = "classic",
    template: str | Path | None = None,
    logos: Sequence[str | Path] = (),
    kept_logos: Sequence[int] | None = None,
) -> Layout:
    """Lay out the poster for an abstract (used by the preview and by `export_poster`).

    Args:
        session: An open unit of work.
        actor: Who asks.
        abstract_id: The abstract.
        size: ``48x36in``, ``36x48in`` or ``A0`` (a user template keeps its own size).
        layout: ``classic`` or ``better``.
        template: A built-in template name or a .pptx/.potx path.
        logos: Image files for the banner, used this once.
        kept_logos: Which of the actor's kept export logos to use (``None``: all).

    Returns:
        The one-page layout.

    Raises:
        ExportError: Bad size or layout, unusable template or image, or text too long.
    """
    content = read_content(session, actor, abstract_id)
    return poster.build_poster_layout(
        content,
        load_template(template, kind="poster"),
        figure_loader(content),
        size=size,
        style=layout,
        logos=_banner_logos(session, actor, abstract_id, logos, kept_logos),
    )


# Export -------------------------------------------------------------------------------


def export_deck(
    session: Session,
    actor: Actor,
    abstract_id: int,
    out_path: str | Path,
    *,
    template: str | Path | None = None,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
    force: bool = False,
) -> ExportResult:
    """Write the talk for an abstract to a .pptx file.

    The file is written to a temporary name and renamed, so a failed or cancelled
    export leaves nothing behind.

    Args:
        session: An open unit of work (only read from).
        actor: Who asks.
        abstract_id: The abstract.
        out_path: The .pptx to write.
        template: A built-in template name or a .pptx/.potx path.
        progress: Receives (done, total, message).
        cancel: Checked between slides.
        force: Replace an existing file.

    Returns:
        What was written.

    Raises:
        ExportError: The deck cannot be produced as asked.
        OutputExistsError: ``out_path`` exists and ``force`` is false.
        CancelledError: The user cancelled; nothing was written.
    """
    cancel = cancel or CancelToken()
    out = _check_out_path(out_path, force=force)
    progress(0, 3, "Reading the abstract")
    tpl = load_template(template, kind="slides")
    content = read_content(session, actor, abstract_id)
    cancel.check()
    progress(1, 3, "Fitting the text")
    layout = deck.build_deck_layout(content, tpl, figure_loader(content))
    return _write(layout, tpl, out, progress, cancel, force=force)


def export_poster(
    session: Session,
    actor: Actor,
    abstract_id: int,
    out_path: str | Path,
    *,
    size: str = "48x36in",
    layout: str = "classic",
    template: str | Path | None = None,
    logos: Sequence[str | Path] = (),
    kept_logos: Sequence[int] | None = None,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
    force: bool = False,
) -> ExportResult:
    """Write the poster for an abstract to a one-slide .pptx file.

    Args:
        session: An open unit of work (only read from).
        actor: Who asks.
        abstract_id: The abstract.
        out_path: The .pptx to write.
        size: ``48x36in`` (landscape, default), ``36x48in`` or ``A0`` (portrait).
        layout: ``classic`` (three columns) or ``better`` (#betterposter).
        template: A built-in template name or a .pptx/.potx path.
        logos: Image files for the banner, used this once.
        kept_logos: Which of the actor's kept export logos to use (``None``: all).
        progress: Receives (done, total, message).
        cancel: Checked between steps.
        force: Replace an existing file.

    Returns:
        What was written.

    Raises:
        OutputExistsError: ``out_path`` exists and ``force`` is false.
        ExportError: The poster cannot be produced as asked (the message says which
            section is too long, and by how much).
        CancelledError: The user cancelled; nothing was written.
    """
    cancel = cancel or CancelToken()
    out = _check_out_path(out_path, force=force)
    progress(0, 3, "Reading the abstract")
    tpl = load_template(template, kind="poster")
    content = read_content(session, actor, abstract_id)
    logo_images = _banner_logos(session, actor, abstract_id, logos, kept_logos)
    cancel.check()
    progress(1, 3, "Fitting the text")
    page = poster.build_poster_layout(
        content, tpl, figure_loader(content), size=size, style=layout, logos=logo_images
    )
    return _write(page, tpl, out, progress, cancel, force=force)


def _check_out_path(out_path: str | Path, *, force: bool) -> Path:
    out = Path(out_path).expanduser()
    if out.suffix.lower() != ".pptx":
        raise ExportError(f"Save as a .pptx file (got {out.name}).")
    return files.check_target(out, force=force)


def _write(
    layout: Layout,
    tpl: Template,
    out: Path,
    progress: ProgressSink,
    cancel: CancelToken,
    *,
    force: bool,
) -> ExportResult:
    total = len(layout.slides)

    def step(done: int, _total: int) -> None:
        cancel.check()
        progress(1 + done, total + 2, f"Writing slide {done} of {total}")

    data = render_pptx(layout, tpl, step=step)
    cancel.check()
    files.write_bytes(out, data, force=force)
    progress(total + 2, total + 2, f"Saved {out.name}")
    return ExportResult(out, total, tpl.name)
