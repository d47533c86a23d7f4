"""PowerPoint templates (.potx) written from a theme: the parts both kinds share.

A template is a presentation package whose main part has the template content type, so
PowerPoint opens a new, untitled presentation from it. We start from a loaded `Template`
(its theme, fonts, colours and master), remove its slides and layouts, add our own named
layouts, and write the package with that content type. The master's own shapes are
scaled to the new page, so an institutional 4:3 master still lines up on 16:9.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.parts.slide import SlideLayoutPart
from pptx.util import Emu

from scholar_desk.core.formats.images import ImageData
from scholar_desk.core.formats.layout import Color, Run
from scholar_desk.core.formats.templates import Rect, Template, open_presentation

TEMPLATE_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
)
"""The content type of a PowerPoint template's main part."""
PRESENTATION_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NSDECL = f'xmlns:a="{_A}" xmlns:r="{_R}" xmlns:p="{_P}"'
_FIRST_LAYOUT_ID = 2147483649


@dataclass(frozen=True)
class Text:
    """The look of a placeholder's or text box's first level of text.

    Attributes:
        size_pt: Font size in points.
        bold: Bold text.
        align: ``l``, ``ctr`` or ``r``.
        anchor: ``t``, ``ctr`` or ``b``.
        color: A fixed colour; ``None`` keeps the theme's.
        font: ``+mj-lt`` (headings) or ``+mn-lt`` (body) from the theme, or a family.
        bullets: Whether the first level carries bullets.
    """

    size_pt: float
    bold: bool = False
    align: str = "l"
    anchor: str = "t"
    color: Color | None = None
    font: str = "+mn-lt"
    bullets: bool = False


class ShapeIds:
    """Hands out shape ids unique within one slide, layout or master."""

    def __init__(self, start: int = 2) -> None:
        self.next = start

    def take(self) -> int:
        """The next free id."""
        value = self.next
        self.next += 1
        return value


def _xfrm(rect: Rect) -> str:
    return (
        f'<a:xfrm><a:off x="{rect.x}" y="{rect.y}"/><a:ext cx="{rect.w}" cy="{rect.h}"/></a:xfrm>'
    )


def _color_xml(color: Color | None) -> str:
    return "" if color is None else f'<a:solidFill><a:srgbClr val="{color.hex}"/></a:solidFill>'


def _run_props(text: Text, *, lang: bool = True) -> str:
    bold = ' b="1"' if text.bold else ' b="0"'
    lang_attr = ' lang="en-US"' if lang else ""
    return (
        f'<a:defRPr sz="{round(text.size_pt * 100)}"{bold}>'
        f"{_color_xml(text.color)}"
        f'<a:latin typeface="{escape(text.font)}"/></a:defRPr>'
        if not lang
        else f'<a:rPr{lang_attr} sz="{round(text.size_pt * 100)}"{bold} dirty="0">'
        f'{_color_xml(text.color)}<a:latin typeface="{escape(text.font)}"/></a:rPr>'
    )


def _paragraph_props(text: Text) -> str:
    if text.bullets:
        indent = round(text.size_pt * 12_700 * 0.9)
        return (
            f'<a:lvl1pPr marL="{indent}" indent="-{indent}" algn="{text.align}">'
            '<a:buFont typeface="Arial"/><a:buChar char="&#8226;"/>'
            f"{_run_props(text, lang=False)}</a:lvl1pPr>"
        )
    return (
        f'<a:lvl1pPr marL="0" indent="0" algn="{text.align}"><a:buNone/>'
        f"{_run_props(text, lang=False)}</a:lvl1pPr>"
    )


def _paragraphs(lines: Sequence[str], text: Text) -> str:
    if not lines:
        return f'<a:p><a:endParaRPr lang="en-US" sz="{round(text.size_pt * 100)}"/></a:p>'
    return "".join(
        f'<a:p><a:pPr algn="{text.align}"/><a:r>{_run_props(text)}'
        f"<a:t>{escape(line)}</a:t></a:r></a:p>"
        for line in lines
    )


def _body(lines: Sequence[str], text: Text, *, inset: int | None = None) -> str:
    insets = (
        ""
        if inset is None
        else f' lIns="{inset}" tIns="{inset // 2}" rIns="{inset}" bIns="{inset // 2}"'
    )
    return (
        f'<p:txBody><a:bodyPr wrap="square" anchor="{text.anchor}"{insets} rtlCol="0">'
        "<a:normAutofit/></a:bodyPr>"
        f"<a:lstStyle>{_paragraph_props(text)}</a:lstStyle>"
        f"{_paragraphs(lines, text)}</p:txBody>"
    )


