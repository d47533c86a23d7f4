"""Adding references by DOI, PMID and PMCID, completing them and checking retractions,
through the real command line against a local server that answers with recorded
Crossref and PubMed responses (tests/data/lookup/SOURCES.md). No test touches the network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from lookup_server import DATA, GUT_DOI, PLOS_DOI, Routes, serving


@pytest.fixture
def server() -> Iterator[tuple[str, Routes]]:
    with serving() as running:
        yield running


def run(
    db: Path, base: str, *args: str, user: str = "fellow1"
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SCHOLAR_DESK_PASSWORD": "demo",
        "SCHOLAR_DESK_CROSSREF_URL": base,
        "SCHOLAR_DESK_EUTILS_URL": base,
        "SCHOLAR_DESK_LOOKUP_TIMEOUT": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "scholar_desk", "--db", str(db), "--user", user, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


@pytest.fixture
def demo_db(new_db) -> str:
    db = new_db("demo.sqlite3")
    done = subprocess.run(
        [sys.executable, "-m", "scholar_desk", "--db", str(db), "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return db


def _references(db: Path, base: str) -> list[dict]:
    out = run(db, base, "list", "references", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_add_by_doi_pmid_and_pmcid(demo_db: Path, server: tuple[str, Routes]) -> None:
    base, routes = server
    before = len(_references(demo_db, base))
    added = run(
        demo_db, base, "add-ref", f"https://doi.org/{PLOS_DOI}", "PMID: 27797938", "PMC5442267"
    )
    assert added.returncode == 0, added.stderr
    # The PMCID names the same article as the PMID: the import's duplicate check skips it.
    assert "Added 2 references (1 already in the library)." in added.stdout
    refs = _references(demo_db, base)
    assert len(refs) == before + 2
    plos = next(r for r in refs if r["doi"].lower() == PLOS_DOI)
    assert plos["title"].startswith("Methylphenidate Exposure Induces Dopamine Neuron Loss")
    assert plos["journal"] == "PLoS ONE"
    assert plos["year"] == 2012
    assert plos["volume"] == "7"
    assert plos["first_author"] == "Sadasivan"
    gut = next(r for r in refs if r["pmid"] == "27797938")
    assert gut["doi"] == GUT_DOI
    assert gut["journal"] == "Gut"
    assert gut["title"].startswith("Leucocyte telomere length, genetic variants at the TERT gene")
    assert routes.hits.count("esearch:PMC5442267[pmcid]") == 1
    # A correction is a notice, not a reason to stop citing: nothing is flagged.
    checked = run(demo_db, base, "check-retractions", str(plos["id"]))
    assert checked.returncode == 0, checked.stderr
    assert "Checked 1 of 1 references with a DOI; 0 flagged." in checked.stdout


@pytest.mark.parametrize(
    ("identifier", "route", "answer", "message"),
    [
        (
            "not-an-id",
            None,
            None,
            "'not-an-id' is not a DOI (10.xxxx/...), a PMID (digits) or a PMCID",
        ),
        (
            "10.1000/unknown",
            None,
            None,
            "10.1000/unknown: DOI 10.1000/unknown: the service does not know it (404).",
        ),
        (
            "10.1000/cut",
            "/works/10.1000/cut",
            (200, b'{"status":"ok","message":{"DOI":"10.1', 0.0),
            "is not complete JSON",
        ),
        (
            "10.1000/html",
            "/works/10.1000/html",
            (200, b"<html>maintenance</html>", 0.0),
            "is not complete JSON",
        ),
        (
            "999999999",
            "efetch:999999999",
            (200, b"<PubmedArticleSet></PubmedArticleSet>", 0.0),
            "PubMed has no article with this number",
        ),
        (
            "42",
            "efetch:42",
            (200, b"<PubmedArticleSet><PubmedArt", 0.0),
            "PubMed's answer is not complete XML",
        ),
    ],
)
def test_bad_identifiers_and_answers_are_one_line_and_add_nothing(
    demo_db: Path, server: tuple[str, Routes], identifier, route, answer, message
) -> None:
    base, routes = server
    if route:
        routes.table[route] = answer
    before = _references(demo_db, base)
    out = run(demo_db, base, "add-ref", identifier)
    assert out.returncode == 2, out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert message in lines[0]
    assert _references(demo_db, base) == before


def test_offline_identifiers_wait_in_a_queue_and_retry(
    demo_db: Path, server: tuple[str, Routes]
) -> None:
    base, routes = server
    slow = (200, (DATA / "crossref_10.1371_journal.pone.0033693.json").read_bytes(), 3.0)
    routes.table[f"/works/{PLOS_DOI}"] = slow  # slower than the 1 s time-out, every try
    before = len(_references(demo_db, base))
    out = run(demo_db, base, "add-ref", PLOS_DOI)
    assert out.returncode == 2
    assert "did not answer within 1 s" in out.stderr
    assert "wait for `scholar-desk add-ref --retry`" in out.stderr
    assert routes.hits.count(f"/works/{PLOS_DOI}") == 3  # the first try and two retries
    assert len(_references(demo_db, base)) == before
    closed = run(demo_db, "http://127.0.0.1:9", "add-ref", "27797938")
    assert closed.returncode == 2
    assert "cannot reach 127.0.0.1:9" in closed.stderr
    routes.table[f"/works/{PLOS_DOI}"] = (slow[0], slow[1], 0.0)
    retried = run(demo_db, base, "add-ref", "--retry")
    assert retried.returncode == 0, retried.stderr
    assert "Added 2 references" in retried.stdout  # the DOI and the PMID kept while offline
    again = run(demo_db, base, "add-ref", "--retry")
    assert again.returncode == 2  # the queue is empty now


def test_a_retraction_is_flagged_and_warned_about_before_export(
    demo_db: Path, server: tuple[str, Routes], tmp_path: Path
) -> None:
    base, routes = server
    run(demo_db, base, "add-ref", PLOS_DOI)
    ref = next(r for r in _references(demo_db, base) if r["doi"].lower() == PLOS_DOI)
    routes.table[f"/works/{PLOS_DOI}"] = (
        200,
        (DATA / "crossref_retracted_derived.json").read_bytes(),
        0.0,
    )
    checked = run(demo_db, base, "check-retractions")
    assert checked.returncode == 0, checked.stderr
    assert (
        f"Reference {ref['id']}: Retracted 2012-05-08 (notice 10.1371/annotation/"
        in checked.stdout
    )
    assert "1 flagged" in checked.stdout
    listing = run(demo_db, base, "bibliography", str(ref["id"]))
    assert "warning: Cites a flagged reference:" in listing.stderr
    assert "Retracted 2012-05-08" in listing.stderr
    abstracts = json.loads(run(demo_db, base, "list", "abstracts", "--json").stdout)
    abstract = abstracts[0]["id"]
    assert run(demo_db, base, "cite", "abstract", str(abstract), str(ref["id"])).returncode == 0
    deck = run(demo_db, base, "slides", str(abstract), str(tmp_path / "talk.pptx"))
    assert deck.returncode == 0, deck.stderr
    assert "warning: the abstract cites a flagged reference:" in deck.stderr
    # A second check finds nothing new: the notice is kept once.
    again = run(demo_db, base, "check-retractions", str(ref["id"]))
    assert again.stdout.count("Retracted 2012-05-08") == 1


def test_complete_fills_only_empty_fields(
    demo_db: Path, server: tuple[str, Routes], tmp_path: Path
) -> None:
    base, _routes = server
    bib = tmp_path / "thin.bib"
    bib.write_text(
        "@article{thin2017, title = {My own title}, pmid = {27797938}}\n"
        "@article{bare, title = {Nothing to go on}}\n"
        "@article{gone, title = {Unknown}, doi = {10.1000/unknown}}\n",
        encoding="utf-8",
    )
    assert run(demo_db, base, "import", str(bib)).returncode == 0
    refs = {r["citation_key"]: r for r in _references(demo_db, base)}
    ids = [str(refs[key]["id"]) for key in ("thin2017", "bare", "gone")]
    out = run(demo_db, base, "complete-ref", *ids)
    assert out.returncode == 0, out.stderr
    assert "bare: no DOI or PMID to complete it from." in out.stderr
    assert (
        "10.1000/unknown: DOI 10.1000/unknown: the service does not know it (404)." in out.stderr
    )
    filled = next(
        line for line in out.stdout.splitlines() if line.startswith(f"Reference {ids[0]}:")
    )
    assert "doi" in filled
    assert "journal" in filled
    assert "authors" in filled
    assert "title" not in filled
    after = {r["citation_key"]: r for r in _references(demo_db, base)}
    thin = after["thin2017"]
    assert thin["title"] == "My own title"  # never overwritten
    assert thin["doi"] == GUT_DOI
    assert thin["journal"] == "Gut"
    assert thin["year"] == 2017
    assert thin["first_author"] in ("", "Bao")
    assert after["bare"] == refs["bare"]
