"""Peak memory of hostile inputs beside a normal input of the same size.

Each command runs as the real ``scholar-desk`` in a child process; its peak resident
memory comes from ``RUSAGE_CHILDREN`` in a small wrapper. The budget: any import (and a
template read) stays under three times the file's size plus the floor that a normal
file of the same size needs.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_WRAPPER = (
    "import json, resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(json.dumps({'code': p.returncode, 'err': p.stderr, 'peak': peak}))\n"
)
SLACK_MB = 10.0  # run-to-run noise of the same command


def _run(*args: str) -> tuple[int, float, float, str]:
    """Exit code, peak MB, seconds and stderr of ``scholar-desk ARGS``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCHOLAR_DESK_PASSWORD": "demo"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "scholar_desk", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    elapsed = time.perf_counter() - started
    data = json.loads(done.stdout)
    return int(data["code"]), int(data["peak"]) / 1024, elapsed, str(data["err"])


def macro_bomb() -> bytes:
    """685 bytes whose @string macros double 25 times (335 million characters expanded)."""
    lines = ['@string{a0 = "0123456789"}']
    lines += [f"@string{{a{i} = a{i - 1} # a{i - 1}}}" for i in range(1, 26)]
    lines.append("@article{bomb, author = {Doe, Jane}, title = a25, year = 2020}")
    return "\n".join(lines).encode()


def normal_bib(size: int) -> bytes:
    """Plain entries filling ``size`` bytes."""
    out, n = [], 0
    while sum(map(len, out)) < size:
        n += 1
        out.append(
            f"@article{{k{n}, author = {{Doe, Jane and Roe, R.}}, title = {{Trial {n}}}, "
            f"journal = {{Pain Med}}, year = {{2020}}}}\n".encode()
        )
    return b"".join(out)[:size].rsplit(b"\n@", 1)[0] + b"\n"


def templates(folder: Path) -> tuple[Path, Path]:
    """A 1 MB template holding a 1 GiB member, and a normal template of the same size."""
    from pptx import Presentation

    buf = io.BytesIO()
    Presentation().save(buf)
    base = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    bomb, normal = folder / "bomb.pptx", folder / "normal.pptx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in base.infolist():
            out.writestr(info, base.read(info.filename))
        with out.open("ppt/media/image9.png", "w", force_zip64=True) as member:
            block = b"\x00" * (1 << 20)
            for _ in range(1024):
                member.write(block)
    with zipfile.ZipFile(normal, "w", zipfile.ZIP_DEFLATED) as out:
        for info in base.infolist():
            out.writestr(info, base.read(info.filename))
        out.writestr("ppt/media/image9.png", os.urandom(bomb.stat().st_size))
    return bomb, normal


def run() -> list[tuple[str, str, str, str]]:
    """Measure and return the table rows."""
    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services import demo

    rows = []
    with tempfile.TemporaryDirectory(prefix="sd-bench-hostile-") as tmp:
        folder = Path(tmp)
        db = folder / "library.sqlite3"
        with Library.open(db) as library, library.transaction() as session:
            demo.fill(session)
        who = ["--db", str(db), "--user", "director"]

        bomb = folder / "bomb.bib"
        bomb.write_bytes(macro_bomb())
        plain = folder / "plain.bib"
        plain.write_bytes(normal_bib(bomb.stat().st_size))
        _, normal_peak, _, _ = _run("import", str(plain), *who)
        code, peak, secs, _ = _run("import", str(bomb), *who)
        size_mb = bomb.stat().st_size / 2**20
        ok = code == 0 and peak <= normal_peak + 3 * size_mb + SLACK_MB
        rows.append(
            (
                f"import of a {bomb.stat().st_size}-byte macro bomb (2^25 doubling)",
                f"peak {peak:.0f} MB, {secs:.1f} s, field left out",
                f"{'PASS' if ok else 'FAIL'} under 3x size + a same-size import's "
                f"{normal_peak:.0f} MB",
                "before the limit: a 335-million-character title, 2.9 GB peak",
            )
        )

        noise = folder / "random.bib"
        with noise.open("wb") as handle:
            for _ in range(50):
                handle.write(os.urandom(1 << 20))
        code, peak, secs, _ = _run("import", str(noise), *who)
        ok = code == 2 and peak <= normal_peak + 3 * 50 + SLACK_MB
        rows.append(
            (
                "import of 50 MB of random bytes named .bib",
                f"exit {code} in {secs:.1f} s, peak {peak:.0f} MB",
                f"{'PASS' if ok else 'FAIL'} refused whole, under 3x size + floor",
                "before: 614 junk references imported",
            )
        )

        bomb_tpl, normal_tpl = templates(folder)
        import sqlite3

        with sqlite3.connect(db) as conn:
            abstract = str(conn.execute("SELECT min(id) FROM abstracts").fetchone()[0])
        out = folder / "deck.pptx"
        _, normal_peak, normal_secs, _ = _run(
            "slides", abstract, str(out), "--template", str(normal_tpl), "--force", *who
        )
        code, peak, secs, _ = _run(
            "slides", abstract, str(out), "--template", str(bomb_tpl), "--force", *who
        )
        size_mb = bomb_tpl.stat().st_size / 2**20
        ok = code == 2 and peak <= normal_peak + 3 * size_mb + SLACK_MB
        rows.append(
            (
                f"slides on a {size_mb:.1f} MB template holding a 1 GiB member",
                f"refused in {secs:.1f} s, peak {peak:.0f} MB",
                f"{'PASS' if ok else 'FAIL'} under a same-size template's {normal_peak:.0f} MB "
                f"({normal_secs:.1f} s) + 3x size",
                "before: 2 GB peak",
            )
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