def placeholder_xml(
    ids: ShapeIds,
    name: str,
    kind: str | None,
    idx: int,
    rect: Rect,
    text: Text | None = None,
    lines: Sequence[str] = (),
    *,
    inset: int | None = None,
) -> str:
    """A placeholder ``<p:sp>`` (``kind``: title, ctrTitle, subTitle, body, pic, dt...).

    ``kind=None`` is a content placeholder (text, table, chart or picture). ``lines`` is
    the prompt on a layout, or the text on a slide.
    """
    type_attr = f' type="{kind}"' if kind else ""
    idx_attr = f' idx="{idx}"' if idx else ""
    size = ' sz="quarter"' if kind in {"body", "pic", None} and idx else ""
    body = ""
    if kind != "pic" or lines:
        body = _body(lines, text or Text(18), inset=inset)
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{ids.take()}" name="{escape(name)}"/>'
        '<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
        f"<p:nvPr><p:ph{type_attr}{size}{idx_attr}/></p:nvPr></p:nvSpPr>"
        f"<p:spPr>{_xfrm(rect)}</p:spPr>{body}</p:sp>"
    )


def rectangle_xml(ids: ShapeIds, name: str, rect: Rect, fill: Color) -> str:
    """A filled rectangle without an outline."""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{ids.take()}" name="{escape(name)}"/>'
        '<p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr>'
        f'<p:spPr>{_xfrm(rect)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f"{_color_xml(fill)}<a:ln><a:noFill/></a:ln></p:spPr></p:sp>"
    )


def frame_xml(ids: ShapeIds, name: str, rect: Rect, line: Color) -> str:
    """A dashed outline marking where something goes (a QR code, figures)."""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{ids.take()}" name="{escape(name)}"/>'
        '<p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr>'
        f'<p:spPr>{_xfrm(rect)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/>'
        f'<a:ln w="19050">{_color_xml(line)}<a:prstDash val="dash"/></a:ln></p:spPr></p:sp>'
    )


def textbox_xml(
    ids: ShapeIds,
    name: str,
    rect: Rect,
    lines: Sequence[str],
    text: Text,
    *,
    fill: Color | None = None,
    inset: int | None = None,
) -> str:
    """A text box (not a placeholder): text that is there whatever the slide holds."""
    fill_xml = _color_xml(fill) if fill is not None else "<a:noFill/>"
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{ids.take()}" name="{escape(name)}"/>'
        '<p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
        f'<p:spPr>{_xfrm(rect)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{fill_xml}'
        f"</p:spPr>{_body(lines, text, inset=inset).replace('<a:normAutofit/>', '')}</p:sp>"
    )


def shapes_fragment(xml: str) -> list[Any]:
    """Parse shape XML (``<p:sp>``... in a row) into elements."""
    root = etree.fromstring(f"<p:spTree {_NSDECL}>{xml}</p:spTree>")
    return list(root)


# The package -----------------------------------------------------------------------------


def start_from(template: Template, width: int, height: int) -> Any:
    """Open ``template`` as a python-pptx presentation with no slides and no layouts.

    The page becomes ``width`` x ``height`` EMU and the master's shapes are scaled to it.
    """
    prs = open_presentation(template.data, template.name)
    ids = prs.slides._sldIdLst
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)
    old_w, old_h = int(prs.slide_width), int(prs.slide_height)
    for master in prs.slide_masters:
        id_list = master._element.get_or_add_sldLayoutIdLst()
        for layout_id in list(id_list):
            master.part.drop_rel(layout_id.rId)
            id_list.remove(layout_id)
        if (old_w, old_h) != (width, height):
            _scale_shapes(master._element, width / old_w, height / old_h)
        # Hand-made masters repeat shape ids; PowerPoint repairs (and asks) when they do.
        for n, c_nv_pr in enumerate(master._element.iter(f"{{{_P}}}cNvPr"), start=1):
            c_nv_pr.set("id", str(n))
    prs.slide_width, prs.slide_height = Emu(width), Emu(height)
    return prs


def _scale_shapes(element: Any, sx: float, sy: float) -> None:
    for off in element.iter(f"{{{_A}}}off"):
        off.set("x", str(round(int(off.get("x", "0")) * sx)))
        off.set("y", str(round(int(off.get("y", "0")) * sy)))
    for ext in element.iter(f"{{{_A}}}ext"):
        if ext.get("cx") is not None:
            ext.set("cx", str(round(int(ext.get("cx", "0")) * sx)))
            ext.set("cy", str(round(int(ext.get("cy", "0")) * sy)))


def add_layout(prs: Any, name: str, shapes: str, *, show_master: bool = True) -> Any:
    """Add a slide layout called ``name`` holding ``shapes`` (XML) to the first master.

    Returns:
        The python-pptx ``SlideLayout``.
    """
    master = prs.slide_masters[0]
    package = prs.part.package
    partname = package.next_partname("/ppt/slideLayouts/slideLayout%d.xml")
    show = "" if show_master else ' showMasterSp="0"'
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<p:sldLayout {_NSDECL} preserve="1" userDrawn="1"{show}>'
        f'<p:cSld name="{escape(name)}"><p:spTree>'
        '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
        '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
        '<a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>'
        f"{shapes}</p:spTree></p:cSld>"
        "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    )
    part = SlideLayoutPart.load(
        PackURI(partname), CT.PML_SLIDE_LAYOUT, package, xml.encode("utf-8")
    )
    part.relate_to(master.part, RT.SLIDE_MASTER)
    r_id = master.part.relate_to(part, RT.SLIDE_LAYOUT)
    id_list = master._element.get_or_add_sldLayoutIdLst()
    used = [
        int(x.get("id"))
        for m in prs.slide_masters
        for x in m._element.iter(f"{{{_P}}}sldLayoutId")
    ]
    used += [int(x.get("id")) for x in prs.part._element.iter(f"{{{_P}}}sldMasterId")]
    new_id = max([_FIRST_LAYOUT_ID - 1, *used]) + 1
    entry = etree.SubElement(id_list, f"{{{_P}}}sldLayoutId")
    entry.set("id", str(new_id))
    entry.set(f"{{{_R}}}id", r_id)
    return part.slide_layout


