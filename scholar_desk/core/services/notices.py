"""Retraction and other notices kept for references, as the references table shows them.

Kept apart from `scholar_desk.core.services.lookup` (which fetches them) so that the
table, which flags retracted references from its first screen, reads them without loading
the network and import code, and with a plain table query that does not wait for the ORM
to set up its mappers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.formats.lookup_records import SERIOUS


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


_NOTICES = cast(Table, m.ReferenceNotice.__table__)


def serious_notices(
    session: Session, reference_ids: Iterable[int] | None
) -> dict[int, list[StoredNotice]]:
    """Retractions, expressions of concern and withdrawals kept for references.

    Every reference's when ``reference_ids`` is ``None``.
    """
    out: dict[int, list[StoredNotice]] = {}
    t = _NOTICES
    query = select(
        t.c.reference_id, t.c.kind, t.c.notice_doi, t.c.notice_date, t.c.source
    ).order_by(t.c.notice_date, t.c.id)
    if reference_ids is not None:
        ids = list(reference_ids)
        if not ids:
            return out
        query = query.where(t.c.reference_id.in_(ids))
    for row in session.connection().execute(query):
        notice = StoredNotice(*row)
        if notice.serious:
            out.setdefault(notice.reference_id, []).append(notice)
    return out
