from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scholar_desk.cli import main

BIB = """@article{Smith2020,
  author = {Smith, John},
  title = {Chronic pain after knee replacement},
  journal = {Pain Medicine}, year = {2020}, doi = {10.1000/pm.1}}
@article{Broken,
  title = {no end
@article{Doe2019, author = {Doe, Jane}, title = {Nerve blocks}, year = 2019}
"""


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def test_import_json_dry_run_then_real(
    new_db, tmp_path: Path, bib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_db("lib.sqlite3")
    assert main(["import", "--db", db, "--dry-run", "--json", str(bib)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["imported"], report["duplicates"], report["skipped"]) == (2, 0, 1)
    assert report["errors"][0]["line"] == 5
    assert set(report["errors"][0]) >= {"line", "message"}
    assert main(["list", "references", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["import", "--db", db, "--json", str(bib)]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 2
    assert main(["import", "--db", db, "--json", "--on-duplicate", "merge", str(bib)]) == 0
    assert json.loads(capsys.readouterr().out)["duplicates"] == 2
    assert main(["list", "references", "--db", db, "--json", "--search", "knee"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["citation_key"] for r in rows] == ["Smith2020"]
    assert {"id", "title", "authors", "doi", "year"} <= set(rows[0])


def test_export_bib(new_db, tmp_path: Path, bib: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = new_db("lib.sqlite3")
    assert main(["import", "--db", db, str(bib)]) == 0
    out = tmp_path / "out.bib"
    assert main(["export", "bib", str(out), "--db", db]) == 0
    assert "Wrote 2 references" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert "@article{Smith2020," in text
    assert main(["export", "bib", str(tmp_path / "new.bib"), "--db", db, "--tag", "nope"]) == 2
    assert "no tag named" in capsys.readouterr().err


def test_unusable_input_exits_2_and_writes_nothing(
    new_db, tmp_path: Path, bib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_db("lib.sqlite3")
    missing = tmp_path / "missing.bib"
    assert main(["import", "--db", db, str(bib), str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["list", "references", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_later_unusable_file_undoes_the_records_of_the_earlier_ones(
    new_db, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # On a server the first file's 3,000 records are sent (a whole COPY of them already
    # indexed) while the second file is still unread; its error must undo all of them.
    db = new_db("lib.sqlite3")
    many = tmp_path / "many.bib"
    many.write_text(
        "".join(
            f"@article{{k{n}, author = {{Author{n}, Ann}}, title = {{Study number {n} of "
            f"nerve blocks}}, journal = {{Pain}}, year = {{{2000 + n % 20}}}}}\n"
            for n in range(3000)
        ),
        encoding="utf-8",
    )
    notes = tmp_path / "notes.bib"
    notes.write_text("These are my notes; no entry here.\n", encoding="utf-8")
    assert main(["import", "--db", db, str(many), str(notes)]) == 2
    err = capsys.readouterr().err
    assert "notes.bib" in err
    assert len(err.strip().splitlines()) == 1, err
    assert main(["list", "references", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["import", "--db", db, "--json", str(many)]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 3000


def test_import_in_a_subprocess(new_db, tmp_path: Path, bib: Path) -> None:
    db = new_db("lib.sqlite3")
    code = "from scholar_desk.cli import main; raise SystemExit(main())"
    done = subprocess.run(
        [sys.executable, "-c", code, "import", "--db", db, "--json", str(bib)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["imported"] == 2
    assert done.stderr == ""
