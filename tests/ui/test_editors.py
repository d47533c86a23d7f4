"""Project and manuscript editors: mentors, tags, notes, the byline; the project page's actions."""

from __future__ import annotations

from PySide6.QtCore import Qt

from scholar_desk.core.services import items, projects, submissions
from scholar_desk.ui.dialogs.record_editor import RecordEditor
from scholar_desk.ui.pages.project_detail import ProjectDetail
from scholar_desk.ui.widgets.record_extras import AuthorList, ProjectLinks


def _project(ctx, title_part: str):
    with ctx.library.reading() as session:
        rows = items.list_items(session, ctx.actor, "project")
    return next(r for r in rows if title_part in r.label)


def _save(qtbot, editor: RecordEditor) -> None:
    with qtbot.waitSignal(editor.finished, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)


def test_project_editor_sets_mentors_tags_and_notes_in_one_undo_step(qtbot, demo_ctx):
    ctx = demo_ctx("fellow1")
    project = _project(ctx, "Basivertebral")
    editor = RecordEditor(ctx, "project", project)
    qtbot.addWidget(editor)
    links = editor.extras[0]
    assert isinstance(links, ProjectLinks)
    before = (links.mentor_ids(), links.tags())
    links.mentor_filter.setText("okafor")
    visible = [
        links.mentors.item(r) for r in range(links.mentors.count())
        if not links.mentors.item(r).isHidden()
    ]  # fmt: skip
    assert len(visible) == 1
    visible[0].setCheckState(Qt.CheckState.Checked)
    links.tags_edit.setText("spine, RFA, spine")
    editor.fields["notes"].widget.setPlainText("Ask radiology for the MRI read-outs.")
    assert editor.extras_dirty()
    _save(qtbot, editor)
    with ctx.library.reading() as session:
        summary = projects.project_summary(session, ctx.actor, project.id)
    assert summary.tags == ("RFA", "spine")
    assert len(summary.mentor_ids) == len(before[0]) + 1
    assert summary.notes == "Ask radiology for the MRI read-outs."
    assert ctx.undo.count() == 1  # fields and links: one step
    ctx.undo.undo()
    with ctx.library.reading() as session:
        summary = projects.project_summary(session, ctx.actor, project.id)
    assert (summary.mentor_ids, summary.tags) == before
    assert summary.notes != "Ask radiology for the MRI read-outs."


def test_project_page_shows_notes_and_adds_outputs_prelinked(qtbot, demo_ctx, monkeypatch):
    ctx = demo_ctx("fellow1")
    project = _project(ctx, "Basivertebral")
    with ctx.library.transaction() as session:
        items.update_item(
            session, ctx.actor, "project", project.id, {"notes": "Data lock in May."}
        )
    page = ProjectDetail(ctx, project)
    qtbot.addWidget(page)
    page.show()
    assert page.notes_label.isVisible()
    assert page.notes_label.text() == "Data lock in May."
    assert page.edit_button.isEnabled()
    editor = page.add_output("abstract")
    assert isinstance(editor, RecordEditor)
    assert editor.fields["project_id"].raw() == project.id
    editor.fields["title"].widget.setText("Basivertebral ablation at one year")
    _save(qtbot, editor)
    assert "Basivertebral ablation at one year" in [r.title_label.text() for r in page.output_rows]
    new = page.new_item()
    assert isinstance(new, RecordEditor)
    assert new.kind.name == "project"
    new.reject()


def test_project_page_greys_edit_for_a_mentor_with_the_reason(qtbot, demo_ctx):
    ctx = demo_ctx("mentor")
    with ctx.library.reading() as session:
        project = items.list_items(session, ctx.actor, "project")[0]
    page = ProjectDetail(ctx, project)
    qtbot.addWidget(page)
    assert not page.edit_button.isEnabled()
    assert page.edit_button.toolTip() == "Mentors can read and comment, not change projects."
    assert not page.add_buttons["abstract"].isEnabled()
    assert page.add_buttons["abstract"].toolTip() == (
        "Mentors can read and comment, not create abstracts."
    )


def test_byline_add_inline_reorder_by_keyboard_and_drag_remove(qtbot, demo_ctx):
    ctx = demo_ctx("fellow1")
    with ctx.library.reading() as session:
        manuscript = items.list_items(session, ctx.actor, "manuscript")[0]
        stored = submissions.manuscript_authors(session, ctx.actor, manuscript.id)
    editor = RecordEditor(ctx, "manuscript", manuscript)
    qtbot.addWidget(editor)
    editor.show()
    byline = editor.extras[0]
    assert isinstance(byline, AuthorList)
    assert [a.person_id for a in byline.authors()] == [a.person_id for a in stored]
    assert "first" in byline.list.item(0).text()
    # A new person, typed inline.
    byline.person_combo.setEditText("Rosa Quintero")
    qtbot.mouseClick(byline.add_button, Qt.MouseButton.LeftButton)
    assert byline.authors()[-1].name == "Rosa Quintero"
    assert byline.authors()[-1].person_id is None
    # Keyboard: Alt+Up moves the new author to the front.
    byline.list.setFocus()
    byline.list.setCurrentRow(byline.list.count() - 1)
    for _ in range(len(stored)):
        qtbot.keyClick(byline.list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert byline.authors()[0].name == "Rosa Quintero"
    assert byline.list.item(0).text().startswith("1. Rosa Quintero  —  first")
    qtbot.mouseClick(byline.corresponding_box, Qt.MouseButton.LeftButton)
    # Drag: the model moves rows as a drop does; the numbering follows.
    model = byline.list.model()
    assert model.moveRow(model.index(0, 0).parent(), 1, model.index(0, 0).parent(), 0)
    assert byline.authors()[1].name == "Rosa Quintero"
    assert byline.list.item(1).text().startswith("2. Rosa Quintero")
    # Remove the last one with Delete.
    byline.list.setCurrentRow(byline.list.count() - 1)
    removed = byline.authors()[-1]
    qtbot.keyClick(byline.list, Qt.Key.Key_Delete)
    assert removed not in byline.authors()
    wanted = [a.name for a in byline.authors()]
    _save(qtbot, editor)
    with ctx.library.reading() as session:
        saved = submissions.manuscript_authors(session, ctx.actor, manuscript.id)
    assert [a.name for a in saved] == wanted
    assert saved[1].corresponding
    ctx.undo.undo()
    with ctx.library.reading() as session:
        back = submissions.manuscript_authors(session, ctx.actor, manuscript.id)
        people = [p.label for p in items.list_items(session, ctx.actor, "person")]
    assert [a.person_id for a in back] == [a.person_id for a in stored]
    assert "Rosa Quintero" not in people
