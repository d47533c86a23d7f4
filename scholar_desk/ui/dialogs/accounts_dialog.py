"""Accounts on a shared machine: the director's manager, and anyone's own password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.services import accounts, items
from scholar_desk.core.services.accounts import AccountInfo
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.operations import Operation

ROLES = ("fellow", "mentor", "director")


def _password_edit(parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class ChangePasswordDialog(QDialog):
    """Account ▸ Change password: the current one, then the new one twice."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Change password")
        self.old_edit = _password_edit(self)
        self.new_edit = _password_edit(self)
        self.again_edit = _password_edit(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Current password", self.old_edit)
        form.addRow("&New password", self.new_edit)
        form.addRow("&Again", self.again_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> bool:
        """Change the password; stay open with a message when it cannot be done."""
        if self.new_edit.text() != self.again_edit.text():
            self.message.setText("The two new passwords differ.")
            return False
        old, new = self.old_edit.text(), self.new_edit.text()
        for edit in (self.old_edit, self.new_edit, self.again_edit):
            edit.clear()
        operation = Operation(
            self.ctx, self, lambda s, a: accounts.change_password(s, a, old, new)
        ).failure(lambda exc: self.message.setText(exc.user_message), ScholarDeskError)
        operation.run()
        if operation.error is not None:
            return False
        self.accept()
        return True


class AccountsDialog(QDialog):
    """Account ▸ Manage accounts (directors): add, reset passwords, roles, mentees, idle lock."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[AccountInfo] = []
        self.setWindowTitle("Accounts")
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["User", "Role", "Person", "Mentees", "State"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        # New account
        self.name_edit = QLineEdit(self)
        self.role_combo = QComboBox(self)
        self.role_combo.addItems(ROLES)
        self.person_combo = QComboBox(self)
        self.password_edit = _password_edit(self)
        add_button = QPushButton("&Add account", self)
        add_button.clicked.connect(self.add_account)
        new_form = QFormLayout()
        new_form.addRow("User name", self.name_edit)
        new_form.addRow("Role", self.role_combo)
        new_form.addRow("Person", self.person_combo)
        new_form.addRow("Password", self.password_edit)
        new_form.addRow("", add_button)
        # Selected account
        self.reset_edit = _password_edit(self)
        reset_button = QPushButton("&Reset password", self)
        reset_button.clicked.connect(self.reset_password)
        self.toggle_button = QPushButton("&Disable", self)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.assign_combo = QComboBox(self)
        assign_button = QPushButton("Assign &mentee", self)
        assign_button.clicked.connect(self.assign_mentee)
        selected = QFormLayout()
        reset_row = QHBoxLayout()
        reset_row.addWidget(self.reset_edit)
        reset_row.addWidget(reset_button)
        selected.addRow("New password", reset_row)
        assign_row = QHBoxLayout()
        assign_row.addWidget(self.assign_combo)
        assign_row.addWidget(assign_button)
        selected.addRow("Fellow", assign_row)
        selected.addRow("", self.toggle_button)
        # Idle lock
        self.idle_spin = QSpinBox(self)
        self.idle_spin.setRange(1, accounts.IDLE_MINUTES_MAX)
        self.idle_spin.setSuffix(" min")
        idle_button = QPushButton("Save", self)
        idle_button.clicked.connect(self.save_idle_minutes)
        idle_row = QHBoxLayout()
        idle_row.addWidget(QLabel("Lock windows after", self))
        idle_row.addWidget(self.idle_spin)
        idle_row.addWidget(idle_button)
        idle_row.addStretch()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        columns = QHBoxLayout()
        columns.addLayout(new_form)
        columns.addLayout(selected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(columns)
        layout.addLayout(idle_row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self.resize(760, 520)
        self.reload()

    def reload(self) -> None:
        """Read the accounts, people and the idle setting again."""
        try:
            with self.ctx.library.reading() as session:
                self.rows = accounts.list_accounts(session, self.ctx.actor)
                people = items.list_items(session, self.ctx.actor, "person")
                minutes = accounts.idle_minutes(session)
        except ScholarDeskError as exc:
            self.message.setText(exc.user_message)
            self.setEnabled(False)
            return
        self.idle_spin.setValue(minutes)
        self.table.setRowCount(len(self.rows))
        names = {p.id: p.label for p in people}
        for row, info in enumerate(self.rows):
            values = (
                info.username,
                info.role,
                info.person_name,
                ", ".join(names.get(pid, f"#{pid}") for pid in info.mentees),
                "active" if info.active else "disabled",
            )
            for col, text in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(text))
        for combo in (self.person_combo, self.assign_combo):
            combo.clear()
            if combo is self.person_combo:
                combo.addItem("(none)", None)
            for person in people:
                combo.addItem(person.label, person.id)

    def selected(self) -> AccountInfo | None:
        """The account selected in the table."""
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def select(self, username: str) -> None:
        """Select an account by name."""
        for row, info in enumerate(self.rows):
            if info.username == username:
                self.table.selectRow(row)

    def _run(self, action: str, func: Callable[[Any, Any], object]) -> bool:
        operation = Operation(self.ctx, self, func, changes=("account",)).failure(
            lambda exc: self.message.setText(exc.user_message), ScholarDeskError
        )
        operation.run()
        if operation.error is not None:
            return False
        self.message.setText(action)
        self.reload()
        return True

    def add_account(self) -> bool:
        """Create the account described in the form."""
        name = self.name_edit.text().strip()
        password = self.password_edit.text()
        self.password_edit.clear()
        ok = self._run(
            f"Account {name} created.",
            lambda s, a: accounts.create_account(
                s,
                a,
                name,
                password,
                self.role_combo.currentText(),
                self.person_combo.currentData(),
            ),
        )
        if ok:
            self.name_edit.clear()
        return ok

    def reset_password(self) -> bool:
        """Set a new password for the selected account (and clear its lockout)."""
        info = self.selected()
        password = self.reset_edit.text()
        self.reset_edit.clear()
        if info is None:
            return False
        return self._run(
            f"Password of {info.username} reset.",
            lambda s, a: accounts.set_password(s, a, info.username, password),
        )

    def toggle_active(self) -> bool:
        """Disable or enable the selected account."""
        info = self.selected()
        if info is None:
            return False
        return self._run(
            f"{info.username} {'disabled' if info.active else 'enabled'}.",
            lambda s, a: accounts.update_account(s, a, info.username, active=not info.active),
        )

    def assign_mentee(self) -> bool:
        """Assign the chosen fellow to the selected mentor."""
        info = self.selected()
        person = self.assign_combo.currentData()
        if info is None or person is None:
            return False
        return self._run(
            f"Assigned to {info.username}.",
            lambda s, a: accounts.assign_mentor(s, a, info.username, int(person)),
        )

    def save_idle_minutes(self) -> bool:
        """Save the idle-lock minutes (open windows use it from their next start)."""
        minutes = self.idle_spin.value()
        return self._run(
            f"Windows lock after {minutes} minutes without use.",
            lambda s, a: accounts.set_idle_minutes(s, a, minutes),
        )

    def _on_table_item_selection_changed(self) -> None:
        info = self.selected()
        self.toggle_button.setText(
            "&Enable" if info is not None and not info.active else "&Disable"
        )


def show_accounts(parent: QWidget | None, ctx: AppContext) -> AccountsDialog:
    """Open the account manager without blocking."""
    dialog = AccountsDialog(ctx, parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def show_change_password(parent: QWidget | None, ctx: AppContext) -> ChangePasswordDialog | None:
    """Open Change password without blocking (``None`` in single-user mode)."""
    if ctx.actor.account_id is None:
        show_error(parent, ScholarDeskError("This database has no accounts, so no password."))
        return None
    dialog = ChangePasswordDialog(ctx, parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
