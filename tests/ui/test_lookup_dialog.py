"""The window's lookup: add by identifier in the background (one undo step), a retraction
check flagging the row, and the cite dialog warning before a flagged reference is cited.
A local server answers with recorded Crossref and PubMed responses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lookup_server import DATA, PLOS_DOI, Routes, serving
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from scholar_desk.core.db import models as m
from scholar_desk.core.services import citations
from scholar_desk.core.settings import Settings
from scholar_desk.ui.dialogs.cite_dialog import CiteDialog
from scholar_desk.ui.dialogs.export_dialog import ExportDialog
from scholar_desk.ui.dialogs.lookup_dialog import LookupDialog
from scholar_desk.ui.models.reference_table import FLAG_ROLE
from scholar_desk.ui.pages.references_page import ReferencesPage


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[Routes]:
    with serving() as (base, routes):
        monkeypatch.setenv("SCHOLAR_DESK_CROSSREF_URL", base)
        monkeypatch.setenv("SCHOLAR_DESK_EUTILS_URL", base)
        monkeypatch.setenv("SCHOLAR_DESK_LOOKUP_TIMEOUT", "1")
        yield routes


def _count(ctx) -> int:
    with ctx.library.reading() as session:
        return session.query(m.Reference).count()


def test_add_by_identifier_then_undo(qtbot, demo_ctx, services: Routes) -> None:
    ctx = demo_ctx("fellow1")
    before = _count(ctx)
    dialog = LookupDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.edit.setPlainText(f"{PLOS_DOI}\n27797938\nnonsense")
    dialog.mailto.setText("fellow@hospital.org")
    operation = dialog.start()
    assert operation is not None
    assert "'nonsense' is not a DOI" in dialog.problems.toPlainText()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    assert dialog.report.imported == 2
    assert _count(ctx) == before + 2
    assert dialog.status.text().startswith("Added 2 (0 already in the library).")
    assert ctx.undo.undoText() == "Add references by identifier"
    assert Settings.load().lookup_mailto == "fellow@hospital.org"  # kept for next time
    assert any(
        "mailto=fellow%40hospital.org" in hit or "fellow@hospital.org" in hit
        for hit in services.queries
    )
    ctx.undo.undo()
    assert _count(ctx) == before
    dialog.close()


def test_retraction_check_flags_the_row_and_the_cite_dialog_warns(
    qtbot, demo_ctx, services: Routes, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = demo_ctx("fellow1")
    dialog = LookupDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.edit.setPlainText(PLOS_DOI)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    services.table[f"/works/{PLOS_DOI}"] = (
        200,
        (DATA / "crossref_retracted_derived.json").read_bytes(),
        0.0,
    )
    with ctx.library.reading() as session:
        ref_id = session.query(m.Reference.id).filter(m.Reference.doi.ilike(PLOS_DOI)).scalar()
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    said: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _parent, _title, text: said.append(text)
    )
    page.check_retractions([ref_id])
    qtbot.waitUntil(lambda: bool(said), timeout=20000)
    assert "1 flagged" in said[0]
    page.model.refresh()
    row = page.model.row_of(ref_id)
    flag = page.model.index(row, 3).data(FLAG_ROLE)
    assert flag.startswith("Retracted 2012-05-08 (notice 10.1371/annotation/")
    assert page.model.index(row, 3).data(Qt.ItemDataRole.DecorationRole) is not None
    assert page.model.index(row, 3).data(Qt.ItemDataRole.ToolTipRole).startswith("Retracted")
    cite = CiteDialog(ctx, [ref_id])
    qtbot.addWidget(cite)
    assert cite.hint.text().startswith("Check before citing:")
    assert "Retracted 2012-05-08" in cite.hint.text()
    # Cited in an abstract, the deck and poster export says so before anything is written.
    with ctx.library.transaction() as session:
        abstract = (
            session.query(m.Abstract.id)
            .filter(m.Abstract.owner_id == ctx.actor.person_id)
            .first()[0]
        )
        citations.cite(session, ctx.actor, "abstract", abstract, [ref_id])
    export = ExportDialog(None, ctx, abstract, "poster")
    qtbot.addWidget(export)
    assert not export.flag_note.isHidden()
    assert "Retracted 2012-05-08" in export.flag_note.text()
