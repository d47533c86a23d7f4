"""A program's scholarly requirements as data: ``program.toml`` read into plain types.

The file::

    [program]
    name = "Pain Medicine Fellowship"
    example = true          # a starter set to adapt, not a program's own rules

    [[requirement]]
    title = "One first-author abstract presented at a national meeting"
    kind = "abstract"       # abstract, manuscript, project or presentation
    count = 1               # how many items meet it (default 1)
    met_when = "presented"  # the stage an item must reach (see STAGES)
    first_author = true     # the fellow is first in the byline
    scope = ["national", "international"]

Other filters: ``project_kind`` (projects), ``presentation_kind`` (presentations) and
``article_type`` (manuscripts), each a list of the values the window offers. Every
mistake is reported with the file's line and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scholar_desk.core.errors import ImportFileError
from scholar_desk.core.records import (
    ArticleType,
    MeetingScope,
    PresentationKind,
    ProjectKind,
    ProjectStatus,
)

STAGES: Mapping[str, tuple[str, ...]] = {
    "manuscript": ("draft", "submitted", "accepted", "published"),
    "abstract": ("draft", "submitted", "accepted", "presented"),
    "project": tuple(
        s.value for s in ProjectStatus if s not in (ProjectStatus.ON_HOLD, ProjectStatus.ABANDONED)
    ),
    "presentation": ("scheduled", "given"),
}
"""The stages an item of each kind passes through, in order; ``met_when`` is one of them."""

DEFAULT_MET_WHEN = {
    "manuscript": "published",
    "abstract": "presented",
    "project": "complete",
    "presentation": "given",
}

FILTERS: Mapping[str, tuple[str, tuple[str, ...], frozenset[str]]] = {
    "scope": (
        "scope",
        tuple(s.value for s in MeetingScope),
        frozenset({"abstract", "presentation"}),
    ),
    "project_kind": ("project_kind", tuple(k.value for k in ProjectKind), frozenset({"project"})),
    "presentation_kind": (
        "presentation_kind",
        tuple(k.value for k in PresentationKind),
        frozenset({"presentation"}),
    ),
    "article_type": (
        "article_type",
        tuple(t.value for t in ArticleType),
        frozenset({"manuscript"}),
    ),
}
"""List filters: key -> (name, allowed values, kinds it applies to)."""

_KNOWN_KEYS = frozenset({"title", "kind", "count", "met_when", "first_author", *FILTERS})


@dataclass(frozen=True)
class Requirement:
    """One scholarly requirement of the program.

    Attributes:
        key: A stable key (``r1``, ``r2``... in file order).
        title: What it asks, as the program words it.
        kind: ``abstract``, ``manuscript``, ``project`` or ``presentation``.
        count: How many items meet it.
        met_when: The stage an item must reach to count.
        first_author: Only items the fellow is first author of.
        filters: Allowed values by filter name (``scope``...); empty means any.
        line: Its line in the file.
    """

    key: str
    title: str
    kind: str
    count: int = 1
    met_when: str = ""
    first_author: bool = False
    filters: Mapping[str, tuple[str, ...]] | None = None
    line: int = 0

    def allowed(self, name: str) -> tuple[str, ...]:
        """The values a filter allows (empty: any)."""
        return tuple((self.filters or {}).get(name, ()))


@dataclass(frozen=True)
class Program:
    """A program's requirements.

    Attributes:
        name: The program's name.
        example: Whether this is a starter set rather than the program's own rules.
        requirements: In file order.
        text: The file as written.
    """

    name: str
    example: bool
    requirements: tuple[Requirement, ...]
    text: str


def _requirement_lines(text: str) -> list[int]:
    return [
        n
        for n, line in enumerate(text.splitlines(), 1)
        if re.match(r"\s*\[\[\s*requirement\s*\]\]", line)
    ]


def _fail(source: str, line: int, message: str) -> ImportFileError:
    where = f"{source}, line {line}" if line else source
    return ImportFileError(f"{where}: {message}")


def parse_program(text: str, source: str = "program.toml") -> Program:
    """Read a program's requirements.

    Args:
        text: The TOML text.
        source: The file's name, for messages.

    Raises:
        ImportFileError: Not TOML, or a requirement that cannot be used; the message
            names the line and what is wrong.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(found.group(1)) if found else 0
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise _fail(source, line, f"{reason}.") from None
    program = data.get("program", {})
    if not isinstance(program, dict):
        raise _fail(source, 0, '[program] must be a table with name = "...".')
    unknown_top = sorted(set(data) - {"program", "requirement"})
    if unknown_top:
        raise _fail(
            source, 0, f"unknown section '{unknown_top[0]}' (use [program] and [[requirement]])."
        )
    raw = data.get("requirement", [])
    if not isinstance(raw, list):
        raise _fail(source, 0, "write each requirement under its own [[requirement]] header.")
    lines = _requirement_lines(text)
    requirements = [
        _requirement(entry, n, lines[n - 1] if n - 1 < len(lines) else 0, source)
        for n, entry in enumerate(raw, 1)
    ]
    return Program(
        name=str(program.get("name", "")).strip() or "Program",
        example=bool(program.get("example", False)),
        requirements=tuple(requirements),
        text=text,
    )


