"""The academic-year scholarly activity report: what each fellow counts, once, and the gaps.

Academic years run July 1 to June 30 and are named by their first calendar year:
academic year 2026 is July 1 2026 to June 30 2027 (``--year 2026``).

Counting rules, each item once, in the academic year of its own date:

- PubMed-indexed articles: manuscripts that are published (a publication date, a PMID
  or a submission marked published) and are not chapters or textbooks, dated by
  ``published_on`` or else by the day their submission became published. Only articles
  with a PMID count; one without is listed apart with a warning.
- Conference presentations: abstracts accepted (poster or oral) or presented at an
  international, national or regional meeting, dated by the presentation date or else
  the meeting's first day; and conference talks at such meetings.
- Other presentations: grand rounds, invited lectures, local posters, workshops, talks
  and abstracts at local meetings (or with no meeting recorded).
- Chapters and textbooks: manuscripts of those article types, by publication date.
- Journal clubs and teaching sessions are listed but not counted as presentations.
- Participated in research: any counted article, conference presentation or chapter in
  the year, or a project owned by the fellow that was past the idea stage and active in
  the year (started by its end and not closed before its start).
- Teaching or presentations of at least 30 minutes: any presentation in the year with
  ``length_minutes >= 30``.

Dedupe rule: a presentation and an abstract of the same project at the same meeting
are one item. They are the same meeting when the presentation's date falls within the
conference's dates (or equals the abstract's presentation date), or when its venue names
the conference (its name or acronym). The abstract is kept (it carries the meeting's
scope), with a note, and a ``duplicate`` warning tells the user. Two articles with the
same PMID, and two items of the same category with the same title on the same day, are
also counted once with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError, ValidationError
from scholar_desk.core.formats.report_files import (
    CHAPTER,
    CONFERENCE,
    COUNTED_CATEGORIES,
    NO_PMID,
    OTHER,
    PUBMED,
    TEACHING,
    ActivityReport,
    FellowReport,
    ReportItem,
    ReportWarning,
)
from scholar_desk.core.records import (
    AbstractStatus,
    ArticleType,
    MeetingScope,
    PersonKind,
    PresentationKind,
    ProjectStatus,
    SubmissionStatus,
)
from scholar_desk.core.services import permissions
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.session import Actor

__all__ = [
    "ActivityReport",
    "FellowReport",
    "ReportItem",
    "ReportWarning",
    "academic_year_bounds",
    "academic_year_label",
    "academic_year_of",
    "build_report",
    "find_fellow",
    "outputs_by_year",
    "report_fellows",
]

FIRST_MONTH = 7
"""Academic years start on July 1."""

UNASSIGNED = "Unassigned (no fellow recorded)"

BOOK_TYPES = frozenset({ArticleType.CHAPTER.value, ArticleType.TEXTBOOK.value})
COUNTED_ABSTRACT_STATUSES = frozenset(
    {AbstractStatus.PRESENTED, AbstractStatus.ACCEPTED_POSTER, AbstractStatus.ACCEPTED_ORAL}
)
MEETING_SCOPES = frozenset(
    {MeetingScope.INTERNATIONAL, MeetingScope.NATIONAL, MeetingScope.REGIONAL}
)
TEACHING_KINDS = frozenset({PresentationKind.JOURNAL_CLUB, PresentationKind.TEACHING})
RESEARCH_STATUSES = frozenset(
    {
        ProjectStatus.PROTOCOL,
        ProjectStatus.IRB_SUBMITTED,
        ProjectStatus.IRB_APPROVED,
        ProjectStatus.DATA_COLLECTION,
        ProjectStatus.ANALYSIS,
        ProjectStatus.WRITING,
        ProjectStatus.COMPLETE,
        ProjectStatus.ON_HOLD,
    }
)
CLOSED_PROJECT_STATUSES = frozenset({ProjectStatus.COMPLETE, ProjectStatus.ON_HOLD})
TEACHING_MINUTES = 30


# Academic years -------------------------------------------------------------------------


def academic_year_of(day: dt.date) -> int:
    """The academic year a date falls in, named by its first calendar year.

    Args:
        day: Any date.

    Returns:
        ``day.year`` from July 1 on, else the year before (June 30 2027 -> 2026).
    """
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def academic_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of an academic year: July 1 ``year`` to June 30 ``year + 1``."""
    return dt.date(year, FIRST_MONTH, 1), dt.date(year + 1, FIRST_MONTH - 1, 30)


