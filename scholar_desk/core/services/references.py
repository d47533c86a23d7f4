"""The reference library: import with duplicate checks, merge, keys, search, edit, export.

Every function takes a `Session` first and returns plain records; an import runs in the
caller's one transaction, so a cancel, an error or a crash leaves the library as it was.
The library is shared: everyone with access reads it, and every function that writes takes
the `Actor` second and asks `permissions` (kind ``reference``) before it changes anything.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import tempfile
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from rapidfuzz import fuzz
from sqlalchemy import Table, and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import fulltext
from scholar_desk.core.db.models import (
    Abstract,
    BibBlock,
    Manuscript,
    Project,
    Reference,
    ReferenceLink,
    Tag,
    reference_tags,
)
from scholar_desk.core.errors import (
    ConflictError,
    ExportError,
    ImportFileError,
    NotFoundError,
    ValidationError,
)
from scholar_desk.core.formats import bibtex, medline, ris
from scholar_desk.core.formats.reference import (
    MAIN_FIELDS,
    ParsedReference,
    ParseResult,
    author_key,
    clean_doi,
    clean_pmid,
    doi_key,
    fold,
    read_text,
    title_key,
)
from scholar_desk.core.progress import CancelToken, ProgressSink, no_progress
from scholar_desk.core.services import permissions
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.session import Actor

_DIGITS = re.compile(r"\d+")
_REFERENCES = cast(Table, Reference.__table__)
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


# Records --------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class ReferenceRow:
    """What the references table shows for one row."""

    id: int
    citation_key: str
    first_author: str
    year: int | None
    title: str
    journal: str
    entry_type: str
    doi: str
    tags_text: str


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
class MergeSummary:
    """Result of merging exact duplicates library-wide."""

    groups: int
    removed: int
    kept_ids: tuple[int, ...]


# Bulk work -------------------------------------------------------------------------------


class _FullCollections:
    """Defers the garbage collector's full collections while an import runs.

    A full collection walks every tracked object of the process while holding the GIL;
    with the GUI loaded that is 30-90 ms, and reading and storing 20,000 references
    allocates enough to start five of them: five freezes of the window while the import
    runs in a worker. Young collections go on (short-lived cycles are still freed); the
    full ones wait until the import is over. Nested and concurrent uses are counted.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: tuple[int, int, int] | None = None

    @contextmanager
    def deferred(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._saved = gen0, gen1, _gen2 = gc.get_threshold()
                gc.set_threshold(gen0, gen1, 1_000_000_000)
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._saved is not None:
                    gc.set_threshold(*self._saved)
                    self._saved = None


_full_collections = _FullCollections()


# Reading files ----------------------------------------------------------------------------


def detect_format(path: Path, text: str) -> str:
    """``bibtex``, ``ris`` or ``medline`` from the extension, else from the content.

    Raises:
        ImportFileError: The file is in none of these formats.
    """
    suffix = path.suffix.lower()
    if suffix in (".bib", ".bibtex", ".biblatex"):
        return "bibtex"
    if suffix == ".ris":
        return "ris"
    if suffix in (".nbib", ".medline"):
        return "medline"
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    if re.match(r"TY  -", head) or re.search(r"(?m)^TY  - ", head):
        return "ris"
    if re.search(r"(?m)^PMID- ", head):
        return "medline"
    if re.search(r"@\s*[A-Za-z]+\s*[{(]", text[:200000]):
        return "bibtex"
    raise ImportFileError(
        f"{path.name} is not a BibTeX, RIS or PubMed/MEDLINE file.",
        f"suffix {suffix!r}; no entry found",
    )


def read_file(path: Path) -> ParseResult:
    """Read one reference file of any supported format.

    Args:
        path: The file.

    Returns:
        What it holds.

    Raises:
        ImportFileError: The file cannot be read, decoded or recognised.
    """
    if not path.is_file():
        raise ImportFileError(f"{path} does not exist or is not a file.")
    text, encoding, warnings = read_text(path)
    kind = detect_format(path, text)
    if kind == "bibtex":
        result = bibtex.parse_text(text, path.name)
    elif kind == "ris":
        result = ris.parse_text(text, path.name)
    else:
        result = medline.parse_text(text, path.name)
    result.encoding = encoding
    result.problems[:0] = warnings
    return result


def read_files(
    paths: Sequence[Path],
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> list[ParseResult]:
    """Read every file before anything is written (an unusable file stops the import).

    Raises:
        ImportFileError: One of the files cannot be used.
        CancelledError: Cancel was asked for.
    """
    results = []
    with _full_collections.deferred():
        for number, path in enumerate(paths):
            if cancel is not None:
                cancel.check()
            progress(number, len(paths), f"Reading {path.name}")
            results.append(read_file(Path(path)))
    return results


# Import -----------------------------------------------------------------------------------


@dataclass
class _Keys:
    doi: str
    pmid: str
    title: str
    year: int | None
    author: str


def _keys_of(ref: ParsedReference) -> _Keys:
    return _Keys(
        doi=doi_key(ref.doi) if ref.doi else "",
        pmid=ref.pmid,
        title=title_key(ref.title),
        year=ref.year,
        author=author_key(ref.first_author),
    )


@dataclass
class _Existing:
    id: int
    citation_key: str
    title: str
    doi: str
    pmid: str
    title_key: str
    year: int | None
    first_author: str


def _same_work(a: _Keys, b: _Keys, *, exact: bool) -> str | None:
    if a.doi and b.doi and a.doi != b.doi:
        return None
    if a.year is not None and b.year is not None and a.year != b.year:
        return None
    if a.author and b.author and a.author != b.author:
        return None
    if not a.title or not b.title:
        return None
    if a.title == b.title:
        return "same title, year and first author"
    if exact or min(len(a.title), len(b.title)) < FUZZY_MIN_LENGTH:
        return None
    if a.year is None or b.year is None or not a.author or not b.author:
        return None
    if _DIGITS.findall(a.title) != _DIGITS.findall(b.title):
        return None  # "Part 1" and "Part 2", "phase II/III" trials: different works
    score = fuzz.ratio(a.title, b.title)
    if score >= FUZZY_THRESHOLD:
        return f"similar title ({score:.0f}%), same year and first author"
    return None


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing_columns() -> tuple[Any, ...]:
    return (
        Reference.id,
        Reference.citation_key,
        Reference.title,
        Reference.doi,
        Reference.pmid,
        Reference.title_key,
        Reference.year,
        Reference.first_author,
    )


def _library_matches(
    session: Session, refs: Sequence[ParsedReference], keys: Sequence[_Keys]
) -> list[tuple[_Existing, str] | None]:
    """For each incoming record, a library record that is the same work (or None)."""
    out: list[tuple[_Existing, str] | None] = [None] * len(refs)
    if session.scalar(select(Reference.id).limit(1)) is None:
        return out
    cols = _existing_columns()

    def fetch(column: Any, values: Iterable[Any]) -> list[_Existing]:
        found = []
        wanted = sorted({v for v in values if v})
        for part in _chunks(wanted):
            for row in session.execute(select(*cols).where(column.in_(part))):
                found.append(_Existing(*row))
        return found

    by_doi = {e.doi: e for e in fetch(Reference.doi, (k.doi for k in keys))}
    by_pmid = {e.pmid: e for e in fetch(Reference.pmid, (k.pmid for k in keys))}
    by_title: dict[str, list[_Existing]] = defaultdict(list)
    for e in fetch(Reference.title_key, (k.title for k in keys)):
        by_title[e.title_key].append(e)
    by_author: dict[tuple[int | None, str], list[_Existing]] = defaultdict(list)
    for e in fetch(Reference.first_author, (r.first_author for r in refs)):
        by_author[(e.year, author_key(e.first_author))].append(e)

    def keys_of_existing(e: _Existing) -> _Keys:
        return _Keys(
            doi_key(e.doi) if e.doi else "",
            e.pmid,
            e.title_key,
            e.year,
            author_key(e.first_author),
        )

    # Records without a title can only be recognised by their key and other fields.
    by_key = {
        e.citation_key: e
        for e in fetch(
            Reference.citation_key,
            (r.citation_key for r, k in zip(refs, keys, strict=True) if not k.title),
        )
    }
    for i, k in enumerate(keys):
        if k.doi and k.doi in by_doi:
            out[i] = (by_doi[k.doi], "same DOI")
            continue
        if not k.title:
            same_key = by_key.get(refs[i].citation_key)
            if (
                same_key is not None
                and not same_key.title_key
                and same_key.year == k.year
                and (author_key(same_key.first_author) == k.author)
            ):
                out[i] = (same_key, "same key, no title, same year and first author")
            continue
        if k.pmid and k.pmid in by_pmid:
            out[i] = (by_pmid[k.pmid], "same PMID")
            continue
        hit = None
        for e in by_title.get(k.title, ()):
            reason = _same_work(k, keys_of_existing(e), exact=True)
            if reason:
                hit = (e, reason)
                break
        if hit is None:
            for e in by_author.get((k.year, k.author), ()):
                reason = _same_work(k, keys_of_existing(e), exact=False)
                if reason:
                    hit = (e, reason)
                    break
        out[i] = hit
    return out


def _file_matches(keys: Sequence[_Keys]) -> list[tuple[int, str] | None]:
    """For each record, an earlier record of the same import that is the same work.

    Blocking keeps this near-linear: exact keys are dict lookups and fuzzy titles are
    compared only within the same (year, first author) and (year, title start) blocks.
    """
    out: list[tuple[int, str] | None] = [None] * len(keys)
    by_doi: dict[str, int] = {}
    by_pmid: dict[str, int] = {}
    by_exact: dict[tuple[str, int | None, str], int] = {}
    by_author: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    by_start: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    # A record with a DOI can only fuzzily match one without a DOI (a different DOI is a
    # different work, the same DOI is found above), so it looks in these lists alone.
    no_doi_author: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    no_doi_start: dict[tuple[int | None, str], list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        hit: tuple[int, str] | None = None
        if k.doi and k.doi in by_doi:
            hit = (by_doi[k.doi], "same DOI")
        elif k.pmid and k.pmid in by_pmid:
            hit = (by_pmid[k.pmid], "same PMID")
        else:
            j = by_exact.get((k.title, k.year, k.author))
            if j is not None and _same_work(k, keys[j], exact=True):
                hit = (j, "same title, year and first author")
            elif k.title and len(k.title) >= FUZZY_MIN_LENGTH:
                seen: set[int] = set()
                authors, starts = (no_doi_author, no_doi_start) if k.doi else (by_author, by_start)
                for j in (
                    *authors.get((k.year, k.author), ()),
                    *starts.get((k.year, k.title[:12]), ()),
                ):
                    if j in seen:
                        continue
                    seen.add(j)
                    reason = _same_work(k, keys[j], exact=False)
                    if reason:
                        hit = (j, reason)
                        break
        if hit is not None:
            # Point at the first record of the group, so chains resolve to one target.
            target = hit[0]
            while out[target] is not None:
                target = out[target][0]  # type: ignore[index]  # checked just above
            out[i] = (target, hit[1])
            continue
        if k.doi:
            by_doi.setdefault(k.doi, i)
        if k.pmid:
            by_pmid.setdefault(k.pmid, i)
        if k.title:
            by_exact.setdefault((k.title, k.year, k.author), i)
            if len(k.title) >= FUZZY_MIN_LENGTH and k.year is not None:
                by_author[(k.year, k.author)].append(i)
                by_start[(k.year, k.title[:12])].append(i)
                if not k.doi:
                    no_doi_author[(k.year, k.author)].append(i)
                    no_doi_start[(k.year, k.title[:12])].append(i)
    return out


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


def _taken_keys(session: Session, bases: Iterable[str]) -> set[str]:
    """Library keys equal to one of ``bases`` or starting with it."""
    taken: set[str] = set()
    wanted = sorted(set(bases))
    exact: set[str] = set()
    for part in _chunks(wanted):
        exact.update(
            session.scalars(select(Reference.citation_key).where(Reference.citation_key.in_(part)))
        )
    taken |= exact
    for base in exact:
        taken.update(
            session.scalars(
                select(Reference.citation_key).where(
                    and_(
                        Reference.citation_key > base, Reference.citation_key < base + "\U0010ffff"
                    )
                )
            )
        )
    return taken


def _assign_keys(
    session: Session, refs: Sequence[ParsedReference], problems: list[FileProblem]
) -> None:
    """Give every record a key unique in the library and the import (a, b, c... on clash)."""
    for ref in refs:
        if not ref.citation_key.strip():
            ref.citation_key = make_key(ref)
        ref.citation_key = ref.citation_key.strip()[:240]
    taken = _taken_keys(session, (r.citation_key for r in refs))
    used: set[str] = set()
    clashes = []
    for r in refs:
        if r.citation_key in taken or r.citation_key in used:
            clashes.append(r.citation_key)
        used.add(r.citation_key)
    if clashes:
        taken |= _taken_keys(session, clashes)
    used = set()
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


STORE_CHUNK = 1000
"""Rows per ``executemany`` and per indexing statement: short C calls, so the GUI thread
gets the GIL often, and Cancel is checked between them."""
_STAGE = "reference_import_stage"


def _store_sqlite(
    session: Session,
    refs: Sequence[ParsedReference],
    now: dt.datetime,
    progress: ProgressSink,
    check: Callable[[], None],
    title_keys: Sequence[str | None] | None = None,
) -> None:
    """Insert rows through a temporary table, then into ``references`` a chunk at a time.

    The full-text trigger makes FTS5 flush its pending terms at the end of every
    statement; one ``INSERT ... SELECT`` per chunk instead of one ``INSERT`` per row keeps
    FTS5 from writing (and merging) 20,000 tiny segments: 2.0 s became 0.6 s for 20,000
    references. The staging table is TEMP, so it lives and dies with this transaction
    (a rollback removes it too). Values go through each column's own bind processor, so
    they are stored exactly as the ORM path stores them.
    """
    columns = [c for c in _REFERENCES.columns if c.name != "id"]
    names = ", ".join(f'"{c.name}"' for c in columns)
    dialect = session.get_bind().dialect
    processors = [c.type.bind_processor(dialect) for c in columns]
    conn = session.connection()
    conn.exec_driver_sql(f'DROP TABLE IF EXISTS temp."{_STAGE}"')
    conn.exec_driver_sql(
        f'CREATE TEMP TABLE "{_STAGE}" AS SELECT {names} FROM "references" WHERE 0'
    )
    marks = ", ".join("?" * len(columns))
    stage_sql = f'INSERT INTO temp."{_STAGE}" ({names}) VALUES ({marks})'
    order = [c.name for c in columns]
    # Columns whose values need converting (JSON, timestamps); the timestamps are the
    # same on every row, so they are converted once.
    converted = [
        (i, process)
        for i, (column, process) in enumerate(zip(columns, processors, strict=True))
        if process is not None and column.name not in ("created_at", "updated_at")
    ]
    stamp = {
        i: process(now)
        for i, (column, process) in enumerate(zip(columns, processors, strict=True))
        if process is not None and column.name in ("created_at", "updated_at")
    }
    total = len(refs)
    for start in range(0, total, STORE_CHUNK):
        check()
        rows = []
        for number, ref in enumerate(refs[start : start + STORE_CHUNK], start):
            row = _row(ref, now, title_keys[number] if title_keys is not None else None)
            values = [row[name] for name in order]
            for i, process in converted:
                if values[i] is not None:
                    values[i] = process(values[i])
            for i, value in stamp.items():
                values[i] = value
            rows.append(tuple(values))
        conn.exec_driver_sql(stage_sql, rows)
        progress(min(start + STORE_CHUNK, total) // 2, total, "Storing references")
    for start in range(0, total, STORE_CHUNK):
        check()
        conn.exec_driver_sql(
            f'INSERT INTO "references" ({names}) SELECT {names} FROM temp."{_STAGE}" '
            "WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
            (start, start + STORE_CHUNK),
        )
        progress((total + min(start + STORE_CHUNK, total)) // 2, total, "Indexing references")
    conn.exec_driver_sql(f'DROP TABLE temp."{_STAGE}"')


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


def import_files(
    session: Session,
    actor: Actor,
    paths: Sequence[Path],
    *,
    on_duplicate: OnDuplicate | str = OnDuplicate.SKIP,
    decisions: Mapping[int, OnDuplicate | str] | None = None,
    dry_run: bool = False,
    tags: Sequence[str] = (),
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Read files and import their references in the caller's transaction.

    Args:
        session: The unit of work (a writing one unless ``dry_run``).
        actor: Who imports; a dry run writes nothing, so reading the library is enough.
        paths: BibTeX, RIS or MEDLINE files.
        on_duplicate: What to do with duplicates by default.
        decisions: Per-record overrides, by `DuplicateMatch.index`.
        dry_run: Find out what would happen; write nothing.
        tags: Tag names given to every imported record.
        progress: Progress reports.
        cancel: Checked between steps.

    Returns:
        The report.

    Raises:
        PermissionDeniedError: The actor may not add references (for a dry run: may
            not read the library).
        ImportFileError: A file is unusable; nothing was written.
        CancelledError: Cancel was asked for; the caller rolls back.
    """
    _require_import(session, actor, dry_run=dry_run)  # before reading: no wait to refuse
    results = read_files(paths, progress, cancel)
    return import_parsed(
        session,
        actor,
        results,
        on_duplicate=on_duplicate,
        decisions=decisions,
        dry_run=dry_run,
        tags=tags,
        progress=progress,
        cancel=cancel,
    )


def _require_import(session: Session, actor: Actor, *, dry_run: bool) -> None:
    action = permissions.READ if dry_run else permissions.CREATE
    permissions.require(session, actor, action, permissions.REFERENCE, None)


def import_parsed(
    session: Session,
    actor: Actor,
    results: Sequence[ParseResult],
    *,
    on_duplicate: OnDuplicate | str = OnDuplicate.SKIP,
    decisions: Mapping[int, OnDuplicate | str] | None = None,
    dry_run: bool = False,
    tags: Sequence[str] = (),
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import records already read by `read_files` (see `import_files`).

    The records are copied first, so the same results can be imported again (the
    import dialog reads once, shows a dry run, then imports).

    Raises:
        PermissionDeniedError: The actor may not add references (for a dry run: may
            not read the library).
    """
    _require_import(session, actor, dry_run=dry_run)
    with _full_collections.deferred():
        report = _import_parsed(
            session,
            results,
            on_duplicate=on_duplicate,
            decisions=decisions,
            dry_run=dry_run,
            tags=tags,
            progress=progress,
            cancel=cancel,
        )
    if not dry_run:
        sources = ", ".join(sorted({r.source for r in results if r.source})) or "text"
        audit(
            session,
            actor,
            "import",
            REFERENCE_KIND,
            None,
            "",
            None,
            f"{report.summary()} from {sources}",
        )
    return report


def _import_parsed(
    session: Session,
    results: Sequence[ParseResult],
    *,
    on_duplicate: OnDuplicate | str,
    decisions: Mapping[int, OnDuplicate | str] | None,
    dry_run: bool,
    tags: Sequence[str],
    progress: ProgressSink,
    cancel: CancelToken | None,
) -> ImportReport:
    check = cancel.check if cancel is not None else (lambda: None)
    default = OnDuplicate(on_duplicate)
    choices = {i: OnDuplicate(v) for i, v in (decisions or {}).items()}
    report = ImportReport(dry_run=dry_run)
    refs: list[ParsedReference] = []
    for result in results:
        for p in result.problems:
            report.problems.append(FileProblem(result.source, p.line, p.message, p.kind, p.raw))
        for ref in result.references:
            refs.append(
                replace(
                    ref,
                    extra_fields=dict(ref.extra_fields),
                    tags=[*ref.tags, *(t for t in tags if t not in ref.tags)],
                )
            )
        report.skipped += len(result.skipped)
    total = len(refs)
    progress(0, total, "Checking for duplicates")
    check()
    keys = [_keys_of(r) for r in refs]
    in_library = _library_matches(session, refs, keys)
    check()
    in_file = _file_matches(keys)
    check()

    new: list[int] = []
    merges: dict[int, list[int]] = defaultdict(list)  # existing id -> incoming indexes
    file_targets: dict[int, int] = {}
    existing_by_id: dict[int, _Existing] = {}
    status: list[str] = [""] * total
    for i, ref in enumerate(refs):
        lib_hit = in_library[i]
        file_hit = in_file[i]
        match: DuplicateMatch | None = None
        if lib_hit is not None:
            e, reason = lib_hit
            existing_by_id[e.id] = e
            match = DuplicateMatch(
                ref.source,
                ref.line,
                i,
                ref.citation_key,
                ref.title,
                e.id,
                e.citation_key,
                e.title,
                0,
                reason,
            )
        elif file_hit is not None:
            j, reason = file_hit
            other = refs[j]
            if in_library[j] is not None:
                first = in_library[j][0]  # type: ignore[index]  # checked
                match = DuplicateMatch(
                    ref.source,
                    ref.line,
                    i,
                    ref.citation_key,
                    ref.title,
                    first.id,
                    first.citation_key,
                    first.title,
                    0,
                    reason,
                )
                lib_hit = in_library[j]
            else:
                match = DuplicateMatch(
                    ref.source,
                    ref.line,
                    i,
                    ref.citation_key,
                    ref.title,
                    None,
                    other.citation_key,
                    other.title,
                    other.line,
                    reason,
                )
        if match is None:
            new.append(i)
            status[i] = "new"
            continue
        report.matches.append(match)
        action = choices.get(i, default)
        if action is OnDuplicate.KEEP:
            new.append(i)
            status[i] = "kept"
            report.kept_duplicates += 1
            continue
        report.duplicates += 1
        status[i] = "duplicate"
        if action is OnDuplicate.MERGE:
            if lib_hit is not None:
                merges[lib_hit[0].id].append(i)
            elif file_hit is not None:
                file_targets[i] = file_hit[0]
    # Merges inside the import fold into the earlier record before it is stored.
    merged_into = set(file_targets.values())
    for i, j in file_targets.items():
        if status[j] in ("new", "kept"):
            _merge_values(refs[j], refs[i])

    report.imported = len(new)
    report.merged = sum(len(v) for v in merges.values())
    to_store = [refs[i] for i in new]
    problems: list[FileProblem] = []
    _assign_keys(session, to_store, problems)
    report.problems.extend(problems)
    _summarise_files(report, results, refs, status)
    if dry_run:
        return report

    check()
    now = clock.now()
    progress(0, len(to_store), "Storing references")
    if fulltext.is_sqlite(session):
        _store_sqlite(
            session,
            to_store,
            now,
            progress,
            check,
            # A merge inside the file may have given a record its title: key it again.
            [None if i in merged_into else keys[i].title for i in new],
        )
    else:
        step = 2000
        for start in range(0, len(to_store), step):
            check()
            batch = [_row(r, now) for r in to_store[start : start + step]]
            session.execute(insert(_REFERENCES), batch)
            progress(min(start + step, len(to_store)), len(to_store), "Storing references")
    keys_stored = [r.citation_key for r in to_store]
    ids_by_key: dict[str, int] = {}
    for part in _chunks(keys_stored):
        for ref_id, key in session.execute(
            select(Reference.id, Reference.citation_key).where(Reference.citation_key.in_(part))
        ):
            ids_by_key[key] = ref_id
    report.imported_ids = [ids_by_key[k] for k in keys_stored]
    tagged = [(ids_by_key[r.citation_key], r.tags) for r in to_store if r.tags]
    if tagged:
        _add_tags(session, tagged)
    check()
    if merges:
        progress(0, len(merges), "Merging duplicates")
        for existing_id, indexes in merges.items():
            check()
            _merge_into(session, existing_id, [refs[i] for i in indexes])
    _store_blocks(session, results)
    progress(len(to_store), len(to_store), "Done")
    return report


def _summarise_files(
    report: ImportReport,
    results: Sequence[ParseResult],
    refs: Sequence[ParsedReference],
    status: Sequence[str],
) -> None:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ref, state in zip(refs, status, strict=True):
        counts[ref.source]["duplicate" if state == "duplicate" else "imported"] += 1
    for result in results:
        c = counts[result.source]
        report.files.append(
            FileSummary(
                result.source,
                result.encoding,
                result.entries_in_file,
                c["imported"],
                c["duplicate"],
                len(result.skipped),
            )
        )


def _store_blocks(session: Session, results: Sequence[ParseResult]) -> None:
    rows = []
    existing: set[tuple[str, str]] = {
        (k, t) for k, t in session.execute(select(BibBlock.block_kind, BibBlock.text))
    }
    for result in results:
        for kind, text in result.blocks:
            if (kind, text) in existing or not text:
                continue
            existing.add((kind, text))
            rows.append({"block_kind": kind, "text": text, "source": result.source[:300]})
    if rows:
        session.execute(insert(cast(Table, BibBlock.__table__)), rows)


def _tag_ids(session: Session, names: Iterable[str]) -> dict[str, int]:
    wanted = sorted({n.strip() for n in names if n.strip()})
    found = dict(session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(wanted))).all())
    missing = [n for n in wanted if n not in found]
    if missing:
        session.execute(insert(cast(Table, Tag.__table__)), [{"name": n[:100]} for n in missing])
        more = session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(missing))).all()
        found.update(dict(more))
    return found


def _add_tags(session: Session, tagged: Sequence[tuple[int, Sequence[str]]]) -> None:
    ids = _tag_ids(session, (t for _, names in tagged for t in names))
    ref_ids = [ref_id for ref_id, _ in tagged]
    have: set[tuple[int, int]] = set()
    for part in _chunks(ref_ids):
        stmt = select(reference_tags.c.reference_id, reference_tags.c.tag_id).where(
            reference_tags.c.reference_id.in_(part)
        )
        have.update((r, t) for r, t in session.execute(stmt))
    rows = []
    for ref_id, names in tagged:
        for name in {n.strip() for n in names if n.strip()}:
            pair = (ref_id, ids[name])
            if pair not in have:
                have.add(pair)
                rows.append({"reference_id": ref_id, "tag_id": ids[name]})
    if rows:
        session.execute(insert(reference_tags), rows)


def _load(session: Session, ref_id: int) -> tuple[Reference, ParsedReference]:
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


def _merge_into(session: Session, existing_id: int, others: Sequence[ParsedReference]) -> None:
    row, current = _load(session, existing_id)
    changed = False
    for other in others:
        changed |= _merge_values(current, other)
    if changed:
        _write_back(row, current)
        session.flush()
    new_tags = [t for t in current.tags if t not in {x.name for x in row.tags}]
    if new_tags:
        _add_tags(session, [(existing_id, new_tags)])
        session.expire(row)


# Library-wide merge ------------------------------------------------------------------------


def _filled(values: Sequence[Any]) -> int:
    return sum(1 for v in values if v not in ("", None))


def merge_exact_duplicates(
    session: Session,
    actor: Actor,
    *,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> MergeSummary:
    """Merge every group of exact duplicates into one reference.

    Exact means the same DOI, the same PMID, or the same normalised title with the same
    year and first author (and no conflicting DOI). The keeper of a group is the record
    with the most filled fields, then the oldest (lowest id); the others' empty-in-keeper
    fields, extra fields, tags and citing links move to it, then they are deleted.

    Returns:
        How many groups were merged and references removed.

    Raises:
        PermissionDeniedError: The actor may not change the library.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def union(ids: Sequence[int]) -> None:
        root = find(ids[0])
        for other in ids[1:]:
            r = find(other)
            if r != root:
                parent[max(r, root)] = min(r, root)
                root = min(r, root)

    def groups_of(*columns: Any, where: Any) -> None:
        stmt = (
            select(func.group_concat(Reference.id))
            .where(where)
            .group_by(*columns)
            .having(func.count() > 1)
        )
        if not fulltext.is_sqlite(session):
            stmt = (
                select(func.string_agg(func.cast(Reference.id, type_=Reference.title.type), ","))
                .where(where)
                .group_by(*columns)
                .having(func.count() > 1)
            )
        for (text,) in session.execute(stmt):
            union(sorted(int(x) for x in str(text).split(",")))

    groups_of(Reference.doi, where=Reference.doi != "")
    groups_of(Reference.pmid, where=Reference.pmid != "")
    # Same title key and year: check first author and DOI in Python.
    stmt = (
        select(Reference.title_key, Reference.year)
        .where(Reference.title_key != "")
        .group_by(Reference.title_key, Reference.year)
        .having(func.count() > 1)
    )
    candidates = list(session.execute(stmt))
    for tkey, year in candidates:
        rows = session.execute(
            select(Reference.id, Reference.first_author, Reference.doi).where(
                Reference.title_key == tkey,
                Reference.year == year if year is not None else Reference.year.is_(None),
            )
        ).all()
        by_author: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for ref_id, first, doi in rows:
            by_author[author_key(first)].append((ref_id, doi_key(doi) if doi else ""))
        for same_author in by_author.values():
            dois = {d for _, d in same_author if d}
            if len(same_author) > 1 and len(dois) <= 1:
                union([m for m, _ in same_author])
    groups: dict[int, list[int]] = defaultdict(list)
    for member in list(parent):
        groups[find(member)].append(member)
    groups = {k: sorted(set(v) | {k}) for k, v in groups.items()}
    removed = 0
    kept: list[int] = []
    for number, members in enumerate(groups.values()):
        if cancel is not None:
            cancel.check()
        progress(number, len(groups), "Merging duplicates")
        loaded = [_load(session, m) for m in members]
        loaded.sort(
            key=lambda pair: (
                -_filled(list(pair[1].main_values().values())) - len(pair[1].extra_fields),
                pair[0].id,
            )
        )
        keeper_row, keeper = loaded[0]
        for row, other in loaded[1:]:
            _merge_values(keeper, other)
            _move_links(session, row.id, keeper_row.id)
        others = [row.id for row, _ in loaded[1:]]
        tags = list(keeper.tags)
        session.execute(delete(Reference).where(Reference.id.in_(others)))
        _write_back(keeper_row, keeper)
        session.flush()
        _add_tags(session, [(keeper_row.id, tags)])
        removed += len(others)
        kept.append(keeper_row.id)
    session.expire_all()
    if removed:
        audit(
            session,
            actor,
            "merge",
            REFERENCE_KIND,
            None,
            "",
            None,
            f"{len(groups)} groups of exact duplicates merged; {removed} removed; kept ids "
            + ", ".join(map(str, kept)),
        )
    return MergeSummary(len(groups), removed, tuple(kept))


def _move_links(session: Session, from_id: int, to_id: int) -> None:
    links = session.execute(
        select(ReferenceLink.target_kind, ReferenceLink.target_id, ReferenceLink.position).where(
            ReferenceLink.reference_id == from_id
        )
    ).all()
    stmt = select(ReferenceLink.target_kind, ReferenceLink.target_id).where(
        ReferenceLink.reference_id == to_id
    )
    have = {(k, t) for k, t in session.execute(stmt)}
    for kind, target, position in links:
        if (kind, target) not in have:
            session.execute(
                insert(cast(Table, ReferenceLink.__table__)).values(
                    reference_id=to_id, target_kind=kind, target_id=target, position=position
                )
            )
            have.add((kind, target))


# Queries for the table and the CLI --------------------------------------------------------

SORT_COLUMNS: dict[str, Any] = {
    "title": Reference.title_key,
    "first_author": Reference.first_author,
    "year": Reference.year,
    "journal": Reference.journal,
    "citation_key": Reference.citation_key,
    "entry_type": Reference.entry_type,
    "id": Reference.id,
}


def _filtered(
    session: Session,
    stmt: Any,
    *,
    search: str | None,
    tag: str | None,
    project_id: int | None,
    ids: Sequence[int] | None = None,
) -> Any:
    if search:
        clause = fulltext.matching_clause(session, search)
        if clause is not None:
            stmt = stmt.where(clause)
    if tag:
        stmt = stmt.where(
            Reference.id.in_(
                select(reference_tags.c.reference_id)
                .join(Tag, Tag.id == reference_tags.c.tag_id)
                .where(Tag.name == tag)
            )
        )
    if project_id is not None:
        stmt = stmt.where(
            Reference.id.in_(
                select(ReferenceLink.reference_id).where(
                    ReferenceLink.target_kind == "project", ReferenceLink.target_id == project_id
                )
            )
        )
    if ids is not None:
        stmt = stmt.where(Reference.id.in_(list(ids)))
    return stmt


def reference_ids(
    session: Session,
    *,
    search: str | None = None,
    sort: str = "title",
    descending: bool = False,
    tag: str | None = None,
    project_id: int | None = None,
) -> list[int]:
    """Ids of the references to show, in display order (sorting and filtering in SQL).

    Args:
        session: The unit of work.
        search: Search-as-you-type text over title, authors, journal, year, abstract,
            keywords and tags.
        sort: A key of `SORT_COLUMNS`.
        descending: Reverse order.
        tag: Only references with this tag.
        project_id: Only references cited by this project.

    Returns:
        The ordered ids.
    """
    column = SORT_COLUMNS.get(sort, Reference.title_key)
    order: tuple[Any, ...] = (
        (column.desc(), Reference.id.desc()) if descending else (column, Reference.id)
    )
    if column is Reference.id:
        order = order[:1]
    stmt = _filtered(
        session, select(Reference.id), search=search, tag=tag, project_id=project_id
    ).order_by(*order)
    return list(session.scalars(stmt))


def matching_ids(session: Session, search: str) -> list[int] | None:
    """Ids matching search text, unordered (``None`` when the text has no words).

    The table orders them itself by the positions of the full sorted list it already
    holds, which is faster than ``ORDER BY`` over tens of thousands of matches.
    """
    if not fulltext.search_terms(search):
        return None
    return fulltext.matching_ids(session, search)


def count_references(session: Session) -> int:
    """How many references the library holds."""
    return int(session.scalar(select(func.count()).select_from(Reference)) or 0)


_ROW_COLUMNS = (
    Reference.id,
    Reference.citation_key,
    Reference.first_author,
    Reference.year,
    Reference.title,
    Reference.journal,
    Reference.entry_type,
    Reference.doi,
    Reference.tags_text,
)


def fetch_rows(session: Session, ids: Sequence[int]) -> dict[int, ReferenceRow]:
    """Table rows for a block of ids (the table model asks for a screenful at a time).

    Args:
        session: The unit of work.
        ids: The ids wanted.

    Returns:
        Rows by id; ids that no longer exist are missing.
    """
    out: dict[int, ReferenceRow] = {}
    for part in _chunks(list(ids), 900):
        for row in session.execute(select(*_ROW_COLUMNS).where(Reference.id.in_(part))):
            out[row[0]] = ReferenceRow(*row)
    return out


def list_references(
    session: Session,
    actor: Actor | None = None,
    *,
    search: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """JSON-ready rows for ``scholar-desk list references``, model field names, ``id`` first.

    Args:
        session: The unit of work.
        actor: Who asks (every account may read references).
        search: Optional search text.
        limit: At most this many rows.

    Returns:
        One dict per reference, sorted by title.
    """
    columns = [c for c in Reference.__table__.columns if c.name not in ("tags_text",)]
    stmt = _filtered(session, select(*columns), search=search, tag=None, project_id=None)
    stmt = stmt.order_by(Reference.title_key, Reference.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = []
    for row in session.execute(stmt).mappings():
        item = {name: row[name] for name in row}
        for name in ("created_at", "updated_at"):
            if isinstance(item.get(name), dt.datetime):
                item[name] = item[name].isoformat()
        rows.append(item)
    if rows:
        tags = _tags_by_id(session, [r["id"] for r in rows])
        for item in rows:
            item["tags"] = tags.get(item["id"], [])
    return rows


def _tags_by_id(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for part in _chunks(list(ids), 900):
        stmt = (
            select(reference_tags.c.reference_id, Tag.name)
            .join(Tag, Tag.id == reference_tags.c.tag_id)
            .where(reference_tags.c.reference_id.in_(part))
            .order_by(Tag.name)
        )
        for ref_id, name in session.execute(stmt):
            out[ref_id].append(name)
    return out


def get_reference(session: Session, ref_id: int) -> ReferenceDetail:
    """Everything about one reference, for the detail pane.

    Raises:
        NotFoundError: It no longer exists.
    """
    row, ref = _load(session, ref_id)
    return ReferenceDetail(
        row.id, row.version, ref, tuple(ref.tags), tuple(links_of(session, ref_id))
    )


def links_of(session: Session, ref_id: int) -> list[LinkInfo]:
    """Projects, manuscripts and abstracts that cite a reference, with their titles."""
    models: dict[str, Any] = {"project": Project, "manuscript": Manuscript, "abstract": Abstract}
    out = []
    links = session.execute(
        select(ReferenceLink.target_kind, ReferenceLink.target_id)
        .where(ReferenceLink.reference_id == ref_id)
        .order_by(ReferenceLink.target_kind, ReferenceLink.position, ReferenceLink.target_id)
    ).all()
    for kind, target in links:
        model = models.get(kind)
        label = ""
        if model is not None:
            label = session.scalar(select(model.title).where(model.id == target)) or ""
        out.append(LinkInfo(kind, target, label or f"{kind} {target}"))
    return out


def records_for(session: Session, ids: Sequence[int]) -> list[ParsedReference]:
    """Full records (with tags) for ids, in the order given, e.g. for citations."""
    found: dict[int, ParsedReference] = {}
    for part in _chunks(list(ids), 900):
        for row in session.scalars(select(Reference).where(Reference.id.in_(part))):
            found[row.id] = _to_parsed(row)
    return [found[i] for i in ids if i in found]


# Editing ----------------------------------------------------------------------------------


def update_reference(
    session: Session, actor: Actor, ref_id: int, version: int, changes: Mapping[str, Any]
) -> ReferenceDetail:
    """Save edited fields of one reference.

    Args:
        session: A writing unit of work.
        actor: Who edits.
        ref_id: The reference.
        version: The version the user's values were read at.
        changes: Field name to new value; ``extra_fields`` replaces the whole dict.

    Returns:
        The saved reference.

    Raises:
        PermissionDeniedError: The actor may not change the library.
        ConflictError: Someone saved it since ``version``.
        ValidationError: A value is not acceptable.
        NotFoundError: It no longer exists.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    row, current = _load(session, ref_id)
    original = replace(current)
    if row.version != version:
        raise ConflictError("reference", ref_id, dict(changes), current.main_values(), row.version)
    errors: dict[str, str] = {}
    for name, value in changes.items():
        if name == "extra_fields":
            if not isinstance(value, Mapping):
                errors[name] = "must be a set of fields"
                continue
            current.extra_fields = {str(k).lower(): str(v) for k, v in value.items()}
        elif name == "year":
            if value in ("", None):
                current.year = None
            else:
                try:
                    current.year = int(str(value).strip())
                except ValueError:
                    errors[name] = "must be a year such as 2024"
        elif name in EDITABLE:
            text = "" if value is None else str(value).strip()
            if name == "doi":
                text = clean_doi(text)
            elif name == "pmid":
                text = clean_pmid(text)
            elif name == "citation_key":
                if not text or re.search(r"[\s,{}]", text):
                    errors[name] = "must be non-empty, without spaces, commas or braces"
                    continue
                clash = session.scalar(
                    select(Reference.id).where(
                        Reference.citation_key == text, Reference.id != ref_id
                    )
                )
                if clash is not None:
                    errors[name] = f"'{text}' is already used by another reference"
                    continue
            setattr(current, name, text)
        else:
            errors[name] = "cannot be edited"
    if errors:
        raise ValidationError(errors)
    if "authors" in changes and "first_author" not in changes:
        from scholar_desk.core.formats.reference import name_parts, split_authors

        names = split_authors(current.authors)
        current.first_author = name_parts(names[0])[0] if names else ""
    _write_back(row, current)
    session.flush()
    for name in changes:
        old, new = getattr(original, name, None), getattr(current, name, None)
        if old != new:
            audit(session, actor, "update", REFERENCE_KIND, ref_id, name, old, new)
    return get_reference(session, ref_id)


def set_tags(session: Session, actor: Actor, ref_id: int, names: Sequence[str]) -> tuple[str, ...]:
    """Replace the tags of one reference.

    Returns:
        The tags now on it, sorted.

    Raises:
        PermissionDeniedError: The actor may not change the library.
        NotFoundError: It no longer exists.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    if session.get(Reference, ref_id) is None:
        raise NotFoundError("That reference no longer exists.", f"reference {ref_id}")
    clean = sorted({n.strip() for n in names if n.strip()})
    before = sorted(_tags_by_id(session, [ref_id]).get(ref_id, []))
    if before != clean:
        audit(
            session,
            actor,
            "update",
            REFERENCE_KIND,
            ref_id,
            "tags",
            ", ".join(before),
            ", ".join(clean),
        )
    session.execute(delete(reference_tags).where(reference_tags.c.reference_id == ref_id))
    if clean:
        _add_tags(session, [(ref_id, clean)])
    session.expire_all()
    return tuple(clean)


def delete_references(session: Session, actor: Actor, ids: Sequence[int]) -> int:
    """Delete references (their tags and citing links go with them).

    Returns:
        How many were deleted.

    Raises:
        PermissionDeniedError: The actor may not delete from the library.
    """
    permissions.require(session, actor, permissions.DELETE, permissions.REFERENCE, None)
    count = 0
    for part in _chunks(list(ids), 900):
        gone = session.execute(
            select(Reference.id, Reference.citation_key, Reference.title).where(
                Reference.id.in_(part)
            )
        ).all()
        for ref_id, key, title in gone:
            audit(session, actor, "delete", REFERENCE_KIND, ref_id, "", f"{key}: {title}", None)
        result = session.execute(delete(Reference).where(Reference.id.in_(part)))
        count += int(getattr(result, "rowcount", 0) or 0)
    session.expire_all()
    return count


def regenerate_keys(
    session: Session, actor: Actor, ids: Sequence[int], pattern: str = DEFAULT_KEY_PATTERN
) -> dict[int, str]:
    """Give references new citation keys from a pattern (unique; a, b, c... on clash).

    Returns:
        New key by id.

    Raises:
        PermissionDeniedError: The actor may not change the library.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    refs = records_for(session, ids)
    id_order = [i for i in ids if i]
    targets = list(zip(id_order, refs, strict=False))
    old_keys = {ref_id: ref.citation_key for ref_id, ref in targets}
    # Free the old keys first so a reference may keep its own key.
    session.execute(
        update(Reference)
        .where(Reference.id.in_(list(id_order)))
        .values(citation_key=func.printf("__regen_%d", Reference.id))
    )
    for _ref_id, ref in targets:
        ref.citation_key = make_key(ref, pattern)
    problems: list[FileProblem] = []
    _assign_keys(session, [r for _, r in targets], problems)
    out = {}
    for ref_id, ref in targets:
        session.execute(
            update(Reference)
            .where(Reference.id == ref_id)
            .values(citation_key=ref.citation_key, version=Reference.version + 1)
        )
        out[ref_id] = ref.citation_key
    for ref_id, new_key in out.items():
        if old_keys[ref_id] != new_key:
            audit(
                session,
                actor,
                "update",
                REFERENCE_KIND,
                ref_id,
                "citation_key",
                old_keys[ref_id],
                new_key,
            )
    session.expire_all()
    return out


REFERENCE_KIND = "reference"
"""The kind name of references in the audit trail."""

_CITING: Mapping[str, Any] = {"project": Project, "manuscript": Manuscript, "abstract": Abstract}


# Export -----------------------------------------------------------------------------------


def export_bib(
    session: Session,
    out: Path,
    *,
    ids: Sequence[int] | None = None,
    project_id: int | None = None,
    tag: str | None = None,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Write references to a BibTeX file, every field kept (written whole or not at all).

    Args:
        session: The unit of work.
        out: The ``.bib`` file to write.
        ids: Only these references (a selection).
        project_id: Only references cited by this project.
        tag: Only references with this tag.
        progress: Progress reports.
        cancel: Checked between blocks.

    Returns:
        How many references were written.

    Raises:
        ExportError: The file cannot be written.
        NotFoundError: The project or tag does not exist.
    """
    if project_id is not None and session.get(Project, project_id) is None:
        raise NotFoundError(f"There is no project with id {project_id}.")
    if tag is not None and session.scalar(select(Tag.id).where(Tag.name == tag)) is None:
        raise NotFoundError(f"There is no tag named '{tag}'.")
    wanted = reference_ids(session, sort="citation_key", tag=tag, project_id=project_id)
    if ids is not None:
        chosen = set(ids)
        wanted = [i for i in wanted if i in chosen]
    blocks = [
        (kind, text)
        for kind, text in session.execute(
            select(BibBlock.block_kind, BibBlock.text).order_by(BibBlock.id)
        )
        if kind in ("preamble", "string")
    ]
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=out.name, suffix=".part", dir=out.parent)
    except OSError as exc:
        raise ExportError(f"Cannot write to {out.parent}: {exc.strerror}.", str(exc)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for chunk in bibtex.write([], blocks):
                handle.write(chunk)
            for start in range(0, len(wanted), 1000):
                if cancel is not None:
                    cancel.check()
                for ref in records_for(session, wanted[start : start + 1000]):
                    handle.write(bibtex.format_entry(ref) + "\n")
                progress(min(start + 1000, len(wanted)), len(wanted), "Writing BibTeX")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"Cannot write {out}: {exc.strerror}.", str(exc)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(wanted)


ProgressCallback = Callable[[int, int, str], None]
