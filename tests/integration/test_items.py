"""The generic item service: validation, transitions, conflicts, audit and undo of deletes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import (
    AuditEvent,
    Manuscript,
    Person,
    Project,
    Submission,
    SubmissionEvent,
)
from scholar_desk.core.errors import ConflictError, NotFoundError, ValidationError
from scholar_desk.core.records import Record
from scholar_desk.core.services import items
from scholar_desk.core.services.session import SINGLE_USER

ME = SINGLE_USER


def _fellow(library: Library) -> Record:
    with library.transaction() as s:
        return items.create_item(
            s, ME, "person", {"given_name": "Maya", "family_name": "Patel", "kind": "fellow"}
        )


def _submission(library: Library) -> Record:
    fellow = _fellow(library)
    with library.transaction() as s:
        ms = items.create_item(s, ME, "manuscript", {"title": "GNRFA", "owner_id": fellow.id})
        journal = items.create_item(s, ME, "journal", {"name": "PAIN"})
        return items.create_item(
            s, ME, "submission", {"manuscript_id": ms.id, "journal_id": journal.id}
        )


def test_create_reads_back_with_labels(library: Library) -> None:
    fellow = _fellow(library)
    with library.transaction() as s:
        project = items.create_item(
            s,
            ME,
            "project",
            {
                "title": "GNRFA outcomes",
                "kind": "clinical study",
                "owner_id": fellow.id,
                "irb_expires_on": "2027-06-30",
            },
        )
    with library.reading() as s:
        again = items.get_item(s, ME, "project", project.id)
    assert again["title"] == "GNRFA outcomes"
    assert again["status"] == "idea"
    assert again["irb_expires_on"] == dt.date(2027, 6, 30)
    assert again["owner_label"] == "Maya Patel"
    assert again.to_json()["irb_expires_on"] == "2027-06-30"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": "", "kind": "education"}, "title", "required"),
        ({"title": "X", "kind": "astrology"}, "kind", "Choose one of"),
        (
            {"title": "X", "kind": "education", "irb_approved_on": "2026-13-45"},
            "irb_approved_on",
            "not a date",
        ),
        (
            {
                "title": "X",
                "kind": "education",
                "irb_approved_on": "2026-05-01",
                "irb_expires_on": "2026-04-01",
            },
            "irb_expires_on",
            "after its approval",
        ),
        ({"title": "X", "kind": "education", "owner_id": 999}, "owner_id", "no person"),
    ],
)
def test_invalid_input_names_the_field_and_writes_nothing(
    library: Library, values: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught, library.transaction() as s:
        items.create_item(s, ME, "project", values)
    assert message in caught.value.fields[field]
    with library.reading() as s:
        assert s.scalars(select(Project)).all() == []


def test_person_email_and_orcid_are_checked(library: Library) -> None:
    with pytest.raises(ValidationError) as caught, library.transaction() as s:
        items.create_item(
            s,
            ME,
            "person",
            {"given_name": "A", "family_name": "B", "email": "nope", "orcid": "123"},
        )
    assert set(caught.value.fields) == {"email", "orcid"}


def test_submission_moves_only_along_allowed_transitions_and_logs_events(
    library: Library,
) -> None:
    sub = _submission(library)
    with library.transaction() as s:
        items.update_item(s, ME, "submission", sub.id, {"status": "submitted"})
    with pytest.raises(ValidationError) as caught, library.transaction() as s:
        items.update_item(s, ME, "submission", sub.id, {"status": "published"})
    assert "can move only to" in caught.value.fields["status"]
    with library.transaction() as s:
        items.update_item(s, ME, "submission", sub.id, {"status": "under review"})
        items.update_item(s, ME, "submission", sub.id, {"status": "rejected"})
    with pytest.raises(ValidationError) as caught, library.transaction() as s:
        items.update_item(s, ME, "submission", sub.id, {"status": "under review"})
    assert "new submission" in caught.value.fields["status"]
    with library.reading() as s:
        events = s.scalars(
            select(SubmissionEvent)
            .where(SubmissionEvent.submission_id == sub.id)
            .order_by(SubmissionEvent.id)
        ).all()
        stored = items.get_item(s, ME, "submission", sub.id)
    assert [e.to_status for e in events] == ["draft", "submitted", "under review", "rejected"]
    assert all(e.by == "me" for e in events)
    assert stored["submitted_on"] is not None
    assert stored["decided_on"] is not None


def test_decision_before_submission_is_refused(library: Library) -> None:
    sub = _submission(library)
    with pytest.raises(ValidationError) as caught, library.transaction() as s:
        items.update_item(
            s,
            ME,
            "submission",
            sub.id,
            {"submitted_on": "2026-05-01", "decided_on": "2026-04-01"},
        )
    assert "before the submission" in caught.value.fields["decided_on"]


def test_stale_version_is_a_conflict_with_both_sides(library: Library) -> None:
    fellow = _fellow(library)
    with library.transaction() as s:
        first = items.update_item(
            s, ME, "person", fellow.id, {"degrees": "MD"}, expected_version=fellow.version
        )
    with pytest.raises(ConflictError) as caught, library.transaction() as s:
        items.update_item(
            s, ME, "person", fellow.id, {"degrees": "DO"}, expected_version=fellow.version
        )
    assert caught.value.theirs["degrees"] == "MD"
    assert caught.value.mine == {"degrees": "DO"}
    assert caught.value.theirs_version == first.version


def test_every_change_is_audited_with_old_and_new(library: Library) -> None:
    fellow = _fellow(library)
    with library.transaction() as s:
        items.update_item(s, ME, "person", fellow.id, {"degrees": "MD", "email": "m@x.org"})
    with library.reading() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.kind == "person")).all()
    updates = {e.field: (e.old_value, e.new_value) for e in events if e.action == "update"}
    assert updates == {"degrees": ("", "MD"), "email": ("", "m@x.org")}
    assert [e.action for e in events].count("create") == 1


def test_delete_then_restore_gives_back_children_and_links(library: Library) -> None:
    fellow = _fellow(library)
    mentor = _fellow(library)
    with library.transaction() as s:
        project = items.create_item(
            s, ME, "project", {"title": "SCS", "kind": "education", "owner_id": fellow.id}
        )
        stored = s.get(Project, project.id)
        stored.mentors.append(s.get(Person, mentor.id))
        ms = items.create_item(
            s, ME, "manuscript", {"title": "SCS case series", "project_id": project.id}
        )
    with library.transaction() as s:
        snapshot = items.delete_item(s, ME, "project", project.id)
    with library.reading() as s:
        assert s.get(Project, project.id) is None
        assert s.get(Manuscript, ms.id).project_id is None
    with library.transaction() as s:
        items.restore_item(s, ME, snapshot)
    with library.reading() as s:
        restored = s.get(Project, project.id)
        assert restored.title == "SCS"
        assert [p.id for p in restored.mentors] == [mentor.id]
        assert s.get(Manuscript, ms.id).project_id == project.id


def test_deleting_a_manuscript_takes_its_submissions_and_undo_brings_them_back(
    library: Library,
) -> None:
    sub = _submission(library)
    with library.transaction() as s:
        items.update_item(s, ME, "submission", sub.id, {"status": "submitted"})
    with library.reading() as s:
        events_before = len(list(s.scalars(select(SubmissionEvent.id))))
    with library.transaction() as s:
        snapshot = items.delete_item(s, ME, "manuscript", sub["manuscript_id"])
    with library.reading() as s:
        assert s.get(Manuscript, sub["manuscript_id"]) is None
        assert s.get(Submission, sub.id) is None
        assert list(s.scalars(select(SubmissionEvent.id))) == []
    with library.transaction() as s:
        items.restore_item(s, ME, snapshot)
    with library.reading() as s:
        restored = s.get(Submission, sub.id)
        assert restored is not None
        assert restored.status == "submitted"
        assert len(list(s.scalars(select(SubmissionEvent.id)))) == events_before


def test_journal_in_use_cannot_be_deleted(library: Library) -> None:
    sub = _submission(library)
    with pytest.raises(ValidationError, match="still used"), library.transaction() as s:
        items.delete_item(s, ME, "journal", sub["journal_id"])


def test_missing_record_is_not_found(library: Library) -> None:
    with pytest.raises(NotFoundError, match="no project with id 42"), library.reading() as s:
        items.get_item(s, ME, "project", 42)
