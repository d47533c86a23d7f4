"""A small program of two fellows whose outputs exercise every report rule (shared by tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library

D = dt.date


@dataclass(frozen=True)
class Seeded:
    ana: int
    ben: int
    mentor: int
    conference: int
    submission: int
    journal: int


def seed_activity(library: Library) -> Seeded:
    """Ana has one of everything in academic year 2026; Ben has a little, with gaps."""
    with library.transaction() as s:
        ana = m.Person(given_name="Ana", family_name="Reyes", degrees="MD", kind="fellow")
        ben = m.Person(given_name="Ben", family_name="Stone", degrees="DO", kind="fellow")
        mentor = m.Person(given_name="Sara", family_name="Lind", degrees="MD", kind="faculty")
        s.add_all([ana, ben, mentor])
        s.flush()
        journal = m.Journal(
            name="Regional Anesthesia & Pain Medicine", abbreviation="Reg Anesth Pain Med"
        )
        s.add(journal)
        asra = m.Conference(
            name="ASRA Pain Medicine Meeting",
            acronym="ASRA Pain",
            scope="national",
            location="San Diego, CA",
            starts_on=D(2026, 11, 5),
            ends_on=D(2026, 11, 7),
            abstract_deadline=dt.datetime(2026, 8, 1, 23, 59, tzinfo=dt.UTC),
            deadline_timezone="America/Los_Angeles",
            registration_deadline=D(2026, 10, 1),
        )
        local = m.Conference(name="Hospital Research Day", scope="local", starts_on=D(2027, 4, 2))
        s.add_all([asra, local])
        s.flush()
        p1 = m.Project(
            owner_id=ana.id,
            title="Genicular RFA outcomes",
            kind="clinical study",
            status="writing",
            started_on=D(2025, 9, 1),
        )
        s.add(p1)
        s.flush()
        # Articles: counted 2026 (July 1 edge), counted 2025 (June 30 edge), missing PMID,
        # a chapter on the year's last day, and a second record of the same PMID.
        s.add_all(
            [
                m.Manuscript(
                    owner_id=ana.id,
                    project_id=p1.id,
                    title="Genicular RFA at one year",
                    pmid="40000001",
                    published_on=D(2026, 7, 1),
                    doi="10.1/rapm.1",
                ),
                m.Manuscript(
                    owner_id=ana.id,
                    title="Last year's paper",
                    pmid="40000002",
                    published_on=D(2026, 6, 30),
                ),
                m.Manuscript(
                    owner_id=ana.id, title="Paper without a PMID", published_on=D(2026, 9, 1)
                ),
                m.Manuscript(
                    owner_id=ana.id,
                    title="Interventional CRPS care",
                    article_type="book chapter",
                    published_on=D(2027, 6, 30),
                ),
                m.Manuscript(
                    owner_id=ana.id,
                    title="Genicular RFA at one year (copy)",
                    pmid="40000001",
                    published_on=D(2026, 7, 2),
                ),
            ]
        )
        sub_ms = m.Manuscript(owner_id=ana.id, title="Ketamine in CRPS")
        s.add(sub_ms)
        s.flush()
        sub = m.Submission(
            owner_id=ana.id,
            manuscript_id=sub_ms.id,
            journal_id=journal.id,
            status="major revision",
            submitted_on=D(2026, 8, 1),
            revision_due_on=D(2026, 12, 1),
            manuscript_number="RAPM-2026-0042",
        )
        s.add(sub)
        s.flush()
        rnd = m.RevisionRound(
            submission_id=sub.id, number=1, received_on=D(2026, 10, 1), due_on=D(2026, 12, 1)
        )
        s.add(rnd)
        s.flush()
        s.add_all(
            [
                m.ReviewerPoint(
                    round_id=rnd.id,
                    position=1,
                    reviewer="Reviewer 1",
                    comment="Please report the dropout rate.",
                    response="We added the dropout rate (12%).",
                    change_location="Results, paragraph 2",
                    done=True,
                ),
                m.ReviewerPoint(
                    round_id=rnd.id,
                    position=2,
                    reviewer="Reviewer 2",
                    comment="Discuss ketamine\u2019s psychomimetic effects.",
                    response="",
                    change_location="",
                ),
            ]
        )
        # Abstracts: presented at a national meeting (and also recorded as a talk),
        # presented with no date (falls back to the meeting), accepted at a local meeting.
        s.add_all(
            [
                m.Abstract(
                    owner_id=ana.id,
                    project_id=p1.id,
                    conference_id=asra.id,
                    title="Genicular RFA: durable relief",
                    status="presented",
                    presentation_date=D(2026, 11, 6),
                ),
                m.Abstract(
                    owner_id=ana.id,
                    conference_id=asra.id,
                    title="SCS in diabetic neuropathy",
                    status="presented",
                ),
                m.Abstract(
                    owner_id=ana.id,
                    conference_id=local.id,
                    title="Opioid taper QI",
                    status="accepted as poster",
                    presentation_date=D(2027, 4, 2),
                ),
                m.Abstract(
                    owner_id=ana.id, conference_id=asra.id, title="Rejected one", status="rejected"
                ),
            ]
        )
        s.add_all(
            [
                m.Presentation(
                    owner_id=ana.id,
                    project_id=p1.id,
                    title="Genicular RFA oral",
                    kind="conference talk",
                    scope="national",
                    venue="ASRA Pain",
                    presented_on=D(2026, 11, 6),
                    length_minutes=10,
                ),
                m.Presentation(
                    owner_id=ana.id,
                    title="Who benefits from RFA?",
                    kind="grand rounds",
                    venue="Dept. of Anesthesiology",
                    presented_on=D(2026, 8, 20),
                    length_minutes=45,
                ),
                m.Presentation(
                    owner_id=ana.id,
                    title="Journal club: SENZA",
                    kind="journal club",
                    presented_on=D(2026, 9, 10),
                    length_minutes=20,
                ),
                m.Presentation(
                    owner_id=ben.id,
                    title="Ketamine for residents",
                    kind="teaching session",
                    presented_on=D(2027, 7, 1),
                ),
                m.Presentation(owner_id=ben.id, title="Undated grand rounds", kind="grand rounds"),
                m.Presentation(
                    owner_id=ben.id,
                    title="Short talk",
                    kind="invited lecture",
                    presented_on=D(2026, 12, 1),
                ),
            ]
        )
        s.add(m.Deadline(owner_id=ana.id, title="Renew ACLS", due_on=D(2026, 11, 20)))
        return Seeded(ana.id, ben.id, mentor.id, asra.id, sub.id, journal.id)


def add_history(library, seeded):
    """Ana's submission under review Aug 10 to Nov 20 (102 days); Ben's since July 1."""
    with library.transaction() as s:
        sub = s.get(m.Submission, seeded.submission)
        for frm, to, on in [
            (None, "submitted", dt.date(2026, 8, 1)),
            ("submitted", "under review", dt.date(2026, 8, 10)),
            ("under review", "major revision", dt.date(2026, 11, 20)),
        ]:
            s.add(m.SubmissionEvent(submission_id=sub.id, from_status=frm, to_status=to, on=on))
        other = m.Journal(name="Pain Medicine")
        ms = m.Manuscript(owner_id=seeded.ben, title="Ben's paper")
        s.add_all([other, ms])
        s.flush()
        ben_sub = m.Submission(
            owner_id=seeded.ben,
            manuscript_id=ms.id,
            journal_id=other.id,
            status="under review",
            submitted_on=dt.date(2026, 6, 15),
        )
        s.add(ben_sub)
        s.flush()
        s.add_all(
            [
                m.SubmissionEvent(
                    submission_id=ben_sub.id, to_status="submitted", on=dt.date(2026, 6, 15)
                ),
                m.SubmissionEvent(
                    submission_id=ben_sub.id, to_status="under review", on=dt.date(2026, 7, 1)
                ),
            ]
        )
