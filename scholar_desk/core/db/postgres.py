"""Everything specific to a PostgreSQL server: signing in, its error words, change notices.

The password comes from where libpq looks (``PGPASSWORD``, ``~/.pgpass``, the URL typed
on the command line) or, when none is there, from the prompt the caller hands in (the
window's dialog, the terminal's ``getpass``); it is kept in memory only, never in a
settings file. Every libpq option in the URL's query (``sslmode``, ``host``,
``connect_timeout``...) reaches libpq unchanged.
"""

from __future__ import annotations

import contextlib
import select
from collections.abc import Callable
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import URL
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import TypeCompiler

PasswordPrompt = Callable[[str], "str | None"]
"""Asked for the password of the server it names; ``None`` when the person cancels."""

NOTIFY_CHANNEL = "scholar_desk_changes"
"""Every committed write announces itself here (see `Library.transaction`)."""

CONNECT_TIMEOUT_SECONDS = 10


@compiles(String, "postgresql")
def _unbounded_text(type_: String, compiler: TypeCompiler, **kw: Any) -> str:
    """Strings are ``text`` on the server, as long as SQLite lets them be.

    A model's ``String(500)`` is a hint that SQLite never enforces; a server enforcing
    it would refuse on one engine what the other stores.
    """
    return "TEXT"


def server_label(url: URL) -> str:
    """``user@host:port/database`` for messages: never the password."""
    query = dict(url.query)
    host = url.host or str(query.get("host") or "") or "localhost"
    port = f":{url.port}" if url.port else ""
    user = f"{url.username}@" if url.username else ""
    return f"{user}{host}{port}/{url.database or ''}"


def connect_args(url: URL) -> dict[str, Any]:
    """Options for psycopg beyond the URL's own (a connect timeout unless one is given)."""
    if "connect_timeout" in url.query:
        return {}
    return {"connect_timeout": CONNECT_TIMEOUT_SECONDS}


def wants_password(message: str) -> bool:
    """Whether a connection failed only because no password was given."""
    return "no password supplied" in message.lower()


def error_sentence(message: str, url: URL) -> str | None:
    """A sentence a person can act on for a failure to reach or use the server.

    Returns:
        The sentence, or ``None`` when the message is not one of these.
    """
    lowered = message.lower()
    label = server_label(url)
    if wants_password(lowered):
        return (
            f"The server {label} needs a password for '{url.username}': put it in "
            "PGPASSWORD or ~/.pgpass, or type it when asked (in a terminal or the window)."
        )
    if "password authentication failed" in lowered:
        return (
            f"The server {label} refused the password for '{url.username}'. Check the "
            "password (PGPASSWORD, ~/.pgpass, or type it when asked)."
        )
    if "does not exist" in lowered and "database" in lowered:
        return (
            f"The server {label} has no database '{url.database}'. Ask the department to "
            "create it, or check the name in the URL."
        )
    if "role" in lowered and "does not exist" in lowered:
        return f"The server {label} has no user '{url.username}'. Check the user in the URL."
    if "no pg_hba.conf entry" in lowered or "permission denied for database" in lowered:
        return f"The server {label} does not let '{url.username}' connect to this database."
    if any(
        words in lowered
        for words in (
            "connection refused",
            "could not translate host name",
            "name or service not known",
            "timeout expired",
            "no such file or directory",
            "could not connect",
            "connection to server",
            "network is unreachable",
            "no route to host",
        )
    ):
        return (
            f"Cannot reach the database server {label}: check the address, that the server "
            "is running, and the network."
        )
    if "ssl" in lowered:
        return f"The secure connection to {label} failed: {message.splitlines()[0]}"
    return None


def is_driver_missing(exc: BaseException) -> bool:
    """Whether psycopg (the ``postgres`` extra) is not installed."""
    return isinstance(exc, ImportError) and "psycopg" in str(exc)


class NotifyListener:
    """A connection of its own that LISTENs on `NOTIFY_CHANNEL`.

    ``pending()`` answers at once whether anything committed since the last call; the
    window also watches ``fileno()`` to wake up the moment a notice arrives.
    """

    def __init__(self, conninfo: dict[str, Any]) -> None:
        import psycopg

        self._conn = psycopg.connect(**conninfo, autocommit=True)
        self._conn.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def fileno(self) -> int:
        """The socket to watch for notices."""
        return self._conn.fileno()

    def pending(self) -> bool:
        """Whether a notice arrived since the last call (never waits)."""
        import psycopg

        found = False
        try:
            readable, _, _ = select.select([self._conn.fileno()], [], [], 0)
            if readable:
                for _notice in self._conn.notifies(timeout=0, stop_after=None):
                    found = True
        except psycopg.Error:
            return True  # the connection broke: reload, and let the caller reconnect
        return found

    def close(self) -> None:
        """Stop listening."""
        with contextlib.suppress(Exception):
            self._conn.close()