def academic_year_label(year: int) -> str:
    """``2026-2027`` (with an en dash) for academic year 2026."""
    return f"{year}\u2013{year + 1}"


def current_academic_year(today: dt.date | None = None) -> int:
    """The academic year containing ``today`` (the clock's today by default)."""
    return academic_year_of(today or clock.today())


# Fellows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FellowChoice:
    """A fellow the actor may report on.

    Attributes:
        person_id: The Person id (``None`` stands for records with no fellow).
        name: Display name.
    """

    person_id: int | None
    name: str


def report_fellows(session: Session, actor: Actor) -> list[FellowChoice]:
    """The fellows ``actor`` may report on: fellows, and anyone who owns visible outputs.

    A director (or the single user) sees the whole program; a mentor their mentees and
    themselves; a fellow only themselves. Records with no fellow appear as one extra
    choice where the actor sees everything and such records exist.
    """
    visible = permissions.visible_owner_ids(session, actor)
    owner_ids: set[int] = set()
    has_unassigned = False
    for model in (m.Manuscript, m.Abstract, m.Presentation, m.Project):
        for owner_id in session.scalars(select(model.owner_id).distinct()):
            if owner_id is None:
                has_unassigned = True
            else:
                owner_ids.add(owner_id)
    query = select(m.Person).where(
        (m.Person.kind == PersonKind.FELLOW.value) | (m.Person.id.in_(owner_ids))
    )
    people = [p for p in session.scalars(query) if visible is None or p.id in visible]
    people.sort(key=lambda p: (p.family_name.lower(), p.given_name.lower(), p.id))
    choices = [FellowChoice(p.id, person_name(p)) for p in people]
    if visible is None and has_unassigned:
        choices.append(FellowChoice(None, UNASSIGNED))
    return choices


def find_fellow(session: Session, actor: Actor, name: str) -> FellowChoice:
    """The one reportable fellow that ``name`` means: an id, a full or a family name.

    Raises:
        NotFoundError: Nobody the actor may report on has that name.
        ValidationError: The name fits more than one fellow.
    """
    wanted = " ".join(name.lower().split())
    choices = report_fellows(session, actor)
    if wanted.isdigit():
        exact = [c for c in choices if c.person_id == int(wanted)]
    else:
        exact = [c for c in choices if wanted in _name_forms(session, c)]
        if not exact:
            exact = [c for c in choices if wanted in c.name.lower()]
    if not exact:
        known = ", ".join(c.name for c in choices) or "none"
        raise NotFoundError(f"No fellow called '{name}' that you may report on (known: {known}).")
    if len(exact) > 1:
        names = "; ".join(f"{c.name} (id {c.person_id})" for c in exact)
        raise ValidationError({"fellow": f"'{name}' fits more than one fellow: {names}."})
    return exact[0]


def _name_forms(session: Session, choice: FellowChoice) -> set[str]:
    if choice.person_id is None:
        return set()
    person = session.get(m.Person, choice.person_id)
    if person is None:
        return set()
    given, family = person.given_name.lower().strip(), person.family_name.lower().strip()
    return {family, f"{given} {family}", f"{family}, {given}", f"{family} {given}"}


# Collecting -----------------------------------------------------------------------------


@dataclass
class _Dated:
    """A warning with the date that places it in a year (``None``: every year)."""

    on: dt.date | None
    warning: ReportWarning


