from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from scholar_desk.core.db.models import Reference
from scholar_desk.core.services import citations, items
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.dialogs.cite_dialog import CiteDialog
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def ctx(library):
    pool = make_pool()
    yield AppContext(library, SINGLE_USER, pool, QUndoStack(), DataEvents())
    assert pool.waitForDone(5000)


def _seed(library):
    with library.transaction() as s:
        fellow = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "Maya", "family_name": "Patel"}
        )
        abstract = items.create_item(
            s, SINGLE_USER, "abstract", {"title": "GNRFA", "owner_id": fellow.id}
        )
        project = items.create_item(
            s,
            SINGLE_USER,
            "project",
            {"title": "Knee RFA", "kind": "clinical study", "owner_id": fellow.id},
        )
        refs = []
        for n in range(2):
            row = Reference(
                citation_key=f"k{n}", authors="Choi, Ann", title=f"Work {n}", extra_fields={}
            )
            s.add(row)
            s.flush()
            refs.append(row.id)
    return abstract.id, project.id, refs


def test_cite_dialog_cites_in_the_chosen_record(qtbot, ctx, library):
    abstract, project, refs = _seed(library)
    dialog = CiteDialog(ctx, refs)
    qtbot.addWidget(dialog)
    labels = [dialog.target_combo.itemText(i) for i in range(dialog.target_combo.count())]
    assert labels == ["Abstract: GNRFA", "Project: Knee RFA"]
    dialog.target_combo.setCurrentIndex(1)
    with (
        qtbot.waitSignal(ctx.events.changed, timeout=2000),
        qtbot.waitSignal(dialog.finished, timeout=2000),
    ):
        dialog.accept()
    with library.reading() as s:
        cited = citations.citations(s, SINGLE_USER, "project", project)
        assert citations.citations(s, SINGLE_USER, "abstract", abstract) == []
    assert [c.reference_id for c in cited] == refs
    assert [c.number for c in dialog.result_list] == [1, 2]


def test_cite_dialog_without_targets_cannot_cite(qtbot, ctx):
    dialog = CiteDialog(ctx, [1])
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    assert "no abstract" in dialog.hint.text()
