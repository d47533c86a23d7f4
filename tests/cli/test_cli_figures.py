"""`scholar-desk abstract figure add | list | remove`: figures kept in the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
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


def _figures(path: str, abstract_id: int, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert main(["abstract", "figure", "list", str(abstract_id), "--json", "--db", path]) == 0
    return json.loads(capsys.readouterr().out)


def test_add_list_remove(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, abstract_id = db
    png = tmp_path / "nrs.png"
    Image.new("RGB", (60, 40), "navy").save(png)
    args = ["abstract", "figure", "add", str(abstract_id), str(png), "--caption", "NRS by week"]
    assert main([*args, "--db", path]) == 0
    assert "stored in the database" in capsys.readouterr().out
    [figure] = _figures(path, abstract_id, capsys)
    assert figure["caption"] == "NRS by week"
    assert (figure["role"], figure["missing"], figure["media_type"]) == (
        "figure",
        False,
        "image/png",
    )
    assert figure["size"] == png.stat().st_size
    assert len(figure["blob_sha256"]) == 64

    png.unlink()  # the deck reads the copy in the database
    out = tmp_path / "talk.pptx"
    assert main(["slides", str(abstract_id), str(out), "--db", path]) == 0
    pictures = [
        sh for slide in Presentation(str(out)).slides for sh in slide.shapes if sh.shape_type == 13
    ]
    assert pictures

    assert main(["abstract", "figure", "list", str(abstract_id), "--db", path]) == 0
    assert "nrs.png" in capsys.readouterr().out
    remove = ["abstract", "figure", "remove", str(abstract_id), str(figure["id"])]
    assert main([*remove, "--db", path]) == 0
    assert _figures(path, abstract_id, capsys) == []


def test_bad_input_is_one_line_exit_2_and_nothing_written(
    db: tuple[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, abstract_id = db
    notes = tmp_path / "notes.png"
    notes.write_text("not an image")
    huge = tmp_path / "scan.tif"
    with huge.open("wb") as f:
        f.truncate(26 * 1024 * 1024)
    for bad, message in (
        (tmp_path / "absent.png", "does not exist"),
        (notes, "not an image"),
        (huge, "scan.tif is 26.0 MB; an image may be at most 25 MB"),
    ):
        capsys.readouterr()
        assert main(["abstract", "figure", "add", str(abstract_id), str(bad), "--db", path]) == 2
        err = capsys.readouterr().err
        assert message in err
        assert err.count("\n") == 1
    assert _figures(path, abstract_id, capsys) == []
    capsys.readouterr()
    assert main(["abstract", "figure", "remove", str(abstract_id), "99", "--db", path]) == 2
    assert "no figure with id 99 on abstract" in capsys.readouterr().err
