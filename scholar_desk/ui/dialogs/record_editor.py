"""A form for any tracker kind, built from its field specs, saving through undoable commands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)
from typing_extensions import override

from scholar_desk.core.errors import ConflictError, ValidationError
from scholar_desk.core.records import FieldSpec, Record
from scholar_desk.core.services import audit, items, merge, styles, zones
from scholar_desk.core.services.kinds import Kind, get_kind
from scholar_desk.ui import icons, screens
from scholar_desk.ui.commands import CreateCommand, UpdateCommand
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.dialogs.conflict_dialog import ConflictDialog, value_text
from scholar_desk.ui.errors import show_error
from scholar_desk.ui.operations import Operation, Unit
from scholar_desk.ui.unsaved import DraftKeeper, RestoreDraftDialog, settle
from scholar_desk.ui.widgets.record_extras import EXTRAS, RecordExtra

NO_VALUE = "—"
_NO_NUMBER = -1


class DateField(QWidget):
    """A date typed as YYYY-MM-DD or picked from a calendar; empty means no date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.line_edit = QLineEdit(self)
        self.line_edit.setPlaceholderText("YYYY-MM-DD")
        self.line_edit.setToolTip("A date such as 2026-07-01; leave empty for no date")
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setFixedWidth(
            self.line_edit.fontMetrics().horizontalAdvance("2026-12-31") + 48
        )
        self.button = QToolButton(self)
        self.button.setObjectName("dateButton")
        self.button.setFixedSize(
            self.line_edit.sizeHint().height(), self.line_edit.sizeHint().height()
        )
        self.button.setIcon(icons.icon("conference"))
        self.button.setToolTip("Pick a date")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(False)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._on_menu_about_to_show)
        self.calendar.clicked.connect(self._on_calendar_clicked)
        self.calendar.clicked.connect(menu.close)
        self.button.setMenu(menu)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.setFocusProxy(self.line_edit)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        """What is typed, stripped."""
        return self.line_edit.text().strip()

    def set_value(self, value: dt.date | str | None) -> None:
        """Show a date (or ISO text), or nothing."""
        if isinstance(value, dt.date):
            value = value.isoformat()
        self.line_edit.setText(value or "")

    def _on_menu_about_to_show(self) -> None:
        try:
            current = dt.date.fromisoformat(self.text())
        except ValueError:
            current = dt.date.today()
        self.calendar.setSelectedDate(QDate(current.year, current.month, current.day))

    def _on_calendar_clicked(self, date: QDate) -> None:
        self.line_edit.setText(date.toString("yyyy-MM-dd"))


