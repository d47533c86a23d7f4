"""A throwaway PostgreSQL server for tests and benchmarks, from Debian's `postgresql` package.

``TempServer`` runs ``initdb`` and ``pg_ctl`` in a temporary folder as an unprivileged
user (the server refuses to run as root: as root it runs them through ``runuser -u
postgres``), listening on a Unix socket in that folder only (no TCP port). The
superuser ``postgres`` signs in without a password over that socket; the role
``pw_user`` needs its password (to test wrong passwords and ``PGPASSWORD``).

Usage as a script: ``python tools/pg_server.py`` starts one, prints its URL, and stops
it when you press Enter.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

PASSWORD_USER = "pw_user"
PASSWORD = "s3cret-pw"


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: the newest /usr/lib/postgresql/N/bin.

    ``SCHOLAR_DESK_PG_BIN`` names another; ``None`` when no PostgreSQL is installed.
    """
    named = os.environ.get("SCHOLAR_DESK_PG_BIN")
    candidates = [Path(named)] if named else []
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        versions = sorted(
            (p for p in root.iterdir() if p.name.split(".")[0].isdigit()),
            key=lambda p: [int(x) for x in p.name.split(".") if x.isdigit()],
            reverse=True,
        )
        candidates += [v / "bin" for v in versions]
    for found in (shutil.which("initdb"), shutil.which("pg_ctl")):
        if found:
            candidates.append(Path(found).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _unprivileged_user() -> str | None:
    """The account to run the server as when we are root (``None``: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and no unprivileged account to run PostgreSQL as")


class TempServer:
    """One PostgreSQL server in a temporary folder, on a Unix socket only."""

    def __init__(self, bin_dir: Path | None = None, *, durable: bool = False) -> None:
        """``durable``: flush every commit as a department server does (the benchmarks);
        without it the server trades durability for the tests' speed."""
        found = bin_dir or find_bin_dir()
        if found is None:
            raise RuntimeError("no PostgreSQL binaries (initdb, pg_ctl) found")
        self.bin_dir = found
        self.user = _unprivileged_user()
        # Short and under /tmp: a socket path may hold about 100 bytes, and the server's
        # account must be able to reach it (pytest's folders are private to root).
        self.folder = Path(tempfile.mkdtemp(prefix="sd-pg-", dir="/tmp"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder
        self.port = 5432
        self.started = False
        self.durable = durable

    def _run(self, *argv: str) -> None:
        command = list(argv)
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> TempServer:
        """initdb, configure, start; returns self."""
        if self.user is not None:
            shutil.chown(self.folder, self.user)
        pwfile = self.folder / "pw"
        pwfile.write_text("postgres\n")
        if self.user is not None:
            shutil.chown(pwfile, self.user)
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=reject",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        pwfile.unlink()
        hba = self.data / "pg_hba.conf"
        hba.write_text(
            f"local all {PASSWORD_USER} scram-sha-256\nlocal all all trust\n",
            encoding="utf-8",
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
            "-c max_connections=200 -c shared_buffers=128MB"
        )
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self.started = True
        self.psql(
            f"CREATE ROLE {PASSWORD_USER} LOGIN CREATEDB PASSWORD '{PASSWORD}'",
        )
        return self

    def psql(self, sql: str, database: str = "postgres", *, script: bool = False) -> str:
        """Run SQL as the superuser through psql; its output.

        With ``script`` the text is read as a psql script (``\\connect`` and all).
        """
        result = subprocess.run(
            [
                str(self.bin_dir / "psql"),
                "-X",
                "-q",
                "-t",
                "-A",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket_dir),
                "-U",
                "postgres",
                "-d",
                database,
                *(["-f", "-"] if script else ["-c", sql]),
            ],
            input=sql if script else None,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.stdout

    def cpu_seconds(self) -> float:
        """Processor time the server's processes have used so far, ended ones included.

        The postmaster's own time and that of the children it has reaped (backends and
        parallel workers that ended: ``cutime``/``cstime``), plus its living children's.
        Linux only (``/proc``).
        """
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                text = stat.read_text()
                fields = text[text.rindex(")") + 2 :].split()  # from field 3 (state) on
                pid, parent = int(stat.parent.name), int(fields[1])
                if pid == postmaster:
                    ticks += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
                elif parent == postmaster:
                    ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        """An SQLAlchemy URL for ``database`` over the socket (``host`` in the query)."""
        return (
            f"postgresql+psycopg://{user}@/{database}?host={quote(str(self.socket_dir), safe='')}"
        )

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self.started:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._run(
                    str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"
                )
            self.started = False
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> TempServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":
    with TempServer() as server:
        print(server.url())
        input("Press Enter to stop the server. ")
