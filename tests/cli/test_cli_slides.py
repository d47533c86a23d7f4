"""`scholar-desk slides` and `scholar-desk poster`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pptx import Presentation
from slides_data import TODAY, check_pptx, make_abstract, png, words

from scholar_desk.cli import main
from scholar_desk.core import clock
from scholar_desk.core.db.library import Library


@pytest.fixture
def db(new_db, tmp_path: Path) -> tuple[str, int]:
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))
    path = new_db("cli.sqlite3")
    with Library.open(path) as lib:
        made = make_abstract(lib, tmp_path)
    return str(path), made.abstract_id


def test_slides_command(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, abstract_id = db
    out = tmp_path / "talk.pptx"
    assert main(["slides", str(abstract_id), str(out), "--db", path]) == 0
    assert f"slides to {out}" in capsys.readouterr().out
    check_pptx(out, floor=18)


def test_slides_with_a_template_file(db: tuple[str, int], tmp_path: Path) -> None:
    path, abstract_id = db
    out = tmp_path / "talk.pptx"
    from scholar_desk.core.formats.templates import builtin_path

    template = builtin_path("deck-plain")
    assert (
        main(["slides", str(abstract_id), str(out), "--template", str(template), "--db", path])
        == 0
    )
    assert len(Presentation(str(out)).slides) > 5


def test_poster_command_with_options(db: tuple[str, int], tmp_path: Path) -> None:
    path, abstract_id = db
    out = tmp_path / "poster.pptx"
    logo = png(tmp_path / "logo.png", (400, 200))
    code = main(
        [
            "poster",
            str(abstract_id),
            str(out),
            "--size",
            "A0",
            "--layout",
            "better",
            "--logo",
            str(logo),
            "--db",
            path,
        ]
    )
    assert code == 0
    checked = check_pptx(out, floor=24, title_floor=72)
    assert round(checked.width / 36_000) == 841


def test_user_errors_exit_2_with_one_line_and_no_file(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, abstract_id = db
    out = tmp_path / "talk.pptx"
    assert main(["slides", "999", str(out), "--db", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith("scholar-desk: ")
    assert err.count("\n") == 1
    assert (
        main(
            [
                "slides",
                str(abstract_id),
                str(out),
                "--template",
                str(tmp_path / "x.potx"),
                "--db",
                path,
            ]
        )
        == 2
    )
    assert "was not found" in capsys.readouterr().err
    assert not out.exists()
    assert list(tmp_path.glob("*.tmp")) == []


def test_poster_too_long_says_which_section(
    new_db, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))
    path = new_db("cli.sqlite3")
    with Library.open(path) as lib:
        made = make_abstract(lib, tmp_path, results=words(5000))
    out = tmp_path / "poster.pptx"
    assert main(["poster", str(made.abstract_id), str(out), "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Results is about" in err
    assert "words too long for the poster at 24 pt" in err
    assert not out.exists()
