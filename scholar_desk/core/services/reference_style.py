"""Which citation style a record's reference list takes, and formatting by reference id.

Kept apart from `bibliography` so that `citations` can number a record's list in its
own style without an import cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.formats import csl
from scholar_desk.core.formats.journals import nlm_abbreviation
from scholar_desk.core.services import styles
from scholar_desk.core.services.references import records_for


def style_for(session: Session, kind: str, target_id: int) -> tuple[str, str]:
    """The style a record's reference list takes, and why (no permission check).

    Returns:
        ``(style name, reason)``; the name is ``""`` for AMA.
    """
    if kind == "manuscript":
        row = session.execute(
            select(m.Journal.citation_style, m.Journal.name)
            .join(m.Submission, m.Submission.journal_id == m.Journal.id)
            .where(m.Submission.manuscript_id == target_id)
            .order_by(
                func.coalesce(m.Submission.submitted_on, m.Submission.status_changed_on).desc(),
                m.Submission.id.desc(),
            )
            .limit(1)
        ).first()
        if row is not None:
            return row[0] or "", f"the journal of its current submission, {row[1]}"
        return "", "it has no submission yet"
    if kind == "abstract":
        row = session.execute(
            select(m.Conference.citation_style, m.Conference.name)
            .join(m.Abstract, m.Abstract.conference_id == m.Conference.id)
            .where(m.Abstract.id == target_id)
        ).first()
        if row is not None:
            return row[0] or "", f"its meeting, {row[1]}"
        return "", "it has no meeting yet"
    return "", "the default"


def _with_abbreviations(session: Session, records: Sequence[Any]) -> list[dict[str, Any]]:
    # A journal in the catalog gives its NLM abbreviation to references that name it.
    names = {str(r.journal).strip().lower() for r in records if r.journal}
    known: dict[str, str] = {}
    if names:
        rows = session.execute(
            select(m.Journal.name, m.Journal.abbreviation).where(
                func.lower(m.Journal.name).in_(names), m.Journal.abbreviation != ""
            )
        )
        known = {name.lower(): abbreviation for name, abbreviation in rows}
    out = []
    for record in records:
        values = asdict(record)
        # The catalog's own abbreviation first, else the importer's or the shipped list's.
        values["journal_abbreviation"] = known.get(
            str(record.journal).strip().lower()
        ) or nlm_abbreviation(record.journal, record.extra_fields)
        out.append(values)
    return out


def format_ids(
    session: Session, reference_ids: Sequence[int], style: str
) -> tuple[csl.Formatted, tuple[int, ...]]:
    """Format references by id in a style (no permission check: the library is shared).

    Raises:
        NotFoundError: No such style.
    """
    chosen = styles.get(session, style)
    records = _with_abbreviations(session, records_for(session, list(reference_ids)))
    formatted = csl.format_references(records, chosen.name, chosen.xml)
    order = tuple(reference_ids[entry.index] for entry in formatted.entries)
    return formatted, order
