"""Charts for a fellow or across fellows, drawn with Qt Charts in the palette's colours."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.services import charts, report
from scholar_desk.core.services.charts import Bar, ChartData, Stacked
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.operations import Operation, Unit

DECISION_COLORS = {
    "accepted": QColor("#2e9d5b"),
    "minor revision": QColor("#3aa0b8"),
    "major revision": QColor("#e3a21a"),
    "rejected": QColor("#d64545"),
}
"""Decisions keep their meaning's colour in both themes (mid tones read on light and dark)."""

CATEGORY_COLORS = (QColor("#4c78a8"), QColor("#f58518"), QColor("#54a24b"), QColor("#b279a2"))
"""Output categories: a colour-blind-safe qualitative set."""

CHART_HEIGHT = 280


def _theme(chart: QChart, palette: QPalette) -> None:
    """Colour a chart from the widget palette, so it reads in light and dark themes."""
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    grid = palette.color(QPalette.ColorRole.Mid)
    chart.setBackgroundBrush(base)
    chart.setBackgroundRoundness(6)
    chart.setPlotAreaBackgroundVisible(False)
    chart.setTitleBrush(text)
    title_font = QFont(chart.titleFont())
    title_font.setBold(True)
    title_font.setPointSizeF(max(title_font.pointSizeF(), 10.5))
    chart.setTitleFont(title_font)
    chart.legend().setLabelColor(text)
    for axis in chart.axes():
        axis.setLabelsColor(text)
        axis.setTitleBrush(text)
        axis.setLinePenColor(grid)
        axis.setGridLineColor(grid)
        axis.setShadesVisible(False)


def _value_axis(maximum: float, title: str = "", *, headroom: bool = False) -> QValueAxis:
    """A count axis from zero with whole-number ticks at a readable step.

    With ``headroom`` the axis ends a step above a maximum that falls on a tick, so the
    highest point of a line is drawn inside the plot, not on its border.
    """
    axis = QValueAxis()
    top = max(1.0, float(maximum))
    step = next((s for s in (1, 2, 5, 10, 20, 50, 100) if top / s <= 6), 200)
    end = math.ceil(top / step) * step
    if headroom and end <= top:
        end += step
    axis.setRange(0, end)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    if title:
        axis.setTitleText(title)
    return axis


