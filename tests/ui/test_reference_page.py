from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import Account
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.pages.references_page import ReferencesPage
from scholar_desk.ui.workers import make_pool

BIB = """@article{Smith2020,
  author = {Smith, John Andrew and Lee, Kim},
  title = {Chronic pain after knee replacement},
  journal = {Pain Med}, year = {2020}, volume = {21}, number = {3}, pages = {100--110},
  doi = {10.1000/pm.1}}
@article{Doe2019, author = {Doe, Jane}, title = {Nerve blocks in the emergency department},
  journal = {Anesthesiology}, year = 2019}
@article{Broken, title = {never closed
"""


@pytest.fixture
def ctx(library: Library) -> Iterator[AppContext]:
    pool = make_pool()
    yield AppContext(library, SINGLE_USER, pool, QUndoStack())
    assert pool.waitForDone(10000)


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def test_import_dialog_dry_run_then_import(qtbot, ctx: AppContext, bib: Path) -> None:
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0
    dialog = page.import_files([bib])
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10000)
    report = dialog.report
    assert (report.imported, report.duplicates, report.skipped) == (2, 0, 1)
    assert page.model.rowCount() == 0  # nothing written by the dry run
    assert dialog._problems.rowCount() == 1
    with qtbot.waitSignal(page.import_finished, timeout=10000):
        dialog._buttons.accepted.emit()
    assert page.model.rowCount() == 2
    # Importing again shows the duplicates before anything is written.
    again = page.import_files([bib])
    qtbot.waitUntil(lambda: again.report is not None, timeout=10000)
    assert again.report.duplicates == 2
    assert again._duplicates.rowCount() == 2
    again.reject()


def test_search_detail_edit_and_citation(qtbot, ctx: AppContext, bib: Path) -> None:
    with ctx.library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.keyClicks(page.search, "knee")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    page.table.selectRow(0)
    assert page.detail.isEnabled()
    assert page.detail.edits["citation_key"].text() == "Smith2020"
    text = page.copy_citation()
    assert text == (
        "Smith JA, Lee K. Chronic pain after knee replacement. Pain Med. "
        "2020;21(3):100-110. doi:10.1000/pm.1"
    )
    assert QApplication.clipboard().text() == text
    page.detail.edits["title"].setText("Chronic pain after total knee replacement")
    page.detail.tags.setText("tka, review")
    page.detail.save_button.click()
    assert page.model.index(0, 3).data() == "Chronic pain after total knee replacement"
    page.search.setText("review")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)


def test_export_and_merge(qtbot, ctx: AppContext, bib: Path, tmp_path: Path) -> None:
    with ctx.library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
        svc.import_files(session, SINGLE_USER, [bib], on_duplicate="keep")
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 4
    assert page.export_to(tmp_path / "out.bib") == 4
    summary = page.merge_duplicates()
    assert summary is not None
    assert summary.removed == 2
    assert page.model.rowCount() == 2


def test_screenshot_with_thousands(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    text = "".join(
        f'@article{{k{i}, author = {{M{{\\"u}}ller{i % 50}, J. and Lee, K.}}, '
        f"title = {{Outcomes of genicular nerve ablation cohort {i}}}, journal = {{Pain Physician}}, "
        f"year = {{{1990 + i % 35}}}}}\n"
        for i in range(3000)
    )
    path = tmp_path / "many.bib"
    path.write_text(text, encoding="utf-8")
    with ctx.library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [path])
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.table.selectRow(2)
    assert page.model.rowCount() == 3000
    page.grab().save(str(tmp_path / "refs.png"))
    page.grab().save("/tmp/refs.png")


def _signed_in(library: Library, bib: Path) -> dict[str, AppContext]:
    """A library with references and login on; a context per role."""
    from scholar_desk.core.services import accounts

    with library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
        accounts.create_account(session, SINGLE_USER, "boss", "password123", "director")
        accounts.create_account(session, SINGLE_USER, "men", "password123", "mentor")
        found = {a.username: a for a in session.scalars(select(Account))}
        actors = {name: accounts.actor_of(row) for name, row in found.items()}
    return {name: AppContext(library, a, make_pool(), QUndoStack()) for name, a in actors.items()}


