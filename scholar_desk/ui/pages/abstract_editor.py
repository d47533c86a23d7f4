"""The abstract editor: title and sections with a live count against the meeting's rule."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QResizeEvent, QShortcut, QTextLayout
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.errors import ConflictError, ScholarDeskError
from scholar_desk.core.records import Record
from scholar_desk.core.services import abstracts, audit, items, merge
from scholar_desk.core.services.abstracts import AbstractDetail, CountResult, CountRule
from scholar_desk.ui import icons
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.conflict_dialog import ConflictDialog
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.operations import Operation
from scholar_desk.ui.unsaved import DraftKeeper, RestoreDraftDialog, show_status
from scholar_desk.ui.widgets.status_chip import StatusChip
from scholar_desk.ui.widgets.timeline import transparent_scroll

OVER_COLOR = "#b91c1c"
NEAR_COLOR = "#b45309"
EXPORT_MODULE = "scholar_desk.ui.dialogs.export_dialog"


def _id_of(item: int | Record) -> int:
    return item.id if isinstance(item, Record) else int(item)


class ImagePicker:
    """Chooses an image file; tests monkeypatch `ask`."""

    @staticmethod
    def ask(parent: QWidget) -> str | None:
        """Return the chosen path, or ``None``."""
        path, _ = QFileDialog.getOpenFileName(
            parent, "Add figure", "", "Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.gif)"
        )
        return path or None


class _GrowingTextEdit(QPlainTextEdit):
    """A plain text box that grows with its text, so the page scrolls instead of the box."""

    def __init__(self, parent: QWidget, min_lines: int = 3) -> None:
        super().__init__(parent)
        self._min_lines = min_lines
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setTabChangesFocus(True)
        self.textChanged.connect(self._fit)
        self._fit()

    def _fit(self, *_: object) -> None:
        # Wrapped lines of every block, measured at the current width.
        width = max(50, self.viewport().width() - 2 * int(self.document().documentMargin()))
        metrics = self.fontMetrics()
        lines = 0
        block = self.document().begin()
        while block.isValid():
            layout = QTextLayout(block.text(), self.font())
            layout.beginLayout()
            while True:
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(width)
                lines += 1
            layout.endLayout()
            block = block.next()
        lines = max(self._min_lines, lines)
        self.setFixedHeight(lines * metrics.lineSpacing() + 14)

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


class SectionEditor(QFrame):
    """One section: a heading, its text and its own count."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, heading: str, body: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("sectionEditor")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(6)
        self.heading_edit = QLineEdit(heading, self)
        self.heading_edit.setPlaceholderText("Heading")
        self.heading_edit.setObjectName("sectionHeading")
        font = self.heading_edit.font()
        font.setBold(True)
        self.heading_edit.setFont(font)
        self.heading_edit.setFrame(False)
        self.heading_edit.setStyleSheet("QLineEdit#sectionHeading { background: transparent; }")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("hint")
        self.remove_button = QToolButton(self)
        self.remove_button.setIcon(icons.icon("delete"))
        self.remove_button.setAutoRaise(True)
        self.remove_button.setToolTip("Remove this section")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        top.addWidget(self.heading_edit, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.remove_button)
        layout.addLayout(top)
        self.body_edit = _GrowingTextEdit(self)
        self.body_edit.setPlainText(body)
        self.body_edit.setPlaceholderText(f"Write the {heading.lower() or 'section'} here")
        layout.addWidget(self.body_edit)
        self.heading_edit.textChanged.connect(self.changed)
        self.body_edit.textChanged.connect(self.changed)

    def value(self) -> tuple[str, str]:
        """``(heading, body)`` as typed."""
        return self.heading_edit.text(), self.body_edit.toPlainText()


