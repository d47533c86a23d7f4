"""Taking library writes back on a real SQLite file: deletes, imports, merges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import AuditEvent, BibBlock, Reference, ReferenceLink, Tag
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.services import citations, items
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.session import SINGLE_USER

LIBRARY = """@string{pm = {Pain Medicine}}
@article{Smith2020,
  author = {Smith, John and Lee, Kim},
  title = {Chronic postsurgical pain after knee replacement},
  journal = pm, year = {2020}, doi = {10.1000/PM.1}, note = {kept verbatim}}
@article{Other2019,
  author = {Doe, Jane},
  title = {Ultrasound-guided nerve blocks in the emergency department},
  journal = {Anesthesiology}, year = {2019}}
@article{Third2018,
  author = {Roe, Rick},
  title = {Opioid tapering in primary care},
  journal = {JAMA}, year = {2018}}
"""

INCOMING = """@preamble{"\\newcommand{\\noop}[1]{}"}
@article{Smith2020dup,
  author = {Smith, John and Lee, Kim},
  title = {Chronic postsurgical pain after knee replacement},
  journal = {Pain Medicine}, year = {2020}, doi = {10.1000/pm.1}, pmid = {999}, volume = {21}}
@article{Fresh2022,
  author = {New, Nora},
  title = {Spinal cord stimulation for painful diabetic neuropathy},
  journal = {Diabetes Care}, year = {2022}}
