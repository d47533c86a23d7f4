"""Citation keys: made from a pattern, unique in the library and the import."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from scholar_desk.core.db.plain import Unit, fetch, in_list
from scholar_desk.core.errors import (
    ValidationError,
)
from scholar_desk.core.formats.reference import (
    ParsedReference,
    fold,
)
from scholar_desk.core.services.references.records import DEFAULT_KEY_PATTERN, FileProblem, _chunks

_KEY_WORD = re.compile(r"[A-Za-z0-9]+")
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "and",
        "to",
        "with",
        "from",
        "by",
        "at",
        "is",
        "are",
        "as",
    ]
)


def make_key(ref: ParsedReference, pattern: str = DEFAULT_KEY_PATTERN) -> str:
    """A citation key from a pattern with ``{author}``, ``{year}``, ``{title}``, ``{journal}``.

    Args:
        ref: The record.
        pattern: The key pattern.

    Returns:
        An ASCII key such as ``Smith2020Chronic`` (``ref`` when nothing is known).
    """
    author = "".join(w.capitalize() for w in _KEY_WORD.findall(fold(ref.first_author)))
    words = [w for w in _KEY_WORD.findall(fold(ref.title)) if w not in _STOP_WORDS]
    title = words[0].capitalize() if words else ""
    journal = "".join(w[0].upper() for w in _KEY_WORD.findall(fold(ref.journal)))
    year = str(ref.year) if ref.year is not None else ""
    try:
        key = pattern.format(author=author, year=year, title=title, journal=journal)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValidationError({"pattern": f"'{pattern}' is not a usable key pattern."}) from exc
    key = re.sub(r"[^A-Za-z0-9_:\-.+/]", "", key)
    return key[:200] or "ref"


def _suffixes() -> Iterator[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for first in letters:
        for second in letters:
            yield first + second
    number = 1
    while True:
        yield f"-{number}"
        number += 1


def _taken_keys(unit: Unit, bases: Iterable[str]) -> set[str]:
    """Library keys equal to one of ``bases`` or starting with it."""
    taken: set[str] = set()
    wanted = sorted(set(bases))
    exact: set[str] = set()
    for part in _chunks(wanted):
        marks, params = in_list("k", part, unit)
        exact.update(
            key
            for (key,) in fetch(
                unit,
                f'SELECT citation_key FROM "references" WHERE citation_key IN {marks}',
                params,
            )
        )
    taken |= exact
    for base in exact:
        taken.update(
            key
            for (key,) in fetch(
                unit,
                'SELECT citation_key FROM "references" '
                "WHERE citation_key > :low AND citation_key < :high",
                {"low": base, "high": base + "\U0010ffff"},
            )
        )
    return taken


def _assign_keys(
    unit: Unit,
    refs: Sequence[ParsedReference],
    problems: list[FileProblem],
    used: set[str] | None = None,
) -> None:
    """Give every record a key unique in the library and the import (a, b, c... on clash).

    Plain SQL, so an import runs it alike through a session and a `PlainWriter`.
    ``used``: the keys given to the import's earlier records, when they come a batch at
    a time (an import storing records while its file is read); this batch's are added.
    """
    for ref in refs:
        if not ref.citation_key.strip():
            ref.citation_key = make_key(ref)
        ref.citation_key = ref.citation_key.strip()[:240]
    if used is None:
        used = set()
    taken = _taken_keys(unit, (r.citation_key for r in refs))
    seen: set[str] = set()
    clashes = []
    for r in refs:
        if r.citation_key in taken or r.citation_key in used or r.citation_key in seen:
            clashes.append(r.citation_key)
        seen.add(r.citation_key)
    if clashes:
        taken |= _taken_keys(unit, clashes)
    for ref in refs:
        key = ref.citation_key
        if key in taken or key in used:
            for suffix in _suffixes():
                candidate = key + suffix
                if candidate not in taken and candidate not in used:
                    break
            problems.append(
                FileProblem(
                    ref.source,
                    ref.line,
                    f"The key '{key}' is already used; imported as '{candidate}'.",
                    "warning",
                )
            )
            ref.citation_key = candidate
        used.add(ref.citation_key)
