"""One look: headings on every page, people's names on comments, audit changes in words."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from scholar_desk.core.services import comments, items
from scholar_desk.ui.pages.audit_page import AuditPage
from scholar_desk.ui.pages.mentor_page import MentorPage
from scholar_desk.ui.pages.references_page import ReferencesPage


def _heading(page) -> str:
    titles = [w.text() for w in page.findChildren(QLabel) if w.objectName() == "pageTitle"]
    assert len(titles) == 1
    return titles[0]


def test_mentees_references_and_audit_have_page_headings(qtbot, demo_ctx):
    mentor_ctx = demo_ctx("mentor")
    director_ctx = demo_ctx("director")
    for page, title in (
        (MentorPage(mentor_ctx), "Mentees"),
        (ReferencesPage(director_ctx), "References"),
        (AuditPage(director_ctx), "Audit log"),
    ):
        qtbot.addWidget(page)
        assert _heading(page) == title
    assert page.model.rowCount() > 0
    change = page.model.index(0, page.model.columnCount() - 1).data()
    assert "{" not in change


def test_comments_show_the_authors_name_not_the_user_name(qtbot, demo_ctx):
    ctx = demo_ctx("mentor")
    with ctx.library.transaction() as session:
        project = items.list_items(session, ctx.actor, "project")[0]
        comments.add_comment(session, ctx.actor, "project", project.id, "Tighten the aims.")
    page = MentorPage(ctx)
    qtbot.addWidget(page)
    with ctx.library.reading() as session:
        shown = comments.list_comments(session, ctx.actor, "project", project.id)
    assert shown[-1].author == "Sarah Lindqvist, MD, PhD"
