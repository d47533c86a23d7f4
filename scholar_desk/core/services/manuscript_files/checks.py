"""A draft's numbers against its journal's limits for the article type."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import NotFoundError, ValidationError
from scholar_desk.core.formats.manuscript_docx import DraftCounts, count_docx
from scholar_desk.core.records import ArticleType
from scholar_desk.core.services import blobs, items, permissions
from scholar_desk.core.services.manuscript_files.records import load_parent
from scholar_desk.core.services.session import Actor

LIMIT_FIELDS = ("words", "abstract_words", "figures", "tables", "refs")
"""The limits a journal may set per article type."""


@dataclass(frozen=True)
class JournalLimits:
    """A journal's limits for one article type (``None``: none given).

    Attributes:
        legends_count: Whether figure legends count toward the main text's words.
    """

    journal_id: int
    article_type: str
    words: int | None = None
    abstract_words: int | None = None
    figures: int | None = None
    tables: int | None = None
    refs: int | None = None
    legends_count: bool = False


@dataclass(frozen=True)
class CountLine:
    """One number of the draft against its limit.

    Attributes:
        measure: ``words``, ``abstract_words``, ``figures``, ``tables`` or ``refs``.
        label: Said to the user ("Main text words").
        count: The draft's number.
        limit: The journal's limit, ``None`` when it sets none.
    """

    measure: str
    label: str
    count: int
    limit: int | None

    @property
    def over(self) -> bool:
        """Whether the count is past the limit."""
        return self.limit is not None and self.count > self.limit

    def text(self) -> str:
        """``3,480 / 3,500`` or ``3,480`` with no limit."""
        return f"{self.count:,} / {self.limit:,}" if self.limit is not None else f"{self.count:,}"


@dataclass(frozen=True)
class ManuscriptCheck:
    """The current draft of a manuscript counted and checked against its journal.

    Attributes:
        file_id: The draft version counted.
        journal: The journal checked against ("" when none).
        limits_are_examples: Whether the journal's entry is an example to check.
        lines: One per number, main text words first.
    """

    manuscript_id: int
    title: str
    article_type: str
    file_id: int
    file_name: str
    version: int
    journal: str
    limits_are_examples: bool
    counts: DraftCounts
    lines: tuple[CountLine, ...]

    @property
    def over(self) -> tuple[CountLine, ...]:
        """The lines past their limit."""
        return tuple(line for line in self.lines if line.over)

    def to_json(self) -> dict[str, Any]:
        """The check as JSON values (``manuscript check --json``)."""
        return {
            "manuscript_id": self.manuscript_id,
            "title": self.title,
            "article_type": self.article_type,
            "file_id": self.file_id,
            "file_name": self.file_name,
            "version": self.version,
            "journal": self.journal,
            "limits_are_examples": self.limits_are_examples,
            "legend_words": self.counts.legend_words,
            "title_page_words": self.counts.title_page_words,
            "lines": [
                {
                    "measure": line.measure,
                    "label": line.label,
                    "count": line.count,
                    "limit": line.limit,
                    "over": line.over,
                }
                for line in self.lines
            ],
        }


def _limits_of(row: m.JournalLimit) -> JournalLimits:
    return JournalLimits(
        row.journal_id,
        row.article_type,
        row.words,
        row.abstract_words,
        row.figures,
        row.tables,
        row.refs,
        row.legends_count,
    )


def journal_limits(session: Session, actor: Actor, journal_id: int) -> list[JournalLimits]:
    """A journal's limits, one entry per article type.

    Raises:
        NotFoundError: No such journal.
        PermissionDeniedError: Signed out of a database with accounts.
    """
    journal = items.load(session, "journal", journal_id, actor)
    permissions.require(session, actor, permissions.READ, "journal", None)
    return [_limits_of(row) for row in journal.limits]


def set_journal_limits(session: Session, actor: Actor, limits: JournalLimits) -> JournalLimits:
    """Set a journal's limits for one article type (replacing what it had for that type).

    Raises:
        NotFoundError: No such journal.
        ValidationError: An unknown article type or a negative limit.
        PermissionDeniedError: The actor may not change journals.
    """
    journal = items.load(session, "journal", limits.journal_id, actor)
    permissions.require(session, actor, permissions.UPDATE, "journal", None)
    if limits.article_type not in {t.value for t in ArticleType}:
        raise ValidationError(
            {"article_type": f"Choose one of: {', '.join(t.value for t in ArticleType)}."}
        )
    values = {name: getattr(limits, name) for name in LIMIT_FIELDS}
    bad = [name for name, value in values.items() if value is not None and value < 0]
    if bad:
        raise ValidationError(dict.fromkeys(bad, "A limit is a number of zero or more."))
    row = next((r for r in journal.limits if r.article_type == limits.article_type), None)
    old = None if row is None else _limit_text(_limits_of(row))
    if row is None:
        row = m.JournalLimit(journal_id=journal.id, article_type=limits.article_type)
        journal.limits.append(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.legends_count = limits.legends_count
    session.flush()
    items.audit(
        session,
        actor,
        "update",
        "journal",
        journal.id,
        f"limits ({limits.article_type})",
        old,
        _limit_text(limits),
    )
    return _limits_of(row)


def _limit_text(limits: JournalLimits) -> str:
    parts = [f"{name}={getattr(limits, name)}" for name in LIMIT_FIELDS]
    return ", ".join([*parts, f"legends_count={limits.legends_count}"])


def current_draft(session: Session, manuscript_id: int) -> m.AttachedFile | None:
    """The newest version of a manuscript's draft."""
    return session.scalars(
        select(m.AttachedFile)
        .where(
            m.AttachedFile.manuscript_id == manuscript_id,
            m.AttachedFile.role == "draft",
        )
        .order_by(m.AttachedFile.version.desc(), m.AttachedFile.id.desc())
        .limit(1)
    ).first()


