"""Conference poster rules: sizes in words, the catalog's examples, edits checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from scholar_desk.cli import main
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ExportError, ValidationError
from scholar_desk.core.formats import poster, poster_rules
from scholar_desk.core.services import items, template_export
from scholar_desk.core.services.catalog import load_starter_catalog, read_starter_catalog
from scholar_desk.core.services.session import SINGLE_USER

INCH = 914_400
MM = 36_000


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("48x36in", (48 * INCH, 36 * INCH)),
        ("36 x 48 in", (36 * INCH, 48 * INCH)),
        ("A0", (841 * MM, 1189 * MM)),
        ("A0 landscape", (1189 * MM, 841 * MM)),
        ("a1", (594 * MM, 841 * MM)),
        ("120x90cm", (1200 * MM, 900 * MM)),
        ("96\u00d748in", (96 * INCH, 48 * INCH)),
    ],
)
def test_sizes_in_words(text: str, size: tuple[int, int]) -> None:
    assert poster_rules.parse_size(text) == size


@pytest.mark.parametrize("text", ["", "big", "48x36", "2x3in", "300x200in", "A7"])
def test_not_poster_sizes(text: str) -> None:
    with pytest.raises(ExportError):
        poster_rules.parse_size(text)


def test_named_sizes_are_the_poster_engines() -> None:
    assert {k: poster_rules.parse_size(k) for k in poster.SIZES} == poster.SIZES


def test_fits_and_orientation() -> None:
    board = poster_rules.parse_size("48x36in")
    assert poster_rules.fits(poster_rules.parse_size("44x36in"), board)
    assert not poster_rules.fits(poster_rules.parse_size("36x48in"), board)
    assert poster_rules.orientation(*board) == "landscape"
    assert poster_rules.size_text(*poster_rules.parse_size("A0")) == "84.1 \u00d7 118.9 cm (A0)"


def test_catalog_meetings_carry_example_poster_rules() -> None:
    for entry in read_starter_catalog().conferences:
        assert entry["is_example"] is True
        assert entry["poster_orientation"] in ("landscape", "portrait")
        width, height = poster_rules.parse_size(entry["poster_size"])
        assert poster_rules.orientation(width, height) == entry["poster_orientation"]
        if entry["eposter_format"]:
            poster_rules.parse_aspect(entry["eposter_aspect"])
        assert "board" in entry["notes"]


def test_rules_load_and_are_edited_like_any_field(library: Library) -> None:
    with library.transaction() as s:
        load_starter_catalog(s, SINGLE_USER)
        ins = s.scalars(select(m.Conference).where(m.Conference.acronym == "INS")).one()
        rules = template_export.poster_rules_of(s, SINGLE_USER, ins.id)
        assert rules.board == poster_rules.parse_size("A0")
        assert rules.orientation == "portrait"
        assert rules.is_example
        items.update_item(
            s,
            SINGLE_USER,
            "conference",
            ins.id,
            {"poster_size": "120x90cm", "poster_orientation": "landscape"},
        )
        with pytest.raises(ValidationError) as error:
            items.update_item(s, SINGLE_USER, "conference", ins.id, {"poster_size": "huge"})
        assert "poster_size" in error.value.fields
        with pytest.raises(ValidationError):
            items.update_item(s, SINGLE_USER, "conference", ins.id, {"eposter_aspect": "wide"})
    with library.reading() as s:
        ins = s.scalars(select(m.Conference).where(m.Conference.acronym == "INS")).one()
        assert template_export.poster_rules_of(s, SINGLE_USER, ins.id).board == (
            1200 * MM,
            900 * MM,
        )


def test_edit_from_the_command_line(library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    with library.transaction() as s:
        load_starter_catalog(s, SINGLE_USER)
        aapm = s.scalars(select(m.Conference).where(m.Conference.acronym == "AAPM")).one().id
    db = library.target
    assert main(["edit", "conference", str(aapm), "--set", "poster_size=A0", "--db", db]) == 0
    assert main(["edit", "conference", str(aapm), "--set", "poster_size=nope", "--db", db]) == 2
    assert "is not a poster size" in capsys.readouterr().err
    with library.reading() as s:
        assert s.get(m.Conference, aapm).poster_size == "A0"
