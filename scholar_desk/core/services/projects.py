"""A project page: everything a project produced, its timeline, mentors and tags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.services import items, permissions
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.session import Actor
from scholar_desk.core.services.submissions import ChainEntry, manuscript_chains


@dataclass(frozen=True)
class ProjectSummary:
    """A project's header facts.

    Attributes:
        id: The project.
        version: The version read.
        title: Its title.
        kind: Its kind of research.
        status: Where it stands.
        owner_id: Its fellow.
        owner_name: The fellow's name.
        mentors: Mentors' names.
        mentor_ids: Mentors' person ids.
        tags: Tag names, sorted.
        irb_number: The IRB protocol number.
        irb_approved_on: IRB approval date.
        irb_expires_on: IRB expiry date.
        started_on: When it started.
        status_changed_on: When the status last changed.
        notes: Free notes.
    """

    id: int
    version: int
    title: str
    kind: str
    status: str
    owner_id: int | None
    owner_name: str
    mentors: tuple[str, ...]
    mentor_ids: tuple[int, ...]
    tags: tuple[str, ...]
    irb_number: str
    irb_approved_on: dt.date | None
    irb_expires_on: dt.date | None
    started_on: dt.date | None
    status_changed_on: dt.date | None
    notes: str

    @property
    def irb_expired(self) -> bool:
        """Whether the IRB approval has run out."""
        return self.irb_expires_on is not None and self.irb_expires_on < clock.today()


@dataclass(frozen=True)
class OutputItem:
    """An abstract or a talk of a project.

    Attributes:
        kind: ``abstract`` or ``presentation``.
        id: The record.
        title: Its title.
        status: The abstract's status, or the talk's kind.
        on: The presentation date (or submission date of an abstract not yet given).
        venue: The meeting or venue.
    """

    kind: str
    id: int
    title: str
    status: str
    on: dt.date | None
    venue: str


@dataclass(frozen=True)
class ManuscriptOutput:
    """A manuscript of a project with its path across journals.

    Attributes:
        id: The manuscript.
        title: Its title.
        article_type: Its type.
        pmid: The PubMed id once published.
        doi: Its DOI.
        published_on: When it came out.
        chains: Each chain of submissions (usually one), oldest first.
    """

    id: int
    title: str
    article_type: str
    pmid: str
    doi: str
    published_on: dt.date | None
    chains: tuple[tuple[ChainEntry, ...], ...]

    @property
    def current(self) -> ChainEntry | None:
        """The latest submission of the last chain, if any."""
        return self.chains[-1][-1] if self.chains and self.chains[-1] else None


@dataclass(frozen=True)
class ProjectOutputs:
    """Everything a project produced, counted once.

    Attributes:
        project: The header facts.
        abstracts: Its abstracts.
        presentations: Its talks.
        manuscripts: Its manuscripts with their submission chains.
        pmids: PMIDs of its published papers.
    """

    project: ProjectSummary
    abstracts: tuple[OutputItem, ...]
    presentations: tuple[OutputItem, ...]
    manuscripts: tuple[ManuscriptOutput, ...]
    pmids: tuple[str, ...]


@dataclass(frozen=True)
class ProjectEvent:
    """One dated line of a project's timeline.

    Attributes:
        on: The date.
        category: ``project``, ``irb``, ``abstract``, ``presentation``, ``submission``
            or ``publication``.
        title: What happened, e.g. ``Submitted to PAIN``.
        detail: The item it concerns.
        target_kind: The kind of record to open.
        target_id: Its id.
        upcoming: Whether the date is still ahead.
        status: For a submission event, the status it moved to.
    """

    on: dt.date
    category: str
    title: str
    detail: str
    target_kind: str
    target_id: int
    upcoming: bool = False
    status: str = ""


def _project(session: Session, actor: Actor, project_id: int, action: str) -> m.Project:
    project: m.Project = items.load(session, "project", project_id)
    permissions.require(session, actor, action, "project", project.owner_id)
    return project


def _visible(session: Session, actor: Actor, kind: str, owner_id: int | None) -> bool:
    return permissions.allowed(session, actor, permissions.READ, kind, owner_id)


def project_summary(session: Session, actor: Actor, project_id: int) -> ProjectSummary:
    """The header facts of a project.

    Raises:
        NotFoundError: No such project.
        PermissionDeniedError: The actor may not read it.
    """
    return _summary(_project(session, actor, project_id, permissions.READ))


def _summary(project: m.Project) -> ProjectSummary:
    return ProjectSummary(
        id=project.id,
        version=project.version,
        title=project.title,
        kind=project.kind,
        status=project.status,
        owner_id=project.owner_id,
        owner_name=person_name(project.owner),
        mentors=tuple(person_name(p) for p in project.mentors),
        mentor_ids=tuple(p.id for p in project.mentors),
        tags=tuple(sorted(t.name for t in project.tags)),
        irb_number=project.irb_number,
        irb_approved_on=project.irb_approved_on,
        irb_expires_on=project.irb_expires_on,
        started_on=project.started_on,
        status_changed_on=project.status_changed_on,
        notes=project.notes,
    )


def project_outputs(session: Session, actor: Actor, project_id: int) -> ProjectOutputs:
    """Everything a project produced: abstracts, talks, manuscripts and their chains.

    Raises:
        NotFoundError: No such project.
        PermissionDeniedError: The actor may not read it.
    """
    project = _project(session, actor, project_id, permissions.READ)
    abstracts = tuple(
        OutputItem(
            "abstract",
            a.id,
            a.title,
            a.status,
            a.presentation_date or a.submitted_on,
            a.conference.name if a.conference else "",
        )
        for a in sorted(project.abstracts, key=lambda a: (a.submitted_on or dt.date.max, a.id))
        if _visible(session, actor, "abstract", a.owner_id)
    )
    talks = tuple(
        OutputItem("presentation", p.id, p.title, p.kind, p.presented_on, p.venue)
        for p in sorted(project.presentations, key=lambda p: (p.presented_on or dt.date.max, p.id))
        if _visible(session, actor, "presentation", p.owner_id)
    )
    manuscripts = tuple(
        ManuscriptOutput(
            id=ms.id,
            title=ms.title,
            article_type=ms.article_type,
            pmid=ms.pmid,
            doi=ms.doi,
            published_on=ms.published_on,
            chains=tuple(tuple(c) for c in manuscript_chains(session, actor, ms.id)),
        )
        for ms in sorted(project.manuscripts, key=lambda x: x.id)
        if _visible(session, actor, "manuscript", ms.owner_id)
    )
    pmids = tuple(ms.pmid for ms in manuscripts if ms.pmid)
    return ProjectOutputs(_summary(project), abstracts, talks, manuscripts, pmids)


def project_timeline(session: Session, actor: Actor, project_id: int) -> list[ProjectEvent]:
    """Every dated event of a project and its outputs, oldest first.

    Includes the project's own dates (start, IRB approval and expiry, last status
    change), abstracts submitted and presented, talks, every submission event and
    publication. Dates still ahead (an IRB expiry, a scheduled talk) are marked
    ``upcoming``.

    Raises:
        NotFoundError: No such project.
        PermissionDeniedError: The actor may not read it.
    """
    project = _project(session, actor, project_id, permissions.READ)
    today = clock.today()
    out: list[ProjectEvent] = []

    def add(
        on: dt.date | None,
        category: str,
        title: str,
        detail: str,
        kind: str,
        pk: int,
        status: str = "",
    ) -> None:
        if on is not None:
            out.append(ProjectEvent(on, category, title, detail, kind, pk, on > today, status))

    pid = project.id
    add(project.started_on, "project", "Project started", project.title, "project", pid)
    if project.irb_number or project.irb_approved_on:
        irb = irb_label(project.irb_number)
        add(project.irb_approved_on, "irb", "IRB approved", irb, "project", pid)
        add(project.irb_expires_on, "irb", "IRB expires", irb, "project", pid)
    add(
        project.status_changed_on,
        "project",
        f"Status: {project.status}",
        project.title,
        "project",
        pid,
    )
    for a in project.abstracts:
        if not _visible(session, actor, "abstract", a.owner_id):
            continue
        meeting = a.conference.acronym or a.conference.name if a.conference else "a meeting"
        add(
            a.submitted_on,
            "abstract",
            f"Abstract submitted to {meeting}",
            a.title,
            "abstract",
            a.id,
        )
        if a.presentation_date is not None:
            past = a.status == "presented" or a.presentation_date <= today
            verb = "Presented" if past else "To present"
            how = "oral" if a.status == "accepted as oral" else "poster"
            if a.status in ("accepted as poster", "accepted as oral", "presented"):
                add(
                    a.presentation_date,
                    "abstract",
                    f"{verb} at {meeting} ({how})",
                    a.title,
                    "abstract",
                    a.id,
                )
    for p in project.presentations:
        if _visible(session, actor, "presentation", p.owner_id):
            where = f" at {p.venue}" if p.venue else ""
            add(
                p.presented_on,
                "presentation",
                f"{p.kind.capitalize()}{where}",
                p.title,
                "presentation",
                p.id,
            )
    for ms in project.manuscripts:
        if not _visible(session, actor, "manuscript", ms.owner_id):
            continue
        for sub in ms.submissions:
            journal = sub.journal.name if sub.journal else "a journal"
            for e in sub.events:
                if e.from_status is None and e.to_status == "draft":
                    continue
                add(
                    e.on,
                    "submission",
                    _event_title(e.to_status, journal),
                    ms.title,
                    "submission",
                    sub.id,
                    e.to_status,
                )
        if ms.published_on is not None:
            pmid = f" (PMID {ms.pmid})" if ms.pmid else ""
            add(ms.published_on, "publication", f"Published{pmid}", ms.title, "manuscript", ms.id)
    order = {"project": 0, "irb": 1, "abstract": 2, "presentation": 3, "submission": 4}
    out.sort(key=lambda e: (e.on, order.get(e.category, 5)))
    return out


def irb_label(number: str) -> str:
    """``IRB 2024-118``, without doubling a number that already starts with IRB."""
    number = number.strip()
    return number if number.upper().startswith("IRB") else f"IRB {number}".strip()


def _event_title(status: str, journal: str) -> str:
    titles = {
        "submitted": f"Submitted to {journal}",
        "with editor": f"With the editor at {journal}",
        "under review": f"Under review at {journal}",
        "major revision": f"Major revision requested by {journal}",
        "minor revision": f"Minor revision requested by {journal}",
        "revision submitted": f"Revision sent to {journal}",
        "accepted": f"Accepted by {journal}",
        "in press": f"In press at {journal}",
        "published": f"Published in {journal}",
        "rejected": f"Rejected by {journal}",
        "withdrawn": f"Withdrawn from {journal}",
    }
    return titles.get(status, f"{status.capitalize()} at {journal}")


def set_project_mentors(
    session: Session, actor: Actor, project_id: int, person_ids: Sequence[int]
) -> ProjectSummary:
    """Replace a project's mentors.

    Raises:
        ValidationError: A person does not exist.
        PermissionDeniedError: The actor may not change the project.
    """
    project = _project(session, actor, project_id, permissions.UPDATE)
    ids = list(dict.fromkeys(person_ids))
    people = list(session.scalars(select(m.Person).where(m.Person.id.in_(ids))))
    if len(people) != len(ids):
        found = {p.id for p in people}
        missing = ", ".join(str(i) for i in ids if i not in found)
        raise ValidationError({"mentors": f"No person with id {missing}."})
    by_id = {p.id: p for p in people}
    old = sorted(p.id for p in project.mentors)
    project.mentors = [by_id[i] for i in ids]
    session.flush()
    if old != sorted(ids):
        items.audit(session, actor, "update", "project", project.id, "mentors", old, sorted(ids))
    return _summary(project)


def set_project_tags(
    session: Session, actor: Actor, project_id: int, names: Sequence[str]
) -> ProjectSummary:
    """Replace a project's tags, creating tags that do not exist yet.

    Raises:
        ValidationError: A tag is longer than 100 characters.
        PermissionDeniedError: The actor may not change the project.
    """
    project = _project(session, actor, project_id, permissions.UPDATE)
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    too_long = [n for n in wanted if len(n) > 100]
    if too_long:
        raise ValidationError({"tags": "Keep each tag under 100 characters."})
    existing = {t.name: t for t in session.scalars(select(m.Tag).where(m.Tag.name.in_(wanted)))}
    tags = []
    for name in wanted:
        tag = existing.get(name)
        if tag is None:
            tag = m.Tag(name=name)
            session.add(tag)
        tags.append(tag)
    old = sorted(t.name for t in project.tags)
    project.tags = tags
    session.flush()
    if old != sorted(wanted):
        items.audit(session, actor, "update", "project", project.id, "tags", old, sorted(wanted))
    return _summary(project)
