"""The program's requirements and the fellows in view, read in plain SQL.

Run by `plain.fetch`, so the same code answers on a session or on a `PlainReader`: a
window reopening on the dashboard lays out its requirements card (the program and the
fellows) before SQLAlchemy loads, and the progress against it fills in once the library
opens (`program.program_progress`, which reads the fellows here too).
"""

from __future__ import annotations

import importlib.resources
from types import SimpleNamespace

from scholar_desk.core.db import plain
from scholar_desk.core.db.plain import Unit
from scholar_desk.core.formats.program import Program, parse_program
from scholar_desk.core.records import PersonKind
from scholar_desk.core.services import permissions
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.session import Actor

SETTING_KEY = "program_toml"
EXAMPLE_RESOURCE = ("programs", "pain-medicine.example.toml")


def example_text() -> str:
    """The shipped starter set for a pain medicine fellowship."""
    folder, name = EXAMPLE_RESOURCE
    resource = importlib.resources.files("scholar_desk.resources") / folder / name
    return resource.read_text(encoding="utf-8")


def stored_text(session: Unit) -> str | None:
    """The program.toml a director stored, or ``None`` (the example applies)."""
    rows = plain.fetch(
        session, "SELECT value FROM app_settings WHERE key = :key", {"key": SETTING_KEY}
    )
    return str(rows[0][0]) if rows else None


def current_program(session: Unit) -> Program:
    """The requirements in force: the stored ones, else the shipped example."""
    text = stored_text(session)
    if text is None:
        return parse_program(example_text(), "the example program.toml")
    return parse_program(text)


def fellows_in_view(session: Unit, actor: Actor) -> list[tuple[int, str]]:
    """``(id, name)`` of every fellow the actor may see, by family then given name.

    Fellows are the people whose kind is fellow; the name is `kinds.person_name`.
    """
    visible = permissions.visible_owner_ids(session, actor)
    if visible is not None and not visible:
        return []
    rows = plain.fetch(
        session,
        "SELECT id, given_name, family_name, degrees FROM people WHERE kind = :kind",
        {"kind": PersonKind.FELLOW.value},
    )
    people = [row for row in rows if visible is None or row[0] in visible]
    people.sort(key=lambda row: (row[2].lower(), row[1].lower(), row[0]))
    return [
        (
            person_id,
            person_name(
                SimpleNamespace(given_name=given, family_name=family, degrees=degrees)  # type: ignore[arg-type]
            ),
        )
        for person_id, given, family, degrees in people
    ]
