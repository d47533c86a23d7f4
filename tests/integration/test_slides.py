"""Slide decks from an abstract, read back with python-pptx."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path

import pytest
from pptx import Presentation
from slides_data import CONCLUSIONS, TODAY, check_pptx, make_abstract, words
from sqlalchemy import text as sa_text

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.typography import plain
from scholar_desk.core.progress import CancelledError, CancelToken
from scholar_desk.core.services import slides
from scholar_desk.core.services.session import SINGLE_USER


@pytest.fixture(autouse=True)
def _fixed_today() -> None:
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))


def _export(library: Library, abstract_id: int, out: Path, **kw: object) -> slides.ExportResult:
    with library.reading() as session:
        return slides.export_deck(session, SINGLE_USER, abstract_id, out, **kw)  # type: ignore[arg-type]


def _titles(checked) -> list[str]:  # type: ignore[no-untyped-def]
    return [texts[0] if texts else "" for texts in checked.slides]


@pytest.mark.parametrize("template", ["deck-professional", "deck-plain"])
def test_deck_has_every_part_and_fits(library: Library, tmp_path: Path, template: str) -> None:
    made = make_abstract(library, tmp_path)
    out = tmp_path / "talk.pptx"
    result = _export(library, made.abstract_id, out, template=template)
    checked = check_pptx(out, floor=18)
    assert result.pages == len(checked.slides)
    titles = _titles(checked)
    assert titles[0].startswith("Durable Relief")
    assert "Disclosures" in titles[1:3]
    for heading in (
        "Background",
        "Methods",
        "Results",
        "Conclusions",
        "References",
        "Acknowledgments",
        "Questions?",
    ):
        assert heading in titles, heading
    assert checked.pictures == 2  # the PNG and the converted WEBP
    assert checked.min_size >= 18
    prs = Presentation(str(out))
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01


def test_title_slide_marks_presenter_affiliations_and_meeting(
    library: Library, tmp_path: Path
) -> None:
    made = make_abstract(library, tmp_path)
    out = tmp_path / "talk.pptx"
    _export(library, made.abstract_id, out)
    slide = Presentation(str(out)).slides[0]
    runs = [
        r
        for sh in slide.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
    ]
    presenter = next(r for r in runs if r.text == "Ana Ruiz, MD")
    assert presenter.font.underline
    sups = [r.text for r in runs if r._r.rPr.get("baseline") == "30000"]
    assert "1,2*" in sups  # two affiliations, presenting
    text = "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "Department of Anesthesiology, University Hospital" in text
    assert "*Presenting author" in text
    assert "ASRA Pain Medicine Annual Meeting" in text
    assert "November 13, 2026" in text
    assert "San\u00a0Diego, CA" in text  # never broken between San and Diego


def test_many_affiliations_get_their_own_slide(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path, n_authors=8)
    out = tmp_path / "talk.pptx"
    _export(library, made.abstract_id, out)
    checked = check_pptx(out, floor=18)
    titles = _titles(checked)
    assert titles[1] == "Affiliations"
    assert "Hana Kim, PharmD" in "\n".join(checked.slides[0])
    assert "6Department of Pharmacy, City Clinic" in "\n".join(checked.slides[1])
    assert titles[2] == "Disclosures"


def test_disclosures_cover_last_24_months_only(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path)
    out = tmp_path / "talk.pptx"
    _export(library, made.abstract_id, out)
    checked = check_pptx(out, floor=18)
    disclosure = "\n".join(next(t for t in checked.slides if t[0] == "Disclosures"))
    assert "Ben Okafor, MD, PhD: Consultant, Medtronic" in disclosure
    assert "OldPharma" not in disclosure  # ended more than 24 months ago
    assert "Dana Fischer, MD, MPH: Speakers bureau, Abbott" in disclosure  # ended 9 months ago
    assert "Ana Ruiz, MD: No relevant financial relationships" in disclosure
    assert "Chen Li, DO: No relevant financial relationships" in disclosure
    index = next(i for i, t in enumerate(checked.slides) if t[0] == "Disclosures")
    shapes = Presentation(str(out)).slides[index].shapes
    assert not any(sh.shape_type == 13 for sh in shapes)  # no pictures: no company logos


def test_disclosure_window_moves_with_the_clock(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path)
    clock.set_clock(lambda: dt.datetime(2028, 6, 1, 12, tzinfo=dt.UTC))
    out = tmp_path / "talk.pptx"
    _export(library, made.abstract_id, out)
    disclosure = "\n".join(
        next(t for t in check_pptx(out, floor=18).slides if t[0] == "Disclosures")
    )
    assert "Abbott" not in disclosure  # ended Feb 2026, more than 24 months before June 2028
    assert "Medtronic" in disclosure  # still running


def test_references_are_numbered_complete_and_ama(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path, n_refs=14)
    out = tmp_path / "talk.pptx"
    _export(library, made.abstract_id, out)
    checked = check_pptx(out, floor=18)
    ref_text = "\n".join(
        "\n".join(texts[1:])
        for texts in checked.slides
        if texts and texts[0].startswith("References")
    )
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", ref_text, flags=re.M)]
    assert numbers == list(range(1, 15))
    for i in range(14):
        assert f"study {i + 1}." in ref_text
        assert f"doi:10.1136/rapm-2020-{100000 + i}" in ref_text
    assert "Cohen SP, Bhaskar A, Bhatia A, et\u00a0al." in ref_text
    assert "Smith0 JA, Doe J. Radiofrequency" in ref_text
    assert "Reg Anesth Pain Med. 2020;40(1):100\u2011110." in ref_text  # a range never breaks


def test_references_fall_back_to_the_project(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path, n_refs=3, refs_on="project")
    out = tmp_path / "talk.pptx"
    _export(library, made.abstract_id, out)
    titles = _titles(check_pptx(out, floor=18))
    assert "References" in titles


def test_long_results_continue_on_next_slides(library: Library, tmp_path: Path) -> None:
    long_results = words(600)
    made = make_abstract(library, tmp_path, results=long_results)
    out = tmp_path / "talk.pptx"
    _export(library, made.abstract_id, out)
    checked = check_pptx(out, floor=18)
    titles = _titles(checked)
    assert "Results, continued" in titles
    first = titles.index("Results")
    parts = []
    for texts in checked.slides[first:]:
        if texts[0] not in ("Results", "Results, continued"):
            break
        parts.append(" ".join(texts[1:]))
    joined = " ".join(plain(" ".join(parts)).split())
    assert joined == " ".join(long_results.split())  # every word, in order
    notes = checked.notes[first]
    assert long_results in plain(notes)


def test_speaker_notes_carry_each_section(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path)
    out = tmp_path / "talk.pptx"
    _export(library, made.abstract_id, out)
    checked = check_pptx(out, floor=18)
    titles = _titles(checked)
    assert checked.notes[titles.index("Conclusions")] == CONCLUSIONS


def test_thirty_slide_deck_fits(library: Library, tmp_path: Path) -> None:
    sections = tuple((f"Aim {i}", words(90)) for i in range(18))
    made = make_abstract(
        library, tmp_path, n_refs=30, extra_sections=sections, figures=("png", "webp", "jpeg")
    )
    out = tmp_path / "talk.pptx"
    result = _export(library, made.abstract_id, out)
    assert result.pages >= 30
    check_pptx(out, floor=18)


def test_a_figure_missing_from_the_database_is_a_clear_error_and_nothing_is_written(
    library: Library, tmp_path: Path
) -> None:
    made = make_abstract(library, tmp_path)
    with library.transaction() as s:  # as the move into the database leaves a lost file
        s.execute(
            sa_text("UPDATE abstract_images SET blob_sha256 = NULL WHERE path LIKE '%figure1.png'")
        )
    out = tmp_path / "talk.pptx"
    with pytest.raises(ExportError, match=r"figure1\.png is not stored in the database"):
        _export(library, made.abstract_id, out)
    assert list(tmp_path.glob("*.pptx")) == []
    assert list(tmp_path.glob(".talk-*")) == []


def test_moving_or_deleting_the_figure_files_does_not_break_the_deck(
    library: Library, tmp_path: Path
) -> None:
    made = make_abstract(library, tmp_path)
    for figure in tmp_path.glob("figure*"):
        figure.unlink()
    _export(library, made.abstract_id, tmp_path / "talk.pptx")
    assert (tmp_path / "talk.pptx").is_file()


@pytest.mark.skipif(
    importlib.util.find_spec("cairosvg") is not None,
    reason="cairosvg is installed, so SVG figures are converted",
)
def test_svg_logo_asks_for_png(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path, figures=())
    svg = tmp_path / "crest.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    with library.reading() as s, pytest.raises(ExportError, match="Convert SVG to PNG first"):
        slides.build_poster(s, SINGLE_USER, made.abstract_id, logos=[svg])


def test_cancel_leaves_nothing(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path)
    token = CancelToken()
    seen: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append(message)
        if message.startswith("Writing slide 3"):
            token.cancel()

    with pytest.raises(CancelledError):
        _export(library, made.abstract_id, tmp_path / "talk.pptx", progress=progress, cancel=token)
    assert list(tmp_path.glob("*.pptx")) == []
    assert seen[0] == "Reading the abstract"


def test_bad_output_path_and_unknown_abstract(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path)
    with pytest.raises(ExportError, match=r"\.pptx"):
        _export(library, made.abstract_id, tmp_path / "talk.pdf")
    with pytest.raises(ExportError, match="does not exist"):
        _export(library, made.abstract_id, tmp_path / "nowhere" / "talk.pptx")
    from scholar_desk.core.errors import NotFoundError

    with pytest.raises(NotFoundError):
        _export(library, 9999, tmp_path / "talk.pptx")


def test_build_deck_returns_a_layout_for_the_preview(library: Library, tmp_path: Path) -> None:
    made = make_abstract(library, tmp_path)
    with library.reading() as session:
        layout = slides.build_deck(session, SINGLE_USER, made.abstract_id)
    assert layout.slides[0].kind == "title"
    assert layout.width == 12_192_000
    assert any(s.title == "Disclosures" for s in layout.slides)
