"""One way to open each dialog and window the application has, for the walks over them.

`_dialogs` opens each class in scholar_desk/ui/dialogs; `every_window` adds the main
window's own boxes and the ones Qt makes for us (message, file, progress, input).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

import scholar_desk.ui
import scholar_desk.ui.dialogs
from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.services import career, items
from scholar_desk.core.services.deadline_calendar import Reminder
from scholar_desk.core.services.merge import Clash
from scholar_desk.ui.pages.mentor_page import ItemViewDialog


def _first_id(ctx, kind):
    with ctx.library.reading() as s:
        return items.list_items(s, ctx.actor, kind)[0].id


def _dialogs(ctx, window, data_dir) -> dict[str, Callable[[], QDialog]]:
    """One way to open each dialog class, by class name."""
    from scholar_desk.ui.dialogs import (
        about_dialog,
        accounts_dialog,
        backup_dialog,
        bibliography_dialog,
        cite_dialog,
        conflict_dialog,
        export_dialog,
        import_dialog,
        login_dialog,
        lookup_dialog,
        meeting_dialog,
        program_dialog,
        record_editor,
        rekey_dialog,
        reminder_dialog,
        server_password_dialog,
        status_dialogs,
        table_dialog,
        template_dialog,
    )

    abstract = _first_id(ctx, "abstract")
    today = dt.date(2026, 11, 27)
    with ctx.library.reading() as s:
        project = items.get_item(s, ctx.actor, "project", _first_id(ctx, "project"))
    clashes = [Clash("title", "Title", project.label, "Mine", "Theirs", "fellow1")]
    bib = sorted((data_dir / "bib").glob("*.bib"))[0]
    return {
        "AboutDialog": lambda: about_dialog.AboutDialog(ctx.library, window),
        "AccountsDialog": lambda: accounts_dialog.AccountsDialog(ctx, window),
        "ChangePasswordDialog": lambda: accounts_dialog.ChangePasswordDialog(ctx, window),
        "BackupDialog": lambda: backup_dialog.BackupDialog(ctx, window),
        "CiteDialog": lambda: cite_dialog.CiteDialog(ctx, [1], window),
        "BibliographyDialog": lambda: bibliography_dialog.BibliographyDialog(
            ctx, kind=None, target_id=None, reference_ids=[1, 2], parent=window
        ),
        "LookupDialog": lambda: lookup_dialog.LookupDialog(ctx, window),
        "RekeyDialog": lambda: rekey_dialog.RekeyDialog(ctx, [1], window),
        "ConflictDialog": lambda: conflict_dialog.ConflictDialog("project", clashes, (), window),
        "ExportDialog": lambda: export_dialog.ExportDialog(window, ctx, abstract, "poster"),
        "TemplateDialog": lambda: template_dialog.TemplateDialog(window, ctx, abstract),
        "ImportDialog": lambda: import_dialog.ImportDialog(ctx, [bib], window),
        "LoginDialog": lambda: login_dialog.LoginDialog(ctx.library, None, window),
        "RecordEditor": lambda: record_editor.RecordEditor(ctx, "conference", None, window),
        "ReminderDialog": lambda: reminder_dialog.ReminderDialog(Reminder(today), window),
        "ChangeStatusDialog": lambda: status_dialogs.ChangeStatusDialog(
            window, "under review", ["major revision", "rejected"], None, today
        ),
        "ResubmitDialog": lambda: status_dialogs.ResubmitDialog(
            window, [(1, "Pain Medicine")], "PAIN", None, today
        ),
        "ItemViewDialog": lambda: ItemViewDialog(ctx, "project", project.id, window),
        "ServerPasswordDialog": lambda: server_password_dialog.ServerPasswordDialog(
            "ana@db.example.org/fellowship", window
        ),
        "MeetingDialog": lambda: meeting_dialog.MeetingDialog("Fellow One", today, window),
        "ProgramDialog": lambda: program_dialog.ProgramDialog(
            career.example_text(), career.example_text(), window
        ),
        "TableDialog": lambda: table_dialog.TableDialog(None, window),
    }


def _dialog_classes() -> set[str]:
    names = set()
    package = scholar_desk.ui.dialogs
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, QDialog) and obj.__module__ == module.__name__:
                names.add(name)
    return names


def window_classes() -> set[str]:
    """Every dialog and main-window class defined anywhere in scholar_desk.ui."""
    names = set()
    package = scholar_desk.ui
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, QDialog | QMainWindow) and obj.__module__ == module.__name__:
                names.add(name)
    return names


def _long_error(window: QWidget) -> QMessageBox:
    from scholar_desk.ui.errors import show_error

    words = " ".join(["The stored figure could not be read back from the database."] * 40)
    box = show_error(window, ScholarDeskError(words, detail="line\n" * 200))
    box.close()
    return box


def _editor_in_a_window(ctx, window):
    """Every tracker kind's editor, the longest one (most fields) standing for the rest."""
    from scholar_desk.core.services.kinds import KINDS
    from scholar_desk.ui.dialogs.record_editor import RecordEditor

    longest = max(KINDS, key=lambda name: len(KINDS[name].fields))
    return RecordEditor(ctx, longest, None, window)


def every_window(ctx, window, data_dir: Path) -> dict[str, Callable[[], QWidget]]:
    """Each dialog class, the boxes Qt makes for us, and a second main window."""
    from scholar_desk.ui.main_window import MainWindow

    def progress() -> QProgressDialog:
        box = QProgressDialog("Importing references\u2026", "Cancel", 0, 0, window)
        box.setMinimumDuration(0)
        return box

    def file_dialog() -> QFileDialog:
        dialog = QFileDialog(window, "Import References")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        return dialog

    def input_dialog() -> QInputDialog:
        dialog = QInputDialog(window)
        dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        dialog.setLabelText("Caption:")
        return dialog

    def question() -> QMessageBox:
        box = QMessageBox(window)
        box.setText("Save the changes to the abstract \u201cSCS\u201d?")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        return box

    openers: dict[str, Callable[[], QWidget]] = dict(_dialogs(ctx, window, data_dir))
    openers.update(
        {
            "MainWindow": lambda: MainWindow(ctx),
            "RecordEditor (longest kind)": lambda: _editor_in_a_window(ctx, window),
            "QMessageBox (a long error)": lambda: _long_error(window),
            "QMessageBox (a question)": question,
            "QProgressDialog": progress,
            "QFileDialog": file_dialog,
            "QInputDialog": input_dialog,
        }
    )
    return openers
