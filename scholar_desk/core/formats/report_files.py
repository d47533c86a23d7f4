"""The scholarly activity report as files: CSV, a formatted XLSX workbook and a printable PDF.

The report's plain types live here too, so the writers need nothing from the database;
`scholar_desk.core.services.report` builds them.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from scholar_desk.core import files
from scholar_desk.core.errors import ExportError
from scholar_desk.core.progress import CancelToken, ProgressSink, no_progress

PUBMED = "pubmed"
CONFERENCE = "conference"
OTHER = "other"
CHAPTER = "chapter"
TEACHING = "teaching"
NO_PMID = "no_pmid"

COUNTED_CATEGORIES: tuple[tuple[str, str], ...] = (
    (PUBMED, "PubMed-indexed articles"),
    (CONFERENCE, "Conference presentations"),
    (OTHER, "Other presentations"),
    (CHAPTER, "Chapters and textbooks"),
)
"""The categories the report counts, in report order, with their headings."""

LISTED_CATEGORIES: tuple[tuple[str, str], ...] = (
    (TEACHING, "Teaching sessions and journal clubs (not counted above)"),
    (NO_PMID, "Published articles without a PMID (not counted until one is added)"),
)
"""Categories listed for completeness but not counted."""

CATEGORY_TITLES: dict[str, str] = dict(COUNTED_CATEGORIES + LISTED_CATEGORIES)

SUMMARY_HEADER: tuple[str, ...] = (
    "Fellow",
    "Academic year",
    "PubMed-indexed articles",
    "PMIDs",
    "Conference presentations",
    "Other presentations",
    "Chapters and textbooks",
    "Participated in research",
    "Teaching or presentations of 30 minutes or more",
)
"""Columns of the CSV file and of the workbook's summary sheet."""

COUNTING_NOTE = (
    "Each item counts once, in the academic year of its publication or presentation date. "
    "Articles count when they carry a PMID. Conference presentations are abstracts, posters "
    "and talks at international, national or regional meetings; an abstract and a talk of "
    "the same project at the same meeting count once. Other presentations are grand rounds, "
    "invited lectures, local posters and workshops. Journal clubs and teaching sessions are "
    "listed but not counted; they, like any talk, make \u201cteaching of 30 minutes or more\u201d "
    "a yes when they last 30 minutes or longer."
)
"""How the report counts, printed on the PDF's first page for a program-wide report."""

ITEM_HEADER: tuple[str, ...] = ("Category", "Date", "Title", "Where", "PMID", "Note")
"""Columns of each fellow's sheet in the workbook."""


@dataclass(frozen=True)
class ReportItem:
    """One counted (or listed) output of a fellow.

    Attributes:
        category: One of the category keys (`PUBMED`, `CONFERENCE`...).
        on: The publication or presentation date that places it in a year.
        title: The title of the article, abstract or talk.
        where: Journal, meeting or venue.
        pmid: The PubMed id of an article.
        source: The record it comes from, such as ``manuscript:12``.
        note: Extra context, e.g. that a talk was merged into its abstract.
    """

    category: str
    on: dt.date
    title: str
    where: str = ""
    pmid: str = ""
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class ReportWarning:
    """A gap in the data that makes the report incomplete or wrong.

    Attributes:
        kind: ``missing_pmid``, ``missing_date``, ``duplicate`` or ``missing_length``.
        fellow: The fellow it concerns.
        message: A sentence saying what is wrong and how to fix it.
        source: The record at fault, such as ``abstract:7``.
    """

    kind: str
    fellow: str
    message: str
    source: str = ""


@dataclass(frozen=True)
class RequirementLine:
    """Where a fellow stands on one of the program's requirements.

    Attributes:
        title: What the requirement asks.
        state: ``met``, ``in progress`` or ``not started``.
        summary: The state with the items that meet it or will.
    """

    title: str
    state: str
    summary: str


