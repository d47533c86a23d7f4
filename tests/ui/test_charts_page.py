import datetime as dt

import pytest
from activity_data import add_history, seed_activity
from PySide6.QtCharts import QHorizontalStackedBarSeries, QLineSeries, QStackedBarSeries
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QImage, QPalette, QUndoStack
from PySide6.QtWidgets import QApplication

from scholar_desk.core import clock
from scholar_desk.core.records import Role
from scholar_desk.core.services.session import SINGLE_USER, Actor
from scholar_desk.ui.context import AppContext, DataEvents
from scholar_desk.ui.pages.charts_page import ChartsPage
from scholar_desk.ui.workers import make_pool


@pytest.fixture
def seeded(library):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    seeded = seed_activity(library)
    add_history(library, seeded)
    return seeded


def _ctx(library, actor=SINGLE_USER):
    return AppContext(library, actor, make_pool(), QUndoStack(), DataEvents())


@pytest.fixture
def page(qtbot, library, seeded):
    widget = ChartsPage(_ctx(library))
    qtbot.addWidget(widget)
    widget.resize(1100, 900)
    widget.show()
    return widget


def test_every_chart_is_drawn_from_the_numbers(page):
    assert [page.scope.itemText(i) for i in range(page.scope.count())] == [
        "All fellows",
        "Ana Reyes, MD",
        "Ben Stone, DO",
    ]
    for key in ("status", "months", "decisions", "time", "outputs"):
        card = page.cards[key]
        assert card.view.chart().series(), key
        assert not card.empty.isVisible(), key
    status = page.cards["status"].view.chart().series()[0].barSets()[0]
    assert sum(status.at(i) for i in range(status.count())) == 7
    assert isinstance(page.cards["months"].view.chart().series()[0], QLineSeries)
    assert isinstance(
        page.cards["decisions"].view.chart().series()[0], QHorizontalStackedBarSeries
    )
    outputs = page.cards["outputs"].view.chart().series()[0]
    assert isinstance(outputs, QStackedBarSeries)
    assert [s.label() for s in outputs.barSets()] == [
        "PubMed-indexed articles",
        "Conference presentations",
        "Other presentations",
        "Chapters and textbooks",
    ]
    note = page.cards["time"].note
    assert note.isVisibleTo(page)
    assert "Ben's paper (Pain Medicine): still under review for 149 days" in note.text()
    assert "1 under review for over 90 days" in page.status_text()


def test_one_fellow_and_empty_charts(page, qtbot):
    with qtbot.waitSignal(page.reloaded, timeout=2000):
        page.scope.setCurrentIndex(page.scope.findData(2))  # Ben
    assert page.data.scope == "Ben Stone, DO"
    assert page.cards["decisions"].empty.isVisibleTo(page)
    assert not page.cards["decisions"].view.isVisibleTo(page)
    assert page.cards["status"].view.isVisibleTo(page)


def test_fellow_sees_only_themselves(qtbot, library, seeded):
    ben = Actor("ben", Role.FELLOW, person_id=seeded.ben)
    widget = ChartsPage(_ctx(library, ben))
    qtbot.addWidget(widget)
    assert [widget.scope.itemText(i) for i in range(widget.scope.count())] == ["Ben Stone, DO"]
    assert [r.title for r in widget.data.long_reviews] == ["Ben's paper"]


def test_save_png(page, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "status"
    card = page.cards["status"]
    monkeypatch.setattr(page, "ask_png_path", lambda c: str(target))
    qtbot.mouseClick(card.save_button, Qt.MouseButton.LeftButton)
    image = QImage(str(tmp_path / "status.png"))
    assert not image.isNull()
    assert image.width() > 200
    assert page.status_text() == "Saved status"


def test_charts_follow_a_dark_palette(page):
    dark = QPalette(page.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e8eaed"))
    page.setPalette(dark)
    QApplication.sendEvent(page, QEvent(QEvent.Type.PaletteChange))
    chart = page.cards["outputs"].view.chart()
    assert chart.backgroundBrush().color() == QColor("#202124")
    assert chart.axes()[0].labelsColor() == QColor("#e8eaed")
    assert chart.legend().labelColor() == QColor("#e8eaed")


def test_line_points_sit_inside_the_plot_not_on_its_border(page):
    chart = page.cards["months"].view.chart()
    line = chart.series()[0]
    plot = chart.plotArea()
    points = [chart.mapToPosition(line.at(i), line) for i in range(line.count())]
    assert points
    for point in points:
        assert plot.left() + 2 < point.x() < plot.right() - 2
        assert plot.top() + 2 < point.y() <= plot.bottom()
