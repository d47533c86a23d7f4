"""The program's requirements, kept in the database, and each fellow's progress against them.

The requirements are the text of a ``program.toml`` stored as one setting row, so they
travel with every backup and copy; until a director stores their own, the pain medicine
starter set that ships with the application (marked as an example) applies.

An item reaches stages in order (an abstract: draft, submitted, accepted, presented); it
counts toward a requirement once it reaches the requirement's ``met_when`` stage. A
requirement is *met* when enough items count, *in progress* when some item is on its way
(the most advanced one is named: it is the item that will meet it), else *not started*.
A rejected abstract or an abandoned project is on its way nowhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError
from scholar_desk.core.formats.program import STAGES, Program, Requirement, parse_program
from scholar_desk.core.records import (
    AbstractStatus,
    ProjectStatus,
    SubmissionStatus,
)
from scholar_desk.core.services import items, permissions
from scholar_desk.core.services.career.outline import (
    SETTING_KEY,
    current_program,
    fellows_in_view,
)
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.session import Actor

if TYPE_CHECKING:
    from scholar_desk.core.formats.report_files import ActivityReport

PROGRAM = permissions.PROGRAM

MET = "met"
IN_PROGRESS = "in progress"
NOT_STARTED = "not started"


def set_program(
    session: Session, actor: Actor, text: str, *, source: str = "program.toml"
) -> Program:
    """Store a new program.toml after checking every requirement in it.

    Raises:
        PermissionDeniedError: Only a director (or the single user) sets requirements.
        ImportFileError: The text is not a usable program.toml (line and reason); nothing
            is stored.
    """
    permissions.require(session, actor, permissions.MANAGE, PROGRAM, None)
    program = parse_program(text, source)
    row = session.get(m.AppSetting, SETTING_KEY)
    old = row.value if row is not None else None
    if row is None:
        session.add(m.AppSetting(key=SETTING_KEY, value=text))
    else:
        row.value = text
    session.flush()
    items.audit(session, actor, "update", PROGRAM, None, "program.toml", old, text)
    return program


# Progress -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemStage:
    """One of a fellow's items and the stage it has reached.

    Attributes:
        kind: ``abstract``, ``manuscript``, ``project`` or ``presentation``.
        item_id: Its id.
        title: Its title.
        stage: The stage reached (``submitted``, ``on hold``...).
        rank: The stage's place in the kind's order (-1: on its way nowhere).
    """

    kind: str
    item_id: int
    title: str
    stage: str
    rank: int

    @property
    def label(self) -> str:
        """``“Title” (submitted)``."""
        return f"\u201c{self.title}\u201d ({self.stage})"


@dataclass(frozen=True)
class RequirementProgress:
    """Where one fellow stands on one requirement.

    Attributes:
        key: The requirement's key.
        title: What it asks.
        state: `MET`, `IN_PROGRESS` or `NOT_STARTED`.
        count: How many items it needs.
        counted: The items that count, up to ``count``.
        next_item: The most advanced item on its way (the one that will meet it).
    """

    key: str
    title: str
    state: str
    count: int
    counted: tuple[ItemStage, ...] = ()
    next_item: ItemStage | None = None

    @property
    def summary(self) -> str:
        """``Met: “Title”``, ``In progress (1 of 2): “Title” (submitted)``, ``Not started``."""
        if self.state == MET:
            return "Met: " + "; ".join(i.label for i in self.counted)
        if self.state == IN_PROGRESS:
            tally = f" ({len(self.counted)} of {self.count})" if self.count > 1 else ""
            ahead = f": {self.next_item.label}" if self.next_item is not None else ""
            return f"In progress{tally}{ahead}"
        return "Not started"


@dataclass(frozen=True)
class FellowProgress:
    """One fellow against the program's requirements.

    Attributes:
        fellow_id: The fellow's Person id.
        fellow: Their name.
        program: The program's name.
        example: Whether the requirements are the shipped example.
        requirements: One entry per requirement, in the program's order.
    """

    fellow_id: int
    fellow: str
    program: str
    example: bool
    requirements: tuple[RequirementProgress, ...] = ()

    @property
    def met(self) -> int:
        """How many requirements are met."""
        return sum(1 for r in self.requirements if r.state == MET)


def _first_author(byline: list[int], owner: int | None, fellow_id: int) -> bool:
    return byline[0] == fellow_id if byline else owner == fellow_id


def _manuscript_stage(ms: m.Manuscript) -> tuple[str, int]:
    order = STAGES["manuscript"]
    statuses = {s.status for s in ms.submissions}
    if (
        ms.published_on is not None
        or ms.pmid.strip()
        or SubmissionStatus.PUBLISHED.value in statuses
    ):
        stage = "published"
    elif statuses & {SubmissionStatus.ACCEPTED.value, SubmissionStatus.IN_PRESS.value}:
        stage = "accepted"
    elif statuses - {SubmissionStatus.DRAFT.value}:
        stage = "submitted"
    else:
        stage = "draft"
    return stage, order.index(stage)


_ABSTRACT_STAGES = {
    AbstractStatus.DRAFT.value: "draft",
    AbstractStatus.SUBMITTED.value: "submitted",
    AbstractStatus.ACCEPTED_POSTER.value: "accepted",
    AbstractStatus.ACCEPTED_ORAL.value: "accepted",
    AbstractStatus.PRESENTED.value: "presented",
    AbstractStatus.REJECTED.value: "submitted",
    AbstractStatus.WITHDRAWN.value: "submitted",
}
_DEAD_ABSTRACT = frozenset({AbstractStatus.REJECTED.value, AbstractStatus.WITHDRAWN.value})


def _candidates(
    session: Session, fellow_id: int, requirement: Requirement, today: dt.date
) -> list[tuple[ItemStage, bool]]:
    """The fellow's items of the requirement's kind that pass its filters: (item, alive)."""
    out: list[tuple[ItemStage, bool]] = []
    kind = requirement.kind
    if kind == "manuscript":
        types = requirement.allowed("article_type")
        for ms in session.scalars(
            select(m.Manuscript)
            .where(m.Manuscript.owner_id == fellow_id)
            .options(selectinload(m.Manuscript.submissions), selectinload(m.Manuscript.authors))
        ):
            if types and ms.article_type not in types:
                continue
            byline = [a.person_id for a in ms.authors]
            if requirement.first_author and not _first_author(byline, ms.owner_id, fellow_id):
                continue
            stage, rank = _manuscript_stage(ms)
            out.append((ItemStage(kind, ms.id, ms.title, stage, rank), True))
    elif kind == "abstract":
        scopes = requirement.allowed("scope")
        for ab in session.scalars(
            select(m.Abstract)
            .where(m.Abstract.owner_id == fellow_id)
            .options(selectinload(m.Abstract.conference), selectinload(m.Abstract.authors))
        ):
            if scopes and (ab.conference is None or ab.conference.scope not in scopes):
                continue
            byline = [a.person_id for a in ab.authors]
            if requirement.first_author and not _first_author(byline, ab.owner_id, fellow_id):
                continue
            stage = _ABSTRACT_STAGES.get(ab.status, "draft")
            shown = ab.status if ab.status in _DEAD_ABSTRACT else stage
            rank = STAGES["abstract"].index(stage)
            out.append(
                (ItemStage(kind, ab.id, ab.title, shown, rank), ab.status not in _DEAD_ABSTRACT)
            )
    elif kind == "project":
        kinds = requirement.allowed("project_kind")
        for project in session.scalars(select(m.Project).where(m.Project.owner_id == fellow_id)):
            if kinds and project.kind not in kinds:
                continue
            alive = project.status != ProjectStatus.ABANDONED
            order = STAGES["project"]
            rank = order.index(project.status) if project.status in order else -1
            out.append((ItemStage(kind, project.id, project.title, project.status, rank), alive))
    else:
        kinds = requirement.allowed("presentation_kind")
        scopes = requirement.allowed("scope")
        for talk in session.scalars(
            select(m.Presentation).where(m.Presentation.owner_id == fellow_id)
        ):
            if (kinds and talk.kind not in kinds) or (scopes and talk.scope not in scopes):
                continue
            given = talk.presented_on is not None and talk.presented_on <= today
            stage = "given" if given else "scheduled"
            rank = STAGES["presentation"].index(stage)
            out.append((ItemStage(kind, talk.id, talk.title, stage, rank), True))
    return out


def _progress(
    session: Session, fellow_id: int, requirement: Requirement, today: dt.date
) -> RequirementProgress:
    goal = STAGES[requirement.kind].index(requirement.met_when)
    candidates = _candidates(session, fellow_id, requirement, today)
    counted = sorted((i for i, _ in candidates if i.rank >= goal), key=lambda i: i.item_id)
    ahead = sorted(
        (i for i, alive in candidates if alive and i.rank < goal),
        key=lambda i: (-i.rank, -i.item_id),
    )
    if len(counted) >= requirement.count:
        state = MET
    elif counted or ahead:
        state = IN_PROGRESS
    else:
        state = NOT_STARTED
    return RequirementProgress(
        key=requirement.key,
        title=requirement.title,
        state=state,
        count=requirement.count,
        counted=tuple(counted[: requirement.count]),
        next_item=ahead[0] if ahead and state != MET else None,
    )


def fellow_progress(
    session: Session, actor: Actor, fellow_id: int, *, today: dt.date | None = None
) -> FellowProgress:
    """One fellow's progress against the program's requirements.

    Raises:
        NotFoundError: No such person.
        PermissionDeniedError: The actor may not read the fellow's records.
    """
    person = session.get(m.Person, fellow_id)
    if person is None:
        raise NotFoundError(f"There is no person with id {fellow_id}.")
    permissions.require(session, actor, permissions.READ, "project", fellow_id)
    program = current_program(session)
    day = today or clock.today()
    return FellowProgress(
        fellow_id=fellow_id,
        fellow=person_name(person),
        program=program.name,
        example=program.example,
        requirements=tuple(_progress(session, fellow_id, r, day) for r in program.requirements),
    )


def program_progress(
    session: Session, actor: Actor, *, today: dt.date | None = None
) -> list[FellowProgress]:
    """Every fellow the actor may see against the requirements: the director's overview.

    Fellows are the people whose kind is fellow, by name.
    """
    return [
        fellow_progress(session, actor, fellow_id, today=today)
        for fellow_id, _name in fellows_in_view(session, actor)
    ]


def with_requirements(
    session: Session, actor: Actor, activity: ActivityReport, *, today: dt.date | None = None
) -> ActivityReport:
    """The report with each fellow's progress against the program's requirements attached.

    Args:
        session: The unit of work.
        actor: Who asks (the report already holds only fellows the actor may see).
        activity: The report.
        today: The day presentations count as given (the clock's today by default).
    """
    from scholar_desk.core.formats.report_files import RequirementLine

    program = current_program(session)
    fellows = []
    for part in activity.fellows:
        if part.fellow_id is None:
            fellows.append(part)
            continue
        progress = fellow_progress(session, actor, part.fellow_id, today=today)
        lines = tuple(RequirementLine(r.title, r.state, r.summary) for r in progress.requirements)
        fellows.append(replace(part, requirements=lines))
    name = program.name + (
        " (example)" if program.example and "example" not in program.name.lower() else ""
    )
    return replace(activity, fellows=tuple(fellows), program=name)