@dataclass(frozen=True)
class FellowReport:
    """One fellow's scholarly activity in one academic year.

    Attributes:
        fellow_id: The fellow's Person id (``None`` for records with no fellow).
        fellow: The fellow's display name.
        items: Everything counted or listed, sorted by category then date.
        participated_in_research: Whether the fellow took part in research this year.
        teaching_30_min: Whether the fellow taught or presented for 30 minutes or more.
        requirements: Progress against the program's requirements, where attached.
    """

    fellow_id: int | None
    fellow: str
    items: tuple[ReportItem, ...] = ()
    participated_in_research: bool = False
    teaching_30_min: bool = False
    requirements: tuple[RequirementLine, ...] = ()

    def in_category(self, category: str) -> list[ReportItem]:
        """The items of one category, in date order."""
        return [item for item in self.items if item.category == category]

    def count(self, category: str) -> int:
        """How many items of one category there are."""
        return len(self.in_category(category))

    @property
    def pmids(self) -> list[str]:
        """The PMIDs of the counted articles."""
        return [item.pmid for item in self.in_category(PUBMED)]


@dataclass(frozen=True)
class ActivityReport:
    """The scholarly activity of one or more fellows in one academic year.

    Attributes:
        year: The academic year's first calendar year (2026 for 2026-2027).
        starts_on: July 1 of ``year``.
        ends_on: June 30 of the next year.
        generated_on: When the report was made.
        fellows: One part per fellow, by name.
        warnings: Gaps found while counting, for every fellow.
        scope: Who the report covers, e.g. ``Program-wide`` or a fellow's name.
        program: The program whose requirements are attached (``""``: none).
    """

    year: int
    starts_on: dt.date
    ends_on: dt.date
    generated_on: dt.date
    fellows: tuple[FellowReport, ...] = ()
    warnings: tuple[ReportWarning, ...] = ()
    scope: str = ""
    program: str = ""

    @property
    def label(self) -> str:
        """``2026-2027`` with an en dash."""
        return f"{self.year}\u2013{self.year + 1}"

    def warnings_for(self, fellow: str) -> list[ReportWarning]:
        """The warnings of one fellow."""
        return [w for w in self.warnings if w.fellow == fellow]


def summary_row(report: ActivityReport, fellow: FellowReport) -> list[str]:
    """One fellow's row of the summary, matching `SUMMARY_HEADER`."""
    return [
        fellow.fellow,
        report.label,
        str(fellow.count(PUBMED)),
        "; ".join(fellow.pmids),
        str(fellow.count(CONFERENCE)),
        str(fellow.count(OTHER)),
        str(fellow.count(CHAPTER)),
        _yes_no(fellow.participated_in_research),
        _yes_no(fellow.teaching_30_min),
    ]


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def long_date(day: dt.date) -> str:
    """``July 1, 2026``: the way a report for people spells a date."""
    return f"{day:%B} {day.day}, {day.year}"


# Writing files safely -------------------------------------------------------------------


FORMATS = ("csv", "xlsx", "pdf")


def write_report(
    report: ActivityReport,
    path: Path,
    *,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
    force: bool = False,
) -> None:
    """Write the report in the format its file name ends with (.csv, .xlsx or .pdf).

    Args:
        report: What to write.
        path: The file; its extension chooses the format.
        progress: Receives (done, total, message).
        cancel: Checked between fellows.
        force: Replace an existing file.

    Raises:
        OutputExistsError: ``path`` exists and ``force`` is false.
        ExportError: Unknown extension, or the file cannot be written.
        CancelledError: ``cancel`` was set; nothing was written.
    """
    suffix = path.suffix.lower().lstrip(".")
    writers: dict[str, Callable[[ActivityReport, Path, ProgressSink, CancelToken], None]] = {
        "csv": _write_csv,
        "xlsx": _write_xlsx,
        "pdf": _write_pdf,
    }
    if suffix not in writers:
        raise ExportError(
            f"Cannot tell the format of '{path.name}': end the name with .csv, .xlsx or .pdf."
        )
    token = cancel or CancelToken()
    with files.writing(path, force=force) as tmp:
        writers[suffix](report, tmp, progress, token)
        token.check()


def _write_csv(
    report: ActivityReport, path: Path, progress: ProgressSink, cancel: CancelToken
) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(SUMMARY_HEADER)
        for done, fellow in enumerate(report.fellows, 1):
            cancel.check()
            writer.writerow(summary_row(report, fellow))
            progress(done, len(report.fellows), fellow.fellow)


