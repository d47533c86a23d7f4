"""The ACGME annual update helper: per fellow and faculty member, what the program enters.

For each person (fellows, and faculty who are people in the database) it counts, in one
academic year: PubMed-indexed articles (their PMIDs), conference presentations, other
presentations, and chapters or textbooks. Each PMID's publication dates are checked
against the year: the electronic date (the PubMed record's DEP, where the library holds
the record) and the print date (its DP, else the manuscript's publication date). An
article belongs to the academic year of its earliest known publication date, once; the
items that would be refused are listed with the reason (no PMID, a date outside the
year, no date to check).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.formats.cv import Work
from scholar_desk.core.records import MeetingScope, PersonKind
from scholar_desk.core.services import permissions
from scholar_desk.core.services.career.works import works_of
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.report import (
    academic_year_bounds,
    academic_year_label,
    academic_year_of,
)
from scholar_desk.core.services.session import Actor

PMIDS = "pmids"
CONFERENCE = "conference"
OTHER = "other"
CHAPTERS = "chapters"
CATEGORIES: tuple[tuple[str, str], ...] = (
    (PMIDS, "PubMed-indexed articles (PMIDs)"),
    (CONFERENCE, "Conference presentations"),
    (OTHER, "Other presentations"),
    (CHAPTERS, "Chapters and textbooks"),
)
MEETING_SCOPES = frozenset(
    {MeetingScope.INTERNATIONAL.value, MeetingScope.NATIONAL.value, MeetingScope.REGIONAL.value}
)
_MONTHS = {
    name: n
    for n, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


@dataclass(frozen=True)
class PmidCheck:
    """One PMID's dates against the academic year.

    Attributes:
        pmid: The PubMed id.
        title: The article.
        electronic: The electronic publication date, where known.
        printed: The print publication date as recorded (``2026 Jul``), where known.
        accepted: Whether it belongs in this academic year.
        reason: Why not, when it does not.
    """

    pmid: str
    title: str
    electronic: dt.date | None
    printed: str
    accepted: bool
    reason: str = ""


@dataclass(frozen=True)
class Refusal:
    """An item that would be refused in this year's update, and why."""

    title: str
    source: str
    reason: str


@dataclass(frozen=True)
class AcgmePerson:
    """One person's part of the annual update.

    Attributes:
        person_id: The Person id.
        name: Their name.
        role: ``fellow`` or ``faculty``.
        counts: Count per category key (see `CATEGORIES`).
        pmids: The PMIDs entered, each checked.
        items: Titles counted per category key.
        refused: What would be refused, with the reason.
    """

    person_id: int
    name: str
    role: str
    counts: dict[str, int]
    pmids: tuple[PmidCheck, ...] = ()
    items: dict[str, tuple[str, ...]] = field(default_factory=dict)
    refused: tuple[Refusal, ...] = ()


@dataclass(frozen=True)
class AcgmeUpdate:
    """The annual update for one academic year.

    Attributes:
        year: The academic year's first calendar year.
        label: ``2026-2027`` with an en dash.
        starts_on: July 1.
        ends_on: June 30.
        people: Fellows first, then faculty, by name.
    """

    year: int
    label: str
    starts_on: dt.date
    ends_on: dt.date
    people: tuple[AcgmePerson, ...] = ()


def parse_year(text: str) -> int:
    """``2026``, ``2026-2027`` or the same with an en dash -> 2026.

    Raises:
        ValueError: Not an academic year.
    """
    found = re.fullmatch(r"\s*(\d{4})(?:\s*[-\u2013/]\s*(\d{4}))?\s*", text)
    if not found or (found.group(2) and int(found.group(2)) != int(found.group(1)) + 1):
        raise ValueError(f"'{text}' is not an academic year; write 2026-2027 (or 2026).")
    return int(found.group(1))


def _print_date(text: str) -> tuple[dt.date | None, dt.date | None]:
    """A MEDLINE DP (``2026 Jul 15``, ``2026 Jul``, ``2026``) as its first and last day."""
    parts = text.replace("-", " ").split()
    if not parts or not parts[0].isdigit() or len(parts[0]) != 4:
        return None, None
    year = int(parts[0])
    month = _MONTHS.get(parts[1][:3].lower()) if len(parts) > 1 else None
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    day = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    if day is not None:
        return dt.date(year, month, day), dt.date(year, month, day)
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, 1), dt.date(year, month, last)


def _electronic(ref: m.Reference | None) -> dt.date | None:
    value = (ref.extra_fields or {}).get("medline_dep", "") if ref is not None else ""
    digits = re.sub(r"\D", "", str(value))[:8]
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])) if digits else None
    except ValueError:
        return None


