"""The Export slides / Export poster dialog: preview, export in a worker, show in folder."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices, QImage, QUndoStack
from PySide6.QtWidgets import QMessageBox
from slides_data import TODAY, check_pptx, make_abstract
from sqlalchemy import text as sa_text

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.export_dialog import ExportDialog
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def ctx(library: Library) -> Iterator[AppContext]:
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))
    pool = make_pool()
    yield AppContext(library, SINGLE_USER, pool, QUndoStack())
    assert pool.waitForDone(10000)


def _open(qtbot, ctx: AppContext, abstract_id: int, mode: str) -> ExportDialog:  # type: ignore[no-untyped-def]
    dialog = ExportDialog(None, ctx, abstract_id, mode)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview.page_count() > 0, timeout=10000)
    return dialog


def test_slides_preview_and_export(
    qtbot, ctx: AppContext, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = make_abstract(library, tmp_path)
    dialog = _open(qtbot, ctx, made.abstract_id, "slides")
    assert dialog.windowTitle() == "Export slides"
    assert dialog.preview.page_count() >= 10
    assert dialog.page_label.text().startswith("Page 1 of ")
    dialog.next_button.click()
    assert dialog.preview.page() == 1
    image = QImage(dialog.preview.size(), QImage.Format.Format_ARGB32)
    dialog.preview.render(image)  # paints the layout without errors
    out = tmp_path / "talk.pptx"
    dialog.out_path.setText(str(out))
    with qtbot.waitSignal(dialog.export_finished, timeout=20000) as blocker:
        dialog.export_button.click()
    assert blocker.args[0].path == out
    check_pptx(out, floor=18)
    assert dialog.show_button.isEnabled()
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    dialog.show_button.click()
    assert opened == [str(tmp_path)]
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        dialog.reject()


def test_poster_options_rebuild_the_preview(
    qtbot, ctx: AppContext, library: Library, tmp_path: Path
) -> None:
    made = make_abstract(library, tmp_path)
    dialog = _open(qtbot, ctx, made.abstract_id, "poster")
    assert dialog.windowTitle() == "Export poster"
    assert dialog.preview.page_count() == 1
    with qtbot.waitSignal(dialog.preview_ready, timeout=10000):
        dialog.layout_combo.setCurrentIndex(dialog.layout_combo.findData("better"))
    assert dialog.options()["layout"] == "better"
    with qtbot.waitSignal(dialog.preview_ready, timeout=10000):
        dialog.size_combo.setCurrentIndex(dialog.size_combo.findData("36x48in"))
    layout = dialog.preview._layout
    assert layout is not None
    assert layout.height > layout.width
    out = tmp_path / "poster.pptx"
    dialog.out_path.setText(str(out))
    with qtbot.waitSignal(dialog.export_finished, timeout=20000):
        dialog.export_button.click()
    check_pptx(out, floor=24, title_floor=72)


def test_export_error_is_shown_and_nothing_written(
    qtbot, ctx: AppContext, library: Library, tmp_path: Path
) -> None:
    made = make_abstract(library, tmp_path)
    with library.transaction() as s:  # a figure whose file was lost before it moved in
        s.execute(
            sa_text(
                "UPDATE abstract_images SET blob_sha256 = NULL WHERE path LIKE '%figure2.webp'"
            )
        )
    dialog = ExportDialog(None, ctx, made.abstract_id, "slides")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "figure2.webp" in dialog.preview._message, timeout=10000)
    out = tmp_path / "talk.pptx"
    dialog.out_path.setText(str(out))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox) is not None, timeout=10000)
    box = dialog.findChild(QMessageBox)
    assert "figure2.webp" in box.text()
    box.close()
    assert not out.exists()
    assert dialog.export_button.isEnabled()


def test_ask_opens_without_blocking(
    qtbot, ctx: AppContext, library: Library, tmp_path: Path
) -> None:
    made = make_abstract(library, tmp_path)
    dialog = ExportDialog.ask(None, ctx, made.abstract_id, mode="poster")
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.preview.page_count() == 1, timeout=10000)
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        dialog.reject()


def test_a_template_with_its_own_page_size_says_which_size_wins(
    qtbot, ctx: AppContext, library: Library, tmp_path: Path
) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    import scholar_desk.resources

    shipped = Path(scholar_desk.resources.__file__).parent / "templates" / "poster-plain.pptx"
    template = tmp_path / "institution.pptx"
    prs = Presentation(str(shipped))
    prs.slide_width, prs.slide_height = Inches(42), Inches(42)
    prs.save(str(template))
    made = make_abstract(library, tmp_path)
    dialog = _open(qtbot, ctx, made.abstract_id, "poster")
    assert dialog.size_note.isHidden()  # a built-in template takes the size picked
    dialog.template_file.setText(str(template))
    with qtbot.waitSignal(dialog.preview_ready, timeout=10000):
        dialog.template_combo.setCurrentIndex(dialog.template_combo.count() - 1)
    assert not dialog.size_note.isHidden()
    assert dialog.size_note.text() == (
        "The template's page is 42 \u00d7 42 in, so the poster is made at that size, not "
        "48 \u00d7 36 in. Choose a built-in template to use the size picked here."
    )
    assert dialog.preview._layout.width == Inches(42)


def test_a_template_the_user_can_fix_is_not_logged_as_an_error(
    qtbot, ctx: AppContext, library: Library, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from pptx import Presentation

    caplog.set_level(logging.INFO)
    template = tmp_path / "no-title.pptx"
    Presentation().save(str(template))  # a 10 x 7.5 in page: the title cannot fit
    made = make_abstract(library, tmp_path)
    dialog = _open(qtbot, ctx, made.abstract_id, "poster")
    dialog.template_file.setText(str(template))
    with qtbot.waitSignal(dialog.preview_ready, timeout=10000):
        dialog.template_combo.setCurrentIndex(dialog.template_combo.count() - 1)
    assert dialog.preview.page_count() == 0
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []
    stopped = [r for r in caplog.records if r.getMessage().startswith("background job stopped")]
    assert len(stopped) == 1
    assert stopped[0].exc_info is None