def test_a_mentor_reads_the_library_but_cannot_change_it(
    qtbot, library: Library, bib: Path
) -> None:
    contexts = _signed_in(library, bib)
    page = ReferencesPage(contexts["men"])
    qtbot.addWidget(page)
    assert page.model.rowCount() == 2
    for button in (page.import_button, page.merge_button):
        assert not button.isEnabled()
        assert button.toolTip() == "Mentors can read the reference library, not change it."
    assert page.export_button.isEnabled()
    assert page.cite_button.isEnabled()
    page.table.selectRow(0)
    assert page.detail.detail is not None
    assert not page.detail.save_button.isEnabled()
    assert page.detail.tags.isReadOnly()
    assert page.detail.edits["title"].isReadOnly()
    # Drops and Edit > Delete come here too: refused with a status message, nothing written.
    with qtbot.waitSignal(page.status_changed) as status:
        assert page.import_files([bib]) is None
    assert "Not imported" in status.args[0]
    with qtbot.waitSignal(page.status_changed) as status:
        page.delete_selected()
    assert "Not deleted" in status.args[0]
    page.reload()
    assert page.model.rowCount() == 2


def test_a_director_may_change_the_library(qtbot, library: Library, bib: Path) -> None:
    page = ReferencesPage(_signed_in(library, bib)["boss"])
    qtbot.addWidget(page)
    assert page.import_button.isEnabled()
    assert page.merge_button.isEnabled()
    page.table.selectRow(0)
    assert page.detail.save_button.isEnabled()
    assert not page.detail.tags.isReadOnly()


def test_cite_in_and_remove_link(qtbot, ctx: AppContext, bib: Path) -> None:
    from scholar_desk.core.services import citations, items

    with ctx.library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
        fellow = items.create_item(
            session, SINGLE_USER, "person", {"given_name": "Maya", "family_name": "Patel"}
        )
        abstract = items.create_item(
            session, SINGLE_USER, "abstract", {"title": "GNRFA", "owner_id": fellow.id}
        )
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.cite_selected() is None  # nothing selected yet
    page.table.selectAll()
    dialog = page.cite_selected()
    assert dialog is not None
    with qtbot.waitSignal(dialog.finished, timeout=3000):
        dialog.accept()
    with ctx.library.reading() as session:
        cited = citations.citations(session, SINGLE_USER, "abstract", abstract.id)
    assert len(cited) == 2
    page.table.clearSelection()
    page.table.selectRow(0)
    assert page.detail.links.count() == 1
    assert page.detail.links.item(0).text() == "Abstract: GNRFA"
    page.detail.links.setCurrentRow(0)
    assert page.detail.unlink_button.isEnabled()
    page.detail.unlink_button.click()
    assert page.detail.links.count() == 0
    with ctx.library.reading() as session:
        assert len(citations.citations(session, SINGLE_USER, "abstract", abstract.id)) == 1


def test_rekey_selected_from_a_pattern(qtbot, ctx: AppContext, bib: Path) -> None:
    with ctx.library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.rekey_selected() is None
    page.table.selectAll()
    dialog = page.rekey_selected()
    assert dialog is not None
    dialog.pattern_edit.setText("{journal}{year}")
    with qtbot.waitSignal(page.status_changed, timeout=3000) as said:
        dialog.accept()
    assert said.args == ["2 citation keys regenerated"]
    with ctx.library.reading() as session:
        keys = sorted(row["citation_key"] for row in svc.list_references(session, SINGLE_USER))
    assert keys == ["A2019", "PM2020"]


def test_rekey_with_a_bad_pattern_changes_nothing(qtbot, ctx: AppContext, bib: Path) -> None:
    with ctx.library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    page.table.selectAll()
    dialog = page.rekey_selected()
    qtbot.addWidget(dialog)
    dialog.pattern_edit.setText("{nope}")
    dialog.accept()
    assert dialog.changed is None
    assert dialog.isVisible()
    boxes = dialog.findChildren(QMessageBox)
    assert any("not a usable key pattern" in b.text() for b in boxes)
    with ctx.library.reading() as session:
        keys = sorted(row["citation_key"] for row in svc.list_references(session, SINGLE_USER))
    assert keys == ["Doe2019", "Smith2020"]


