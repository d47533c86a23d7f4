"""Editor sections that are not columns of the row: a project's mentors and tags, a byline.

Each loads itself, says whether it changed and gives the undoable command that saves it
once the record exists.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session
from typing_extensions import override

from scholar_desk.core.db import models as m
from scholar_desk.core.records import ArticleType
from scholar_desk.core.services import items, manuscript_files, projects, submissions
from scholar_desk.ui import icons
from scholar_desk.ui.commands import FunctionCommand
from scholar_desk.ui.context import AppContext

_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_AUTHOR_ROLE = Qt.ItemDataRole.UserRole + 2


def _people(ctx: AppContext) -> list[tuple[int, str]]:
    with ctx.library.reading() as session:
        return [(r.id, r.label) for r in items.list_items(session, ctx.actor, "person")]


class RecordExtra(QWidget):
    """A section of an editor saved by its own command after the record's fields."""

    changed = Signal()

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 8, 0, 0)
        self.layout_.setSpacing(6)
        heading = QLabel(title, self)
        heading.setObjectName("sectionTitle")
        self.layout_.addWidget(heading)

    def load(self, record_id: int | None) -> None:
        """Fill from the stored record (``None``: a new one)."""
        raise NotImplementedError

    def is_dirty(self) -> bool:
        """Whether it differs from what was loaded."""
        raise NotImplementedError

    def error(self) -> str:
        """What must be fixed before saving ('' when nothing)."""
        return ""

    def command(self, record_id: int) -> FunctionCommand | None:
        """The undoable write of what changed (``None`` when nothing did)."""
        raise NotImplementedError


# Project: mentors and tags ---------------------------------------------------------------


