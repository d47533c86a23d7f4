"""Where unexpected failures are written down: a rotating log file in the data folder."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from scholar_desk.core.settings import data_dir

LOG_NAME = "scholar-desk.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
_CRASH_LOGGER = "scholar_desk.crash"


def log_folder() -> Path:
    """The folder holding the log file and its rotated copies."""
    return data_dir() / "logs"


def _file_handler() -> RotatingFileHandler | None:
    """The rotating handler on the log file, made once; ``None`` when it cannot be written."""
    path = log_folder() / LOG_NAME
    crash = logging.getLogger(_CRASH_LOGGER)
    for handler in list(crash.handlers):
        if isinstance(handler, RotatingFileHandler):
            if Path(handler.baseFilename) == path.absolute():
                return handler
            # The data folder moved (SCHOLAR_DESK_HOME changed): follow it.
            crash.removeHandler(handler)
            logging.getLogger().removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created readable by its owner alone: a traceback can quote a record's title.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600))
        handler = RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    crash.propagate = False
    crash.setLevel(logging.INFO)
    crash.addHandler(handler)
    return handler


def configure_logging(console_level: int = logging.WARNING) -> Path | None:
    """Send records to stderr from ``console_level`` and from INFO to the rotating log file.

    Safe to call more than once.

    Args:
        console_level: The lowest level printed to stderr.

    Returns:
        The log file, or ``None`` when the data folder cannot be written (then only the
        console gets the records).
    """
    root = logging.getLogger()
    if not any(type(h) is logging.StreamHandler for h in root.handlers):
        console = logging.StreamHandler()
        console.setLevel(console_level)
        console.setFormatter(logging.Formatter("scholar-desk: %(levelname)s: %(message)s"))
        root.addHandler(console)
    root.setLevel(logging.INFO)
    handler = _file_handler()
    if handler is None:
        return None
    if handler not in root.handlers:
        root.addHandler(handler)
    return Path(handler.baseFilename)


def log_unexpected(exc: BaseException, context: str) -> Path | None:
    """Write ``exc`` with its traceback to the log file alone (never to the console).

    Returns:
        The log file, or ``None`` when it cannot be written.
    """
    handler = _file_handler()
    if handler is None:
        return None
    logging.getLogger(_CRASH_LOGGER).error(
        "%s", context, exc_info=(type(exc), exc, exc.__traceback__)
    )
    handler.flush()
    return Path(handler.baseFilename)
