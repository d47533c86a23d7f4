"""Privacy between fellows: links, labels, roles as they are now, and an audit trail with no gaps.

Each test goes through the real services on a real SQLite file, with accounts made the
way a director makes them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from scholar_desk.core.services import (
    abstracts,
    accounts,
    audit,
    backups,
    citations,
    comments,
    items,
    submissions,
)
from scholar_desk.core.services.session import SINGLE_USER, Actor

SECRET = "Ann's unpublished opioid-taper cohort"


@dataclasses.dataclass
class Clinic:
    library: Library
    ann: Actor
    ben: Actor
    boss: Actor
    ids: dict[str, int]


@pytest.fixture
def clinic(library: Library) -> Clinic:
    """Ann and Ben are fellows; before login was turned on, the single user linked Ben's
    submission to Ann's manuscript (data entered by a coordinator, say)."""
    ids: dict[str, int] = {}
    with library.transaction() as s:
        for key, given in (("ann", "Ann"), ("ben", "Ben"), ("boss", "Dee")):
            ids[key] = items.create_item(
                s, SINGLE_USER, "person", {"given_name": given, "family_name": "Doe"}
            ).id
        ids["journal"] = items.create_item(s, SINGLE_USER, "journal", {"name": "Pain"}).id
        ids["ann_project"] = items.create_item(
            s, SINGLE_USER, "project", {"title": SECRET, "owner_id": ids["ann"]}
        ).id
        ids["ann_ms"] = items.create_item(
            s, SINGLE_USER, "manuscript", {"title": SECRET, "owner_id": ids["ann"]}
        ).id
        ids["ann_sub"] = items.create_item(
            s,
            SINGLE_USER,
            "submission",
            {"manuscript_id": ids["ann_ms"], "journal_id": ids["journal"], "owner_id": ids["ann"]},
        ).id
        ids["ann_abstract"] = items.create_item(
            s, SINGLE_USER, "abstract", {"title": SECRET, "owner_id": ids["ann"]}
        ).id
        ids["ben_ms"] = items.create_item(
            s,
            SINGLE_USER,
            "manuscript",
            {
                "title": "Ben's manuscript",
                "owner_id": ids["ben"],
                "project_id": ids["ann_project"],
            },
        ).id
        ids["ben_sub"] = items.create_item(
            s,
            SINGLE_USER,
            "submission",
            {"manuscript_id": ids["ann_ms"], "journal_id": ids["journal"], "owner_id": ids["ben"]},
        ).id
        accounts.create_account(s, SINGLE_USER, "boss", "password123", "director", ids["boss"])
        boss = accounts.actor_of(s.scalars(select(m.Account)).one())
        accounts.create_account(s, boss, "ann", "password123", "fellow", ids["ann"])
        accounts.create_account(s, boss, "ben", "password123", "fellow", ids["ben"])
    with library.transaction() as s:
        actors = {n: accounts.login(s, n, "password123") for n in ("ann", "ben", "boss")}
    return Clinic(library, actors["ann"], actors["ben"], actors["boss"], ids)


def _audit_count(s: object) -> int:
    return int(s.scalar(select(func.count()).select_from(m.AuditEvent)) or 0)  # type: ignore[attr-defined]


# Links ----------------------------------------------------------------------------------


def test_a_fellow_cannot_link_to_another_fellows_record(clinic: Clinic) -> None:
    ids = clinic.ids
    with clinic.library.transaction() as s:
        missing = items.create_item
        with pytest.raises(ValidationError) as other:
            missing(
                s,
                clinic.ben,
                "submission",
                {"manuscript_id": ids["ann_ms"], "journal_id": ids["journal"]},
            )
        with pytest.raises(ValidationError) as nowhere:
            missing(s, clinic.ben, "submission", {"manuscript_id": 9999, "journal_id": 1})
        # Someone else's record reads exactly like one that does not exist.
        assert other.value.fields["manuscript_id"] == (
            f"There is no manuscript with id {ids['ann_ms']}."
        )
        assert nowhere.value.fields["manuscript_id"] == "There is no manuscript with id 9999."
        mine = items.create_item(
            s, clinic.ben, "manuscript", {"title": "Ben's second", "article_type": "review"}
        )
        with pytest.raises(ValidationError, match="There is no project with id"):
            items.update_item(
                s, clinic.ben, "manuscript", mine.id, {"project_id": ids["ann_project"]}
            )
        own_project = items.create_item(s, clinic.ben, "project", {"title": "Ben's project"})
        linked = items.update_item(
            s, clinic.ben, "manuscript", mine.id, {"project_id": own_project.id}
        )
        assert linked["project_label"] == "Ben's project"
        before = _audit_count(s)
    with clinic.library.reading() as s:
        assert _audit_count(s) == before
        titles = {r.label for r in items.list_items(s, clinic.ann, "manuscript")}
        assert titles == {SECRET}


