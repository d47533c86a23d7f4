"""Edit an abstract's results table: type the cells or paste them from a spreadsheet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.errors import ValidationError
from scholar_desk.core.formats.results_table import (
    MAX_COLUMNS,
    MAX_ROWS,
    ResultsTable,
    parse_table,
)

#: What `TableDialog.ask` returns when the user removes the table.
REMOVE = "remove"


class TableDialog(QDialog):
    """A grid of cells (the first row is the header), a caption, and paste from a spreadsheet."""

    def __init__(self, current: ResultsTable | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Results table")
        self.removed = False
        intro = QLabel(
            "The first row is the header. Paste cells copied from a spreadsheet with "
            f"Ctrl+V (at most {MAX_ROWS} rows \u00d7 {MAX_COLUMNS} columns). The table is "
            "shown on the Results slide and on the poster.",
            self,
        )
        intro.setWordWrap(True)
        self.caption_edit = QLineEdit(current.caption if current else "", self)
        self.caption_edit.setPlaceholderText("Caption, e.g. Outcomes at 12 months (n = 214)")
        self.caption_edit.setAccessibleName("Table caption")
        rows = current.rows if current else (("Outcome", "Baseline", "Follow-up"), ("", "", ""))
        self.grid = QTableWidget(len(rows), len(rows[0]), self)
        self.grid.setAccessibleName("Results table cells")
        self.grid.horizontalHeader().setVisible(False)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                self.grid.setItem(r, c, QTableWidgetItem(cell))
        self.grid.resizeColumnsToContents()
        paste = QShortcut(QKeySequence.StandardKey.Paste, self.grid)
        paste.activated.connect(self.paste)
        buttons_row = QHBoxLayout()
        for text, slot in (
            ("Add row", self.add_row),
            ("Add column", self.add_column),
            ("Paste from spreadsheet", self.paste),
            ("Remove table", self.remove),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons_row.addWidget(button)
        buttons_row.addStretch(1)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.caption_edit)
        layout.addWidget(self.grid, 1)
        layout.addLayout(buttons_row)
        layout.addWidget(self.error)
        layout.addWidget(box)
        self.resize(680, 420)

    def add_row(self) -> None:
        self.grid.insertRow(self.grid.rowCount())

    def add_column(self) -> None:
        self.grid.insertColumn(self.grid.columnCount())

    def paste(self) -> None:
        """Put tab-separated cells from the clipboard at the current cell, growing the grid."""
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> None:
        lines = [line.split("\t") for line in text.replace("\r\n", "\n").strip("\n").split("\n")]
        if not text.strip():
            return
        top = max(0, self.grid.currentRow())
        left = max(0, self.grid.currentColumn())
        self.grid.setRowCount(max(self.grid.rowCount(), top + len(lines)))
        self.grid.setColumnCount(max(self.grid.columnCount(), left + max(len(r) for r in lines)))
        for r, row in enumerate(lines):
            for c, cell in enumerate(row):
                self.grid.setItem(top + r, left + c, QTableWidgetItem(cell.strip()))
        self.grid.resizeColumnsToContents()

    def remove(self) -> None:
        self.removed = True
        super().accept()

    def tsv(self) -> str:
        """The cells as tab-separated text."""
        rows = []
        for r in range(self.grid.rowCount()):
            cells = []
            for c in range(self.grid.columnCount()):
                item = self.grid.item(r, c)
                cells.append((item.text() if item else "").replace("\t", " ").strip())
            rows.append("\t".join(cells))
        return "\n".join(rows)

    def table(self) -> ResultsTable:
        """The table as entered, checked.

        Raises:
            ValidationError: Too small, too large, or a cell too long.
        """
        parsed = parse_table(self.tsv(), source="The table", delimiter="\t")
        return ResultsTable(parsed.rows, self.caption_edit.text().strip())

    def accept(self) -> None:
        try:
            self.table()
        except ValidationError as exc:
            self.error.setText(" ".join(exc.fields.values()))
            return
        self.error.clear()
        super().accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, current: ResultsTable | None
    ) -> ResultsTable | str | None:
        """The new table, `REMOVE`, or ``None`` when cancelled (tests monkeypatch this)."""
        dialog = cls(current, parent)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        # A modal editor opened by the user's own action; tests patch ask().
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return REMOVE if dialog.removed else dialog.table()
