"""The fellow's record page, driven like a person would: choose a fellow, read, save."""

import datetime as dt
import re

import pytest
from career_data import seed_career
from docx import Document
from PySide6.QtGui import QUndoStack

from scholar_desk.core import clock
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.pages.career_page import CareerPage
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def seeded(library):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    return seed_career(library)


@pytest.fixture
def pool():
    pool = make_pool()
    yield pool
    assert pool.waitForDone(5000)


@pytest.fixture
def page(qtbot, library, seeded, pool):
    ctx = AppContext(library, SINGLE_USER, pool, QUndoStack(), DataEvents())
    page = CareerPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    return page


def test_cv_tab_shows_sections_with_the_fellow_in_bold(page, seeded):
    page.set_fellow(seeded.ana)
    tab = page.cv_tab
    assert tab.cv is not None
    assert tab.cv.fellow == "Ana Reyes, MD"
    text = tab.preview.toPlainText()
    assert "Peer-reviewed publications (3)" in text
    assert "Abstracts and posters (3)" in text
    assert re.search(r"font-weight:\s*(700|bold)[^>]*>Reyes A<", tab.preview.toHtml())
    assert tab.summary.text() == "3 peer-reviewed papers, 10 entries in all"


def test_since_narrows_the_cv(page, seeded, qtbot):
    page.set_fellow(seeded.ana)
    tab = page.cv_tab
    with qtbot.waitSignal(tab.reloaded, timeout=2000):
        tab.all_dates.setChecked(False)
    with qtbot.waitSignal(tab.reloaded, timeout=2000):
        tab.since.setDate(dt.date(2026, 11, 1))
    assert tab.cv.since == dt.date(2026, 11, 1)
    assert "Peer-reviewed publications" not in tab.preview.toPlainText()


