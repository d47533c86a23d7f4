"""A logo chosen in the poster export is kept in the database and offered in the next one.

The image is read once: after it is deleted from disk, a new export dialog (on another
connection to the same file, as another window would be) still offers it, and the
poster it writes carries it.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFileDialog
from slides_data import TODAY, make_abstract

from scholar_desk.cli import main
from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import export_logos
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.export_dialog import ExportDialog
from scholar_desk.ui.workers import make_pool

CREST = (191, 27, 44)  # a red no figure of the demo abstract uses


def _crest(path: Path) -> Path:
    Image.new("RGB", (300, 120), CREST).save(path)
    return path


def _has_crest(pptx: Path) -> bool:
    """Whether a picture on the poster is the crest (re-encoded, so compared by color)."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    for slide in Presentation(str(pptx)).slides:
        for shape in slide.shapes:
            if shape.shape_type != MSO_SHAPE_TYPE.PICTURE:
                continue
            with Image.open(io.BytesIO(shape.image.blob)) as image:
                color = image.convert("RGB").getpixel((image.width // 2, image.height // 2))
            if all(abs(a - b) <= 3 for a, b in zip(color, CREST, strict=True)):
                return True
    return False


@pytest.fixture
def made(tmp_path):
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))
    path = tmp_path / "shared.sqlite3"
    with Library.open(path) as library:
        abstract = make_abstract(library, tmp_path)
    return path, abstract.abstract_id


def _window(path: Path):
    library = Library.open(path)
    return AppContext(library, SINGLE_USER, make_pool(), QUndoStack(), DataEvents())


def _dialog(qtbot, ctx, abstract_id) -> ExportDialog:
    dialog = ExportDialog(None, ctx, abstract_id, "poster")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview.page_count() > 0, timeout=10000)
    return dialog


def _export(qtbot, dialog: ExportDialog, out: Path) -> None:
    dialog.out_path.setText(str(out))
    with qtbot.waitSignal(dialog.export_finished, timeout=30000):
        dialog.export_button.click()


def test_a_chosen_logo_survives_its_file_and_the_dialog(qtbot, made, tmp_path):
    path, abstract_id = made
    crest = _crest(tmp_path / "crest.png")
    first_window, second_window = _window(path), _window(path)
    try:
        dialog = _dialog(qtbot, first_window, abstract_id)
        assert dialog.logo_list.count() == 0
        dialog.logo_browse.click()
        (chooser,) = [c for c in dialog.findChildren(QFileDialog) if c.isVisible()]
        chooser.fileSelected.emit(str(crest))  # what choosing the file in the box sends
        chooser.close()
        assert dialog.logo_list.count() == 1
        assert dialog.logo_list.item(0).text().startswith("crest.png")
        _export(qtbot, dialog, tmp_path / "first.pptx")
        assert _has_crest(tmp_path / "first.pptx")
        dialog.close()

        crest.unlink()  # the file is gone; the database keeps the logo

        again = _dialog(qtbot, second_window, abstract_id)
        assert [again.logo_list.item(i).text()[:9] for i in range(again.logo_list.count())] == [
            "crest.png"
        ]
        assert again.chosen_logos() != []
        _export(qtbot, again, tmp_path / "second.pptx")
        assert _has_crest(tmp_path / "second.pptx")

        # Unticked: left out of this export, still kept for the next.
        again.logo_list.item(0).setCheckState(again.logo_list.item(0).checkState().Unchecked)
        assert again.chosen_logos() == []
        _export(qtbot, again, tmp_path / "third.pptx")
        assert not _has_crest(tmp_path / "third.pptx")
        with second_window.library.reading() as session:
            assert len(export_logos.list_logos(session, SINGLE_USER)) == 1
    finally:
        for ctx in (first_window, second_window):
            assert ctx.pool.waitForDone(10000)
            ctx.undo.clear()
            ctx.library.close()


def test_forgetting_a_logo_is_undoable(qtbot, made, tmp_path):
    path, abstract_id = made
    ctx = _window(path)
    try:
        dialog = _dialog(qtbot, ctx, abstract_id)
        assert dialog.add_logo(str(_crest(tmp_path / "crest.png")))
        assert dialog.add_logo(str(tmp_path / "crest.png"))  # the same image: kept once
        assert dialog.logo_list.count() == 1
        dialog.logo_list.setCurrentRow(0)
        assert dialog.logo_remove.isEnabled()
        dialog.logo_remove.click()
        assert dialog.logo_list.count() == 0
        ctx.undo.undo()  # the list follows the undo, without reopening the dialog
        assert dialog.logo_list.count() == 1
        (tmp_path / "crest.png").unlink()
        _export(qtbot, dialog, tmp_path / "poster.pptx")
        assert _has_crest(tmp_path / "poster.pptx")
    finally:
        assert ctx.pool.waitForDone(10000)
        ctx.undo.clear()
        ctx.library.close()


def test_command_line_keeps_a_logo_only_when_asked(made, tmp_path):
    path, abstract_id = made
    crest = _crest(tmp_path / "crest.png")
    once = tmp_path / "once.pptx"
    args = ["--db", str(path)]
    assert main(["poster", str(abstract_id), str(once), "--logo", str(crest), *args]) == 0
    assert _has_crest(once)
    with Library.open(path) as library, library.reading() as session:
        assert export_logos.list_logos(session, SINGLE_USER) == []

    kept = tmp_path / "kept.pptx"
    command = ["poster", str(abstract_id), str(kept), "--logo", str(crest), "--keep-logo"]
    assert main([*command, *args]) == 0
    crest.unlink()
    later = tmp_path / "later.pptx"
    assert main(["poster", str(abstract_id), str(later), *args]) == 0
    assert _has_crest(later)
    without = tmp_path / "without.pptx"
    assert main(["poster", str(abstract_id), str(without), "--no-kept-logos", *args]) == 0
    assert not _has_crest(without)


def test_export_logos_are_each_users_own(library, tmp_path):
    from scholar_desk.core.errors import NotFoundError
    from scholar_desk.core.services.session import Actor

    ann, bob = Actor("ann", "fellow", 1, 1), Actor("bob", "fellow", 2, 2)
    with library.transaction() as session:
        kept = export_logos.add_logo(session, ann, _crest(tmp_path / "crest.png"))
    with library.transaction() as session:
        assert export_logos.list_logos(session, bob) == []
        assert export_logos.logo_images(session, bob) == []
        with pytest.raises(NotFoundError):
            export_logos.remove_logo(session, bob, kept.id)
        assert [logo.id for logo in export_logos.list_logos(session, ann)] == [kept.id]
