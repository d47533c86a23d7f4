"""Text measurement, wrapping, fitting and splitting with real font metrics."""

from __future__ import annotations

import pytest
from PIL import ImageFont

from scholar_desk.core.formats import text_fit
from scholar_desk.core.formats.layout import Insets, Paragraph, Run, inches

FACE = text_fit.resolve_face("Calibri")
INSETS = Insets(0, 0, 0, 0)
PROSE = (
    "Mean pain scores fell from 7.2 to 3.9 and 61% of patients met the primary outcome. "
    "Daily opioid use decreased by a median of 18 MME in patients who responded. "
)


def para(text: str, size: float = 24, **kw: object) -> Paragraph:
    return Paragraph((Run(text),), size, **kw)  # type: ignore[arg-type]


def test_calibri_is_measured_with_the_shipped_carlito() -> None:
    assert FACE.family == "Calibri"
    assert FACE.regular.name == "Carlito-Regular.ttf"
    assert FACE.bold.name == "Carlito-Bold.ttf"
    assert FACE.substitute == "Carlito"


def test_unknown_family_falls_back_to_calibri() -> None:
    face = text_fit.resolve_face("No Such Font 12345")
    assert face.family == "Calibri"
    assert face.regular.name == "Carlito-Regular.ttf"


def test_width_comes_from_the_font_file() -> None:
    font = ImageFont.truetype(str(FACE.regular), 1000, layout_engine=ImageFont.Layout.BASIC)
    expected = font.getlength("Radiofrequency ablation") / 1000 * 24
    measured = text_fit.text_width_pt("Radiofrequency ablation", 24, FACE)
    assert measured == pytest.approx(expected * text_fit.WIDTH_SAFETY, rel=1e-3)
    bold = text_fit.text_width_pt("Radiofrequency ablation", 24, FACE, (True, False, False))
    assert bold > measured
    sup = text_fit.text_width_pt("12", 24, FACE, (False, False, True))
    assert sup < text_fit.text_width_pt("12", 24, FACE)


def test_wrapping_breaks_at_words_within_the_width() -> None:
    p = para(PROSE * 3)
    width = inches(6)
    lines = text_fit._wrap(p, width / 12_700, FACE)
    assert len(lines) == text_fit.line_count(p, width, FACE) > 3
    for line in lines:
        text = " ".join("".join(t for t, _, _ in w.pieces) for w in line)
        assert text_fit.text_width_pt(text, 24, FACE) <= width / 12_700 + 0.01
    words = [("".join(t for t, _, _ in w.pieces)) for line in lines for w in line]
    assert words == (PROSE * 3).split()


def test_an_overlong_word_is_broken_by_characters() -> None:
    url = "https://doi.org/10.1136/" + "x" * 120
    p = para(url)
    assert text_fit.line_count(p, inches(3), FACE) >= 2


def test_height_counts_lines_spacing_and_bullets() -> None:
    one = para("Short.", 20)
    assert text_fit.paragraphs_height_emu([one], inches(5), FACE) == pytest.approx(
        20 * 1.2 * 12_700, abs=1
    )
    two = [one, para("Short.", 20, space_before_pt=10)]
    assert text_fit.paragraphs_height_emu(two, inches(5), FACE) == pytest.approx(
        (2 * 24 + 10) * 12_700, abs=1
    )
    bullet = para(PROSE, 24, bullet=True)
    plain = para(PROSE, 24)
    width = inches(4)
    assert text_fit.line_count(bullet, width, FACE) >= text_fit.line_count(plain, width, FACE)


def test_fit_size_goes_down_to_the_floor_and_no_further() -> None:
    def build(size: float) -> list[Paragraph]:
        return [para(PROSE * 2, size)]

    w, h = inches(8), inches(2.5)
    fitted = text_fit.fit_size(build, w, h, INSETS, FACE, max_pt=40, floor_pt=12)
    assert fitted is not None
    size, paragraphs = fitted
    assert 12 <= size < 40
    assert text_fit.fits(paragraphs, w, h, INSETS, FACE)
    assert not text_fit.fits(build(size + 1), w, h, INSETS, FACE)
    assert text_fit.fit_size(build, w, inches(0.5), INSETS, FACE, max_pt=40, floor_pt=18) is None


def test_split_keeps_every_word_in_order_and_each_chunk_fits() -> None:
    paragraphs = [para(PROSE * 4, 24, bullet=True, space_before_pt=12) for _ in range(5)]
    w, h = inches(11), inches(5)
    chunks = text_fit.split_to_fit(paragraphs, w, h, INSETS, FACE)
    assert len(chunks) > 1
    for chunk in chunks:
        assert text_fit.fits(chunk, w, h, INSETS, FACE)
    out = " ".join(p.text for chunk in chunks for p in chunk).split()
    assert out == " ".join(p.text for p in paragraphs).split()


def test_split_keeps_run_styles() -> None:
    runs = (Run("Bold start ", bold=True), Run(PROSE * 6), Run("italic end", italic=True))
    p = Paragraph(runs, 24)
    first, rest = text_fit.split_paragraph(p, inches(6), FACE, 3)
    assert first.runs[0] == Run("Bold start ", bold=True)
    assert rest.runs[-1] == Run("italic end", italic=True)
    assert (first.text + " " + rest.text).split() == p.text.split()


def test_words_over_estimates_the_excess() -> None:
    text = " ".join(["word"] * 400)
    p = [para(text, 24)]
    w, h = inches(10), inches(2)
    over = text_fit.words_over(p, w, h, INSETS, FACE)
    assert 250 < over < 400
    assert text_fit.words_over([para("short", 24)], w, h, INSETS, FACE) == 0


@pytest.mark.parametrize(("count", "rounded"), [(7, 7), (23, 25), (240, 240), (241, 250)])
def test_round_words(count: int, rounded: int) -> None:
    assert text_fit.round_words(count) == rounded
