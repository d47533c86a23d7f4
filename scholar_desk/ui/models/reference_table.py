"""The references table: ordered ids from SQL, row records fetched in blocks on demand.

On opening, the table shows the count and the first screen (one small query), and reads
the full ordered id list once the view has painted (`open_on`).
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QApplication, QStyle, QWidget
from typing_extensions import override

from scholar_desk.core.db.plain import PlainReader
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.references import table
from scholar_desk.core.services.references.table import ReferenceRow
from scholar_desk.core.services.session import SINGLE_USER, Actor
from scholar_desk.ui.after_paint import after_paint
from scholar_desk.ui.context import AppContext

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from scholar_desk.core.db.library import Library

ID_ROLE = Qt.ItemDataRole.UserRole + 1
FLAG_ROLE = Qt.ItemDataRole.UserRole + 2
"""A row's retraction (or concern, or withdrawal) notices as one sentence, or None."""
BLOCK = 256
FIRST_SCREEN_ROWS = 120
"""Rows read before the first paint: more than a tall window shows."""
CACHE_ROWS = 4096
DROP_FROM = 20_000
"""From this many rows shown (and half the order), typing on asks which rows go."""

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_ROLES = frozenset({_DISPLAY, _TOOLTIP, _DECORATION, ID_ROLE, FLAG_ROLE})


class _Column(NamedTuple):
    title: str
    sort_key: str
    value: Callable[[ReferenceRow], Any]
    width: int


COLUMNS: tuple[_Column, ...] = (
    _Column("Key", "citation_key", lambda r: r.citation_key, 130),
    _Column("First author", "first_author", lambda r: r.first_author, 140),
    _Column("Year", "year", lambda r: "" if r.year is None else str(r.year), 55),
    _Column("Title", "title", lambda r: r.title, 420),
    _Column("Journal", "journal", lambda r: r.journal, 220),
    _Column("Type", "entry_type", lambda r: r.entry_type, 90),
    _Column("Tags", "id", lambda r: r.tags_text, 120),
)


