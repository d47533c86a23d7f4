"""Files kept with a manuscript: versions, round trips, what was sent, counts, packages."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from scholar_desk.core.formats.manuscript_docx import count_docx
from scholar_desk.core.services import (
    accounts,
    blobs,
    items,
    manuscript_files,
    submissions,
)
from scholar_desk.core.services.manuscript_files import JournalLimits
from scholar_desk.core.services.manuscript_files import store as file_store
from scholar_desk.core.services.session import SINGLE_USER
from tests.manuscript_data import EXPECTED, write_manuscript


@pytest.fixture
def manuscript_id(library: Library) -> int:
    with library.transaction() as s:
        return items.create_item(s, SINGLE_USER, "manuscript", {"title": "GNRFA for knee OA"}).id


def _count(library: Library, model: type) -> int:
    with library.reading() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_counts_of_a_real_manuscript(tmp_path: Path) -> None:
    assert count_docx(write_manuscript(tmp_path / "ms.docx")) == EXPECTED
    longer = count_docx(
        write_manuscript(tmp_path / "v2.docx", extra="Five more words right here.")
    )
    assert longer.main_words == EXPECTED.main_words + 5
    assert longer.abstract_words == EXPECTED.abstract_words


def test_a_document_without_sections_is_all_main_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("One two three.")
    document.add_paragraph("Four five.")
    document.save(str(tmp_path / "plain.docx"))
    counts = count_docx(tmp_path / "plain.docx")
    assert (counts.main_words, counts.title_page_words, counts.references) == (5, 0, 0)


def test_versions_round_trip_byte_for_byte_and_identical_bytes_are_stored_once(
    library: Library, manuscript_id: int, tmp_path: Path
) -> None:
    draft = write_manuscript(tmp_path / "draft.docx")
    big = tmp_path / "supplement.bin"
    big.write_bytes(os.urandom(blobs.CHUNK_BYTES * 2 + 12345))  # three pieces
    with library.transaction() as s:
        first = manuscript_files.add_files(
            s, SINGLE_USER, "manuscript", manuscript_id, [draft], label="v1, first full draft"
        )[0]
        second = manuscript_files.add_files(
            s, SINGLE_USER, "manuscript", manuscript_id, [draft], role="draft", label="same"
        )[0]
        supplement = manuscript_files.add_files(
            s, SINGLE_USER, "manuscript", manuscript_id, [big], role="supplement"
        )[0]
    assert (first.role, first.version, second.version) == ("draft", 1, 2)
    assert first.sha256 == second.sha256 == hashlib.sha256(draft.read_bytes()).hexdigest()
    assert _count(library, m.Blob) == 2  # the draft's bytes once, the supplement once
    assert _count(library, m.BlobChunk) == 1 + 3
    with library.reading() as s:
        listed = manuscript_files.list_files(s, SINGLE_USER, "manuscript", manuscript_id)
        for record, source in ((first, draft), (supplement, big)):
            out = tmp_path / f"back-{record.id}"
            manuscript_files.save_copy(s, SINGLE_USER, record.id, out)
            assert out.read_bytes() == source.read_bytes()
            assert out.stat().st_mode & 0o777 == 0o600
    assert [(f.slot, f.version, f.current) for f in listed] == [
        ("draft", 2, True),
        ("draft", 1, False),
        ("supplement 1", 1, True),
    ]
    assert listed[1].label == "v1, first full draft"
    assert listed[0].added_by == SINGLE_USER.username


def test_figures_are_numbered_from_their_names(
    library: Library, manuscript_id: int, tmp_path: Path
) -> None:
    paths = []
    for name in ("Figure 2.png", "fig1.png", "cover letter.docx"):
        path = tmp_path / name
        if name.endswith(".docx"):
            document = docx.Document()
            document.add_paragraph("Dear Editor")
            document.save(str(path))
        else:
            path.write_bytes(b"\x89PNG not really " + name.encode())
        paths.append(path)
    with library.transaction() as s:
        added = manuscript_files.add_files(s, SINGLE_USER, "manuscript", manuscript_id, paths)
        again = manuscript_files.add_files(
            s, SINGLE_USER, "manuscript", manuscript_id, [paths[0]], label="sharper"
        )
    assert [(f.role, f.number, f.version) for f in added] == [
        ("figure", 2, 1),
        ("figure", 1, 1),
        ("cover-letter", 1, 1),
    ]
    assert (again[0].number, again[0].version) == (2, 2)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.docx", "does not exist"),
        (lambda d: d, "is a folder"),
        (lambda d: _write(d / "fake.docx", b"just text, not Word"), "not a Word document"),
        (lambda d: _write(d / "empty.pdf", b""), "is empty"),
        (lambda d: _write(d / "huge.pdf", b"x" * 60_001), "may be at most"),
    ],
    ids=["missing", "folder", "not-word", "empty", "over-limit"],
)
def test_bad_files_are_refused_in_one_line_and_nothing_is_stored(
    library: Library,
    manuscript_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: object,
    message: str,
) -> None:
    monkeypatch.setattr(file_store, "MAX_FILE_BYTES", 60_000)
    good = write_manuscript(tmp_path / "good.docx")
    folder = tmp_path / "in"
    folder.mkdir()
    bad = make(folder)  # type: ignore[operator]
    with pytest.raises(ValidationError) as refused, library.transaction() as s:
        manuscript_files.add_files(s, SINGLE_USER, "manuscript", manuscript_id, [good, bad])
    assert message in refused.value.user_message
    assert "\n" not in refused.value.user_message
    assert _count(library, m.AttachedFile) == 0
    assert _count(library, m.Blob) == 0


def test_unreadable_file_is_refused(library: Library, manuscript_id: int, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root reads every file it may open; this one refuses every read (EIO) even to root
        locked = Path("/proc/self/mem")
    else:
        locked = _write(tmp_path / "locked.pdf", b"%PDF-1.4")
        locked.chmod(0)
    with pytest.raises(ValidationError, match="cannot be read"), library.transaction() as s:
        manuscript_files.add_files(s, SINGLE_USER, "manuscript", manuscript_id, [locked])
    assert _count(library, m.AttachedFile) == 0


def test_the_database_limit_refuses_what_does_not_fit(
    library: Library, manuscript_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_store, "MAX_DATABASE_FILE_BYTES", 100)
    with pytest.raises(ValidationError, match="at most"), library.transaction() as s:
        manuscript_files.add_files(
            s, SINGLE_USER, "manuscript", manuscript_id, [_write(tmp_path / "a.pdf", b"x" * 101)]
        )


def test_unknown_record_is_not_found(library: Library, tmp_path: Path) -> None:
    with (
        pytest.raises(NotFoundError, match="no manuscript with id 99"),
        library.transaction() as s,
    ):
        manuscript_files.add_files(
            s, SINGLE_USER, "manuscript", 99, [write_manuscript(tmp_path / "d.docx")]
        )


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_remove_and_restore_keep_id_bytes_and_audit(
    library: Library, manuscript_id: int, tmp_path: Path
) -> None:
    draft = write_manuscript(tmp_path / "draft.docx")
    with library.transaction() as s:
        added = manuscript_files.add_files(s, SINGLE_USER, "manuscript", manuscript_id, [draft])[0]
    with library.transaction() as s:
        snapshot = manuscript_files.remove_file(s, SINGLE_USER, added.id)
    with library.reading() as s:
        assert manuscript_files.list_files(s, SINGLE_USER, "manuscript", manuscript_id) == []
    with library.transaction() as s:
        back = manuscript_files.restore_file(s, SINGLE_USER, snapshot)
    assert back == added
    with library.reading() as s:
        manuscript_files.save_copy(s, SINGLE_USER, added.id, tmp_path / "out.docx")
        trail = s.scalars(
            select(m.AuditEvent.old_value, m.AuditEvent.new_value).where(
                m.AuditEvent.kind == "manuscript", m.AuditEvent.field == "files"
            )
        ).all()
    assert (tmp_path / "out.docx").read_bytes() == draft.read_bytes()
    with library.reading() as s:
        rows = s.execute(
            select(m.AuditEvent.old_value, m.AuditEvent.new_value)
            .where(m.AuditEvent.kind == "manuscript", m.AuditEvent.field == "files")
            .order_by(m.AuditEvent.id)
        ).all()
    assert len(trail) == 3
    assert rows[0][1].startswith("added draft v1: draft.docx")
    assert rows[1][0].startswith("removed draft v1")
    assert rows[1][1] is None
    assert rows[2][1].startswith("restored draft v1")


def test_deleting_the_manuscript_takes_its_files_and_undo_brings_them_back(
    library: Library, manuscript_id: int, tmp_path: Path
) -> None:
    draft = write_manuscript(tmp_path / "draft.docx")
    with library.transaction() as s:
        added = manuscript_files.add_files(s, SINGLE_USER, "manuscript", manuscript_id, [draft])
        snapshot = items.delete_item(s, SINGLE_USER, "manuscript", manuscript_id)
    assert _count(library, m.AttachedFile) == 0
    with library.transaction() as s:
        items.restore_item(s, SINGLE_USER, snapshot)
        assert manuscript_files.list_files(s, SINGLE_USER, "manuscript", manuscript_id) == added


def _journal(library: Library, name: str = "Pain Medicine") -> int:
    with library.transaction() as s:
        return items.create_item(s, SINGLE_USER, "journal", {"name": name}).id


def test_what_was_sent_where_is_recorded_with_each_move(
    library: Library, manuscript_id: int, tmp_path: Path
) -> None:
    journal = _journal(library)
    v1 = write_manuscript(tmp_path / "v1.docx")
    v2 = write_manuscript(tmp_path / "v2.docx", extra="Revised after review.")
    cover = _write(tmp_path / "cover.pdf", b"%PDF cover letter")
    with library.transaction() as s:
        manuscript_files.add_files(s, SINGLE_USER, "manuscript", manuscript_id, [v1, cover])
        sub = items.create_item(
            s, SINGLE_USER, "submission", {"manuscript_id": manuscript_id, "journal_id": journal}
        ).id
        submissions.change_status(s, SINGLE_USER, sub, "submitted")
        submissions.change_status(s, SINGLE_USER, sub, "under review")
        submissions.change_status(s, SINGLE_USER, sub, "major revision")
        manuscript_files.add_files(
            s, SINGLE_USER, "manuscript", manuscript_id, [v2], role="draft", label="revised"
        )
        submissions.change_status(s, SINGLE_USER, sub, "revision submitted")
    with library.reading() as s:
        sent = manuscript_files.sent_history(s, SINGLE_USER, manuscript_id)
    assert [(r.journal, r.status) for r in sent] == [
        ("Pain Medicine", "submitted"),
        ("Pain Medicine", "revision submitted"),
    ]
    assert [(f.role, f.version, f.name) for f in sent[0].files] == [
        ("cover-letter", 1, "cover.pdf"),
        ("draft", 1, "v1.docx"),
    ]
    assert [(f.role, f.version) for f in sent[1].files] == [("cover-letter", 1), ("draft", 2)]
    # Taking the move back takes its record with it.
    with library.transaction() as s:
        submissions.undo_move(s, SINGLE_USER, sub, "revision submitted", "major revision")
        assert len(manuscript_files.sent_history(s, SINGLE_USER, manuscript_id)) == 1


def test_check_against_the_journals_limits(
    library: Library, manuscript_id: int, tmp_path: Path
) -> None:
    journal = _journal(library)
    with library.transaction() as s:
        manuscript_files.add_files(
            s, SINGLE_USER, "manuscript", manuscript_id, [write_manuscript(tmp_path / "d.docx")]
        )
        items.create_item(
            s, SINGLE_USER, "submission", {"manuscript_id": manuscript_id, "journal_id": journal}
        )
        manuscript_files.set_journal_limits(
            s,
            SINGLE_USER,
            JournalLimits(journal, "original research", words=30, abstract_words=15, figures=2),
        )
        check = manuscript_files.check_manuscript(s, SINGLE_USER, manuscript_id)
    assert check.journal == "Pain Medicine"
    lines = {line.measure: (line.count, line.limit, line.over) for line in check.lines}
    assert lines == {
        "words": (24, 30, False),
        "abstract_words": (17, 15, True),
        "figures": (2, 2, False),
        "tables": (1, None, False),
        "refs": (3, None, False),
    }
    with library.transaction() as s:
        manuscript_files.set_journal_limits(
            s,
            SINGLE_USER,
            JournalLimits(journal, "original research", words=30, legends_count=True),
        )
        check = manuscript_files.check_manuscript(s, SINGLE_USER, manuscript_id)
    assert (check.lines[0].count, check.lines[0].over) == (24 + 15, True)


def test_a_package_holds_the_current_versions_and_a_response_letter(
    library: Library, manuscript_id: int, tmp_path: Path
) -> None:
    journal = _journal(library, "Regional Anesthesia & Pain Medicine")
    v1 = write_manuscript(tmp_path / "v1.docx")
    v2 = write_manuscript(tmp_path / "v2.docx", extra="Revised.")
    figure = _write(tmp_path / "Figure 1.tiff", os.urandom(5000))
    with library.transaction() as s:
        manuscript_files.add_files(s, SINGLE_USER, "manuscript", manuscript_id, [v1, figure])
        manuscript_files.add_files(s, SINGLE_USER, "manuscript", manuscript_id, [v2], role="draft")
        sub = items.create_item(
            s, SINGLE_USER, "submission", {"manuscript_id": manuscript_id, "journal_id": journal}
        ).id
        submissions.change_status(s, SINGLE_USER, sub, "submitted")
        submissions.change_status(s, SINGLE_USER, sub, "under review")
        submissions.change_status(s, SINGLE_USER, sub, "minor revision")
        round_id = submissions.rounds(s, SINGLE_USER, sub)[0].id
        submissions.add_point(s, SINGLE_USER, round_id, "Define the outcome.")
    folder = tmp_path / "out"
    folder.mkdir()
    with library.reading() as s:
        summary = manuscript_files.build_package(s, SINGLE_USER, manuscript_id, folder)
    assert summary.path == folder / "Regional Anesthesia & Pain Medicine submission.zip"
    with zipfile.ZipFile(summary.path) as archive:
        names = archive.namelist()
        assert archive.read("Manuscript - v2.docx") == v2.read_bytes()
        assert archive.read("Figure 1 - Figure 1.tiff") == figure.read_bytes()
        letter = docx.Document(archive.open("Response to reviewers (generated).docx"))
    assert names == [
        "Manuscript - v2.docx",
        "Figure 1 - Figure 1.tiff",
        "Response to reviewers (generated).docx",
    ]
    assert any("Define the outcome." in p.text for p in letter.paragraphs)
    assert summary.path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(Exception, match="already exists"), library.reading() as s:
        manuscript_files.build_package(s, SINGLE_USER, manuscript_id, summary.path)


def test_roles_fellow_owns_mentor_reads_other_fellow_sees_nothing(
    library: Library, tmp_path: Path
) -> None:
    with library.transaction() as s:
        a = items.create_item(s, SINGLE_USER, "person", {"given_name": "A", "family_name": "F"}).id
        b = items.create_item(s, SINGLE_USER, "person", {"given_name": "B", "family_name": "F"}).id
        accounts.create_account(s, SINGLE_USER, "boss", "password123", "director")
        boss = accounts.actor_of(s.scalars(select(m.Account)).one())
        accounts.create_account(s, boss, "fa", "password123", "fellow", a)
        accounts.create_account(s, boss, "fb", "password123", "fellow", b)
        accounts.create_account(s, boss, "mentor", "password123", "mentor")
        accounts.assign_mentor(s, boss, "mentor", a)
        rows = {r.username: accounts.actor_of(r) for r in s.scalars(select(m.Account))}
        ms = items.create_item(s, rows["fa"], "manuscript", {"title": "Mine"}).id
        added = manuscript_files.add_files(
            s, rows["fa"], "manuscript", ms, [write_manuscript(tmp_path / "d.docx")]
        )[0]
    draft = tmp_path / "d.docx"
    with library.transaction() as s:
        assert manuscript_files.list_files(s, rows["mentor"], "manuscript", ms) == [added]
        assert manuscript_files.get_file(s, rows["boss"], added.id) == added
        with pytest.raises(PermissionDeniedError):
            manuscript_files.add_files(s, rows["mentor"], "manuscript", ms, [draft])
        with pytest.raises(PermissionDeniedError):
            manuscript_files.remove_file(s, rows["boss"], added.id)
        with pytest.raises(NotFoundError):
            manuscript_files.get_file(s, rows["fb"], added.id)
        with pytest.raises(NotFoundError):
            manuscript_files.add_files(s, rows["fb"], "manuscript", ms, [draft])


@pytest.mark.sqlite_only(reason="a file at an old revision upgraded as it opens")
def test_migration_stores_old_draft_paths_as_versions(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging
    import sqlite3

    from alembic import command

    from scholar_desk.core.db import library as library_module

    path = tmp_path / "old.sqlite3"
    lib = Library(path)
    with lib.engine.begin() as conn:
        cfg = library_module.alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    lib.close()
    first = write_manuscript(tmp_path / "first.docx")
    second = write_manuscript(tmp_path / "second.docx", extra="More.")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO manuscripts (id, title, article_type, pmid, doi, notes, version, "
            "created_at, updated_at) VALUES (1, 'Old', 'review', '', '', '', 1, "
            "'2026-01-01', '2026-01-01')"
        )
        for file, label in ((first, "v1"), (tmp_path / "gone.docx", "lost"), (second, "v2")):
            db.execute(
                "INSERT INTO draft_files (manuscript_id, path, label) VALUES (1, ?, ?)",
                (str(file), label),
            )
    with caplog.at_level(logging.WARNING), Library.open(path) as upgraded:
        first.unlink()
        with upgraded.reading() as s:
            kept = manuscript_files.list_files(s, SINGLE_USER, "manuscript", 1)
            manuscript_files.save_copy(s, SINGLE_USER, kept[1].id, tmp_path / "back.docx")
    assert [(f.name, f.version, f.label) for f in kept] == [
        ("second.docx", 2, "v2"),
        ("first.docx", 1, "v1"),
    ]
    assert count_docx(tmp_path / "back.docx") == EXPECTED
    assert any("gone.docx" in r.getMessage() for r in caplog.records)


def test_catalog_journals_bring_example_limits(library: Library) -> None:
    from scholar_desk.core.services.catalog import load_starter_catalog

    with library.transaction() as s:
        load_starter_catalog(s, SINGLE_USER)
        journal = s.scalars(select(m.Journal).where(m.Journal.name == "Pain Medicine")).one()
        limits = manuscript_files.journal_limits(s, SINGLE_USER, journal.id)
    assert journal.is_example
    assert {limit.article_type for limit in limits} == {"original research", "case report"}
    assert all(limit.words for limit in limits)
