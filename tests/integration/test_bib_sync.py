"""Following a .bib file: added, changed and removed entries by key, with undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ImportFileError
from scholar_desk.core.services import bib_sync, citations, items, references
from scholar_desk.core.services.session import SINGLE_USER

FIRST = """
@article{Smith2020,
  author = {Smith, Jane and Lee, Ann},
  title = {Epidural steroids for sciatica},
  journal = {Pain},
  year = {2020},
  volume = {161},
}
@article{Doe2019,
  author = {Doe, John},
  title = {Radiofrequency ablation of the genicular nerves},
  journal = {Regional Anesthesia and Pain Medicine},
  year = {2019},
}
@article{Roe2018,
  author = {Roe, Rita},
  title = {Spinal cord stimulation outcomes},
  journal = {Pain Medicine},
  year = {2018},
}
@article{Kim2017,
  author = {Kim, Min},
  title = {Ketamine infusions for complex regional pain},
  journal = {The Journal of Pain},
  year = {2017},
}
"""

# Smith2020 changed (volume, pages), Roe2018 and Kim2017 gone, Park2021 added.
SECOND = """
@article{Smith2020,
  author = {Smith, Jane and Lee, Ann},
  title = {Epidural steroids for sciatica},
  journal = {Pain},
  year = {2020},
  volume = {162},
  pages = {10--20},
}
@article{Doe2019,
  author = {Doe, John},
  title = {Radiofrequency ablation of the genicular nerves},
  journal = {Regional Anesthesia and Pain Medicine},
  year = {2019},
}
@article{Park2021,
  author = {Park, Soo},
  title = {Buprenorphine rotation in chronic pain},
  journal = {Anesthesia and Analgesia},
  year = {2021},
}
"""


def _state(library: Library) -> dict[str, tuple[object, ...]]:
    with library.reading() as s:
        return {
            r.citation_key: (r.title, r.volume, r.pages, r.year)
            for r in s.scalars(select(m.Reference))
        }


def _cite(library: Library, key: str) -> None:
    with library.transaction() as s:
        ref = s.scalar(select(m.Reference.id).where(m.Reference.citation_key == key))
        project = items.create_item(s, SINGLE_USER, "project", {"title": "Knee study"})
        citations.cite(s, SINGLE_USER, "project", project.id, [ref])


def test_sync_adds_changes_removes_keeps_cited_and_undoes(
    library: Library, tmp_path: Path
) -> None:
    bib = tmp_path / "library.bib"
    bib.write_text(FIRST, encoding="utf-8")
    with library.transaction() as s:
        first = bib_sync.sync(s, SINGLE_USER, bib)
    assert sorted(first.added) == ["Doe2019", "Kim2017", "Roe2018", "Smith2020"]
    _cite(library, "Roe2018")
    with library.transaction() as s:
        assert bib_sync.sync(s, SINGLE_USER, bib).up_to_date  # same bytes: nothing read
    before = _state(library)

    bib.write_text(SECOND, encoding="utf-8")
    with library.reading() as s:
        dry = bib_sync.sync(s, SINGLE_USER, bib, dry_run=True)
    assert (dry.added, dry.changed, dry.removed) == (["Park2021"], ["Smith2020"], ["Kim2017"])
    assert _state(library) == before
    with library.transaction() as s:
        summary = bib_sync.sync(s, SINGLE_USER, bib)
    assert summary.added == ["Park2021"]
    assert summary.changed == ["Smith2020"]
    assert summary.removed == ["Kim2017"]
    assert summary.kept_cited == ["Roe2018"]
    assert summary.unchanged == 1
    assert "1 added, 1 changed, 1 removed (kept 1 cited)" in summary.summary()
    after = _state(library)
    assert set(after) == {"Smith2020", "Doe2019", "Roe2018", "Park2021"}
    assert after["Smith2020"][1:3] == ("162", "10\u201320")
    with library.reading() as s:
        actions = [e.action for e in s.scalars(select(m.AuditEvent))]
    assert "sync" in actions
    assert "delete" in actions

    assert summary.changes is not None
    with library.transaction() as s:
        bib_sync.undo_sync(s, SINGLE_USER, summary.changes)
    assert _state(library) == before
    with library.reading() as s:
        (info,) = bib_sync.followed(s, SINGLE_USER)
        links = s.scalar(select(func.count()).select_from(m.ReferenceLink))
    assert info.entries == 4
    assert links == 1


def test_a_reference_not_from_the_file_is_a_conflict(library: Library, tmp_path: Path) -> None:
    mine = tmp_path / "mine.bib"
    mine.write_text(FIRST.replace("volume = {161}", "volume = {999}"), encoding="utf-8")
    with library.transaction() as s:
        references.import_files(s, SINGLE_USER, [mine])
    bib = tmp_path / "zotero.bib"
    bib.write_text(FIRST, encoding="utf-8")
    with library.transaction() as s:
        summary = bib_sync.sync(s, SINGLE_USER, bib)
    assert [k for k, _ in summary.conflicts] == ["Smith2020"]
    assert summary.unchanged == 3  # the same entries imported before are adopted
    assert _state(library)["Smith2020"][1] == "999"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (FIRST + "\n@article{Broken2020,\n  title = {Unclosed\n", "line"),
        (b"\x00\x01\x02binary" * 50, "not a text file"),
        (None, "does not exist"),
    ],
)
def test_a_file_that_does_not_read_changes_nothing(
    library: Library, tmp_path: Path, content: str | bytes | None, expected: str
) -> None:
    bib = tmp_path / "library.bib"
    bib.write_text(FIRST, encoding="utf-8")
    with library.transaction() as s:
        bib_sync.sync(s, SINGLE_USER, bib)
    before = _state(library)
    if content is None:
        bib.unlink()
    elif isinstance(content, bytes):
        bib.write_bytes(content)
    else:
        bib.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught, library.transaction() as s:
        bib_sync.sync(s, SINGLE_USER, bib)
    assert expected in caught.value.user_message
    assert "\n" not in caught.value.user_message
    assert _state(library) == before


def test_a_folder_cannot_be_followed(library: Library, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError), library.transaction() as s:
        bib_sync.follow(s, SINGLE_USER, tmp_path)
    with library.reading() as s:
        assert bib_sync.followed(s, SINGLE_USER) == []


def test_unfollow_keeps_the_references(library: Library, tmp_path: Path) -> None:
    bib = tmp_path / "library.bib"
    bib.write_text(FIRST, encoding="utf-8")
    with library.transaction() as s:
        bib_sync.sync(s, SINGLE_USER, bib)
        bib_sync.unfollow(s, SINGLE_USER, bib)
        assert bib_sync.followed(s, SINGLE_USER) == []
    assert len(_state(library)) == 4
