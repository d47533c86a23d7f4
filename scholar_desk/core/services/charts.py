"""The numbers behind the dashboard's charts, for one fellow or across an actor's fellows.

Every chart is a plain dataclass so the window draws it with Qt Charts and tests read it
without Qt: manuscripts by status, submissions per month, decisions by journal, time spent
in each submission status (from the dated status events), and outputs per academic year.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.formats.report_files import COUNTED_CATEGORIES
from scholar_desk.core.records import SubmissionStatus
from scholar_desk.core.services import permissions, report
from scholar_desk.core.services.session import Actor

LONG_REVIEW_DAYS = 90
"""Time "under review" beyond which a submission is flagged."""

NOT_SUBMITTED = "not submitted"
DECISIONS: tuple[str, ...] = (
    SubmissionStatus.ACCEPTED.value,
    SubmissionStatus.MINOR_REVISION.value,
    SubmissionStatus.MAJOR_REVISION.value,
    SubmissionStatus.REJECTED.value,
)
"""Decisions in the order the chart stacks them, best first."""

TERMINAL = frozenset(
    {
        SubmissionStatus.PUBLISHED.value,
        SubmissionStatus.REJECTED.value,
        SubmissionStatus.WITHDRAWN.value,
    }
)
"""Statuses a submission stays in for good; time in them is not counted."""


@dataclass(frozen=True)
class Bar:
    """One bar: a label and its value."""

    label: str
    value: int


@dataclass(frozen=True)
class Series:
    """A named row of values, one per category of a `Stacked` chart."""

    name: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Stacked:
    """A stacked (or grouped) bar chart: categories along the axis, a series per stack part."""

    categories: tuple[str, ...] = ()
    series: tuple[Series, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether there is nothing to draw."""
        return not self.categories or not any(any(s.values) for s in self.series)

    def total(self, category: str) -> int:
        """The sum of all series in one category."""
        index = self.categories.index(category)
        return sum(s.values[index] for s in self.series)


@dataclass(frozen=True)
class StatusTime:
    """How long submissions spent in one status.

    Attributes:
        status: The status.
        spans: How many times a submission was in it.
        mean_days: Average days per stay.
        max_days: The longest stay.
    """

    status: str
    spans: int
    mean_days: float
    max_days: int


@dataclass(frozen=True)
class LongReview:
    """A stay "under review" longer than `LONG_REVIEW_DAYS`.

    Attributes:
        submission_id: The submission.
        title: The manuscript's title.
        journal: The journal's name.
        since: When the review began.
        days: How long it lasted (or has lasted so far).
        current: Whether it is still under review.
    """

    submission_id: int
    title: str
    journal: str
    since: dt.date
    days: int
    current: bool


@dataclass(frozen=True)
class ChartData:
    """Everything the charts page draws, for one scope on one day."""

    today: dt.date
    scope: str
    manuscripts_by_status: tuple[Bar, ...] = ()
    submissions_per_month: tuple[Bar, ...] = ()
    decisions_by_journal: Stacked = Stacked()
    time_in_status: tuple[StatusTime, ...] = ()
    long_reviews: tuple[LongReview, ...] = ()
    outputs_per_year: Stacked = Stacked()


def _owners(
    session: Session, actor: Actor, fellow_ids: Sequence[int | None] | None
) -> tuple[list[int | None], str]:
    choices = report.report_fellows(session, actor)
    allowed = {c.person_id: c.name for c in choices}
    if fellow_ids is None:
        visible = permissions.visible_owner_ids(session, actor)
        scope = "All fellows" if visible is None else "Your fellows"
        if len(choices) == 1:
            scope = choices[0].name
        return list(allowed), scope
    for fid in fellow_ids:
        if fid not in allowed:
            permissions.require(session, actor, permissions.READ, "submission", fid)
    wanted = [f for f in fellow_ids if f in allowed]
    scope = ", ".join(allowed[f] for f in wanted) or "Nobody"
    return wanted, scope


def _in(column: object, owners: Sequence[int | None]) -> object:
    ids = [o for o in owners if o is not None]
    cond = column.in_(ids)  # type: ignore[attr-defined]
    return (cond | column.is_(None)) if None in owners else cond  # type: ignore[attr-defined]


