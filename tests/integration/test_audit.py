"""The audit trail: every create, update and delete is recorded; nothing can change it."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import delete, text, update

from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import PermissionDeniedError
from scholar_desk.core.services import accounts, audit, comments, items, kinds
from scholar_desk.core.services.session import SINGLE_USER, Actor


def _sample(kind: kinds.Kind, n: int, session: object) -> dict[str, object]:
    raw: dict[str, object] = {}
    for spec in kind.fields:
        if spec.required and spec.type in ("text", "multiline"):
            raw[spec.name] = f"{kind.name} {n}"
        elif spec.required and spec.type == "choice":
            raw[spec.name] = spec.choices[0]
        elif spec.required and spec.type == "date":
            raw[spec.name] = "2026-02-01"
    return raw


@pytest.fixture
def sample_ids(library: Library) -> dict[str, int]:
    with library.transaction() as s:
        manuscript = items.create_item(s, SINGLE_USER, "manuscript", {"title": "M"})
        journal = items.create_item(s, SINGLE_USER, "journal", {"name": "J"})
    return {"manuscript": manuscript.id, "journal": journal.id}


@pytest.mark.parametrize("kind_name", sorted(kinds.KINDS))
def test_create_update_delete_are_recorded(
    library: Library, sample_ids: dict[str, int], kind_name: str
) -> None:
    kind = kinds.get_kind(kind_name)
    raw = _sample(kind, 1, None)
    if kind_name == "submission":
        raw.update(manuscript_id=sample_ids["manuscript"], journal_id=sample_ids["journal"])
    editable = next(f.name for f in kind.fields if f.name == "notes")
    with library.transaction() as s:
        record = items.create_item(s, SINGLE_USER, kind_name, raw)
        items.update_item(s, SINGLE_USER, kind_name, record.id, {editable: "first note"})
        items.update_item(s, SINGLE_USER, kind_name, record.id, {editable: "second note"})
        items.delete_item(s, SINGLE_USER, kind_name, record.id)
    with library.reading() as s:
        events = audit.query(s, SINGLE_USER, kind=kind_name, record_id=record.id)
    trail = [(e.action, e.field, e.old_value, e.new_value) for e in reversed(events)]
    assert trail[0][0] == "create"
    assert trail[1] == ("update", editable, "", "first note")
    assert trail[2] == ("update", editable, "first note", "second note")
    assert trail[3][0] == "delete"
    assert all(e.actor == "me" for e in events)
    assert all(e.at is not None and e.at.tzinfo is not None for e in events)


def test_unchanged_save_writes_no_event(library: Library) -> None:
    with library.transaction() as s:
        record = items.create_item(s, SINGLE_USER, "project", {"title": "P", "notes": "n"})
        items.update_item(s, SINGLE_USER, "project", record.id, {"notes": "n"})
    with library.reading() as s:
        assert [e.action for e in audit.query(s, SINGLE_USER, kind="project")] == ["create"]


def test_filters(library: Library) -> None:
    with library.transaction() as s:
        project = items.create_item(s, SINGLE_USER, "project", {"title": "Pain study"})
        items.update_item(s, SINGLE_USER, "project", project.id, {"notes": "needle in notes"})
        comments.add_comment(s, SINGLE_USER, "project", project.id, "looks good")
    with library.reading() as s:
        assert {e.kind for e in audit.query(s, SINGLE_USER)} == {"project", "comment"}
        assert len(audit.query(s, SINGLE_USER, text="needle")) == 1
        assert len(audit.query(s, SINGLE_USER, action="update")) == 1
        assert audit.query(s, SINGLE_USER, user="nobody") == []
        assert len(audit.query(s, SINGLE_USER, limit=1)) == 1
        facets = audit.facets(s, SINGLE_USER)
        assert facets.users == ("me",)
        assert facets.total == 3
        assert [e.action for e in audit.history(s, SINGLE_USER, "project", project.id)] == [
            "create",
            "update",
        ]


def test_audit_service_has_no_way_to_change_events() -> None:
    public = {n for n in vars(audit) if not n.startswith("_")}
    assert not {n for n in public if n.startswith(("update", "delete", "remove", "edit", "set"))}


def test_trigger_rejects_update_and_delete_through_the_orm(library: Library) -> None:
    with library.transaction() as s:
        items.create_item(s, SINGLE_USER, "journal", {"name": "J"})
    with pytest.raises(Exception, match="append-only"), library.transaction() as s:
        s.execute(update(m.AuditEvent).values(actor="mallory"))
    with pytest.raises(Exception, match="append-only"), library.transaction() as s:
        s.execute(delete(m.AuditEvent))
    with pytest.raises(Exception, match="append-only"), library.transaction() as s:
        s.execute(text("DELETE FROM audit_events"))
    with library.reading() as s:
        events = audit.query(s, SINGLE_USER)
    assert [e.actor for e in events] == ["me"]


@pytest.mark.sqlite_only(reason="a raw sqlite3 connection to the file")
def test_trigger_rejects_raw_sqlite(library: Library) -> None:
    with library.transaction() as s:
        items.create_item(s, SINGLE_USER, "journal", {"name": "J"})
    assert library.path is not None
    raw = sqlite3.connect(library.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("UPDATE audit_events SET new_value = 'forged'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("DELETE FROM audit_events")
        raw.rollback()
        assert raw.execute("SELECT count(*) FROM audit_events").fetchone() == (1,)
    finally:
        raw.close()


def test_only_director_reads_the_trail(library: Library) -> None:
    with library.transaction() as s:
        person = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "A", "family_name": "B"}
        )
        accounts.create_account(s, SINGLE_USER, "boss", "password123", "director")
        accounts.create_account(s, SINGLE_USER, "fel", "password123", "fellow", person.id)
    with library.transaction() as s:
        boss = accounts.login(s, "boss", "password123")
        fellow = accounts.login(s, "fel", "password123")
    with library.reading() as s:
        assert audit.query(s, boss)
        with pytest.raises(PermissionDeniedError):
            audit.query(s, fellow)
        with pytest.raises(PermissionDeniedError):
            audit.query(s, Actor("me"))
