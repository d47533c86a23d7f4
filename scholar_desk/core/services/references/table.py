"""What the references table reads, in plain SQL written once for every way in.

The table's reads (how many references, the first screen of rows by a sort, the full
order, rows by id, the notices that flag a row) are plain SQL text run through
`plain.fetch`, so the same statements serve an SQLAlchemy session (SQLite or PostgreSQL)
and a `PlainReader`: the window reopening on the references paints its first screen from
the SQLite file before SQLAlchemy is imported, then goes on through the ordinary session
with the same statements, hence the same rows in the same order.
`queries.reference_ids` (search, project) orders by the same `order_by` text.

Imports no SQLAlchemy (a test checks it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from scholar_desk.core.db.plain import PlainReader, fetch, in_list
from scholar_desk.core.formats.lookup_records import SERIOUS
from scholar_desk.core.services import permissions
from scholar_desk.core.services.session import Actor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


ROW_COLUMNS = (
    "id",
    "citation_key",
    "first_author",
    "year",
    "title",
    "journal",
    "entry_type",
    "doi",
    "tags_text",
)
"""The columns of `ReferenceRow`, in its order."""

SORT_KEYS: dict[str, str] = {
    "title": "title_key",
    "first_author": "first_author",
    "year": "year",
    "journal": "journal",
    "citation_key": "citation_key",
    "entry_type": "entry_type",
    "id": "id",
}
"""Each sort the table offers and the column of ``references`` it orders by."""

TAG_FILTER = (
    "id IN (SELECT rt.reference_id FROM reference_tags AS rt"
    " JOIN tags AS t ON t.id = rt.tag_id WHERE t.name = :tag)"
)
"""Only references with the tag ``:tag``."""

_IN_CHUNK = 900
_SELECT_ROWS = f'SELECT {", ".join(ROW_COLUMNS)} FROM "references"'


def order_by(sort: str, descending: bool) -> str:
    """The ``ORDER BY`` list of a sort: its column, then the id so that ties keep one order.

    Args:
        sort: A key of `SORT_KEYS` (anything else sorts by title).
        descending: Reverse order.
    """
    column = SORT_KEYS.get(sort, SORT_KEYS["title"])
    if column == "id":
        return "id DESC" if descending else "id"
    return f"{column} DESC, id DESC" if descending else f"{column}, id"


def require_read(unit: Session | PlainReader, actor: Actor) -> None:
    """Refuse a signed-out actor on a database with login; every account may read.

    Every reader of the library asks here.

    Raises:
        PermissionDeniedError: The actor may not read the library.
    """
    permissions.require(unit, actor, permissions.READ, permissions.REFERENCE, None)


def _where(tag: str | None) -> tuple[str, dict[str, Any]]:
    return (f" WHERE {TAG_FILTER}", {"tag": tag}) if tag else ("", {})


def first_screen(
    unit: Session | PlainReader,
    actor: Actor,
    *,
    rows: int,
    sort: str = "title",
    descending: bool = False,
    tag: str | None = None,
) -> tuple[int, list[ReferenceRow]]:
    """What the table needs to paint at once: how many rows, and the first ``rows`` of them.

    Ordered exactly as `ordered_ids` (and `queries.reference_ids`) order the same query,
    so the full list read afterwards starts with these rows.

    Returns:
        The number of references the query matches, and the first rows' records.
    """
    require_read(unit, actor)
    where, params = _where(tag)
    # count(*) reads the smallest index.
    total = int(fetch(unit, f'SELECT count(*) FROM "references"{where}', params)[0][0])
    listed = f"{_SELECT_ROWS}{where} ORDER BY {order_by(sort, descending)} LIMIT :rows"
    first = [ReferenceRow(*row) for row in fetch(unit, listed, {**params, "rows": rows})]
    return total, first


def ordered_ids(
    reader: PlainReader,
    actor: Actor,
    *,
    sort: str = "title",
    descending: bool = False,
    tag: str | None = None,
) -> list[int]:
    """Ids of the references to show, in display order, read plainly.

    The same order as `queries.reference_ids` without a search or a project (which
    runs these clauses through the session).
    """
    require_read(reader, actor)
    where, params = _where(tag)
    sql = f'SELECT id FROM "references"{where} ORDER BY {order_by(sort, descending)}'
    return list(map(itemgetter(0), reader.rows(sql, params)))


def fetch_rows(
    unit: Session | PlainReader, actor: Actor, ids: Sequence[int]
) -> dict[int, ReferenceRow]:
    """Table rows for a block of ids (the table model asks for a screenful at a time).

    Args:
        unit: The unit of work.
        actor: Who reads.
        ids: The ids wanted.

    Returns:
        Rows by id; ids that no longer exist are missing.
    """
    require_read(unit, actor)
    out: dict[int, ReferenceRow] = {}
    for part in _chunks(list(ids)):
        clause, params = in_list("ids", part, unit)
        for row in fetch(unit, f"{_SELECT_ROWS} WHERE id IN {clause}", params):
            out[row[0]] = ReferenceRow(*row)
    return out


def count_references(unit: Session | PlainReader, actor: Actor) -> int:
    """How many references the library holds."""
    require_read(unit, actor)
    return int(fetch(unit, 'SELECT count(*) FROM "references"')[0][0])


@dataclass(frozen=True)
class StoredNotice:
    """A notice kept for a reference, as shown to users."""

    reference_id: int
    kind: str
    doi: str
    date: dt.date | None
    source: str

    @property
    def serious(self) -> bool:
        """Whether it should stop a fellow citing the reference."""
        return self.kind in SERIOUS

    def sentence(self) -> str:
        """``Retracted 2012-05-08 (notice 10.1371/...)``."""
        label = SERIOUS.get(self.kind, self.kind.replace("_", " ").capitalize())
        when = f" {self.date.isoformat()}" if self.date else ""
        where = f" (notice {self.doi})" if self.doi else f" ({self.source})" if self.source else ""
        return f"{label}{when}{where}"


_NOTICES = "SELECT reference_id, kind, notice_doi, notice_date, source FROM reference_notices"


def serious_notices(
    unit: Session | PlainReader, reference_ids: Iterable[int] | None
) -> dict[int, list[StoredNotice]]:
    """Retractions, expressions of concern and withdrawals kept for references.

    Every reference's when ``reference_ids`` is ``None``.
    """
    out: dict[int, list[StoredNotice]] = {}
    order = " ORDER BY notice_date, id"
    if reference_ids is None:
        found = fetch(unit, _NOTICES + order)
    else:
        found = []
        for part in _chunks(list(reference_ids)):
            clause, params = in_list("ids", part, unit)
            found.extend(fetch(unit, f"{_NOTICES} WHERE reference_id IN {clause}{order}", params))
    for ref_id, kind, doi, date, source in found:
        notice = StoredNotice(ref_id, kind, doi or "", _date(date), source or "")
        if notice.serious:
            out.setdefault(ref_id, []).append(notice)
    return out


def flag_sentences(unit: Session | PlainReader) -> dict[int, str]:
    """Each reference with a serious notice (retracted...) and its notices as one sentence."""
    return {
        ref_id: "; ".join(notice.sentence() for notice in found)
        for ref_id, found in serious_notices(unit, None).items()
    }


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _chunks(values: Sequence[int], size: int = _IN_CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
