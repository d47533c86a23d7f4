"""Hostile files, damaged databases and unlucky disks, through the real command line.

Each case runs ``scholar-desk`` in a subprocess (under a small wrapper that reports the
child's peak memory from ``RUSAGE_CHILDREN``) and states its expected outcome: exit
code, the one line on stderr, what was or was not written, and a memory ceiling of three
times the input's size plus a fixed floor.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Row, text

from scholar_desk.core.db.library import Library
from scholar_desk.core.services import accounts, demo

ROOT = Path(__file__).resolve().parents[2]
FLOOR_KB = 250_000  # the interpreter, SQLAlchemy, the services and a migrated database
_WRAPPER = (
    "import json, resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(json.dumps({'code': p.returncode, 'out': p.stdout, 'err': p.stderr, 'peak': peak}))\n"
)


@dataclass
class Run:
    code: int
    out: str
    err: str
    peak_kb: int


def scholar_desk(*args: str, env: dict[str, str] | None = None) -> Run:
    """Run the command line in a child process and measure that child's peak memory.

    The demo database has accounts: the command signs in as its director unless told.
    """
    if "--user" not in args:
        args = (*args, "--user", "director")
    full_env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SCHOLAR_DESK_PASSWORD": accounts.DEMO_PASSWORD,
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "scholar_desk", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=600,
        check=True,
    )
    data = json.loads(done.stdout)
    return Run(data["code"], data["out"], data["err"], int(data["peak"]))


# The inputs --------------------------------------------------------------------------------


def macro_bomb() -> bytes:
    """685 bytes whose @string macros double 25 times: 335 million characters if expanded."""
    lines = ['@string{a0 = "0123456789"}']
    lines += [f"@string{{a{i} = a{i - 1} # a{i - 1}}}" for i in range(1, 26)]
    lines.append("@article{bomb, author = {Doe, Jane}, title = a25, year = 2020}")
    return "\n".join(lines).encode()


def huge_field() -> bytes:
    return b"@article{big, author = {Roe, R.}, year = 2021, note = {" + b"a" * 10_000_000 + b"}}"


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels (its data is never reached)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def zip_bomb_template(path: Path) -> None:
    """A valid deck of about 1 MB with one member that unpacks to 1 GiB of zeros."""
    from pptx import Presentation

    buf = io.BytesIO()
    Presentation().save(buf)
    source = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in source.infolist():
            out.writestr(info, source.read(info.filename))
        with out.open("ppt/media/image9.png", "w", force_zip64=True) as member:
            block = b"\x00" * (1 << 20)
            for _ in range(1024):
                member.write(block)


def template_with_links(path: Path) -> None:
    """A deck whose slide layout links out (http and file) and whose XML has a DOCTYPE."""
    shutil.copy(ROOT / "scholar_desk" / "resources" / "templates" / "deck-plain.pptx", path)
    source = zipfile.ZipFile(path)
    parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    source.close()
    rels = "ppt/slideLayouts/_rels/slideLayout1.xml.rels"
    external = (
        b'<Relationship Id="rIdEvil1" TargetMode="External" Target="http://tracker.example/x.png"'
        b' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>'
        b'<Relationship Id="rIdEvil2" TargetMode="External" Target="file:///etc/passwd"'
        b' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/>'
    )
    parts[rels] = parts[rels].replace(b"</Relationships>", external + b"</Relationships>")
    theme = next(n for n in parts if n.startswith("ppt/theme/"))
    body = parts[theme].split(b"?>", 1)[1]
    parts[theme] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + body
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


# The database every case starts from ------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(module_new_db) -> str:
    db = module_new_db("library.sqlite3")
    with Library.open(db) as library, library.transaction() as session:
        demo.fill(session)
    return db


@pytest.fixture
def db(seeded: str, new_db) -> str:
    # A folder with '%', '#' and '?' in its name: URIs built without escaping break here.
    return new_db("odd %41 #1 ?x/library.sqlite3", copy_of=seeded)


def _row(db: str, sql: str, **params: object) -> Row[Any] | None:
    with Library.open(db) as library, library.reading() as session:
        return session.execute(text(sql), params).one_or_none()


def counts(db: str) -> tuple[int, int]:
    """References and audit events: what an import that wrote nothing leaves unchanged."""
    refs = _row(db, 'SELECT count(*) FROM "references"')
    events = _row(db, "SELECT count(*) FROM audit_events")
    assert refs is not None
    assert events is not None
    return int(refs[0]), int(events[0])


def first_abstract(db: str) -> int:
    row = _row(db, "SELECT min(id) FROM abstracts")
    assert row is not None
    return int(row[0])


# The table ---------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    make: Callable[[str, Path], list[str]]  # (db, folder) -> arguments
    code: int
    message: str
    writes_nothing: bool = True
    check: Callable[[str, Path], None] | None = None
    input_kb: int = 0
    db_intact: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)
    sqlite_only: str = ""  # why the case is about the SQLite file itself


def _import(name: str, data: bytes) -> Callable[[str, Path], list[str]]:
    def make(db: str, folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(data)
        return ["import", "--db", str(db), str(path)]

    return make


def _random_bib(size: int) -> Callable[[str, Path], list[str]]:
    def make(db: str, folder: Path) -> list[str]:
        path = folder / "random.bib"
        with path.open("wb") as handle:
            for _ in range(size >> 20 or 1):
                handle.write(os.urandom(min(size, 1 << 20)))
        return ["import", "--db", str(db), str(path)]

    return make


def _title_of(key: str) -> Callable[[str, Path], None]:
    def check(db: str, _folder: Path) -> None:
        row = _row(
            db, 'SELECT title, extra_fields FROM "references" WHERE citation_key = :key', key=key
        )
        assert row is not None, "the entry itself is imported"
        assert len(row[0]) < 100
        assert len(row[1] or "") < 100_000

    return check


def _export_onto(suffix: str) -> Callable[[str, Path], list[str]]:
    def make(db: str, _folder: Path) -> list[str]:
        target = Path(db).with_name(Path(db).name + suffix)
        return ["export", "bib", str(target), "--force", "--db", str(db)]

    return make


def _onto_existing(*command: str) -> Callable[[str, Path], list[str]]:
    def make(db: str, folder: Path) -> list[str]:
        target = folder / f"existing{command[-1]}"
        target.write_text("precious")
        args = [a if not a.startswith(".") else str(target) for a in command]
        if "ABSTRACT" in args:
            args[args.index("ABSTRACT")] = str(first_abstract(db))
        return [*args, "--db", str(db)]

    return make


def _precious_kept(db: str, folder: Path) -> None:
    assert [p.read_text() for p in folder.glob("existing*")] == ["precious"]
    assert not list(folder.glob(".*.part")), "no temporary file is left behind"


def _slides_with(template: Callable[[Path], None]) -> Callable[[str, Path], list[str]]:
    def make(db: str, folder: Path) -> list[str]:
        tpl = folder / "template.pptx"
        template(tpl)
        out = folder / "deck.pptx"
        return [
            "slides",
            str(first_abstract(db)),
            str(out),
            "--template",
            str(tpl),
            "--db",
            str(db),
        ]

    return make


def _poster_with_logo(data: bytes) -> Callable[[str, Path], list[str]]:
    def make(db: str, folder: Path) -> list[str]:
        logo = folder / "logo.png"
        logo.write_bytes(data)
        out = folder / "poster.pptx"
        return ["poster", str(first_abstract(db)), str(out), "--logo", str(logo), "--db", str(db)]

    return make


def _no_outside_links(_db: str, folder: Path) -> None:
    with zipfile.ZipFile(folder / "deck.pptx") as deck:
        for name in deck.namelist():
            if not name.endswith((".xml", ".rels")):
                continue  # a printer-settings blob may hold anything; it is not parsed
            data = deck.read(name)
            assert b"<!DOCTYPE" not in data, name
            assert b"tracker.example" not in data, name
            assert b"file:///" not in data, name
            assert b'TargetMode="External"' not in data, name


def _damaged(kind: str) -> Callable[[str, Path], list[str]]:
    def make(db: str, _folder: Path) -> list[str]:
        data = bytearray(Path(db).read_bytes())
        if kind == "truncated":
            data = data[: len(data) // 3]
        elif kind == "garbage":
            data = bytearray(b"this was never a database " * 200)
        else:  # every page after the first two wrecked: the header still says SQLite
            for offset in range(4096 * 2, len(data), 4096):
                data[offset : offset + 64] = b"\xee" * 64
        Path(db).write_bytes(bytes(data))
        return ["list", "projects", "--db", str(db)]

    return make


CASES = [
    Case(
        "macro-expansion bomb",
        _import("bomb.bib", macro_bomb()),
        0,
        "larger than 1 MB after macro expansion",
        writes_nothing=False,
        check=_title_of("bomb"),
        input_kb=1,
    ),
    Case(
        "10 MB field",
        _import("big.bib", huge_field()),
        0,
        "The field 'note' is larger than 1 MB",
        writes_nothing=False,
        check=_title_of("big"),
        input_kb=10_000,
    ),
    Case("empty .bib", _import("empty.bib", b""), 2, "holds no references"),
    Case("whitespace-only .nbib", _import("blank.nbib", b"  \n\n\t \r\n"), 2, "holds no refer"),
    Case("4 KB of random bytes", _random_bib(4096), 2, "is not a text file"),
    Case(
        "50 MB of random bytes named .bib",
        _random_bib(50 << 20),
        2,
        "is not a text file",
        input_kb=50 << 10,
    ),
    Case(
        "MEDLINE starting PMID-12345678",
        _import("pubmed.txt", b"PMID-12345678\nTI  - Nerve blocks\nFAU - Doe, Jane\nDP  - 2020\n"),
        0,
        "",
        writes_nothing=False,
    ),
    Case(
        "export onto the open database",
        _export_onto(""),
        2,
        "open database",
        sqlite_only="a file written onto the database file",
    ),
    Case(
        "export onto its -wal",
        _export_onto("-wal"),
        2,
        "open database",
        sqlite_only="a file written onto the database's -wal",
    ),
    Case(
        "export bib over an existing file",
        _onto_existing("export", "bib", ".bib"),
        2,
        "already exists; give --force",
        check=_precious_kept,
    ),
    Case(
        "calendar over an existing file",
        _onto_existing("calendar", ".ics"),
        2,
        "already exists; give --force",
        check=_precious_kept,
    ),
    Case(
        "slides over an existing file",
        _onto_existing("slides", "ABSTRACT", ".pptx"),
        2,
        "already exists; give --force",
        check=_precious_kept,
    ),
    Case(
        "template holding a 1 GiB member (4 MB packed fast)",
        _slides_with(zip_bomb_template),
        2,
        "unpacks to 1024 MB",
        input_kb=1100,
    ),
    Case(
        "template linking outside and declaring a DOCTYPE",
        _slides_with(template_with_links),
        0,
        "",
        writes_nothing=False,
        check=_no_outside_links,
    ),
    Case(
        "20000 x 20000 PNG logo",
        _poster_with_logo(png_header_only(20000, 20000)),
        2,
        "too large to open safely",
    ),
    Case(
        "12000 x 12000 PNG logo",
        _poster_with_logo(png_header_only(12000, 12000)),
        2,
        "too large to open safely",
    ),
    Case(
        "truncated database",
        _damaged("truncated"),
        2,
        "damaged or not a database",
        db_intact=False,
        sqlite_only="a damaged database file",
    ),
    Case(
        "damaged database",
        _damaged("wrecked"),
        2,
        "damaged or not a database",
        db_intact=False,
        sqlite_only="a damaged database file",
    ),
    Case(
        "not a database",
        _damaged("garbage"),
        2,
        "is not a Scholar Desk database",
        db_intact=False,
        sqlite_only="a damaged database file",
    ),
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c.name,
            marks=[pytest.mark.sqlite_only(reason=c.sqlite_only)] if c.sqlite_only else [],
        )
        for c in CASES
    ],
)
def test_hostile_input(case: Case, db: str, tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    before = counts(db)
    run = scholar_desk(*case.make(db, folder), env=case.extra_env)
    assert run.code == case.code, run.err
    lines = run.err.strip().splitlines()
    if case.code == 2:
        assert len(lines) == 1, run.err  # one line a person can act on, no traceback
        assert lines[0].startswith("scholar-desk: ")
    assert case.message in run.err + run.out
    assert "Traceback" not in run.err
    if case.writes_nothing and case.db_intact:
        assert counts(db) == before, "nothing written, not even an audit row"
    if case.check is not None:
        case.check(db, folder)
    ceiling = 3 * case.input_kb + FLOOR_KB
    assert run.peak_kb < ceiling, f"peak {run.peak_kb} KB over {ceiling} KB"


def test_export_replaces_only_with_force(db: str, tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    out.write_text("old")
    assert scholar_desk("export", "bib", str(out), "--db", str(db)).code == 2
    assert out.read_text() == "old"
    assert scholar_desk("export", "bib", str(out), "--force", "--db", str(db)).code == 0
    assert "@article" in out.read_text()
    assert out.stat().st_mode & 0o777 == 0o600


def _distinct_entries(count: int, seed: int) -> str:
    import random

    rng = random.Random(seed)
    words = ["nerve", "block", "opioid", "knee", "spine", "ablation", "trial", "cohort"]
    entries = []
    for i in range(count):
        title = " ".join(rng.choice(words) + str(rng.randrange(10**6)) for _ in range(8))
        entries.append(
            f"@article{{s{seed}k{i}, author = {{Author{rng.randrange(10**6)}, A.}}, "
            f"title = {{{title}}}, year = {{{1990 + i % 30}}}, doi = {{10.1/{seed}.{i}}}}}"
        )
    return "\n".join(entries)


@pytest.mark.sqlite_only(reason="a full disk under the database file")
def test_full_disk_is_one_line(db: str, tmp_path: Path) -> None:
    # A file-size limit makes every write past 64 KB fail, as a full disk does.
    limit = (
        "import resource, runpy, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))\n"
        "sys.argv = ['scholar-desk', *sys.argv[1:]]\n"
        "runpy.run_module('scholar_desk', run_name='__main__')\n"
    )
    first = tmp_path / "first.bib"
    first.write_text(_distinct_entries(2000, 1))
    assert scholar_desk("import", "--db", str(db), str(first)).code == 0
    before = counts(db)
    second = tmp_path / "second.bib"
    second.write_text(_distinct_entries(3000, 2))
    out = tmp_path / "big.bib"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCHOLAR_DESK_PASSWORD": "demo"}
    for args in (
        ["import", "--db", str(db), str(second), "--user", "director"],
        ["export", "bib", str(out), "--db", str(db), "--user", "director"],
    ):
        done = subprocess.run(
            [sys.executable, "-c", limit, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert done.returncode == 2, (args[0], done.stdout, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
    assert counts(db) == before, "the import landed whole or not at all"
    assert not out.exists()
    assert not list(tmp_path.glob(".big.bib.*")), "no temporary file is left behind"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores a read-only folder's mode")
@pytest.mark.sqlite_only(reason="the database file's folder made read-only")
def test_read_only_folder_is_one_line(db: str) -> None:
    folder = Path(db).parent
    folder.chmod(0o500)
    try:
        run = scholar_desk("list", "projects", "--db", str(db))
    finally:
        folder.chmod(0o700)
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1
    assert "read-only" in run.err


@pytest.mark.sqlite_only(reason="SQLite's one write lock for the whole file")
def test_readers_never_wait_for_a_writer(db: str) -> None:
    """A mentor signs in and lists while another program holds a write transaction."""
    worker = Path(__file__).with_name("crash_worker.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen(
        [sys.executable, str(worker), "hold", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert holder.stdin is not None
    assert holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        listed = scholar_desk(
            "list",
            "projects",
            "--db",
            str(db),
            "--user",
            "mentor",
        )
        assert listed.code == 0, listed.err
        blocked = scholar_desk("import", "--db", str(db), str(ROOT / "tests/data/bib/traps.bib"))
        assert blocked.code == 2
        assert "busy" in blocked.err
        assert "Try again" in blocked.err  # transient: the only kind that says so
        assert len(blocked.err.strip().splitlines()) == 1
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=60)
        holder.stdout.close()


@pytest.mark.sqlite_only(reason="a database file under an odd path")
def test_restore_on_an_odd_path_asks_for_sign_in(db: str, tmp_path: Path) -> None:
    """A healthy database under '%', '#' and '?' is healthy: restore still needs a director."""
    backup = tmp_path / "b.sqlite3"
    assert scholar_desk("backup", str(backup), "--db", str(db)).code == 0
    before = counts(db)
    run = scholar_desk("restore", str(backup), "--db", str(db), "--user", "mentor")
    assert run.code == 2
    assert "director" in run.err
    assert counts(db) == before
    assert not list(Path(db).parent.glob("*.corrupt-*")), "a healthy database is never moved aside"