def test_unchanged_old_links_do_not_block_other_edits(clinic: Clinic) -> None:
    with clinic.library.transaction() as s:
        saved = items.update_item(
            s, clinic.ben, "manuscript", clinic.ids["ben_ms"], {"notes": "x"}
        )
        assert saved["notes"] == "x"


def test_labels_of_records_the_viewer_may_not_read_never_leave_the_core(clinic: Clinic) -> None:
    ids = clinic.ids
    with clinic.library.reading() as s:
        ms = items.get_item(s, clinic.ben, "manuscript", ids["ben_ms"])
        subs = items.list_items(s, clinic.ben, "submission")
        boss_view = items.get_item(s, clinic.boss, "submission", ids["ben_sub"])
    assert ms["project_id"] is None
    assert ms["project_label"] == items.HIDDEN_LABEL
    assert [r.id for r in subs] == [ids["ben_sub"]]
    assert subs[0]["manuscript_id"] is None
    for record in (ms, *subs):
        assert SECRET not in repr(record)
    # The director reads everything, labels included.
    assert SECRET in boss_view.label
    assert boss_view["manuscript_id"] == ids["ann_ms"]


def test_another_fellows_record_reads_as_missing(clinic: Clinic) -> None:
    ids = clinic.ids
    with clinic.library.transaction() as s:
        with pytest.raises(NotFoundError) as hidden:
            items.get_item(s, clinic.ben, "manuscript", ids["ann_ms"])
        with pytest.raises(NotFoundError) as gone:
            items.get_item(s, clinic.ben, "manuscript", 9999)
        assert hidden.value.user_message == gone.value.user_message.replace(
            "9999", str(ids["ann_ms"])
        )
        with pytest.raises(NotFoundError):
            items.update_item(s, clinic.ben, "manuscript", ids["ann_ms"], {"notes": "mine now"})
        with pytest.raises(NotFoundError):
            items.delete_item(s, clinic.ben, "manuscript", ids["ann_ms"])


def test_resubmission_and_citations_check_the_record_they_link_from(clinic: Clinic) -> None:
    ids = clinic.ids
    with clinic.library.transaction() as s:
        submissions.change_status(s, clinic.ann, ids["ann_sub"], "submitted")
        submissions.change_status(s, clinic.ann, ids["ann_sub"], "withdrawn")
    with clinic.library.transaction() as s:
        with pytest.raises(NotFoundError) as hidden:
            submissions.resubmit(s, clinic.ben, ids["ann_sub"], ids["journal"])
        with pytest.raises(NotFoundError) as gone:
            submissions.resubmit(s, clinic.ben, 9999, ids["journal"])
        assert hidden.value.user_message == gone.value.user_message.replace(
            "9999", str(ids["ann_sub"])
        )
        ref = m.Reference(citation_key="doe2020", title="A work", extra_fields={})
        s.add(ref)
        s.flush()
        with pytest.raises(NotFoundError) as cite_hidden:
            citations.cite(s, clinic.ben, "abstract", ids["ann_abstract"], [ref.id])
        with pytest.raises(NotFoundError) as cite_gone:
            citations.cite(s, clinic.ben, "abstract", 9999, [ref.id])
        assert cite_hidden.value.user_message == cite_gone.value.user_message.replace(
            "9999", str(ids["ann_abstract"])
        )
        assert s.scalar(select(func.count()).select_from(m.ReferenceLink)) == 0
        # The owner may.
        new = submissions.resubmit(s, clinic.ann, ids["ann_sub"], ids["journal"])
        assert new["previous_id"] == ids["ann_sub"]


# Roles as they are now --------------------------------------------------------------------


def test_a_demoted_director_loses_rights_at_the_next_call(clinic: Clinic) -> None:
    with clinic.library.transaction() as s:
        accounts.create_account(s, clinic.boss, "second", "password123", "director")
        second = accounts.login(s, "second", "password123")
        assert len(accounts.list_accounts(s, second)) == 4
        accounts.update_account(s, clinic.boss, "second", role="fellow")
    with clinic.library.transaction() as s:
        # ``second`` is the actor the open window still holds: it says director.
        with pytest.raises(PermissionDeniedError, match="Only a director"):
            accounts.list_accounts(s, second)
        with pytest.raises(PermissionDeniedError):
            audit.query(s, second)
        assert items.list_items(s, second, "manuscript") == []


