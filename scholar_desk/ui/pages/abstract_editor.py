"""The abstract editor: title and sections with a live count against the meeting's rule."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.errors import ConflictError
from scholar_desk.core.records import Record
from scholar_desk.core.services import abstract_steps, abstracts, audit, items, merge, zones
from scholar_desk.core.services.abstracts import AbstractDetail, CountResult, CountRule
from scholar_desk.ui import icons
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.conflict_dialog import ConflictDialog
from scholar_desk.ui.operations import Operation, query
from scholar_desk.ui.pages.abstract_byline import BylineAndFigures
from scholar_desk.ui.pages.abstract_byline import CaptionPrompt as CaptionPrompt
from scholar_desk.ui.pages.abstract_byline import ImagePicker as ImagePicker
from scholar_desk.ui.unsaved import DraftKeeper, RestoreDraftDialog, show_status
from scholar_desk.ui.widgets.files_panel import FilesPanel
from scholar_desk.ui.widgets.section_editor import GrowingTextEdit, SectionEditor
from scholar_desk.ui.widgets.status_chip import StatusChip
from scholar_desk.ui.widgets.timeline import transparent_scroll

OVER_COLOR = "#b91c1c"
NEAR_COLOR = "#b45309"
EXPORT_MODULE = "scholar_desk.ui.dialogs.export_dialog"
TEMPLATE_MODULE = "scholar_desk.ui.dialogs.template_dialog"


def _id_of(item: int | Record) -> int:
    return item.id if isinstance(item, Record) else int(item)


class AbstractEditor(BylineAndFigures, QWidget):
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
            self.template_button = QPushButton(icons.icon("export"), "Template…", self)
            self.template_button.setToolTip("Export a poster or slide template (.potx)")
            self.template_button.clicked.connect(self.export_template)
            header.addWidget(self.template_button, 0, Qt.AlignmentFlag.AlignTop)
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
        self.title_edit = GrowingTextEdit(page, min_lines=2)
        self.title_edit.setObjectName("titleEdit")
        self.title_edit.setAccessibleName("Abstract title")
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
        self.files_panel = FilesPanel(self.ctx, "abstract", self.abstract_id, page)
        layout.addWidget(self.files_panel)
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
        self.authors_list.setAccessibleName("Authors")
        self.authors_list.setAccessibleDescription("In byline order; tick the presenting author")
        self.authors_list.setMaximumHeight(150)
        self.authors_list.itemChanged.connect(self._on_authors_list_item_changed)
        layout.addWidget(self.authors_list)
        add_author = QHBoxLayout()
        self.person_combo = QComboBox(side)
        self.person_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.person_combo.setMinimumContentsLength(12)
        self.person_combo.setAccessibleName("Person to add as an author")
        # A line of its own: beside the buttons the narrow column left it a few letters.
        layout.addWidget(self.person_combo)
        self.add_author_button = self._tool(side, "new", "Add", self.add_author)
        self.remove_author_button = self._tool(side, "delete", "", self.remove_author)
        self.remove_author_button.setToolTip("Remove the selected author")
        self.remove_author_button.setAccessibleName("Remove the selected author")
        self.up_author_button = self._tool(side, "", "↑", lambda: self.move_author(-1))
        self.up_author_button.setToolTip("Move up in the byline")
        self.up_author_button.setAccessibleName("Move the author up in the byline")
        self.down_author_button = self._tool(side, "", "↓", lambda: self.move_author(1))
        self.down_author_button.setToolTip("Move down in the byline")
        self.down_author_button.setAccessibleName("Move the author down in the byline")
        for button in (
            self.add_author_button,
            self.up_author_button,
            self.down_author_button,
            self.remove_author_button,
        ):
            add_author.addWidget(button)
        add_author.addStretch(1)
        layout.addLayout(add_author)
        hint = QLabel("Tick the presenting author.", side)
        hint.setObjectName("hint")
        layout.addWidget(hint)

        layout.addWidget(self._title("Figures", side))
        self.images_list = QListWidget(side)
        self.images_list.setObjectName("imagesList")
        self.images_list.setAccessibleName("Figures")
        self.images_list.setIconSize(QSize(56, 40))
        self.images_list.setMaximumHeight(150)
        self.images_list.setWordWrap(True)
        self.images_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.images_list)
        image_row = QHBoxLayout()
        self.add_image_button = self._tool(side, "new", "Add figure…", self.add_image)
        self.add_logo_button = self._tool(side, "new", "Add logo…", self.add_logo)
        self.add_logo_button.setToolTip("A logo for the poster's banner, kept with the abstract")
        self.caption_button = self._tool(side, "edit", "Caption…", self.edit_caption)
        self.remove_image_button = self._tool(side, "delete", "Remove", self.remove_image)
        self.images_list.itemDoubleClicked.connect(self._on_images_list_item_double_clicked)
        image_row.addWidget(self.add_image_button)
        image_row.addWidget(self.add_logo_button)
        image_row.addStretch(1)
        layout.addLayout(image_row)
        image_row_2 = QHBoxLayout()
        image_row_2.addWidget(self.caption_button)
        image_row_2.addWidget(self.remove_image_button)
        image_row_2.addStretch(1)
        layout.addLayout(image_row_2)
        layout.addWidget(self._title("Results table", side))
        self.table_label = QLabel(side)
        self.table_label.setObjectName("hint")
        self.table_label.setWordWrap(True)
        layout.addWidget(self.table_label)
        table_row = QHBoxLayout()
        self.table_button = self._tool(side, "edit", "Edit table…", self.edit_table)
        self.table_button.setToolTip("Type the cells or paste them from a spreadsheet")
        table_row.addWidget(self.table_button)
        table_row.addStretch(1)
        layout.addLayout(table_row)
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
        abstract_id = self.abstract_id
        found = query(
            self.ctx,
            self,
            lambda session, actor: (
                abstracts.get_abstract_detail(session, actor, abstract_id),
                [(p.id, p.label) for p in items.list_items(session, actor, "person")],
            ),
        )
        if found is None:
            return
        detail, people = found
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
        self._show_table()

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
        abstract_id = self.abstract_id
        found = query(
            self.ctx,
            self,
            lambda session, actor: (
                abstracts.get_abstract_detail(session, actor, abstract_id),
                audit.last_changes(session, "abstract", abstract_id),
            ),
        )
        if found is None:
            return False
        latest, who = found

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
            edit[:] = [(before, after)]
            return before, after

        # The edit as first made: undo applies it backwards and redo forwards, each as
        # a three-way merge, so sections another window saved in between are kept.
        edit: list[tuple[AbstractDetail, AbstractDetail]] = []

        def undo(session: Any, actor: Any, saved: tuple[AbstractDetail, AbstractDetail]) -> None:
            before, after = saved
            abstract_steps.step(session, actor, abstract_id, after, before, verb="undo")

        def redo(session: Any, actor: Any) -> tuple[AbstractDetail, AbstractDetail]:
            before, after = edit[0]
            abstract_steps.step(session, actor, abstract_id, before, after, verb="redo")
            return before, after

        operation = Operation(
            self.ctx,
            self,
            write,
            changes=("abstract",),
            undo=undo,
            redo=redo,
            text="Edit abstract",
        ).failure(lambda _exc: conflict.append(True), ConflictError)
        saved = operation.run()
        return saved[1] if saved is not None else None

    # Export ----------------------------------------------------------------------------

    def export(self, mode: str) -> Any:
        """Open the slides or poster export for this abstract (saving edits first)."""
        if self.dirty and not self.save():
            return None
        module = importlib.import_module(EXPORT_MODULE)
        return module.ExportDialog.ask(self, self.ctx, self.abstract_id, mode=mode)

    def export_template(self) -> Any:
        """Open Export template for this abstract and its meeting (saving edits first)."""
        if self.dirty and not self.save():
            return None
        module = importlib.import_module(TEMPLATE_MODULE)
        conference = self.detail.conference_id if self.detail is not None else None
        return module.TemplateDialog.ask(self, self.ctx, self.abstract_id, conference)

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
    text = zones.format_in_zone(deadline, zone)
    mine = zones.user_time_note(deadline, zone)
    return f"{text} ({mine})" if mine else text
