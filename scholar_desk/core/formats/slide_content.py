"""What a talk or a poster says, as plain records, and the small text helpers they share.

`services.slides` reads the database into an `AbstractContent` inside its transaction;
`deck` and `poster` turn it into a `Layout`. Nothing here knows the database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field, replace

from scholar_desk.core.formats.citation import format_ama
from scholar_desk.core.formats.journals import nlm_abbreviation
from scholar_desk.core.formats.layout import Run
from scholar_desk.core.formats.results_table import ResultsTable
from scholar_desk.core.formats.typography import typeset

NO_RELATIONSHIPS = "No relevant financial relationships"


@dataclass(frozen=True)
class AuthorInfo:
    """An author of the abstract.

    Attributes:
        given: Given names.
        family: Family name.
        degrees: Degrees as written, e.g. ``"MD, PhD"``.
        affiliations: One institution per entry.
        presenting: Whether this author presents.
        email: Contact shown on the last slide for the presenter.
        disclosures: ``(company, nature of relationship)`` of the last 24 months.
    """

    given: str
    family: str
    degrees: str = ""
    affiliations: tuple[str, ...] = ()
    presenting: bool = False
    email: str = ""
    disclosures: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        """Given and family name."""
        return f"{self.given} {self.family}".strip()

    @property
    def byline(self) -> str:
        """Name with degrees, e.g. ``"Ana Ruiz, MD, PhD"``."""
        return f"{self.name}, {self.degrees}" if self.degrees else self.name


@dataclass(frozen=True)
class SectionInfo:
    """A headed section of the abstract."""

    heading: str
    body: str


@dataclass(frozen=True)
class FigureInfo:
    """An image attached to the abstract.

    Attributes:
        path: The file it was attached from (a name to show; the bytes are in ``data``).
        caption: Its caption.
        data: The image's bytes as stored in the database (empty: read ``path``).
    """

    path: str
    caption: str = ""
    data: bytes = b""


@dataclass(frozen=True)
class ReferenceInfo:
    """A cited reference, enough for an AMA citation.

    Attributes:
        authors: ``"Family, Given and Family, Given"``.
        title: Article or book title.
        journal: Journal (or publisher for books).
        year: Publication year.
        volume: Volume.
        issue: Issue.
        pages: Page range.
        doi: Bare DOI.
        pmid: PubMed id.
        url: A link when there is no DOI.
        citation: The reference already formatted in the meeting's citation style (from
            `csl.format_references`), as runs; empty to format it in AMA here.
    """

    authors: str = ""
    title: str = ""
    journal: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    citation: tuple[Run, ...] = ()


@dataclass(frozen=True)
class AbstractContent:
    """Everything a deck or a poster shows, read from the database in one transaction.

    Attributes:
        abstract_id: The abstract's id.
        title: The abstract's title.
        authors: In byline order.
        sections: In order.
        figures: In order.
        references: Numbered in this order.
        meeting: The conference's name.
        meeting_acronym: Its acronym.
        location: Where it takes place.
        starts_on: First day.
        ends_on: Last day.
        presentation_date: The talk's or poster session's date.
        presentation_slot: Session or slot text.
        link: The URL the poster's QR code points to (``""`` for none).
        acknowledgments: Text for the acknowledgments slide or box.
        mentors: Mentors' names with degrees, thanked when there is no acknowledgment.
        table: The results table, if the abstract has one.
    """

    abstract_id: int
    title: str
    authors: tuple[AuthorInfo, ...] = ()
    sections: tuple[SectionInfo, ...] = ()
    figures: tuple[FigureInfo, ...] = ()
    references: tuple[ReferenceInfo, ...] = ()
    meeting: str = ""
    meeting_acronym: str = ""
    location: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    presentation_date: dt.date | None = None
    presentation_slot: str = ""
    link: str = ""
    acknowledgments: str = ""
    mentors: tuple[str, ...] = field(default=())
    table: ResultsTable | None = None

    @property
    def presenter(self) -> AuthorInfo | None:
        """The presenting author, else the first author."""
        for author in self.authors:
            if author.presenting:
                return author
        return self.authors[0] if self.authors else None


def typeset_content(content: AbstractContent) -> AbstractContent:
    """The content with its prose typeset (`typography.typeset`) for a slide or poster."""
    return replace(
        content,
        title=typeset(content.title),
        sections=tuple(SectionInfo(typeset(s.heading), typeset(s.body)) for s in content.sections),
        figures=tuple(replace(f, caption=typeset(f.caption)) for f in content.figures),
        acknowledgments=typeset(content.acknowledgments),
        location=typeset(content.location),
    )


# Authors and affiliations --------------------------------------------------------------


def affiliation_numbers(authors: tuple[AuthorInfo, ...]) -> tuple[list[str], list[list[int]]]:
    """Number the distinct affiliations in order of first appearance.

    Returns:
        The affiliations in numbered order, and for each author the numbers of theirs.
    """
    order: list[str] = []
    numbers: list[list[int]] = []
    for author in authors:
        mine: list[int] = []
        for affiliation in author.affiliations:
            text = affiliation.strip()
            if not text:
                continue
            if text not in order:
                order.append(text)
            mine.append(order.index(text) + 1)
        numbers.append(mine)
    return order, numbers


def author_runs(authors: tuple[AuthorInfo, ...]) -> tuple[Run, ...]:
    """The byline: names with degrees, superscript affiliation numbers, presenter marked.

    The presenting author is underlined and followed by an asterisk.
    """
    _, numbers = affiliation_numbers(authors)
    runs: list[Run] = []
    for i, (author, mine) in enumerate(zip(authors, numbers, strict=True)):
        runs.append(Run(author.byline, underline=author.presenting))
        sup = ",".join(str(n) for n in mine) + ("*" if author.presenting else "")
        if sup:
            runs.append(Run(sup, superscript=True))
        if i < len(authors) - 1:
            runs.append(Run(", "))
    return tuple(runs)


def meeting_line(content: AbstractContent) -> str:
    """``"ASRA Pain Medicine Meeting 2026 · November 12, 2026 · San Diego, CA"``."""
    name = content.meeting or content.meeting_acronym
    if content.meeting and content.meeting_acronym and content.meeting_acronym not in name:
        name = f"{content.meeting} ({content.meeting_acronym})"
    when = content.presentation_date or content.starts_on
    parts = [name, format_date(when, content.ends_on if not content.presentation_date else None)]
    parts.append(content.location)
    return typeset(" \u00b7 ".join(part for part in parts if part))


def format_date(start: dt.date | None, end: dt.date | None = None) -> str:
    """``"November 12, 2026"`` or ``"November 12-15, 2026"``."""
    if start is None:
        return ""
    if end is None or end == start:
        return f"{start:%B} {start.day}, {start.year}"
    if (end.year, end.month) == (start.year, start.month):
        return f"{start:%B} {start.day}\u2013{end.day}, {start.year}"
    if end.year == start.year:
        return f"{start:%B} {start.day} \u2013 {end:%B} {end.day}, {start.year}"
    return f"{format_date(start)} \u2013 {format_date(end)}"


def disclosure_lines(authors: tuple[AuthorInfo, ...]) -> list[tuple[str, str]]:
    """One ``(author byline, relationships)`` pair per author for the disclosure slide."""
    lines: list[tuple[str, str]] = []
    for author in authors:
        if author.disclosures:
            text = "; ".join(
                f"{relationship.strip().capitalize()}, {company.strip()}"
                if relationship.strip()
                else company.strip()
                for company, relationship in author.disclosures
            )
        else:
            text = NO_RELATIONSHIPS
        lines.append((author.byline, text))
    return lines


# Text -----------------------------------------------------------------------------------

_ABBREVIATIONS = (
    "vs",
    "al",
    "e.g",
    "i.e",
    "etc",
    "approx",
    "Fig",
    "Figs",
    "Dr",
    "No",
    "Ref",
    "ca",
    "min",
    "max",
    "mo",
    "yr",
    "wk",
    "Inc",
    "Ltd",
    "Co",
    "St",
    "Mr",
    "Mrs",
    "Ms",
    "Prof",
    "Jr",
    "Sr",
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"\u201c])")


def sentences(text: str) -> list[str]:
    """Split prose into sentences without breaking at ``vs.``, ``et al.`` or ``p < .05``."""
    out: list[str] = []
    for block in (b.strip() for b in re.split(r"\n\s*\n|\n", text)):
        if not block:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(block):
            before = block[start : match.start()]
            last = before.rsplit(" ", 1)[-1].rstrip(".!?")
            if last in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", last):
                continue
            out.append(before.strip())
            start = match.end()
        tail = block[start:].strip()
        if tail:
            out.append(tail)
    return out


def bullet_points(text: str) -> list[str]:
    """Bullets for a slide: the author's own lines where the text has several, else sentences."""
    lines = [line.strip(" \t-\u2022*") for line in text.splitlines() if line.strip(" \t-\u2022*")]
    if len(lines) > 1:
        return lines
    return sentences(text)


