"""Regenerate revision 0001 from the models (only while no release has shipped).

Later revisions (hand-written: full-text index, audit triggers) are set aside while
Alembic compares the models with an empty database, then put back.

Usage: python tools/regen_initial_migration.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ROOT / "scholar_desk/core/db/migrations/versions"


def main() -> None:
    target = VERSIONS / "0001_initial.py"
    with tempfile.TemporaryDirectory() as tmp:
        parked = Path(tmp) / "parked"
        parked.mkdir()
        later = [p for p in VERSIONS.glob("0*.py") if not p.name.startswith("0001")]
        for path in [target, *later]:
            shutil.move(path, parked / path.name)
        try:
            cfg = Config()
            cfg.set_main_option("script_location", str(VERSIONS.parent))
            cfg.set_main_option("sqlalchemy.url", f"sqlite:///{tmp}/empty.sqlite3")
            command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
            made = next(VERSIONS.glob("0001_*.py"))
            made.rename(target)
        except BaseException:
            shutil.move(parked / target.name, target)
            raise
        finally:
            for path in later:
                shutil.move(parked / path.name, path)
    subprocess.run([sys.executable, "-m", "ruff", "format", str(target)], check=True)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
