"""The PySide6 window: widgets, item models, dialogs and worker jobs (the only package with Qt).

Importing it first makes ``None`` outlive any count of references dropped by the Qt
binding: PySide6 6.12.0 on Python 3.11 drops one on every call of a method that returns
nothing (``QLabel.setText``, ``QCoreApplication.processEvents``...), and ``None`` is
immortal only from Python 3.12 on, so after enough such calls (about 20,000) the process
aborted with "Fatal Python error: none_dealloc", at exit or in the middle of a long
session. Python 3.12 solves it the same way: ``None``'s count is pinned far out of reach.
"""

import sys

if sys.version_info < (3, 12) and sys.implementation.name == "cpython":
    import ctypes

    # ob_refcnt is the first field of every CPython object; id() is its address.
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
