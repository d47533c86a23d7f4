"""Poster and slide templates (.potx) for a meeting, to finish in PowerPoint.

A poster template is made at the meeting's board size (its poster rules in the catalog)
or at the size asked for; a size the board cannot take is written as asked, with a
warning naming the meeting's size. Everything is read and built before the file is
written through `core.files`, so a bad logo, template or conference writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core import files
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import ExportError, NotFoundError
from scholar_desk.core.formats import poster_rules
from scholar_desk.core.formats.images import ImageData, load_image
from scholar_desk.core.formats.layout import Run, inches
from scholar_desk.core.formats.potx import Line
from scholar_desk.core.formats.potx_poster import (
    DEFAULT_SECTIONS,
    STYLES,
    PosterTemplateSpec,
    build_poster_template,
)
from scholar_desk.core.formats.potx_slides import (
    HEIGHT,
    LAYOUT_NAMES,
    WIDTH,
    SlideTemplateSpec,
    build_slide_template,
)
from scholar_desk.core.formats.slide_content import (
    AbstractContent,
    affiliation_numbers,
    author_runs,
    format_date,
    meeting_line,
)
from scholar_desk.core.formats.templates import load_template
from scholar_desk.core.progress import CancelToken, ProgressSink, no_progress
from scholar_desk.core.services import items, slides
from scholar_desk.core.services.session import Actor

SCREEN = "screen"
"""The size name that asks for the meeting's e-poster screen shape."""
_SCREEN_LONG_SIDE_IN = 48


@dataclass(frozen=True)
class PosterRules:
    """A meeting's poster rules, as the catalog holds them.

    Attributes:
        meeting: The meeting's short name (acronym, else name).
        board: The board's (width, height) in EMU, or ``None`` when there is no rule.
        orientation: ``landscape``, ``portrait`` or ``any``.
        eposter_format: How e-posters are handed in (``""``: printed posters only).
        eposter_aspect: The e-poster screens' aspect (``16:9``), or ``""``.
        is_example: Whether the rules are catalog examples to check each year.
    """

    meeting: str
    board: tuple[int, int] | None = None
    orientation: str = "any"
    eposter_format: str = ""
    eposter_aspect: str = ""
    is_example: bool = False

    def describe(self) -> str:
        """The rules in one line for the template's notes."""
        parts = []
        if self.board is not None:
            parts.append(f"board {poster_rules.size_text(*self.board)}")
        if self.orientation != "any":
            parts.append(self.orientation)
        if self.eposter_format:
            aspect = f", {self.eposter_aspect} screens" if self.eposter_aspect else ""
            parts.append(f"e-poster: {self.eposter_format}{aspect}")
        text = "; ".join(parts) or "no poster rules recorded"
        note = " (example rules: check the current call each year)" if self.is_example else ""
        return f"{self.meeting} posters: {text}{note}."


@dataclass(frozen=True)
class TemplateResult:
    """What a template export wrote.

    Attributes:
        path: The .potx file.
        kind: ``poster`` or ``slides``.
        width: Page width in EMU.
        height: Page height in EMU.
        layouts: The slide layouts' names.
        warnings: Things the user should know (a size the meeting does not take).
    """

    path: Path
    kind: str
    width: int
    height: int
    layouts: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def find_conference(session: Session, actor: Actor, text: str | None) -> int | None:
    """The id of the conference named by ``text``: an id, an acronym or a name.

    Raises:
        NotFoundError: No conference matches (or several do).
    """
    if text is None or not text.strip():
        return None
    text = text.strip()
    if text.isdigit():
        conference: m.Conference = items.load(session, "conference", int(text), actor)
        return conference.id
    wanted = text.casefold()
    found = [
        c.id
        for c in session.scalars(select(m.Conference))
        if wanted in {c.acronym.casefold(), c.name.casefold()}
    ]
    if len(found) != 1:
        what = "No conference" if not found else f"{len(found)} conferences"
        raise NotFoundError(
            f"{what} called '{text}'; give its id (see `scholar-desk list conferences`)."
        )
    return found[0]


def poster_rules_of(session: Session, actor: Actor, conference_id: int) -> PosterRules:
    """Read a meeting's poster rules.

    Raises:
        NotFoundError: No such conference.
        ExportError: The stored board size or aspect is not one a template can use.
    """
    conference: m.Conference = items.load(session, "conference", conference_id, actor)
    return _rules(conference)


