"""The reference library's records: reports, rows, details, limits, row conversions.

Also the helpers every part shares: a stored row to a record and back, tags by id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from scholar_desk.core.db.plain import Unit, execute_many, fetch, in_list
from scholar_desk.core.errors import (
    NotFoundError,
)
from scholar_desk.core.formats.reference import (
    MAIN_FIELDS,
    ParsedReference,
    title_key,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from scholar_desk.core.db.models import Reference

CHUNK = 5000
FUZZY_THRESHOLD = 92.0
FUZZY_MIN_LENGTH = 20
DEFAULT_KEY_PATTERN = "{author}{year}{title}"

_STRING_LIMITS = {
    "entry_type": 40,
    "citation_key": 250,
    "first_author": 200,
    "journal": 500,
    "volume": 50,
    "issue": 50,
    "pages": 100,
    "doi": 250,
    "pmid": 20,
    "title_key": 300,
    "source": 300,
}
EDITABLE = (*MAIN_FIELDS,)


class OnDuplicate(StrEnum):
    """What an import does with a record that is already in the library (or the file)."""

    SKIP = "skip"
    MERGE = "merge"
    KEEP = "keep"


@dataclass(frozen=True)
class DuplicateMatch:
    """An incoming record found to be the same work as one already there.

    Attributes:
        file: Source file name.
        line: 1-based line of the incoming record.
        index: Position of the record among all records of the import.
        citation_key: Key of the incoming record.
        title: Title of the incoming record.
        existing_id: Library id of the match, or ``None`` for an earlier record of the import.
        existing_key: Key of the match.
        existing_title: Title of the match.
        existing_line: For a match inside the import: its line.
        reason: Why they match (``same DOI``, ``similar title (95%)``...).
    """

    file: str
    line: int
    index: int
    citation_key: str
    title: str
    existing_id: int | None
    existing_key: str
    existing_title: str
    existing_line: int
    reason: str


@dataclass(frozen=True)
class FileProblem:
    """A skipped or suspicious block of one file."""

    file: str
    line: int
    message: str
    kind: str
    raw: str = ""


@dataclass(frozen=True)
class FileSummary:
    """Counts for one file of an import."""

    file: str
    encoding: str
    entries: int
    imported: int
    duplicates: int
    skipped: int


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do).

    ``imported + duplicates + skipped`` equals the number of entries in the files;
    duplicates kept by choice count as imported.
    """

    imported: int = 0
    duplicates: int = 0
    skipped: int = 0
    merged: int = 0
    kept_duplicates: int = 0
    dry_run: bool = False
    problems: list[FileProblem] = field(default_factory=list)
    matches: list[DuplicateMatch] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    imported_ids: list[int] = field(default_factory=list)
    changes: ImportChanges | None = None

    @property
    def entries(self) -> int:
        """Entries found in all files."""
        return self.imported + self.duplicates + self.skipped

    def to_json(self) -> dict[str, Any]:
        """The CLI's ``--json`` form (lines 1-based)."""
        return {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "errors": [
                {"line": p.line, "message": p.message, "file": p.file, "kind": p.kind}
                for p in self.problems
            ],
        }

    def summary(self) -> str:
        """One line for people."""
        verb = "Would import" if self.dry_run else "Imported"
        text = (
            f"{verb} {self.imported}, duplicates {self.duplicates}, skipped {self.skipped} "
            f"(of {self.entries} entries)"
        )
        if self.merged:
            text += f"; {self.merged} merged into existing references"
        warnings = sum(1 for p in self.problems if p.kind == "warning")
        if warnings:
            text += f"; {warnings} warnings"
        return text + "."


@dataclass(frozen=True)
class LinkInfo:
    """A project, manuscript or abstract that cites a reference."""

    target_kind: str
    target_id: int
    label: str


@dataclass(frozen=True)
class ReferenceDetail:
    """One reference with everything the detail pane edits.

    Attributes:
        id: Primary key.
        version: Optimistic-lock version the values were read at.
        ref: The bibliographic fields (``line`` is 0).
        tags: Tag names, sorted.
        links: What cites it.
    """

    id: int
    version: int
    ref: ParsedReference
    tags: tuple[str, ...]
    links: tuple[LinkInfo, ...]


@dataclass(frozen=True)
class ReferenceSnapshot:
    """References as they were stored: what it takes to put them back exactly.

    Attributes:
        rows: Every column of each reference (its id and version too).
        tags: Tag names by reference id.
        links: Every column of each citing link (``reference_links``) of those references.
    """

    rows: tuple[Mapping[str, Any], ...] = ()
    tags: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    links: tuple[Mapping[str, Any], ...] = ()

    @property
    def ids(self) -> tuple[int, ...]:
        """The references' ids, in the order they were taken."""
        return tuple(int(row["id"]) for row in self.rows)


@dataclass(frozen=True)
class ImportChanges:
    """What one import wrote, so that `undo_import` takes exactly that back.

    Attributes:
        created: Ids of the references it added (each stored at version 1).
        before: The existing references that duplicates were merged into, as they were.
        versions: Version of each of ``before``'s references right after the import.
        blocks: Ids of the ``@string``/``@preamble``/``@comment`` blocks it kept.
        tags: Ids of the tags it created.
    """

    created: tuple[int, ...] = ()
    before: ReferenceSnapshot = field(default_factory=ReferenceSnapshot)
    versions: Mapping[int, int] = field(default_factory=dict)
    blocks: tuple[int, ...] = ()
    tags: tuple[int, ...] = ()


