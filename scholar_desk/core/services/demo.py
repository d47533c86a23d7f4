"""A realistic pain-medicine demo, read from ``resources/demo/demo.toml``.

The file holds the content; this loader builds it through the services a person would
use (items, submission moves, revision rounds, abstracts, mentors, the reference
import, citations, accounts), so the demo can never hold a state the services would
refuse. Days in the file count from ``today``; each dated step runs on its own day (the
service clock is set to it), so what the services date themselves (a status change, a
submission's first event) carries the day the story says.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.db.base import Base
from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.formats import bibtex
from scholar_desk.core.formats.bar_chart import bar_chart_png
from scholar_desk.core.formats.results_table import ResultsTable
from scholar_desk.core.services import (
    abstract_table,
    abstracts,
    accounts,
    catalog,
    citations,
    items,
    projects,
    references,
    submissions,
)
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.session import Actor

DEMO_ACTOR = Actor(username="demo")
_DATA = "demo/demo.toml"


def fill(session: Session, *, today: dt.date | None = None) -> str:
    """Fill an empty database with the demo and return a one-line summary.

    Raises:
        ScholarDeskError: The database already holds projects.
    """
    if session.scalar(select(func.count()).select_from(m.Project)):
        raise ScholarDeskError(
            "This database already has projects; the demo fills only an empty database. "
            "Use --db with a new file name."
        )
    data = tomllib.loads(_resource(_DATA))
    builder = _Demo(session, today or clock.today(), data)
    builder.build()
    audit(session, DEMO_ACTOR, "create", "demo", None, "", None, "demo data")
    return (
        f"Demo ready: {builder.count(m.Person)} people, {builder.count(m.Project)} projects, "
        f"{builder.count(m.Manuscript)} manuscripts, {builder.count(m.Submission)} submissions, "
        f"{builder.count(m.Abstract)} abstracts, {builder.count(m.Reference)} references."
    )


def _resource(name: str) -> str:
    files = importlib.resources.files("scholar_desk.resources")
    return files.joinpath(name).read_text(encoding="utf-8")


class _Demo:
    """Builds the file's entries in order; ``ids`` maps each entry's key to its record."""

    def __init__(self, session: Session, today: dt.date, data: Mapping[str, Any]) -> None:
        self.s = session
        self.today = today
        self.data = data
        self.ids: dict[tuple[str, str], int] = {}
        self.actors: dict[str, Actor] = {}
        self.owners: dict[int, Actor] = {}

    def count(self, model: type[Base]) -> int:
        return int(self.s.scalar(select(func.count()).select_from(model)) or 0)

    def d(self, offset: int | None) -> dt.date | None:
        return None if offset is None else self.today + dt.timedelta(days=offset)

    @contextmanager
    def on(self, offset: int) -> Iterator[None]:
        """Run the services on that day (noon, local time)."""
        moment = dt.datetime.combine(self.today + dt.timedelta(days=offset), dt.time(12))
        with clock.fixed(moment.astimezone(dt.UTC)):
            yield

    def id(self, kind: str, key: str | None) -> int | None:
        return None if key is None else self.ids[(kind, key)]

    def actor(self, owner: str) -> Actor:
        """Who does a fellow's work: their account name goes on events and the audit trail."""
        return self.actors.get(owner, DEMO_ACTOR)

    def create(self, kind: str, key: str | None, actor: Actor, values: Mapping[str, Any]) -> int:
        record = items.create_item(self.s, actor, kind, values)
        if key is not None:
            self.ids[(kind, key)] = record.id
        return record.id

    def build(self) -> None:
        self.make_people()
        self.make_catalog()
        for project in self.data["project"]:
            self.make_project(project)
        for manuscript in self.data["manuscript"]:
            self.make_manuscript(manuscript)
        for submission in self.data["submission"]:
            self.make_submission(submission)
        for abstract in self.data["abstract"]:
            self.make_abstract(abstract)
        for talk in self.data["presentation"]:
            self.make_presentation(talk)
        for deadline in self.data["deadline"]:
            owner = deadline["owner"]
            self.create(
                "deadline",
                None,
                self.actor(owner),
                {
                    "owner_id": self.id("person", owner),
                    "title": deadline["title"],
                    "kind": deadline["kind"],
                    "due_on": self.d(deadline["due"]),
                },
            )
        self.import_references()
        self.make_accounts()

    def make_people(self) -> None:
        fields = ("given_name", "family_name", "degrees", "kind", "affiliations", "email", "orcid")
        for person in self.data["person"]:
            values = {name: person[name] for name in fields if name in person}
            person_id = self.create("person", person["key"], DEMO_ACTOR, values)
            if "account" in person:
                actor = Actor(person["account"], person_id=person_id)
                self.actors[person["key"]] = self.owners[person_id] = actor
        # Disclosures have no service of their own: they are rows of their person.
        for disclosure in self.data["disclosure"]:
            self.s.add(
                m.Disclosure(
                    person_id=self.id("person", disclosure["person"]),
                    company=disclosure["company"],
                    relationship_kind=disclosure["relationship"],
                    start_date=self.d(disclosure["start"]),
                    end_date=self.d(disclosure.get("end")),
                )
            )
        self.s.flush()

    def make_catalog(self) -> None:
        catalog.load_starter_catalog(self.s, DEMO_ACTOR)
        for name in self.data["catalog"]["journals"]:
            found = self.s.scalar(select(m.Journal.id).where(m.Journal.name == name))
            if found is None:
                found = self.create(
                    "journal", None, DEMO_ACTOR, {"name": name, "is_example": True}
                )
            self.ids[("journal", name)] = found
        for conf in self.data["conference"]:
            starts = conf["starts"]
            deadline = starts - 120 if starts < 0 else conf["deadline"]
            values = {
                "scope": conf["scope"],
                "location": conf["location"],
                "starts_on": self.d(starts),
                "ends_on": self.d(starts + 3),
                "deadline_timezone": conf["timezone"],
                # 23:59 on the day, a wall-clock time: the item service places it.
                "abstract_deadline": dt.datetime.combine(
                    self.today + dt.timedelta(days=deadline), dt.time(23, 59)
                ),
                "registration_deadline": self.d(starts - 21),
                "eposter_deadline": self.d(starts - 7),
            }
            found = self.s.scalar(
                select(m.Conference.id).where(
                    (m.Conference.acronym == conf["acronym"]) | (m.Conference.name == conf["name"])
                )
            )
            if found is None:
                new = {"name": conf["name"], "acronym": conf["acronym"]}
                new |= {"limit_unit": conf["limit_unit"], "body_limit": conf["body_limit"]}
                self.create("conference", conf["key"], DEMO_ACTOR, new | values)
            else:
                items.update_item(self.s, DEMO_ACTOR, "conference", found, values)
                self.ids[("conference", conf["key"])] = found

    def make_project(self, project: Mapping[str, Any]) -> None:
        owner = project["owner"]
        irb = [*project.get("irb", ()), None, None, None][:3]
        values = {
            "owner_id": self.id("person", owner),
            "title": project["title"],
            "kind": project["kind"],
            "status": project["status"],
            "started_on": self.d(project["started"]),
            "irb_number": irb[0] or "",
            "irb_approved_on": self.d(irb[1]),
            "irb_expires_on": self.d(irb[2]),
        }
        # Its status was last set a third of the way from its start to today.
        with self.on(project["started"] // 3):
            project_id = self.create("project", project["key"], self.actor(owner), values)
        mentors = [self.ids[("person", key)] for key in project.get("mentors", ())]
        if mentors:
            projects.set_project_mentors(self.s, self.actor(owner), project_id, mentors)

    def make_manuscript(self, manuscript: Mapping[str, Any]) -> None:
        owner = manuscript["owner"]
        values = {
            "owner_id": self.id("person", owner),
            "project_id": self.id("project", manuscript.get("project")),
            "title": manuscript["title"],
            "article_type": manuscript.get("article_type", "original research"),
            "word_count": manuscript.get("word_count"),
            "pmid": manuscript.get("pmid", ""),
            "doi": manuscript.get("doi", ""),
            "published_on": self.d(manuscript.get("published")),
        }
        ms_id = self.create("manuscript", manuscript["key"], self.actor(owner), values)
        authors: Sequence[str] = manuscript["authors"]
        byline = [
            (self.ids[("person", key)], n == 1, n == len(authors) and len(authors) > 1)
            for n, key in enumerate(authors, start=1)
        ]
        submissions.set_manuscript_authors(self.s, self.actor(owner), ms_id, byline)

    def make_submission(self, sub: Mapping[str, Any]) -> None:
        manuscript = self.s.get(m.Manuscript, self.id("manuscript", sub["manuscript"]))
        assert manuscript is not None  # made just above from the same file
        actor = self.owners.get(manuscript.owner_id or 0, DEMO_ACTOR)
        # Entered after the fact: created in its first status on that day, then moved.
        (first, day), *moves = sub["moves"]
        values = {
            "manuscript_id": manuscript.id,
            "journal_id": self.ids[("journal", sub["journal"])],
            "manuscript_number": sub["number"],
            "previous_id": self.id("submission", sub.get("previous")),
            "status": first,
            "submitted_on": self.d(day) if first == "submitted" else None,
        }
        with self.on(day):
            sub_id = self.create("submission", sub["key"], actor, values)
        for status, offset, *due in moves:
            with self.on(offset):
                submissions.change_status(
                    self.s,
                    actor,
                    sub_id,
                    status,
                    self.d(offset),
                    revision_due_on=self.d(due[0]) if due else None,
                )
        if "points_done" in sub:
            self.review(actor, sub_id, sub.get("round_due"), sub["points_done"])

    def review(self, actor: Actor, sub_id: int, due: int | None, done: Sequence[bool]) -> None:
        """The reviewers' points in the round the revision decision opened."""
        round_id = submissions.rounds(self.s, actor, sub_id)[-1].id
        if due is not None:
            submissions.update_round(self.s, actor, round_id, due_on=self.d(due))
        for point, is_done in zip(self.data["review_point"], done, strict=True):
            made = submissions.add_point(
                self.s,
                actor,
                round_id,
                point["comment"],
                reviewer=point["reviewer"],
                response=point["response"],
                change_location=point["where"],
            )
            if is_done:
                submissions.update_point(self.s, actor, made.id, done=True)

    def make_abstract(self, abstract: Mapping[str, Any]) -> None:
        owner = abstract["owner"]
        actor = self.actor(owner)
        values = {
            "owner_id": self.id("person", owner),
            "project_id": self.id("project", abstract["project"]),
            "conference_id": self.id("conference", abstract["conference"]),
            "title": abstract["title"],
            "status": abstract["status"],
            "submitted_on": self.d(abstract.get("submitted")),
            "presentation_date": self.d(abstract.get("presented")),
            "presentation_slot": abstract.get("slot", ""),
            "link_url": abstract.get("link_url", ""),
        }
        abstract_id = self.create("abstract", abstract["key"], actor, values)
        abstracts.save_sections(self.s, actor, abstract_id, self.sections(abstract))
        authors: Sequence[str] = abstract["authors"]
        byline = [(self.ids[("person", key)], n == 1) for n, key in enumerate(authors, start=1)]
        abstracts.set_abstract_authors(self.s, actor, abstract_id, byline)
        if "table" in abstract:
            table = self.data["tables"][abstract["table"]]
            rows = tuple(tuple(row) for row in table["rows"])
            abstract_table.set_table(
                self.s, actor, abstract_id, ResultsTable(rows, table.get("caption", ""))
            )
        if "chart" in abstract:
            chart = self.data["charts"][abstract["chart"]]
            png = bar_chart_png(chart["labels"], chart["values"], top=chart["top"])
            name = f"{abstract['chart']}-figure1.png"
            abstracts.add_image_data(self.s, actor, abstract_id, png, name, chart["caption"])

    def sections(self, abstract: Mapping[str, Any]) -> list[tuple[str, str]]:
        texts = self.data["sections"]
        if "sections" in abstract:
            return [(heading, body) for heading, body in texts[abstract["sections"]]]
        topic = abstract["title"].split(":")[0]
        topic = topic[0].lower() + topic[1:]
        return [(heading, body.format(topic=topic)) for heading, body in texts["template"]]

    def make_presentation(self, talk: Mapping[str, Any]) -> None:
        owner = talk["owner"]
        values = {
            "owner_id": self.id("person", owner),
            "project_id": self.id("project", talk.get("project")),
            "title": talk["title"],
            "kind": talk["kind"],
            "scope": talk["scope"],
            "venue": talk["venue"],
            "presented_on": self.d(talk["on"]),
            "length_minutes": talk["minutes"],
            "audience": self.data["presentations"]["audience"],
        }
        self.create("presentation", None, self.actor(owner), values)

    def import_references(self) -> None:
        spec = self.data["references"]
        name = f"demo/{spec['file']}"
        parsed = bibtex.parse_text(_resource(name), source=name)
        # Login is still off here (make_accounts runs last), so the role-less demo actor
        # has full control.
        references.import_parsed(self.s, DEMO_ACTOR, [parsed], tags=spec["tags"])
        by_key = {r.citation_key: r.id for r in self.s.scalars(select(m.Reference))}
        for citation in self.data["citation"]:
            kind = "abstract" if "abstract" in citation else "project"
            target = self.ids[(kind, citation[kind])]
            wanted = [by_key[key] for key in citation["keys"] if key in by_key]
            citations.cite(self.s, DEMO_ACTOR, kind, target, wanted)

    def make_accounts(self) -> None:
        spec = self.data["accounts"]
        fellows = [self.ids[("person", key)] for key in spec["fellows"]]
        accounts.create_demo_accounts(
            self.s,
            fellows[0],
            fellows[1],
            self.ids[("person", spec["mentor"])],
            self.ids[("person", spec["director"])],
        )
