"""Citation styles that can be chosen: the shipped ones and those users added.

A style a user adds (a .csl file from the CSL styles repository or a journal's site) is
kept in the database, so a backup, a restore and a department server carry it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import ImportFileError, NotFoundError, ValidationError
from scholar_desk.core.formats import csl
from scholar_desk.core.services import permissions
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.session import Actor

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


@dataclass(frozen=True)
class Style:
    """A style and the XML that formats with it."""

    name: str
    title: str
    xml: bytes
    shipped: bool


def available(session: Session) -> list[csl.StyleInfo]:
    """Every style that can be chosen: shipped first, then the added ones by name."""
    added = session.execute(
        select(m.CitationStyle.name, m.CitationStyle.title).order_by(m.CitationStyle.name)
    ).all()
    shipped = list(csl.shipped_styles().values())
    taken = {info.name for info in shipped}
    return shipped + [csl.StyleInfo(n, t, shipped=False) for n, t in added if n not in taken]


def get(session: Session, name: str) -> Style:
    """The style called ``name`` (``""`` is AMA).

    Raises:
        NotFoundError: No such style, with the names there are.
    """
    name = (name or csl.DEFAULT_STYLE).strip().lower()
    if name in csl.shipped_styles():
        info = csl.shipped_styles()[name]
        return Style(name, info.title, csl.shipped_style_xml(name), True)
    row = session.scalar(select(m.CitationStyle).where(m.CitationStyle.name == name))
    if row is None:
        known = ", ".join(info.name for info in available(session))
        raise NotFoundError(f"There is no citation style '{name}'. Styles here: {known}.")
    return Style(row.name, row.title, row.xml.encode("utf-8"), False)


def name_for_file(path: Path) -> str:
    """The name a style file gets: its file name, lower case, without ``.csl``."""
    stem = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-")
    return stem[:100] or "style"


def add(
    session: Session, actor: Actor, path: str | Path, name: str | None = None
) -> csl.StyleInfo:
    """Add a user's CSL style file, or replace one added earlier under the same name.

    Raises:
        ImportFileError: The file cannot be read or is not a usable CSL style.
        ValidationError: The name is taken by a shipped style or is not a plain name.
        PermissionDeniedError: The actor may not change the shared styles.
    """
    permissions.require(session, actor, permissions.CREATE, permissions.CITATION_STYLE, None)
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder; give a .csl file.") from None
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    title = csl.check_style(data, path.name)
    name = (name or name_for_file(path)).strip().lower()
    if not _NAME.match(name):
        raise ValidationError(
            {"name": f"'{name}' is not a style name: use letters, digits and hyphens."}
        )
    if name in csl.shipped_styles():
        raise ValidationError(
            {"name": f"'{name}' is a shipped style; give the new one another name."}
        )
    row = session.scalar(select(m.CitationStyle).where(m.CitationStyle.name == name))
    old_title = row.title if row is not None else None
    if row is None:
        row = m.CitationStyle(name=name, added_by=actor.username)
        session.add(row)
    row.title = title[:300]
    row.xml = data.decode("utf-8")
    session.flush()
    audit(session, actor, "create", permissions.CITATION_STYLE, row.id, name, old_title, title)
    return csl.StyleInfo(name, title, shipped=False)


def remove(session: Session, actor: Actor, name: str) -> None:
    """Remove a style a user added (journals that named it fall back to AMA).

    Raises:
        NotFoundError: No added style of that name.
        PermissionDeniedError: The actor may not change the shared styles.
    """
    permissions.require(session, actor, permissions.DELETE, permissions.CITATION_STYLE, None)
    row = session.scalar(select(m.CitationStyle).where(m.CitationStyle.name == name))
    if row is None:
        raise NotFoundError(f"No added citation style is called '{name}'.")
    audit(session, actor, "delete", permissions.CITATION_STYLE, row.id, name, row.title, None)
    session.delete(row)
    session.flush()
