"""The reference library page's detail pane: every field of one reference, editable."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.errors import ConflictError
from scholar_desk.core.formats.citation import format_ama
from scholar_desk.core.services import permissions
from scholar_desk.core.services import references as svc
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.conflict_dialog import ConflictDialog
from scholar_desk.ui.operations import Operation, Unit, query, read
from scholar_desk.ui.unsaved import DraftKeeper, RestoreDraftDialog

SEARCH_DELAY_MS = 120

_LINE_FIELDS = (
    ("citation_key", "Key"),
    ("entry_type", "Type"),
    ("title", "Title"),
    ("journal", "Journal"),
    ("year", "Year"),
    ("volume", "Volume"),
    ("issue", "Issue"),
    ("pages", "Pages"),
    ("doi", "DOI"),
    ("pmid", "PMID"),
    ("url", "URL"),
    ("keywords", "Keywords"),
)


def library_read_only_reason(ctx: AppContext) -> str:
    """Why ``ctx.actor`` may not change the reference library; ``""`` when they may.

    The services refuse anyway (`permissions`, kind ``reference``); the page asks here so
    it can disable what the actor cannot do and say why.
    """
    return read(
        ctx,
        None,
        lambda session, actor: permissions.refusal(
            session, actor, permissions.CREATE, permissions.REFERENCE, None
        ),
        lambda exc: exc.user_message,
        unit=Unit.QUICK,
    )


class ReferenceDetailPane(QWidget):
    """Every field of one reference, editable, with tags and what cites it."""

    saved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._detail: svc.ReferenceDetail | None = None
        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        form = QFormLayout()
        self.edits["authors"] = QPlainTextEdit()
        self.edits["authors"].setPlaceholderText("Family, Given and Family, Given")
        self.edits["authors"].setMaximumHeight(60)
        form.addRow("Authors", self.edits["authors"])
        for name, label in _LINE_FIELDS:
            edit = QLineEdit()
            self.edits[name] = edit
            form.addRow(label, edit)
        self.edits["abstract"] = QPlainTextEdit()
        self.edits["abstract"].setMaximumHeight(110)
        form.addRow("Abstract", self.edits["abstract"])
        self.extra = QPlainTextEdit()
        self.extra.setPlaceholderText("one field per line: name = value")
        self.extra.setMaximumHeight(90)
        form.addRow("Other fields", self.extra)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("comma-separated tags")
        form.addRow("Tags", self.tags)
        self.links = QListWidget()
        self.links.setMaximumHeight(70)
        self.links.setToolTip("Select a link and press Remove link to stop citing it there")
        form.addRow("Cited by", self.links)
        self.unlink_button = QPushButton("Remove link")
        self.unlink_button.setEnabled(False)
        self.unlink_button.clicked.connect(self._on_unlink_clicked)
        self.links.currentRowChanged.connect(
            lambda row: self.unlink_button.setEnabled(row >= 0 and self._detail is not None)
        )
        form.addRow("", self.unlink_button)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.header = QLabel("Select a reference")
        self.header.setWordWrap(True)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.header)
        inner_layout.addLayout(form)
        inner_layout.addStretch(1)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setWidget(inner)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll, 1)
        # Save sits under the fields, outside their scroll area: always in sight.
        buttons = QHBoxLayout()
        buttons.setContentsMargins(8, 4, 8, 4)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.setEnabled(False)
        self._loaded: tuple[dict[str, Any], str] | None = None
        self.drafts: DraftKeeper | None = None
        for edit in (*self.edits.values(), self.extra, self.tags):
            edit.textChanged.connect(self._on_text_changed)

    # Unsaved edits (see ui/unsaved.py) --------------------------------------------------

    def has_unsaved_edits(self) -> bool:
        """Whether the fields or tags differ from the stored reference."""
        if self._detail is None or self._loaded is None or not self.save_button.isEnabled():
            return False
        return (self.values(), self.tags.text()) != self._loaded

    def unsaved_what(self) -> str:
        """How the question about unsaved edits names this reference."""
        key = self._detail.ref.citation_key if self._detail else ""
        return f"the reference “{key}”"

    def save(self) -> bool:
        """Save the fields and tags; whether it was saved."""
        return self._on_save_clicked()

    def discard_edits(self) -> None:
        """Show the stored reference again."""
        if self.drafts is not None:
            self.drafts.forget()
        if self._detail is not None:
            self.show_reference(self._detail.id)

    def draft_values(self) -> dict[str, Any]:
        """The fields and tags as typed."""
        return {"values": self.values(), "tags": self.tags.text()}

    def _on_text_changed(self) -> None:
        if self.drafts is not None and self.has_unsaved_edits():
            self.drafts.touched()

    def _offer_draft(self) -> None:
        assert self.drafts is not None
        draft = self.drafts.recovered()
        if not draft or (draft.get("values"), draft.get("tags")) == self._loaded:
            self.drafts.forget()
            return
        if not RestoreDraftDialog.ask(self, self.unsaved_what()):
            self.drafts.forget()
            return
        values = draft.get("values") or {}
        for name, edit in self.edits.items():
            text = str(values.get(name, ""))
            if isinstance(edit, QPlainTextEdit):
                edit.setPlainText(text)
            else:
                edit.setText(text)
        extra = values.get("extra_fields") or {}
        self.extra.setPlainText("\n".join(f"{k} = {v}" for k, v in extra.items()))
        self.tags.setText(str(draft.get("tags", "")))

    @property
    def detail(self) -> svc.ReferenceDetail | None:
        """The reference shown."""
        return self._detail

    def set_read_only(self, reason: str) -> None:
        """Make the fields read-only and disable Save, with ``reason`` as the tooltip."""
        for edit in (*self.edits.values(), self.extra, self.tags):
            edit.setReadOnly(bool(reason))
            edit.setToolTip(reason)
        self.save_button.setEnabled(not reason)
        self.save_button.setToolTip(reason)

    def show_reference(self, ref_id: int | None) -> None:
        """Load one reference (None clears the pane)."""
        if ref_id is None:
            self._detail = None
            self.header.setText("Select a reference")
            self.setEnabled(False)
            return
        detail = query(
            self._ctx, self, lambda session, actor: svc.get_reference(session, actor, ref_id)
        )
        if detail is None:
            return
        self._detail = detail
        ref = detail.ref
        for name, edit in self.edits.items():
            value = getattr(ref, name)
            text = "" if value is None else str(value)
            if isinstance(edit, QPlainTextEdit):
                edit.setPlainText(text)
            else:
                edit.setText(text)
                edit.setCursorPosition(0)
        self.extra.setPlainText("\n".join(f"{k} = {v}" for k, v in ref.extra_fields.items()))
        self.tags.setText(", ".join(detail.tags))
        self.links.clear()
        for link in detail.links:
            item = QListWidgetItem(f"{link.target_kind.title()}: {link.label}")
            item.setData(Qt.ItemDataRole.UserRole, (link.target_kind, link.target_id))
            self.links.addItem(item)
        self.unlink_button.setEnabled(False)
        self.header.setText(format_ama(ref))
        self.setEnabled(True)
        self._scroll.verticalScrollBar().setValue(0)
        self._loaded = (self.values(), self.tags.text())
        if self.drafts is None or self.drafts.key != f"reference-{ref_id}":
            if self.drafts is not None:
                self.drafts.deleteLater()
            self.drafts = DraftKeeper(self._ctx, self, f"reference-{ref_id}", parent=self)
            self._offer_draft()

    def values(self) -> dict[str, Any]:
        """The edited field values."""
        out: dict[str, Any] = {}
        for name, edit in self.edits.items():
            out[name] = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
        extra = {}
        for line in self.extra.toPlainText().splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip():
                extra[key.strip()] = value.strip()
        out["extra_fields"] = extra
        return out

    def _on_unlink_clicked(self) -> None:
        item = self.links.currentItem()
        if item is None or self._detail is None:
            return
        kind, target_id = item.data(Qt.ItemDataRole.UserRole)
        ref_id = self._detail.id
        from scholar_desk.core.services import citations

        Operation(
            self._ctx,
            self,
            lambda s, a: citations.uncite(s, a, kind, target_id, ref_id),
            changes=(kind,),
            undo=lambda s, a, _r: citations.cite(s, a, kind, target_id, [ref_id]),
            text="Remove a citation",
        ).success(lambda _r: self.show_reference(ref_id)).run()

    def _on_save_clicked(self) -> bool:
        if self._detail is None:
            return False
        return self._save(self._detail.version, self.values())

    def _save(self, version: int, values: dict[str, Any]) -> bool:
        assert self._detail is not None  # a save follows a load
        ref_id = self._detail.id
        tags = [t.strip() for t in self.tags.text().split(",") if t.strip()]
        merged: list[bool] = []

        # The edit as made, in the form's terms: undo applies it backwards and redo
        # forwards as three-way merges, so fields another window saved since are kept.
        edit: list[tuple[dict[str, Any], dict[str, Any]]] = []

        def write(session: Any, actor: Any) -> svc.ReferenceDetail:
            before = svc.get_reference(session, actor, ref_id)
            svc.update_reference(session, actor, ref_id, version, values)
            svc.set_tags(session, actor, ref_id, tags)
            after = svc.get_reference(session, actor, ref_id)
            edit[:] = [(self._state(before), self._state(after))]
            return before

        def undo(session: Any, actor: Any, _before: svc.ReferenceDetail) -> None:
            old, new = edit[0]
            self._step(session, actor, ref_id, new, old, "undo")

        def redo(session: Any, actor: Any) -> svc.ReferenceDetail:
            old, new = edit[0]
            return self._step(session, actor, ref_id, old, new, "redo")

        operation = Operation(
            self._ctx,
            self,
            write,
            changes=("reference",),
            undo=undo,
            redo=redo,
            text="Edit reference",
        )
        operation.failure(lambda _exc: merged.append(self._merge_and_save()), ConflictError)
        operation.success(lambda _r: self._after_save(ref_id)).run()
        return operation.error is None or bool(merged and merged[0])

    def _form_values(self, ref: Any) -> dict[str, Any]:
        """A stored reference in the form's own terms (text per field, extra fields)."""
        out: dict[str, Any] = {}
        for name in self.edits:
            value = getattr(ref, name)
            out[name] = "" if value is None else str(value)
        out["extra_fields"] = dict(ref.extra_fields)
        return out

    def _state(self, detail: svc.ReferenceDetail) -> dict[str, Any]:
        """A stored reference in the form's terms, with its tags."""
        return {**self._form_values(detail.ref), "tags": sorted(detail.tags)}

    def _step(
        self,
        session: Any,
        actor: Any,
        ref_id: int,
        base: Mapping[str, Any],
        want: Mapping[str, Any],
        verb: str,
    ) -> svc.ReferenceDetail:
        """Undo or redo an edit over what is stored now; refuse where both changed a field."""
        from scholar_desk.core.services import audit, merge

        now = svc.get_reference(session, actor, ref_id)
        who = audit.last_changes(session, "reference", ref_id)
        result = merge.merge_fields(
            base,
            want,
            self._state(now),
            labels=_labels(),
            who=lambda name: who.get(name, ("", None)),
        )
        if result.clashes:
            raise merge.StepBlockedError(verb, "reference", result.clashes)
        values = dict(result.values)
        tags = values.pop("tags", None)
        if values:
            svc.update_reference(session, actor, ref_id, now.version, values)
        if tags is not None:
            svc.set_tags(session, actor, ref_id, list(tags))
        return now

    def _merge_and_save(self) -> bool:
        """Someone saved this reference since it was loaded: merge field by field."""
        from scholar_desk.core.services import audit, merge

        assert self._detail is not None
        base = self._detail
        found = query(
            self._ctx,
            self,
            lambda session, actor: (
                svc.get_reference(session, actor, base.id),
                audit.last_changes(session, "reference", base.id),
            ),
        )
        if found is None:  # the error is shown
            return False
        latest, who = found
        labels = _labels()
        result = merge.merge_fields(
            self._form_values(base.ref),
            self.values(),
            self._form_values(latest.ref),
            labels=labels,
            who=lambda name: who.get(name, ("", None)),
        )
        choices: Mapping[str, str] = {}
        if result.clashes:
            kept = [labels.get(n, n) for n in result.kept_theirs]
            asked = ConflictDialog.ask(self, "reference", result.clashes, kept)
            if asked is None:
                return False  # the form keeps the user's edits; the next save merges again
            choices = asked
        self._detail = latest
        return self._save(latest.version, result.resolve(choices))

    def _after_save(self, ref_id: int) -> None:
        if self.drafts is not None:
            self.drafts.forget()
        self.show_reference(ref_id)
        self.saved.emit(ref_id)


def _labels() -> dict[str, str]:
    """What the merge calls each field of the form."""
    labels = dict(_LINE_FIELDS)
    labels.update(authors="Authors", abstract="Abstract", extra_fields="Other fields", tags="Tags")
    return labels
