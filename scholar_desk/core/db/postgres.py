"""Everything specific to a PostgreSQL server: signing in, its error words, change notices.

The password comes from where libpq looks (``PGPASSWORD``, ``~/.pgpass``, the URL typed
on the command line) or, when none is there, from the prompt the caller hands in (the
window's dialog, the terminal's ``getpass``); it is kept in memory only, never in a
settings file. Every libpq option in the URL's query (``sslmode``, ``host``,
``connect_timeout``...) reaches libpq unchanged.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import re
import select
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import String, Table, event, func
from sqlalchemy import select as select_sql
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import TypeCompiler

PasswordPrompt = Callable[[str], "str | None"]
"""Asked for the password of the server it names; ``None`` when the person cancels."""

NOTIFY_CHANNEL = "scholar_desk_changes"
"""Every committed write announces itself here (see `Library.transaction`)."""

CONNECT_TIMEOUT_SECONDS = 10

SESSION_SETTINGS = {"jit": "off", "work_mem": "32MB"}
"""Set on every connection: the application's queries are short, and JIT compiling one
costs more than it saves (100 ms and up); sorting 100,000 references needs about 8 MB,
and the server's default 4 MB makes that sort spill to disk."""


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


def configure_engine(engine: Engine) -> None:
    """Apply `SESSION_SETTINGS` on every new connection, where nobody chose otherwise.

    A setting is changed only while it has the server's built-in default: one given in
    the URL's ``options``, or by the department for the database, the role or the whole
    server, stays as given. Plain ``SET``s, since a pooler may refuse startup options.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM pg_settings WHERE source = 'default' AND name = ANY(%s)",
                (list(SESSION_SETTINGS),),
            )
            for (name,) in cursor.fetchall():
                cursor.execute("SELECT set_config(%s, %s, false)", (name, SESSION_SETTINGS[name]))
        dbapi_connection.commit()


WHOLE_ORDER_PAGE_COST = 1.1
"""``random_page_cost`` while the whole library is read in a sort's order."""


def ids_in_order(connection: Connection, stmt: Select[Any], *, whole: bool = False) -> list[int]:
    """The single column of ``stmt`` (ids), in its order, as one array value.

    ``ARRAY(SELECT ...)`` keeps the subquery's order. One value instead of a row per id,
    read in binary: 100,000 ids cost about 100 ms as rows through the driver, 50 ms as
    one array in text, 10 ms as one in binary (which SQLAlchemy does not ask for).

    ``whole``: ``stmt`` reads every reference (no search or filter). Walking the sort's
    own index (revision 0013) in order then takes half the time of reading the table and
    sorting it, but the server's built-in ``random_page_cost`` of 4 (a spinning disk's)
    makes the planner choose the sort; for this one statement the page cost is at most
    1.1, the value PostgreSQL's documentation gives for solid-state storage, and it is
    put back after. Searches keep the server's own pricing.
    """
    compiled = select_sql(func.array(stmt.scalar_subquery())).compile(dialect=connection.dialect)
    if not whole:
        return int_array(connection, str(compiled), compiled.params)
    before = connection.exec_driver_sql(
        "SELECT current_setting('random_page_cost'), "
        "set_config('random_page_cost', "
        "least(current_setting('random_page_cost')::float8, %(cost)s)::text, true)",
        {"cost": WHOLE_ORDER_PAGE_COST},
    ).scalar_one()
    try:
        return int_array(connection, str(compiled), compiled.params)
    finally:
        connection.exec_driver_sql(
            "SELECT set_config('random_page_cost', %(cost)s, true)", {"cost": before}
        )


def int_array(connection: Connection, sql: str, params: dict[str, Any]) -> list[int]:
    """The one array value ``sql`` (psycopg's ``%(name)s`` placeholders) selects, in binary."""
    cursor = connection.connection.dbapi_connection.cursor(binary=True)  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return list(row[0] or []) if row else []


def copy_rows(
    connection: Connection,
    table: Table,
    rows: Iterable[Mapping[str, Any]],
    *,
    every: int = 0,
    between: Callable[[int], None] | None = None,
    part_rows: int = 5000,
) -> None:
    """Insert ``rows`` (all with the same keys) into ``table`` with ``COPY`` (`RowStream`).

    Args:
        connection: The connection of the caller's transaction.
        table: Where the rows go.
        rows: The rows; read once, as they are sent.
        every: Call ``between`` after every this many rows and after the last one
            (0: never).
        between: Called with the number of rows formatted so far, in this thread: to
            report progress, or to raise (Cancel), which abandons the ``COPY`` under
            way (the caller rolls back).
        part_rows: Rows per ``COPY``.
    """
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return
    stream = RowStream(connection, table, list(first), part_rows=part_rows)
    source = itertools.chain((first,), iterator)
    sent = 0
    try:
        while batch := list(itertools.islice(source, every or part_rows)):
            stream.write(batch)
            sent += len(batch)
            if between is not None and every:
                between(sent)
    except BaseException:
        stream.abandon()
        raise
    stream.finish()


