"""Built-in templates and third-party institutional templates from the corpus."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu
from slides_data import TODAY, check_pptx, make_abstract

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats import templates
from scholar_desk.core.services import slides
from scholar_desk.core.services.session import SINGLE_USER


@pytest.fixture(autouse=True)
def _fixed_today() -> None:
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))


@pytest.mark.parametrize("name", templates.BUILTIN_DECKS + templates.BUILTIN_POSTERS)
def test_builtin_templates_load(name: str) -> None:
    tpl = templates.load_template(name)
    assert tpl.builtin
    assert tpl.heading_font == "Calibri"
    assert tpl.content_layout.title is not None
    assert tpl.is_poster == name.startswith("poster")


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["nyush__template.potx", "nyush__template.pptx"])
def test_institutional_deck_template(
    corpus: Path, library: Library, tmp_path: Path, name: str
) -> None:
    source = corpus / "pptx" / name
    tpl = templates.load_template(source)
    assert tpl.title_layout.name == "Title Slide"
    assert tpl.content_layout.name == "Title and Content"
    made = make_abstract(library, tmp_path)
    out = tmp_path / "talk.pptx"
    with library.reading() as session:
        result = slides.export_deck(session, SINGLE_USER, made.abstract_id, out, template=source)
    checked = check_pptx(out, floor=18)
    prs = Presentation(str(out))
    assert round(Emu(prs.slide_width).inches, 2) == 13.33
    assert len(prs.slides) == result.pages
    every = "\n".join(t for texts in checked.slides for t in texts)
    assert "Long Title" not in every  # the template's own sample slides are gone
    assert "Outline" not in every
    used = {slide.slide_layout.name for slide in prs.slides}
    assert used == {"Title Slide", "Title and Content"}
    # Placeholders found by type: the title went into the layout's title placeholder.
    titles = [slide.shapes.title.text for slide in prs.slides if slide.shapes.title is not None]
    assert "Background" in titles
    assert titles[0].startswith("Durable Relief")


@pytest.mark.corpus
@pytest.mark.parametrize("layout", ["classic", "better"])
def test_institutional_poster_template_keeps_its_size(
    corpus: Path, library: Library, tmp_path: Path, layout: str
) -> None:
    source = corpus / "pptx" / "cuphys__poster.pptx"
    made = make_abstract(library, tmp_path, link_url="https://example.org/abstract")
    out = tmp_path / "poster.pptx"
    with library.reading() as session:
        slides.export_poster(
            session, SINGLE_USER, made.abstract_id, out, template=source, layout=layout
        )
    check_pptx(out, floor=24, title_floor=72)
    prs = Presentation(str(out))
    assert round(Emu(prs.slide_width).inches, 2) == 47.49
    assert round(Emu(prs.slide_height).inches, 2) == 35.61
    assert len(prs.slides) == 1
    names = [sh.name for sh in prs.slides[0].shapes]
    assert "Group 36" not in names  # the template's sample slide was removed


def test_potx_content_type_is_patched_in_memory() -> None:
    raw = templates.builtin_path("deck-plain").read_bytes()
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"presentationml.presentation.main+xml", b"presentationml.template.main+xml"
                )
            target.writestr(info, data)
    tpl = templates.read_template(out.getvalue(), name="plain.potx")
    assert tpl.content_layout.name == "Title and Content"


def test_template_without_a_title_layout_says_what_is_missing(tmp_path: Path) -> None:
    prs = Presentation(str(templates.builtin_path("deck-plain")))
    for layout in prs.slide_layouts:
        for ph in list(layout.placeholders):
            ph.element.getparent().remove(ph.element)
    path = tmp_path / "broken.pptx"
    prs.save(str(path))
    with pytest.raises(ExportError, match="no slide layout with a title placeholder"):
        templates.load_template(path)


def test_not_a_presentation(tmp_path: Path) -> None:
    path = tmp_path / "notes.pptx"
    path.write_text("hello")
    with pytest.raises(ExportError, match="not a PowerPoint presentation"):
        templates.load_template(path)
    with pytest.raises(ExportError, match="was not found"):
        templates.load_template(tmp_path / "missing.potx")
