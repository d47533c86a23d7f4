"""Figures and logos live in the database: moving the file, a backup or a restore loses nothing."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from PIL import Image
from pptx import Presentation

from scholar_desk.core.db import library as library_module
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ValidationError
from scholar_desk.core.services import abstracts, backups, blobs, items, slides
from scholar_desk.core.services.session import SINGLE_USER


def _png(path: Path, color: str = "navy", size: tuple[int, int] = (120, 80)) -> Path:
    Image.new("RGB", size, color).save(path)
    return path


@pytest.fixture
def abstract_id(library: Library) -> int:
    with library.transaction() as s:
        made = items.create_item(s, SINGLE_USER, "abstract", {"title": "GNRFA for knee OA"})
        abstracts.save_sections(s, SINGLE_USER, made.id, [("Results", "NRS fell by 4.1.")])
    return made.id


def _pictures(pptx: Path) -> list[bytes]:
    out = []
    for slide in Presentation(str(pptx)).slides:
        for shape in slide.shapes:
            if shape.shape_type == 13:  # picture
                out.append(shape.image.blob)
    return out


def test_a_figure_is_stored_once_and_export_reads_it_after_the_file_moved(
    library: Library, abstract_id: int, tmp_path: Path
) -> None:
    source = _png(tmp_path / "nrs.png")
    original = source.read_bytes()
    with library.transaction() as s:
        first = abstracts.add_image(s, SINGLE_USER, abstract_id, source, "NRS over time")
        again = abstracts.add_image(s, SINGLE_USER, abstract_id, source, "Same picture")
    assert first.sha256 == again.sha256 == blobs.digest(original)
    assert (first.size, first.media_type) == (len(original), "image/png")
    with library.reading() as s:
        assert s.execute(sqlite_count("blobs")).scalar() == 1
    source.rename(tmp_path / "moved-away.png")
    out = tmp_path / "talk.pptx"
    with library.reading() as s:
        slides.export_deck(s, SINGLE_USER, abstract_id, out)
    assert original in _pictures(out)


def sqlite_count(table: str):
    from sqlalchemy import text

    return text(f"SELECT count(*) FROM {table}")


def test_removing_the_last_use_drops_the_stored_bytes(
    library: Library, abstract_id: int, tmp_path: Path
) -> None:
    source = _png(tmp_path / "a.png")
    with library.transaction() as s:
        one = abstracts.add_image(s, SINGLE_USER, abstract_id, source)
        two = abstracts.add_image(s, SINGLE_USER, abstract_id, source)
        abstracts.remove_image(s, SINGLE_USER, one.id)
        assert s.execute(sqlite_count("blobs")).scalar() == 1
        abstracts.remove_image(s, SINGLE_USER, two.id, abstract_id=abstract_id)
        assert s.execute(sqlite_count("blobs")).scalar() == 0


def test_an_oversized_image_is_refused_in_one_line_before_it_is_read(
    library: Library, abstract_id: int, tmp_path: Path
) -> None:
    huge = tmp_path / "scan.png"
    with huge.open("wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.truncate(blobs.MAX_IMAGE_BYTES + 1)
    with library.transaction() as s, pytest.raises(ValidationError) as raised:
        abstracts.add_image(s, SINGLE_USER, abstract_id, huge)
    message = raised.value.fields["path"]
    assert "\n" not in message
    assert message.startswith("scan.png is 25.0 MB; an image may be at most 25 MB.")
    with library.reading() as s:
        assert s.execute(sqlite_count("blobs")).scalar() == 0


def test_a_stored_logo_goes_on_the_poster_without_its_file(
    library: Library, abstract_id: int, tmp_path: Path
) -> None:
    logo = _png(tmp_path / "logo.png", "darkred", (90, 30))
    data = logo.read_bytes()
    with library.transaction() as s:
        abstracts.add_image(s, SINGLE_USER, abstract_id, logo, role=abstracts.LOGO)
    logo.unlink()
    out = tmp_path / "poster.pptx"
    with library.reading() as s:
        slides.export_poster(s, SINGLE_USER, abstract_id, out)
        assert [i.role for i in abstracts.list_images(s, SINGLE_USER, abstract_id)] == ["logo"]
    assert data in _pictures(out)


@pytest.mark.sqlite_only(
    reason="backups.create_backup copies the file; a server has server_backups"
)
def test_figures_travel_in_a_backup_restored_elsewhere(
    library: Library, abstract_id: int, tmp_path: Path
) -> None:
    source = _png(tmp_path / "km.png", "green")
    data = source.read_bytes()
    with library.transaction() as s:
        abstracts.add_image(s, SINGLE_USER, abstract_id, source, "Kaplan-Meier")
    backup = backups.create_backup(library, SINGLE_USER, tmp_path / "carry.sqlite3").path
    source.unlink()
    elsewhere = tmp_path / "other-machine"
    elsewhere.mkdir()
    target = elsewhere / "library.sqlite3"
    backups.restore(target, backup, SINGLE_USER)
    with Library.open(target) as restored, restored.reading() as s:
        [figure] = abstracts.list_images(s, SINGLE_USER, abstract_id)
        assert (figure.caption, figure.exists) == ("Kaplan-Meier", True)
        assert abstracts.image_bytes(s, SINGLE_USER, figure.id) == data
        slides.export_deck(s, SINGLE_USER, abstract_id, elsewhere / "talk.pptx")
    assert data in _pictures(elsewhere / "talk.pptx")


@pytest.mark.sqlite_only(reason="a file at revision 0003 upgraded as it opens")
def test_migration_moves_path_figures_in_and_keeps_missing_ones_marked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "old.sqlite3"
    lib = Library(path)
    with lib.engine.begin() as conn:
        cfg = library_module.alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    lib.close()
    present = _png(tmp_path / "present.png")
    copy = tmp_path / "copy.png"
    shutil.copy(present, copy)
    gone = tmp_path / "gone.png"
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO abstracts (id, title, status, presentation_slot, link_url, notes, version, "
            "created_at, updated_at) "
            "VALUES (1, 'Old', 'draft', '', '', '', 1, '2026-01-01', '2026-01-01')"
        )
        for n, file in enumerate((present, copy, gone), start=1):
            db.execute(
                "INSERT INTO abstract_images (abstract_id, position, path, caption) "
                "VALUES (1, ?, ?, ?)",
                (n, str(file), f"figure {n}"),
            )
    with caplog.at_level(logging.WARNING), Library.open(path) as upgraded:
        with upgraded.reading() as s:
            images = abstracts.list_images(s, SINGLE_USER, 1)
            assert s.execute(sqlite_count("blobs")).scalar() == 1  # same bytes stored once
        assert [(i.caption, i.exists) for i in images] == [
            ("figure 1", True),
            ("figure 2", True),
            ("figure 3", False),
        ]
        assert images[0].sha256 == blobs.digest(present.read_bytes())
        present.unlink()
        with upgraded.reading() as s, pytest.raises(Exception, match="attach"):
            slides.export_deck(s, SINGLE_USER, 1, tmp_path / "old.pptx")
    assert any("gone.png" in r.getMessage() for r in caplog.records)