@dataclass
class _Owner:
    """Everything counted for one owner over all years."""

    name: str
    items: list[ReportItem] = field(default_factory=list)
    warnings: list[_Dated] = field(default_factory=list)
    talks: list[tuple[dt.date, int | None]] = field(default_factory=list)
    """(date, length in minutes) of every dated presentation."""
    projects: list[m.Project] = field(default_factory=list)


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def _published_date(manuscript: m.Manuscript) -> dt.date | None:
    if manuscript.published_on is not None:
        return manuscript.published_on
    for sub in manuscript.submissions:
        for event in sub.events:
            if event.to_status == SubmissionStatus.PUBLISHED:
                return event.on
    return None


def _journal_of(manuscript: m.Manuscript) -> str:
    ranked = {
        SubmissionStatus.PUBLISHED.value: 0,
        SubmissionStatus.IN_PRESS.value: 1,
        SubmissionStatus.ACCEPTED.value: 2,
    }
    subs = sorted(
        (s for s in manuscript.submissions if s.status in ranked), key=lambda s: ranked[s.status]
    )
    return subs[0].journal.name if subs else ""


def _is_published(manuscript: m.Manuscript) -> bool:
    return (
        manuscript.published_on is not None
        or bool(manuscript.pmid.strip())
        or any(s.status == SubmissionStatus.PUBLISHED for s in manuscript.submissions)
    )


def _conference_where(conf: m.Conference | None, abstract: m.Abstract) -> str:
    if conf is None:
        return "No meeting recorded"
    name = conf.name + (f" ({conf.acronym})" if conf.acronym and conf.acronym != conf.name else "")
    parts = [name]
    if conf.location:
        parts.append(conf.location)
    if abstract.status == AbstractStatus.ACCEPTED_ORAL:
        parts.append("oral")
    elif abstract.status == AbstractStatus.ACCEPTED_POSTER:
        parts.append("poster")
    return ", ".join(parts)


def same_meeting(talk: m.Presentation, abstract: m.Abstract, abstract_on: dt.date) -> bool:
    """Whether a talk was given at the meeting of an abstract (dated ``abstract_on``).

    Its date falls within the meeting's days or equals the abstract's, or its venue
    names the meeting (name or acronym).
    """
    conf = abstract.conference
    if talk.presented_on is not None:
        if talk.presented_on == abstract_on:
            return True
        if conf is not None and conf.starts_on is not None:
            ends = conf.ends_on or conf.starts_on
            if conf.starts_on <= talk.presented_on <= ends:
                return True
    if conf is not None and talk.venue:
        venue = _norm(talk.venue)
        names = [_norm(n) for n in (conf.name, conf.acronym) if n and n.strip()]
        return any(n and (n in venue or venue in n) for n in names)
    return False


def _collect(session: Session, owner_ids: Sequence[int | None]) -> dict[int | None, _Owner]:
    """Every output of the given owners over all years, with dedupe and warnings."""
    owners: dict[int | None, _Owner] = {}
    real_ids = [i for i in owner_ids if i is not None]
    for person in session.scalars(select(m.Person).where(m.Person.id.in_(real_ids))):
        owners[person.id] = _Owner(person_name(person))
    if None in owner_ids:
        owners[None] = _Owner(UNASSIGNED)

    def owner_filter(column: object) -> object:
        cond = column.in_(real_ids)  # type: ignore[attr-defined]
        return (cond | column.is_(None)) if None in owner_ids else cond  # type: ignore[attr-defined]

    manuscripts = session.scalars(
        select(m.Manuscript)
        .where(owner_filter(m.Manuscript.owner_id))  # type: ignore[arg-type]
        .options(
            selectinload(m.Manuscript.submissions).selectinload(m.Submission.events),
            selectinload(m.Manuscript.submissions).selectinload(m.Submission.journal),
        )
        .order_by(m.Manuscript.id)
    )
    for manuscript in manuscripts:
        _add_manuscript(owners[manuscript.owner_id], manuscript)
    for owner in owners.values():
        _dedupe_pmids(owner)

    abstracts = list(
        session.scalars(
            select(m.Abstract)
            .where(owner_filter(m.Abstract.owner_id))  # type: ignore[arg-type]
            .options(selectinload(m.Abstract.conference))
            .order_by(m.Abstract.id)
        )
    )
    counted_abstracts: dict[int | None, list[tuple[m.Abstract, ReportItem]]] = defaultdict(list)
    for abstract in abstracts:
        item = _add_abstract(owners[abstract.owner_id], abstract)
        if item is not None:
            counted_abstracts[abstract.owner_id].append((abstract, item))

    presentations = session.scalars(
        select(m.Presentation)
        .where(owner_filter(m.Presentation.owner_id))  # type: ignore[arg-type]
        .order_by(m.Presentation.id)
    )
    for talk in presentations:
        _add_presentation(owners[talk.owner_id], talk, counted_abstracts[talk.owner_id])

    projects = session.scalars(
        select(m.Project).where(owner_filter(m.Project.owner_id))  # type: ignore[arg-type]
    )
    for project in projects:
        owners[project.owner_id].projects.append(project)
    for owner in owners.values():
        _dedupe_titles(owner)
    return owners


