"""A fellow's scholarly CV: its works as plain data, one citation function, .docx and .pdf.

Every line of the CV is made by `cite`, the one place a citation style is chosen; it
uses the AMA formatter of `scholar_desk.core.formats.citation` today, and another style
(a CSL formatter) replaces it there alone. The fellow's own name is a bold run in every
author list.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scholar_desk.core import files
from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.citation import format_ama
from scholar_desk.core.formats.docx_docs import Run, new_document, plain_text
from scholar_desk.core.formats.report_files import long_date, report_fonts

PEER_REVIEWED = "peer_reviewed"
PENDING = "in_press_submitted"
ABSTRACTS = "abstracts"
ORAL = "oral"
CHAPTERS = "chapters"
OTHER = "other"

SECTIONS: tuple[tuple[str, str], ...] = (
    (PEER_REVIEWED, "Peer-reviewed publications"),
    (PENDING, "In press and submitted"),
    (ABSTRACTS, "Abstracts and posters"),
    (ORAL, "Oral presentations and grand rounds"),
    (CHAPTERS, "Book chapters"),
    (OTHER, "Other"),
)
"""The CV's sections, in the order academic medicine lists them."""

STYLES = ("ama",)
"""Citation styles `cite` knows."""

MAX_AUTHORS = 6
"""AMA lists up to six authors; with more, the first three and "et al"."""


@dataclass(frozen=True)
class Author:
    """One author as a citation shows it.

    Attributes:
        name: The name in the citation's form (``Patel MR``).
        own: Whether this is the fellow whose CV it is.
    """

    name: str
    own: bool = False


@dataclass(frozen=True)
class Work:
    """One scholarly work, as plain data any citation style can format.

    Attributes:
        source: The record it comes from (``manuscript:3``).
        kind: ``article``, ``chapter``, ``abstract`` or ``presentation``.
        title: Its title.
        authors: Authors in byline order.
        on: The date that places it (publication, presentation, submission).
        status: ``published``, ``in press``, ``accepted``, ``submitted``, ``presented``,
            ``accepted as poster``, ``accepted as oral`` or ``given``.
        venue: Journal (abbreviation) or meeting.
        place: Where a meeting or talk was.
        detail: What kind of article or talk (``grand rounds``, ``poster``).
        year: The publication year.
        volume: Volume.
        issue: Issue.
        pages: Pages.
        doi: DOI.
        pmid: PubMed id.
        project_id: The project it belongs to.
        section: The CV section key it belongs in.
        scope: The meeting's scope (``national``...) of an abstract or talk.
    """

    source: str
    kind: str
    title: str
    authors: tuple[Author, ...] = ()
    on: dt.date | None = None
    status: str = ""
    venue: str = ""
    place: str = ""
    detail: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    project_id: int | None = None
    section: str = OTHER
    scope: str = ""

    @property
    def record_id(self) -> int:
        """The id part of `source`."""
        return int(self.source.rsplit(":", 1)[1])


@dataclass(frozen=True)
class CvLine:
    """One work and its citation."""

    work: Work
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        """The citation without emphasis."""
        return plain_text(self.runs)


@dataclass(frozen=True)
class CvSection:
    """A headed section of the CV, newest first."""

    key: str
    title: str
    lines: tuple[CvLine, ...] = ()


@dataclass(frozen=True)
class Cv:
    """A fellow's scholarly CV.

    Attributes:
        fellow: The fellow's name with degrees.
        details: Lines under the name (email, ORCID, affiliations).
        dated: When it was made.
        since: The first day it covers (``None``: everything).
        style: The citation style.
        sections: Every section in `SECTIONS` order (empty ones included).
    """

    fellow: str
    details: tuple[str, ...]
    dated: dt.date
    since: dt.date | None
    style: str
    sections: tuple[CvSection, ...] = field(default_factory=tuple)

    def section(self, key: str) -> CvSection:
        """One section by key."""
        return next(s for s in self.sections if s.key == key)

    def count(self, key: str) -> int:
        """How many entries a section has."""
        return len(self.section(key).lines)

    @property
    def total(self) -> int:
        """Entries in all sections."""
        return sum(len(s.lines) for s in self.sections)

    @property
    def papers(self) -> int:
        """Peer-reviewed papers: an abstract of the same project is never one of them."""
        return self.count(PEER_REVIEWED)


# Citing ---------------------------------------------------------------------------------