def _month_key(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _months(first: dt.date, last: dt.date) -> list[str]:
    keys = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return keys


def manuscript_status(manuscript: m.Manuscript) -> str:
    """Where a manuscript stands: its latest submission's status, or not submitted/published."""
    if manuscript.submissions:
        return max(manuscript.submissions, key=lambda s: s.id).status
    if manuscript.published_on is not None or manuscript.pmid.strip():
        return SubmissionStatus.PUBLISHED.value
    return NOT_SUBMITTED


def chart_data(
    session: Session,
    actor: Actor,
    fellow_ids: Sequence[int | None] | None = None,
    *,
    today: dt.date | None = None,
    months: int = 24,
) -> ChartData:
    """Compute every chart for the given fellows (by default all the actor may see).

    Args:
        session: The unit of work.
        actor: Who asks.
        fellow_ids: Limit to these fellows.
        today: The day open stays are measured to (the clock's today by default).
        months: How many months back the submissions-per-month chart reaches.

    Raises:
        PermissionDeniedError: A requested fellow is not one the actor may see.
    """
    today = today or clock.today()
    owners, scope = _owners(session, actor, fellow_ids)
    manuscripts = list(
        session.scalars(
            select(m.Manuscript)
            .where(_in(m.Manuscript.owner_id, owners))  # type: ignore[arg-type]
            .options(selectinload(m.Manuscript.submissions))
        )
    )
    order = [NOT_SUBMITTED, *(s.value for s in SubmissionStatus)]
    status_counts = Counter(manuscript_status(ms) for ms in manuscripts)
    by_status = tuple(Bar(s, status_counts[s]) for s in order if status_counts[s])

    submissions = list(
        session.scalars(
            select(m.Submission)
            .where(_in(m.Submission.owner_id, owners))  # type: ignore[arg-type]
            .options(
                selectinload(m.Submission.events),
                selectinload(m.Submission.journal),
                selectinload(m.Submission.manuscript),
            )
        )
    )
    first_month = dt.date(today.year, today.month, 1)
    for _ in range(months - 1):
        first_month = (first_month - dt.timedelta(days=1)).replace(day=1)
    per_month = Counter(
        _month_key(s.submitted_on)
        for s in submissions
        if s.submitted_on is not None and first_month <= s.submitted_on <= today
    )
    dated = [
        s.submitted_on for s in submissions if s.submitted_on and s.submitted_on >= first_month
    ]
    start = min(dated) if dated else today
    per_month_bars = tuple(Bar(k, per_month[k]) for k in _months(start, today))

    decisions: dict[str, Counter[str]] = defaultdict(Counter)
    spans: dict[str, list[int]] = defaultdict(list)
    long_reviews: list[LongReview] = []
    for sub in submissions:
        for event in sub.events:
            if event.to_status in DECISIONS:
                decisions[sub.journal.name][event.to_status] += 1
        events = sorted(sub.events, key=lambda e: (e.on, e.id))
        for n, event in enumerate(events):
            status = event.to_status
            if n + 1 < len(events):
                end, current = events[n + 1].on, False
            elif status not in TERMINAL:
                end, current = today, True
            else:
                continue
            days = max((end - event.on).days, 0)
            spans[status].append(days)
            if status == SubmissionStatus.UNDER_REVIEW and days > LONG_REVIEW_DAYS:
                long_reviews.append(
                    LongReview(
                        sub.id, sub.manuscript.title, sub.journal.name, event.on, days, current
                    )
                )
    journals = tuple(sorted(decisions, key=lambda j: (-sum(decisions[j].values()), j)))
    by_journal = Stacked(
        journals,
        tuple(Series(d, tuple(decisions[j][d] for j in journals)) for d in DECISIONS),
    )
    status_order = [s.value for s in SubmissionStatus]
    time_in_status = tuple(
        StatusTime(s, len(spans[s]), sum(spans[s]) / len(spans[s]), max(spans[s]))
        for s in status_order
        if spans.get(s)
    )
    long_reviews.sort(key=lambda r: (not r.current, -r.days))

    yearly = report.outputs_by_year(session, actor, owners)
    years = sorted(yearly)
    if years:
        years = list(range(years[0], max(years[-1], report.academic_year_of(today)) + 1))
    outputs = Stacked(
        tuple(report.academic_year_label(y) for y in years),
        tuple(
            Series(title, tuple(yearly.get(y, Counter())[key] for y in years))
            for key, title in COUNTED_CATEGORIES
        ),
    )
    return ChartData(
        today=today,
        scope=scope,
        manuscripts_by_status=by_status,
        submissions_per_month=per_month_bars,
        decisions_by_journal=by_journal,
        time_in_status=time_in_status,
        long_reviews=tuple(long_reviews),
        outputs_per_year=outputs,
    )