def target_journal(session: Session, manuscript_id: int) -> m.Journal | None:
    """The journal of the manuscript's latest submission."""
    sub = session.scalars(
        select(m.Submission)
        .where(m.Submission.manuscript_id == manuscript_id)
        .order_by(m.Submission.id.desc())
        .limit(1)
    ).first()
    return sub.journal if sub is not None else None


def check_manuscript(
    session: Session, actor: Actor, manuscript_id: int, journal_id: int | None = None
) -> ManuscriptCheck:
    """Count the current draft and check it against the journal's limits.

    Args:
        session: The unit of work.
        actor: Who asks.
        manuscript_id: The manuscript.
        journal_id: The journal to check against; by default the one of the
            manuscript's latest submission (with none, the numbers have no limits).

    Raises:
        NotFoundError: No such manuscript or journal.
        ValidationError: The manuscript has no .docx draft, or it cannot be read.
    """
    ms: m.Manuscript = load_parent(session, actor, "manuscript", manuscript_id, permissions.READ)
    draft = current_draft(session, ms.id)
    if draft is None or not draft.name.lower().endswith(".docx"):
        raise ValidationError(
            {
                "": f"Manuscript {ms.id} has no Word draft (.docx) to count; add one with "
                f"'scholar-desk file add manuscript {ms.id} DRAFT.docx'."
            }
        )
    if journal_id is not None:
        journal = session.get(m.Journal, journal_id)
        if journal is None:
            raise NotFoundError(f"There is no journal with id {journal_id}.")
    else:
        journal = target_journal(session, ms.id)
    counts = count_docx(io.BytesIO(blobs.read(session, draft.blob_sha256)), draft.name)
    limits = JournalLimits(journal.id if journal else 0, ms.article_type)
    if journal is not None:
        row = next((r for r in journal.limits if r.article_type == ms.article_type), None)
        if row is not None:
            limits = _limits_of(row)
        elif journal.word_limit:
            limits = JournalLimits(journal.id, ms.article_type, words=journal.word_limit)
    main = counts.main_words + (counts.legend_words if limits.legends_count else 0)
    main_label = "Main text words" + (" (legends included)" if limits.legends_count else "")
    lines = (
        CountLine("words", main_label, main, limits.words),
        CountLine(
            "abstract_words", "Abstract words", counts.abstract_words, limits.abstract_words
        ),
        CountLine("figures", "Figures", counts.figures, limits.figures),
        CountLine("tables", "Tables", counts.tables, limits.tables),
        CountLine("refs", "References", counts.references, limits.refs),
    )
    return ManuscriptCheck(
        manuscript_id=ms.id,
        title=ms.title,
        article_type=ms.article_type,
        file_id=draft.id,
        file_name=draft.name,
        version=draft.version,
        journal=journal.name if journal is not None else "",
        limits_are_examples=bool(journal is not None and journal.is_example),
        counts=counts,
        lines=lines,
    )


def check_if_possible(
    session: Session, actor: Actor, manuscript_id: int
) -> tuple[ManuscriptCheck | None, str]:
    """`check_manuscript`, or why it cannot be made (no Word draft, or an unreadable one).

    Returns:
        The check and ``""``, or ``None`` and the reason as a sentence.

    Raises:
        NotFoundError: No such manuscript (or one the actor may not read).
    """
    load_parent(session, actor, "manuscript", manuscript_id, permissions.READ)
    try:
        return check_manuscript(session, actor, manuscript_id), ""
    except ValidationError as exc:
        return None, exc.user_message
