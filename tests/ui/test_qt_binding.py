"""The Qt binding keeps Python's reference counts: a process that calls Qt survives its exit.

PySide6 6.12.0 on CPython 3.11 drops a reference to ``None`` on every call of a method
that returns nothing (``QLabel.setText``, ``QWidget.resize``,
``QCoreApplication.processEvents``...). ``None`` is not immortal before Python 3.12, so
once enough calls have been made the process aborts with "Fatal Python error:
none_dealloc", at exit or, in a long session, while the window is open. Importing
``scholar_desk.ui`` (as the window and every test of it does first) pins ``None``'s count
out of reach, as Python 3.12 does.
"""

from __future__ import annotations

import os
import subprocess
import sys

CALLS = """
import scholar_desk.ui
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication([])
label = QLabel()
for _ in range(200_000):
    label.setText("x")  # returns nothing
    app.processEvents()  # as pytest-qt does around every test
"""


def test_calls_that_return_nothing_keep_none_alive() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CALLS],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-400:]  # 200,000 calls: ten times the old limit
    assert "none_dealloc" not in done.stderr