class ProjectLinks(RecordExtra):
    """A project's mentors (ticked from the people directory) and its tags."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Mentors and tags", parent)
        self.mentor_filter = QLineEdit(self)
        self.mentor_filter.setObjectName("mentorFilter")
        self.mentor_filter.setAccessibleName("Find a mentor")
        self.mentor_filter.setPlaceholderText("Find a person…")
        self.mentor_filter.setClearButtonEnabled(True)
        self.mentor_filter.textChanged.connect(self._on_mentor_filter_text_changed)
        self.mentors = QListWidget(self)
        self.mentors.setObjectName("mentorPicker")
        self.mentors.setAccessibleName("Mentors")
        self.mentors.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        self.mentors.itemChanged.connect(lambda _item: self.changed.emit())
        label = QLabel("Mentors: tick each person who mentors this project.", self)
        label.setObjectName("hint")
        label.setWordWrap(True)
        self.layout_.addWidget(label)
        self.layout_.addWidget(self.mentor_filter)
        self.layout_.addWidget(self.mentors)
        tags_row = QHBoxLayout()
        tags_label = QLabel("&Tags", self)
        self.tags_edit = QLineEdit(self)
        self.tags_edit.setObjectName("tagsEdit")
        self.tags_edit.setPlaceholderText("Comma-separated, e.g. knee, RFA")
        self.tags_edit.textChanged.connect(lambda _text: self.changed.emit())
        tags_label.setBuddy(self.tags_edit)
        tags_row.addWidget(tags_label)
        tags_row.addWidget(self.tags_edit, 1)
        self.layout_.addLayout(tags_row)
        self._mentor_ids: tuple[int, ...] = ()
        self._tags: tuple[str, ...] = ()

    def load(self, record_id: int | None) -> None:
        with self.ctx.library.reading() as session:
            if record_id is not None:
                summary = projects.project_summary(session, self.ctx.actor, record_id)
                self._mentor_ids = summary.mentor_ids
                self._tags = summary.tags
            known_tags = sorted(session.scalars(select(m.Tag.name)))
        completer = QCompleter(known_tags, self.tags_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags_edit.setCompleter(completer)
        self.mentors.blockSignals(True)
        self.mentors.clear()
        chosen = set(self._mentor_ids)
        people = _people(self.ctx)
        people.sort(key=lambda p: (p[0] not in chosen, p[1].casefold()))
        for person_id, name in people:
            item = QListWidgetItem(name, self.mentors)
            item.setData(_ID_ROLE, person_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if person_id in chosen else Qt.CheckState.Unchecked
            )
        self.mentors.blockSignals(False)
        self.tags_edit.setText(", ".join(self._tags))

    def mentor_ids(self) -> tuple[int, ...]:
        """The ticked people, in list order."""
        out = []
        for row in range(self.mentors.count()):
            item = self.mentors.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(_ID_ROLE)))
        return tuple(out)

    def tags(self) -> tuple[str, ...]:
        """The typed tags, without blanks or repeats."""
        return tuple(
            dict.fromkeys(t.strip() for t in self.tags_edit.text().split(",") if t.strip())
        )

    def is_dirty(self) -> bool:
        return sorted(self.mentor_ids()) != sorted(self._mentor_ids) or sorted(
            self.tags()
        ) != sorted(self._tags)

    def command(self, record_id: int) -> FunctionCommand | None:
        if not self.is_dirty():
            return None
        actor = self.ctx.actor
        new_mentors, old_mentors = self.mentor_ids(), self._mentor_ids
        new_tags, old_tags = self.tags(), self._tags

        def apply(session: Session, mentors: tuple[int, ...], tags: tuple[str, ...]) -> Any:
            projects.set_project_mentors(session, actor, record_id, mentors)
            return projects.set_project_tags(session, actor, record_id, tags)

        return FunctionCommand(
            self.ctx,
            "project",
            "Change the project's mentors and tags",
            lambda session, _actor: apply(session, new_mentors, new_tags),
            lambda session, _actor, _result: apply(session, old_mentors, old_tags),
        )

    def _on_mentor_filter_text_changed(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.mentors.count()):
            item = self.mentors.item(row)
            item.setHidden(bool(needle) and needle not in item.text().casefold())


# Manuscript: the byline ---------------------------------------------------------------


@dataclass(frozen=True)
class Author:
    """One byline entry: a stored person, or a new one to create on save."""

    person_id: int | None
    name: str
    corresponding: bool = False
    senior: bool = False


class AuthorList(RecordExtra):
    """A manuscript's byline: add (a new person too), reorder by drag or Alt+↑/↓, remove.

    The first author is whoever is first; corresponding and senior are ticked per author.
    Decks, posters, the CV list and the report read this order.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Authors", parent)
        self.list = QListWidget(self)
        self.list.setObjectName("authorList")
        self.list.setAccessibleName("Authors in byline order")
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.list.setMaximumHeight(self.fontMetrics().lineSpacing() * 9)
        self.list.model().rowsMoved.connect(self._on_rows_moved)
        self.list.currentRowChanged.connect(self._on_current_row_changed)
        self.layout_.addWidget(self.list)

        flags = QHBoxLayout()
        self.corresponding_box = QCheckBox("&Corresponding", self)
        self.senior_box = QCheckBox("&Senior", self)
        self.corresponding_box.toggled.connect(self._on_flags_toggled)
        self.senior_box.toggled.connect(self._on_flags_toggled)
        self.up_button = self._tool("↑", "Move up in the byline (Alt+Up)", lambda: self.move(-1))
        self.down_button = self._tool(
            "↓", "Move down in the byline (Alt+Down)", lambda: self.move(1)
        )
        self.remove_button = self._tool("", "Remove from the byline (Del)", self.remove_current)
        self.remove_button.setIcon(icons.icon("delete"))
        flags.addWidget(self.corresponding_box)
        flags.addWidget(self.senior_box)
        flags.addStretch(1)
        for button in (self.up_button, self.down_button, self.remove_button):
            flags.addWidget(button)
        self.layout_.addLayout(flags)

        add_row = QHBoxLayout()
        self.person_combo = QComboBox(self)
        self.person_combo.setObjectName("authorPicker")
        self.person_combo.setEditable(True)
        self.person_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.person_combo.setAccessibleName("Person to add")
        line = self.person_combo.lineEdit()
        line.setPlaceholderText("Pick a person, or type a new name")
        line.returnPressed.connect(self.add_current)
        self.add_button = self._tool("Add", "Add to the end of the byline", self.add_current)
        self.add_button.setIcon(icons.icon("new"))
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        add_row.addWidget(self.person_combo, 1)
        add_row.addWidget(self.add_button)
        self.layout_.addLayout(add_row)
        hint = QLabel("Drag to reorder, or Alt+↑/↓. A new name becomes a person on Save.", self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.layout_.addWidget(hint)

        self.list.installEventFilter(self)
        self._loaded: tuple[Author, ...] = ()
        self._update_buttons()

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
            if alt and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move(-1 if event.key() == Qt.Key.Key_Up else 1)
                return True
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.remove_current()
                return True
        return super().eventFilter(watched, event)

    def _tool(self, text: str, tip: str, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def load(self, record_id: int | None) -> None:
        people = _people(self.ctx)
        self.person_combo.clear()
        for person_id, name in people:
            self.person_combo.addItem(name, person_id)
        self.person_combo.setCurrentIndex(-1)
        loaded: list[Author] = []
        if record_id is not None:
            with self.ctx.library.reading() as session:
                for a in submissions.manuscript_authors(session, self.ctx.actor, record_id):
                    loaded.append(Author(a.person_id, a.name, a.corresponding, a.senior))
        self._loaded = tuple(loaded)
        self.set_authors(loaded)

    def set_authors(self, authors: list[Author]) -> None:
        """Show ``authors`` in this order."""
        self.list.clear()
        for author in authors:
            self._append(author)
        self._renumber()

    def authors(self) -> list[Author]:
        """The byline as shown."""
        return [self.list.item(row).data(_AUTHOR_ROLE) for row in range(self.list.count())]

    def is_dirty(self) -> bool:
        return tuple(self.authors()) != self._loaded

    def error(self) -> str:
        if sum(1 for a in self.authors() if a.senior) > 1:
            return "Mark one senior author at most."
        return ""

    def _append(self, author: Author) -> QListWidgetItem:
        item = QListWidgetItem(self.list)
        item.setData(_AUTHOR_ROLE, author)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsDragEnabled)
        return item

    def _renumber(self) -> None:
        count = self.list.count()
        for row in range(count):
            item = self.list.item(row)
            author: Author = item.data(_AUTHOR_ROLE)
            roles = []
            if row == 0:
                roles.append("first")
            if author.corresponding:
                roles.append("corresponding")
            if author.senior:
                roles.append("senior")
            if author.person_id is None:
                roles.append("new person")
            text = f"{row + 1}. {author.name}"
            item.setText(text + (f"  —  {', '.join(roles)}" if roles else ""))
        self._update_buttons()
        self.changed.emit()

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        has = 0 <= row < self.list.count()
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < self.list.count() - 1)
        self.remove_button.setEnabled(has)
        self.corresponding_box.setEnabled(has)
        self.senior_box.setEnabled(has)
        author: Author | None = self.list.item(row).data(_AUTHOR_ROLE) if has else None
        for box, value in (
            (self.corresponding_box, author.corresponding if author else False),
            (self.senior_box, author.senior if author else False),
        ):
            box.blockSignals(True)
            box.setChecked(value)
            box.blockSignals(False)

    def add_current(self) -> Author | None:
        """Add the picked person, or a new person named as typed, at the end."""
        text = self.person_combo.currentText().strip()
        if not text:
            return None
        index = self.person_combo.findText(text, Qt.MatchFlag.MatchFixedString)
        person_id = self.person_combo.itemData(index) if index >= 0 else None
        name = self.person_combo.itemText(index) if index >= 0 else text
        if person_id is not None and any(a.person_id == person_id for a in self.authors()):
            self.list.setCurrentRow(
                next(i for i, a in enumerate(self.authors()) if a.person_id == person_id)
            )
            return None
        author = Author(person_id, name)
        self._append(author)
        self.list.setCurrentRow(self.list.count() - 1)
        self.person_combo.setCurrentIndex(-1)
        self.person_combo.clearEditText()
        self._renumber()
        return author

    def move(self, step: int) -> None:
        """Move the current author up (-1) or down (+1)."""
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self._renumber()

    def remove_current(self) -> None:
        """Take the current author off the byline."""
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self._renumber()

    def command(self, record_id: int) -> FunctionCommand | None:
        if not self.is_dirty():
            return None
        actor = self.ctx.actor
        wanted = self.authors()
        old = [(a.person_id or 0, a.corresponding, a.senior) for a in self._loaded]
        created: list[int] = []

        def forward(session: Session, _actor: Any) -> Any:
            created.clear()
            byline = []
            for a in wanted:
                person_id = a.person_id
                if person_id is None:
                    given, _, family = a.name.rpartition(" ")
                    record = items.create_item(
                        session,
                        actor,
                        "person",
                        {"given_name": given or family, "family_name": family},
                    )
                    person_id = record.id
                    created.append(person_id)
                byline.append((person_id, a.corresponding, a.senior))
            return submissions.set_manuscript_authors(session, actor, record_id, byline)

        def backward(session: Session, _actor: Any, _result: Any) -> None:
            submissions.set_manuscript_authors(session, actor, record_id, old)
            for person_id in created:
                items.delete_item(session, actor, "person", person_id)

        return FunctionCommand(self.ctx, "manuscript", "Change the byline", forward, backward)

    # Slots ------------------------------------------------------------------------------

    def _on_rows_moved(self, *_: object) -> None:
        self._renumber()

    def _on_current_row_changed(self, _row: int) -> None:
        self._update_buttons()

    def _on_flags_toggled(self, _checked: bool) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        author: Author = item.data(_AUTHOR_ROLE)
        senior = self.senior_box.isChecked()
        if senior and not author.senior:
            # One senior author: ticking another moves the mark.
            for row in range(self.list.count()):
                other = self.list.item(row)
                data: Author = other.data(_AUTHOR_ROLE)
                if data.senior:
                    other.setData(_AUTHOR_ROLE, _replace(data, senior=False))
        item.setData(
            _AUTHOR_ROLE,
            _replace(author, corresponding=self.corresponding_box.isChecked(), senior=senior),
        )
        self._renumber()


