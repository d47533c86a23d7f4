"""Word documents a fellow hands in: a response to reviewers and a publication list for a CV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scholar_desk.core import files
from scholar_desk.core.formats.report_files import long_date

PLACEHOLDER = "[Response to be written]"


@dataclass(frozen=True)
class ResponsePoint:
    """One reviewer comment and what the authors did about it.

    Attributes:
        reviewer: Who raised it (``Reviewer 1``, ``Editor``).
        comment: The comment as the reviewer wrote it.
        response: The authors' answer (empty while still to be written).
        change_location: Where the manuscript changed (``Methods, paragraph 2``).
        done: Whether the point is marked done.
    """

    reviewer: str
    comment: str
    response: str = ""
    change_location: str = ""
    done: bool = False


@dataclass(frozen=True)
class ResponseLetter:
    """A response to reviewers for one revision round.

    Attributes:
        manuscript_title: The manuscript.
        journal: The journal it is at.
        manuscript_number: The journal's manuscript ID.
        round_number: Which revision round.
        received_on: When the reviews came.
        dated: The letter's date.
        points: The points in order.
    """

    manuscript_title: str
    journal: str
    manuscript_number: str
    round_number: int
    received_on: dt.date | None
    dated: dt.date
    points: tuple[ResponsePoint, ...] = ()

    @property
    def open_points(self) -> list[ResponsePoint]:
        """Points that still have no response."""
        return [p for p in self.points if not p.response.strip()]


@dataclass(frozen=True)
class Run:
    """A piece of text with its emphasis, as a citation needs (italic journal, bold name)."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class CvSection:
    """A headed, numbered list of citations.

    Attributes:
        title: The heading (``Peer-reviewed publications``).
        entries: Each citation as runs of text.
    """

    title: str
    entries: tuple[tuple[Run, ...], ...] = ()


@dataclass(frozen=True)
class PublicationList:
    """A fellow's outputs in AMA style, for a CV.

    Attributes:
        fellow: The fellow's name with degrees.
        dated: When the list was made.
        sections: The non-empty sections in CV order.
    """

    fellow: str
    dated: dt.date
    sections: tuple[CvSection, ...] = ()


def plain_text(runs: Sequence[Run]) -> str:
    """The citation without emphasis."""
    return "".join(r.text for r in runs)


def new_document(title: str) -> Any:
    """A Word document in the house style (Calibri, blue headings, one-inch margins)."""
    from docx import Document
    from docx.shared import Inches, Pt, RGBColor

    document = Document()
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        style = styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    document.core_properties.title = title
    document.core_properties.author = "Scholar Desk"
    for section in document.sections:
        section.left_margin = section.right_margin = Inches(1)
        section.top_margin = section.bottom_margin = Inches(1)
    return document


def write_response(letter: ResponseLetter, path: Path, *, force: bool = False) -> None:
    """Write a response-to-reviewers letter as .docx, atomically.

    Each point shows the reviewer's comment (italic, indented), the response, and where
    the manuscript changed; a point with no response yet shows a highlighted placeholder.

    Raises:
        ExportError: The file cannot be written.
    """
    document = _response_document(letter)
    with files.writing(path, force=force) as tmp:
        document.save(str(tmp))


def response_bytes(letter: ResponseLetter) -> bytes:
    """The response-to-reviewers letter as the bytes of a .docx (for a submission package)."""
    import io

    out = io.BytesIO()
    _response_document(letter).save(out)
    return out.getvalue()


def _response_document(letter: ResponseLetter) -> Any:
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Inches, Pt, RGBColor

    document = new_document(f"Response to reviewers: {letter.manuscript_title}")
    document.add_paragraph("Response to reviewers", style="Title")
    facts = [
        ("Manuscript", letter.manuscript_title),
        ("Journal", letter.journal),
        ("Manuscript ID", letter.manuscript_number),
        ("Revision round", str(letter.round_number)),
        ("Reviews received", long_date(letter.received_on) if letter.received_on else ""),
        ("Date", long_date(letter.dated)),
    ]
    for label, value in facts:
        if not value:
            continue
        para = document.add_paragraph()
        para.paragraph_format.space_after = Pt(0)
        para.add_run(f"{label}: ").bold = True
        para.add_run(value)
    document.add_paragraph()
    document.add_paragraph("Dear Editor,")
    document.add_paragraph(
        "Thank you for the opportunity to revise our manuscript. We are grateful to the "
        "reviewers for their careful reading. Below we answer each comment in turn: the "
        "reviewer's comment in italics, our response, and where the manuscript changed."
    )
    current = None
    numbers: dict[str, int] = {}
    for point in letter.points:
        reviewer = point.reviewer.strip() or "Reviewer"
        if reviewer != current:
            document.add_paragraph(reviewer, style="Heading 1")
            current = reviewer
        numbers[reviewer] = numbers.get(reviewer, 0) + 1
        document.add_paragraph(f"Comment {numbers[reviewer]}", style="Heading 2")
        comment = document.add_paragraph()
        comment.paragraph_format.left_indent = Inches(0.3)
        run = comment.add_run(point.comment)
        run.italic = True
        run.font.color.rgb = RGBColor(0x44, 0x4B, 0x55)
        response = document.add_paragraph()
        response.add_run("Response: ").bold = True
        if point.response.strip():
            response.add_run(point.response)
        else:
            placeholder = response.add_run(PLACEHOLDER)
            placeholder.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if point.change_location.strip():
            where = document.add_paragraph()
            where.add_run("Change in the manuscript: ").bold = True
            where.add_run(point.change_location)
    if not letter.points:
        document.add_paragraph("No reviewer comments are recorded for this round.")
    document.add_paragraph()
    document.add_paragraph("Sincerely,")
    document.add_paragraph("The authors")
    return document


def write_publication_list(
    publications: PublicationList, path: Path, *, force: bool = False
) -> None:
    """Write a publication list for a CV as .docx, atomically: numbered, newest first.

    Raises:
        ExportError: The file cannot be written.
    """
    from docx.shared import Inches, Pt

    document = new_document(f"Publications: {publications.fellow}")
    document.add_paragraph(publications.fellow, style="Title")
    sub = document.add_paragraph(
        f"Publications and presentations, AMA style \u00b7 {long_date(publications.dated)}"
    )
    sub.runs[0].italic = True
    for section in publications.sections:
        document.add_paragraph(section.title, style="Heading 1")
        for n, entry in enumerate(section.entries, 1):
            para = document.add_paragraph()
            fmt = para.paragraph_format
            fmt.left_indent = Inches(0.35)
            fmt.first_line_indent = Inches(-0.35)
            fmt.space_after = Pt(6)
            fmt.tab_stops.add_tab_stop(Inches(0.35))
            para.add_run(f"{n}.\t")
            for piece in entry:
                run = para.add_run(piece.text)
                run.bold = piece.bold
                run.italic = piece.italic
    if not publications.sections:
        document.add_paragraph("Nothing recorded yet.")
    with files.writing(path, force=force) as tmp:
        document.save(str(tmp))
