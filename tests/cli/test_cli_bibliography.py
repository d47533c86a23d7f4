"""`scholar-desk bibliography` and `style`: a manuscript's list in its journal's style,
re-formatted when it goes to another journal; user style files; bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from scholar_desk.core.formats import csl


def run(db: Path, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCHOLAR_DESK_PASSWORD": "demo"}
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", "--db", str(db), "--user", user, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_db(module_new_db) -> str:
    db = module_new_db("demo.sqlite3")
    done = subprocess.run(
        [sys.executable, "-m", "scholar_desk", "--db", str(db), "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    refs = json.loads(run(db, "fellow1", "list", "references", "--json").stdout)
    ids = [str(r["id"]) for r in refs[:3]]
    # Manuscript 1 went to PAIN (rejected), then to Regional Anesthesia & Pain Medicine.
    cited = run(db, "fellow1", "cite", "manuscript", "1", *ids)
    assert cited.returncode == 0, cited.stderr
    return db


def test_a_manuscripts_list_takes_its_current_journals_style(demo_db: Path) -> None:
    out = run(demo_db, "fellow1", "bibliography", "--manuscript", "1")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 3
    # BMJ (RAPM's house style): "1 Author" numbering is ours ("1. "), "doi: " with a space.
    assert all(line.startswith(f"{n}. ") for n, line in enumerate(lines, start=1))
    assert "doi: 10." in out.stdout
    ama = run(demo_db, "fellow1", "bibliography", "--manuscript", "1", "--style", "ama")
    assert "doi:10." in ama.stdout
    assert ama.stdout != out.stdout


def test_resubmission_elsewhere_reformats_the_list(demo_db: Path, tmp_path: Path) -> None:
    journals = json.loads(run(demo_db, "fellow1", "list", "journals", "--json").stdout)
    pain_id = next(j["id"] for j in journals if j["name"] == "PAIN")
    before = run(demo_db, "fellow1", "bibliography", "--manuscript", "2").stdout
    added = run(
        demo_db,
        "fellow1",
        "add",
        "submission",
        "--set",
        "manuscript_id=2",
        "--set",
        f"journal_id={pain_id}",
        "--set",
        "status=submitted",
        "--set",
        "submitted_on=2026-11-30",
    )
    assert added.returncode == 0, added.stderr
    run(demo_db, "fellow1", "cite", "manuscript", "2", "1", "2")
    out = tmp_path / "refs.docx"
    written = run(demo_db, "fellow1", "bibliography", "--manuscript", "2", "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert "in PAIN (the journal of its current submission, PAIN)" in written.stdout
    document = docx.Document(str(out))
    entries = [p for p in document.paragraphs if p.text[:1].isdigit()]
    assert len(entries) == 2
    assert before.strip() == ""  # nothing was cited before
    # PAIN prints "Journal year;volume:pages." with no full stop after the journal.
    assert all(". Pain 20" in p.text or ". Anesthesiology 20" in p.text for p in entries), [
        p.text for p in entries
    ]
    italic = [run.text for p in entries for run in p.runs if run.italic]
    assert italic == []  # PAIN sets nothing in italics
    ama = tmp_path / "ama.docx"
    run(
        demo_db,
        "fellow1",
        "bibliography",
        "--manuscript",
        "2",
        "--style",
        "ama",
        "--out",
        str(ama),
    )
    italic = [r.text for p in docx.Document(str(ama)).paragraphs for r in p.runs if r.italic]
    assert italic
    assert all(text.strip() for text in italic)


def test_styles_list_add_and_remove(demo_db: Path, tmp_path: Path) -> None:
    listed = json.loads(run(demo_db, "fellow1", "style", "list", "--json").stdout)
    assert {"ama", "vancouver", "apa", "pain"} <= {s["name"] for s in listed}
    mine = tmp_path / "My Department.csl"
    mine.write_bytes(csl.shipped_style_xml("vancouver"))
    added = run(demo_db, "fellow1", "style", "add", str(mine))
    assert added.returncode == 0, added.stderr
    assert "'my-department'" in added.stdout
    out = run(demo_db, "fellow1", "bibliography", "1", "2", "--style", "my-department")
    assert out.returncode == 0
    assert out.stdout.startswith("1. ")
    journals = json.loads(run(demo_db, "fellow1", "list", "journals", "--json").stdout)
    edited = run(
        demo_db,
        "fellow1",
        "edit",
        "journal",
        str(journals[0]["id"]),
        "--set",
        "citation_style=my-department",
    )
    assert edited.returncode == 0, edited.stderr
    wrong = run(
        demo_db,
        "fellow1",
        "edit",
        "journal",
        str(journals[0]["id"]),
        "--set",
        "citation_style=nope",
    )
    assert wrong.returncode == 2
    assert "'nope' is not a citation style here" in wrong.stderr
    denied = run(demo_db, "mentor", "style", "add", str(mine), "--name", "mentors")
    assert denied.returncode == 2
    assert "Mentors can read citation styles" in denied.stderr
    removed = run(demo_db, "fellow1", "style", "remove", "my-department")
    assert removed.returncode == 0, removed.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<style><broken>", "not well-formed XML"),
        (b"%PDF-1.4 binary", "not well-formed XML"),
        (b"<html/>", "not a CSL style"),
    ],
)
def test_a_bad_style_file_is_one_line_and_nothing_is_added(
    demo_db: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.csl"
    bad.write_bytes(content)
    before = run(demo_db, "fellow1", "style", "list").stdout
    out = run(demo_db, "fellow1", "style", "add", str(bad))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1
    assert message in out.stderr
    assert "bad.csl" in out.stderr
    assert run(demo_db, "fellow1", "style", "list").stdout == before


def test_bibliography_bad_input(demo_db: Path, tmp_path: Path) -> None:
    neither = run(demo_db, "fellow1", "bibliography")
    assert neither.returncode == 2
    assert "give one of --manuscript" in neither.stderr
    unknown = run(demo_db, "fellow1", "bibliography", "1", "--style", "chicago-9000")
    assert unknown.returncode == 2
    assert "no citation style 'chicago-9000'" in unknown.stderr
    missing = run(demo_db, "fellow1", "bibliography", "99999")
    assert missing.returncode == 2
    assert "No reference with id 99999" in missing.stderr
    other = run(demo_db, "fellow2", "bibliography", "--manuscript", "1")
    assert other.returncode == 2
    assert "1" in other.stderr
    odd = run(demo_db, "fellow1", "bibliography", "1", "--out", str(tmp_path / "refs.pdf"))
    assert odd.returncode == 2
    assert "end it with .txt, .html or .docx" in odd.stderr
    assert not (tmp_path / "refs.pdf").exists()
