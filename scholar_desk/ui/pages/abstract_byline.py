"""The abstract editor's byline and figures: show them, reorder, add and remove, undoably."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from scholar_desk.core.errors import NotFoundError
from scholar_desk.core.formats.results_table import ResultsTable
from scholar_desk.core.services import abstract_table, abstracts
from scholar_desk.core.services.abstracts import AbstractDetail
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.table_dialog import TableDialog
from scholar_desk.ui.operations import Operation, query


class ImagePicker:
    """Chooses an image file; tests monkeypatch `ask`."""

    @staticmethod
    def ask(parent: QWidget) -> str | None:
        """Return the chosen path, or ``None``."""
        path, _ = QFileDialog.getOpenFileName(
            parent, "Add figure", "", "Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.gif)"
        )
        return path or None


class CaptionPrompt:
    """Asks for a figure's caption; tests monkeypatch `ask`."""

    @staticmethod
    def ask(parent: QWidget, current: str) -> str | None:
        """Return the new caption, or ``None`` on Cancel."""
        text, ok = QInputDialog.getMultiLineText(parent, "Figure caption", "Caption:", current)
        return text if ok else None


class BylineAndFigures:
    """The authors list and figures of `AbstractEditor` (mixed into it).

    Uses the editor's ``ctx``, ``abstract_id``, ``authors_list``, ``images_list`` and
    ``person_combo``.
    """

    ctx: AppContext
    abstract_id: int
    authors_list: QListWidget
    images_list: QListWidget
    person_combo: QComboBox
    table_label: QLabel

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
        stored = [image.id for image in detail.images if image.exists]
        thumbnails = (
            query(
                self.ctx,
                self,
                lambda session, actor: {
                    i: abstracts.image_bytes(session, actor, i) for i in stored
                },
            )
            or {}
        )
        for image in detail.images:
            text = image.caption or image.name
            if image.role == abstracts.LOGO:
                text = f"Logo: {text}"
            if not image.exists:
                text += " (missing: attach it again)"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, image.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, image.caption)
            item.setToolTip(
                f"{image.name}, stored in the database" if image.exists else image.path
            )
            pixmap = QPixmap()
            if image.id in thumbnails and pixmap.loadFromData(thumbnails[image.id]):
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
        abstract_id = self.abstract_id
        detail = query(
            self.ctx,
            self,
            lambda session, actor: abstracts.get_abstract_detail(session, actor, abstract_id),
        )
        if detail is None:
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
        """Ask for an image file and copy it into the database as a figure."""
        self._attach(abstracts.FIGURE)

    def add_logo(self) -> None:
        """Ask for a logo file for the poster's banner and keep it with the abstract."""
        self._attach(abstracts.LOGO)

    def _attach(self, role: str) -> None:
        path = ImagePicker.ask(self)
        if not path:
            return
        abstract_id = self.abstract_id
        Operation(
            self.ctx,
            self,
            lambda s, a: abstracts.add_image(s, a, abstract_id, path, role=role),
            changes=("abstract",),
            undo=lambda s, a, image: abstracts.remove_image(s, a, image.id),
            text="Add a logo" if role == abstracts.LOGO else "Add a figure",
        ).success(lambda _image: self._reload_authors()).run()

    def edit_caption(self) -> None:
        """Ask for the selected figure's caption and save it."""
        item = self.images_list.currentItem()
        if item is None:
            return
        old = str(item.data(Qt.ItemDataRole.UserRole + 1) or "")
        caption = CaptionPrompt.ask(self, old)
        if caption is None:
            return
        image_id = int(item.data(Qt.ItemDataRole.UserRole))
        Operation(
            self.ctx,
            self,
            lambda s, a: abstracts.set_image_caption(s, a, image_id, caption),
            changes=("abstract",),
            undo=lambda s, a, _image: abstracts.set_image_caption(s, a, image_id, old),
            text="Change a figure's caption",
        ).success(lambda _image: self._reload_authors()).run()

    def _on_images_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        self.images_list.setCurrentItem(item)
        self.edit_caption()

    def remove_image(self) -> None:
        """Detach the selected figure (its stored copy goes when nothing else uses it)."""
        item = self.images_list.currentItem()
        if item is None:
            return
        image_id = int(item.data(Qt.ItemDataRole.UserRole))
        abstract_id = self.abstract_id

        def write(session: Any, actor: Any) -> tuple[abstracts.ImageRecord, bytes]:
            detail = abstracts.get_abstract_detail(session, actor, abstract_id)
            image = next(i for i in detail.images if i.id == image_id)
            data = abstracts.image_bytes(session, actor, image_id) if image.exists else b""
            abstracts.remove_image(session, actor, image_id)
            return image, data

        def undo(session: Any, actor: Any, removed: tuple[abstracts.ImageRecord, bytes]) -> None:
            image, data = removed
            if not data:
                raise NotFoundError(
                    f"{image.name} was not stored in the database, so it cannot come back; "
                    "attach the file again."
                )
            abstracts.add_image_data(
                session, actor, abstract_id, data, image.path, image.caption, role=image.role
            )

        def redo(session: Any, actor: Any) -> tuple[abstracts.ImageRecord, bytes]:
            # The figure came back under a new id: remove the one in the same place.
            detail = abstracts.get_abstract_detail(session, actor, abstract_id)
            image = detail.images[-1]
            data = abstracts.image_bytes(session, actor, image.id)
            abstracts.remove_image(session, actor, image.id)
            return image, data

        Operation(
            self.ctx,
            self,
            write,
            changes=("abstract",),
            undo=undo,
            redo=redo,
            text="Remove a figure",
        ).success(lambda _image: self._reload_authors()).run()

    # Results table -------------------------------------------------------------------

    def _current_table(self) -> ResultsTable | None:
        abstract_id = self.abstract_id
        return query(
            self.ctx,
            self,
            lambda session, actor: abstract_table.get_table(session, actor, abstract_id),
        )

    def _show_table(self) -> None:
        table = self._current_table()
        if table is None:
            self.table_label.setText(
                "None. A small table of the main results shows on the "
                "Results slide and the poster."
            )
            return
        rows, cols = table.shape
        caption = f": {table.caption}" if table.caption else ""
        self.table_label.setText(f"{rows} rows \u00d7 {cols} columns{caption}")

    def edit_table(self) -> None:
        """Open the table editor; saving stores the table (undoable)."""
        before = self._current_table()
        answer = TableDialog.ask(self, before)
        if answer is None:
            return
        after = answer if isinstance(answer, ResultsTable) else None
        if after == before:
            return
        abstract_id = self.abstract_id

        def write(session: Any, actor: Any) -> ResultsTable | None:
            return abstract_table.set_table(session, actor, abstract_id, after)

        def undo(session: Any, actor: Any, _result: ResultsTable | None) -> None:
            abstract_table.set_table(session, actor, abstract_id, before)

        Operation(
            self.ctx,
            self,
            write,
            changes=("abstract",),
            undo=undo,
            text="Remove the results table" if after is None else "Change the results table",
        ).success(lambda _table: self._show_table()).run()
