"""Reading identifiers and the services' recorded answers (no network)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scholar_desk.core.formats.lookup_records import (
    BadResponseError,
    crossref_work,
    pmids_from_search,
    pubmed_articles,
)
from scholar_desk.core.services.lookup import parse_identifiers

DATA = Path(__file__).resolve().parents[1] / "data" / "lookup"


def test_identifiers_as_people_paste_them() -> None:
    found, problems = parse_identifiers(
        [
            "PMID: 27797938, doi: 10.1097/j.pain.0000000000001384\n"
            "PMCID: PMC5442267 https://doi.org/10.1136/RAPM-2019-101234. 27797938",
            "chronic pain",
        ]
    )
    assert [(i.kind, i.value) for i in found] == [
        ("pmid", "27797938"),
        ("doi", "10.1097/j.pain.0000000000001384"),
        ("pmcid", "PMC5442267"),
        ("doi", "10.1136/RAPM-2019-101234"),  # the DOI keeps its case; the repeat PMID goes
    ]
    assert problems == [
        "'chronic' is not a DOI (10.xxxx/...), a PMID (digits) or a PMCID (PMC...).",
        "'pain' is not a DOI (10.xxxx/...), a PMID (digits) or a PMCID (PMC...).",
    ]


def test_crossref_record_and_its_correction_notice() -> None:
    found = crossref_work((DATA / "crossref_10.1371_journal.pone.0033693.json").read_bytes())
    record = found.record
    assert record.doi == "10.1371/journal.pone.0033693"
    assert record.authors.startswith("Sadasivan, Shankar and Pond, Brooks B.")
    assert (record.journal, record.year, record.volume, record.issue) == (
        "PLoS ONE",
        2012,
        "7",
        "3",
    )
    assert record.extra_fields["journal_abbreviation"] == "PLoS ONE"
    assert [(n.kind, n.serious, n.date) for n in found.notices] == [
        ("correction", False, dt.date(2012, 5, 8))
    ]
    retracted = crossref_work((DATA / "crossref_retracted_derived.json").read_bytes())
    assert [(n.kind, n.serious, n.doi[:20]) for n in retracted.notices] == [
        ("retraction", True, "10.1371/annotation/c")
    ]


def test_pubmed_record() -> None:
    (found,) = pubmed_articles((DATA / "pubmed_27797938.xml").read_bytes())
    record = found.record
    assert record.pmid == "27797938"
    assert record.doi == "10.1136/gutjnl-2016-312510"
    assert record.title.startswith("Leucocyte telomere length, genetic variants at the TERT")
    assert record.authors.split(" and ")[:2] == ["Bao, Ying", "Prescott, Jennifer"]
    assert (record.journal, record.year, record.volume, record.pages) == (
        "Gut",
        2017,
        "66",
        "1116\u20131122",
    )
    assert record.extra_fields["pmcid"] == "PMC5442267"
    assert record.abstract.startswith("Objective: Telomere shortening")
    assert found.notices == []
    assert pmids_from_search((DATA / "esearch_PMC5442267.xml").read_bytes()) == ["27797938"]


@pytest.mark.parametrize(
    ("reader", "data", "message"),
    [
        (crossref_work, b'{"status":"ok","message":{"DOI":"10.', "not complete JSON"),
        (crossref_work, b'{"status":"ok","message":{}}', "holds no work record"),
        (crossref_work, b"\xff\xfe binary", "not complete JSON"),
        (pubmed_articles, b"<PubmedArticleSet><PubmedArticle>", "not complete XML"),
        (pubmed_articles, b"<html><body>busy</body></html>", "a <html>, not a set of articles"),
        (
            pubmed_articles,
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><PubmedArticleSet>&e;</PubmedArticleSet>',
            "",
        ),
    ],
)
def test_bad_answers_are_one_sentence(reader, data: bytes, message: str) -> None:
    if not message:  # an external entity is never read: no article, no file contents
        assert reader(data) == []
        return
    with pytest.raises(BadResponseError, match=message):
        reader(data)