class RowStream:
    """Rows pushed into a table with ``COPY``, sent by a thread while the caller goes on.

    One statement instead of one per row: the rows' triggers run once per ``COPY`` (a
    statement-level trigger indexes them in one go; from 1,000 rows on its words are
    computed by parallel workers, revision 0015) and the server parses no SQL per row.
    Columns not named take their server default. Values go through each column's own
    bind processor, so they are stored as an ORM insert stores them.

    The rows go in one ``COPY`` per ``part_rows`` rows (`CopyStream`): the server's work
    at the end of each (its triggers: the search words and their index) runs while the
    caller makes the next rows, or reads the file they come from, instead of all of it
    after the last row. The caller ends with `finish` or, on any error, `abandon` (then
    rolls back); until then the connection is the sending thread's.
    """

    def __init__(
        self, connection: Connection, table: Table, names: Sequence[str], *, part_rows: int
    ) -> None:
        """Open the stream into ``table``'s columns ``names`` (the rows' keys)."""
        dialect = connection.dialect
        self._columns = [c for c in table.columns if c.name in names]
        self._processors = [
            (i, process)
            for i, column in enumerate(self._columns)
            if (process := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        ]
        # The last value each processor was given, and what it made of it: rows of one
        # import share their timestamps, which are then converted once.
        self._last: list[tuple[Any, Any]] = [(None, None)] * len(self._processors)
        listed = ", ".join(f'"{c.name}"' for c in self._columns)
        dbapi: Any = connection.connection.dbapi_connection  # psycopg's, in the transaction
        self._stream = CopyStream(dbapi, f'COPY "{table.name}" ({listed}) FROM STDIN')
        self._part_rows = part_rows
        self._copy: Any = None
        self._in_part = 0

    def write(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Format ``rows`` and hand them to the sender.

        Raises:
            psycopg.Error: The server refused an earlier part (the caller abandons).
        """
        columns, processors, last = self._columns, self._processors, self._last
        for row in rows:
            values = [row[c.name] for c in columns]
            for k, (i, process) in enumerate(processors):
                value = values[i]
                if value is not None:
                    given, made = last[k]
                    if value is not given:
                        made = process(value)
                        last[k] = (value, made)
                    values[i] = made
            if self._copy is None:
                self._copy = self._stream.part()
                self._copy.__enter__()
            self._copy.write_row(values)
            self._in_part += 1
            if self._in_part == self._part_rows:
                self._end_part()

    def finish(self) -> None:
        """Send what is left and wait until the server has taken every row.

        Raises:
            psycopg.Error: The server refused a part (the caller rolls back).
        """
        try:
            if self._copy is not None:
                self._end_part()
        except BaseException:
            self.abandon()
            raise
        self._stream.finish()

    def abandon(self) -> None:
        """Stop: the ``COPY`` under way fails, and the connection is the caller's again."""
        copy, self._copy = self._copy, None
        if copy is not None:
            copy.__exit__(_AbandonedError, _AbandonedError(), None)
        self._stream.abandon()

    def _end_part(self) -> None:
        copy, self._copy, self._in_part = self._copy, None, 0
        copy.__exit__(None, None, None)


_PART_END = object()
_ALL_SENT = object()
_ABANDON = object()
_QUEUED_BUFFERS = 256
"""Formatted buffers (about 32 kB each) waiting for the sending thread, at most."""


class _Handoff:
    """Formatted ``COPY`` data handed from the formatting thread to the sending one."""

    def __init__(self, queued: int) -> None:
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=queued)
        self.failure: BaseException | None = None

    def put(self, item: Any) -> None:
        """Queue ``item``, unless the sender failed (then raise what it met)."""
        while True:
            if self.failure is not None:
                raise self.failure
            with contextlib.suppress(queue.Full):
                self.queue.put(item, timeout=0.05)
                return

    def send(self, dbapi: Any, sql: str) -> None:
        """The sending thread: one ``COPY`` per part, until all is sent or abandoned."""
        try:
            while (item := self.queue.get()) is not _ALL_SENT and item is not _ABANDON:
                with dbapi.cursor() as cursor, cursor.copy(sql) as copy:
                    self._write_part(copy, item)
        except _AbandonedError:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the formatting thread
            self.failure = exc
            # Keep taking what comes, so the formatting thread never waits on a full
            # queue, until it stops.
            while self.queue.get() not in (_ALL_SENT, _ABANDON):
                pass

    def _write_part(self, copy: Any, item: Any) -> None:
        """Write one part's buffers, from ``item`` on, into the ``COPY`` it belongs to.

        Raises:
            _AbandonedError: The formatting thread stopped; raised inside the ``COPY``,
                which then fails (the caller rolls back).
        """
        while item is not _PART_END:
            if item is _ABANDON:
                raise _AbandonedError
            copy.write(item)
            item = self.queue.get()


class _AbandonedError(Exception):
    """The formatting thread stopped (Cancel, an error): the COPY under way fails."""


class CopyStream:
    """``COPY`` data formatted in the calling thread and sent to the server by another.

    The server takes in the rows (and runs what their insert sets off) while the caller
    goes on: formatting the next rows, or reading the file they come from. Each `part`
    is one ``COPY`` statement. The caller ends with `finish` (waits until the server has
    taken everything, and raises what the server refused) or, on any error of its own,
    `abandon` (the ``COPY`` under way fails; the caller rolls back). Until then the
    connection belongs to the sending thread.
    """

    def __init__(self, dbapi: Any, sql: str, *, queued: int = _QUEUED_BUFFERS) -> None:
        """Start sending to ``sql`` (a ``COPY ... FROM STDIN``) on psycopg's ``dbapi``.

        ``queued``: formatted buffers (about 32 kB each) that may wait for the sender
        before the formatting thread waits too; 0 for no limit.
        """
        from psycopg.copy import Writer

        handoff = self._handoff = _Handoff(queued)

        class _Queued(Writer):
            def write(self, data: Any) -> None:
                handoff.put(bytes(data))

            def finish(self, exc: BaseException | None = None) -> None:
                if exc is None:  # otherwise the part is abandoned, never ended
                    handoff.put(_PART_END)

        self._writer = _Queued
        self._formatting = dbapi.cursor()  # only its adapters are used, never the connection
        self._sender = threading.Thread(target=handoff.send, args=(dbapi, sql), daemon=True)
        self._sender.start()

    def part(self) -> Any:
        """A ``psycopg.Copy`` to use as a context: the rows written in it are one ``COPY``."""
        import psycopg

        return psycopg.Copy(self._formatting, binary=False, writer=self._writer())

    def finish(self) -> None:
        """Wait until every part is sent and taken.

        Raises:
            psycopg.Error: The server refused a part (the caller rolls back).
        """
        try:
            self._handoff.put(_ALL_SENT)
        except BaseException:
            self.abandon()
            raise
        self._sender.join()
        self._formatting.close()
        if self._handoff.failure is not None:
            raise self._handoff.failure

    def abandon(self) -> None:
        """Stop: the ``COPY`` under way fails, and the connection is the caller's again."""
        while self._sender.is_alive():
            with contextlib.suppress(queue.Full):
                self._handoff.queue.put(_ABANDON, timeout=0.05)
                break
        self._sender.join()
        self._formatting.close()


def has_written(connection: Connection) -> bool:
    """Whether the connection's transaction has written anything yet (it has an xid).

    Another connection sees none of it until the commit: work that reads the library
    through one (an import storing records while its file is read) needs this False.
    """
    sql = "SELECT pg_current_xact_id_if_assigned() IS NOT NULL"
    return bool(connection.exec_driver_sql(sql).scalar())


IMPORT_LOCK = 7_305_120_001
"""The advisory lock an import holds on the server until its transaction ends."""


def hold_import_lock(connection: Connection) -> None:
    """Wait until no other import is under way on the server, then hold that off.

    On SQLite a second import waits for the first one's write lock, then finds its
    records as duplicates. On the server both would check an empty library side by
    side and clash on a key at the end; with this lock, held until the transaction
    ends, the second one waits as on SQLite and then reads what the first stored.
    """
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({IMPORT_LOCK})")


def next_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """``count`` new ids from the sequence of ``table``'s ``id`` column, ascending.

    The sequence is looked up once (a subquery the server runs first): called inside
    ``nextval`` itself the look-up ran for every id, ten times the cost of the ids
    (0.2 s for 20,000).
    """
    if count <= 0:
        return []
    return int_array(
        connection,
        "SELECT array_agg(n ORDER BY n) FROM (SELECT nextval((SELECT "
        "pg_get_serial_sequence(%(table)s, 'id')::regclass)) AS n "
        "FROM generate_series(1, %(count)s)) AS taken",
        {"table": f'"{table.name}"', "count": count},
    )


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


def is_driver_error(exc: BaseException) -> bool:
    """Whether ``exc`` is psycopg's own error (from a ``COPY`` on the driver's connection).

    SQLAlchemy wraps the errors of what it runs; a ``COPY`` is sent on psycopg's
    connection directly, so its errors arrive unwrapped.
    """
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.Error)


_UNIQUE_DETAIL = re.compile(r"Key \((?P<column>[^)]*)\)=\((?P<value>.*?)\) already exists")


def clash_sentence(message: str) -> str | None:
    """A sentence for a unique value someone else saved at the same moment, else None."""
    if "duplicate key value violates unique constraint" not in message:
        return None
    found = _UNIQUE_DETAIL.search(message)
    what = f" (the {found['column'].replace('_', ' ')} '{found['value']}')" if found else ""
    return (
        f"Another person saved the same value{what} at the same moment; nothing was "
        "saved. Try again."
    )


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
