"""Every write to the reference library is in the audit trail, with who and what."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select, text

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import AuditEvent
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.session import SINGLE_USER

BIB = """@article{Smith2020, author = {Smith, John}, title = {Knee pain}, journal = {Pain},
  year = 2020, doi = {10.1000/a}}
@article{Smith2020b, author = {Smith, John}, title = {Knee pain}, journal = {Pain},
  year = 2020, doi = {10.1000/a}}
@article{Doe2019, author = {Doe, Jane}, title = {Nerve blocks}, journal = {Anesthesiology},
  year = 2019}
"""


def _events(library: Library) -> list[tuple[str, int | None, str, str | None, str | None]]:
    with library.reading() as s:
        rows = s.scalars(
            select(AuditEvent).where(AuditEvent.kind == "reference").order_by(AuditEvent.id)
        ).all()
        return [(e.action, e.record_id, e.field, e.old_value, e.new_value) for e in rows]


def test_reference_writes_are_audited(library: Library, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    with library.transaction() as s:
        svc.import_files(s, SINGLE_USER, [bib], dry_run=True)
    assert _events(library) == []  # a dry run writes nothing, not even to the trail
    with library.transaction() as s:
        report = svc.import_files(s, SINGLE_USER, [bib], on_duplicate="keep")
    ((action, record, _, _, text),) = _events(library)
    assert (action, record) == ("import", None)
    assert "Imported 3" in text
    assert "refs.bib" in text
    with library.reading() as s:
        ids = svc.reference_ids(s, SINGLE_USER)
        detail = svc.get_reference(s, SINGLE_USER, ids[0])
    with library.transaction() as s:
        svc.update_reference(
            s, SINGLE_USER, detail.id, detail.version, {"title": "Knee pain, revisited"}
        )
        svc.set_tags(s, SINGLE_USER, detail.id, ["knee"])
        keys = svc.regenerate_keys(s, SINGLE_USER, [detail.id], "{author}{year}{title}")
        merged = svc.merge_exact_duplicates(s, SINGLE_USER)
    with library.reading() as s:
        remaining = svc.reference_ids(s, SINGLE_USER)
        doomed = svc.get_reference(s, SINGLE_USER, remaining[0]).ref
    with library.transaction() as s:
        svc.delete_references(s, SINGLE_USER, remaining[:1])
    events = _events(library)[1:]
    assert events[0] == ("update", detail.id, "title", detail.ref.title, "Knee pain, revisited")
    assert events[1] == ("update", detail.id, "tags", "", "knee")
    assert keys[detail.id] != detail.ref.citation_key
    assert events[2] == (
        "update",
        detail.id,
        "citation_key",
        detail.ref.citation_key,
        keys[detail.id],
    )
    actions = [e[0] for e in events]
    assert actions[3:] == (["merge"] if merged.removed else []) + ["delete"]
    assert events[-1] == (
        "delete",
        remaining[0],
        "",
        f"{doomed.citation_key}: {doomed.title}",
        None,
    )
    assert report.imported == 3


def test_a_bulk_delete_and_its_restore_write_one_event_per_reference(
    library: Library, tmp_path: Path
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    with library.transaction() as s:
        svc.import_files(s, SINGLE_USER, [bib], on_duplicate="keep")
    with library.reading() as s:
        ids = sorted(svc.reference_ids(s, SINGLE_USER))
        labels = [
            f"{ref.citation_key}: {ref.title}"
            for ref in (svc.get_reference(s, SINGLE_USER, i).ref for i in ids)
        ]
    moment = dt.datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=dt.UTC)
    with clock.fixed(moment), library.transaction() as s:
        deleted = svc.delete_references_undoably(s, SINGLE_USER, ids)
    with clock.fixed(moment), library.transaction() as s:
        back = svc.restore_references(s, SINGLE_USER, deleted)
    events = _events(library)[1:]
    assert events == [
        ("delete", i, "", label, None) for i, label in zip(ids, labels, strict=True)
    ] + [("restore", back[i], "", None, label) for i, label in zip(ids, labels, strict=True)]
    with library.reading() as s:
        stamps = s.scalars(select(AuditEvent.at).where(AuditEvent.action != "import")).all()
        # The text SQLite holds is the ORM DateTime's, as when events were added as objects.
        stored = s.scalars(
            text("SELECT CAST(at AS TEXT) FROM audit_events WHERE action != 'import'")
        ).all()
    assert stamps == [moment] * 6
    assert set(stored) == {"2026-03-04 05:06:07.000089"}