def _add_manuscript(owner: _Owner, manuscript: m.Manuscript) -> None:
    if not _is_published(manuscript):
        return
    source = f"manuscript:{manuscript.id}"
    on = _published_date(manuscript)
    book = manuscript.article_type in BOOK_TYPES
    what = manuscript.article_type if book else "article"
    if on is None:
        owner.warnings.append(
            _Dated(
                None,
                ReportWarning(
                    "missing_date",
                    owner.name,
                    f"The published {what} \u201c{manuscript.title}\u201d has no publication "
                    "date, so it is not counted in any year; add the date.",
                    source,
                ),
            )
        )
        return
    where = _journal_of(manuscript)
    pmid = manuscript.pmid.strip()
    if book:
        owner.items.append(ReportItem(CHAPTER, on, manuscript.title, where, pmid, source))
        return
    if pmid:
        owner.items.append(ReportItem(PUBMED, on, manuscript.title, where, pmid, source))
        return
    owner.items.append(ReportItem(NO_PMID, on, manuscript.title, where, "", source))
    owner.warnings.append(
        _Dated(
            on,
            ReportWarning(
                "missing_pmid",
                owner.name,
                f"The published article \u201c{manuscript.title}\u201d has no PMID, so it is not "
                "counted as PubMed-indexed; add its PMID.",
                source,
            ),
        )
    )


def _dedupe_pmids(owner: _Owner) -> None:
    seen: dict[str, ReportItem] = {}
    kept: list[ReportItem] = []
    for item in owner.items:
        if item.category == PUBMED and item.pmid in seen:
            first = seen[item.pmid]
            owner.warnings.append(
                _Dated(
                    first.on,
                    ReportWarning(
                        "duplicate",
                        owner.name,
                        f"\u201c{item.title}\u201d and \u201c{first.title}\u201d share PMID "
                        f"{item.pmid} and would be counted twice; counted once. Merge or "
                        "correct the two manuscripts.",
                        item.source,
                    ),
                )
            )
            continue
        if item.category == PUBMED:
            seen[item.pmid] = item
        kept.append(item)
    owner.items[:] = kept


def _add_abstract(owner: _Owner, abstract: m.Abstract) -> ReportItem | None:
    if abstract.status not in COUNTED_ABSTRACT_STATUSES:
        return None
    conf = abstract.conference
    source = f"abstract:{abstract.id}"
    on = abstract.presentation_date
    if on is None and abstract.status == AbstractStatus.PRESENTED:
        fallback = conf.starts_on if conf is not None else None
        message = (
            f"The presented abstract \u201c{abstract.title}\u201d has no presentation date; "
            + (
                f"it is counted on the meeting's first day ({fallback.isoformat()})."
                if fallback is not None
                else "it is not counted in any year. Add the date."
            )
        )
        owner.warnings.append(
            _Dated(fallback, ReportWarning("missing_date", owner.name, message, source))
        )
    if on is None and conf is not None:
        on = conf.starts_on
    if on is None:
        return None
    category = CONFERENCE if conf is not None and conf.scope in MEETING_SCOPES else OTHER
    note = "" if abstract.status == AbstractStatus.PRESENTED else f"{abstract.status}"
    item = ReportItem(
        category, on, abstract.title, _conference_where(conf, abstract), "", source, note
    )
    owner.items.append(item)
    return item