"""


def _state(library: Library) -> dict[str, Any]:
    """Everything a user could see of the library, ids included."""
    with library.reading() as s:
        refs = {
            r.id: (
                r.citation_key,
                r.title,
                r.pmid,
                r.volume,
                r.journal,
                dict(r.extra_fields),
                sorted(t.name for t in r.tags),
                r.tags_text,
            )
            for r in s.scalars(select(Reference))
        }
        links = sorted(
            (link.reference_id, link.target_kind, link.target_id, link.position)
            for link in s.scalars(select(ReferenceLink))
        )
        tags = sorted(s.scalars(select(Tag.name)))
        blocks = sorted(s.scalars(select(BibBlock.text)))
        found = sorted(svc.matching_ids(s, SINGLE_USER, "knee") or [])
    return {"refs": refs, "links": links, "tags": tags, "blocks": blocks, "search": found}


def _seed(library: Library, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / "library.bib"
    path.write_text(LIBRARY, encoding="utf-8")
    with library.transaction() as s:
        svc.import_files(s, SINGLE_USER, [path], tags=["knee", "review"])
        ids = dict(s.execute(select(Reference.citation_key, Reference.id)).all())
        project = items.create_item(s, SINGLE_USER, "project", {"title": "Knee pain study"})
        abstract = items.create_item(s, SINGLE_USER, "abstract", {"title": "Knee abstract"})
        citations.cite(s, SINGLE_USER, "project", project.id, [ids["Smith2020"], ids["Other2019"]])
        citations.cite(s, SINGLE_USER, "abstract", abstract.id, [ids["Smith2020"]])
    return ids


def test_deleted_references_come_back_exactly(library: Library, tmp_path: Path) -> None:
    ids = _seed(library, tmp_path)
    before = _state(library)
    with library.transaction() as s:
        deleted = svc.delete_references_undoably(
            s, SINGLE_USER, [ids["Smith2020"], ids["Other2019"], ids["Third2018"]]
        )
    gone = _state(library)
    assert gone["refs"] == {}
    assert gone["links"] == []
    assert len(deleted.rows) == 3
    assert len(deleted.links) == 3
    with library.transaction() as s:
        now = svc.restore_references(s, SINGLE_USER, deleted)
    assert now == {i: i for i in ids.values()}
    assert _state(library) == before
    with library.reading() as s:
        restores = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "restore")))
    assert sorted(e.record_id for e in restores) == sorted(ids.values())
    assert any("Smith2020" in (e.new_value or "") for e in restores)


def test_restore_refuses_a_key_taken_meanwhile(library: Library, tmp_path: Path) -> None:
    ids = _seed(library, tmp_path)
    with library.transaction() as s:
        deleted = svc.delete_references_undoably(s, SINGLE_USER, [ids["Third2018"]])
    again = tmp_path / "again.bib"
    again.write_text("@misc{Third2018, title = {Something else entirely}, year = 2001}\n")
    with library.transaction() as s:
        svc.import_files(s, SINGLE_USER, [again])
    with pytest.raises(ValidationError, match="Third2018"), library.transaction() as s:
        svc.restore_references(s, SINGLE_USER, deleted)


def test_undoing_an_import_removes_exactly_what_it_added(library: Library, tmp_path: Path) -> None:
    ids = _seed(library, tmp_path)
    before = _state(library)
    incoming = tmp_path / "incoming.bib"
    incoming.write_text(INCOMING, encoding="utf-8")
    with library.transaction() as s:
        report = svc.import_files(
            s, SINGLE_USER, [incoming], on_duplicate="merge", tags=["imported-now"]
        )
    assert (report.imported, report.merged) == (1, 1)
    assert report.changes is not None
    assert report.changes.created == tuple(report.imported_ids)
    assert report.changes.before.ids == (ids["Smith2020"],)
    after = _state(library)
    assert after["refs"][ids["Smith2020"]][2] == "999"  # the merge filled the PMID
    assert "imported-now" in after["tags"]
    assert len(after["blocks"]) == len(before["blocks"]) + 1
    with library.transaction() as s:
        removed = svc.undo_import(s, SINGLE_USER, report.changes)
    assert removed == 1
    assert _state(library) == before


def test_undoing_an_import_refuses_after_a_later_edit(library: Library, tmp_path: Path) -> None:
    _seed(library, tmp_path)
    incoming = tmp_path / "incoming.bib"
    incoming.write_text(INCOMING, encoding="utf-8")
    with library.transaction() as s:
        report = svc.import_files(s, SINGLE_USER, [incoming])
    assert report.changes is not None
    fresh = report.changes.created[0]
    with library.transaction() as s:
        detail = svc.get_reference(s, SINGLE_USER, fresh)
        svc.update_reference(s, SINGLE_USER, fresh, detail.version, {"title": "Edited after"})
    with (
        pytest.raises(ValidationError, match="Fresh2022 changed since"),
        library.transaction() as s,
    ):
        svc.undo_import(s, SINGLE_USER, report.changes)
    with library.reading() as s:
        assert s.get(Reference, fresh) is not None


def test_undoing_a_merge_brings_the_duplicates_back(library: Library, tmp_path: Path) -> None:
    ids = _seed(library, tmp_path)
    twin = tmp_path / "twin.bib"
    twin.write_text(
        "@article{Twin2020, author = {Smith, John}, title = {Knee pain twin},"
        " year = {2020}, doi = {10.1000/PM.1}, volume = {21}}\n",
        encoding="utf-8",
    )
    with library.transaction() as s:
        svc.import_files(s, SINGLE_USER, [twin], on_duplicate="keep", tags=["twin"])
        twin_id = s.scalar(select(Reference.id).where(Reference.citation_key == "Twin2020"))
        abstract = items.create_item(s, SINGLE_USER, "abstract", {"title": "Twin abstract"})
        citations.cite(s, SINGLE_USER, "abstract", abstract.id, [twin_id])
    before = _state(library)
    with library.transaction() as s:
        summary = svc.merge_exact_duplicates(s, SINGLE_USER)
    assert (summary.groups, summary.removed) == (1, 1)
    merged = _state(library)
    assert twin_id not in merged["refs"]
    assert merged["refs"][ids["Smith2020"]][3] == "21"  # the keeper took the twin's volume
    with library.transaction() as s:
        back = svc.undo_merge(s, SINGLE_USER, summary)
    assert back == 1
    assert _state(library) == before
