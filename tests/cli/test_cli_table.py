"""`scholar-desk abstract table set | show | clear`: a results table for the deck and poster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pptx import Presentation

from scholar_desk.cli import main
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import abstracts, items
from scholar_desk.core.services.session import SINGLE_USER


@pytest.fixture
def db(new_db) -> tuple[str, int]:
    path = new_db("cli.sqlite3")
    with Library.open(path) as lib, lib.transaction() as s:
        made = items.create_item(s, SINGLE_USER, "abstract", {"title": "GNRFA"})
        abstracts.save_sections(s, SINGLE_USER, made.id, [("Results", "NRS fell by 4.")])
    return str(path), made.id


def _show(path: str, abstract_id: int, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["abstract", "table", "show", str(abstract_id), "--json", "--db", path]) == 0
    return json.loads(capsys.readouterr().out)


def test_set_from_csv_shows_on_the_deck_and_poster_as_a_real_table(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, abstract_id = db
    csv_file = tmp_path / "outcomes.csv"
    csv_file.write_text(
        'Outcome,Baseline,12 months\n"NRS pain, mean",7.4,4.3\nWOMAC,58,40\n', encoding="utf-8"
    )
    args = ["abstract", "table", "set", str(abstract_id), str(csv_file), "--caption", "Outcomes"]
    assert main([*args, "--db", path]) == 0
    assert "3 rows x 3 columns" in capsys.readouterr().out
    shown = _show(path, abstract_id, capsys)
    assert shown["caption"] == "Outcomes"
    assert shown["rows"][1] == ["NRS pain, mean", "7.4", "4.3"]

    deck = tmp_path / "talk.pptx"
    poster = tmp_path / "poster.pptx"
    assert main(["slides", str(abstract_id), str(deck), "--db", path]) == 0
    assert main(["poster", str(abstract_id), str(poster), "--db", path]) == 0
    for out in (deck, poster):
        tables = [
            sh.table
            for slide in Presentation(str(out)).slides
            for sh in slide.shapes
            if sh.has_table
        ]
        assert len(tables) == 1, out.name
        cells = [[c.text for c in row.cells] for row in tables[0].rows]
        assert cells[0] == ["Outcome", "Baseline", "12\u00a0months"]
        assert cells[1] == ["NRS pain, mean", "7.4", "4.3"]


def test_tab_separated_file_and_clear(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, abstract_id = db
    tsv = tmp_path / "outcomes.tsv"
    tsv.write_text("Outcome\tBaseline\nPain, NRS\t7.4\n\n", encoding="utf-8")
    assert main(["abstract", "table", "set", str(abstract_id), str(tsv), "--db", path]) == 0
    assert _show(path, abstract_id, capsys)["rows"] == [
        ["Outcome", "Baseline"],
        ["Pain, NRS", "7.4"],
    ]
    assert main(["abstract", "table", "clear", str(abstract_id), "--db", path]) == 0
    assert _show(path, abstract_id, capsys)["rows"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("only one cell\n", "needs a header row"),
        ("\n".join(f"r{i},1" for i in range(20)), "at most 12 x 6"),
        ("a,b\n" + "x" * 300 + ",1\n", "line 2: a cell has 300 characters"),
    ],
)
def test_bad_table_is_one_line_exit_2_nothing_written(
    db: tuple[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    message: str,
) -> None:
    path, abstract_id = db
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    capsys.readouterr()
    assert main(["abstract", "table", "set", str(abstract_id), str(bad), "--db", path]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert "bad.csv" in err
    assert len(err.splitlines()) == 1
    assert _show(path, abstract_id, capsys)["rows"] == []


def test_binary_or_wrong_file_is_refused(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, abstract_id = db
    image = tmp_path / "table.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert main(["abstract", "table", "set", str(abstract_id), str(image), "--db", path]) == 2
    assert "give a .csv or .tsv file" in capsys.readouterr().err
    fake = tmp_path / "table.csv"
    fake.write_bytes(b"a,b\x00\n")
    assert main(["abstract", "table", "set", str(abstract_id), str(fake), "--db", path]) == 2
    assert "not a small text table" in capsys.readouterr().err