def _requirement(entry: Any, n: int, line: int, source: str) -> Requirement:
    def fail(message: str) -> ImportFileError:
        return _fail(source, line, f"requirement {n}: {message}")

    if not isinstance(entry, dict):
        raise fail("must be a table of keys.")
    unknown = sorted(set(entry) - _KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(_KNOWN_KEYS))
        raise fail(f"unknown key '{unknown[0]}' (known: {known}).")
    title = entry.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail('needs a title = "..." saying what it asks.')
    raw_kind = entry.get("kind")
    if not isinstance(raw_kind, str) or raw_kind not in STAGES:
        raise fail(f"kind {raw_kind!r} is not one of {', '.join(STAGES)}.")
    kind: str = raw_kind
    count = entry.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise fail(f"count must be a whole number of at least 1, not {count!r}.")
    met_when = entry.get("met_when", DEFAULT_MET_WHEN[kind])
    if met_when not in STAGES[kind]:
        raise fail(
            f"met_when {met_when!r} is not a stage of a {kind} ({', '.join(STAGES[kind])})."
        )
    first_author = entry.get("first_author", False)
    if not isinstance(first_author, bool):
        raise fail("first_author must be true or false.")
    if first_author and kind not in ("abstract", "manuscript"):
        raise fail("first_author applies to abstracts and manuscripts only.")
    filters: dict[str, tuple[str, ...]] = {}
    for key, (name, values, kinds) in FILTERS.items():
        if key not in entry:
            continue
        if kind not in kinds:
            raise fail(f"{key} does not apply to a {kind}.")
        given = entry[key]
        given = [given] if isinstance(given, str) else given
        if not isinstance(given, list) or not all(isinstance(v, str) for v in given):
            raise fail(f'{key} must be a list of words, such as ["{values[0]}"].')
        wrong = [v for v in given if v not in values]
        if wrong:
            raise fail(f"{key} {wrong[0]!r} is not one of {', '.join(values)}.")
        filters[name] = tuple(given)
    return Requirement(
        key=f"r{n}",
        title=title.strip(),
        kind=str(kind),
        count=count,
        met_when=str(met_when),
        first_author=first_author,
        filters=filters,
        line=line,
    )


def describe(requirement: Requirement) -> str:
    """What counts, in words: ``abstract, first author, scope national, reaching presented``."""
    parts: list[str] = [requirement.kind]
    if requirement.first_author:
        parts.append("first author")
    for name, values in sorted((requirement.filters or {}).items()):
        parts.append(f"{name.replace('_', ' ')} {' or '.join(values)}")
    parts.append(f"counted when {requirement.met_when}")
    return ", ".join(parts)
