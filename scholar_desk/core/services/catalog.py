"""The starter catalog: pain-medicine meetings and journals shipped as editable data.

The entries live in ``resources/catalog.toml`` (package ``scholar_desk.resources``),
each marked ``is_example`` because meetings change their rules every year; journals
carry example limits per article type (``journals.limits``) for the manuscript check.
"""

from __future__ import annotations

import importlib.resources
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.services import items
from scholar_desk.core.services.session import Actor

CATALOG_FILE = "catalog.toml"


@dataclass(frozen=True)
class StarterCatalog:
    """The parsed catalog.

    Attributes:
        conferences: One mapping of Conference field values per meeting.
        journals: One mapping of Journal field values per journal.
    """

    conferences: tuple[Mapping[str, Any], ...]
    journals: tuple[Mapping[str, Any], ...]


def _catalog_text() -> str:
    resource = importlib.resources.files("scholar_desk.resources") / CATALOG_FILE
    return resource.read_text(encoding="utf-8")


def read_starter_catalog(text: str | None = None) -> StarterCatalog:
    """Parse the starter catalog (the shipped one unless ``text`` is given).

    Raises:
        tomllib.TOMLDecodeError: The text is not valid TOML (a packaging bug).
    """
    data = tomllib.loads(_catalog_text() if text is None else text)
    return StarterCatalog(
        conferences=tuple(data.get("conferences", ())),
        journals=tuple(data.get("journals", ())),
    )


def load_starter_catalog(
    session: Session, actor: Actor, catalog: StarterCatalog | None = None
) -> tuple[int, int]:
    """Add the catalog's meetings and journals that are not in the database yet.

    Matching is by name, ignoring case, so running it again adds nothing and never
    overwrites a user's edits.

    Args:
        session: The unit of work.
        actor: Who adds them (audited as creations).
        catalog: The catalog to load; the shipped one when ``None``.

    Returns:
        ``(conferences_added, journals_added)``.

    Raises:
        ValidationError: A catalog entry breaks a field rule (a packaging bug).
        PermissionDeniedError: The actor may not add conferences or journals.
    """
    catalog = catalog or read_starter_catalog()
    added = []
    for kind_name, model, entries in (
        ("conference", m.Conference, catalog.conferences),
        ("journal", m.Journal, catalog.journals),
    ):
        have = {name.casefold() for name in session.scalars(select(func.lower(model.name)))}
        count = 0
        for entry in entries:
            name = str(entry.get("name", "")).strip()
            if not name or name.casefold() in have:
                continue
            fields = {k: v for k, v in entry.items() if k != "limits"}
            record = items.create_item(session, actor, kind_name, fields)
            for limits in entry.get("limits", ()):
                _add_limits(session, actor, record.id, limits)
            have.add(name.casefold())
            count += 1
        added.append(count)
    return added[0], added[1]


_LIMIT_KEYS = ("words", "abstract_words", "figures", "tables", "refs")


def _add_limits(
    session: Session, actor: Actor, journal_id: int, limits: Mapping[str, Any]
) -> None:
    """A catalog journal's limits for one article type (examples, like the journal)."""
    row = m.JournalLimit(
        journal_id=journal_id,
        article_type=str(limits["article_type"]),
        legends_count=bool(limits.get("legends_count", False)),
        **{key: limits.get(key) for key in _LIMIT_KEYS},
    )
    session.add(row)
    session.flush()
    text = ", ".join(f"{key}={limits.get(key)}" for key in _LIMIT_KEYS)
    items.audit(
        session, actor, "update", "journal", journal_id, f"limits ({row.article_type})", None, text
    )
