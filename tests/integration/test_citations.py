"""Citing references from abstracts, projects and manuscripts, and the deck's list."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import AuditEvent, Reference, ReferenceLink
from scholar_desk.core.errors import NotFoundError, ValidationError
from scholar_desk.core.services import citations, items, slides
from scholar_desk.core.services.session import SINGLE_USER

ME = SINGLE_USER


@pytest.fixture
def setup(library: Library) -> tuple[int, list[int]]:
    with library.transaction() as s:
        fellow = items.create_item(
            s, ME, "person", {"given_name": "Maya", "family_name": "Patel", "degrees": "MD"}
        )
        abstract = items.create_item(
            s, ME, "abstract", {"title": "GNRFA at 12 months", "owner_id": fellow.id}
        )
        refs = []
        for n, (family, title) in enumerate(
            [
                ("Choi", "Radiofrequency for knee pain"),
                ("Cohen", "Chronic pain update"),
                ("Treede", "Chronic pain in ICD-11"),
            ],
            start=1,
        ):
            row = Reference(
                citation_key=f"{family.lower()}{n}",
                authors=f"{family}, Ann",
                first_author=family,
                title=title,
                journal="Pain",
                year=2010 + n,
                extra_fields={},
            )
            s.add(row)
            s.flush()
            refs.append(row.id)
    return abstract.id, refs


def test_cite_appends_in_order_and_ignores_repeats(
    library: Library, setup: tuple[int, list[int]]
) -> None:
    abstract, refs = setup
    with library.transaction() as s:
        citations.cite(s, ME, "abstract", abstract, [refs[2], refs[0]])
        listed = citations.cite(s, ME, "abstract", abstract, [refs[0], refs[1]])
    assert [(c.number, c.reference_id) for c in listed] == [
        (1, refs[2]),
        (2, refs[0]),
        (3, refs[1]),
    ]
    # AMA (CSL): an article with no volume or issue is one published online ahead of print.
    assert listed[0].text == "Treede A. Chronic pain in ICD-11. Pain. Published online 2013."
    with library.reading() as s:
        deck = slides.read_content(s, ME, abstract)
    assert [r.title for r in deck.references] == [
        "Chronic pain in ICD-11",
        "Radiofrequency for knee pain",
        "Chronic pain update",
    ]


def test_uncite_renumbers_and_is_audited(library: Library, setup: tuple[int, list[int]]) -> None:
    abstract, refs = setup
    with library.transaction() as s:
        citations.cite(s, ME, "abstract", abstract, refs)
        after = citations.uncite(s, ME, "abstract", abstract, refs[0])
    assert [(c.number, c.reference_id) for c in after] == [(1, refs[1]), (2, refs[2])]
    with library.reading() as s:
        positions = s.scalars(
            select(ReferenceLink.position).order_by(ReferenceLink.position)
        ).all()
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.field == "references")
        ).all()
    assert positions == [1, 2]
    assert actions == ["cite", "uncite"]


def test_unknown_reference_cites_nothing(library: Library, setup: tuple[int, list[int]]) -> None:
    abstract, refs = setup
    with (
        pytest.raises(ValidationError, match="No reference with id 999"),
        library.transaction() as s,
    ):
        citations.cite(s, ME, "abstract", abstract, [refs[0], 999])
    with library.reading() as s:
        assert citations.citations(s, ME, "abstract", abstract) == []


def test_bad_targets_are_clear_errors(library: Library, setup: tuple[int, list[int]]) -> None:
    abstract, refs = setup
    with pytest.raises(ValidationError, match="can cite references"), library.reading() as s:
        citations.citations(s, ME, "journal", 1)
    with pytest.raises(NotFoundError, match="no abstract with id 77"), library.reading() as s:
        citations.citations(s, ME, "abstract", 77)
    with pytest.raises(NotFoundError, match="does not cite"), library.transaction() as s:
        citations.uncite(s, ME, "abstract", abstract, refs[0])


def test_citing_targets_lists_what_the_actor_may_change(
    library: Library, setup: tuple[int, list[int]]
) -> None:
    abstract, _ = setup
    with library.reading() as s:
        targets = citations.citing_targets(s, ME)
    assert [(t.kind, t.target_id) for t in targets] == [("abstract", abstract)]