class ZoneBox(QComboBox):
    """An IANA time zone, typed (any case, matching anywhere in the name) or picked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItems(list(zones.zone_names()))
        self.setMaxVisibleItems(15)
        completer = QCompleter(list(zones.zone_names()), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setMinimumContentsLength(24)
        line = self.lineEdit()
        line.setPlaceholderText("Type part of a name, e.g. Phoenix")
        line.setAccessibleName("Time zone search")
        self.set_zone(zones.DEFAULT_ZONE)

    def text(self) -> str:
        """The zone name as typed or picked."""
        return self.currentText().strip()

    def set_zone(self, name: str) -> None:
        """Show a zone name (kept as typed when it is not in the list)."""
        index = self.findText(name)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(name)


class ZonedDateTimeField(QWidget):
    """A date and time typed as the wall-clock time in a meeting's zone, with the user's own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.zone_name = zones.DEFAULT_ZONE
        self.line_edit = QLineEdit(self)
        self.line_edit.setPlaceholderText("YYYY-MM-DD HH:MM")
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setFixedWidth(
            self.line_edit.fontMetrics().horizontalAdvance("2026-12-31 23:59") + 48
        )
        self.note = QLabel(self)
        self.note.setObjectName("hint")
        layout.addWidget(self.line_edit)
        layout.addWidget(self.note, 1)
        self.setFocusProxy(self.line_edit)
        self.line_edit.textChanged.connect(self._show_note)

    def text(self) -> str:
        """What is typed, stripped."""
        return self.line_edit.text().strip()

    def set_moment(self, moment: dt.datetime | None) -> None:
        """Show a stored moment as the wall-clock time in the current zone."""
        if moment is None:
            self.line_edit.setText("")
        else:
            self.line_edit.setText(f"{zones.in_zone(moment, self.zone_name):%Y-%m-%d %H:%M}")
        self._show_note()

    def set_zone(self, name: str) -> None:
        """Read the typed time in another zone (the wall-clock time stays)."""
        self.zone_name = name.strip()
        self._show_note()

    def _show_note(self) -> None:
        self.note.setText(self.note_text())
        self.line_edit.setAccessibleDescription(self.note.text())

    def note_text(self) -> str:
        """``MST, your time 2026-12-14 01:59 EST``: the zone's abbreviation and the user's time."""
        try:
            zone = zones.canonical_zone(self.zone_name)
        except ValueError:
            return "unknown time zone"
        try:
            wall = dt.datetime.fromisoformat(self.text())
        except ValueError:
            wall = dt.datetime.combine(dt.date.today(), dt.time(12))
        if wall.tzinfo is not None:
            return ""
        moment = zones.from_wall_time(wall, zone)
        abbreviation = zones.in_zone(moment, zone).tzname() or zone
        mine = zones.user_time_note(moment, zone)
        return f"{abbreviation} ({zone}), {mine}" if mine else f"{abbreviation} ({zone})"


class _Field:
    """One row of the form: its input widget, how to read and fill it, and its message."""

    def __init__(self, spec: FieldSpec, widget: QWidget, error: QLabel) -> None:
        self.spec = spec
        self.widget = widget
        self.error = error
        self.row = -1

    def raw(self) -> Any:
        w = self.widget
        if isinstance(w, DateField | ZonedDateTimeField | ZoneBox):
            return w.text()
        if isinstance(w, QLineEdit):
            return w.text().strip()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QSpinBox):
            return None if w.value() == _NO_NUMBER else w.value()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QComboBox):
            return w.currentData()
        raise TypeError(type(w))

    def fill(self, value: Any) -> None:
        w = self.widget
        if isinstance(w, DateField):
            w.set_value(value)
        elif isinstance(w, ZonedDateTimeField):
            w.set_moment(value if isinstance(value, dt.datetime) else None)
        elif isinstance(w, ZoneBox):
            w.set_zone(_text(value) or zones.DEFAULT_ZONE)
        elif isinstance(w, QLineEdit):
            w.setText(_datetime_text(value) if self.spec.type == "datetime" else _text(value))
            w.setCursorPosition(0)
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(_text(value))
        elif isinstance(w, QSpinBox):
            w.setValue(_NO_NUMBER if value is None else int(value))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QComboBox):
            index = w.findData(value)
            if index < 0 and value not in (None, ""):
                # A value no longer offered (e.g. a record the actor cannot list): keep it.
                w.addItem(f"#{value}" if self.spec.type == "ref" else str(value), value)
                index = w.count() - 1
            w.setCurrentIndex(max(index, 0))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _datetime_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if value.utcoffset() in (None, dt.timedelta(0)):
            return value.strftime("%Y-%m-%d %H:%M")
        return value.isoformat(sep=" ", timespec="minutes")
    return _text(value)


