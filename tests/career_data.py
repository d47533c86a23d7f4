"""The report's small program (activity_data) with bylines, a journal and a library record,
so a CV shows co-authors, the journal in italics and volume/issue/pages (shared by tests)."""

from __future__ import annotations

import datetime as dt

from activity_data import Seeded, seed_activity
from sqlalchemy import select

from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library


def seed_career(library: Library) -> Seeded:
    """Ana's paper has three authors (Ana second), a published submission and a library
    record; her abstract of the same project has two authors (Ana first)."""
    seeded = seed_activity(library)
    with library.transaction() as s:
        paper = s.scalars(
            select(m.Manuscript).where(m.Manuscript.title == "Genicular RFA at one year")
        ).one()
        kim = m.Person(given_name="Jae-Won", family_name="Kim", kind="collaborator")
        s.add(kim)
        s.flush()
        for pos, pid in enumerate((seeded.mentor, seeded.ana, kim.id), 1):
            s.add(m.ManuscriptAuthor(manuscript_id=paper.id, person_id=pid, position=pos))
        s.add(
            m.Submission(
                owner_id=seeded.ana,
                manuscript_id=paper.id,
                journal_id=seeded.journal,
                status="published",
                submitted_on=dt.date(2026, 1, 10),
            )
        )
        s.add(
            m.Reference(
                citation_key="lind2026",
                title="Genicular RFA at one year",
                journal="Reg Anesth Pain Med",
                year=2026,
                volume="51",
                issue="7",
                pages="455-462",
                pmid="40000001",
                extra_fields={},
            )
        )
        abstract = s.scalars(
            select(m.Abstract).where(m.Abstract.title == "Genicular RFA: durable relief")
        ).one()
        for pos, pid in enumerate((seeded.ana, seeded.mentor), 1):
            s.add(
                m.AbstractAuthor(
                    abstract_id=abstract.id, person_id=pid, position=pos, presenting=pos == 1
                )
            )
    return seeded


PASSWORD = "password123"


def add_accounts(library: Library, seeded: Seeded) -> None:
    """A director (Dee), a mentor (Sara Lind, Ana's mentor) and the two fellows."""
    from scholar_desk.core.services import accounts
    from scholar_desk.core.services.session import SINGLE_USER

    with library.transaction() as s:
        dee = m.Person(given_name="Dee", family_name="Chair", kind="faculty")
        s.add(dee)
        s.flush()
        accounts.create_account(s, SINGLE_USER, "dee", PASSWORD, "director", dee.id)
        boss = accounts.login(s, "dee", PASSWORD)
        accounts.create_account(s, boss, "sara", PASSWORD, "mentor", seeded.mentor)
        accounts.create_account(s, boss, "ana", PASSWORD, "fellow", seeded.ana)
        accounts.create_account(s, boss, "ben", PASSWORD, "fellow", seeded.ben)
        accounts.assign_mentor(s, boss, "sara", seeded.ana)
