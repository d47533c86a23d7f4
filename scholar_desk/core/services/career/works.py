"""A person's scholarly works, read once from the records for the CV, ERAS and reviews.

Each work is one `Work` in the section of the CV it belongs to. A person's works are the
records they own and those they are an author of, among the records the actor may read.
An abstract and the paper of the same project are two works in their own sections (an
abstract is never a paper); a talk recorded for the same project at the same meeting as
an abstract is that abstract, given orally, and is not listed twice; two manuscripts
with one PMID are one paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError
from scholar_desk.core.formats.cv import (
    ABSTRACTS,
    CHAPTERS,
    ORAL,
    OTHER,
    PEER_REVIEWED,
    PENDING,
    Author,
    Work,
)
from scholar_desk.core.records import (
    OPEN_SUBMISSION_STATUSES,
    REVISION_STATUSES,
    AbstractStatus,
    ArticleType,
    PresentationKind,
    SubmissionStatus,
)
from scholar_desk.core.services import permissions
from scholar_desk.core.services.documents import ama_name
from scholar_desk.core.services.report import BOOK_TYPES, same_meeting
from scholar_desk.core.services.session import Actor

NOT_PEER_REVIEWED = frozenset({ArticleType.EDITORIAL.value, ArticleType.LETTER.value})
"""Published article types a CV lists under "Other"."""

ABSTRACT_SHOWN = frozenset(
    {AbstractStatus.PRESENTED, AbstractStatus.ACCEPTED_POSTER, AbstractStatus.ACCEPTED_ORAL}
)
ORAL_KINDS = frozenset(
    {
        PresentationKind.TALK,
        PresentationKind.GRAND_ROUNDS,
        PresentationKind.INVITED,
        PresentationKind.WORKSHOP,
    }
)
PENDING_STATUSES = frozenset(
    {SubmissionStatus.ACCEPTED, SubmissionStatus.IN_PRESS}
    | OPEN_SUBMISSION_STATUSES
    | REVISION_STATUSES
)


def person_of(session: Session, person_id: int) -> m.Person:
    """The person, or a clear error.

    Raises:
        NotFoundError: No such person.
    """
    person = session.get(m.Person, person_id)
    if person is None:
        raise NotFoundError(f"There is no person with id {person_id}.")
    return person


def works_of(
    session: Session,
    actor: Actor,
    person_id: int,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[Work]:
    """Everything ``person_id`` owns or wrote that the actor may read, one `Work` each.

    Args:
        session: The unit of work.
        actor: Who asks.
        person_id: The fellow (or faculty member).
        since: Leave out works dated before this day (undated ones too).
        until: Leave out works dated after this day.

    Raises:
        NotFoundError: No such person.
        PermissionDeniedError: The actor may not read the person's records.
    """
    person = person_of(session, person_id)
    permissions.require(session, actor, permissions.READ, "manuscript", person_id)
    visible = permissions.visible_owner_ids(session, actor)

    def readable(owner_id: int | None) -> bool:
        return visible is None or owner_id in visible

    out: list[Work] = []
    pmids: set[str] = set()
    manuscripts = session.scalars(
        select(m.Manuscript)
        .where(
            or_(
                m.Manuscript.owner_id == person_id,
                m.Manuscript.authors.any(m.ManuscriptAuthor.person_id == person_id),
            )
        )
        .options(
            selectinload(m.Manuscript.authors).selectinload(m.ManuscriptAuthor.person),
            selectinload(m.Manuscript.submissions).selectinload(m.Submission.events),
            selectinload(m.Manuscript.submissions).selectinload(m.Submission.journal),
        )
        .order_by(m.Manuscript.id)
    )
    for ms in manuscripts:
        if not readable(ms.owner_id):
            continue
        work = _manuscript_work(session, ms, person)
        if work is None:
            continue
        if work.pmid:
            if work.pmid in pmids:
                continue
            pmids.add(work.pmid)
        out.append(work)

    abstracts = [
        ab
        for ab in session.scalars(
            select(m.Abstract)
            .where(
                or_(
                    m.Abstract.owner_id == person_id,
                    m.Abstract.authors.any(m.AbstractAuthor.person_id == person_id),
                )
            )
            .options(
                selectinload(m.Abstract.conference),
                selectinload(m.Abstract.authors).selectinload(m.AbstractAuthor.person),
            )
            .order_by(m.Abstract.id)
        )
        if readable(ab.owner_id) and ab.status in ABSTRACT_SHOWN
    ]
    abstract_works = {ab.id: _abstract_work(ab, person) for ab in abstracts}

    talks = session.scalars(
        select(m.Presentation)
        .where(m.Presentation.owner_id == person_id)
        .order_by(m.Presentation.id)
    )
    for talk in talks:
        twin = _same_meeting_abstract(talk, abstracts, abstract_works)
        if twin is not None:
            work = abstract_works[twin]
            if talk.kind == PresentationKind.TALK:
                abstract_works[twin] = replace(work, detail="oral presentation")
            continue
        out.append(_talk_work(talk, person))
    out.extend(abstract_works.values())
    return [w for w in out if _in_period(w, since, until)]


def _in_period(work: Work, since: dt.date | None, until: dt.date | None) -> bool:
    if since is None and until is None:
        return True
    if work.on is None:
        return False
    return (since is None or work.on >= since) and (until is None or work.on <= until)


def _same_meeting_abstract(
    talk: m.Presentation, abstracts: Iterable[m.Abstract], works: dict[int, Work]
) -> int | None:
    if talk.project_id is None or talk.presented_on is None or talk.kind not in ORAL_KINDS:
        return None
    for ab in abstracts:
        on = works[ab.id].on
        if ab.project_id == talk.project_id and on is not None and same_meeting(talk, ab, on):
            return ab.id
    return None


def _authors(people: list[m.Person], me: m.Person) -> tuple[Author, ...]:
    if not people:
        people = [me]
    return tuple(Author(ama_name(p.given_name, p.family_name), p.id == me.id) for p in people)


def _best_submission(ms: m.Manuscript) -> m.Submission | None:
    rank = {
        SubmissionStatus.PUBLISHED.value: 0,
        SubmissionStatus.IN_PRESS.value: 1,
        SubmissionStatus.ACCEPTED.value: 2,
    }
    for status in sorted(PENDING_STATUSES - set(rank)):
        rank.setdefault(str(status), 3)
    subs = sorted((s for s in ms.submissions if s.status in rank), key=lambda s: rank[s.status])
    return subs[0] if subs else None


def _published_on(ms: m.Manuscript) -> dt.date | None:
    if ms.published_on is not None:
        return ms.published_on
    for sub in ms.submissions:
        for event in sub.events:
            if event.to_status == SubmissionStatus.PUBLISHED:
                return event.on
    return None


def _reference_for(session: Session, ms: m.Manuscript) -> m.Reference | None:
    conditions = []
    if ms.pmid.strip():
        conditions.append(m.Reference.pmid == ms.pmid.strip())
    if ms.doi.strip():
        conditions.append(m.Reference.doi == ms.doi.strip())
    if not conditions:
        return None
    return session.scalars(select(m.Reference).where(or_(*conditions)).limit(1)).first()


def _manuscript_work(session: Session, ms: m.Manuscript, me: m.Person) -> Work | None:
    sub = _best_submission(ms)
    published = (
        ms.published_on is not None
        or bool(ms.pmid.strip())
        or (sub is not None and sub.status == SubmissionStatus.PUBLISHED)
    )
    book = ms.article_type in BOOK_TYPES
    if published:
        status = "published"
        on = _published_on(ms)
    elif sub is not None and not book:
        status = {
            SubmissionStatus.IN_PRESS.value: "in press",
            SubmissionStatus.ACCEPTED.value: "accepted",
        }.get(sub.status, "submitted")
        on = (sub.decided_on if status != "submitted" else None) or sub.submitted_on
        on = on or sub.status_changed_on
    else:
        return None
    ref = _reference_for(session, ms)
    venue = (sub.journal.abbreviation or sub.journal.name) if sub is not None else ""
    if not venue and ref is not None:
        venue = ref.journal
    year = on.year if on is not None and status == "published" else None
    if year is None and ref is not None and status == "published":
        year = ref.year
    if book:
        section = CHAPTERS
    elif status != "published":
        section = PENDING
    elif ms.article_type in NOT_PEER_REVIEWED:
        section = OTHER
    else:
        section = PEER_REVIEWED
    return Work(
        source=f"manuscript:{ms.id}",
        kind="chapter" if book else "article",
        title=ms.title,
        authors=_authors([a.person for a in ms.authors], me),
        on=on,
        status=status,
        venue=venue,
        detail=ms.article_type,
        year=year,
        volume=ref.volume if ref is not None else "",
        issue=ref.issue if ref is not None else "",
        pages=ref.pages if ref is not None else "",
        doi=ms.doi.strip(),
        pmid=ms.pmid.strip(),
        project_id=ms.project_id,
        section=section,
    )


def _abstract_work(ab: m.Abstract, me: m.Person) -> Work:
    conf = ab.conference
    on = ab.presentation_date or (conf.starts_on if conf is not None else None)
    detail = {
        AbstractStatus.ACCEPTED_ORAL.value: "oral presentation",
        AbstractStatus.ACCEPTED_POSTER.value: "poster",
    }.get(ab.status, "poster")
    owner = [] if ab.authors else [me]
    return Work(
        source=f"abstract:{ab.id}",
        kind="abstract",
        title=ab.title,
        authors=_authors([a.person for a in ab.authors] or owner, me),
        on=on,
        status=ab.status,
        venue=conf.name if conf is not None else "",
        place=conf.location if conf is not None else "",
        detail=detail,
        year=on.year if on is not None else None,
        project_id=ab.project_id,
        section=ABSTRACTS,
        scope=conf.scope if conf is not None else "",
    )


def _talk_work(talk: m.Presentation, me: m.Person) -> Work:
    if talk.kind in ORAL_KINDS:
        section = ORAL
    elif talk.kind == PresentationKind.LOCAL_POSTER:
        section = ABSTRACTS
    else:
        section = OTHER
    return Work(
        source=f"presentation:{talk.id}",
        kind="presentation",
        title=talk.title,
        authors=_authors([me], me),
        on=talk.presented_on,
        status="given",
        venue="; ".join(p for p in (talk.venue, talk.audience) if p),
        detail=talk.kind,
        year=talk.presented_on.year if talk.presented_on is not None else None,
        project_id=talk.project_id,
        section=section,
        scope=talk.scope,
    )
