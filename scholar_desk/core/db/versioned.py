"""What editable records share: id, an optimistic-lock version and timestamps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from scholar_desk.core import clock


def _now() -> dt.datetime:
    return clock.now()


class Versioned:
    """Primary key, optimistic-lock version and timestamps shared by editable records."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=_now, onupdate=_now)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - declared_attr passes the class
        # A stale UPDATE (someone saved first) then matches no row and raises.
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
