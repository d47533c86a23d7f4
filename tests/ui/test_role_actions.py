"""What a role may not do is greyed, with the reason core gives, before anyone clicks Save."""

from __future__ import annotations

from scholar_desk.ui.main_window import MainWindow


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_mentor_is_not_offered_new_project(qtbot, demo_ctx):
    window = _window(qtbot, demo_ctx("mentor"))
    page = window.show_page("projects")
    assert page.model.rowCount() > 0  # the mentees' projects are listed
    assert not page.new_button.isEnabled()
    assert page.new_action.toolTip() == "Mentors can read and comment, not create projects."
    assert not window.new_action.isEnabled()
    assert window.new_action.toolTip() == page.new_action.toolTip()
    page.table.selectRow(0)
    assert not page.edit_action.isEnabled()
    assert page.delete_action.toolTip() == "Mentors can read and comment, not delete projects."
    assert not window.delete_action.isEnabled()
    assert not window.import_action.isEnabled()
    assert window.import_action.toolTip() == (
        "Mentors can read the reference library, not change it."
    )


def test_a_fellow_may_create_and_edit_own_work(qtbot, demo_ctx):
    window = _window(qtbot, demo_ctx("fellow1"))
    page = window.show_page("projects")
    assert page.new_button.isEnabled()
    assert window.new_action.isEnabled()
    assert not page.edit_action.isEnabled()  # nothing selected yet
    page.table.selectRow(0)
    assert page.edit_action.isEnabled()
    assert window.edit_action.isEnabled()
    people = window.show_page("people")
    assert people.new_action.isEnabled()  # the shared catalog