def _add_presentation(
    owner: _Owner,
    talk: m.Presentation,
    abstracts: list[tuple[m.Abstract, ReportItem]],
) -> None:
    source = f"presentation:{talk.id}"
    if talk.presented_on is None:
        owner.warnings.append(
            _Dated(
                None,
                ReportWarning(
                    "missing_date",
                    owner.name,
                    f"The {talk.kind} \u201c{talk.title}\u201d has no date, so it is not "
                    "counted in any year; add the date it was given.",
                    source,
                ),
            )
        )
        return
    owner.talks.append((talk.presented_on, talk.length_minutes))
    if talk.project_id is not None and talk.kind not in TEACHING_KINDS:
        for abstract, item in abstracts:
            if abstract.project_id == talk.project_id and same_meeting(talk, abstract, item.on):
                index = owner.items.index(item)
                merged = ReportItem(
                    item.category,
                    item.on,
                    item.title,
                    item.where,
                    item.pmid,
                    item.source,
                    "; ".join(x for x in (item.note, f"also recorded as a {talk.kind}") if x),
                )
                owner.items[index] = merged
                abstracts[abstracts.index((abstract, item))] = (abstract, merged)
                owner.warnings.append(
                    _Dated(
                        item.on,
                        ReportWarning(
                            "duplicate",
                            owner.name,
                            f"The {talk.kind} \u201c{talk.title}\u201d and the abstract "
                            f"\u201c{abstract.title}\u201d are the same project at the same "
                            "meeting and would be counted twice; counted once, as the abstract.",
                            source,
                        ),
                    )
                )
                return
    if talk.kind in TEACHING_KINDS:
        category = TEACHING
    elif talk.kind == PresentationKind.TALK and talk.scope in MEETING_SCOPES:
        category = CONFERENCE
    else:
        category = OTHER
    where = ", ".join(x for x in (talk.venue, talk.audience) if x)
    details = [talk.kind]
    if talk.length_minutes:
        details.append(f"{talk.length_minutes} min")
    owner.items.append(
        ReportItem(category, talk.presented_on, talk.title, where, "", source, ", ".join(details))
    )


def _dedupe_titles(owner: _Owner) -> None:
    seen: dict[tuple[str, dt.date, str], ReportItem] = {}
    kept: list[ReportItem] = []
    for item in owner.items:
        key = (item.category, item.on, _norm(item.title))
        if key in seen:
            owner.warnings.append(
                _Dated(
                    item.on,
                    ReportWarning(
                        "duplicate",
                        owner.name,
                        f"\u201c{item.title}\u201d is recorded twice on {item.on.isoformat()} "
                        f"({seen[key].source} and {item.source}) and would be counted twice; "
                        "counted once. Delete one of them.",
                        item.source,
                    ),
                )
            )
            continue
        seen[key] = item
        kept.append(item)
    owner.items[:] = kept


def _in_year(day: dt.date | None, year: int) -> bool:
    return day is not None and academic_year_of(day) == year


def _research(owner: _Owner, items: Iterable[ReportItem], year: int) -> bool:
    if any(i.category in (PUBMED, CONFERENCE, CHAPTER) for i in items):
        return True
    starts, ends = academic_year_bounds(year)
    for project in owner.projects:
        if project.status not in RESEARCH_STATUSES:
            continue
        began = project.started_on or project.irb_approved_on or project.created_at.date()
        if began > ends:
            continue
        closed = project.status in CLOSED_PROJECT_STATUSES
        if closed and project.status_changed_on is not None and project.status_changed_on < starts:
            continue
        return True
    return False


