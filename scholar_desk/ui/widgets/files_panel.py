"""The files kept with a manuscript, project or abstract: drop to add, versions, open, compare."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from scholar_desk.core.services import manuscript_files, permissions
from scholar_desk.core.services.manuscript_files import DraftCounts, FileRecord
from scholar_desk.ui import icons
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import Operation, query
from scholar_desk.ui.widgets.flow_layout import FlowLayout

_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_GUESS = "guess from the name"
_open_folder: Path | None = None


def open_folder() -> Path:
    """A private folder for the read-only copies opened in other programs (one per run)."""
    global _open_folder
    if _open_folder is None or not _open_folder.is_dir():
        _open_folder = Path(tempfile.mkdtemp(prefix="scholar-desk-open-"))
        # The copies are only for looking at: they go when the application quits.
        atexit.register(shutil.rmtree, _open_folder, True)
    return _open_folder


def open_url(url: QUrl) -> bool:
    """Hand a file to the system's application for it (a seam the tests replace)."""
    return QDesktopServices.openUrl(url)


def _size(size: int) -> str:
    if size >= 1048576:
        return f"{size / 1048576:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def compare_text(first: FileRecord, a: DraftCounts, second: FileRecord, b: DraftCounts) -> str:
    """One line per number: ``Main text words: 24 → 29 (+5)``."""
    lines = [f"v{first.version} → v{second.version}"]
    for label, x, y in (
        ("Main text words", a.main_words, b.main_words),
        ("Abstract words", a.abstract_words, b.abstract_words),
        ("Legend words", a.legend_words, b.legend_words),
        ("Figures", a.figures, b.figures),
        ("Tables", a.tables, b.tables),
        ("References", a.references, b.references),
    ):
        change = f" ({y - x:+,})" if y != x else ""
        lines.append(f"{label}: {x:,} → {y:,}{change}")
    return "\n".join(lines)


