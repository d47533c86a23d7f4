"""Writing files safely: a private temporary file beside the target, then a rename.

Every file the application writes goes through `writing` (or `write_bytes`):

- the temporary file is created in the target's folder with mode 0600 from the start
  (``O_CREAT | O_EXCL``), so nobody else can read it while it is being filled;
- it is moved into place only when it is complete; a failure leaves nothing behind;
- an existing file is replaced only with ``force=True`` (the command line's ``--force``,
  the window's confirmation); without it the file is never clobbered, even if another
  program creates it while we write;
- nothing ever writes onto an open database, its ``-wal``/``-shm``/``-journal`` files or
  its backups folder, whatever the path looks like (symbolic links and hard links are
  followed), and no file holding an SQLite database is overwritten at all.

Open databases register themselves with `protect` (and leave with `release`), so a
writer needs no database handle to know what it must not touch.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from scholar_desk.core.errors import ExportError, OutputExistsError

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
DATABASE_COMPANIONS = ("-wal", "-shm", "-journal")
_SQLITE_MAGIC = b"SQLite format 3\x00"

_lock = threading.Lock()
_files: Counter[Path] = Counter()
_folders: Counter[Path] = Counter()


def _real(path: Path) -> Path:
    return Path(os.path.realpath(Path(path).expanduser()))


def protect(database: Path, backups: Path | None = None) -> None:
    """Mark a database file (with its companions) and its backups folder as off limits."""
    real = _real(database)
    with _lock:
        _files[real] += 1
        for suffix in DATABASE_COMPANIONS:
            _files[real.with_name(real.name + suffix)] += 1
        if backups is not None:
            _folders[_real(backups)] += 1


def release(database: Path, backups: Path | None = None) -> None:
    """Undo one `protect` call (the database was closed)."""
    real = _real(database)
    with _lock:
        for path in (real, *(real.with_name(real.name + s) for s in DATABASE_COMPANIONS)):
            _files[path] -= 1
            if _files[path] <= 0:
                del _files[path]
        if backups is not None:
            folder = _real(backups)
            _folders[folder] -= 1
            if _folders[folder] <= 0:
                del _folders[folder]


def _protected_reason(real: Path, *, backup: bool) -> str | None:
    with _lock:
        files = list(_files)
        folders = list(_folders)
    if real in files:
        return "it is the open database (or one of its files)"
    if not backup and any(real == f or f in real.parents for f in folders):
        return "it is inside the database's backups folder"
    if real.exists():
        for other in files:
            with contextlib.suppress(OSError):
                if other.exists() and real.samefile(other):
                    return "it is the open database (or one of its files)"
    return None


def _is_database(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


def check_target(path: Path, *, force: bool = False, backup: bool = False) -> Path:
    """Check that ``path`` may be written, before any work is done.

    Args:
        path: The file to write.
        force: Whether an existing file may be replaced.
        backup: Whether this is a database backup: it may go into a backups folder and
            (with ``force``) replace another database file that is not open.

    Returns:
        The path with ``~`` expanded.

    Raises:
        ExportError: The path is a database, its companion, a backups folder, a folder,
            or its folder is missing.
        OutputExistsError: The file exists and ``force`` is false.
    """
    path = Path(path).expanduser()
    real = _real(path)
    reason = _protected_reason(real, backup=backup)
    if reason is not None:
        raise ExportError(f"Will not write {path}: {reason}. Choose another file name.")
    if real.is_dir():
        raise ExportError(f"{path} is a folder; give a file name to write.")
    if not real.parent.is_dir():
        raise ExportError(
            f"The folder {path.parent} does not exist; choose another place to save."
        )
    if real.exists():
        if not backup and (
            _is_database(real) or any(real.name.endswith(s) for s in DATABASE_COMPANIONS)
        ):
            raise ExportError(
                f"Will not write {path}: it is a database file. Choose another file name."
            )
        if not force:
            raise OutputExistsError(
                f"{path} already exists; give --force to replace it, or another name.",
                str(path),
            )
    return path


def private_temp(folder: Path, name: str) -> Path:
    """Create an empty file in ``folder`` with mode 0600 from the start and return it."""
    for n in range(1000):
        candidate = folder / f".{name}.{os.getpid()}-{n}.part"
        try:
            fd = os.open(
                candidate,
                os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0),
                PRIVATE_FILE_MODE,
            )
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise ExportError(f"Cannot create a temporary file in {folder}; remove old *.part files.")


def _put_in_place(tmp: Path, path: Path, *, force: bool) -> None:
    if force:
        tmp.replace(path)
        return
    try:
        # A hard link never replaces what another program created meanwhile.
        os.link(tmp, path)
    except FileExistsError:
        raise OutputExistsError(
            f"{path} already exists; give --force to replace it, or another name.", str(path)
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if path.exists():  # a file system without hard links: check, then rename
            raise OutputExistsError(
                f"{path} already exists; give --force to replace it, or another name.", str(path)
            ) from None
        tmp.replace(path)
        return
    tmp.unlink()


@contextlib.contextmanager
def writing(path: Path, *, force: bool = False, backup: bool = False) -> Iterator[Path]:
    """Yield a private temporary path beside ``path``; move it into place on success.

    Args:
        path: The file to produce.
        force: Whether an existing file may be replaced.
        backup: Whether this is a database backup: it may go into a backups folder and
            (with ``force``) replace another database file that is not open.

    Raises:
        ExportError: The target may not be written, or writing failed (nothing is left).
        OutputExistsError: The file exists and ``force`` is false.
    """
    path = check_target(path, force=force, backup=backup)
    folder = _real(path).parent
    try:
        tmp = private_temp(folder, path.name)
    except OSError as exc:
        raise ExportError(f"Cannot write in {path.parent}: {exc.strerror}.", str(exc)) from exc
    try:
        yield tmp
        # Checked again: the database may have been opened onto this path meanwhile.
        check_target(path, force=force, backup=backup)
        _put_in_place(tmp, folder / path.name, force=force)
    except OSError as exc:
        raise ExportError(_os_message(path, exc), str(exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)


def _os_message(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"Cannot save {path.name}: the disk is full. Free some space; nothing was saved."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Cannot save {path.name}: {path.parent} is not writable. Choose another folder."
    return f"Cannot save {path.name}: {exc.strerror}."


def write_bytes(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` safely (see `writing`).

    Returns:
        The path written.

    Raises:
        ExportError: The target may not be written, or writing failed.
        OutputExistsError: The file exists and ``force`` is false.
    """
    with writing(path, force=force) as tmp, tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(path).expanduser()


@contextlib.contextmanager
def open_text(
    path: Path, *, force: bool = False, encoding: str = "utf-8", newline: str = "\n"
) -> Iterator[IO[str]]:
    """Open ``path`` for writing text safely (see `writing`): a handle to its temporary file.

    Raises:
        ExportError: The target may not be written, or writing failed.
        OutputExistsError: The file exists and ``force`` is false.
    """
    with writing(path, force=force) as tmp, tmp.open("w", encoding=encoding, newline=newline) as f:
        yield f
        f.flush()
        os.fsync(f.fileno())