def _fellow_year(
    owner_id: int | None, owner: _Owner, year: int
) -> tuple[FellowReport, list[ReportWarning]]:
    order = {key: n for n, key in enumerate(k for k, _ in COUNTED_CATEGORIES)}
    items = sorted(
        (i for i in owner.items if _in_year(i.on, year)),
        key=lambda i: (order.get(i.category, len(order)), i.category, i.on, i.title),
    )
    talks = [length for on, length in owner.talks if _in_year(on, year)]
    teaching = any(length is not None and length >= TEACHING_MINUTES for length in talks)
    warnings = [d.warning for d in owner.warnings if d.on is None or _in_year(d.on, year)]
    unknown = sum(1 for length in talks if length is None)
    if not teaching and unknown:
        warnings.append(
            ReportWarning(
                "missing_length",
                owner.name,
                f"{unknown} presentation(s) this year have no length, so \u201cteaching or "
                "presentations of 30 minutes or more\u201d may be wrong; add the minutes.",
            )
        )
    report = FellowReport(
        owner_id,
        owner.name,
        tuple(items),
        participated_in_research=_research(owner, items, year),
        teaching_30_min=teaching,
    )
    return report, warnings


def build_report(
    session: Session,
    actor: Actor,
    year: int | None = None,
    *,
    fellow_ids: Sequence[int | None] | None = None,
    today: dt.date | None = None,
) -> ActivityReport:
    """Count each fellow's scholarly activity in one academic year.

    Args:
        session: The unit of work.
        actor: Who asks; only fellows the actor may see are reported.
        year: The academic year (2026 for July 1 2026 to June 30 2027); by default the
            one containing today.
        fellow_ids: Limit to these fellows (``None`` in the list stands for records
            with no fellow); by default every fellow the actor may see.
        today: The report date (the clock's today by default).

    Returns:
        The report, with a part per fellow and the data gaps found.

    Raises:
        PermissionDeniedError: A requested fellow is not one the actor may see.
    """
    today = today or clock.today()
    year = current_academic_year(today) if year is None else year
    choices = report_fellows(session, actor)
    allowed = {c.person_id: c for c in choices}
    if fellow_ids is None:
        wanted = [c.person_id for c in choices]
        scope = "All fellows" if len(choices) != 1 else choices[0].name
        if permissions.visible_owner_ids(session, actor) is None and len(choices) > 1:
            scope = "Program-wide"
    else:
        for fid in fellow_ids:
            if fid not in allowed:
                permissions.require(session, actor, permissions.READ, "report", fid)
                raise NotFoundError(f"There is no fellow with id {fid} to report on.")
        wanted = list(dict.fromkeys(fellow_ids))
        scope = (
            ", ".join(allowed[f].name for f in wanted)
            if len(wanted) <= 3
            else (f"{len(wanted)} fellows")
        )
    owners = _collect(session, wanted)
    starts, ends = academic_year_bounds(year)
    parts: list[FellowReport] = []
    warnings: list[ReportWarning] = []
    for fid in wanted:
        part, found = _fellow_year(fid, owners[fid], year)
        parts.append(part)
        warnings.extend(found)
    return ActivityReport(
        year=year,
        starts_on=starts,
        ends_on=ends,
        generated_on=today,
        fellows=tuple(parts),
        warnings=tuple(warnings),
        scope=scope,
    )


def outputs_by_year(
    session: Session, actor: Actor, fellow_ids: Sequence[int | None] | None = None
) -> dict[int, Counter[str]]:
    """Counted outputs per academic year and category, for charts.

    Args:
        session: The unit of work.
        actor: Who asks.
        fellow_ids: Limit to these fellows; by default every fellow the actor may see.

    Returns:
        Academic year -> category key -> count, for the counted categories only.
    """
    allowed = [c.person_id for c in report_fellows(session, actor)]
    wanted = allowed if fellow_ids is None else [f for f in fellow_ids if f in allowed]
    counted = {key for key, _ in COUNTED_CATEGORIES}
    out: dict[int, Counter[str]] = defaultdict(Counter)
    for owner in _collect(session, wanted).values():
        for item in owner.items:
            if item.category in counted:
                out[academic_year_of(item.on)][item.category] += 1
    return dict(sorted(out.items()))