def _rules(conference: m.Conference) -> PosterRules:
    name = conference.acronym or conference.name
    board = None
    if conference.poster_size.strip():
        try:
            board = poster_rules.parse_size(conference.poster_size)
        except ExportError as exc:
            raise ExportError(
                f"{name}'s poster board size is not usable: {exc.user_message} "
                "Edit the conference's poster board size."
            ) from exc
    return PosterRules(
        meeting=name,
        board=board,
        orientation=conference.poster_orientation or "any",
        eposter_format=conference.eposter_format.strip(),
        eposter_aspect=conference.eposter_aspect.strip(),
        is_example=conference.is_example,
    )


def _check_out(out_path: str | Path, *, force: bool) -> Path:
    out = Path(out_path).expanduser()
    if out.suffix.lower() != ".potx":
        raise ExportError(f"Save a template as a .potx file (got {out.name}).")
    return files.check_target(out, force=force)


def _logos(paths: Sequence[str | Path]) -> list[ImageData]:
    logos = []
    for path in paths:
        try:
            logos.append(load_image(str(path)))
        except ExportError as exc:
            message = exc.user_message.replace("The figure", "The logo", 1)
            raise ExportError(message, exc.detail) from exc
    return logos


def _page_size(rules: PosterRules | None, size: str | None) -> tuple[tuple[int, int], list[str]]:
    """The page for the size asked (or the meeting's), and any warning about it."""
    warnings: list[str] = []
    if size is not None and size.strip().lower() == SCREEN:
        if rules is None or not rules.eposter_aspect:
            who = rules.meeting if rules is not None else "This template"
            raise ExportError(
                f"{who} has no e-poster screen aspect; give a --size such as 48x36in, "
                "or set the conference's e-poster screen aspect."
            )
        aw, ah = poster_rules.parse_aspect(rules.eposter_aspect)
        long_side = inches(_SCREEN_LONG_SIDE_IN)
        page = (
            (long_side, round(long_side * ah / aw))
            if aw >= ah
            else (
                round(long_side * aw / ah),
                long_side,
            )
        )
        return page, warnings
    if size is None:
        if rules is not None and rules.board is not None:
            return rules.board, warnings
        name = "36x48in" if rules is not None and rules.orientation == "portrait" else "48x36in"
        return poster_rules.parse_size(name), warnings
    page = poster_rules.parse_size(size)
    if rules is None:
        return page, warnings
    wrong_turn = rules.orientation in ("landscape", "portrait") and (
        poster_rules.orientation(*page) != rules.orientation
    )
    too_big = rules.board is not None and not poster_rules.fits(page, rules.board)
    if wrong_turn or too_big:
        board = (
            f"{poster_rules.size_text(*rules.board)} ({poster_rules.orientation(*rules.board)})"
            if rules.board is not None
            else rules.orientation
        )
        warnings.append(
            f"{rules.meeting} posters are {board}; the template is "
            f"{poster_rules.size_text(*page)} as asked."
        )
    return page, warnings


def _byline(content: AbstractContent) -> list[Line]:
    """Authors with affiliation numbers, the affiliations, and the meeting (as the poster)."""
    lines: list[Line] = []
    byline = author_runs(content.authors)
    if byline:
        lines.append(byline)
    affiliations, _ = affiliation_numbers(content.authors)
    runs: list[Run] = []
    for n, text in enumerate(affiliations, start=1):
        runs += [
            Run(str(n), superscript=True),
            Run(text + ("   " if n < len(affiliations) else "")),
        ]
    if runs:
        lines.append(runs)
    meeting = meeting_line(content)
    if any(author.presenting for author in content.authors):
        meeting = f"*Presenting author   {meeting}".strip()
    if meeting:
        lines.append(meeting)
    return lines


