"""AMA details: journals as NLM abbreviations, DOIs with their publisher's capitals."""

from __future__ import annotations

from scholar_desk.core.formats import medline, ris
from scholar_desk.core.formats.bibtex import parse_text as parse_bibtex
from scholar_desk.core.formats.bibtex.writing import format_entry
from scholar_desk.core.formats.citation import format_ama
from scholar_desk.core.formats.journals import nlm_abbreviation
from scholar_desk.core.formats.reference import DOI_AS_WRITTEN


def test_abbreviation_from_the_reference_then_the_shipped_list() -> None:
    assert nlm_abbreviation("The Lancet") == "Lancet"
    assert nlm_abbreviation("Regional Anesthesia & Pain Medicine") == "Reg Anesth Pain Med"
    assert nlm_abbreviation("The New England Journal of Medicine") == "N Engl J Med"
    assert (
        nlm_abbreviation("Regional anesthesia and pain medicine", {"journal_abbrev": "RAPM."})
        == "RAPM"
    )
    assert nlm_abbreviation("Journal of Unknown Things") == "Journal of Unknown Things"


MEDLINE = """PMID- 33864915
TI  - Chronic pain: an update on burden, best practices, and new advances.
JT  - Lancet (London, England)
TA  - Lancet
VI  - 397
IP  - 10289
PG  - 2082-2097
DP  - 2021 May 29
FAU - Cohen, Steven P
AU  - Cohen SP
AID - 10.1016/S0140-6736(21)00393-7 [doi]
"""


def test_medline_ta_and_doi_case_reach_the_citation() -> None:
    [ref] = medline.parse_text(MEDLINE).references
    assert ref.doi == "10.1016/s0140-6736(21)00393-7"  # stored form finds duplicates
    text = format_ama(ref)
    assert " Lancet. 2021;397(10289):2082-2097." in text
    assert text.endswith("doi:10.1016/S0140-6736(21)00393-7")


def test_bibtex_keeps_doi_case_on_export_without_an_extra_field() -> None:
    source = """@article{cohen2021,
  author = {Cohen, Steven P.},
  title = {Chronic pain},
  journal = {Regional Anesthesia and Pain Medicine},
  year = {2021},
  doi = {10.1136/RAPM-2020-101234}
}"""
    [ref] = parse_bibtex(source).references
    assert ref.extra_fields[DOI_AS_WRITTEN] == "10.1136/RAPM-2020-101234"
    text = format_ama(ref)
    assert "Reg Anesth Pain Med. 2021." in text
    assert text.endswith("doi:10.1136/RAPM-2020-101234")
    written = format_entry(ref)
    assert "doi = {10.1136/RAPM-2020-101234}" in written
    assert DOI_AS_WRITTEN not in written


def test_ris_j2_abbreviation_and_lower_case_doi_untouched() -> None:
    source = "TY  - JOUR\nAU  - Smith, John\nTI  - A study\nT2  - Pain Medicine\nPY  - 2020\nDO  - 10.1093/pm/pnz123\nER  - \n"
    [ref] = ris.parse_text(source).references
    assert DOI_AS_WRITTEN not in ref.extra_fields
    assert "Pain Med. 2020." in format_ama(ref)