class FilesPanel(QWidget):
    """Every file kept with one record and its versions; files dropped on it are added."""

    files_changed = Signal()

    def __init__(
        self, ctx: AppContext, kind: str, record_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.record_id = record_id
        self.files: list[FileRecord] = []
        self.can_change = False
        self.setObjectName("filesPanel")
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        title = QLabel("Files", self)
        title.setObjectName("sectionTitle")
        top.addWidget(title)
        top.addStretch(1)
        # The role and label share what is left of the line; the label's hint elides.
        self.role_combo = QComboBox(self)
        self.role_combo.setAccessibleName("Role of added files")
        self.role_combo.addItem(_GUESS, None)
        for role in manuscript_files.ROLES:
            self.role_combo.addItem(role, role)
        self.role_combo.setToolTip("What files dropped or added here are (a new version of)")
        top.addWidget(self.role_combo)
        self.label_edit = QLineEdit(self)
        self.label_edit.setAccessibleName("Label of added files")
        self.label_edit.setPlaceholderText("label, e.g. v3 after co-author comments")
        top.addWidget(self.label_edit)
        layout.addLayout(top)
        self.hint = QLabel(self)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.tree = QTreeWidget(self)
        self.tree.setAccessibleName("Files and their versions")
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(["File", "Version", "Added", "By", "Label"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setMinimumHeight(96)  # room for the buttons at the smallest window
        self.tree.itemSelectionChanged.connect(self._on_tree_item_selection_changed)
        self.tree.itemDoubleClicked.connect(lambda *_: self.open_selected())
        layout.addWidget(self.tree, 1)
        buttons = FlowLayout(spacing=6)  # wraps in a narrow column instead of widening it
        self.add_button = self._button("new", "Add…", self.choose_files)
        self.open_button = self._button("open", "Open", self.open_selected)
        self.save_button = self._button("export", "Save copy…", self.save_selected)
        self.compare_button = self._button("chart", "Compare words", self.compare_selected)
        self.remove_button = self._button("delete", "Remove", self.remove_selected)
        for button in (
            self.add_button,
            self.open_button,
            self.save_button,
            self.compare_button,
            self.remove_button,
        ):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.compare_label = QLabel(self)
        self.compare_label.setObjectName("compareCounts")
        self.compare_label.setWordWrap(True)
        self.compare_label.hide()
        layout.addWidget(self.compare_label)
        ctx.events.changed.connect(self._on_events_changed)
        self.reload()

    def _button(self, icon: str, text: str, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icons.icon(icon))
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setAutoRaise(True)
        button.clicked.connect(lambda _=False: slot())
        return button

    # Loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the files and what the actor may do with them again."""
        kind, record_id = self.kind, self.record_id

        def read(session: Any, actor: Any) -> tuple[list[FileRecord], str]:
            from scholar_desk.core.services import items

            found = manuscript_files.list_files(session, actor, kind, record_id)
            owner = items.load(session, kind, record_id, actor).owner_id
            why = permissions.refusal(session, actor, permissions.UPDATE, kind, owner)
            return found, why

        result = query(self.ctx, self, read)
        if result is None:
            return
        self.files, refusal = result
        self.can_change = not refusal
        self.setAcceptDrops(self.can_change)
        for button in (self.add_button, self.remove_button):
            button.setToolTip(refusal)
        self.role_combo.setEnabled(self.can_change)
        self.label_edit.setEnabled(self.can_change)
        if self.can_change:
            self.hint.setText(
                "Drop files here to keep them in the database (at most "
                f"{manuscript_files.MAX_FILE_BYTES // 1048576} MB each); the same role again "
                "is a new version."
            )
        else:
            self.hint.setText(refusal)
        self._fill()

    def _fill(self) -> None:
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for record in self.files:
            group = groups.get(record.slot)
            if group is None:
                group = QTreeWidgetItem(self.tree, [record.slot.replace("-", " ").capitalize()])
                groups[record.slot] = group
            item = QTreeWidgetItem(
                group,
                [
                    f"{record.name} ({_size(record.size)})",
                    f"v{record.version}" + (" (current)" if record.current else ""),
                    f"{record.added_at:%Y-%m-%d %H:%M}",
                    record.added_by,
                    record.label,
                ],
            )
            item.setData(0, _ID_ROLE, record.id)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self._on_tree_item_selection_changed()

    def selected_files(self) -> list[FileRecord]:
        """The versions selected in the list, in list order."""
        ids = {item.data(0, _ID_ROLE) for item in self.tree.selectedItems()}
        return [f for f in self.files if f.id in ids]

    def select_ids(self, ids: Sequence[int]) -> None:
        """Select these versions (and nothing else)."""
        self.tree.clearSelection()
        wanted = set(ids)
        for n in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(n)
            for c in range(group.childCount()):
                child = group.child(c)
                if child.data(0, _ID_ROLE) in wanted:
                    child.setSelected(True)

    # Adding ----------------------------------------------------------------------------

    @staticmethod
    def ask_files(parent: QWidget) -> list[str]:
        """The files the user picks to add (empty when cancelled)."""
        paths, _ = QFileDialog.getOpenFileNames(parent, "Add files")
        return list(paths)

    @staticmethod
    def ask_save_path(parent: QWidget, name: str) -> str:
        """Where the user saves a copy ('' when cancelled)."""
        path, _ = QFileDialog.getSaveFileName(parent, "Save a copy", name)
        return path

    def choose_files(self) -> list[FileRecord] | None:
        """Pick files with a dialog and add them."""
        paths = type(self).ask_files(self)
        return self.add_paths(paths) if paths else None

    def add_paths(self, paths: Sequence[str]) -> list[FileRecord] | None:
        """Add files (a new version where the role is already there), as one undo step."""
        if not self.can_change or not paths:
            return None
        kind, record_id = self.kind, self.record_id
        role = self.role_combo.currentData()
        label = self.label_edit.text().strip()
        files = list(paths)

        def add(session: Any, actor: Any) -> list[FileRecord]:
            return manuscript_files.add_files(
                session, actor, kind, record_id, files, role=role, label=label
            )

        def take_back(session: Any, actor: Any, added: list[FileRecord]) -> None:
            for record in added:
                manuscript_files.remove_file(session, actor, record.id)

        count = len(files)
        result = Operation(
            self.ctx,
            self,
            add,
            changes=(self.kind,),
            undo=take_back,
            text=f"Add {count} file{'s' if count != 1 else ''}",
        ).run()
        if result is not None:
            self.label_edit.clear()
            self.reload()
            self.files_changed.emit()
        return result

    @override
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.can_change and _local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    @override
    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.can_change and _local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    @override
    def dropEvent(self, event: QDropEvent) -> None:
        paths = _local_paths(event.mimeData())
        if not self.can_change or not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_paths(paths)

    # Reading back ----------------------------------------------------------------------

    def open_selected(self) -> Path | None:
        """Open the selected version in the system's application, as a read-only copy."""
        chosen = self.selected_files()
        if not chosen:
            return None
        file_id = chosen[0].id
        folder = open_folder()
        path = query(
            self.ctx,
            self,
            lambda s, a: manuscript_files.temporary_copy(s, a, file_id, folder),
        )
        if path is not None:
            open_url(QUrl.fromLocalFile(str(path)))
        return path

    def save_selected(self) -> Path | None:
        """Save a copy of the selected version where the user says."""
        chosen = self.selected_files()
        if not chosen:
            return None
        target = type(self).ask_save_path(self, chosen[0].name)
        if not target:
            return None
        file_id = chosen[0].id
        # The file dialog has asked before replacing an existing file.
        return query(
            self.ctx,
            self,
            lambda s, a: manuscript_files.save_copy(s, a, file_id, Path(target), force=True),
        )

    def compare_selected(self) -> str:
        """Compare the numbers of two selected .docx versions (older first)."""
        chosen = sorted(self.selected_files(), key=lambda f: (f.version, f.id))
        if len(chosen) != 2:
            self.compare_label.setText("Select two versions of a draft to compare.")
            self.compare_label.show()
            return self.compare_label.text()
        first, second = chosen
        found = query(
            self.ctx,
            self,
            lambda s, a: manuscript_files.compare_versions(s, a, first.id, second.id),
        )
        if found is None:
            return ""
        self.compare_label.setText(compare_text(first, found[0], second, found[1]))
        self.compare_label.show()
        return self.compare_label.text()

    # Removing --------------------------------------------------------------------------

    def remove_selected(self) -> None:
        """Remove the selected versions (Edit ▸ Undo brings them back)."""
        chosen = self.selected_files()
        if not chosen or not self.can_change:
            return
        for record in chosen:
            file_id = record.id
            Operation(
                self.ctx,
                self,
                lambda s, a, file_id=file_id: manuscript_files.remove_file(s, a, file_id),
                changes=(self.kind,),
                undo=lambda s, a, snapshot: manuscript_files.restore_file(s, a, snapshot),
                text=f"Remove {record.name} v{record.version}",
            ).run()
        self.reload()
        self.files_changed.emit()

    def _on_tree_item_selection_changed(self) -> None:
        chosen = self.selected_files()
        one = len(chosen) == 1
        self.open_button.setEnabled(one)
        self.save_button.setEnabled(one)
        self.compare_button.setEnabled(len(chosen) == 2)
        self.remove_button.setEnabled(self.can_change and bool(chosen))
        self.add_button.setEnabled(self.can_change)

    def _on_events_changed(self, kind: str) -> None:
        if kind in ("", self.kind) and self.ctx.events.origin is not self:
            self.reload()


def _local_paths(mime: Any) -> list[str]:
    if not mime.hasUrls():
        return []
    urls = mime.urls()
    paths = [url.toLocalFile() for url in urls if url.isLocalFile()]
    return paths if len(paths) == len(urls) else []
