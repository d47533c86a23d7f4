"""Poster and slide templates (.potx): read back, bad input, and fed back as --template."""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.util import Emu
from slides_data import TODAY, make_abstract, png
from sqlalchemy import select

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ExportError, NotFoundError, OutputExistsError
from scholar_desk.core.formats import poster_rules
from scholar_desk.core.formats.potx import TEMPLATE_CONTENT_TYPE, as_template
from scholar_desk.core.formats.potx_poster import BODY_PT, TITLE_PT
from scholar_desk.core.formats.potx_slides import DISCLOSURE_WORDING, LAYOUT_NAMES
from scholar_desk.core.formats.templates import patch_potx
from scholar_desk.core.services import slides, template_export
from scholar_desk.core.services.session import SINGLE_USER

INCH = 914_400
SECTIONS = ("Background", "Methods", "Results", "Conclusions")
EVERY_POSTER = ("References", "Disclosures", "Acknowledgments")
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NEW_ACCENT = "7A1F5C"


@pytest.fixture
def made(library: Library, tmp_path: Path) -> tuple[int, int]:
    """An abstract at ASRA PM, whose poster rules say 48 x 36 in landscape, 16:9 screens."""
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))
    abstract = make_abstract(library, tmp_path, figures=("png",)).abstract_id
    with library.transaction() as s:
        conference = s.scalars(select(m.Conference)).one()
        conference.poster_size = "48x36in"
        conference.poster_orientation = "landscape"
        conference.eposter_format = "PDF, one slide"
        conference.eposter_aspect = "16:9"
        conference.required_sections = ", ".join(SECTIONS)
        conference.is_example = True
        return abstract, conference.id


def content_type(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("[Content_Types].xml"))
    return next(o.get("ContentType") for o in root if o.get("PartName") == "/ppt/presentation.xml")


def open_potx(path: Path) -> Presentation:
    return Presentation(io.BytesIO(patch_potx(path.read_bytes())))


def by_name(shapes) -> dict[str, object]:
    return {shape.name: shape for shape in shapes}


def font_size_pt(placeholder) -> float:
    size = placeholder.element.find(
        ".//{http://schemas.openxmlformats.org/drawingml/2006/main}lvl1pPr/"
        "{http://schemas.openxmlformats.org/drawingml/2006/main}defRPr"
    ).get("sz")
    return int(size) / 100


def logo(tmp_path: Path) -> Path:
    return png(tmp_path / "logo.png", size=(600, 240))


# Poster ---------------------------------------------------------------------------------


