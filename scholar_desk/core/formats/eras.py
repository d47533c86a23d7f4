"""ERAS "Scholarly Works": one entry per item as the application's Publications section asks.

The categories follow the publication types of the AAMC's MyERAS application as we know
them (journal articles and abstracts, published or not; book chapters; other articles;
poster and oral presentations). The AAMC revises the application each season: the
output names its season and asks that the categories be checked against that season's
instructions before pasting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scholar_desk.core import files
from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.docx_docs import new_document

ARTICLE = "Peer Reviewed Journal Articles/Abstracts"
ARTICLE_PENDING = "Peer Reviewed Journal Articles/Abstracts (Other than Published)"
CHAPTER = "Peer Reviewed Book Chapter"
OTHER_ARTICLE = "Other Articles"
POSTER = "Poster Presentation"
ORAL = "Oral Presentation"
TYPES = (ARTICLE, ARTICLE_PENDING, CHAPTER, OTHER_ARTICLE, POSTER, ORAL)
"""The publication types used, in the order the entries are listed."""

STATUSES = ("Published", "Accepted", "Submitted")
MEANINGFUL = 3
"""How many entries an applicant marks as most meaningful."""

CHECK_NOTE = (
    "Check these categories and fields against the AAMC's ERAS instructions for this "
    "season before pasting; the application changes from season to season."
)


def eras_season(today: dt.date) -> int:
    """The ERAS season open on ``today``, named by the year training starts.

    A season opens in June for positions starting July of the next year: on
    2026-11-27 the season is ERAS 2027.
    """
    return today.year + 1 if today.month >= 6 else today.year


@dataclass(frozen=True)
class ErasEntry:
    """One scholarly work as an ERAS entry.

    Attributes:
        key: The record it comes from (``manuscript:3``), for choosing the meaningful ones.
        type: One of `TYPES`.
        status: One of `STATUSES`.
        title: The title.
        authors: The authors in byline order, as printed.
        venue: Journal, book or meeting.
        place: Where a meeting was.
        on: Publication, acceptance, submission or presentation date.
        volume_issue_pages: ``51(7):455-462`` where known.
        pmid: PubMed id.
        doi: DOI.
    """

    key: str
    type: str
    status: str
    title: str
    authors: str
    venue: str = ""
    place: str = ""
    on: dt.date | None = None
    volume_issue_pages: str = ""
    pmid: str = ""
    doi: str = ""

    def fields(self) -> list[tuple[str, str]]:
        """The entry's fields in the order the application asks them, empty ones left out."""
        venue_label = {
            POSTER: "Meeting",
            ORAL: "Meeting",
            CHAPTER: "Book",
        }.get(self.type, "Journal")
        date_label = (
            "Presentation date"
            if self.type in (POSTER, ORAL)
            else {
                "Published": "Publication date",
                "Accepted": "Date accepted",
                "Submitted": "Date submitted",
            }[self.status]
        )
        rows = [
            ("Type", self.type),
            ("Status", self.status),
            ("Title", self.title),
            ("Authors", self.authors),
            (venue_label, self.venue),
            ("Location", self.place),
            ("Volume(Issue):Pages", self.volume_issue_pages),
            (date_label, self.on.isoformat() if self.on else ""),
            ("PMID", self.pmid),
            ("DOI", self.doi),
        ]
        return [(label, value) for label, value in rows if value]


@dataclass(frozen=True)
class ErasWorks:
    """A fellow's ERAS Scholarly Works.

    Attributes:
        fellow: The fellow's name.
        season: The ERAS season (2027 for ERAS 2027).
        dated: When it was made.
        entries: One per item, by type then newest first.
        meaningful: The keys of the (up to three) most meaningful entries, in order.
    """

    fellow: str
    season: int
    dated: dt.date
    entries: tuple[ErasEntry, ...]
    meaningful: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        """``ERAS 2027 season: Scholarly Works (Publications) of Ana Reyes, MD``."""
        return f"ERAS {self.season} season: Scholarly Works (Publications) of {self.fellow}"

    def entry(self, key: str) -> ErasEntry:
        """The entry of one record."""
        return next(e for e in self.entries if e.key == key)

    def count(self, type_: str) -> int:
        """Entries of one type."""
        return sum(1 for e in self.entries if e.type == type_)


def eras_text(works: ErasWorks) -> str:
    """The entries as plain text to paste, one block per entry."""
    lines = [works.heading, f"Prepared {works.dated.isoformat()} with Scholar Desk.", CHECK_NOTE]
    lines.append("")
    lines.append(f"Most meaningful (up to {MEANINGFUL}):")
    if works.meaningful:
        for n, key in enumerate(works.meaningful, 1):
            lines.append(f"  {n}. {works.entry(key).title} [{key}]")
    else:
        lines.append("  none chosen (choose with --meaningful or in the window)")
    for type_ in TYPES:
        entries = [e for e in works.entries if e.type == type_]
        if not entries:
            continue
        lines.extend(["", f"== {type_} ({len(entries)}) =="])
        for entry in entries:
            star = "  * most meaningful" if entry.key in works.meaningful else ""
            lines.append("")
            lines.append(f"[{entry.key}]{star}")
            lines.extend(f"{label}: {value}" for label, value in entry.fields())
    return "\n".join(lines) + "\n"


def write_eras(works: ErasWorks, path: Path, *, force: bool = False) -> None:
    """Write the entries as .txt (to paste) or .docx, by the file's extension, atomically.

    Raises:
        ExportError: Another extension, or the file cannot be written.
        OutputExistsError: ``path`` exists and ``force`` is false.
    """
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".docx"):
        raise ExportError(f"Cannot tell the format of '{path.name}': end it with .txt or .docx.")
    with files.writing(path, force=force) as tmp:
        if suffix == ".txt":
            tmp.write_text(eras_text(works), encoding="utf-8")
        else:
            _write_docx(works, tmp)


def _write_docx(works: ErasWorks, path: Path) -> None:
    from docx.shared import Pt

    document = new_document(works.heading)
    document.add_paragraph(works.heading, style="Title")
    note = document.add_paragraph(f"Prepared {works.dated.isoformat()}. {CHECK_NOTE}")
    note.runs[0].italic = True
    document.add_paragraph("Most meaningful", style="Heading 1")
    for key in works.meaningful:
        document.add_paragraph(works.entry(key).title, style="List Number")
    if not works.meaningful:
        document.add_paragraph("None chosen.")
    for type_ in TYPES:
        entries: Sequence[ErasEntry] = [e for e in works.entries if e.type == type_]
        if not entries:
            continue
        document.add_paragraph(f"{type_} ({len(entries)})", style="Heading 1")
        for entry in entries:
            title = document.add_paragraph(style="Heading 2")
            title.add_run(entry.title)
            if entry.key in works.meaningful:
                title.add_run("  (most meaningful)").italic = True
            for label, value in entry.fields()[1:]:
                if label == "Title":
                    continue
                para = document.add_paragraph()
                para.paragraph_format.space_after = Pt(0)
                para.add_run(f"{label}: ").bold = True
                para.add_run(value)
    document.save(str(path))
