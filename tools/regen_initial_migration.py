"""Regenerate revision 0001 from the models (only while no release has shipped).

Usage: python tools/regen_initial_migration.py
"""

from __future__ import annotations

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
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Config()
        cfg.set_main_option("script_location", str(VERSIONS.parent))
        cfg.set_main_option("sqlalchemy.url", f"sqlite:///{tmp}/empty.sqlite3")
        command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
    made = next(VERSIONS.glob("0001_*.py"))
    made.rename(target)
    subprocess.run([sys.executable, "-m", "ruff", "format", str(target)], check=True)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