class RecordEditor(QDialog):
    """Edits one record of any kind (or creates one); fields come from the kind's specs.

    Open it with `open_for()` (non-blocking; result via `saved`) or `ask()` (blocking,
    returns the saved record or ``None``; callers' tests monkeypatch it).
    """

    saved = Signal(object)  # the saved Record

    def __init__(
        self,
        ctx: AppContext,
        kind_name: str,
        record: Record | None = None,
        parent: QWidget | None = None,
        *,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind: Kind = get_kind(kind_name)
        self.record = record
        self.result_record: Record | None = None
        self.fields: dict[str, _Field] = {}
        self.extras: list[RecordExtra] = []
        self.setObjectName("recordEditor")
        self.setWindowTitle(
            f"New {self.kind.name}" if record is None else f"Edit {self.kind.name}"
        )
        self.setModal(True)
        self._build()
        self._load_ref_choices()
        self._fill(record, initial or {})
        self._initial = self.raw_values()
        self._error_values: dict[str, Any] = {}
        self.drafts = DraftKeeper(
            ctx, self, f"{self.kind.name}-{record.id if record else 'new'}", parent=self
        )
        for name, field in self.fields.items():
            _changed_signal(field.widget).connect(lambda *_args, n=name: self._on_field_changed(n))
        self._offer_draft()

    # Building ---------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        heading = QLabel(
            f"New {self.kind.name}" if self.record is None else self.record.label, self
        )
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        heading.setContentsMargins(20, 16, 20, 4)
        outer.addWidget(heading)

        self.general_error = QLabel(self)
        self.general_error.setObjectName("fieldError")
        self.general_error.setWordWrap(True)
        self.general_error.setContentsMargins(20, 4, 20, 4)
        self.general_error.hide()
        outer.addWidget(self.general_error)

        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(20, 8, 20, 12)
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(8)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in self.kind.fields:
            self._add_field(body, spec)
        self._link_zones()
        body_layout.addLayout(self.form)
        extra = EXTRAS.get(self.kind.name)
        if extra is not None:
            section = extra(self.ctx, body)
            section.load(self.record.id if self.record is not None else None)
            body_layout.addWidget(section)
            self.extras.append(section)
        body_layout.addStretch(1)

        scroll = QScrollArea(self)
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll, 1)

        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setObjectName("separator")
        outer.addWidget(line)

        footer = QHBoxLayout()
        footer.setContentsMargins(20, 10, 20, 14)
        note = QLabel("* required", self)
        note.setObjectName("hint")
        footer.addWidget(note)
        footer.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        footer.addWidget(self.buttons)
        outer.addLayout(footer)

        body_hint = body.sizeHint()
        self.resize(max(560, body_hint.width() + 60), min(body_hint.height() + 150, 720))
        screens.fit_to_screen(self)

    def _add_field(self, parent: QWidget, spec: FieldSpec) -> None:
        widget = self._make_widget(parent, spec)
        widget.setObjectName(f"field_{spec.name}")
        widget.setAccessibleName(spec.label)
        if spec.help:
            widget.setToolTip(spec.help)
            widget.setAccessibleDescription(spec.help)
        if isinstance(widget, DateField | ZonedDateTimeField):
            widget.line_edit.setAccessibleName(spec.label)
        if isinstance(widget, DateField):
            widget.button.setAccessibleName(f"Pick a date: {spec.label}")
        label = QLabel(f"{spec.label} *" if spec.required else spec.label, parent)
        label.setBuddy(widget)
        error = QLabel(parent)
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        field = _Field(spec, widget, error)
        self.form.addRow(label, widget)
        self.form.addRow("", error)
        field.row = self.form.rowCount() - 1
        self.form.setRowVisible(field.row, False)
        self.fields[spec.name] = field

    def _make_widget(self, parent: QWidget, spec: FieldSpec) -> QWidget:
        kind = spec.type
        if kind == "multiline":
            edit = QPlainTextEdit(parent)
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText(spec.help)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 14)
            return edit
        if kind == "int":
            spin = QSpinBox(parent)
            spin.setRange(_NO_NUMBER, 99_999_999)
            spin.setSpecialValueText(NO_VALUE)
            spin.setMaximumWidth(140)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            return spin
        if kind == "date":
            return DateField(parent)
        if kind == "datetime" and spec.zone_field:
            return ZonedDateTimeField(parent)
        if kind == "timezone":
            return ZoneBox(parent)
        if kind == "bool":
            return QCheckBox(parent)
        if kind in ("choice", "ref", "style"):
            combo = QComboBox(parent)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(24)
            if not spec.required or kind == "ref":
                combo.addItem(NO_VALUE, None)
            for choice in spec.choices:
                combo.addItem(choice, choice)
            return combo
        edit = QLineEdit(parent)
        if kind == "datetime":
            edit.setPlaceholderText("YYYY-MM-DD HH:MM (UTC unless the offset is given)")
            edit.setMaximumWidth(320)
        else:
            edit.setPlaceholderText(spec.help)
        return edit

    def _link_zones(self) -> None:
        """A zoned time's note follows its zone box as the user picks a zone."""
        for field in self.fields.values():
            zone_field = self.fields.get(field.spec.zone_field)
            if (
                isinstance(field.widget, ZonedDateTimeField)
                and zone_field is not None
                and isinstance(zone_field.widget, ZoneBox)
            ):
                zone_field.widget.currentTextChanged.connect(field.widget.set_zone)
                field.widget.set_zone(zone_field.widget.text())

    def _load_style_choices(self) -> None:
        fields = [f for f in self.fields.values() if f.spec.type == "style"]
        if not fields:
            return
        with self.ctx.library.reading() as session:
            found = styles.available(session)
        for field in fields:
            combo = field.widget
            assert isinstance(combo, QComboBox)
            combo.setItemText(0, "AMA (the default)")
            for info in found:
                combo.addItem(info.title if info.shipped else f"{info.title} (added)", info.name)

    def _load_ref_choices(self) -> None:
        self._load_style_choices()
        refs = [f for f in self.fields.values() if f.spec.type == "ref" and f.spec.ref_kind]
        if not refs:
            return
        with self.ctx.library.reading() as session:
            wanted = {f.spec.ref_kind or "" for f in refs}
            choices = {
                name: items.list_items(session, self.ctx.actor, name) for name in sorted(wanted)
            }
        for field in refs:
            combo = field.widget
            assert isinstance(combo, QComboBox)
            for option in choices[field.spec.ref_kind or ""]:
                if self.record is not None and (option.kind, option.id) == (
                    self.record.kind,
                    self.record.id,
                ):
                    continue  # a record cannot point at itself
                combo.addItem(option.label, option.id)

    def _fill(self, record: Record | None, initial: Mapping[str, Any]) -> None:
        for name, field in self.fields.items():
            if record is not None:
                field.fill(record.get(name))
            elif name in initial:
                field.fill(initial[name])
            elif name == "owner_id" and self.ctx.actor.person_id is not None:
                field.fill(self.ctx.actor.person_id)

    # Reading and saving -----------------------------------------------------------------

    def raw_values(self) -> dict[str, Any]:
        """What the form holds now, by field name, as the item service accepts it."""
        return {name: field.raw() for name, field in self.fields.items()}

    def changed_values(self) -> dict[str, Any]:
        """Only the fields the user changed since the form was filled."""
        now = self.raw_values()
        return {name: value for name, value in now.items() if value != self._initial.get(name)}

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show each message under its field, highlight the field, focus the first."""
        self.clear_errors()
        first: QWidget | None = None
        general = []
        for name, message in errors.items():
            field = self.fields.get(name)
            if field is None:
                general.append(message)
                continue
            field.error.setText(message)
            self.form.setRowVisible(field.row, True)
            _set_invalid(field.widget, True)
            self._error_values[name] = field.raw()
            if first is None:
                first = field.widget
        if general:
            self.general_error.setText("\n".join(general))
            self.general_error.show()
        if first is not None:
            first.setFocus()

    def clear_errors(self) -> None:
        """Hide every message."""
        self.general_error.hide()
        self._error_values.clear()
        for field in self.fields.values():
            self._hide_error(field)

    def _hide_error(self, field: _Field) -> None:
        field.error.clear()
        self.form.setRowVisible(field.row, False)
        _set_invalid(field.widget, False)

    def _on_field_changed(self, name: str) -> None:
        # The message goes as soon as the value it was about is changed.
        if name in self._error_values and self.fields[name].raw() != self._error_values[name]:
            del self._error_values[name]
            self._hide_error(self.fields[name])
        if self.has_unsaved_edits():
            self.drafts.touched()

    # Unsaved edits (see ui/unsaved.py) --------------------------------------------------

    def has_unsaved_edits(self) -> bool:
        """Whether the form holds values not yet saved."""
        if self.result() == QDialog.DialogCode.Accepted:
            return False
        return bool(self.changed_values()) or self.extras_dirty()

    def unsaved_what(self) -> str:
        """How the question about unsaved edits names this record."""
        if self.record is None:
            return f"the new {self.kind.name}"
        return f"the {self.kind.name} “{self.record.label[:60]}”"

    def discard_edits(self) -> None:
        """Drop the typed values and close."""
        self._fill(self.record, {})
        for name, value in self._initial.items():
            self.fields[name].fill(value)
        self.drafts.forget()
        super().reject()

    def draft_values(self) -> dict[str, Any]:
        """The changed fields, as JSON values."""
        return {
            name: value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
            for name, value in self.changed_values().items()
        }

    def _offer_draft(self) -> None:
        draft = self.drafts.recovered()
        if not draft:
            return
        wanted = {name: value for name, value in draft.items() if name in self.fields}
        if not wanted or not RestoreDraftDialog.ask(self.parentWidget(), self.unsaved_what()):
            self.drafts.forget()
            return
        for name, value in wanted.items():
            self.fields[name].fill(value)

    @override
    def reject(self) -> None:
        if self.has_unsaved_edits() and not settle(self, [self]):
            return
        self.drafts.forget()
        super().reject()

    def error_text(self, name: str) -> str:
        """The message shown under a field ('' when none), for tests and accessibility."""
        field = self.fields[name]
        return field.error.text() if self.form.isRowVisible(field.row) else ""

    def extras_dirty(self) -> bool:
        """Whether a section below the fields (mentors, tags, byline) changed."""
        return any(extra.is_dirty() for extra in self.extras)

    def save(self) -> Record | None:
        """Validate and save through undoable commands (one undo step); on success accept."""
        self.clear_errors()
        problems = [e.error() for e in self.extras if e.error()]
        if problems:
            self.show_errors({"": " ".join(problems)})
            return None
        done: list[Any] = []

        def write(_session: Any, _actor: Any) -> Record:
            # Each command keeps its own transaction, so undo can take back each part.
            record = self.record
            commands: list[Any] = []
            if self.record is None:
                commands.append(CreateCommand(self.ctx, self.kind.name, self.raw_values()))
            else:
                changes = self.changed_values()
                if changes:
                    commands.append(UpdateCommand(self.ctx, self.kind.name, self.record, changes))
            for command in commands:
                command.origin = self
                record = command.run()
                done.append(command)
            assert record is not None  # created above, or the record edited
            for extra in self.extras:
                extra_command = extra.command(record.id)
                if extra_command is not None:
                    extra_command.origin = self
                    extra_command.run()
                    done.append(extra_command)
            return record

        operation = Operation(self.ctx, self, write, unit=Unit.NONE)
        operation.failure(lambda exc: self.show_errors(exc.fields), ValidationError)
        operation.failure(self._on_conflict, ConflictError)
        try:
            saved = operation.run()
        finally:
            self._push(done)
        if saved is None:
            return None
        record = saved
        self.drafts.forget()
        self.result_record = record
        if done:
            self.saved.emit(record)
        self.accept()
        return record

    def _push(self, commands: list[Any]) -> None:
        """What ran goes on the undo stack as one step, even when a later part failed."""
        if not commands:
            return
        if len(commands) == 1:
            self.ctx.undo.push(commands[0])
        else:
            self.ctx.undo.beginMacro(commands[0].text())
            for command in commands:
                self.ctx.undo.push(command)
            self.ctx.undo.endMacro()
        if self.record is None and isinstance(commands[0], CreateCommand):
            self.record = commands[0].record  # a second Save changes it, not creates again
            self._initial = self.raw_values()

    def _on_buttons_accepted(self) -> None:
        self.save()

    def _on_conflict(self, exc: ConflictError) -> None:
        """Merge with what was saved elsewhere; ask only about fields both changed."""
        if self.record is None:
            show_error(self, exc)
            return
        base = self.record
        changes = self.changed_values()
        kind = self.kind.name
        with self.ctx.library.reading() as session:
            latest = items.get_item(session, self.ctx.actor, kind, base.id)
            mine, bad = items.coerce(session, self.kind, changes, latest.values)
            who = audit.last_changes(session, kind, base.id)
        mine.update({name: changes[name] for name in bad})  # shown as typed; save re-checks
        names = list(self.fields)
        result = merge.merge_fields(
            {n: base.get(n) for n in names},
            mine,
            {n: latest.get(n) for n in names},
            labels={n: f.spec.label for n, f in self.fields.items()},
            who=lambda name: who.get(name, ("", None)),
        )
        choices: Mapping[str, str] = {}
        if result.clashes:
            kept = [self.fields[n].spec.label for n in result.kept_theirs]
            asked = ConflictDialog.ask(self, kind, result.clashes, kept, show=self.value_text)
            if asked is None:
                self._rebase_on(latest, mine)  # the form keeps the user's changes
                return
            choices = asked
        self._rebase_on(latest, result.resolve(choices))
        self.save()

    def value_text(self, name: str, value: Any) -> str:
        """A field's value as the form would show it (a linked record by its label)."""
        field = self.fields.get(name)
        if field is not None and isinstance(field.widget, QComboBox) and value is not None:
            index = field.widget.findData(value)
            if index >= 0:
                return field.widget.itemText(index)
        return value_text(value)

    def _rebase_on(self, latest: Record, values: Mapping[str, Any]) -> None:
        """Show the stored record with ``values`` over it, so Save writes only those."""
        self.record = latest
        self._fill(latest, {})
        self._initial = self.raw_values()
        for name, value in values.items():
            if name in self.fields:
                self.fields[name].fill(value)

    # Openers ----------------------------------------------------------------------------

    @classmethod
    def open_for(
        cls,
        parent: QWidget | None,
        ctx: AppContext,
        kind_name: str,
        record: Record | None = None,
        *,
        initial: Mapping[str, Any] | None = None,
    ) -> RecordEditor:
        """Open the editor without blocking; connect to `saved` or `finished` for the result."""
        dialog = cls(ctx, kind_name, record, parent, initial=initial)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        ctx: AppContext,
        kind_name: str,
        record: Record | None = None,
        *,
        initial: Mapping[str, Any] | None = None,
    ) -> Record | None:
        """Edit (or create) a record and return what was saved, or ``None`` on Cancel."""
        dialog = cls(ctx, kind_name, record, parent, initial=initial)
        try:
            dialog.exec()  # a blocking convenience; tests of callers monkeypatch ask()
            return dialog.result_record
        finally:
            dialog.deleteLater()


def _changed_signal(widget: QWidget) -> Any:
    if isinstance(widget, DateField | ZonedDateTimeField):
        return widget.line_edit.textChanged
    if isinstance(widget, ZoneBox):
        return widget.currentTextChanged
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    if isinstance(widget, QCheckBox):
        return widget.toggled
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    raise TypeError(type(widget))


def _set_invalid(widget: QWidget, invalid: bool) -> None:
    target = widget.line_edit if isinstance(widget, DateField | ZonedDateTimeField) else widget
    if bool(target.property("invalid")) == invalid:
        return
    target.setProperty("invalid", invalid)
    target.style().unpolish(target)
    target.style().polish(target)
