"""Paragraph and run styles copied from python-pptx's own are the XML python-pptx writes.

`pptx_export._write_paragraph` lets python-pptx write each distinct paragraph and run
style once and copies it after that. Here a deck and both posters are written that way
and again with every paragraph written through python-pptx's API alone; every part of the
two files must be the same bytes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pptx.util import Pt
from slides_data import make_abstract, png, words

from scholar_desk.core.db.library import Library
from scholar_desk.core.formats import pptx_export
from scholar_desk.core.formats.layout import Paragraph, TextBox
from scholar_desk.core.formats.text_fit import bullet_indent_pt
from scholar_desk.core.services import slides
from scholar_desk.core.services.session import SINGLE_USER

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _through_python_pptx(target: Any, paragraph: Paragraph, box: TextBox, *, first: bool) -> None:
    """Every setting made with python-pptx's API, on every paragraph and run."""
    target.alignment = pptx_export._ALIGN[paragraph.align]
    target.level = 0
    target.line_spacing = Pt(paragraph.line_height_pt)
    target.space_before = Pt(0 if first else paragraph.space_before_pt)
    target.space_after = Pt(0)
    p_pr = target._p.get_or_add_pPr()
    indent = round(bullet_indent_pt(paragraph) * 12_700)
    p_pr.set("marL", str(indent))
    p_pr.set("indent", str(-indent if paragraph.bullet else 0))
    for old in p_pr.findall(f"{{{_A}}}buNone") + p_pr.findall(f"{{{_A}}}buChar"):
        p_pr.remove(old)
    if paragraph.bullet:
        etree.SubElement(p_pr, f"{{{_A}}}buFont", typeface="Arial")
        etree.SubElement(p_pr, f"{{{_A}}}buChar", char="\u2022")
    else:
        etree.SubElement(p_pr, f"{{{_A}}}buNone")
    color = paragraph.color or box.color
    for part in paragraph.runs:
        run = target.add_run()
        run.text = part.text
        font = run.font
        font.name = box.font
        font.size = Pt(paragraph.size_pt)
        font.bold = part.bold or paragraph.bold
        font.italic = part.italic
        font.underline = part.underline
        font.color.rgb = pptx_export._rgb(part.color or color)
        r_pr = run._r.get_or_add_rPr()
        r_pr.set("cap", "none")
        r_pr.set("spc", "0")
        if part.superscript:
            r_pr.set("baseline", "30000")
    end = target._p.get_or_add_endParaRPr()
    end.set("sz", str(round(paragraph.size_pt * 100)))


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("case", ["deck", "classic", "better"])
def test_copied_styles_write_what_python_pptx_writes(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    # A deck with many sections and references; a poster's abstract must fit one page.
    sections = tuple((f"Aim {i}", words(60)) for i in range(4)) if case == "deck" else ()
    made = make_abstract(
        library,
        tmp_path,
        n_refs=12 if case == "deck" else 5,
        extra_sections=sections,
        link_url="https://example.org/a",
    )
    logo = png(tmp_path / "logo.png", (600, 300))

    def export(out: Path) -> None:
        with library.reading() as session:
            if case == "deck":
                slides.export_deck(session, SINGLE_USER, made.abstract_id, out)
            else:
                slides.export_poster(
                    session, SINGLE_USER, made.abstract_id, out, layout=case, logos=[logo]
                )

    export(tmp_path / "copied.pptx")
    with monkeypatch.context() as patch:
        patch.setattr(pptx_export, "_write_paragraph", _through_python_pptx)
        export(tmp_path / "api.pptx")
    copied, api = _parts(tmp_path / "copied.pptx"), _parts(tmp_path / "api.pptx")
    assert sorted(copied) == sorted(api)
    styled = [name for name in api if b"<a:rPr" in api[name]]
    assert len(styled) >= (10 if case == "deck" else 1)
    for name in api:
        assert copied[name] == api[name], name
