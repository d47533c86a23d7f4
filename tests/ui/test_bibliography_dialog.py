"""The reference list dialog: a manuscript's list in its journal's style, another style
picked, copied to the clipboard and exported as a Word document."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from PySide6.QtWidgets import QApplication

from scholar_desk.core.formats import csl
from scholar_desk.core.services import citations
from scholar_desk.ui import operations
from scholar_desk.ui.dialogs.bibliography_dialog import BibliographyDialog
from scholar_desk.ui.pages.record_list_page import RecordListPage
from scholar_desk.ui.pages.references_page import ReferencesPage


def _cite_three(ctx) -> list[int]:
    with ctx.library.transaction() as session:
        listed = citations.cite(session, ctx.actor, "manuscript", 1, [1, 2, 3])
    return [c.reference_id for c in listed]


def test_manuscript_list_in_its_journals_style_then_apa_copied_and_exported(
    qtbot, demo_ctx, tmp_path: Path
) -> None:
    ctx = demo_ctx("fellow1")
    _cite_three(ctx)
    page = RecordListPage(ctx, "manuscript")
    qtbot.addWidget(page)
    page.show()
    assert page.bibliography_action is not None
    row = next(r for r in range(page.model.rowCount()) if page.model.record_at(r).id == 1)
    page.table.selectRow(page.proxy.mapFromSource(page.model.index(row, 0)).row())
    assert page.bibliography_action.isEnabled()
    dialog = page.show_reference_list()
    assert isinstance(dialog, BibliographyDialog)
    qtbot.addWidget(dialog)
    assert "Regional Anesthesia & Pain Medicine" in dialog.reason.text()
    assert dialog.listing is not None
    assert dialog.listing.formatted.style == "bmj"
    html = dialog.preview.toHtml()
    assert "<i>" in html or "italic" in html  # BMJ sets the journal in italics

    apa = dialog.style_combo.findData("apa")
    dialog.style_combo.setCurrentIndex(apa)
    assert dialog.listing.formatted.style == "apa"
    text = dialog.copy()
    assert text.count("\n") == 3
    assert "(20" in text
    assert QApplication.clipboard().text() == text
    assert QApplication.clipboard().mimeData().hasHtml()

    out = tmp_path / "references.docx"
    assert dialog.export_to(out) == out
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert paragraphs[0] == "References"
    assert paragraphs[1:] == text.splitlines()
    dialog.close()


def test_references_page_lists_selected_references_in_a_chosen_style(qtbot, demo_ctx) -> None:
    ctx = demo_ctx("mentor")  # reading is enough
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.table.selectRow(0)
    dialog = page.show_reference_list()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.style_combo.setCurrentIndex(dialog.style_combo.findData("vancouver"))
    assert dialog.listing is not None
    assert len(dialog.listing.formatted.entries) == 1
    assert dialog.copy().startswith("1. ")
    dialog.close()


def test_a_style_file_is_added_and_chosen(
    qtbot, demo_ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = demo_ctx("fellow1")
    dialog = BibliographyDialog(ctx, reference_ids=[1, 2])
    qtbot.addWidget(dialog)
    style = tmp_path / "Department Vancouver.csl"
    style.write_bytes(csl.shipped_style_xml("vancouver"))
    assert dialog.add_style(style) == "department-vancouver"
    assert dialog.chosen_style() == "department-vancouver"
    assert dialog.listing is not None
    assert dialog.listing.formatted.style == "department-vancouver"
    broken = tmp_path / "broken.csl"
    broken.write_text("<style>", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(operations, "show_error", lambda _parent, exc: shown.append(str(exc)))
    assert dialog.add_style(broken) is None
    assert shown
    assert "broken.csl, line 1: not well-formed XML" in shown[0]
    dialog.close()
