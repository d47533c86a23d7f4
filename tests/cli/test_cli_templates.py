"""`scholar-desk template poster` and `scholar-desk template slides`."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pptx import Presentation
from slides_data import TODAY, make_abstract, png
from sqlalchemy import select

from scholar_desk.cli import main
from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.formats.templates import patch_potx

INCH = 914_400


@pytest.fixture
def db(new_db, tmp_path: Path) -> tuple[str, int]:
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))
    path = new_db("cli.sqlite3")
    with Library.open(path) as lib:
        made = make_abstract(lib, tmp_path, figures=())
        with lib.transaction() as s:
            conference = s.scalars(select(m.Conference)).one()
            conference.poster_size = "48x36in"
            conference.poster_orientation = "landscape"
    return str(path), made.abstract_id


def read(path: Path) -> Presentation:
    return Presentation(io.BytesIO(patch_potx(path.read_bytes())))


def test_poster_template_command(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _abstract = db
    out = tmp_path / "poster.potx"
    logo = png(tmp_path / "logo.png", size=(500, 200))
    args = ["template", "poster", str(out), "--conference", "ASRA PM", "--logo", str(logo)]
    assert main([*args, "--layout", "better", "--db", path]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == f"Wrote the poster template (48 \u00d7 36 in) to {out}"
    assert captured.err == ""
    prs = read(out)
    assert (prs.slide_width, prs.slide_height) == (48 * INCH, 36 * INCH)
    assert "Main finding" in {ph.name for ph in prs.slide_layouts[0].placeholders}


def test_size_the_meeting_does_not_take_warns_and_writes(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, abstract = db
    out = tmp_path / "poster.potx"
    args = ["template", "poster", str(out), "--abstract", str(abstract), "--size", "36x48in"]
    assert main([*args, "--db", path]) == 0
    err = capsys.readouterr().err.strip()
    assert err == (
        "warning: ASRA PM posters are 48 \u00d7 36 in (landscape); the template is "
        "36 \u00d7 48 in as asked."
    )
    prs = read(out)
    assert (prs.slide_width, prs.slide_height) == (36 * INCH, 48 * INCH)


def test_slides_template_command_and_round_trip(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, abstract = db
    out = tmp_path / "talk.potx"
    assert main(["template", "slides", str(out), "--conference", "1", "--db", path]) == 0
    assert "8 layouts" in capsys.readouterr().out
    deck = tmp_path / "talk.pptx"
    assert main(["slides", str(abstract), str(deck), "--template", str(out), "--db", path]) == 0
    assert {s.slide_layout.name for s in Presentation(str(deck)).slides} >= {"Title", "Content"}
    poster_potx = tmp_path / "poster.potx"
    assert main(["template", "poster", str(poster_potx), "--size", "A0", "--db", path]) == 0
    poster = tmp_path / "poster.pptx"
    assert (
        main(["poster", str(abstract), str(poster), "--template", str(poster_potx), "--db", path])
        == 0
    )
    assert Presentation(str(poster)).slide_height > Presentation(str(poster)).slide_width


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--conference", "999"], "There is no conference with id 999."),
        (["--conference", "Nowhere"], "No conference called 'Nowhere'"),
        (["--logo", "BAD"], "The logo logo.txt is not an image"),
        (["--size", "huge"], "'huge' is not a poster size."),
        (["--layout", "classic", "--template", "MISSING"], "was not found"),
    ],
)
def test_bad_input_one_line_exit_2_nothing_written(
    db: tuple[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    path, _abstract = db
    bad_logo = tmp_path / "logo.txt"
    bad_logo.write_text("not an image")
    extra = [
        str(bad_logo) if a == "BAD" else str(tmp_path / "nope.potx") if a == "MISSING" else a
        for a in extra
    ]
    out = tmp_path / "out" / "poster.potx"
    out.parent.mkdir()
    assert main(["template", "poster", str(out), *extra, "--db", path]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err
    assert list(out.parent.iterdir()) == []
