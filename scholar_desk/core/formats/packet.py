"""The semiannual review packet as one PDF, a part per fellow.

It serves the review meeting and the Clinical Competency Committee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scholar_desk.core import files
from scholar_desk.core.formats.cv import new_pdf, pdf_heading, pdf_runs
from scholar_desk.core.formats.docx_docs import Run
from scholar_desk.core.formats.report_files import RequirementLine, long_date

_MUTED = (108, 117, 125)
_INK = (33, 37, 41)
_ACCENT = (31, 78, 121)


@dataclass(frozen=True)
class MeetingLine:
    """One meeting in the log: when, who, what, and the actions agreed."""

    held_on: dt.date
    attendees: str
    notes: str
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Packet:
    """One fellow's part of the review packet.

    Attributes:
        fellow: The fellow's name.
        starts_on: First day of the review period.
        ends_on: Last day of the review period.
        dated: When it was made.
        program: The program whose requirements are shown.
        requirements: Progress against them.
        outputs: Works dated in the period: (section title, cited lines).
        stalled: Items that have not moved for too long.
        deadlines: The next deadlines.
        comments: Mentors' comments still open.
        meetings: Meetings held in the period, newest first.
    """

    fellow: str
    starts_on: dt.date
    ends_on: dt.date
    dated: dt.date
    program: str
    requirements: tuple[RequirementLine, ...] = ()
    outputs: tuple[tuple[str, tuple[tuple[Run, ...], ...]], ...] = ()
    stalled: tuple[str, ...] = ()
    deadlines: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    meetings: tuple[MeetingLine, ...] = field(default_factory=tuple)

    @property
    def output_count(self) -> int:
        """Works in the period."""
        return sum(len(lines) for _, lines in self.outputs)

    @property
    def empty(self) -> bool:
        """Nothing happened in the period: no work dated in it and no meeting."""
        return not self.output_count and not self.meetings


def _bullets(pdf: object, lines: Sequence[str], empty: str) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    pdf.set_font("Body", "", 10)
    if not lines:
        pdf.set_text_color(*_MUTED)
        pdf.cell(0, 6, empty, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*_INK)
        return
    for line in lines:
        pdf_runs(pdf, (Run(line),), "\u2022")


def write_packets(packets: Sequence[Packet], path: Path, *, force: bool = False) -> None:
    """Write the review packet: each fellow's part on its own pages.

    Raises:
        ExportError: The file cannot be written.
        OutputExistsError: ``path`` exists and ``force`` is false.
    """
    first = packets[0]
    period = f"{long_date(first.starts_on)} \u2013 {long_date(first.ends_on)}"
    pdf = new_pdf("Semiannual review packet", f"Semiannual review \u00b7 {period}")
    for packet in packets:
        pdf.add_page()
        pdf.set_text_color(*_ACCENT)
        pdf.set_font("Body", "B", 19)
        pdf.cell(0, 9, packet.fellow, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*_MUTED)
        pdf.set_font("Body", "", 10)
        pdf.cell(
            0,
            5,
            f"Semiannual review \u00b7 {period} \u00b7 prepared {long_date(packet.dated)}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(*_INK)
        pdf_heading(pdf, f"Progress against requirements ({packet.program})")
        pdf.set_font("Body", "", 9.5)
        if packet.requirements:
            with pdf.table(
                col_widths=(70, 24, 82),
                text_align=("LEFT", "CENTER", "LEFT"),
                line_height=5.5,
                borders_layout="HORIZONTAL_LINES",
            ) as table:
                table.row(("Requirement", "Status", "Items"))
                for line in packet.requirements:
                    detail = line.summary.split(": ", 1)[1] if ": " in line.summary else ""
                    table.row((line.title, line.state, detail))
        else:
            _bullets(pdf, [], "The program states no requirements.")
        pdf_heading(pdf, f"Outputs in the period ({packet.output_count})")
        if not packet.outputs:
            _bullets(pdf, [], "Nothing dated in this period.")
        for title, lines in packet.outputs:
            pdf.set_font("Body", "B", 10)
            pdf.cell(0, 6, f"{title} ({len(lines)})", new_x="LMARGIN", new_y="NEXT")
            for n, runs in enumerate(lines, 1):
                pdf_runs(pdf, runs, f"{n}.")
        pdf_heading(pdf, f"Stalled ({len(packet.stalled)})")
        _bullets(pdf, packet.stalled, "Nothing has stalled.")
        pdf_heading(pdf, "Next deadlines")
        _bullets(pdf, packet.deadlines, "No deadlines ahead.")
        pdf_heading(pdf, f"Open mentor comments ({len(packet.comments)})")
        _bullets(pdf, packet.comments, "No open comments.")
        pdf_heading(pdf, f"Meeting log ({len(packet.meetings)})")
        if not packet.meetings:
            _bullets(pdf, [], "No meetings recorded in this period.")
        for meeting in packet.meetings:
            who = f" \u2014 {meeting.attendees}" if meeting.attendees else ""
            pdf.set_font("Body", "B", 10)
            pdf.cell(0, 6, f"{long_date(meeting.held_on)}{who}", new_x="LMARGIN", new_y="NEXT")
            if meeting.notes:
                pdf_runs(pdf, (Run(meeting.notes),), "")
            for action in meeting.actions:
                pdf_runs(pdf, (Run(action),), "\u2192")
    with files.writing(path, force=force) as tmp:
        pdf.output(str(tmp))
