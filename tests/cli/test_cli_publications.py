"""`doc publications` asks a director (or a mentor of several) whose list to write."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from scholar_desk.cli import main


@pytest.fixture
def demo(new_db, monkeypatch: pytest.MonkeyPatch) -> str:
    path = new_db("demo.sqlite3")
    assert main(["--db", path, "demo"]) == 0
    monkeypatch.setenv("SCHOLAR_DESK_PASSWORD", "demo")
    return path


def test_director_is_asked_for_fellow_and_nothing_is_written(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "list.docx"
    capsys.readouterr()
    assert main(["--db", demo, "--user", "director", "doc", "publications", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "--fellow" in err
    assert "Patel" in err  # the fellows to choose from
    assert len(err.splitlines()) == 1
    assert not out.exists()
    args = ["--db", demo, "--user", "director", "doc", "publications", str(out)]
    assert main([*args, "--fellow", "Patel"]) == 0
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Genicular nerve radiofrequency ablation" in text


def test_fellow_writes_own_list_without_fellow(
    demo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine.docx"
    assert main(["--db", demo, "--user", "fellow1", "doc", "publications", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().out
    assert out.exists()