def export_poster_template(
    session: Session,
    actor: Actor,
    out_path: str | Path,
    *,
    conference_id: int | None = None,
    size: str | None = None,
    layout: str = "classic",
    template: str | Path | None = None,
    logos: Sequence[str | Path] = (),
    abstract_id: int | None = None,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
    force: bool = False,
) -> TemplateResult:
    """Write a poster template (.potx) for a meeting.

    Args:
        session: An open unit of work (only read from).
        actor: Who asks; must be allowed to read the abstract, when one is given.
        out_path: The .potx file to write.
        conference_id: The meeting whose poster rules and sections to follow (the
            abstract's meeting when not given).
        size: A poster size (`poster_rules.parse_size`), or ``screen`` for the meeting's
            e-poster aspect; ``None`` for the meeting's board (48x36in without one).
        layout: ``classic`` or ``better``.
        template: A built-in poster template name or a .pptx/.potx file for the theme.
        logos: Image files for the title band (the abstract's stored logos without any).
        abstract_id: Fill the title and authors from this abstract.
        progress: Receives (done, total, message).
        cancel: Checked between steps.
        force: Replace an existing file.

    Returns:
        What was written, with warnings (a size the meeting's board does not take).

    Raises:
        NotFoundError: No such conference or abstract.
        ExportError: Bad size, layout, logo or template; nothing was written.
        OutputExistsError: ``out_path`` exists and ``force`` is false.
        CancelledError: The user cancelled; nothing was written.
    """
    cancel = cancel or CancelToken()
    out = _check_out(out_path, force=force)
    if layout not in STYLES:
        raise ExportError(f"Unknown poster layout '{layout}'. Use classic or better.")
    progress(0, 3, "Reading the meeting's poster rules")
    content: AbstractContent | None = None
    stored: list[ImageData] = []
    if abstract_id is not None:
        content = slides.read_content(session, actor, abstract_id)
        abstract: m.Abstract = items.load(session, "abstract", abstract_id, actor)
        if conference_id is None:
            conference_id = abstract.conference_id
        if not logos:
            stored = slides.stored_logos(session, abstract_id)
    rules: PosterRules | None = None
    sections: tuple[str, ...] = DEFAULT_SECTIONS
    if conference_id is not None:
        conference: m.Conference = items.load(session, "conference", conference_id, actor)
        rules = _rules(conference)
        required = tuple(s.strip() for s in conference.required_sections.split(",") if s.strip())
        sections = required or sections
    (width, height), warnings = _page_size(rules, size)
    base = load_template(template, kind="poster")
    images = _logos(logos) or stored
    cancel.check()
    progress(1, 3, "Laying out the template")
    spec = PosterTemplateSpec(
        width=width,
        height=height,
        style=layout,
        sections=sections,
        logos=images,
        title=content.title if content is not None else "",
        authors=_byline(content) if content is not None else (),
        notes=rules.describe() if rules is not None else "",
    )
    data = build_poster_template(base, spec)
    cancel.check()
    files.write_bytes(out, data, force=force)
    progress(3, 3, f"Saved {out.name}")
    return TemplateResult(out, "poster", width, height, ("Poster", "Blank"), tuple(warnings))


def export_slide_template(
    session: Session,
    actor: Actor,
    out_path: str | Path,
    *,
    conference_id: int | None = None,
    template: str | Path | None = None,
    logos: Sequence[str | Path] = (),
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
    force: bool = False,
) -> TemplateResult:
    """Write a 16:9 slide template (.potx), with the meeting's name and dates in the footer.

    Args:
        session: An open unit of work (only read from).
        actor: Who asks.
        out_path: The .potx file to write.
        conference_id: The meeting for the footer (none: no footer).
        template: A built-in deck template name or a .pptx/.potx file for the theme.
        logos: Image files for the corner of every slide.
        progress: Receives (done, total, message).
        cancel: Checked between steps.
        force: Replace an existing file.

    Returns:
        What was written.

    Raises:
        NotFoundError: No such conference.
        ExportError: Bad logo or template; nothing was written.
        OutputExistsError: ``out_path`` exists and ``force`` is false.
        CancelledError: The user cancelled; nothing was written.
    """
    cancel = cancel or CancelToken()
    out = _check_out(out_path, force=force)
    progress(0, 3, "Reading the meeting")
    meeting, dates = "", ""
    if conference_id is not None:
        conference: m.Conference = items.load(session, "conference", conference_id, actor)
        meeting = conference.name
        dates = format_date(conference.starts_on, conference.ends_on)
        if conference.location:
            dates = " \u00b7 ".join(p for p in (dates, conference.location) if p)
    base = load_template(template, kind="slides")
    images = _logos(logos)
    cancel.check()
    progress(1, 3, "Laying out the template")
    data = build_slide_template(base, SlideTemplateSpec(meeting, dates, images))
    cancel.check()
    files.write_bytes(out, data, force=force)
    progress(3, 3, f"Saved {out.name}")
    return TemplateResult(out, "slides", WIDTH, HEIGHT, LAYOUT_NAMES)
