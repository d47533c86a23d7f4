"""User settings and where Scholar Desk keeps its files."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from scholar_desk.core import files

APP_NAME = "scholar-desk"
SCHEMA_VERSION = 1


def data_dir() -> Path:
    """The per-user data folder (``SCHOLAR_DESK_HOME`` overrides it, for tests and portability)."""
    home = os.environ.get("SCHOLAR_DESK_HOME")
    return Path(home) / "data" if home else platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The per-user configuration folder."""
    home = os.environ.get("SCHOLAR_DESK_HOME")
    return (
        Path(home) / "config" if home else platformdirs.user_config_path(APP_NAME, appauthor=False)
    )


def default_database() -> str:
    """The database to open: ``SCHOLAR_DESK_DB`` if set, else ``library.sqlite3`` in data_dir."""
    return os.environ.get("SCHOLAR_DESK_DB") or str(data_dir() / "library.sqlite3")


@dataclass
class Settings:
    """Preferences saved as JSON in the config folder.

    Attributes:
        schema_version: Format version of the saved file, for upgrades.
        last_database: The database opened last.
        recent_exports: Folders recently exported to.
        theme: ``system``, ``light`` or ``dark``.
        citation_key_pattern: Pattern used when regenerating citation keys.
        default_slide_template: The .pptx/.potx the window's slide export starts from.
        default_poster_template: The .pptx/.potx the window's poster export starts from.
        lookup_mailto: The e-mail address sent to Crossref and PubMed with a lookup (their
            polite pools ask for one); empty sends none.
    """

    schema_version: int = SCHEMA_VERSION
    last_database: str = ""
    recent_exports: list[str] = field(default_factory=list)
    theme: str = "system"
    citation_key_pattern: str = "{author}{year}{title}"
    default_slide_template: str = ""
    default_poster_template: str = ""
    lookup_mailto: str = ""

    @classmethod
    def path(cls) -> Path:
        """Where the settings file lives."""
        return config_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        """Read the settings file, upgrading older versions; a broken file gives defaults."""
        try:
            raw: dict[str, Any] = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        raw = _upgrade(raw)
        return cls(**{k: v for k, v in raw.items() if k in known})

    def default_template(self, kind: str) -> str:
        """The user's default template file for ``slides`` or ``poster``, if it still exists."""
        path = self.default_poster_template if kind == "poster" else self.default_slide_template
        return path if path and Path(path).is_file() else ""

    def save(self) -> None:
        """Write the settings file atomically."""
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        files.write_bytes(path, json.dumps(asdict(self), indent=2).encode("utf-8"), force=True)


def _upgrade(raw: dict[str, Any]) -> dict[str, Any]:
    version = int(raw.get("schema_version", 0))
    if version < 1:
        raw["schema_version"] = 1
    return raw