def test_poster_template_at_the_meetings_board(
    library: Library, made: tuple[int, int], tmp_path: Path
) -> None:
    _abstract, conference = made
    out = tmp_path / "poster.potx"
    with library.reading() as s:
        result = template_export.export_poster_template(
            s, SINGLE_USER, out, conference_id=conference, logos=[logo(tmp_path)]
        )
    assert result.warnings == ()
    assert content_type(out) == TEMPLATE_CONTENT_TYPE
    prs = open_potx(out)
    assert (prs.slide_width, prs.slide_height) == (48 * INCH, 36 * INCH)
    assert [layout.name for layout in prs.slide_layouts] == ["Poster", "Blank"]
    assert len(prs.slides) == 1
    layout = prs.slide_layouts[0]
    placeholders = {ph.name: ph for ph in layout.placeholders}
    assert placeholders["Title"].placeholder_format.type == PP_PLACEHOLDER.TITLE
    assert placeholders["Authors"].placeholder_format.type == PP_PLACEHOLDER.SUBTITLE
    for name in (*SECTIONS, *EVERY_POSTER):
        assert placeholders[name].placeholder_format.type == PP_PLACEHOLDER.BODY, name
        assert font_size_pt(placeholders[name]) == BODY_PT
        assert placeholders[name].top > placeholders["Title"].top + placeholders["Title"].height
    assert placeholders["QR code"].placeholder_format.type == PP_PLACEHOLDER.PICTURE
    assert font_size_pt(placeholders["Title"]) == TITLE_PT
    # The logo sits in the title band, on the layout, and no placeholder covers it.
    pictures = [s for s in layout.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    assert pictures[0].top + pictures[0].height <= placeholders["Background"].top
    assert pictures[0].left + pictures[0].width <= placeholders["Title"].left
    # The slide: one empty placeholder per section, named after it; headings as text.
    slide = prs.slides[0]
    on_slide = by_name(slide.placeholders)
    for name in (*SECTIONS, *EVERY_POSTER):
        assert on_slide[name].text_frame.text == ""
    headings = [
        s.text_frame.text for s in slide.shapes if not s.is_placeholder and s.has_text_frame
    ]
    assert set(SECTIONS + EVERY_POSTER) <= set(headings)
    assert "ASRA PM posters: board 48 \u00d7 36 in" in slide.notes_slide.notes_text_frame.text
    assert "example rules" in slide.notes_slide.notes_text_frame.text


def test_poster_template_portrait_better_layout(
    library: Library, made: tuple[int, int], tmp_path: Path
) -> None:
    _abstract, conference = made
    out = tmp_path / "poster.potx"
    with library.reading() as s:
        result = template_export.export_poster_template(
            s, SINGLE_USER, out, conference_id=conference, size="A0", layout="better"
        )
    # A0 portrait is neither the board's size nor its orientation: written, with a warning.
    assert result.warnings == (
        "ASRA PM posters are 48 \u00d7 36 in (landscape); the template is "
        "84.1 \u00d7 118.9 cm (A0) as asked.",
    )
    prs = open_potx(out)
    assert (prs.slide_width, prs.slide_height) == poster_rules.parse_size("A0")
    names = {ph.name for ph in prs.slide_layouts[0].placeholders}
    assert {"Main finding", "QR code", "Figures", *SECTIONS, *EVERY_POSTER} <= names


def test_poster_template_filled_from_an_abstract(
    library: Library, made: tuple[int, int], tmp_path: Path
) -> None:
    abstract, _conference = made
    out = tmp_path / "poster.potx"
    with library.reading() as s:
        result = template_export.export_poster_template(s, SINGLE_USER, out, abstract_id=abstract)
        title = slides.read_content(s, SINGLE_USER, abstract).title
    # The abstract's meeting gives the size.
    assert (result.width, result.height) == (48 * INCH, 36 * INCH)
    slide = open_potx(out).slides[0]
    on_slide = by_name(slide.placeholders)
    assert on_slide["Title"].text_frame.text == title
    authors = on_slide["Authors"].text_frame.text
    assert "Ana Ruiz" in authors
    assert "ASRA" in authors
    assert "*Presenting author" in authors
    # Affiliation numbers stay superscript, as on the poster itself.
    assert b'baseline="30000"' in etree.tostring(on_slide["Authors"].element)
    for name in SECTIONS:
        assert on_slide[name].text_frame.text == ""


def test_eposter_screen_size(library: Library, made: tuple[int, int], tmp_path: Path) -> None:
    _abstract, conference = made
    with library.reading() as s:
        result = template_export.export_poster_template(
            s, SINGLE_USER, tmp_path / "screen.potx", conference_id=conference, size="screen"
        )
    assert result.width * 9 == result.height * 16
    assert result.width == 48 * INCH


# Slides ---------------------------------------------------------------------------------


def test_slide_template_layouts_footer_and_logo(
    library: Library, made: tuple[int, int], tmp_path: Path
) -> None:
    _abstract, conference = made
    out = tmp_path / "talk.potx"
    with library.reading() as s:
        result = template_export.export_slide_template(
            s, SINGLE_USER, out, conference_id=conference, logos=[logo(tmp_path)]
        )
    assert result.layouts == LAYOUT_NAMES
    assert content_type(out) == TEMPLATE_CONTENT_TYPE
    prs = open_potx(out)
    assert (prs.slide_width, prs.slide_height) == (Emu(12_192_000), Emu(6_858_000))
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    assert list(layouts) == list(LAYOUT_NAMES)

    def kinds(name: str) -> dict[str, PP_PLACEHOLDER]:
        return {ph.name: ph.placeholder_format.type for ph in layouts[name].placeholders}

    assert kinds("Title") == {
        "Title": PP_PLACEHOLDER.CENTER_TITLE,
        "Authors": PP_PLACEHOLDER.SUBTITLE,
    }
    assert kinds("Content")["Content"] == PP_PLACEHOLDER.OBJECT
    assert set(kinds("Two content")) == {"Title", "Left content", "Right content"}
    assert kinds("Figure with caption") == {
        "Title": PP_PLACEHOLDER.TITLE,
        "Figure": PP_PLACEHOLDER.PICTURE,
        "Caption": PP_PLACEHOLDER.BODY,
    }
    disclosures = {ph.name: ph for ph in layouts["Disclosures"].placeholders}["Disclosures"]
    assert disclosures.text_frame.text.splitlines() == list(DISCLOSURE_WORDING)
    # The example slides: one per layout, in order; the disclosure slide holds the wording.
    assert [slide.slide_layout.name for slide in prs.slides] == list(LAYOUT_NAMES)
    assert "ineligible companies" in prs.slides[1].placeholders[1].text_frame.text
    master = prs.slide_master
    footer = by_name(master.shapes)["Meeting footer"].text_frame.text
    assert (
        footer
        == "ASRA Pain Medicine Annual Meeting \u00b7 November 12\u201314, 2026 \u00b7 San Diego, CA"
    )
    logos = [s for s in master.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(logos) == 1
    assert logos[0].left + logos[0].width <= prs.slide_width
    assert (
        layouts["Content"].placeholders[0].left + layouts["Content"].placeholders[0].width
        <= logos[0].left
    )


# Bad input: one clear message, nothing written ------------------------------------------


def test_bad_input_writes_nothing(library: Library, made: tuple[int, int], tmp_path: Path) -> None:
    _abstract, conference = made
    folder = tmp_path / "out"
    folder.mkdir()
    not_image = tmp_path / "logo.png"
    not_image.write_text("this is not a picture")
    with library.reading() as s:
        with pytest.raises(NotFoundError, match="no conference with id 999"):
            template_export.export_poster_template(
                s, SINGLE_USER, folder / "a.potx", conference_id=999
            )
        with pytest.raises(NotFoundError, match="No conference called 'XYZ'"):
            template_export.find_conference(s, SINGLE_USER, "XYZ")
        with pytest.raises(ExportError, match=r"The logo logo\.png is not an image"):
            template_export.export_slide_template(
                s, SINGLE_USER, folder / "b.potx", logos=[not_image]
            )
        with pytest.raises(ExportError, match="'huge' is not a poster size"):
            template_export.export_poster_template(s, SINGLE_USER, folder / "c.potx", size="huge")
        with pytest.raises(ExportError, match=r"as a \.potx file"):
            template_export.export_poster_template(s, SINGLE_USER, folder / "d.pptx")
        (folder / "e.potx").write_bytes(b"keep")
        with pytest.raises(OutputExistsError):
            template_export.export_poster_template(s, SINGLE_USER, folder / "e.potx")
        assert template_export.find_conference(s, SINGLE_USER, "asra pm") == conference
    assert sorted(p.name for p in folder.iterdir()) == ["e.potx"]
    assert (folder / "e.potx").read_bytes() == b"keep"


# Round trip: changed as PowerPoint would, then used by slides and poster ----------------


def _edit_like_powerpoint(path: Path, out: Path) -> None:
    """Open the template, change its theme's accent colour and a prompt, save it as .potx."""
    prs = open_potx(path)
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    accent = root.find(".//a:clrScheme/a:accent1", {"a": A})
    for child in list(accent):
        accent.remove(child)
    etree.SubElement(accent, f"{{{A}}}srgbClr", val=NEW_ACCENT)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    prs.slide_layouts[0].placeholders[0].text_frame.text = "Our department's title prompt"
    buffer = io.BytesIO()
    prs.save(buffer)
    out.write_bytes(as_template(buffer.getvalue()))


def test_round_trip_as_template(library: Library, made: tuple[int, int], tmp_path: Path) -> None:
    abstract, conference = made
    poster_potx, talk_potx = tmp_path / "poster.potx", tmp_path / "talk.potx"
    with library.reading() as s:
        template_export.export_poster_template(
            s,
            SINGLE_USER,
            poster_potx,
            conference_id=conference,
            size="A0",
            logos=[logo(tmp_path)],
        )
        template_export.export_slide_template(s, SINGLE_USER, talk_potx, conference_id=conference)
    edited_poster, edited_talk = tmp_path / "poster-edited.potx", tmp_path / "talk-edited.potx"
    _edit_like_powerpoint(poster_potx, edited_poster)
    _edit_like_powerpoint(talk_potx, edited_talk)
    assert content_type(edited_poster) == TEMPLATE_CONTENT_TYPE
    with library.reading() as s:
        deck = slides.export_deck(
            s, SINGLE_USER, abstract, tmp_path / "talk.pptx", template=edited_talk
        )
        slides.export_poster(
            s, SINGLE_USER, abstract, tmp_path / "poster.pptx", template=edited_poster
        )
    talk = Presentation(str(tmp_path / "talk.pptx"))
    assert len(talk.slides) == deck.pages > 3
    used = {slide.slide_layout.name for slide in talk.slides}
    assert {"Title", "Content"} <= used
    assert by_name(talk.slide_master.shapes)["Meeting footer"].text_frame.text.startswith("ASRA")
    poster = Presentation(str(tmp_path / "poster.pptx"))
    # The template's own page (A0 portrait) wins, as for any institutional template.
    assert (poster.slide_width, poster.slide_height) == poster_rules.parse_size("A0")
    assert len(poster.slides) == 1
    assert poster.slides[0].slide_layout.name == "Blank"
    texts = " ".join(s.text_frame.text for s in poster.slides[0].shapes if s.has_text_frame)
    assert "Durable Relief" in texts
    # The colour changed in the template is the poster's banner colour.
    assert f'val="{NEW_ACCENT}"'.encode() in etree.tostring(poster.slides[0].shapes._spTree)


def test_shape_ids_are_unique_in_every_part(
    library: Library, made: tuple[int, int], tmp_path: Path
) -> None:
    """PowerPoint offers to repair a file whose slide, layout or master repeats a shape id."""
    _abstract, conference = made
    files = [tmp_path / "classic.potx", tmp_path / "better.potx", tmp_path / "talk.potx"]
    with library.reading() as s:
        template_export.export_poster_template(
            s, SINGLE_USER, files[0], conference_id=conference, logos=[logo(tmp_path)] * 2
        )
        template_export.export_poster_template(
            s, SINGLE_USER, files[1], conference_id=conference, layout="better"
        )
        template_export.export_slide_template(
            s, SINGLE_USER, files[2], conference_id=conference, logos=[logo(tmp_path)]
        )
    p = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
    for path in files:
        with zipfile.ZipFile(path) as archive:
            parts = [
                n for n in archive.namelist() if n.startswith("ppt/slide") and n.endswith(".xml")
            ]
            assert parts
            for name in parts:
                ids = [e.get("id") for e in etree.fromstring(archive.read(name)).iter(f"{p}cNvPr")]
                assert len(ids) == len(set(ids)), f"{path.name}:{name} repeats a shape id"
            # Every relationship points at a part that is in the package.
            names = set(archive.namelist())
            for rels in (n for n in names if n.endswith(".rels")):
                folder = rels.replace("_rels/", "").removesuffix(".rels").rsplit("/", 1)[0]
                for rel in etree.fromstring(archive.read(rels)):
                    if rel.get("TargetMode") == "External":
                        continue
                    target = rel.get("Target")
                    base = folder if "/" in rels.replace("_rels/", "") else ""
                    resolved = target.lstrip("/") if target.startswith("/") else f"{base}/{target}"
                    assert posixpath.normpath(resolved).lstrip("/") in names, f"{rels} -> {target}"


def test_an_institutions_deck_as_the_posters_theme(
    library: Library, made: tuple[int, int], tmp_path: Path
) -> None:
    """A 16:9 department deck gives a 48 x 36 in poster its theme; its master is scaled."""
    from scholar_desk.core.formats.templates import builtin_path

    _abstract, conference = made
    out = tmp_path / "poster.potx"
    with library.reading() as s:
        template_export.export_poster_template(
            s, SINGLE_USER, out, conference_id=conference, template=builtin_path("deck-plain")
        )
    prs = open_potx(out)
    assert (prs.slide_width, prs.slide_height) == (48 * INCH, 36 * INCH)
    deck = Presentation(str(builtin_path("deck-plain")))
    before = next(s for s in deck.slide_master.shapes if not s.is_placeholder)
    after = next(s for s in prs.slide_master.shapes if not s.is_placeholder)
    # The deck's band keeps its place on the page: same share of the width and height.
    assert after.left / prs.slide_width == pytest.approx(before.left / deck.slide_width, rel=1e-4)
    assert after.width / prs.slide_width == pytest.approx(
        before.width / deck.slide_width, rel=1e-4
    )
    assert after.height / prs.slide_height == pytest.approx(
        before.height / deck.slide_height, rel=1e-4
    )
    assert [layout.name for layout in prs.slide_layouts] == ["Poster", "Blank"]