def cite(work: Work, style: str = "ama") -> tuple[Run, ...]:
    """One work's citation as runs of text, the fellow's own name in bold.

    This is the one function that knows citation styles.

    Raises:
        ValueError: An unknown style.
    """
    if style != "ama":
        raise ValueError(f"Unknown citation style '{style}' (known: {', '.join(STYLES)}).")
    runs = list(_ama_authors(work.authors))
    if work.kind in ("article", "chapter"):
        runs.extend(_ama_publication(work))
    else:
        runs.extend(_ama_presentation(work))
    return tuple(runs)


def _ama_authors(authors: Sequence[Author]) -> tuple[Run, ...]:
    if not authors:
        return ()
    shown = list(authors) if len(authors) <= MAX_AUTHORS else list(authors[:3])
    # The fellow stays visible in a long list: shown after "et al" when not among the first.
    if len(authors) > MAX_AUTHORS and not any(a.own for a in shown):
        own = next((a for a in authors if a.own), None)
    else:
        own = None
    runs: list[Run] = []
    for n, author in enumerate(shown):
        if n:
            runs.append(Run(", "))
        runs.append(Run(author.name, bold=author.own))
    if len(authors) > MAX_AUTHORS:
        runs.append(Run(", et al"))
        if own is not None:
            runs.extend((Run(" (incl. "), Run(own.name, bold=True), Run(")")))
    runs.append(Run(". "))
    return tuple(runs)


def _ama_publication(work: Work) -> list[Run]:
    forthcoming = work.status in ("in press", "accepted", "submitted")
    title = format_ama({"title": work.title})
    record: dict[str, Any] = {
        "authors": "",
        "title": "",
        "entry_type": "article",
        "journal": "" if forthcoming or work.kind == "chapter" else work.venue.strip(),
        "year": None if forthcoming or work.kind == "chapter" else work.year,
        "volume": "" if forthcoming else work.volume,
        "issue": "" if forthcoming else work.issue,
        "pages": "" if forthcoming else work.pages,
        "doi": work.doi,
        "extra_fields": {},
    }
    rest = format_ama(record)
    runs: list[Run] = [Run(f"{title} ")]
    journal = work.venue.strip().rstrip(".")
    if work.kind == "chapter":
        label = "Textbook" if work.detail == "textbook" else "Book chapter"
        runs.append(Run(f"{label}." + (f" {work.year}." if work.year else "")))
        if rest:
            runs.append(Run(f" {rest}"))
    elif forthcoming:
        if work.status == "submitted":
            runs.append(Run(f"Submitted to {journal}." if journal else "Submitted."))
        else:
            if journal:
                runs.extend([Run(journal, italic=True), Run(". ")])
            runs.append(Run("In press." if work.status == "in press" else "Accepted."))
        if rest:
            runs.append(Run(f" {rest}"))
    else:
        head, found, tail = (
            rest.partition(f"{work.venue.strip()}. ") if journal else ("", "", rest)
        )
        if found and not head:
            runs.extend([Run(journal, italic=True), Run(". " + tail)])
        else:
            runs.append(Run(rest))
    if work.pmid:
        runs.append(Run(f" PMID: {work.pmid}"))
    runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].bold, runs[-1].italic)
    return runs


_PRESENTED = {
    "accepted as poster": "Poster to be presented at: ",
    "accepted as oral": "Oral presentation to be given at: ",
}
_GIVEN = {"oral presentation": "Presented orally at: ", "poster": "Poster presented at: "}


def _ama_presentation(work: Work) -> list[Run]:
    title = work.title.strip()
    title = title if not title or title[-1] in ".?!" else f"{title}."
    if work.kind == "abstract":
        lead = _PRESENTED.get(work.status) or _GIVEN.get(work.detail, "Presented at: ")
    else:
        lead = f"{(work.detail or 'Presentation').capitalize()} presented at: "
    parts = [p for p in (work.venue, long_date(work.on) if work.on else "", work.place) if p]
    where = "; ".join(parts) if parts else "venue not recorded"
    return [Run(f"{title} {lead}{where}.")]


# Writing --------------------------------------------------------------------------------


FORMATS = ("docx", "pdf")


def write_cv(cv: Cv, path: Path, *, force: bool = False) -> None:
    """Write the CV as .docx or .pdf (by the file's extension), atomically.

    Raises:
        ExportError: Another extension, or the file cannot be written.
        OutputExistsError: ``path`` exists and ``force`` is false.
    """
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(f"Cannot tell the format of '{path.name}': end it with .docx or .pdf.")
    with files.writing(path, force=force) as tmp:
        if suffix == "docx":
            _write_docx(cv, tmp)
        else:
            _write_pdf(cv, tmp)


