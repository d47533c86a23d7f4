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

from scholar_desk.core.errors import ScholarDeskError, ValidationError
from scholar_desk.core.services import accounts, items
from scholar_desk.core.services.accounts import AccountInfo
from scholar_desk.ui import screens
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.operations import Operation, read

ROLES = ("fellow", "mentor", "director")


def _password_edit(parent: QWidget, name: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


class ChangePasswordDialog(QDialog):
    """Account ▸ Change password: the current one, then the new one twice."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Change password")
        self.old_edit = _password_edit(self, "Current password")
        self.new_edit = _password_edit(self, "New password")
        self.again_edit = _password_edit(self, "New password again")
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
        self.table.setAccessibleName("Accounts")
        self.table.setHorizontalHeaderLabels(["User", "Role", "Person", "Mentees", "State"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Result")
        # Undoing an account change could re-enable a disabled account or bring back a
        # replaced password, so these stay out of Undo; the dialog says so up front.
        self.not_undoable = QLabel(
            "Account changes take effect at once and are not undone by Undo (Ctrl+Z), so a "
            "disabled account or a replaced password never comes back by accident. Change "
            "them back here.",
            self,
        )
        self.not_undoable.setObjectName("hint")
        self.not_undoable.setWordWrap(True)
        # New account
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName("New account's user name")
        self.role_combo = QComboBox(self)
        self.role_combo.setAccessibleName("New account's role")
        self.role_combo.addItems(ROLES)
        self.person_combo = QComboBox(self)
        self.person_combo.setAccessibleName("New account's person")
        self.password_edit = _password_edit(self, "New account's password")
        add_button = QPushButton("&Add account", self)
        add_button.clicked.connect(self.add_account)
        new_form = QFormLayout()
        new_form.addRow(_buddy("&User name", self.name_edit, self), self.name_edit)
        new_form.addRow(_buddy("R&ole", self.role_combo, self), self.role_combo)
        new_form.addRow(_buddy("&Person", self.person_combo, self), self.person_combo)
        new_form.addRow(_buddy("Pass&word", self.password_edit, self), self.password_edit)
        new_form.addRow("", add_button)
        # Selected account
        self.reset_edit = _password_edit(self, "New password for the selected account")
        self.reset_button = QPushButton("&Reset password", self)
        self.reset_button.clicked.connect(self.reset_password)
        self.change_role_combo = QComboBox(self)
        self.change_role_combo.addItems(ROLES)
        self.change_role_combo.setAccessibleName("Role of the selected account")
        self.role_button = QPushButton("Change ro&le", self)
        self.role_button.clicked.connect(self.change_role)
        self.toggle_button = QPushButton("&Disable", self)
        self.toggle_button.setAccessibleDescription(
            "A disabled account cannot sign in; its work and history stay."
        )
        self.toggle_button.clicked.connect(self.toggle_active)
        self.assign_combo = QComboBox(self)
        self.assign_combo.setAccessibleName("Fellow to assign to the selected mentor")
        self.assign_button = QPushButton("Assign &mentee", self)
        self.assign_button.clicked.connect(self.assign_mentee)
        selected = QFormLayout()
        reset_row = QHBoxLayout()
        reset_row.addWidget(self.reset_edit)
        reset_row.addWidget(self.reset_button)
        selected.addRow(_buddy("&New password", self.reset_edit, self), reset_row)
        role_row = QHBoxLayout()
        role_row.addWidget(self.change_role_combo)
        role_row.addWidget(self.role_button)
        selected.addRow(_buddy("Role", self.change_role_combo, self), role_row)
        assign_row = QHBoxLayout()
        assign_row.addWidget(self.assign_combo)
        assign_row.addWidget(self.assign_button)
        selected.addRow(_buddy("&Fellow", self.assign_combo, self), assign_row)
        selected.addRow("", self.toggle_button)
        # Idle lock
        self.idle_spin = QSpinBox(self)
        self.idle_spin.setRange(1, accounts.IDLE_MINUTES_MAX)
        self.idle_spin.setSuffix(" min")
        self.idle_spin.setAccessibleName("Lock windows after minutes without use")
        idle_button = QPushButton("&Save", self)
        idle_button.setAccessibleName("Save idle lock minutes")
        idle_button.clicked.connect(self.save_idle_minutes)
        idle_row = QHBoxLayout()
        idle_row.addWidget(_buddy("Lock windows af&ter", self.idle_spin, self))
        idle_row.addWidget(self.idle_spin)
        idle_row.addWidget(idle_button)
        idle_row.addStretch()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        columns = QHBoxLayout()
        columns.addLayout(new_form)
        columns.addLayout(selected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)  # the room a small screen leaves goes to the list
        layout.addLayout(columns)
        layout.addLayout(idle_row)
        layout.addWidget(self.not_undoable)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self.resize(760, 520)
        screens.fit_to_screen(self)
        self.reload()
        self._on_table_item_selection_changed()

    def reload(self) -> None:
        """Read the accounts, people and the idle setting again."""

        def load(session: Any, actor: Any) -> tuple[list[AccountInfo], list[Any], int]:
            return (
                accounts.list_accounts(session, actor),
                items.list_items(session, actor, "person"),
                accounts.idle_minutes(session),
            )

        def refused(exc: ScholarDeskError) -> None:
            self.message.setText(exc.user_message)
            self.setEnabled(False)

        loaded = read(self.ctx, self, load, refused)
        if loaded is None:
            return
        self.rows, people, minutes = loaded
        self.idle_spin.setValue(minutes)
        keep = self.table.currentRow()
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
        if 0 <= keep < len(self.rows):
            self.table.selectRow(keep)
        self._on_table_item_selection_changed()

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
            lambda exc: self.message.setText(_said(exc)), ScholarDeskError
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

    def change_role(self) -> bool:
        """Give the selected account the role chosen beside the button."""
        info = self.selected()
        role = self.change_role_combo.currentText()
        if info is None:
            return False
        return self._run(
            f"{info.username} is now a {role}.",
            lambda s, a: accounts.update_account(s, a, info.username, role=role),
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
        for widget in (
            self.toggle_button,
            self.reset_button,
            self.reset_edit,
            self.change_role_combo,
            self.role_button,
            self.assign_button,
        ):
            widget.setEnabled(info is not None)
        self.toggle_button.setText(
            "&Enable" if info is not None and not info.active else "&Disable"
        )
        if info is not None:
            self.change_role_combo.setCurrentText(info.role)
            self.toggle_button.setAccessibleName(
                f"{'Enable' if not info.active else 'Disable'} {info.username}"
            )


def _said(exc: ScholarDeskError) -> str:
    """The message for the dialog: a refused value's own sentence, without the field name."""
    if isinstance(exc, ValidationError) and exc.fields:
        return " ".join(exc.fields.values())
    return exc.user_message


def _buddy(text: str, widget: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(widget)
    return label


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