class AbstractEditor(QWidget):
    """Edits an abstract's title, sections, authors and figures, counting as you type."""

    closed = Signal()
    saved = Signal(object)  # the AbstractDetail as stored
    count_changed = Signal(object)  # the CountResult after each keystroke

    def __init__(self, ctx: AppContext, item: int | Record, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.abstract_id = _id_of(item)
        self.detail: AbstractDetail | None = None
        self.version: int | None = None
        self.rule = CountRule()
        self.count: CountResult | None = None
        self.sections: list[SectionEditor] = []
        self.dirty = False
        self._loading = False
        self._saved_values: tuple[str, list[tuple[str, str]]] | None = None
        self.setObjectName("abstractEditor")
        self._build()
        self.drafts = DraftKeeper(ctx, self, f"abstract-{self.abstract_id}", parent=self)
        ctx.events.changed.connect(self._on_events_changed)
        self.reload()
        self._offer_draft()

    # Layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(12)
        header = QHBoxLayout()
        header.setSpacing(10)
        titles = QVBoxLayout()
        titles.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.heading_label = QLabel("Abstract", self)
        self.heading_label.setObjectName("pageTitle")
        self.status_chip = StatusChip("", self)
        row.addWidget(self.heading_label)
        row.addWidget(self.status_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        titles.addLayout(row)
        self.meeting_label = QLabel(self)
        self.meeting_label.setObjectName("pageSubtitle")
        self.meeting_label.setWordWrap(True)
        titles.addWidget(self.meeting_label)
        header.addLayout(titles, 1)
        self.export_buttons: list[QPushButton] = []
        if importlib.util.find_spec(EXPORT_MODULE) is not None:
            for mode, text in (("slides", "Slides…"), ("poster", "Poster…")):
                button = QPushButton(icons.icon("export"), text, self)
                button.setToolTip(f"Export this abstract as {mode}")
                button.clicked.connect(lambda _=False, m=mode: self.export(m))
                header.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
                self.export_buttons.append(button)
        self.save_button = QToolButton(self)
        self.save_button.setObjectName("primaryButton")
        self.save_button.setText("Save")
        self.save_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.save_button.setToolTip("Save title and sections (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        header.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(header)
        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self, self._on_save_shortcut)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_text())
        splitter.addWidget(self._build_sidebar())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([820, 340])
        outer.addWidget(splitter, 1)

    def _build_text(self) -> QWidget:
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget(scroll)
        page.setObjectName("abstractText")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 16, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        label = QLabel("Title", page)
        label.setObjectName("sectionTitle")
        self.title_count_label = QLabel(page)
        self.title_count_label.setObjectName("titleCount")
        top.addWidget(label)
        top.addStretch(1)
        top.addWidget(self.title_count_label)
        layout.addLayout(top)
        self.title_edit = _GrowingTextEdit(page, min_lines=2)
        self.title_edit.setObjectName("titleEdit")
        self.title_edit.setPlaceholderText("The abstract's title")
        self.title_edit.textChanged.connect(self._on_text_changed)
        layout.addWidget(self.title_edit)
        sections_title = QLabel("Sections", page)
        sections_title.setObjectName("sectionTitle")
        sections_title.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(sections_title)
        self.sections_box = QVBoxLayout()
        self.sections_box.setSpacing(2)
        layout.addLayout(self.sections_box)
        add = QHBoxLayout()
        self.add_section_button = QToolButton(page)
        self.add_section_button.setIcon(icons.icon("new"))
        self.add_section_button.setText("Add section")
        self.add_section_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_section_button.setAutoRaise(True)
        self.add_section_button.clicked.connect(lambda: self.add_section("", ""))
        add.addWidget(self.add_section_button)
        add.addStretch(1)
        layout.addLayout(add)
        cited_top = QHBoxLayout()
        cited_title = QLabel("Cited references", page)
        cited_title.setObjectName("sectionTitle")
        cited_title.setContentsMargins(0, 10, 0, 0)
        self.cited_count_label = QLabel(page)
        self.cited_count_label.setObjectName("citedCount")
        cited_top.addWidget(cited_title)
        cited_top.addStretch(1)
        cited_top.addWidget(self.cited_count_label, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(cited_top)
        self.cited_label = QLabel(page)
        self.cited_label.setObjectName("citedReferences")
        self.cited_label.setWordWrap(True)
        self.cited_label.setTextFormat(Qt.TextFormat.PlainText)
        self.cited_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.cited_label)
        layout.addStretch(1)
        scroll.setWidget(page)
        transparent_scroll(scroll)
        return scroll

    def _build_sidebar(self) -> QWidget:
        side = QWidget(self)
        side.setMinimumWidth(280)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(16, 0, 0, 0)
        layout.setSpacing(10)

        card = QFrame(side)
        card.setObjectName("card")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(14, 12, 14, 12)
        card_layout.setSpacing(6)
        card_title = QLabel("Count", card)
        card_title.setObjectName("cardTitle")
        self.count_label = QLabel(card)
        self.count_label.setObjectName("cardNumber")
        self.count_bar = QProgressBar(card)
        self.count_bar.setTextVisible(False)
        self.count_bar.setFixedHeight(8)
        self.count_hint = QLabel(card)
        self.count_hint.setObjectName("hint")
        self.count_hint.setWordWrap(True)
        self.rule_label = QLabel(card)
        self.rule_label.setObjectName("hint")
        self.rule_label.setWordWrap(True)
        for widget in (
            card_title,
            self.count_label,
            self.count_bar,
            self.count_hint,
            self.rule_label,
        ):
            card_layout.addWidget(widget)
        layout.addWidget(card)

        layout.addWidget(self._title("Authors", side))
        self.authors_list = QListWidget(side)
        self.authors_list.setObjectName("authorsList")
        self.authors_list.setMaximumHeight(150)
        self.authors_list.itemChanged.connect(self._on_authors_list_item_changed)
        layout.addWidget(self.authors_list)
        add_author = QHBoxLayout()
        self.person_combo = QComboBox(side)
        self.person_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.person_combo.setMinimumContentsLength(12)
        add_author.addWidget(self.person_combo, 1)
        self.add_author_button = self._tool(side, "new", "Add", self.add_author)
        self.remove_author_button = self._tool(side, "delete", "", self.remove_author)
        self.remove_author_button.setToolTip("Remove the selected author")
        self.up_author_button = self._tool(side, "", "↑", lambda: self.move_author(-1))
        self.up_author_button.setToolTip("Move up in the byline")
        self.down_author_button = self._tool(side, "", "↓", lambda: self.move_author(1))
        self.down_author_button.setToolTip("Move down in the byline")
        for button in (
            self.add_author_button,
            self.up_author_button,
            self.down_author_button,
            self.remove_author_button,
        ):
            add_author.addWidget(button)
        layout.addLayout(add_author)
        hint = QLabel("Tick the presenting author.", side)
        hint.setObjectName("hint")
        layout.addWidget(hint)

        layout.addWidget(self._title("Figures", side))
        self.images_list = QListWidget(side)
        self.images_list.setObjectName("imagesList")
        self.images_list.setIconSize(QSize(56, 40))
        self.images_list.setMaximumHeight(150)
        self.images_list.setWordWrap(True)
        self.images_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.images_list)
        image_row = QHBoxLayout()
        self.add_image_button = self._tool(side, "new", "Add figure…", self.add_image)
        self.remove_image_button = self._tool(side, "delete", "Remove", self.remove_image)
        image_row.addWidget(self.add_image_button)
        image_row.addWidget(self.remove_image_button)
        image_row.addStretch(1)
        layout.addLayout(image_row)
        layout.addStretch(1)
        # A short window scrolls the side panel rather than squeezing the count card.
        scroll = QScrollArea(self)
        scroll.setObjectName("abstractSide")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(side)
        scroll.setMinimumWidth(side.minimumWidth() + scroll.verticalScrollBar().sizeHint().width())
        transparent_scroll(scroll)
        return scroll

    def _title(self, text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setObjectName("sectionTitle")
        label.setContentsMargins(0, 6, 0, 0)
        return label

    def _tool(self, parent: QWidget, icon: str, text: str, slot: Any) -> QToolButton:
        button = QToolButton(parent)
        if icon:
            button.setIcon(icons.icon(icon))
        button.setText(text)
        style = (
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon
            if icon and text
            else Qt.ToolButtonStyle.ToolButtonIconOnly
            if icon
            else Qt.ToolButtonStyle.ToolButtonTextOnly
        )
        button.setToolButtonStyle(style)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def title(self) -> str:
        """The bar title when shown inside a list page."""
        return self.detail.title if self.detail else "Abstract"

    @override
    def sizeHint(self) -> QSize:
        return QSize(1160, 760)

    # Loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the abstract again, dropping unsaved edits."""
        try:
            with self.ctx.library.reading() as session:
                detail = abstracts.get_abstract_detail(session, self.ctx.actor, self.abstract_id)
                people = [
                    (p.id, p.label) for p in items.list_items(session, self.ctx.actor, "person")
                ]
        except ScholarDeskError as exc:
            show_error(self, exc)
            return
        self._loading = True
        try:
            self._show(detail, people)
        finally:
            self._loading = False
        self._saved_values = self._values()
        self.set_dirty(False)
        self.recount()

    def _show(self, detail: AbstractDetail, people: list[tuple[int, str]]) -> None:
        self.detail = detail
        self.version = detail.version
        self.rule = detail.rule
        self.status_chip.set_status(detail.status)
        self.meeting_label.setText(self._meeting_text(detail))
        self.rule_label.setText(self._rule_text(detail))
        self.title_edit.setPlainText(detail.title)
        for editor in list(self.sections):
            self._drop_section(editor)
        for heading, body in _shown_sections(detail):
            self.add_section(heading, body)
        self.person_combo.clear()
        for person_id, label in people:
            self.person_combo.addItem(label, person_id)
        self._show_authors(detail)
        self._show_images(detail)

    def _meeting_text(self, detail: AbstractDetail) -> str:
        if not detail.conference_name:
            return "No conference chosen: counting words without a limit."
        bits = [detail.conference_name]
        if detail.abstract_deadline is not None:
            bits.append(
                "deadline " + _deadline_text(detail.abstract_deadline, detail.deadline_timezone)
            )
        if detail.project_title:
            bits.append(f"project: {detail.project_title}")
        return "  ·  ".join(bits)

    def _rule_text(self, detail: AbstractDetail) -> str:
        text = "Rule: " + detail.rule.describe() + "."
        if detail.is_example_rule:
            text += " Example rule from the starter catalog: check this year's call for abstracts."
        return text

    def _show_authors(self, detail: AbstractDetail) -> None:
        self.authors_list.blockSignals(True)
        self.authors_list.clear()
        for author in detail.authors:
            self._author_item(author.person_id, author.name, author.presenting)
        self.authors_list.blockSignals(False)
        self._number_authors()

    def _author_item(self, person_id: int, name: str, presenting: bool) -> QListWidgetItem:
        item = QListWidgetItem(name, self.authors_list)
        item.setData(Qt.ItemDataRole.UserRole, person_id)
        item.setData(Qt.ItemDataRole.UserRole + 1, name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if presenting else Qt.CheckState.Unchecked)
        return item

    def _number_authors(self) -> None:
        self.authors_list.blockSignals(True)
        for row in range(self.authors_list.count()):
            item = self.authors_list.item(row)
            name = item.data(Qt.ItemDataRole.UserRole + 1)
            presenting = item.checkState() == Qt.CheckState.Checked
            item.setText(f"{row + 1}. {name}" + ("  (presenting)" if presenting else ""))
        self.authors_list.blockSignals(False)

    def _show_images(self, detail: AbstractDetail) -> None:
        self.images_list.clear()
        for image in detail.images:
            text = image.caption or Path(image.path).name
            item = QListWidgetItem(text if image.exists else f"{text} (file missing)")
            item.setData(Qt.ItemDataRole.UserRole, image.id)
            item.setToolTip(image.path)
            if image.exists:
                pixmap = QPixmap(image.path)
                if not pixmap.isNull():
                    item.setIcon(
                        QIcon(
                            pixmap.scaled(
                                56,
                                40,
                                Qt.AspectRatioMode.KeepAspectRatio,
                                Qt.TransformationMode.SmoothTransformation,
                            )
                        )
                    )
            self.images_list.addItem(item)

    # Sections --------------------------------------------------------------------------

    def add_section(self, heading: str, body: str) -> SectionEditor:
        """Append a section editor."""
        editor = SectionEditor(heading, body, self)
        editor.changed.connect(self._on_text_changed)
        editor.remove_requested.connect(self._on_section_remove_requested)
        self.sections_box.addWidget(editor)
        self.sections.append(editor)
        if not self._loading:
            self._on_text_changed()
            self.recount()
            editor.heading_edit.setFocus()
        return editor

    def _drop_section(self, editor: SectionEditor) -> None:
        self.sections.remove(editor)
        self.sections_box.removeWidget(editor)
        editor.hide()
        editor.deleteLater()

    def _on_section_remove_requested(self, editor: SectionEditor) -> None:
        self._drop_section(editor)
        self._on_text_changed()
        self.recount()

    def section_values(self) -> list[tuple[str, str]]:
        """``(heading, body)`` of every section as typed."""
        return [editor.value() for editor in self.sections]

    # Counting --------------------------------------------------------------------------

    def _on_text_changed(self) -> None:
        if self._loading:
            return
        # Dirty only while the text differs from what is stored: typing and then undoing
        # back to the saved text offers no Save.
        self.set_dirty(self._values() != self._saved_values)
        if self.dirty:
            self.drafts.touched()
        else:
            self.drafts.forget()
        self.recount()

    def recount(self) -> CountResult:
        """Count the text as typed against the rule and update every label."""
        title = self.title_edit.toPlainText()
        cited = self.detail.cited if self.detail is not None else ()
        references = abstracts.references_text(cited)
        result = abstracts.count_abstract(self.rule, title, self.section_values(), references)
        self.count = result
        self._show_cited(cited, references)
        self.count_label.setText(result.label)
        _paint(self.count_label, OVER_COLOR if result.over else "")
        self.title_count_label.setText(result.title_label)
        _paint(
            self.title_count_label, OVER_COLOR if result.title_over else "", bold=result.title_over
        )
        if result.body_limit:
            self.count_bar.setMaximum(result.body_limit)
            self.count_bar.setValue(min(result.body_count, result.body_limit))
            self.count_bar.setVisible(True)
            remaining = result.remaining or 0
            if result.over:
                self.count_hint.setText(f"{-remaining:,} {result.unit} over the limit")
                bar = OVER_COLOR
            else:
                self.count_hint.setText(f"{remaining:,} {result.unit} left")
                bar = NEAR_COLOR if remaining <= result.body_limit * 0.05 else "palette(highlight)"
            _paint(self.count_hint, OVER_COLOR if result.over else "")
        else:
            self.count_bar.setVisible(False)
            self.count_hint.setText("This meeting sets no body limit.")
            bar = "palette(highlight)"
        self.count_bar.setStyleSheet(
            "QProgressBar { border: none; border-radius: 4px; background: palette(midlight); }"
            f" QProgressBar::chunk {{ border-radius: 4px; background: {bar}; }}"
        )
        for editor, counted in zip(self.sections, result.sections, strict=True):
            unit = result.unit if counted.counted != 1 else result.unit.removesuffix("s")
            note = (
                " (not counted)"
                if counted.is_references and not self.rule.counts_references
                else ""
            )
            editor.count_label.setText(f"{counted.counted:,} {unit}{note}")
        self.count_changed.emit(result)
        return result

    def _show_cited(self, cited: tuple[str, ...], references: str) -> None:
        if not cited:
            self.cited_label.setText("None. Cite references from the References page (Cite in…).")
            self.cited_count_label.setText("")
            return
        self.cited_label.setText("\n".join(cited))
        counted = abstracts.count_abstract(
            abstracts.CountRule(unit=self.rule.unit), "", [], references
        ).references_count
        unit = self.rule.unit if counted != 1 else self.rule.unit.removesuffix("s")
        note = "" if self.rule.counts_references else " (not counted)"
        self.cited_count_label.setText(f"{counted:,} {unit}{note}")

    # Saving ----------------------------------------------------------------------------

    def set_dirty(self, dirty: bool) -> None:
        """Mark whether there are unsaved edits."""
        self.dirty = dirty
        self.save_button.setEnabled(dirty)

    def _values(self) -> tuple[str, list[tuple[str, str]]]:
        return self.title_edit.toPlainText(), self.section_values()

    # Unsaved edits (see ui/unsaved.py) --------------------------------------------------

    def has_unsaved_edits(self) -> bool:
        """Whether title or sections differ from what is stored."""
        return self.dirty

    def unsaved_what(self) -> str:
        """How the question about unsaved edits names this abstract."""
        title = (self.detail.title if self.detail else "") or "untitled"
        return f"the abstract “{title[:60]}”"

    def discard_edits(self) -> None:
        """Drop the typed edits: back to what is stored."""
        self.reload()
        self.drafts.forget()

    def draft_values(self) -> dict[str, Any]:
        """What a draft keeps: the title and the sections as typed."""
        title, sections = self._values()
        return {"title": title, "sections": [list(section) for section in sections]}

    def _offer_draft(self) -> None:
        draft = self.drafts.recovered()
        if draft is None:
            return
        title = str(draft.get("title", ""))
        sections = [(str(h), str(b)) for h, b in draft.get("sections", [])]
        if (title, sections) == self._saved_values:
            self.drafts.forget()
            return
        if not RestoreDraftDialog.ask(self, self.unsaved_what()):
            self.drafts.forget()
            return
        self._loading = True
        try:
            self.title_edit.setPlainText(title)
            for editor in list(self.sections):
                self._drop_section(editor)
            for heading, body in sections:
                self.add_section(heading, body)
        finally:
            self._loading = False
        self.set_dirty(True)
        self.recount()

    def _on_save_shortcut(self) -> None:
        if not self.dirty:
            show_status(self, "Nothing to save: the abstract is saved.")
            return
        if self.save():
            show_status(self, "Abstract saved.")

    def save(self) -> bool:
        """Save title and sections in one go; whether it was saved."""
        return self._save(self.version)

    def _save(self, expected: int | None) -> bool:
        sections, title = self.section_values(), self.title_edit.toPlainText()
        conflict: list[bool] = []
        detail = self._write_sections(sections, title, expected, conflict)
        if conflict:
            return self._merge_and_save()
        if detail is None:
            return False
        self.version = detail.version
        self.detail = detail
        self._saved_values = (title, sections)
        self.drafts.forget()
        self.set_dirty(self._values() != self._saved_values)
        self.saved.emit(detail)
        return True

    def _merge_and_save(self) -> bool:
        """Merge with the version saved elsewhere, section by section; ask only on clashes."""
        base = self.detail
        assert base is not None  # a save follows a load
        try:
            with self.ctx.library.reading() as session:
                latest = abstracts.get_abstract_detail(session, self.ctx.actor, self.abstract_id)
                who = audit.last_changes(session, "abstract", self.abstract_id)
        except ScholarDeskError as exc:
            show_error(self, exc)
            return False

        def changed_by(name: str) -> tuple[str, dt.datetime | None]:
            return who.get(name, ("", None))

        title = merge.merge_fields(
            {"title": base.title},
            {"title": self.title_edit.toPlainText().strip()},
            {"title": latest.title},
            labels={"title": "Title"},
            who=changed_by,
        )
        sections = merge.merge_sections(
            _shown_sections(base),
            [(h.strip(), b.strip()) for h, b in self.section_values()],
            _shown_sections(latest),
            who=changed_by,
        )
        choices: Mapping[str, str] = {}
        clashes = title.clashes + sections.clashes
        if clashes:
            kept = ["Title"] * bool(title.kept_theirs) + list(sections.kept_theirs)
            asked = ConflictDialog.ask(self, "abstract", clashes, kept)
            if asked is None:
                return False  # the form keeps the user's edits; the next save merges again
            choices = asked
        new_title = title.resolve(choices).get("title", latest.title)
        conflict: list[bool] = []
        detail = self._write_sections(
            sections.resolve(choices), new_title, latest.version, conflict
        )
        if conflict:
            return self._merge_and_save()  # saved elsewhere again meanwhile
        if detail is None:
            return False
        self.reload()
        self.version = detail.version
        self.saved.emit(detail)
        return True

    def _write_sections(
        self,
        sections: list[tuple[str, str]],
        title: str,
        expected: int | None,
        conflict: list[bool],
    ) -> AbstractDetail | None:
        """Save through an undoable operation; a stale version lands in ``conflict``."""
        abstract_id = self.abstract_id

        def write(
            session: Any, actor: Any, expected: int | None = expected
        ) -> tuple[AbstractDetail, AbstractDetail]:
            before = abstracts.get_abstract_detail(session, actor, abstract_id)
            after = abstracts.save_sections(
                session, actor, abstract_id, sections, expected, title=title
            )
            return before, after

        def undo(session: Any, actor: Any, saved: tuple[AbstractDetail, AbstractDetail]) -> None:
            before = saved[0]
            shown = [(section.heading, section.body) for section in before.sections]
            abstracts.save_sections(session, actor, abstract_id, shown, None, title=before.title)

        operation = Operation(
            self.ctx,
            self,
            write,
            changes=("abstract",),
            undo=undo,
            redo=lambda s, a: write(s, a, None),
            text="Edit abstract",
        ).failure(lambda _exc: conflict.append(True), ConflictError)
        saved = operation.run()
        return saved[1] if saved is not None else None

    # Authors and figures ---------------------------------------------------------------

    def _authors_value(self) -> list[tuple[int, bool]]:
        out = []
        for row in range(self.authors_list.count()):
            item = self.authors_list.item(row)
            out.append(
                (
                    int(item.data(Qt.ItemDataRole.UserRole)),
                    item.checkState() == Qt.CheckState.Checked,
                )
            )
        return out

    def _save_authors(self, authors: list[tuple[int, bool]]) -> bool:
        abstract_id = self.abstract_id

        def write(session: Any, actor: Any) -> list[tuple[int, bool]]:
            before = abstracts.get_abstract_detail(session, actor, abstract_id).authors
            abstracts.set_abstract_authors(session, actor, abstract_id, authors)
            return [(a.person_id, a.presenting) for a in before]

        operation = Operation(
            self.ctx,
            self,
            write,
            changes=("abstract",),
            undo=lambda s, a, before: abstracts.set_abstract_authors(s, a, abstract_id, before),
            text="Change the abstract's authors",
        )
        operation.run()
        return operation.error is None

    def _reload_authors(self) -> None:
        try:
            with self.ctx.library.reading() as session:
                detail = abstracts.get_abstract_detail(session, self.ctx.actor, self.abstract_id)
        except ScholarDeskError as exc:
            show_error(self, exc)
            return
        self._show_authors(detail)
        self._show_images(detail)

    def add_author(self) -> None:
        """Append the person chosen in the combo box to the byline."""
        person_id = self.person_combo.currentData()
        if person_id is None:
            return
        authors = self._authors_value()
        if any(pid == person_id for pid, _ in authors):
            return
        authors.append((int(person_id), not authors))  # the first author presents by default
        self._save_authors(authors)
        self._reload_authors()

    def remove_author(self) -> None:
        """Remove the selected author."""
        row = self.authors_list.currentRow()
        if row < 0:
            return
        authors = self._authors_value()
        del authors[row]
        self._save_authors(authors)
        self._reload_authors()

    def move_author(self, step: int) -> None:
        """Move the selected author up or down the byline."""
        row = self.authors_list.currentRow()
        authors = self._authors_value()
        target = row + step
        if row < 0 or not 0 <= target < len(authors):
            return
        authors[row], authors[target] = authors[target], authors[row]
        if self._save_authors(authors):
            self._reload_authors()
            self.authors_list.setCurrentRow(target)

    def _on_authors_list_item_changed(self, item: QListWidgetItem) -> None:
        authors = self._authors_value()
        row = self.authors_list.row(item)
        if item.checkState() == Qt.CheckState.Checked:
            authors = [(pid, i == row) for i, (pid, _) in enumerate(authors)]
        self._save_authors(authors)
        self._reload_authors()

    def add_image(self) -> None:
        """Ask for an image file and attach it."""
        path = ImagePicker.ask(self)
        if not path:
            return
        abstract_id = self.abstract_id
        Operation(
            self.ctx,
            self,
            lambda s, a: abstracts.add_image(s, a, abstract_id, path),
            changes=("abstract",),
            undo=lambda s, a, image: abstracts.remove_image(s, a, image.id),
            text="Add a figure",
        ).success(lambda _image: self._reload_authors()).run()

    def remove_image(self) -> None:
        """Detach the selected figure (the file stays on disk)."""
        item = self.images_list.currentItem()
        if item is None:
            return
        image_id = int(item.data(Qt.ItemDataRole.UserRole))
        abstract_id = self.abstract_id

        def write(session: Any, actor: Any) -> abstracts.ImageRecord:
            detail = abstracts.get_abstract_detail(session, actor, abstract_id)
            image = next(i for i in detail.images if i.id == image_id)
            abstracts.remove_image(session, actor, image_id)
            return image

        def undo(session: Any, actor: Any, image: abstracts.ImageRecord) -> None:
            abstracts.add_image(session, actor, abstract_id, image.path, image.caption)

        def redo(session: Any, actor: Any) -> abstracts.ImageRecord:
            # The figure came back under a new id: remove the one in the same place.
            detail = abstracts.get_abstract_detail(session, actor, abstract_id)
            image = detail.images[-1]
            abstracts.remove_image(session, actor, image.id)
            return image

        Operation(
            self.ctx,
            self,
            write,
            changes=("abstract",),
            undo=undo,
            redo=redo,
            text="Remove a figure",
        ).success(lambda _image: self._reload_authors()).run()

    # Export ----------------------------------------------------------------------------

    def export(self, mode: str) -> Any:
        """Open the slides or poster export for this abstract (saving edits first)."""
        if self.dirty and not self.save():
            return None
        module = importlib.import_module(EXPORT_MODULE)
        return module.ExportDialog.ask(self, self.ctx, self.abstract_id, mode=mode)

    def _on_events_changed(self, kind: str) -> None:
        if self.ctx.events.origin is self or self.dirty:
            return
        if kind in ("", "abstract", "conference", "person"):
            self.reload()


def _shown_sections(detail: AbstractDetail) -> list[tuple[str, str]]:
    """The sections the editor shows: the stored ones, or the meeting's headings to fill."""
    sections = [(s.heading, s.body) for s in detail.sections]
    return sections or [(h, "") for h in detail.required_sections]


def _paint(label: QLabel, color: str, *, bold: bool = False) -> None:
    style = f"color: {color};" if color else ""
    if bold:
        style += " font-weight: 600;"
    label.setStyleSheet(style)
    label.setProperty("over", bool(color))


def _deadline_text(deadline: dt.datetime, zone: str) -> str:
    try:
        local = deadline.astimezone(ZoneInfo(zone)) if zone else deadline
    except ZoneInfoNotFoundError:
        local = deadline
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname() or zone}"