def add_picture(part_owner: Any, image: ImageData, rect: Rect, name: str, ids: ShapeIds) -> None:
    """Put a picture on a master, layout or slide (``part_owner``: its python-pptx object)."""
    _image_part, r_id = part_owner.part.get_or_add_image_part(io.BytesIO(image.data))
    xml = (
        f'<p:pic {_NSDECL}><p:nvPicPr><p:cNvPr id="{ids.take()}" name="{escape(name)}" '
        f'descr="{escape(name)}"/><p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr>'
        f'<p:nvPr userDrawn="1"/></p:nvPicPr><p:blipFill><a:blip r:embed="{r_id}"/>'
        "<a:stretch><a:fillRect/></a:stretch></p:blipFill>"
        f'<p:spPr>{_xfrm(rect)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>'
    )
    part_owner.shapes._spTree.append(etree.fromstring(xml))


def next_shape_id(owner: Any) -> int:
    """One above the largest shape id on a master, layout or slide."""
    found = [int(e.get("id", "0")) for e in owner.shapes._spTree.iter(f"{{{_P}}}cNvPr")]
    return max([1, *found]) + 1


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(a: Color, b: Color) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable_on(background: Color, *choices: Color) -> Color:
    """The first of ``choices`` that reads on ``background`` (4.5:1), else black or white."""
    for color in choices:
        if contrast(color, background) >= 4.5:
            return color
    return Color(0, 0, 0) if _luminance(background) > 0.18 else Color(255, 255, 255)


def fit_logo(image: ImageData, box: Rect) -> Rect:
    """The largest rectangle with the logo's aspect inside ``box``, centred in it."""
    w = box.w
    h = round(w / image.aspect)
    if h > box.h:
        h = box.h
        w = round(h * image.aspect)
    return Rect(box.x + (box.w - w) // 2, box.y + (box.h - h) // 2, w, h)


Line = str | Sequence[Run]
"""A paragraph: plain text, or runs (bold, italic, superscript kept)."""


def add_slide_from(
    prs: Any, layout: Any, shapes: str = "", texts: Mapping[str, Sequence[Line]] | None = None
) -> Any:
    """Add a slide on ``layout``, fill placeholders by name, then append ``shapes`` (XML)."""
    slide = prs.slides.add_slide(layout)
    names = {ph.placeholder_format.idx: ph.name for ph in layout.placeholders}
    for placeholder in slide.placeholders:
        name = names.get(placeholder.placeholder_format.idx, placeholder.name)
        placeholder.name = name
        lines = (texts or {}).get(name)
        if lines:
            frame = placeholder.text_frame
            for n, line in enumerate(lines):
                paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
                _write_line(paragraph, line)
    tree = slide.shapes._spTree
    ids = ShapeIds(next_shape_id(slide))
    for element in shapes_fragment(shapes):
        for c_nv_pr in element.iter(f"{{{_P}}}cNvPr"):  # ids unique on the slide
            c_nv_pr.set("id", str(ids.take()))
        tree.append(element)
    return slide


def _write_line(paragraph: Any, line: Line) -> None:
    if isinstance(line, str):
        paragraph.text = line
        return
    for part in line:
        run = paragraph.add_run()
        run.text = part.text
        if part.bold:
            run.font.bold = True
        if part.italic:
            run.font.italic = True
        if part.superscript:
            run._r.get_or_add_rPr().set("baseline", "30000")


def save_as_template(prs: Any) -> bytes:
    """The presentation's bytes as a template package (see `as_template`)."""
    out = io.BytesIO()
    prs.save(out)
    return as_template(out.getvalue())


def as_template(data: bytes) -> bytes:
    """Rewrite a .pptx package's main content type to the template type (.potx)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                member = member.replace(
                    PRESENTATION_CONTENT_TYPE.encode(), TEMPLATE_CONTENT_TYPE.encode()
                )
            target.writestr(info, member)
    return out.getvalue()


def main_content_type(data: bytes) -> str:
    """The content type ``[Content_Types].xml`` gives ``/ppt/presentation.xml``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("[Content_Types].xml"))
    for override in root:
        if override.get("PartName") == "/ppt/presentation.xml":
            return str(override.get("ContentType", ""))
    return ""