@dataclass(frozen=True)
class MergeSummary:
    """Result of merging exact duplicates library-wide.

    ``before`` holds every reference of the merged groups as it was, and ``versions``
    each kept reference's version right after the merge (for `undo_merge`).
    """

    groups: int
    removed: int
    kept_ids: tuple[int, ...]
    before: ReferenceSnapshot = field(default_factory=ReferenceSnapshot)
    versions: Mapping[int, int] = field(default_factory=dict)


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _row(ref: ParsedReference, now: dt.datetime, tkey: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "entry_type": ref.entry_type or "misc",
        "citation_key": ref.citation_key,
        "authors": ref.authors,
        "first_author": ref.first_author,
        "title": ref.title,
        "journal": ref.journal,
        "year": ref.year,
        "volume": ref.volume,
        "issue": ref.issue,
        "pages": ref.pages,
        "doi": ref.doi,
        "pmid": ref.pmid,
        "url": ref.url,
        "abstract": ref.abstract,
        "keywords": ref.keywords,
        "extra_fields": ref.extra_fields,
        "title_key": title_key(ref.title) if tkey is None else tkey,
        "source": ref.source,
        "tags_text": "",
        "owner_id": None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    for name, limit in _STRING_LIMITS.items():
        value = row[name]
        if isinstance(value, str) and len(value) > limit:
            row[name] = value[:limit]
    return row


def _merge_values(target: ParsedReference, other: ParsedReference) -> bool:
    """Fill the target's empty fields from ``other``; union extras and tags."""
    changed = False
    for name in MAIN_FIELDS:
        if name in ("citation_key", "entry_type"):
            continue
        if getattr(target, name) in ("", None) and getattr(other, name) not in ("", None):
            setattr(target, name, getattr(other, name))
            changed = True
    for key, value in other.extra_fields.items():
        if key not in target.extra_fields:
            target.extra_fields[key] = value
            changed = True
    for tag in other.tags:
        if tag not in target.tags:
            target.tags.append(tag)
            changed = True
    return changed


def _tag_ids(unit: Unit, names: Iterable[str]) -> dict[str, int]:
    wanted = sorted({n.strip() for n in names if n.strip()})
    found: dict[str, int] = {}
    for part in _chunks(wanted):
        marks, params = in_list("n", part, unit)
        found.update(fetch(unit, f"SELECT name, id FROM tags WHERE name IN {marks}", params))
    missing = [n for n in wanted if n not in found]
    if missing:
        execute_many(
            unit, "INSERT INTO tags (name) VALUES (:name)", [{"name": n[:100]} for n in missing]
        )
        for part in _chunks(missing):
            marks, params = in_list("n", part, unit)
            found.update(fetch(unit, f"SELECT name, id FROM tags WHERE name IN {marks}", params))
    return found


def _add_tags(unit: Unit, tagged: Sequence[tuple[int, Sequence[str]]]) -> None:
    """Give references tags (made where missing), leaving the tags they have.

    Plain SQL, so an import runs it alike through a session and a `PlainWriter`.
    """
    ids = _tag_ids(unit, (t for _, names in tagged for t in names))
    ref_ids = [ref_id for ref_id, _ in tagged]
    have: set[tuple[int, int]] = set()
    for part in _chunks(ref_ids):
        marks, params = in_list("r", part, unit)
        have.update(
            (r, t)
            for r, t in fetch(
                unit,
                f"SELECT reference_id, tag_id FROM reference_tags WHERE reference_id IN {marks}",
                params,
            )
        )
    rows = []
    for ref_id, names in tagged:
        for name in {n.strip() for n in names if n.strip()}:
            pair = (ref_id, ids[name])
            if pair not in have:
                have.add(pair)
                rows.append({"reference_id": ref_id, "tag_id": ids[name]})
    execute_many(
        unit,
        "INSERT INTO reference_tags (reference_id, tag_id) VALUES (:reference_id, :tag_id)",
        rows,
    )


def _load(session: Session, ref_id: int) -> tuple[Reference, ParsedReference]:
    from scholar_desk.core.db.models import Reference

    row = session.get(Reference, ref_id)
    if row is None:
        raise NotFoundError("That reference no longer exists.", f"reference {ref_id}")
    return row, _to_parsed(row)


def _to_parsed(row: Reference) -> ParsedReference:
    return ParsedReference(
        entry_type=row.entry_type,
        citation_key=row.citation_key,
        authors=row.authors,
        first_author=row.first_author,
        title=row.title,
        journal=row.journal,
        year=row.year,
        volume=row.volume,
        issue=row.issue,
        pages=row.pages,
        doi=row.doi,
        pmid=row.pmid,
        url=row.url,
        abstract=row.abstract,
        keywords=row.keywords,
        extra_fields=dict(row.extra_fields or {}),
        tags=sorted(t.name for t in row.tags),
        source=row.source,
    )


def _write_back(row: Reference, ref: ParsedReference) -> None:
    for name in MAIN_FIELDS:
        setattr(row, name, getattr(ref, name))
    row.extra_fields = dict(ref.extra_fields)
    row.title_key = title_key(ref.title)


def _tags_by_id(unit: Unit, ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for part in _chunks(list(ids), 900):
        marks, params = in_list("r", part, unit)
        sql = (
            "SELECT rt.reference_id, t.name FROM reference_tags rt "
            f"JOIN tags t ON t.id = rt.tag_id WHERE rt.reference_id IN {marks} ORDER BY t.name"
        )
        for ref_id, name in fetch(unit, sql, params):
            out[ref_id].append(name)
    return out


REFERENCE_KIND = "reference"
"""The kind name of references in the audit trail."""


ProgressCallback = Callable[[int, int, str], None]