def test_save_as_word_from_the_tab(page, seeded, qtbot, tmp_path):
    page.set_fellow(seeded.ana)
    out = tmp_path / "ana.docx"
    with qtbot.waitSignal(page.cv_tab.saver.saved, timeout=10000) as blocker:
        page.cv_tab.save(str(out))
    assert blocker.args == [str(out)]
    headings = [p.text for p in Document(str(out)).paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Peer-reviewed publications (3)"


def test_switching_fellow_shows_their_cv(page, seeded):
    page.set_fellow(seeded.ben)
    assert page.cv_tab.cv.fellow == "Ben Stone, DO"
    assert "Ana" not in page.cv_tab.preview.toPlainText()


def _cells(table):
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_requirements_tab_shows_progress_and_the_overview(page, seeded):
    page.set_fellow(seeded.ana)
    tab = page.requirements_tab
    page.tabs.setCurrentWidget(tab)
    assert "Pain Medicine Fellowship (example)" in tab.program_label.text()
    assert "an example set" in tab.program_label.text()
    rows = _cells(tab.table)
    assert [r[1] for r in rows] == [
        "\u2713 met",
        "\u2713 met",
        "\u2013 not started",
        "\u2026 in progress (1 of 2)",
    ]
    assert "Genicular RFA: durable relief" in rows[0][2]
    overview = _cells(tab.grid)
    assert [r[:2] for r in overview] == [["Ana Reyes, MD", "2 of 4"], ["Ben Stone, DO", "0 of 4"]]
    assert tab.edit_button.isVisibleTo(page)


def test_director_edits_the_requirements_in_the_window(page, seeded, monkeypatch, qtbot):
    from scholar_desk.ui.dialogs.program_dialog import ProgramDialog

    page.set_fellow(seeded.ben)
    tab = page.requirements_tab
    new = (
        '[program]\nname = "Our program"\n\n[[requirement]]\ntitle = "One grand rounds"\n'
        'kind = "presentation"\npresentation_kind = ["grand rounds"]\nmet_when = "scheduled"\n'
    )
    monkeypatch.setattr(ProgramDialog, "ask", classmethod(lambda cls, parent, text, ex: new))
    with qtbot.waitSignal(tab.reloaded, timeout=2000):
        tab._on_edit_clicked()
    assert "<b>Our program</b>: 1 requirements" in tab.program_label.text()
    assert _cells(tab.table)[0][:2] == ["1. One grand rounds", "\u2713 met"]


def test_program_dialog_keeps_a_bad_file_open_at_its_line(qtbot):
    from scholar_desk.ui.dialogs.program_dialog import ProgramDialog

    dialog = ProgramDialog('[program]\nname = "X"\n\n[[requirement]]\nkind = "paper"\n', "")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.text().startswith("program.toml, line 4: requirement 1:")
    assert dialog.editor.textCursor().blockNumber() == 3
    dialog.editor.setPlainText('[[requirement]]\ntitle = "A"\nkind = "abstract"\n')
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_meetings_tab_records_a_meeting_with_an_action_task(page, seeded, monkeypatch, qtbot):
    from scholar_desk.core.services import items
    from scholar_desk.core.services.session import SINGLE_USER
    from scholar_desk.ui.dialogs.meeting_dialog import MeetingDialog, MeetingInput

    page.set_fellow(seeded.ana)
    tab = page.meetings_tab
    assert tab.summary.text() == "0 meetings, 0 open actions"
    entry = MeetingInput(
        dt.date(2026, 11, 20),
        "Dr Lind",
        "Chose the QI project",
        (("Send the protocol draft", dt.date(2026, 12, 15)),),
    )
    monkeypatch.setattr(MeetingDialog, "ask", classmethod(lambda cls, p, name, today: entry))
    with qtbot.waitSignal(tab.reloaded, timeout=2000):
        tab._on_add_clicked()
    assert tab.summary.text() == "1 meeting, 1 open action"
    assert "Send the protocol draft" in tab.log.toPlainText()
    with page.ctx.library.reading() as s:
        tasks = [d.label for d in items.list_items(s, SINGLE_USER, "deadline")]
    assert "Send the protocol draft" in tasks


def test_meeting_dialog_refuses_an_action_without_a_date(qtbot):
    from scholar_desk.ui.dialogs.meeting_dialog import MeetingDialog

    dialog = MeetingDialog("Ana", dt.date(2026, 11, 27))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.actions.setPlainText("2026-12-01: Book the room\nsoon: send it")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.text() == "Action line 2: write it as 2026-12-15: Send the draft."
    dialog.actions.setPlainText("2026-12-01: Book the room")
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        dialog.accept()
    assert dialog.value().actions == (("Book the room", dt.date(2026, 12, 1)),)


def test_review_packet_from_the_meetings_tab(page, seeded, qtbot, tmp_path):
    from pypdf import PdfReader

    page.set_fellow(seeded.ana)
    out = tmp_path / "packet.pdf"
    with qtbot.waitSignal(page.meetings_tab.saver.saved, timeout=60000):
        page.meetings_tab.save_packet(str(out))
    text = PdfReader(str(out)).pages[0].extract_text()
    assert text.startswith("Ana Reyes, MD")
    assert "Progress against requirements" in text


def test_eras_tab_ticks_at_most_three_and_saves_text(page, seeded, qtbot, tmp_path):
    from PySide6.QtCore import Qt

    page.set_fellow(seeded.ana)
    tab = page.eras_tab
    assert "ERAS 2027 season" in tab.season.text()
    for row in range(4):
        tab.entries.item(row).setCheckState(Qt.CheckState.Checked)
    assert len(tab.meaningful()) == 3
    assert "Most meaningful (up to 3):\n  1. " in tab.preview.toPlainText()
    out = tmp_path / "eras.txt"
    with qtbot.waitSignal(tab.saver.saved, timeout=60000):
        tab.save(str(out))
    text = out.read_text(encoding="utf-8")
    assert text.count("* most meaningful") == 3


def test_acgme_tab_counts_and_refusals(page, qtbot):
    tab = page.acgme_tab
    with qtbot.waitSignal(tab.reloaded, timeout=5000):
        tab.year.setCurrentIndex(tab.year.findData(2026))
    rows = _cells(tab.table)
    assert rows[0][:3] == ["Ana Reyes, MD", "fellow", "1"]
    assert [r[0] for r in rows] == ["Ana Reyes, MD", "Ben Stone, DO", "Sara Lind, MD"]
    assert "Paper without a PMID: no PMID" in tab.details.toPlainText()
