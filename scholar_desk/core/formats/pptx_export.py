"""Write a `Layout` to a .pptx file on a template, with text exactly as measured.

Every text frame gets explicit sizes, insets, exact line spacing, word wrap on and
autofit off, so PowerPoint, Keynote and LibreOffice show it as `text_fit` measured it
(python-pptx's ``fit_text``/autofit flags are ignored by PowerPoint until the text is
edited). Text goes into the template's placeholder of the matching type where the slide
layout has one, so the file stays editable the way the template intends.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls
from pptx.text.text import _Paragraph as _TextParagraph
from pptx.text.text import _Run as _TextRun
from pptx.util import Emu, Pt

from scholar_desk.core.formats.images import fit_for_print
from scholar_desk.core.formats.layout import (
    Color,
    Layout,
    Paragraph,
    PictureBox,
    ShapeBox,
    Slide,
    TableBox,
    TextBox,
)
from scholar_desk.core.formats.templates import Template, open_presentation
from scholar_desk.core.formats.text_fit import bullet_indent_pt

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
_ANCHOR = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE, "bottom": MSO_ANCHOR.BOTTOM}
_ROLE_TYPES = {
    "title": {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE},
    "subtitle": {PP_PLACEHOLDER.SUBTITLE},
    "body": {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT},
}

StepHook = Callable[[int, int], None]


def render_pptx(layout: Layout, template: Template, *, step: StepHook | None = None) -> bytes:
    """Render ``layout`` on ``template`` and return the .pptx bytes.

    Args:
        layout: The pages; their size becomes the presentation's size.
        template: Theme and slide layouts; its own slides are removed.
        step: Called with (slides done, total) after each slide; may raise to cancel.

    Returns:
        The presentation file's bytes.
    """
    prs = open_presentation(template.data, template.name)
    _remove_slides(prs)
    prs.slide_width, prs.slide_height = Emu(layout.width), Emu(layout.height)
    layouts = list(prs.slide_layouts)
    total = len(layout.slides)
    for number, page in enumerate(layout.slides, start=1):
        spec = {
            "title": template.title_layout,
            "content": template.content_layout,
            "figure": template.content_layout,
        }.get(page.kind, template.blank_layout)
        slide = prs.slides.add_slide(layouts[spec.index])
        _fill_slide(slide, page)
        if page.notes:
            slide.notes_slide.notes_text_frame.text = page.notes
        if step is not None:
            step(number, total)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _rgb(color: Color) -> RGBColor:
    return RGBColor(color.r, color.g, color.b)  # type: ignore[no-untyped-call]  # untyped in python-pptx


def _remove_slides(prs: Any) -> None:
    ids = prs.slides._sldIdLst
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)


def _fill_slide(slide: Any, page: Slide) -> None:
    # Several placeholders may share idx 0 in hand-made templates: keep a list, not a dict.
    free = list(slide.placeholders)
    tree = slide.shapes._spTree
    for item in page.items:
        if isinstance(item, TextBox):
            target = _take_placeholder(free, item.role)
            if target is None:
                target = slide.shapes.add_textbox(
                    Emu(item.x), Emu(item.y), Emu(item.w), Emu(item.h)
                )
            else:  # paint it in the layout's order, above the bands drawn before it
                tree.append(target.element)
            _write_text(target, item)
        elif isinstance(item, PictureBox):
            data = fit_for_print(item.data, item.w, item.h)
            picture = slide.shapes.add_picture(
                io.BytesIO(data), Emu(item.x), Emu(item.y), Emu(item.w), Emu(item.h)
            )
            if item.description:
                picture.element.nvPicPr.cNvPr.set("descr", item.description)
        elif isinstance(item, ShapeBox):
            _write_shape(slide, item)
        elif isinstance(item, TableBox):
            _write_table(slide, item)
    for placeholder in free:  # an empty placeholder shows "Click to add text"
        placeholder.element.getparent().remove(placeholder.element)


def _take_placeholder(free: list[Any], role: str) -> Any:
    kinds = _ROLE_TYPES.get(role)
    if not kinds:
        return None
    for placeholder in free:
        if placeholder.placeholder_format.type in kinds:
            free.remove(placeholder)
            return placeholder
    return None


def _write_shape(slide: Any, item: ShapeBox) -> None:
    kind = MSO_SHAPE.ROUNDED_RECTANGLE if item.rounded else MSO_SHAPE.RECTANGLE
    shape = slide.shapes.add_shape(kind, Emu(item.x), Emu(item.y), Emu(item.w), Emu(item.h))
    if item.rounded:
        shape.adjustments[0] = 0.04
    if item.fill is None:
        shape.fill.background()
    else:
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(item.fill)
    if item.line is None:
        shape.line.fill.background()
    else:
        shape.line.color.rgb = _rgb(item.line)
    shape.shadow.inherit = False
    style = shape.element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}style")
    if style is not None:  # the default style would add a theme outline and text colour
        shape.element.remove(style)


def _write_table(slide: Any, item: TableBox) -> None:
    """A real table: fixed column widths and row heights, every cell styled explicitly."""
    nrows, ncols = len(item.row_heights), len(item.col_widths)
    frame = slide.shapes.add_table(
        nrows, ncols, Emu(item.x), Emu(item.y), Emu(item.w), Emu(item.h)
    )
    frame.name = item.name or "Table"
    table = frame.table
    table.first_row = True
    table.horz_banding = False
    for c, width in enumerate(item.col_widths):
        table.columns[c].width = Emu(width)
    for r, height in enumerate(item.row_heights):
        table.rows[r].height = Emu(height)
        fill = item.header_fill if r == 0 else (item.band_fill if r % 2 == 0 else None)
        color = item.header_color if r == 0 else item.color
        for c in range(ncols):
            cell = table.cell(r, c)
            if fill is None:
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(Color(255, 255, 255))
            else:
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(fill)
            cell.margin_left = Emu(item.insets.left)
            cell.margin_right = Emu(item.insets.right)
            cell.margin_top = Emu(item.insets.top)
            cell.margin_bottom = Emu(item.insets.bottom)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame_text = cell.text_frame
            frame_text.word_wrap = True
            stand_in = TextBox(0, 0, 0, 0, (), font=item.font, color=color)
            for i, paragraph in enumerate(item.cells[r][c]):
                target = frame_text.paragraphs[0] if i == 0 else frame_text.add_paragraph()
                _write_paragraph(target, paragraph, stand_in, first=i == 0)


def _write_text(shape: Any, box: TextBox) -> None:
    shape.left, shape.top, shape.width, shape.height = (
        Emu(box.x),
        Emu(box.y),
        Emu(box.w),
        Emu(box.h),
    )
    if box.name:
        shape.name = box.name
    if box.fill is not None:
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(box.fill)
    frame = shape.text_frame
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = Emu(box.insets.left)
    frame.margin_right = Emu(box.insets.right)
    frame.margin_top = Emu(box.insets.top)
    frame.margin_bottom = Emu(box.insets.bottom)
    frame.vertical_anchor = _ANCHOR[box.anchor]
    body_pr = frame._txBody.bodyPr
    body_pr.set("rtlCol", "0")
    body_pr.set("vert", "horz")
    for i, paragraph in enumerate(box.paragraphs):
        target = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        _write_paragraph(target, paragraph, box, first=i == 0)


def _write_paragraph(target: Any, paragraph: Paragraph, box: TextBox, *, first: bool) -> None:
    """Write one paragraph's spacing, bullet and runs into ``target`` (a python-pptx one).

    Its properties and each run's are made by python-pptx once per distinct style and
    copied after that (`_paragraph_properties`, `_run_properties`): a deck writes a few
    hundred paragraphs in a dozen styles, and python-pptx's setters look their elements
    up again on every call.
    """
    p = target._p
    values = (
        paragraph.align,
        paragraph.line_height_pt,
        0.0 if first else paragraph.space_before_pt,
        round(bullet_indent_pt(paragraph) * 12_700),
        paragraph.bullet,
    )
    if p.pPr is None:
        p.insert(0, copy.deepcopy(_paragraph_properties(*values)))
    else:  # a template's own paragraph: set on what it has
        _set_paragraph_properties(target, *values)
    color = paragraph.color or box.color
    for part in paragraph.runs:
        r = p.add_r()
        r.insert(
            0,
            copy.deepcopy(
                _run_properties(
                    box.font,
                    paragraph.size_pt,
                    part.bold or paragraph.bold,
                    part.italic,
                    part.underline,
                    part.color or color,
                    part.superscript,
                )
            ),
        )
        r.text = part.text
    end = p.get_or_add_endParaRPr()
    end.set("sz", str(round(paragraph.size_pt * 100)))


def _set_paragraph_properties(
    target: Any, align: str, line_height_pt: float, space_before: float, indent: int, bullet: bool
) -> None:
    target.alignment = _ALIGN[align]
    target.level = 0
    target.line_spacing = Pt(line_height_pt)
    target.space_before = Pt(space_before)
    target.space_after = Pt(0)
    p_pr = target._p.get_or_add_pPr()
    p_pr.set("marL", str(indent))
    p_pr.set("indent", str(-indent if bullet else 0))
    for old in p_pr.findall(f"{{{_A}}}buNone") + p_pr.findall(f"{{{_A}}}buChar"):
        p_pr.remove(old)
    if bullet:
        etree.SubElement(p_pr, f"{{{_A}}}buFont", typeface="Arial")
        etree.SubElement(p_pr, f"{{{_A}}}buChar", char="\u2022")
    else:
        etree.SubElement(p_pr, f"{{{_A}}}buNone")


# A loose paragraph or run has no part; styles never ask for one (only links do).
_NO_PART: Any = None


@lru_cache(maxsize=256)
def _paragraph_properties(
    align: str, line_height_pt: float, space_before: float, indent: int, bullet: bool
) -> Any:
    """The ``a:pPr`` python-pptx writes for these values on a new paragraph (copy it)."""
    scratch = _TextParagraph(parse_xml(f"<a:p {nsdecls('a')}/>"), _NO_PART)
    _set_paragraph_properties(scratch, align, line_height_pt, space_before, indent, bullet)
    return scratch._p.pPr


@lru_cache(maxsize=256)
def _run_properties(
    font_name: str,
    size_pt: float,
    bold: bool,
    italic: bool,
    underline: bool,
    color: Color,
    superscript: bool,
) -> Any:
    """The ``a:rPr`` python-pptx writes for this style on a new run (copy it)."""
    run = _TextRun(parse_xml(f"<a:r {nsdecls('a')}><a:t/></a:r>"), _NO_PART)
    font = run.font
    font.name = font_name
    font.size = Pt(size_pt)
    font.bold = bold
    font.italic = italic
    font.underline = underline
    font.color.rgb = _rgb(color)
    r_pr = run._r.get_or_add_rPr()
    r_pr.set("cap", "none")
    r_pr.set("spc", "0")
    if superscript:
        r_pr.set("baseline", "30000")
    return r_pr
