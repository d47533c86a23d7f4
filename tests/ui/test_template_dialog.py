"""Export template in the window: from the abstract editor, in a worker, kept as the default."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pptx import Presentation
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox
from slides_data import TODAY, make_abstract
from sqlalchemy import select

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.formats.templates import patch_potx
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.core.settings import Settings
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.export_dialog import ExportDialog
from scholar_desk.ui.dialogs.template_dialog import TemplateDialog
from scholar_desk.ui.pages.abstract_editor import AbstractEditor
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def ctx(library: Library) -> Iterator[AppContext]:
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))
    pool = make_pool()
    yield AppContext(library, SINGLE_USER, pool, QUndoStack())
    assert pool.waitForDone(10000)


@pytest.fixture
def abstract(library: Library, tmp_path: Path) -> int:
    made = make_abstract(library, tmp_path, figures=())
    with library.transaction() as s:
        conference = s.scalars(select(m.Conference)).one()
        conference.poster_size = "A0"
        conference.poster_orientation = "portrait"
        conference.is_example = True
    return made.abstract_id


def test_export_template_from_the_abstract_editor(
    qtbot, ctx: AppContext, abstract: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = AbstractEditor(ctx, abstract)
    qtbot.addWidget(editor)
    opened: list[TemplateDialog] = []
    original = TemplateDialog.ask

    def ask(*args, **kwargs):  # type: ignore[no-untyped-def]
        dialog = original(*args, **kwargs)
        qtbot.addWidget(dialog)
        opened.append(dialog)
        return dialog

    monkeypatch.setattr(TemplateDialog, "ask", ask)
    qtbot.mouseClick(editor.template_button, Qt.MouseButton.LeftButton)
    dialog = opened[0]
    # The abstract's meeting is chosen and its poster rules are shown.
    assert dialog.conference_combo.currentText() == "ASRA Pain Medicine Annual Meeting"
    assert "board 84.1 \u00d7 118.9 cm (A0)" in dialog.rules_label.text()
    assert "example rules" in dialog.rules_label.text()
    assert dialog.fill_check.isChecked()
    out = tmp_path / "poster.potx"
    dialog.out_path.setText(str(out))
    dialog.layout_combo.setCurrentIndex(dialog.layout_combo.findData("better"))
    dialog.default_check.setChecked(True)
    with qtbot.waitSignal(dialog.export_finished, timeout=30000) as blocker:
        dialog.export_button.click()
    result = blocker.args[0]
    assert result.path == out
    assert "Saved the template" in dialog.status.text()
    prs = Presentation(io.BytesIO(patch_potx(out.read_bytes())))
    assert (prs.slide_width, prs.slide_height) == (841 * 36_000, 1189 * 36_000)
    assert "Main finding" in {ph.name for ph in prs.slide_layouts[0].placeholders}
    assert prs.slides[0].shapes.title.text_frame.text.startswith("Durable Relief")
    # Kept as the default: the poster export starts from it, the slide export does not.
    assert Settings.load().default_poster_template == str(out)
    poster = ExportDialog(None, ctx, abstract, "poster")
    qtbot.addWidget(poster)
    assert poster.template() == str(out)
    qtbot.waitUntil(lambda: poster.preview.page_count() == 1, timeout=15000)
    layout = poster.preview._layout
    assert layout is not None
    assert (layout.width, layout.height) == (841 * 36_000, 1189 * 36_000)
    slides = ExportDialog(None, ctx, abstract, "slides")
    qtbot.addWidget(slides)
    assert slides.template() == "deck-professional"
    qtbot.waitUntil(lambda: slides.preview.page_count() > 0, timeout=15000)


def test_slide_template_and_a_bad_logo(
    qtbot, ctx: AppContext, abstract: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = TemplateDialog(None, ctx, kind="slides")
    qtbot.addWidget(dialog)
    assert not dialog.size_combo.isVisibleTo(dialog)
    bad = tmp_path / "logo.png"
    bad.write_text("not a picture")
    dialog.logos.setText(str(bad))
    out = tmp_path / "talk.potx"
    dialog.out_path.setText(str(out))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "open", lambda box: shown.append(box.text()))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.status.text() == "Not exported.", timeout=15000)
    assert any("The logo logo.png is not an image" in text for text in shown)
    assert not out.exists()
    dialog.logos.setText("")
    dialog.conference_combo.setCurrentIndex(1)
    with qtbot.waitSignal(dialog.export_finished, timeout=30000):
        dialog.export_button.click()
    prs = Presentation(io.BytesIO(patch_potx(out.read_bytes())))
    assert [layout.name for layout in prs.slide_layouts][:2] == ["Title", "Disclosures"]
    assert Settings.load().default_slide_template == ""