def _replace(author: Author, **changes: Any) -> Author:
    from dataclasses import replace

    return replace(author, **changes)


# Journal: limits per article type -----------------------------------------------------

_LIMIT_COLUMNS = (
    ("words", "Words"),
    ("abstract_words", "Abstract"),
    ("figures", "Figures"),
    ("tables", "Tables"),
    ("refs", "Refs"),
)


class JournalLimitsEditor(RecordExtra):
    """A journal's limits for each article type, checked by the manuscript page."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Limits per article type", parent)
        hint = QLabel(
            "Leave a cell empty for no limit. Tick Legends when the journal counts figure "
            "legends as main text. Catalog limits are examples: check the author guidelines.",
            self,
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.layout_.addWidget(hint)
        self.table = QTableWidget(len(ArticleType), len(_LIMIT_COLUMNS) + 1, self)
        self.table.setObjectName("journalLimits")
        self.table.setAccessibleName("Limits per article type")
        self.table.setHorizontalHeaderLabels([t for _n, t in _LIMIT_COLUMNS] + ["Legends"])
        self.table.setVerticalHeaderLabels([t.value for t in ArticleType])
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        self.layout_.addWidget(self.table)
        self._loaded: dict[str, manuscript_files.JournalLimits] = {}
        self._journal_id: int | None = None

    def load(self, record_id: int | None) -> None:
        self._journal_id = record_id
        self._loaded = {}
        if record_id is not None:
            with self.ctx.library.reading() as session:
                found = manuscript_files.journal_limits(session, self.ctx.actor, record_id)
            self._loaded = {limits.article_type: limits for limits in found}
        self.table.blockSignals(True)
        for row, article_type in enumerate(ArticleType):
            limits = self._loaded.get(article_type.value)
            for col, (name, _title) in enumerate(_LIMIT_COLUMNS):
                value = getattr(limits, name) if limits is not None else None
                self.table.setItem(row, col, QTableWidgetItem("" if value is None else str(value)))
            legends = QTableWidgetItem()
            legends.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            checked = limits is not None and limits.legends_count
            legends.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.table.setItem(row, len(_LIMIT_COLUMNS), legends)
        self.table.blockSignals(False)

    def _row(self, row: int, journal_id: int) -> manuscript_files.JournalLimits | str:
        article_type = list(ArticleType)[row].value
        values: dict[str, int | None] = {}
        for col, (name, title) in enumerate(_LIMIT_COLUMNS):
            item = self.table.item(row, col)
            text = item.text().strip().replace(",", "") if item is not None else ""
            if not text:
                values[name] = None
            elif text.isdigit():
                values[name] = int(text)
            else:
                return f"{article_type}, {title}: enter a whole number or leave it empty."
        legends = self.table.item(row, len(_LIMIT_COLUMNS))
        checked = legends is not None and legends.checkState() == Qt.CheckState.Checked
        return manuscript_files.JournalLimits(
            journal_id, article_type, legends_count=checked, **values
        )

    def _changed_rows(
        self, journal_id: int
    ) -> list[tuple[manuscript_files.JournalLimits, manuscript_files.JournalLimits]]:
        out = []
        for row in range(self.table.rowCount()):
            new = self._row(row, journal_id)
            if isinstance(new, str):
                continue
            old = self._loaded.get(new.article_type)
            before = old or manuscript_files.JournalLimits(journal_id, new.article_type)
            if new != replace(before, journal_id=journal_id):
                out.append((new, replace(before, journal_id=journal_id)))
        return out

    def is_dirty(self) -> bool:
        return bool(self._changed_rows(self._journal_id or 0))

    def error(self) -> str:
        for row in range(self.table.rowCount()):
            found = self._row(row, 0)
            if isinstance(found, str):
                return found
        return ""

    def command(self, record_id: int) -> FunctionCommand | None:
        pairs = self._changed_rows(record_id)
        if not pairs:
            return None

        def apply(session: Session, actor: Any, rows: list[Any]) -> None:
            for limits in rows:
                manuscript_files.set_journal_limits(session, actor, limits)

        return FunctionCommand(
            self.ctx,
            "journal",
            "Change the journal's limits",
            lambda session, actor: apply(session, actor, [new for new, _old in pairs]),
            lambda session, actor, _result: apply(session, actor, [old for _new, old in pairs]),
        )


EXTRAS: dict[str, type[RecordExtra]] = {
    "project": ProjectLinks,
    "manuscript": AuthorList,
    "journal": JournalLimitsEditor,
}
"""Which editor sections a kind's editor adds below its fields."""