def test_export_asks_before_replacing_and_never_writes_onto_the_database(
    qtbot, ctx: AppContext, bib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scholar_desk.ui.dialogs.replace_dialog import ReplaceDialog

    with ctx.library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    out = tmp_path / "out.bib"
    out.write_text("precious")
    asked: list[Path] = []
    answer = [False]

    def ask(_parent: object, path: Path) -> bool:
        asked.append(Path(path))
        return answer[0]

    monkeypatch.setattr(ReplaceDialog, "ask", classmethod(lambda cls, p, path: ask(p, path)))
    assert page.export_to(out) == 0
    assert out.read_text() == "precious"
    answer[0] = True
    assert page.export_to(out) == 2
    assert "@article" in out.read_text()
    assert asked == [out, out]
    errors: list[str] = []
    monkeypatch.setattr(
        "scholar_desk.ui.pages.references_page.show_error",
        lambda _parent, exc: errors.append(exc.user_message),
    )
    db = ctx.library.path
    assert db is not None
    before = db.read_bytes()[:100]
    assert page.export_to(db) == 0  # even after the user said "replace"
    assert "open database" in errors[0]
    assert db.read_bytes()[:100] == before


def _two_fellows_citing(library: Library, bib: Path) -> tuple[dict[str, AppContext], int]:
    """Ann's and Ben's abstracts cite the same reference; a context per account."""
    from scholar_desk.core.services import accounts, citations, items

    with library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [bib])
        people = {
            n: items.create_item(
                session, SINGLE_USER, "person", {"given_name": n, "family_name": "Doe"}
            ).id
            for n in ("Ann", "Ben")
        }
        ref = svc.reference_ids(session, SINGLE_USER, sort="citation_key")[0]
        for name, title in (("Ann", "Ann's secret abstract"), ("Ben", "Ben's abstract")):
            abstract = items.create_item(
                session, SINGLE_USER, "abstract", {"title": title, "owner_id": people[name]}
            )
            citations.cite(session, SINGLE_USER, "abstract", abstract.id, [ref])
        accounts.create_account(session, SINGLE_USER, "boss", "password123", "director")
        boss = accounts.login(session, "boss", "password123")
        accounts.create_account(session, boss, "ben", "password123", "fellow", people["Ben"])
        found = {a.username: a for a in session.scalars(select(Account))}
        actors = {name: accounts.actor_of(row) for name, row in found.items()}
    contexts = {n: AppContext(library, a, make_pool(), QUndoStack()) for n, a in actors.items()}
    return contexts, ref


def test_cited_by_and_delete_respect_other_fellows(
    qtbot, library: Library, bib: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    contexts, ref = _two_fellows_citing(library, bib)
    page = ReferencesPage(contexts["ben"])
    qtbot.addWidget(page)
    page.select_id(ref)
    texts = [page.detail.links.item(i).text() for i in range(page.detail.links.count())]
    assert texts == ["Abstract: Ben's abstract"]  # not Ann's
    page.delete_selected()
    box = next(b for b in page.findChildren(QMessageBox) if b.isVisible())
    assert "Ann" not in box.text()
    errors: list[str] = []
    monkeypatch.setattr(
        "scholar_desk.ui.operations.show_error",
        lambda parent, exc: errors.append(exc.user_message),
    )
    box.accept()
    assert errors
    assert "1 of the 1 selected references are cited by other fellows' work" in errors[0]
    boss = contexts["boss"].actor
    with library.reading() as session:
        assert ref in svc.reference_ids(session, boss)
    # A director's confirmation names every citing record before the delete.
    boss_page = ReferencesPage(contexts["boss"])
    qtbot.addWidget(boss_page)
    boss_page.select_id(ref)
    boss_page.delete_selected()
    box = next(b for b in boss_page.findChildren(QMessageBox) if b.isVisible())
    assert "Ann's secret abstract" in box.text()
    assert "Ben's abstract" in box.text()
    box.accept()
    with library.reading() as session:
        assert ref not in svc.reference_ids(session, boss)
    for ctx in contexts.values():
        assert ctx.pool.waitForDone(5000)


def test_page_paints_a_first_screen_then_reads_the_rest(
    qtbot, ctx: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "many.bib"
    path.write_text(
        "".join(f"@article{{k{i}, title = {{Title {i:04d}}}, year = 2020}}\n" for i in range(400)),
        encoding="utf-8",
    )
    with ctx.library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [path])
    page = ReferencesPage(ctx)
    qtbot.addWidget(page)
    assert page.model.partial  # built from the count and the first rows only
    assert page.count_label.text() == "400 references"
    page.show()
    qtbot.waitUntil(lambda: not page.model.partial, timeout=5000)
    assert page.model.rowCount() == 400
    assert page.model.index(399, 3).data() == "Title 0399"
