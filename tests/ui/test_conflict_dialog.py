"""The conflict dialog: both versions side by side, a choice per field."""

from __future__ import annotations

from scholar_desk.core.errors import ConflictError
from scholar_desk.ui.dialogs.conflict_dialog import MINE, THEIRS, ConflictDialog


def _conflict() -> ConflictError:
    return ConflictError(
        "project",
        7,
        mine={"title": "My title", "notes": "my notes", "status": "writing"},
        theirs={"title": "Their title", "notes": "their notes", "status": "writing", "kind": "x"},
        theirs_version=4,
    )


def test_shows_each_field_with_both_values(qtbot):
    dlg = ConflictDialog(_conflict())
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 3
    rows = {
        dlg.table.item(r, 0).text(): (dlg.table.item(r, 1).text(), dlg.table.item(r, 2).text())
        for r in range(3)
    }
    assert rows["Title"] == ("My title", "Their title")
    assert rows["Notes"] == ("my notes", "their notes")
    # Equal values need no choice.
    assert not dlg.choices["status"].isEnabled()


def test_choose_per_field_and_accept(qtbot):
    dlg = ConflictDialog(_conflict())
    qtbot.addWidget(dlg)
    dlg.open()
    dlg.choose("notes", THEIRS)
    with qtbot.waitSignal(dlg.finished):
        dlg.accept()
    assert dlg.chosen_values() == {
        "title": "My title",
        "notes": "their notes",
        "status": "writing",
    }
    assert dlg.changes_to_save() == {"title": "My title"}


def test_keep_all(qtbot):
    dlg = ConflictDialog(_conflict())
    qtbot.addWidget(dlg)
    dlg.choose_all(THEIRS)
    assert dlg.changes_to_save() == {}
    dlg.choose_all(MINE)
    assert dlg.changes_to_save() == {"title": "My title", "notes": "my notes"}


def test_a_conflict_without_details_just_explains(qtbot):
    dlg = ConflictDialog(ConflictError("record", 0, {}, {}, 0))
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 0
    assert dlg.chosen_values() == {}