class ChartCard(QFrame):
    """One chart with its title, an empty-state hint and a Save PNG button."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.title = title
        self.setObjectName("card")
        self.view = QChartView(self)
        self.view.setObjectName(f"chart_{key}")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(CHART_HEIGHT)
        self.empty = QLabel("Nothing to show yet.", self)
        self.empty.setObjectName("emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.hide()
        self.save_button = QPushButton("Save PNG\u2026", self)
        self.save_button.setToolTip(f"Save \u201c{title}\u201d as a picture")
        head = QHBoxLayout()
        label = QLabel(f"<b>{title}</b>", self)
        head.addWidget(label)
        head.addStretch(1)
        head.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(head)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.note)
        self.empty.hide()

    def set_chart(self, chart: QChart | None) -> None:
        """Show ``chart``, or the empty hint when there is nothing to draw."""
        old = self.view.chart()
        if chart is None:
            chart = QChart()
            self.view.hide()
            self.empty.show()
        else:
            self.view.show()
            self.empty.hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.layout().setContentsMargins(0, 0, 0, 0)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        _theme(chart, self.palette())
        self.view.setChart(chart)
        if old is not None and old is not chart:
            old.deleteLater()

    def save_png(self, path: str | Path, *, force: bool = False) -> bool:
        """Save the chart as a PNG picture (through the safe writer; replaces with ``force``).

        Raises:
            ExportError: The file may not be written (exists, the database, no folder).
        """
        from scholar_desk.core import files

        target = Path(path)
        if target.suffix.lower() != ".png":
            target = target.with_suffix(".png")
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        if not self.view.grab().save(buffer, "PNG"):
            return False
        buffer.close()
        files.write_bytes(target, bytes(data.data()), force=force)
        return True


class ChartsPage(QWidget):
    """Dashboards with charts: for one fellow, or across the fellows the user may see."""

    status_changed = Signal(str)
    reloaded = Signal()

    CARDS = (
        ("status", "Manuscripts by status"),
        ("months", "Submissions per month"),
        ("decisions", "Decisions by journal"),
        ("time", "Average days in each status"),
        ("outputs", "Counted outputs per academic year"),
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("chartsPage")
        self.data: ChartData | None = None
        self._status = ""

        self.scope = QComboBox(self)
        self.scope.setObjectName("chartScope")
        title = QLabel("Charts", self)
        title.setObjectName("pageTitle")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(QLabel("Show:", self))
        head.addWidget(self.scope)

        self.cards: dict[str, ChartCard] = {}
        grid_host = QWidget(self)
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        for n, (key, text) in enumerate(self.CARDS):
            card = ChartCard(key, text, grid_host)
            card.save_button.clicked.connect(lambda _=False, c=card: self._on_save_clicked(c))
            self.cards[key] = card
            if key == "outputs":
                grid.addWidget(card, n // 2, 0, 1, 2)
            else:
                grid.addWidget(card, n // 2, n % 2)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(grid_host)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(scroll, 1)

        self._fill_scope()
        self.scope.currentIndexChanged.connect(self._on_scope_changed)
        ctx.events.changed.connect(self._on_data_changed)
        self.reload()

    # Loading ----------------------------------------------------------------------------

    def _fill_scope(self) -> None:
        with self.ctx.library.reading() as session:
            choices = [c for c in report.report_fellows(session, self.ctx.actor) if c.person_id]
        current = self.scope.currentData()
        self.scope.blockSignals(True)
        self.scope.clear()
        if len(choices) != 1:
            self.scope.addItem("All fellows", None)
        for choice in choices:
            self.scope.addItem(choice.name, choice.person_id)
        index = self.scope.findData(current)
        self.scope.setCurrentIndex(max(index, 0))
        self.scope.blockSignals(False)

    def reload(self) -> None:
        """Recompute the numbers and redraw every chart."""
        fellow = self.scope.currentData()
        try:
            with self.ctx.library.reading() as session:
                self.data = charts.chart_data(
                    session, self.ctx.actor, None if fellow is None else [fellow]
                )
        except Exception as exc:  # noqa: BLE001 - shown to the user, the page stays usable
            show_error(self, exc)
            return
        self._draw()
        self.reloaded.emit()

    def _draw(self) -> None:
        data = self.data
        if data is None:
            return
        palette = self.palette()
        accent = palette.color(QPalette.ColorRole.Highlight)
        self.cards["status"].set_chart(_bars(data.manuscripts_by_status, accent, horizontal=True))
        self.cards["months"].set_chart(_line(data.submissions_per_month, accent))
        self.cards["decisions"].set_chart(
            _stacked(
                data.decisions_by_journal,
                [DECISION_COLORS.get(s.name, accent) for s in data.decisions_by_journal.series],
                horizontal=True,
            )
        )
        time_bars = tuple(Bar(t.status, round(t.mean_days)) for t in data.time_in_status)
        self.cards["time"].set_chart(_bars(time_bars, accent, horizontal=True, title="days"))
        self._note_long_reviews(data)
        self.cards["outputs"].set_chart(_stacked(data.outputs_per_year, list(CATEGORY_COLORS)))
        long_count = sum(1 for r in data.long_reviews if r.current)
        self._set_status(
            f"{data.scope}: {sum(b.value for b in data.manuscripts_by_status)} manuscripts"
            + (f", {long_count} under review for over 90 days" if long_count else "")
        )

    def _note_long_reviews(self, data: ChartData) -> None:
        note = self.cards["time"].note
        if not data.long_reviews:
            note.hide()
            return
        color = DECISION_COLORS["rejected"].name()
        lines = []
        for review in data.long_reviews[:5]:
            state = "still under review" if review.current else "under review"
            lines.append(
                f"<span style='color:{color}'>\u26a0</span> {_escape(review.title)} "
                f"({_escape(review.journal)}): {state} for {review.days} days"
            )
        note.setText(
            f"<b>Under review for more than {charts.LONG_REVIEW_DAYS} days</b><br>"
            + "<br>".join(lines)
        )
        note.show()

    # Export -----------------------------------------------------------------------------

    def ask_png_path(self, card: ChartCard) -> str:
        """Ask where to save a chart (tests monkeypatch this)."""
        name = card.title.lower().replace(" ", "-") + ".png"
        path, _ = QFileDialog.getSaveFileName(
            self,
            f"Save {card.title}",
            name,
            "PNG (*.png)",
            options=QFileDialog.Option.DontConfirmOverwrite,  # ReplaceDialog asks
        )
        return path

    def _on_save_clicked(self, card: ChartCard) -> None:
        from scholar_desk.ui.dialogs.replace_dialog import ReplaceDialog

        path = self.ask_png_path(card)
        if not path:
            return
        target = path if path.lower().endswith(".png") else f"{path}.png"
        if not ReplaceDialog.ask(self, target):
            return
        saved = Operation(
            self.ctx, self, lambda _s, _a: card.save_png(target, force=True), unit=Unit.NONE
        ).run()
        if saved is None:  # the error is shown
            return
        if saved:
            self._set_status(f"Saved {Path(path).name}")
        else:
            from scholar_desk.core.errors import ExportError

            show_error(self, ExportError(f"Could not save the picture to {path}."))

    # Qt ---------------------------------------------------------------------------------

    @override
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._draw()

    def status_text(self) -> str:
        """What the status bar shows for this page."""
        return self._status

    def _set_status(self, text: str) -> None:
        self._status = text
        self.status_changed.emit(text)

    def _on_scope_changed(self, _index: int) -> None:
        self.reload()

    def _on_data_changed(self, kind: str) -> None:
        if kind in ("", "manuscript", "submission", "abstract", "presentation", "person"):
            self._fill_scope()
            self.reload()


# Chart builders ----------------------------------------------------------------------------


def _bars(
    bars: Sequence[Bar], color: QColor, *, horizontal: bool = False, title: str = ""
) -> QChart | None:
    if not bars or not any(b.value for b in bars):
        return None
    chart = QChart()
    chart.legend().hide()
    # Qt draws a horizontal chart's first category at the bottom; reverse to read top down.
    ordered = list(reversed(bars)) if horizontal else list(bars)
    values = QBarSet("count")
    values.setColor(color)
    values.setBorderColor(color)
    values.setLabelColor(_ink_on(color))
    values.append([float(b.value) for b in ordered])
    series: QBarSeries | QHorizontalBarSeries = (
        QHorizontalBarSeries() if horizontal else QBarSeries()
    )
    series.append(values)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsInsideEnd)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([b.label for b in ordered])
    values_axis = _value_axis(max(b.value for b in bars), title)
    chart.addAxis(
        categories, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom
    )
    chart.addAxis(
        values_axis, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft
    )
    series.attachAxis(categories)
    series.attachAxis(values_axis)
    return chart


def _line(bars: Sequence[Bar], color: QColor) -> QChart | None:
    if not bars or not any(b.value for b in bars):
        return None
    chart = QChart()
    chart.legend().hide()
    line = QLineSeries()
    pen = QPen(color)
    pen.setWidthF(2.5)
    line.setPen(pen)
    line.setPointsVisible(True)
    for n, bar in enumerate(bars):
        line.append(float(n), float(bar.value))
    chart.addSeries(line)
    # Label only every few months so the labels stay whole at any width.
    months = QCategoryAxis()
    months.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    step = max(1, math.ceil(len(bars) / 6))
    for n in range(0, len(bars), step):
        months.append(_month_label(bars[n].label), float(n))
    # Half a month of room at each end keeps the first and last points off the border.
    months.setRange(-0.5, max(len(bars) - 1, 1) + 0.5)
    months.setStartValue(-0.5)
    values_axis = _value_axis(max(b.value for b in bars), headroom=True)
    chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values_axis, Qt.AlignmentFlag.AlignLeft)
    line.attachAxis(months)
    line.attachAxis(values_axis)
    return chart


def _stacked(
    data: Stacked, colors: Sequence[QColor], *, horizontal: bool = False
) -> QChart | None:
    if data.empty:
        return None
    chart = QChart()
    series: QStackedBarSeries | QHorizontalStackedBarSeries = (
        QHorizontalStackedBarSeries() if horizontal else QStackedBarSeries()
    )
    # Qt draws a horizontal chart's first category at the bottom; reverse to read top down.
    order = list(range(len(data.categories)))
    if horizontal:
        order.reverse()
    for n, row in enumerate(data.series):
        if not any(row.values):
            continue
        bar_set = QBarSet(row.name)
        color = colors[n % len(colors)]
        bar_set.setColor(color)
        bar_set.setBorderColor(color)
        bar_set.append([float(row.values[i]) for i in order])
        series.append(bar_set)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([data.categories[i] for i in order])
    values_axis = _value_axis(max(data.total(c) for c in data.categories))
    if horizontal:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(values_axis)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _ink_on(color: QColor) -> QColor:
    """Black or white, whichever reads better on ``color``."""
    luma = 0.299 * color.redF() + 0.587 * color.greenF() + 0.114 * color.blueF()
    return QColor("black") if luma > 0.6 else QColor("white")


def _month_label(key: str) -> str:
    """``2026-03`` -> ``Mar 26``."""
    day = dt.date.fromisoformat(f"{key}-01")
    return f"{day:%b %y}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
