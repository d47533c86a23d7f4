"""The conflict chooser: only the fields both sides changed, side by side, with who and when."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel

from scholar_desk.core.services.merge import Clash
from scholar_desk.ui.dialogs.conflict_dialog import MINE, THEIRS, ConflictDialog

AT = dt.datetime(2026, 11, 30, 14, 5, tzinfo=dt.UTC)


def _clashes():
    return [
        Clash("title", "Title", "Old", "My title", "Their title", "omar", AT),
        Clash("section:results", "Results", "r0", None, "r-theirs", "", None),
    ]


def test_shows_each_clash_with_both_values_and_who_saved_it(qtbot):
    dlg = ConflictDialog("project", _clashes(), ["Notes"])
    qtbot.addWidget(dlg)
    mine, theirs, who = dlg.texts["title"]
    assert (mine, theirs) == ("My title", "Their title")
    local = AT.astimezone().strftime("%Y-%m-%d %H:%M")
    assert who == f"Saved by omar, {local}"
    assert dlg.texts["section:results"][:2] == ("(you removed this section)", "r-theirs")
    assert dlg.texts["section:results"][2] == "Saved by another window"
    assert "Notes" in dlg.kept_label.text()
    labels = " ".join(label.text() for label in dlg.findChildren(QLabel))
    assert "save again" not in labels
    # Values wrap instead of being clipped.
    values = [lbl for lbl in dlg.findChildren(QLabel) if lbl.text() == "Their title"]
    assert values
    assert values[0].wordWrap()


def test_choose_per_clash_and_accept(qtbot):
    dlg = ConflictDialog("project", _clashes())
    qtbot.addWidget(dlg)
    dlg.open()
    dlg.choose("section:results", THEIRS)
    with qtbot.waitSignal(dlg.finished):
        dlg.accept()
    assert dlg.choices() == {"title": MINE, "section:results": THEIRS}


def test_keep_all(qtbot):
    dlg = ConflictDialog("project", _clashes())
    qtbot.addWidget(dlg)
    dlg.choose_all(THEIRS)
    assert set(dlg.choices().values()) == {THEIRS}
    dlg.choose_all(MINE)
    assert set(dlg.choices().values()) == {MINE}