def main_finding(content: AbstractContent) -> str:
    """The one sentence a #betterposter shouts: the conclusion in plain language."""
    sections = list(content.sections)
    chosen = next((s for s in reversed(sections) if "conclu" in s.heading.lower()), None)
    if chosen is None:
        chosen = next((s for s in sections if "result" in s.heading.lower()), None)
    if chosen is None and sections:
        chosen = sections[-1]
    if chosen is None or not chosen.body.strip():
        return content.title
    found = sentences(chosen.body)
    first = found[0] if found else chosen.body.strip()
    if len(found) > 1 and len(first.split()) + len(found[1].split()) <= 25:
        return f"{first} {found[1]}"
    return first


# AMA citations --------------------------------------------------------------------------


def citation_runs(ref: ReferenceInfo) -> tuple[Run, ...]:
    """``ref`` in the meeting's style when it was formatted, else in AMA.

    The AMA fallback is `citation.format_ama` with the journal in italics.
    """
    if ref.citation:
        return tuple(replace(run, text=typeset(run.text)) for run in ref.citation)
    text = format_ama({k: v for k, v in asdict(ref).items() if k != "citation"})
    journal = nlm_abbreviation(ref.journal)
    marker = f" {journal}." if journal else ""
    at = text.find(marker) if marker else -1
    if at < 0:
        return (Run(typeset(text) or "(reference without details)"),)
    return (
        Run(typeset(text[: at + 1])),
        Run(typeset(journal) + ".", italic=True),
        Run(typeset(text[at + len(marker) :])),
    )
