"""Add references by DOI, PMID or PMCID; complete references; check them for retractions.

Each asks Crossref or PubMed only when the user presses its button. The asking runs in
the background with progress and Cancel (the window never waits on the network); what
comes back goes into the library as one undoable step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from scholar_desk.core.progress import CancelToken, ProgressSink
from scholar_desk.core.services import lookup
from scholar_desk.core.services import references as svc
from scholar_desk.core.settings import Settings
from scholar_desk.ui.context import AppContext
from scholar_desk.ui.operations import Operation, Unit, query


def _settings() -> lookup.LookupSettings:
    return lookup.LookupSettings.from_environment(Settings.load().lookup_mailto)


class LookupDialog(QDialog):
    """Paste identifiers; Add fetches them and adds what was found (one undo step)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.outcome: lookup.Outcome | None = None
        self.report: svc.ImportReport | None = None
        self.setWindowTitle("Add by DOI, PMID or PMCID")
        self.setMinimumSize(520, 380)
        intro = QLabel(
            "Paste DOIs, PMIDs or PMCIDs, one or many per line. They are looked up at "
            "Crossref and PubMed now; what is already in the library is not added twice.",
            self,
        )
        intro.setWordWrap(True)
        self.edit = QPlainTextEdit(self)
        self.edit.setAccessibleName("Identifiers")
        self.edit.setPlaceholderText("10.1097/j.pain.0000000000001384\n27797938\nPMC5442267")
        self.edit.setTabChangesFocus(True)
        waiting = query(ctx, self, lambda session, actor: lookup.queued(session, actor)) or []
        self.waiting = list(waiting)
        self.retry_box = QCheckBox(f"Also try the {len(waiting)} kept while offline", self)
        self.retry_box.setVisible(bool(waiting))
        self.retry_box.setChecked(bool(waiting))
        self.mailto = QLineEdit(Settings.load().lookup_mailto, self)
        self.mailto.setAccessibleName("Your e-mail address for the lookups")
        self.mailto.setPlaceholderText("you@hospital.org (optional)")
        self.mailto.setToolTip(
            "Sent to Crossref and PubMed with each lookup, as their polite pools ask, so "
            "they can reach you rather than block you; kept in your preferences"
        )
        mail_row = QFormLayout()
        mail_row.addRow("Your e-mail", self.mailto)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.problems = QPlainTextEdit(self)
        self.problems.setReadOnly(True)
        self.problems.setAccessibleName("Lookup problems")
        self.problems.setVisible(False)
        self.problems.setMaximumHeight(110)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close, self
        )
        self.add_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText("Add")
        buttons.accepted.connect(self.start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.retry_box)
        layout.addLayout(mail_row)
        layout.addWidget(self.status)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)

    def identifiers(self) -> tuple[list[lookup.Identifier], list[str]]:
        """What was typed (and the waiting ones when ticked), and what is not one."""
        texts = [self.edit.toPlainText()]
        if self.retry_box.isChecked():
            texts += self.waiting
        return lookup.parse_identifiers(texts)

    def start(self) -> Operation[lookup.Outcome] | None:
        """Look the identifiers up in the background; add what was found when done."""
        identifiers, problems = self.identifiers()
        self._show_problems(problems)
        if not identifiers:
            self.status.setText("Nothing to look up: paste DOIs, PMIDs or PMCIDs.")
            return None
        preferences = Settings.load()
        if preferences.lookup_mailto != self.mailto.text().strip():
            preferences.lookup_mailto = self.mailto.text().strip()
            preferences.save()
        settings = _settings()

        def fetch(_session: Any, _actor: Any, progress: ProgressSink, cancel: CancelToken) -> Any:
            return lookup.look_up(identifiers, settings, progress, cancel)

        self.add_button.setEnabled(False)
        self.status.setText(f"Looking up {len(identifiers)}…")
        operation: Operation[lookup.Outcome] = Operation(self.ctx, self, fetch, unit=Unit.NONE)
        operation.with_progress("Looking up references…").success(self._fetched)
        operation.finished(lambda: self.add_button.setEnabled(True))
        operation.cancelled(lambda: self.status.setText("Cancelled: nothing was added."))
        operation.run_in_background()
        return operation

    def _fetched(self, outcome: lookup.Outcome) -> None:
        self.outcome = outcome

        def add(session: Any, actor: Any) -> svc.ImportReport:
            return lookup.add_found(session, actor, outcome)

        report = Operation(
            self.ctx,
            self,
            add,
            changes=("reference",),
            undo=lambda session, actor, done: svc.undo_import(session, actor, done.changes),
            text="Add references by identifier",
        ).run()
        self.report = report
        lines = [f"{typed}: {message}" for typed, message in outcome.problems]
        self._show_problems(lines, keep=True)
        if report is None:
            return
        said = f"Added {report.imported} ({report.duplicates} already in the library)."
        if outcome.offline:
            said += (
                f" {len(outcome.offline)} could not be fetched now (no connection?) and "
                "wait here for the next try."
            )
        self.status.setText(said)
        if report.imported or report.duplicates:
            self.edit.clear()

    def _show_problems(self, lines: Sequence[str], *, keep: bool = False) -> None:
        if keep and self.problems.toPlainText():
            lines = [*self.problems.toPlainText().splitlines(), *lines]
        self.problems.setPlainText("\n".join(lines))
        self.problems.setVisible(bool(lines))


def check_retractions(
    ctx: AppContext, parent: QWidget, reference_ids: Sequence[int] | None
) -> Operation[Any]:
    """Ask Crossref about references (all with a DOI when ``None``) in the background.

    The notices found are kept, and a message says how many references are flagged.
    """
    settings = _settings()
    targets = query(ctx, parent, lambda s, _a: lookup.doi_targets(s, reference_ids)) or []
    identifiers = {ref_id: lookup.Identifier("doi", doi, doi) for ref_id, doi in targets}

    def fetch(_session: Any, _actor: Any, progress: ProgressSink, cancel: CancelToken) -> Any:
        return identifiers, lookup.look_up(list(identifiers.values()), settings, progress, cancel)

    def keep(result: Any) -> None:
        identifiers, outcome = result
        found = dict(outcome.found)

        def store(session: Any, actor: Any) -> dict[int, list[lookup.StoredNotice]]:
            for ref_id, identifier in identifiers.items():
                if identifier in found:
                    lookup.store_notices(session, actor, ref_id, found[identifier].notices)
            return lookup.serious_notices(session, identifiers)

        flagged = Operation(ctx, parent, store, changes=("reference",)).run() or {}
        lines = [f"Checked {len(found)} of {len(identifiers)} references with a DOI."]
        lines += [f"{len(flagged)} flagged (retracted, withdrawn or under concern)."]
        lines += [f"{typed}: {message}" for typed, message in outcome.problems[:8]]
        QMessageBox.information(parent, "Retraction check", "\n".join(lines))

    operation: Operation[Any] = Operation(ctx, parent, fetch, unit=Unit.NONE)
    operation.with_progress("Checking for retractions…").success(keep)
    operation.run_in_background()
    return operation