def subtitle(cv: Cv) -> str:
    """``Scholarly activity, AMA style · since July 1, 2024 · December 2, 2026``."""
    parts = [f"Scholarly activity, {cv.style.upper()} style"]
    if cv.since is not None:
        parts.append(f"since {long_date(cv.since)}")
    parts.append(long_date(cv.dated))
    return " \u00b7 ".join(parts)


def _write_docx(cv: Cv, path: Path) -> None:
    from docx.shared import Inches, Pt

    document = new_document(f"Curriculum vitae: {cv.fellow}")
    document.add_paragraph(cv.fellow, style="Title")
    for detail in cv.details:
        para = document.add_paragraph(detail)
        para.paragraph_format.space_after = Pt(0)
    sub = document.add_paragraph(subtitle(cv))
    sub.runs[0].italic = True
    for section in cv.sections:
        if not section.lines:
            continue
        document.add_paragraph(f"{section.title} ({len(section.lines)})", style="Heading 1")
        for n, line in enumerate(section.lines, 1):
            para = document.add_paragraph()
            fmt = para.paragraph_format
            fmt.left_indent = Inches(0.35)
            fmt.first_line_indent = Inches(-0.35)
            fmt.space_after = Pt(6)
            fmt.tab_stops.add_tab_stop(Inches(0.35))
            para.add_run(f"{n}.\t")
            for piece in line.runs:
                run = para.add_run(piece.text)
                run.bold = piece.bold
                run.italic = piece.italic
    document.save(str(path))


_INK = (33, 37, 41)
_MUTED = (108, 117, 125)
_ACCENT = (31, 78, 121)


def new_pdf(title: str, footer: str) -> Any:
    """A Letter-size FPDF with the report's fonts (``Body``) and a footer with page numbers."""
    from fpdf import FPDF

    regular, bold, italic = report_fonts()
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    class _Pdf(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Body", size=8)
            self.set_text_color(*_MUTED)
            self.cell(0, 5, footer, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    pdf = _Pdf(orientation="portrait", unit="mm", format="Letter")
    pdf.set_creator("Scholar Desk")
    pdf.set_title(title)
    pdf.add_font("Body", "", str(regular))
    pdf.add_font("Body", "B", str(bold))
    pdf.add_font("Body", "I", str(italic))
    pdf.add_font("Body", "BI", str(bold))
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.alias_nb_pages()
    return pdf


def pdf_runs(pdf: Any, runs: Sequence[Run], number: str, *, size: float = 10) -> None:
    """One numbered entry of runs with a hanging indent."""
    indent = 8.0
    left = pdf.l_margin
    if pdf.get_y() > pdf.h - 30:
        pdf.add_page()
    pdf.set_text_color(*_MUTED)
    pdf.set_font("Body", "", size)
    pdf.set_x(left)
    pdf.cell(indent, 5, number)
    pdf.set_text_color(*_INK)
    pdf.set_left_margin(left + indent)
    pdf.set_x(left + indent)
    for run in runs:
        style = ("B" if run.bold else "") + ("I" if run.italic else "")
        pdf.set_font("Body", style, size)
        pdf.write(5, run.text)
    pdf.set_left_margin(left)
    pdf.ln(5)
    pdf.ln(1.5)


def pdf_heading(pdf: Any, text: str) -> None:
    """A section heading in the accent colour."""
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_text_color(*_ACCENT)
    pdf.set_font("Body", "B", 12.5)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(206, 212, 218)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)
    pdf.set_text_color(*_INK)


def _write_pdf(cv: Cv, path: Path) -> None:
    pdf = new_pdf(f"Curriculum vitae: {cv.fellow}", f"{cv.fellow} \u00b7 {long_date(cv.dated)}")
    pdf.add_page()
    pdf.set_text_color(*_ACCENT)
    pdf.set_font("Body", "B", 20)
    pdf.cell(0, 10, cv.fellow, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*_INK)
    pdf.set_font("Body", "", 10)
    for detail in cv.details:
        pdf.cell(0, 5, detail, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*_MUTED)
    pdf.set_font("Body", "I", 10)
    pdf.cell(0, 6, subtitle(cv), new_x="LMARGIN", new_y="NEXT")
    for section in cv.sections:
        if not section.lines:
            continue
        pdf_heading(pdf, f"{section.title} ({len(section.lines)})")
        for n, line in enumerate(section.lines, 1):
            pdf_runs(pdf, line.runs, f"{n}.")
    pdf.output(str(path))
