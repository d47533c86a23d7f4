"""Review comments on one item: read them, add one, resolve them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.services import comments, items, permissions
from scholar_desk.core.services.comments import CommentInfo
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import Operation

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class CommentsPanel(QWidget):
    """Embed in any editor: ``CommentsPanel(ctx, "project", project_id)``.

    Buttons show only what the signed-in role may do; open comments new to the owner
    are shown in bold and marked seen when the owner opens the panel.
    """

    comment_added = Signal(int)
    comment_resolved = Signal(int)

    def __init__(
        self, ctx: AppContext, kind: str, item_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.item_id = item_id
        self.rows: list[CommentInfo] = []
        self.heading = QLabel("Review comments", self)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Review comments")
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.editor = QPlainTextEdit(self)
        self.editor.setPlaceholderText("Write a review comment…")
        self.editor.setAccessibleName("New review comment")
        self.editor.setMaximumHeight(80)
        self.add_button = QPushButton("&Add comment", self)
        self.add_button.clicked.connect(self.add_comment)
        self.resolve_button = QPushButton("&Resolve", self)
        self.resolve_button.clicked.connect(self.resolve_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.resolve_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        layout.addWidget(self.editor)
        layout.addLayout(buttons)
        self.can_comment = False
        self.can_resolve = False
        ctx.events.changed.connect(self._on_events_changed)
        self.reload()

    def reload(self) -> None:
        """Read the comments again."""
        kind, item_id = self.kind, self.item_id

        def read_and_mark_seen(session: Any, actor: Any) -> tuple[Any, bool, bool, set[int]]:
            record = items.get_item(session, actor, kind, item_id)
            owner = record.get("owner_id")
            can_comment = permissions.allowed(session, actor, permissions.COMMENT, kind, owner)
            can_resolve = permissions.allowed(session, actor, permissions.RESOLVE, kind, owner)
            rows = comments.list_comments(session, actor, kind, item_id)
            unseen = {c.id for c in rows if not c.seen_by_owner}
            if owner is not None and owner == actor.person_id and unseen:
                comments.mark_seen(session, actor, unseen)
            return rows, can_comment, can_resolve, unseen

        # Unseen comments become seen as the owner reads them: one small write.
        found = (
            Operation(self.ctx, self, read_and_mark_seen)
            .failure(lambda _exc: None, ScholarDeskError)
            .run()
        )
        if found is None:
            self.rows, self.can_comment, self.can_resolve = [], False, False
            unseen: set[int] = set()
        else:
            self.rows, self.can_comment, self.can_resolve, unseen = found
        self.list.clear()
        for info in self.rows:
            state = "resolved" if info.resolved else "open"
            text = f"{info.author} · {info.created_at:%Y-%m-%d %H:%M} · {state}\n{info.body}"
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, info.id)
            if info.resolved:
                item.setForeground(self.palette().placeholderText())
            elif info.id in unseen:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
        open_count = sum(not c.resolved for c in self.rows)
        self.heading.setText(f"Review comments ({open_count} open)")
        self.editor.setVisible(self.can_comment)
        self.add_button.setVisible(self.can_comment)
        self.resolve_button.setVisible(self.can_resolve)
        self._on_list_current_row_changed(self.list.currentRow())

    def selected_id(self) -> int | None:
        """The comment selected, if any."""
        item = self.list.currentItem()
        return int(item.data(ID_ROLE)) if item is not None else None

    def add_comment(self) -> int | None:
        """Save the text as a new comment; its id, or ``None`` if nothing was saved."""
        text = self.editor.toPlainText().strip()
        if not text:
            return None
        kind, item_id = self.kind, self.item_id
        info = Operation(
            self.ctx,
            self,
            lambda s, a: comments.add_comment(s, a, kind, item_id, text),
            changes=("comment",),
            undo=lambda s, a, added: comments.withdraw_comment(s, a, added.id),
            text="Add a comment",
        ).run()
        if info is None:
            return None
        self.editor.clear()
        self.comment_added.emit(info.id)
        return info.id

    def resolve_selected(self) -> bool:
        """Resolve the selected comment."""
        comment_id = self.selected_id()
        if comment_id is None:
            return False
        operation = Operation(
            self.ctx,
            self,
            lambda s, a: comments.resolve_comment(s, a, comment_id),
            changes=("comment",),
            undo=lambda s, a, _info: comments.resolve_comment(s, a, comment_id, resolved=False),
            text="Resolve a comment",
        )
        operation.run()
        if operation.error is not None:
            return False
        self.comment_resolved.emit(comment_id)
        return True

    def _on_list_current_row_changed(self, row: int) -> None:
        ok = 0 <= row < len(self.rows) and not self.rows[row].resolved
        self.resolve_button.setEnabled(ok)

    def _on_events_changed(self, kind: str) -> None:
        if kind in ("", "comment", self.kind):
            self.reload()
