"""Documents a fellow hands in: the response to reviewers and the publication list for a CV.

The publication list cites the fellow's own outputs in AMA style (11th edition):
up to six authors, else the first three and "et al"; family name and initials without
periods; the article title in sentence form as recorded; the journal abbreviation in
italics; ``Year;Vol(Issue):pages``; ``doi:`` and the PMID. Volume, issue and pages come
from a reference in the library with the same PMID or DOI, where there is one.
Presentations follow AMA's "Presented at: Meeting; Date; Place." form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from scholar_desk.core import clock, files
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError
from scholar_desk.core.formats.docx_docs import (
    CvSection,
    PublicationList,
    ResponseLetter,
    ResponsePoint,
    Run,
    plain_text,
    write_publication_list,
    write_response,
)
from scholar_desk.core.formats.journals import nlm_abbreviation
from scholar_desk.core.formats.report_files import long_date
from scholar_desk.core.records import AbstractStatus, SubmissionStatus
from scholar_desk.core.services import items, permissions
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.report import BOOK_TYPES, TEACHING_KINDS
from scholar_desk.core.services.session import Actor

MAX_AUTHORS = 6
"""AMA lists up to six authors; with more, the first three and "et al"."""

PUBLISHED = frozenset({SubmissionStatus.PUBLISHED.value})
FORTHCOMING = frozenset({SubmissionStatus.ACCEPTED.value, SubmissionStatus.IN_PRESS.value})


# Response to reviewers ------------------------------------------------------------------


def response_letter(
    session: Session,
    actor: Actor,
    submission_id: int,
    round_number: int | None = None,
    *,
    today: dt.date | None = None,
) -> ResponseLetter:
    """The response to reviewers for one revision round of a submission.

    Args:
        session: The unit of work.
        actor: Who asks; must be allowed to read the submission.
        submission_id: The submission.
        round_number: The round (by default the latest one).
        today: The letter's date (the clock's today by default).

    Raises:
        NotFoundError: No such submission, or it has no such revision round.
        PermissionDeniedError: The actor may not read the submission.
    """
    sub: m.Submission = items.load(session, "submission", submission_id, actor)
    permissions.require(session, actor, permissions.READ, "submission", sub.owner_id)
    if not sub.rounds:
        raise NotFoundError(
            f"Submission {submission_id} has no revision round yet; add the reviewers' "
            "points first."
        )
    if round_number is None:
        rnd = sub.rounds[-1]
    else:
        found = [r for r in sub.rounds if r.number == round_number]
        if not found:
            have = ", ".join(str(r.number) for r in sub.rounds)
            raise NotFoundError(
                f"Submission {submission_id} has no revision round {round_number} "
                f"(it has: {have})."
            )
        rnd = found[0]
    return ResponseLetter(
        manuscript_title=_manuscript_title(session, actor, sub.manuscript),
        journal=sub.journal.name,
        manuscript_number=sub.manuscript_number,
        round_number=rnd.number,
        received_on=rnd.received_on,
        dated=today or clock.today(),
        points=tuple(
            ResponsePoint(p.reviewer, p.comment, p.response, p.change_location, p.done)
            for p in rnd.points
        ),
    )


def export_response(
    session: Session,
    actor: Actor,
    submission_id: int,
    path: Path,
    round_number: int | None = None,
    *,
    force: bool = False,
) -> ResponseLetter:
    """Write the response to reviewers as .docx and return what was written.

    Raises:
        NotFoundError: No such submission or round.
        PermissionDeniedError: The actor may not read the submission.
        ExportError: The file cannot be written.
        OutputExistsError: ``path`` exists and ``force`` is false.
    """
    files.check_target(path, force=force)
    letter = response_letter(session, actor, submission_id, round_number)
    write_response(letter, path, force=force)
    return letter


# AMA citations of a fellow's own outputs -----------------------------------------------


def ama_name(given: str, family: str) -> str:
    """``Patel MR``: family name and initials of the given names, no periods.

    Hyphenated given names keep their hyphen (``Jean-Paul`` -> ``J-P``).
    """
    initials = []
    for part in given.replace(".", " ").split():
        pieces = [p for p in part.split("-") if p]
        initials.append("-".join(p[0].upper() for p in pieces))
    return f"{family.strip()} {''.join(initials)}".strip()


def ama_authors(names: Sequence[str], highlight: str = "") -> tuple[Run, ...]:
    """An AMA author list as runs, with ``highlight`` (the fellow) in bold.

    Returns:
        The runs, ending with a period.
    """
    shown = list(names) if len(names) <= MAX_AUTHORS else list(names[:3])
    runs: list[Run] = []
    for n, name in enumerate(shown):
        if n:
            runs.append(Run(", "))
        runs.append(Run(name, bold=bool(highlight) and name == highlight))
    if len(names) > MAX_AUTHORS:
        runs.append(Run(", et al"))
    runs.append(Run(". "))
    return tuple(runs)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".?!" else f"{text}."


def _person_ama(person: m.Person) -> str:
    return ama_name(person.given_name, person.family_name)


def _manuscript_authors(ms: m.Manuscript, fellow: m.Person) -> list[str]:
    names = [_person_ama(a.person) for a in ms.authors]
    return names or [_person_ama(fellow)]


def _reference_for(session: Session, ms: m.Manuscript) -> m.Reference | None:
    conditions = []
    if ms.pmid.strip():
        conditions.append(m.Reference.pmid == ms.pmid.strip())
    if ms.doi.strip():
        conditions.append(m.Reference.doi == ms.doi.strip())
    if not conditions:
        return None
    return session.scalars(select(m.Reference).where(or_(*conditions)).limit(1)).first()


def _article_runs(
    session: Session, ms: m.Manuscript, fellow: m.Person, sub: m.Submission | None
) -> tuple[Run, ...]:
    me = _person_ama(fellow)
    runs = list(ama_authors(_manuscript_authors(ms, fellow), me))
    runs.append(Run(_sentence(ms.title) + " "))
    ref = _reference_for(session, ms)
    journal = ""
    if sub is not None:
        journal = sub.journal.abbreviation or nlm_abbreviation(sub.journal.name)
    if not journal and ref is not None:
        journal = nlm_abbreviation(ref.journal, ref.extra_fields)
    if journal:
        runs.append(Run(journal.rstrip("."), italic=True))
        runs.append(Run(". "))
    if sub is not None and sub.status in FORTHCOMING and ms.published_on is None:
        runs.append(Run("In press."))
    else:
        year = ms.published_on.year if ms.published_on else (ref.year if ref else None)
        citation = str(year) if year else ""
        if ref is not None and ref.volume:
            citation += f";{ref.volume}"
            if ref.issue:
                citation += f"({ref.issue})"
            if ref.pages:
                citation += f":{ref.pages}"
        if citation:
            runs.append(Run(f"{citation}."))
    if ms.doi.strip():
        runs.append(Run(f" doi:{ms.doi.strip()}"))
    if ms.pmid.strip():
        runs.append(Run(f" PMID: {ms.pmid.strip()}"))
    return tuple(runs)


def _chapter_runs(ms: m.Manuscript, fellow: m.Person) -> tuple[Run, ...]:
    runs = list(ama_authors(_manuscript_authors(ms, fellow), _person_ama(fellow)))
    runs.append(Run(_sentence(ms.title) + " "))
    kind = "Textbook" if ms.article_type == "textbook" else "Book chapter"
    runs.append(Run(f"{kind}. "))
    if ms.published_on is not None:
        runs.append(Run(f"{ms.published_on.year}."))
    return tuple(runs)


def _abstract_runs(ab: m.Abstract, fellow: m.Person) -> tuple[Run, ...]:
    names = [_person_ama(a.person) for a in ab.authors] or [_person_ama(fellow)]
    runs = list(ama_authors(names, _person_ama(fellow)))
    runs.append(Run(_sentence(ab.title) + " "))
    kind = {
        AbstractStatus.ACCEPTED_POSTER.value: "Poster to be presented at: ",
        AbstractStatus.ACCEPTED_ORAL.value: "Oral presentation to be given at: ",
    }.get(ab.status, "Presented at: ")
    conf = ab.conference
    parts = [conf.name if conf is not None else "Meeting not recorded"]
    day = ab.presentation_date or (conf.starts_on if conf is not None else None)
    if day is not None:
        parts.append(long_date(day))
    if conf is not None and conf.location:
        parts.append(conf.location)
    runs.append(Run(kind + "; ".join(parts) + "."))
    return tuple(runs)


def _talk_runs(talk: m.Presentation, fellow: m.Person) -> tuple[Run, ...]:
    me = _person_ama(fellow)
    runs = [Run(me, bold=True), Run(". "), Run(_sentence(talk.title) + " ")]
    label = talk.kind[:1].upper() + talk.kind[1:]
    venue = "; ".join(p for p in (talk.venue, talk.audience) if p)
    when = long_date(talk.presented_on) if talk.presented_on is not None else ""
    if venue:
        text = f"{label} presented at: {venue}" + (f"; {when}." if when else ".")
    else:
        text = f"{label}, {when}." if when else f"{label}."
    runs.append(Run(text))
    return tuple(runs)


def _newest_first(key: dt.date | None) -> tuple[int, int]:
    return (0, -key.toordinal()) if key is not None else (1, 0)


def publication_list(
    session: Session, actor: Actor, fellow_id: int, *, today: dt.date | None = None
) -> PublicationList:
    """A fellow's articles, chapters, abstracts and talks in AMA style, newest first.

    Args:
        session: The unit of work.
        actor: Who asks; must be allowed to read the fellow's records.
        fellow_id: The fellow's Person id.
        today: The list's date (the clock's today by default).

    Raises:
        NotFoundError: No such person.
        PermissionDeniedError: The actor may not read the fellow's records.
    """
    fellow = session.get(m.Person, fellow_id)
    if fellow is None:
        raise NotFoundError(f"There is no person with id {fellow_id}.")
    permissions.require(session, actor, permissions.READ, "manuscript", fellow_id)

    articles: list[tuple[dt.date | None, tuple[Run, ...]]] = []
    forthcoming: list[tuple[dt.date | None, tuple[Run, ...]]] = []
    chapters: list[tuple[dt.date | None, tuple[Run, ...]]] = []
    listed_pmids: set[str] = set()
    manuscripts = session.scalars(
        select(m.Manuscript).where(m.Manuscript.owner_id == fellow_id).order_by(m.Manuscript.id)
    )
    for ms in manuscripts:
        pmid = ms.pmid.strip()
        if pmid and pmid in listed_pmids:
            continue  # the same article recorded twice; the report warns about it
        if pmid:
            listed_pmids.add(pmid)
        subs = {s.status: s for s in ms.submissions}
        done = next((subs[s] for s in PUBLISHED if s in subs), None)
        pending = next((subs[s] for s in FORTHCOMING if s in subs), None)
        published = ms.published_on is not None or bool(ms.pmid.strip()) or done is not None
        if ms.article_type in BOOK_TYPES:
            if published:
                chapters.append((ms.published_on, _chapter_runs(ms, fellow)))
            continue
        if published:
            articles.append((ms.published_on, _article_runs(session, ms, fellow, done or pending)))
        elif pending is not None:
            forthcoming.append((pending.decided_on, _article_runs(session, ms, fellow, pending)))

    abstracts: list[tuple[dt.date | None, tuple[Run, ...]]] = []
    shown = {
        AbstractStatus.PRESENTED.value,
        AbstractStatus.ACCEPTED_ORAL.value,
        AbstractStatus.ACCEPTED_POSTER.value,
    }
    for ab in session.scalars(select(m.Abstract).where(m.Abstract.owner_id == fellow_id)):
        if ab.status in shown:
            day = ab.presentation_date or (ab.conference.starts_on if ab.conference else None)
            abstracts.append((day, _abstract_runs(ab, fellow)))

    talks: list[tuple[dt.date | None, tuple[Run, ...]]] = []
    teaching: list[tuple[dt.date | None, tuple[Run, ...]]] = []
    for talk in session.scalars(
        select(m.Presentation).where(m.Presentation.owner_id == fellow_id)
    ):
        target = teaching if talk.kind in TEACHING_KINDS else talks
        target.append((talk.presented_on, _talk_runs(talk, fellow)))

    sections = []
    for title, entries in (
        ("Peer-reviewed publications", articles),
        ("Accepted and in press", forthcoming),
        ("Book chapters and textbooks", chapters),
        ("Abstracts and posters", abstracts),
        ("Presentations", talks),
        ("Teaching", teaching),
    ):
        if entries:
            ordered = sorted(entries, key=lambda e: (_newest_first(e[0]), plain_text(e[1])))
            sections.append(CvSection(title, tuple(runs for _, runs in ordered)))
    return PublicationList(person_name(fellow), today or clock.today(), tuple(sections))


def export_publication_list(
    session: Session, actor: Actor, fellow_id: int, path: Path, *, force: bool = False
) -> PublicationList:
    """Write the fellow's publication list as .docx and return what was written.

    Raises:
        NotFoundError: No such person.
        PermissionDeniedError: The actor may not read the fellow's records.
        ExportError: The file cannot be written.
        OutputExistsError: ``path`` exists and ``force`` is false.
    """
    files.check_target(path, force=force)
    publications = publication_list(session, actor, fellow_id)
    write_publication_list(publications, path, force=force)
    return publications


@dataclass(frozen=True)
class RoundChoice:
    """A submission with revision rounds, for choosing what to answer.

    Attributes:
        submission_id: The submission.
        label: ``Title (Journal, ID)``.
        rounds: Its round numbers, oldest first.
    """

    submission_id: int
    label: str
    rounds: tuple[int, ...]


def _manuscript_title(session: Session, actor: Actor, manuscript: m.Manuscript) -> str:
    # A submission linked to another fellow's manuscript (from before login was on)
    # does not show that manuscript's title.
    if permissions.allowed(session, actor, permissions.READ, "manuscript", manuscript.owner_id):
        return manuscript.title
    return items.HIDDEN_LABEL


def rounds_to_answer(session: Session, actor: Actor) -> list[RoundChoice]:
    """Submissions the actor may read that have revision rounds, newest first."""
    visible = permissions.visible_owner_ids(session, actor)
    query = select(m.Submission).where(m.Submission.rounds.any()).order_by(m.Submission.id.desc())
    out = []
    for sub in session.scalars(query):
        if visible is not None and sub.owner_id not in visible:
            continue
        number = f", {sub.manuscript_number}" if sub.manuscript_number else ""
        out.append(
            RoundChoice(
                sub.id,
                f"{_manuscript_title(session, actor, sub.manuscript)} ({sub.journal.name}{number})",
                tuple(r.number for r in sub.rounds),
            )
        )
    return out