class ReferenceTableModel(QAbstractTableModel):
    """Holds only the ordered ids a query returned; rows come from the database in blocks.

    Given the window's context, it reads what it can through `AppContext.quick_reading`:
    before the library has opened at start-up, the first screen, the full order and the
    rows come from the plain reader, with the same SQL (`references.table`).
    """

    def __init__(
        self, library: Library | AppContext, parent: Any = None, *, actor: Actor = SINGLE_USER
    ) -> None:
        super().__init__(parent)
        self._source = library
        self.actor = actor
        self._ids: list[int] = []
        self.flagged: dict[int, str] = {}
        """Sentences of the references with a serious notice (retracted...), by id."""
        self._cache: OrderedDict[int, ReferenceRow] = OrderedDict()
        self.search = ""
        self.sort_key = "title"
        self.descending = False
        self.tag: str | None = None
        self._order: list[int] | None = None
        self._top = 0
        """The largest id in ``_order``: the size of the mask a search is filtered by."""
        self._words: tuple[str, ...] = ()
        """The words of the search ``_ids`` was filtered by (empty: not filtered)."""
        self._changed = False
        """The library changed since ``_ids`` was searched: search the whole order next."""
        self._total: int | None = None
        """While only the first screen is known: how many rows there are in all."""
        self._loaded = False

    # Queries ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Run the current query again (after an import or an edit elsewhere)."""
        self._loaded = True
        self._set_order(None)
        self._total = None
        self._apply()

    def _reading(self) -> contextlib.AbstractContextManager[Session | PlainReader]:
        """A unit for the table's own reads (`references.table`): plain until the library opens."""
        source = self._source
        if isinstance(source, AppContext):
            return source.quick_reading()
        return source.reading()

    @contextlib.contextmanager
    def _session(self) -> Iterator[Session]:
        """A session, for the reads only SQLAlchemy does (search)."""
        source = self._source
        with (source.library if isinstance(source, AppContext) else source).reading() as session:
            yield session

    def _ordered_ids(self, unit: Session | PlainReader) -> list[int]:
        if isinstance(unit, PlainReader):
            return table.ordered_ids(
                unit, self.actor, sort=self.sort_key, descending=self.descending, tag=self.tag
            )
        return svc.reference_ids(
            unit, self.actor, sort=self.sort_key, descending=self.descending, tag=self.tag
        )

    def _load_flags(self, unit: Session | PlainReader) -> None:
        # A handful of rows at most: references with a retraction, concern or withdrawal.
        self.flagged = table.flag_sentences(unit)

    def show_first_screen(self, rows: int = FIRST_SCREEN_ROWS) -> None:
        """Show the row count and the first ``rows`` rows by the current sort, cheaply.

        The rest of the order comes from `complete` (the page calls it once painted); any
        question about a row past the first screen completes it first.
        """
        self._loaded = True
        with self._reading() as session:
            total, first = table.first_screen(
                session,
                self.actor,
                rows=rows,
                sort=self.sort_key,
                descending=self.descending,
                tag=self.tag,
            )
            self._load_flags(session)
        self.beginResetModel()
        self.search = ""
        self._words = ()
        self._ids = [row.id for row in first]
        self._cache = OrderedDict((row.id, row) for row in first)
        self._total = total if total > len(first) else None
        self._set_order(None if self._total is not None else list(self._ids))  # all of it
        self.endResetModel()

    def open_on(self, view: QWidget) -> None:
        """Show the first screen now and read the rest once ``view`` (the viewport) painted."""
        self.show_first_screen()
        after_paint(view, self.complete)

    @property
    def partial(self) -> bool:
        """Whether only the first screen of the order has been read."""
        return self._total is not None

    def complete(self) -> None:
        """Read the full order after a first screen (nothing to do otherwise)."""
        if self._total is None:
            return
        with self._reading() as unit:
            order = self._ordered_ids(unit)
        total, self._total = self._total, None
        self._set_order(order)
        if len(order) == total and order[: len(self._ids)] == self._ids:
            self._ids = list(order)  # the same rows: nothing on screen changes
            return
        self.beginResetModel()  # the library changed in between
        self._ids = list(order)
        self._cache.clear()
        self.endResetModel()

    def _set_order(self, order: list[int] | None) -> None:
        self._order = order
        self._top = max(order, default=0) if order else 0

    def _apply(self) -> None:
        self._total = None
        words = svc.search_words(self.search) if self.search else ()
        dropped: list[int] | None = None
        hits: list[int] | None = None
        if self._order is None:
            with self._reading() as unit:
                self._words = ()  # the rows shown came from the order before
                self._set_order(self._ordered_ids(unit))
                # Notices change only with the library, never with the search text.
                self._load_flags(unit)
        elif words == self._words and not self._changed:
            return  # the same words (a space, a one-letter word): the same rows
        # The rows shown stand for the words before only while the library is unchanged.
        narrower = bool(words) and not self._changed and svc.narrows(words, self._words)
        if words:
            with self._session() as session:
                shown = len(self._ids)
                longer = narrower and len(words) == len(self._words)
                if longer and shown >= DROP_FROM and 2 * shown >= len(self._order or ()):
                    # One more letter of the last word over most of the library: ask which
                    # rows go, few or none as a rule (a new word drops many), not for all
                    # that stay.
                    dropped = svc.dropped_ids(
                        session,
                        self.actor,
                        " ".join(words),
                        " ".join(self._words),
                        limit=shown // 8,
                    )
                if dropped is None:
                    hits = svc.matching_ids(session, self.actor, self.search)
        self._changed = False
        if dropped is not None:
            if not dropped:
                self._words = words  # the same rows: nothing on screen changes
                return
            gone = set(dropped)
            ids = [ref_id for ref_id in self._ids if ref_id not in gone]
        elif hits is None:
            ids = list(self._order or ())
        else:
            # Keep the sorted list already held and drop what does not match: no ORDER BY
            # over tens of thousands of matches in SQL. Typing on only narrows the search,
            # so the rows shown for the words before are all that can still match.
            base = self._ids if narrower else (self._order or [])
            ids = _kept(base, hits, self._top)
        self.beginResetModel()
        self._ids = ids
        self._words = words
        self._cache.clear()
        self.endResetModel()

    def set_search(self, text: str) -> None:
        """Filter by search-as-you-type text (FTS5), keeping the current order."""
        self.search = text.strip()
        self._apply()

    def invalidate_rows(self, ids: Sequence[int] = ()) -> None:
        """Forget cached rows (all, or some) so they are read again when shown.

        Forgetting all of them (the library changed) reads the notices again too. Either
        way the next search reads its matches whole: the rows shown may no longer match
        the words they were searched by, and others may match them now.
        """
        self._changed = True
        if not ids:
            self._cache.clear()
            if self._loaded:
                with self._reading() as unit:
                    self._load_flags(unit)
        for ref_id in ids:
            self._cache.pop(ref_id, None)
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1)
            )

    def total(self) -> int:
        """How many references the last query found before the search filtered them."""
        if self._total is not None:
            return self._total  # only the first screen is read: no search yet
        return len(self._order or ())

    def ids(self) -> list[int]:
        """The ids in display order."""
        self.complete()
        return list(self._ids)

    def id_at(self, row: int) -> int:
        """The id shown on a row."""
        if row >= len(self._ids):
            self.complete()
        return self._ids[row]

    def row_of(self, ref_id: int) -> int:
        """The row showing an id, or -1."""
        self.complete()
        try:
            return self._ids.index(ref_id)
        except ValueError:
            return -1

    def record_at(self, row: int) -> ReferenceRow | None:
        """The cached (or freshly fetched) row record."""
        if self._total is not None and len(self._ids) <= row < self._total:
            self.complete()
        if not 0 <= row < len(self._ids):
            return None
        ref_id = self._ids[row]
        found = self._cache.get(ref_id)
        if found is None:
            self._fetch_block(row)
            found = self._cache.get(ref_id)
        else:
            self._cache.move_to_end(ref_id)
        return found

    def _fetch_block(self, row: int) -> None:
        start = max(0, row - BLOCK // 4)
        wanted = [i for i in self._ids[start : start + BLOCK] if i not in self._cache]
        with self._reading() as unit:
            rows = table.fetch_rows(unit, self.actor, wanted)
        self._cache.update(rows)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)

    # Qt -----------------------------------------------------------------------------

    @override
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return len(self._ids) if self._total is None else self._total

    @override
    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section].title
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    @override
    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Called for every role of every cell painted: answer the roles not handled first,
        # and with no lookups of Qt's enums on the way.
        if role not in _ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= column < len(COLUMNS):
            return None
        if role == ID_ROLE:
            return self._ids[row] if row < len(self._ids) else None
        if role in (FLAG_ROLE, _DECORATION):
            if role == _DECORATION and column != 3:
                return None
            ref_id = self._ids[row] if row < len(self._ids) else None
            flag = self.flagged.get(ref_id) if ref_id is not None else None
            if role == FLAG_ROLE or flag is None:
                return flag
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if self._total is not None and row >= len(self._ids):
            # Painting past the first screen: never reset the model inside a paint.
            QTimer.singleShot(0, self.complete)
            return "" if role == _DISPLAY else None
        record = self.record_at(row)
        if record is None:
            return "" if role == _DISPLAY else None
        if role == _TOOLTIP:
            flag = self.flagged.get(record.id)
            if column == 3 and flag:
                return f"{flag}. {record.title}"
            return record.title if column == 3 and record.title else None
        return COLUMNS[column].value(record)

    @override
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.sort_key = COLUMNS[column].sort_key
        self.descending = order == Qt.SortOrder.DescendingOrder
        if self._loaded:  # before the first query the view only says how it sorts
            self.refresh()


def _kept(ids: list[int], hits: Sequence[int], top: int) -> list[int]:
    """``ids`` (in their order) that are among ``hits``; ids above ``top`` are not in ``ids``."""
    mask = bytearray(top + 1)
    try:
        for ref_id in hits:
            mask[ref_id] = 1
    except IndexError:  # added since the order was read: shown after the next refresh
        for ref_id in hits:
            if ref_id <= top:
                mask[ref_id] = 1
    return [ref_id for ref_id in ids if mask[ref_id]]
