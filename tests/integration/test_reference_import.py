from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from scholar_desk.core.db.library import Library
from scholar_desk.core.db.library_models import ReferenceNotice
from scholar_desk.core.db.models import BibBlock, Reference
from scholar_desk.core.db.plain import PlainReader
from scholar_desk.core.errors import ImportFileError
from scholar_desk.core.progress import CancelledError, CancelToken
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.references import table
from scholar_desk.core.services.session import SINGLE_USER

BIB = """@article{Smith2020,
  author = {Smith, John and Lee, Kim},
  title = {Chronic postsurgical pain after knee replacement},
  journal = {Pain Medicine}, year = {2020}, doi = {10.1000/PM.1}, pmid = {111}}
@article{Other2019,
  author = {Doe, Jane},
  title = {Ultrasound-guided nerve blocks in the emergency department},
  journal = {Anesthesiology}, year = {2019}}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _count(library: Library) -> int:
    with library.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Reference)) or 0)


def test_import_dedupe_and_policies(library: Library, tmp_path: Path) -> None:
    first = _write(tmp_path, "a.bib", BIB)
    with library.transaction() as session:
        report = svc.import_files(session, SINGLE_USER, [first], tags=["review"])
    assert (report.imported, report.duplicates, report.skipped) == (2, 0, 0)
    again = BIB.replace("10.1000/PM.1", "https://doi.org/10.1000/pm.1").replace(
        "Ultrasound-guided nerve blocks in the emergency department",
        "Ultrasound guided nerve-blocks in the emergency departments",
    )
    again += "@misc{New2021, title = {Something new entirely}, year = 2021}\n"
    second = _write(tmp_path, "b.bib", again)
    with library.reading() as session:
        dry = svc.import_files(session, SINGLE_USER, [second], dry_run=True)
    assert (dry.imported, dry.duplicates, dry.skipped) == (1, 2, 0)
    reasons = sorted(m.reason.split(" (")[0] for m in dry.matches)
    assert reasons == ["same DOI", "similar title"]
    assert _count(library) == 2
    with library.transaction() as session:
        kept = svc.import_files(session, SINGLE_USER, [second], on_duplicate="keep")
    assert (kept.imported, kept.duplicates) == (3, 0)
    with library.reading() as session:
        keys = set(session.scalars(select(Reference.citation_key)))
    assert {"Smith2020", "Smith2020a", "Other2019", "Other2019a", "New2021"} <= keys


def test_merge_keeps_old_key_and_fills_fields(library: Library, tmp_path: Path) -> None:
    with library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [_write(tmp_path, "a.bib", BIB)])
    richer = (
        "@article{X, title = {Chronic postsurgical pain after knee replacement}, "
        "author = {Smith, John}, year = 2020, doi = {10.1000/pm.1}, volume = {21}, "
        "note = {extra}, keywords = {knee}}\n"
    )
    with library.transaction() as session:
        report = svc.import_files(
            session,
            SINGLE_USER,
            [_write(tmp_path, "b.bib", richer)],
            on_duplicate="merge",
            tags=["tka"],
        )
    assert (report.imported, report.duplicates, report.merged) == (0, 1, 1)
    with library.reading() as session:
        ref_id = session.scalar(select(Reference.id).where(Reference.citation_key == "Smith2020"))
        assert ref_id is not None
        detail = svc.get_reference(session, SINGLE_USER, ref_id)
    assert detail.ref.volume == "21"
    assert detail.ref.extra_fields["note"] == "extra"
    assert detail.tags == ("tka",)


def test_search_sort_tags_and_fts(library: Library, tmp_path: Path) -> None:
    with library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [_write(tmp_path, "a.bib", BIB)])
    with library.transaction() as session:
        ids = svc.reference_ids(session, SINGLE_USER, search="knee repl")
        assert len(ids) == 1
        svc.set_tags(session, SINGLE_USER, ids[0], ["orthopaedics", "tka"])
    with library.reading() as session:
        assert (
            svc.reference_ids(session, SINGLE_USER, search="orthopaed") == ids
        )  # tags are searched
        assert svc.reference_ids(session, SINGLE_USER, search="2019") != ids  # year is searched
        assert svc.reference_ids(session, SINGLE_USER, search='"; DROP') == []
        by_year = svc.reference_ids(session, SINGLE_USER, sort="year", descending=True)
        rows = svc.fetch_rows(session, SINGLE_USER, by_year)
        assert [rows[i].year for i in by_year] == [2020, 2019]
    with library.transaction() as session:
        detail = svc.get_reference(session, SINGLE_USER, ids[0])
        svc.update_reference(
            session, SINGLE_USER, ids[0], detail.version, {"title": "Totally renamed"}
        )
    with library.reading() as session:
        assert svc.reference_ids(session, SINGLE_USER, search="knee") == []
        assert svc.reference_ids(session, SINGLE_USER, search="renamed") == ids


def test_rows_and_notices_by_id_read_alike_on_every_unit(library: Library, tmp_path: Path) -> None:
    with library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [_write(tmp_path, "a.bib", BIB)])
        ids = sorted(svc.reference_ids(session, SINGLE_USER))
        session.add_all(
            ReferenceNotice(reference_id=ids[0], kind=kind, notice_doi=doi)
            for kind, doi in (("retraction", "10.1/r"), ("correction", "10.1/c"))
        )
    # More ids than one statement takes, most of them stored nowhere.
    wanted = [*ids, *range(10_000, 11_000)]
    with library.reading() as session:
        rows = table.fetch_rows(session, SINGLE_USER, wanted)
        notices = table.serious_notices(session, wanted)
    assert sorted(rows) == ids
    assert [(n.reference_id, n.kind, n.doi) for n in notices[ids[0]]] == [
        (ids[0], "retraction", "10.1/r")
    ]  # a correction is not serious
    assert set(notices) == {ids[0]}
    if library.path is not None:
        plain = PlainReader.open_current(str(library.path))
        assert plain is not None
        with plain:
            assert table.fetch_rows(plain, SINGLE_USER, wanted) == rows
            assert table.serious_notices(plain, wanted) == notices


def test_cancel_leaves_library_unchanged(library: Library, tmp_path: Path) -> None:
    token = CancelToken()

    def progress(done: int, total: int, message: str) -> None:
        if message == "Storing references" and done:
            token.cancel()

    big = "".join(
        f"@article{{k{i}, title = {{Title number {i} of many}}, year = 2000}}\n"
        for i in range(5000)
    )
    path = _write(tmp_path, "big.bib", big)
    with pytest.raises(CancelledError), library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [path], progress=progress, cancel=token)
    assert _count(library) == 0


@pytest.mark.sqlite_only(reason="SQLite's staged FTS5 indexing step")
def test_cancel_while_indexing_leaves_library_and_index_unchanged(
    library: Library, tmp_path: Path
) -> None:
    token = CancelToken()
    seen: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append(message)
        if message == "Indexing references" and done >= total * 3 // 4:
            token.cancel()  # rows are in "references" and the index by now

    big = "".join(
        f"@article{{k{i}, title = {{Title number {i} of many}}, year = 2000, note = {{kept}}}}\n"
        for i in range(5000)
    )
    path = _write(tmp_path, "big.bib", big)
    with pytest.raises(CancelledError), library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [path], progress=progress, cancel=token)
    assert "Indexing references" in seen
    assert _count(library) == 0
    with library.reading() as session:
        assert svc.matching_ids(session, SINGLE_USER, "many") == []
    # The staging table went with the rollback: the same import now goes through.
    with library.transaction() as session:
        report = svc.import_files(session, SINGLE_USER, [path])
    assert report.imported == 5000
    with library.reading() as session:
        assert len(svc.matching_ids(session, SINGLE_USER, "many") or []) == 5000
        stored = svc.records_for(session, report.imported_ids[:2])
        assert [r.citation_key for r in stored] == ["k0", "k1"]
        assert stored[0].extra_fields == {"note": "kept"}
        created = session.scalar(select(Reference.created_at).limit(1))
        assert created is not None
        assert created.tzinfo is not None


def test_unusable_file_writes_nothing(library: Library, tmp_path: Path) -> None:
    good = _write(tmp_path, "a.bib", BIB)
    binary = tmp_path / "b.bib"
    binary.write_bytes(b"\x00" * 1000 + b"@article{x, title={t}}")
    with pytest.raises(ImportFileError), library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [good, binary])
    assert _count(library) == 0


def test_merge_all_exact_duplicates(library: Library, tmp_path: Path) -> None:
    with library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [_write(tmp_path, "a.bib", BIB)])
        svc.import_files(
            session, SINGLE_USER, [_write(tmp_path, "b.bib", BIB)], on_duplicate="keep"
        )
    assert _count(library) == 4
    with library.transaction() as session:
        summary = svc.merge_exact_duplicates(session, SINGLE_USER)
    assert (summary.groups, summary.removed) == (2, 2)
    with library.reading() as session:
        keys = sorted(session.scalars(select(Reference.citation_key)))
    assert keys == ["Other2019", "Smith2020"]  # oldest kept when equally complete


def test_blocks_are_kept_and_exported(library: Library, tmp_path: Path, data_dir: Path) -> None:
    with library.transaction() as session:
        report = svc.import_files(session, SINGLE_USER, [data_dir / "bib" / "traps.bib"])
    assert report.entries == 5
    with library.reading() as session:
        kinds = sorted(session.scalars(select(BibBlock.block_kind)))
        out = tmp_path / "out.bib"
        svc.export_bib(session, SINGLE_USER, out)
    assert kinds == ["comment", "preamble", "string", "string"]
    text = out.read_text(encoding="utf-8")
    assert "@preamble" in text
    assert "Muller2020a" in text