# XLSX -----------------------------------------------------------------------------------

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/ or backslash), unique."""
    base = _SHEET_FORBIDDEN.sub(" ", name).strip().strip("'") or "Fellow"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(title.lower())
    return title


def _write_xlsx(
    report: ActivityReport, path: Path, progress: ProgressSink, cancel: CancelToken
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E79")
    wrap = Alignment(wrap_text=True, vertical="top")

    def style_header(sheet: object, row: int, widths: list[int]) -> None:
        for col, width in enumerate(widths, 1):
            cell = sheet.cell(row=row, column=col)  # type: ignore[attr-defined]
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            letter = get_column_letter(col)
            sheet.column_dimensions[letter].width = width  # type: ignore[attr-defined]

    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook always has one sheet
    summary.title = "Summary"
    summary.append([f"Scholarly activity, academic year {report.label}"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(
        [
            f"{long_date(report.starts_on)} to {long_date(report.ends_on)}; "
            f"{report.scope or 'all fellows'}; generated {long_date(report.generated_on)}"
        ]
    )
    summary.append(list(SUMMARY_HEADER))
    style_header(summary, 3, [28, 14, 14, 34, 16, 14, 14, 14, 20])
    summary.row_dimensions[3].height = 45
    numeric = {3, 5, 6, 7}
    for fellow in report.fellows:
        row = summary_row(report, fellow)
        summary.append([int(v) if i + 1 in numeric else v for i, v in enumerate(row)])
        for cell in summary[summary.max_row]:
            cell.alignment = wrap
    summary.freeze_panes = "B4"

    taken = {"summary", "data gaps"}
    total = len(report.fellows)
    for done, fellow in enumerate(report.fellows, 1):
        cancel.check()
        sheet = book.create_sheet(sheet_title(fellow.fellow, taken))
        sheet.append(list(ITEM_HEADER))
        style_header(sheet, 1, [26, 12, 60, 36, 12, 36])
        for item in fellow.items:
            sheet.append(
                [
                    CATEGORY_TITLES.get(item.category, item.category),
                    item.on,
                    item.title,
                    item.where,
                    item.pmid,
                    item.note,
                ]
            )
            for cell in sheet[sheet.max_row]:
                cell.alignment = wrap
            sheet.cell(row=sheet.max_row, column=2).number_format = "yyyy-mm-dd"
        sheet.append([])
        sheet.append(["Participated in research", _yes_no(fellow.participated_in_research)])
        sheet.append(["Teaching 30 minutes or more", _yes_no(fellow.teaching_30_min)])
        if fellow.requirements:
            sheet.append([])
            sheet.append([f"Program requirements: {report.program}"])
            for line in fellow.requirements:
                sheet.append([line.title, line.state, line.summary])
        sheet.freeze_panes = "A2"
        progress(done, total + 1, fellow.fellow)

    if report.warnings:
        gaps = book.create_sheet("Data gaps")
        gaps.append(["Fellow", "Problem", "Record"])
        style_header(gaps, 1, [28, 90, 18])
        for warning in report.warnings:
            gaps.append([warning.fellow, warning.message, warning.source])
            for cell in gaps[gaps.max_row]:
                cell.alignment = wrap
        gaps.freeze_panes = "A2"
    book.save(path)
    progress(total + 1, total + 1, "saved")


# PDF ------------------------------------------------------------------------------------

_INK = (33, 37, 41)
_MUTED = (108, 117, 125)
_ACCENT = (31, 78, 121)
_RULE = (206, 212, 218)
_BAND = (234, 241, 248)
_WARN_BG = (255, 243, 205)
_WARN_INK = (133, 100, 4)


def _shipped_fonts_dir() -> Path:
    try:
        return Path(str(resources.files("scholar_desk.resources"))) / "fonts"
    except ModuleNotFoundError:  # a development checkout installed before resources/ existed
        return Path(__file__).resolve().parents[3] / "resources" / "fonts"


def report_fonts() -> tuple[Path, Path, Path]:
    """Regular, bold and italic TTF files for the PDF: the shipped Carlito, else DejaVu.

    Raises:
        ExportError: No usable font was found.
    """
    shipped = _shipped_fonts_dir()
    carlito = tuple(shipped / f"Carlito-{s}.ttf" for s in ("Regular", "Bold", "Italic"))
    if all(p.is_file() for p in carlito):
        return carlito  # type: ignore[return-value]  # a 3-tuple by construction
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    fallback = tuple(dejavu / f"DejaVuSans{s}.ttf" for s in ("", "-Bold", "-Oblique"))
    if all(p.is_file() for p in fallback):
        return fallback  # type: ignore[return-value]  # a 3-tuple by construction
    raise ExportError(
        "The report's font is missing; reinstall Scholar Desk.", f"looked in {shipped}"
    )


def _write_pdf(
    report: ActivityReport, path: Path, progress: ProgressSink, cancel: CancelToken
) -> None:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    regular, bold, italic = report_fonts()
    # fontTools logs a harmless warning about the font's header date while subsetting.
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    class _ReportPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Body", size=8)
            self.set_text_color(*_MUTED)
            self.cell(
                0,
                5,
                f"Scholarly activity {report.label} \u00b7 generated "
                f"{long_date(report.generated_on)}",
                align="L",
            )
            self.set_x(self.l_margin)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    pdf = _ReportPDF(orientation="portrait", unit="mm", format="Letter")
    pdf.set_creator("Scholar Desk")
    pdf.set_title(f"Scholarly activity report {report.label}")
    pdf.add_font("Body", "", str(regular))
    pdf.add_font("Body", "B", str(bold))
    pdf.add_font("Body", "I", str(italic))
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.alias_nb_pages()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    heading = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=_ACCENT)

    def rule() -> None:
        pdf.set_draw_color(*_RULE)
        pdf.set_line_width(0.3)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())

    def title_block(subtitle: str) -> None:
        pdf.set_text_color(*_ACCENT)
        pdf.set_font("Body", "B", 20)
        pdf.cell(0, 10, "Scholarly activity report", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*_INK)
        pdf.set_font("Body", "", 12)
        pdf.cell(
            0,
            6,
            f"Academic year {report.label} ({long_date(report.starts_on)} \u2013 "
            f"{long_date(report.ends_on)})",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(*_MUTED)
        pdf.set_font("Body", "", 10)
        pdf.cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        rule()
        pdf.ln(4)

    def section(text: str) -> None:
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.set_text_color(*_ACCENT)
        pdf.set_font("Body", "B", 12)
        pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*_INK)

    def warnings_box(warnings: list[ReportWarning]) -> None:
        if not warnings:
            return
        pdf.ln(2)
        if pdf.get_y() > pdf.h - 40:
            pdf.add_page()
        pdf.set_fill_color(*_WARN_BG)
        pdf.set_text_color(*_WARN_INK)
        pdf.set_font("Body", "B", 10)
        pdf.multi_cell(
            width,
            6,
            f"Data gaps to fix ({len(warnings)})",
            fill=True,
            padding=(1, 3, 0, 3),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Body", "", 9.5)
        for n, warning in enumerate(warnings, 1):
            bottom = 2 if n == len(warnings) else 1
            pdf.multi_cell(
                width,
                4.8,
                f"\u2022 {warning.message}",
                fill=True,
                align="L",
                padding=(1, 3, bottom, 6),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        pdf.set_text_color(*_INK)
        pdf.set_fill_color(255, 255, 255)
        pdf.ln(3)

    pdf.set_fill_color(255, 255, 255)
    pdf.add_page()
    several = len(report.fellows) > 1
    title_block(
        f"{report.scope or 'All fellows'} \u00b7 {len(report.fellows)} "
        f"{'fellows' if several else 'fellow'} \u00b7 generated {long_date(report.generated_on)}"
    )

    if several or not report.fellows:
        section("Summary")
        pdf.set_font("Body", "", 9.5)
        columns = (
            "Fellow",
            "Articles (PMID)",
            "Conference",
            "Other",
            "Chapters",
            "Research",
            "Teaching \u2265\u00a030\u00a0min",
        )
        with pdf.table(
            col_widths=(48, 22, 20, 14, 17, 17, 28),
            text_align=("LEFT", "CENTER", "CENTER", "CENTER", "CENTER", "CENTER", "CENTER"),
            headings_style=heading,
            cell_fill_color=_BAND,
            cell_fill_mode="ROWS",
            line_height=6,
            borders_layout="HORIZONTAL_LINES",
            width=width,
        ) as table:
            table.row(columns)
            for fellow in report.fellows:
                table.row(
                    (
                        fellow.fellow,
                        str(fellow.count(PUBMED)),
                        str(fellow.count(CONFERENCE)),
                        str(fellow.count(OTHER)),
                        str(fellow.count(CHAPTER)),
                        _yes_no(fellow.participated_in_research),
                        _yes_no(fellow.teaching_30_min),
                    )
                )
        if several:
            gaps = len(report.warnings)
            pdf.ln(3)
            pdf.set_font("Body", "", 9.5)
            pdf.set_text_color(*(_WARN_INK if gaps else _MUTED))
            pdf.multi_cell(
                width,
                5,
                f"{gaps} data gap{'s' if gaps != 1 else ''} to fix; see each fellow's page."
                if gaps
                else "No data gaps found.",
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.set_text_color(*_INK)
        if not report.fellows:
            pdf.ln(3)
            pdf.set_font("Body", "I", 10)
            pdf.cell(0, 6, "No fellows to report.", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

    if several:
        section("How items are counted")
        pdf.set_font("Body", "", 9.5)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(width, 5, COUNTING_NOTE, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*_INK)

    total = len(report.fellows)
    for done, fellow in enumerate(report.fellows, 1):
        cancel.check()
        if several:
            pdf.add_page()
        pdf.set_text_color(*_INK)
        pdf.set_font("Body", "B", 15)
        pdf.cell(0, 8, fellow.fellow, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font("Body", "", 10)
        with pdf.table(
            col_widths=(120, 40),
            text_align=("LEFT", "CENTER"),
            headings_style=heading,
            cell_fill_color=_BAND,
            cell_fill_mode="ROWS",
            line_height=6.5,
            borders_layout="HORIZONTAL_LINES",
            width=width,
        ) as table:
            table.row(("Activity", "This year"))
            for key, title in COUNTED_CATEGORIES:
                table.row((title, str(fellow.count(key))))
            table.row(("Participated in research", _yes_no(fellow.participated_in_research)))
            table.row(
                (
                    "Teaching or presentations of 30 minutes or more",
                    _yes_no(fellow.teaching_30_min),
                )
            )
        pdf.ln(4)
        if fellow.requirements:
            section(f"Program requirements: {report.program}")
            pdf.set_font("Body", "", 9.5)
            with pdf.table(
                col_widths=(70, 24, 86),
                text_align=("LEFT", "CENTER", "LEFT"),
                headings_style=heading,
                cell_fill_color=_BAND,
                cell_fill_mode="ROWS",
                line_height=5.5,
                borders_layout="HORIZONTAL_LINES",
                width=width,
            ) as table:
                table.row(("Requirement", "Status", "Items"))
                for line in fellow.requirements:
                    items_text = line.summary.split(": ", 1)[1] if ": " in line.summary else ""
                    table.row((line.title, line.state, items_text))
            pdf.ln(4)
        for key, title in COUNTED_CATEGORIES + LISTED_CATEGORIES:
            items = fellow.in_category(key)
            if not items:
                continue
            section(f"{title} ({len(items)})" if key in dict(COUNTED_CATEGORIES) else title)
            for n, item in enumerate(items, 1):
                _pdf_item(pdf, width, n, item)
            pdf.ln(2)
        if not fellow.items:
            pdf.set_font("Body", "I", 10)
            pdf.set_text_color(*_MUTED)
            pdf.cell(
                0, 6, "Nothing recorded for this academic year.", new_x="LMARGIN", new_y="NEXT"
            )
            pdf.set_text_color(*_INK)
        warnings_box(report.warnings_for(fellow.fellow))
        progress(done, total + 1, fellow.fellow)
    pdf.output(str(path))
    progress(total + 1, total + 1, "saved")


def _pdf_item(pdf: object, width: float, n: int, item: ReportItem) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    indent = 8.0
    if pdf.get_y() > pdf.h - 30:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_font("Body", "", 10)
    pdf.set_text_color(*_MUTED)
    pdf.cell(indent, 5, f"{n}.")
    pdf.set_text_color(*_INK)
    pdf.set_xy(pdf.l_margin + indent, top)
    pdf.set_font("Body", "B", 10)
    pdf.multi_cell(width - indent, 5, item.title, new_x="LMARGIN", new_y="NEXT")
    details = [long_date(item.on)]
    if item.where:
        details.append(item.where)
    if item.pmid:
        details.append(f"PMID {item.pmid}")
    pdf.set_x(pdf.l_margin + indent)
    pdf.set_font("Body", "", 9.5)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(width - indent, 4.6, " \u00b7 ".join(details), new_x="LMARGIN", new_y="NEXT")
    if item.note:
        pdf.set_x(pdf.l_margin + indent)
        pdf.set_font("Body", "I", 9.5)
        pdf.multi_cell(width - indent, 4.6, item.note, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*_INK)
    pdf.ln(1.5)