def _check_pmid(session: Session, work: Work, year: int) -> PmidCheck | None:
    """The PMID's check, or ``None`` when it belongs to no year's update at all."""
    ref = session.scalars(
        select(m.Reference).where(m.Reference.pmid == work.pmid).limit(1)
    ).first()
    printed = str((ref.extra_fields or {}).get("date", "")) if ref is not None else ""
    if not printed and work.on is not None:
        printed = work.on.isoformat()
    electronic = _electronic(ref)
    first, last = _print_date(printed) if printed and printed[4:5] != "-" else (work.on, work.on)
    starts, ends = academic_year_bounds(year)
    label = academic_year_label(year)
    if electronic is None and first is None:
        return PmidCheck(
            work.pmid,
            work.title,
            None,
            printed,
            False,
            "no publication date to check: add the date or import its PubMed record",
        )
    earliest = min(d for d in (electronic, first) if d is not None)
    if (
        first is not None
        and last is not None
        and electronic is None
        and academic_year_of(first) != academic_year_of(last)
        and year in (academic_year_of(first), academic_year_of(last))
    ):
        return PmidCheck(
            work.pmid,
            work.title,
            None,
            printed,
            False,
            f"the print date '{printed}' gives no month; it may fall either side of "
            f"July 1 (import its PubMed record for the electronic date)",
        )
    placed = academic_year_of(earliest)
    if placed == year:
        return PmidCheck(work.pmid, work.title, electronic, printed, True)
    latest = max(d for d in (electronic, last) if d is not None)
    if not (starts <= latest and earliest <= ends):
        return None  # published wholly in another year: not this year's to report
    kind = "electronically" if electronic is not None and earliest == electronic else "in print"
    return PmidCheck(
        work.pmid,
        work.title,
        electronic,
        printed,
        False,
        f"first published {kind} on {earliest.isoformat()}, in academic year "
        f"{academic_year_label(placed)}: report it there, not in {label}",
    )


def _person(session: Session, actor: Actor, person: m.Person, role: str, year: int) -> AcgmePerson:
    starts, ends = academic_year_bounds(year)
    items: dict[str, list[str]] = {key: [] for key, _ in CATEGORIES}
    pmids: list[PmidCheck] = []
    refused: list[Refusal] = []
    for work in works_of(session, actor, person.id):
        in_year = work.on is not None and starts <= work.on <= ends
        if work.kind == "article" and work.status == "published":
            if not work.pmid:
                if in_year:
                    refused.append(
                        Refusal(
                            work.title,
                            work.source,
                            "no PMID: not PubMed-indexed yet; add its PMID",
                        )
                    )
                continue
            check = _check_pmid(session, work, year)
            if check is None:
                continue
            pmids.append(check)
            if check.accepted:
                items[PMIDS].append(f"{work.pmid} {work.title}")
            else:
                refused.append(
                    Refusal(work.title, work.source, f"PMID {work.pmid}: {check.reason}")
                )
            continue
        if work.kind == "chapter":
            if in_year:
                items[CHAPTERS].append(work.title)
            continue
        if work.kind not in ("abstract", "presentation") or work.detail in (
            "journal club",
            "teaching session",
        ):
            continue
        if work.on is None:
            refused.append(
                Refusal(work.title, work.source, "no date: add the date it was presented")
            )
            continue
        if not in_year:
            continue
        conference = work.scope in MEETING_SCOPES and (
            work.kind == "abstract" or work.detail == "conference talk"
        )
        items[CONFERENCE if conference else OTHER].append(work.title)
    return AcgmePerson(
        person_id=person.id,
        name=person_name(person),
        role=role,
        counts={key: len(values) for key, values in items.items()},
        pmids=tuple(pmids),
        items={key: tuple(values) for key, values in items.items()},
        refused=tuple(refused),
    )


def acgme_update(
    session: Session, actor: Actor, year: int | None = None, *, today: dt.date | None = None
) -> AcgmeUpdate:
    """The annual update's scholarly activity for everyone the actor may see.

    Args:
        session: The unit of work.
        actor: Who asks: a director sees every fellow and faculty member, a mentor
            their mentees and themselves, a fellow themselves.
        year: The academic year (2026 for 2026-2027); by default the one before the
            current one, which the update reports on.
        today: The day that picks the default year.
    """
    if year is None:
        year = academic_year_of(today or clock.today()) - 1
    starts, ends = academic_year_bounds(year)
    people = []
    query = select(m.Person).where(
        m.Person.kind.in_((PersonKind.FELLOW.value, PersonKind.FACULTY.value))
    )
    rows = sorted(
        session.scalars(query),
        key=lambda p: (p.kind != PersonKind.FELLOW, p.family_name.lower(), p.given_name.lower()),
    )
    for person in rows:
        if permissions.allowed(session, actor, permissions.READ, "manuscript", person.id):
            people.append(_person(session, actor, person, person.kind, year))
    return AcgmeUpdate(year, academic_year_label(year), starts, ends, tuple(people))