def test_a_deactivated_account_can_do_nothing(clinic: Clinic) -> None:
    ids = clinic.ids
    with clinic.library.transaction() as s:
        assert items.get_item(s, clinic.ann, "manuscript", ids["ann_ms"]).id == ids["ann_ms"]
        accounts.update_account(s, clinic.boss, "ann", active=False)
    with clinic.library.transaction() as s:
        assert items.list_items(s, clinic.ann, "manuscript") == []
        assert items.list_items(s, clinic.ann, "journal") == []
        with pytest.raises(NotFoundError):
            items.get_item(s, clinic.ann, "manuscript", ids["ann_ms"])
        with pytest.raises(PermissionDeniedError, match="no longer active"):
            items.create_item(s, clinic.ann, "project", {"title": "After hours"})
        with pytest.raises(PermissionDeniedError):
            accounts.change_password(s, clinic.ann, "password123", "password456")


def test_a_fellow_made_mentor_reads_only_mentees(clinic: Clinic) -> None:
    with clinic.library.transaction() as s:
        accounts.update_account(s, clinic.boss, "ben", role="mentor")
        accounts.assign_mentor(s, clinic.boss, "ben", clinic.ids["ann"])
    with clinic.library.transaction() as s:
        seen = {r.id for r in items.list_items(s, clinic.ben, "manuscript")}
        assert seen == {clinic.ids["ann_ms"], clinic.ids["ben_ms"]}
        with pytest.raises(PermissionDeniedError, match="Mentors can read and comment"):
            items.create_item(s, clinic.ben, "project", {"title": "No longer mine to add"})


def test_an_actor_whose_account_id_now_names_someone_else_is_refused(clinic: Clinic) -> None:
    stale = dataclasses.replace(clinic.ann, username="someone-restored-away")
    with clinic.library.reading() as s:
        assert items.list_items(s, stale, "manuscript") == []


# Audit --------------------------------------------------------------------------------------


def test_round_dates_point_order_and_captions_are_audited(clinic: Clinic, tmp_path: Path) -> None:
    ids = clinic.ids
    with clinic.library.transaction() as s:
        rnd = submissions.add_round(s, clinic.ann, ids["ann_sub"], dt.date(2026, 1, 2))
        first = submissions.add_point(s, clinic.ann, rnd.id, "Clarify the methods")
        second = submissions.add_point(s, clinic.ann, rnd.id, "Add a flow chart")
        before = _audit_count(s)
        submissions.update_round(s, clinic.ann, rnd.id, due_on=dt.date(2026, 2, 1))
        assert _audit_count(s) > before
        before = _audit_count(s)
        submissions.reorder_points(s, clinic.ann, rnd.id, [second.id, first.id])
        assert _audit_count(s) > before
        figure = tmp_path / "figure.png"
        Image.new("RGB", (8, 8), "white").save(figure)
        image = abstracts.add_image(s, clinic.ann, ids["ann_abstract"], figure)
        before = _audit_count(s)
        abstracts.set_image_caption(s, clinic.ann, image.id, "Figure 1. Flow")
        assert _audit_count(s) > before
    with clinic.library.reading() as s:
        trail = audit.history(s, clinic.ann, "submission", ids["ann_sub"])
        fields = {e.field for e in trail}
        assert {"round 1 due_on", "revision_due_on", "round 1 point order"} <= fields
        caption = audit.history(s, clinic.ann, "abstract", ids["ann_abstract"])
        assert any(e.new_value == "Figure 1. Flow" for e in caption)


def test_mark_seen_and_unlock_are_audited(clinic: Clinic) -> None:
    with clinic.library.transaction() as s:
        comments.add_comment(s, clinic.boss, "manuscript", clinic.ids["ann_ms"], "Tighten it")
        before = _audit_count(s)
        assert comments.mark_seen(s, clinic.ann) == 1
        assert _audit_count(s) == before + 1
        for _ in range(3):
            accounts.try_login(s, "ben", "wrong password")
        before = _audit_count(s)
        accounts.unlock_account(s, clinic.boss, "ben")
        assert _audit_count(s) == before + 1


@pytest.mark.sqlite_only(reason="the safety copy beside the backup files")
def test_restore_is_audited_and_its_safety_copy_outlives_rotation(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = clinic.library.path
    assert path is not None
    saved = backups.create_backup(clinic.library, clinic.boss)
    result = backups.restore(path, saved.path, clinic.boss)
    assert result.safety_backup is not None
    assert backups.BEFORE_RESTORE in result.safety_backup.name
    with clinic.library.reading() as s:
        events = audit.query(s, clinic.boss, action="restore", kind="database")
    assert len(events) == 1
    assert events[0].actor == "boss"
    assert events[0].new_value == str(saved.path)
    assert events[0].old_value == str(result.safety_backup)
    # Daily backups on later days rotate the others away, never the "before restore" copy.
    start = dt.datetime.now(dt.UTC)
    for day in range(1, 8):
        monkeypatch.setattr(
            "scholar_desk.core.clock.now", lambda day=day: start + dt.timedelta(days=day)
        )
        backups.auto_backup(clinic.library)
    backups.prune(path, 1)
    assert result.safety_backup.exists()
    assert not saved.path.exists()
