"""Run the built bundle the way a person without Python would, and check what it makes.

    python packaging/smoke_test.py [dist/scholar-desk]

Each command runs the frozen executable with a clean environment: no Python, no virtual
environment and no project folder on PATH, a fresh home folder and no inherited variables.
Prints one line per step and exits non-zero on the first failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE_NAME = "scholar-desk.exe" if sys.platform == "win32" else "scholar-desk"
# Windows needs a few of its own variables to start any program at all.
_WINDOWS_KEEP = ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "TEMP", "TMP")


def executable(bundle: Path) -> Path:
    """The bundle's program (inside the .app on macOS)."""
    if sys.platform == "darwin" and not (bundle / EXE_NAME).exists():
        return ROOT / "dist" / "Scholar Desk.app" / "Contents" / "MacOS" / EXE_NAME
    return bundle / EXE_NAME


def clean_env(home: Path) -> dict[str, str]:
    """An environment with nothing of this machine's Python in it."""
    empty_bin = home / "bin"
    empty_bin.mkdir(exist_ok=True)
    env = {
        "HOME": str(home),
        "USERPROFILE": str(home),
        "PATH": str(empty_bin),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "SCHOLAR_DESK_HOME": str(home / "scholar-desk"),
    }
    if sys.platform == "win32":
        env.update({k: os.environ[k] for k in _WINDOWS_KEEP if k in os.environ})
    return env


class Smoke:
    """Runs the bundle's commands and remembers how long each took."""

    def __init__(self, exe: Path, home: Path) -> None:
        self.exe = exe
        self.home = home
        self.env = clean_env(home)

    def run(self, *args: str, password: bool = True) -> subprocess.CompletedProcess[str]:
        env = dict(self.env)
        if password:
            env["SCHOLAR_DESK_PASSWORD"] = "demo"
        started = time.perf_counter()
        proc = subprocess.run(
            [str(self.exe), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.home,
            timeout=300,
            check=False,
        )
        elapsed = time.perf_counter() - started
        shown = " ".join(args)
        if proc.returncode != 0:
            raise SystemExit(
                f"FAIL {shown} (exit {proc.returncode})\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
            )
        print(f"ok   {shown}  ({elapsed:.2f} s)")
        return proc


def main(argv: list[str]) -> int:
    """Smoke-test the bundle named in ``argv`` (default ``dist/scholar-desk``)."""
    bundle = Path(argv[0]) if argv else ROOT / "dist" / "scholar-desk"
    exe = executable(bundle)
    if not exe.exists():
        raise SystemExit(f"No bundle at {exe}: run python packaging/build.py first")
    with tempfile.TemporaryDirectory(prefix="scholar-desk-smoke-") as tmp:
        home = Path(tmp)
        smoke = Smoke(exe, home)
        db = str(home / "smoke.sqlite3")
        version = smoke.run("--version").stdout
        assert version.startswith("scholar-desk "), version
        smoke.run("--db", db, "demo")
        as_director = ("--db", db, "--user", "director")
        projects = json.loads(smoke.run(*as_director, "list", "projects", "--json").stdout)
        assert len(projects) >= 10, projects
        abstracts = json.loads(smoke.run(*as_director, "list", "abstracts", "--json").stdout)
        abstract_id = str(abstracts[0]["id"])
        deck, poster, report = home / "deck.pptx", home / "poster.pptx", home / "report.pdf"
        smoke.run(*as_director, "slides", abstract_id, str(deck))
        smoke.run(*as_director, "poster", abstract_id, str(poster))
        smoke.run(*as_director, "report", str(report))
        for pptx in (deck, poster):
            with zipfile.ZipFile(pptx) as package:
                assert "ppt/presentation.xml" in package.namelist(), pptx
        assert report.read_bytes().startswith(b"%PDF"), report
        # Citation styles and citeproc's locales travel in the bundle.
        listed = smoke.run(*as_director, "bibliography", "1", "2", "--style", "apa").stdout
        assert listed.count("\n") == 2, listed
        assert "(20" in listed, listed
        # The window: opens on the demo database, paints once, reports it and quits.
        smoke.env["SCHOLAR_DESK_STARTUP_PROBE"] = "1"
        shown = smoke.run(*as_director).stdout
        assert "startup-probe: shown" in shown, shown
    print("bundle smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
