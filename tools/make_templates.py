"""Build the built-in slide and poster templates in resources/templates/.

Run from the repository root: ``python tools/make_templates.py``. It starts from
python-pptx's default presentation, makes it 16:9 (decks) or 48x36 in (posters), sets
the theme colours and fonts, keeps four layouts (Title Slide, Title and Content, Title
Only, Blank) with placeholders placed for the page, and for the professional look adds
a title band to the master. The output is committed; rerun after changing this script.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches

OUT = Path(__file__).resolve().parents[1] / "scholar_desk" / "resources" / "templates"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS = {"a": A, "p": P}
KEEP = ("Title Slide", "Title and Content", "Title Only", "Blank")

THEMES = {
    "professional": {
        "name": "Scholar Desk Professional",
        "dk1": "1B2430",
        "lt1": "FFFFFF",
        "dk2": "14365D",
        "lt2": "E8EEF4",
        "accent1": "14365D",
        "accent2": "2A7F8F",
        "accent3": "C9A227",
        "accent4": "5B7083",
        "accent5": "8FB8C9",
        "accent6": "B5523B",
        "hlink": "1F5C99",
        "folHlink": "5B4A8A",
        "title": "lt1",
    },
    "plain": {
        "name": "Scholar Desk Plain",
        "dk1": "1A1A1A",
        "lt1": "FFFFFF",
        "dk2": "333F48",
        "lt2": "F2F2F2",
        "accent1": "1F5C99",
        "accent2": "4D7A4D",
        "accent3": "A6761D",
        "accent4": "7F7F7F",
        "accent5": "6FA8DC",
        "accent6": "B04A4A",
        "hlink": "1F5C99",
        "folHlink": "6B4C9A",
        "title": "dk2",
    },
}


def set_theme(prs: Any, look: dict[str, str]) -> None:
    """Set the theme's name, colour scheme and fonts (Calibri throughout)."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(part.blob)
    theme.set("name", look["name"])
    scheme = theme.find(".//a:clrScheme", NS)
    scheme.set("name", look["name"])
    for child in scheme:
        key = etree.QName(child).localname
        for old in list(child):
            child.remove(old)
        etree.SubElement(child, f"{{{A}}}srgbClr", val=look[key])
    fonts = theme.find(".//a:fontScheme", NS)
    fonts.set("name", "Calibri")
    for which in ("majorFont", "minorFont"):
        fonts.find(f"a:{which}/a:latin", NS).set("typeface", "Calibri")
    part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def set_title_colour(prs: Any, scheme: str) -> None:
    """Make master titles bold, left-aligned and of the scheme colour ``scheme``."""
    rpr = prs.slide_master.element.find("p:txStyles/p:titleStyle/a:lvl1pPr/a:defRPr", NS)
    fill = rpr.find("a:solidFill", NS)
    fill.find("a:schemeClr", NS).set("val", scheme)
    lvl = prs.slide_master.element.find("p:txStyles/p:titleStyle/a:lvl1pPr", NS)
    lvl.set("algn", "l")
    rpr.set("b", "1")


def keep_layouts(prs: Any, names: tuple[str, ...]) -> None:
    """Remove every slide layout whose name is not in ``names``."""
    for layout in list(prs.slide_layouts):
        if layout.name not in names:
            prs.slide_layouts.remove(layout)


def place(shape: Any, x: float, y: float, w: float, h: float) -> None:
    """Move and size a placeholder, in inches."""
    shape.left, shape.top, shape.width, shape.height = Inches(x), Inches(y), Inches(w), Inches(h)


def add_band(
    container: Any, prs: Any, x: float, y: float, w: float, h: float, scheme: str
) -> None:
    """Add a filled rectangle to a master or layout, under its placeholders."""
    scratch = prs.slides.add_slide(prs.slide_layouts[-1])
    shape = scratch.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h)
    )
    shape.line.fill.background()
    shape.shadow.inherit = False
    sp = shape.element
    sp_pr = sp.find("p:spPr", NS)
    for old in sp_pr.findall("a:solidFill", NS):
        sp_pr.remove(old)
    fill = etree.Element(f"{{{A}}}solidFill")
    etree.SubElement(fill, f"{{{A}}}schemeClr", val=scheme)
    sp_pr.insert(2, fill)
    style = sp.find("p:style", NS)
    if style is not None:
        sp.remove(style)
    tree = container.element.find("p:cSld/p:spTree", NS)
    tree.insert(2, copy.deepcopy(sp))
    # Remove the scratch slide again.
    ids = prs.slides._sldIdLst
    last = ids[-1]
    prs.part.drop_rel(last.rId)
    ids.remove(last)


def deck(look_name: str) -> Any:
    """A 16:9 deck template in the look ``look_name``."""
    look = THEMES[look_name]
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12_192_000), Emu(6_858_000)
    set_theme(prs, look)
    set_title_colour(prs, look["title"])
    keep_layouts(prs, KEEP)
    master = prs.slide_master
    for shape in master.placeholders:
        kind = shape.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            place(shape, 0.6, 0.25, 12.13, 1.0)
        elif kind == PP_PLACEHOLDER.BODY:
            place(shape, 0.6, 1.6, 12.13, 5.3)
        elif kind == PP_PLACEHOLDER.DATE:
            place(shape, 0.6, 6.95, 3.0, 0.4)
        elif kind == PP_PLACEHOLDER.FOOTER:
            place(shape, 4.4, 6.95, 4.53, 0.4)
        elif kind == PP_PLACEHOLDER.SLIDE_NUMBER:
            place(shape, 9.73, 6.95, 3.0, 0.4)
    for layout in prs.slide_layouts:
        for shape in layout.placeholders:
            kind = shape.placeholder_format.type
            if kind in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
                if layout.name == "Title Slide":
                    place(shape, 0.9, 0.9, 11.53, 2.5)
                else:
                    place(shape, 0.6, 0.25, 12.13, 1.0)
            elif kind == PP_PLACEHOLDER.SUBTITLE:
                place(shape, 0.9, 3.75, 11.53, 3.15)
            elif kind in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT):
                place(shape, 0.6, 1.6, 12.13, 5.3)
            elif kind == PP_PLACEHOLDER.DATE:
                place(shape, 0.6, 6.95, 3.0, 0.4)
            elif kind == PP_PLACEHOLDER.FOOTER:
                place(shape, 4.4, 6.95, 4.53, 0.4)
            elif kind == PP_PLACEHOLDER.SLIDE_NUMBER:
                place(shape, 9.73, 6.95, 3.0, 0.4)
    if look_name == "professional":
        add_band(master, prs, 0, 0, 13.333, 1.45, "accent1")
        add_band(master, prs, 0, 1.45, 13.333, 0.06, "accent3")
        title_slide = next(lay for lay in prs.slide_layouts if lay.name == "Title Slide")
        # The title slide has its own, taller band and hides the master's shapes.
        title_slide.element.set("showMasterSp", "0")
        add_band(title_slide, prs, 0, 0, 13.333, 3.55, "accent1")
        add_band(title_slide, prs, 0, 3.55, 13.333, 0.08, "accent3")
    else:
        add_band(master, prs, 0.6, 1.3, 12.13, 0.03, "accent1")
        title_slide = next(lay for lay in prs.slide_layouts if lay.name == "Title Slide")
        title_slide.element.set("showMasterSp", "0")
        add_band(title_slide, prs, 0.9, 3.5, 11.53, 0.04, "accent1")
    return prs


def poster(look_name: str) -> Any:
    """A 48x36 in poster template (the size is set per export) in ``look_name``."""
    look = THEMES[look_name]
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(48), Inches(36)
    set_theme(prs, look)
    set_title_colour(prs, look["title"])
    keep_layouts(prs, ("Blank", "Title Only"))
    for shape in prs.slide_master.placeholders:
        if shape.placeholder_format.type == PP_PLACEHOLDER.TITLE:
            place(shape, 1, 1, 46, 4)
    for layout in prs.slide_layouts:
        for shape in layout.placeholders:
            if shape.placeholder_format.type == PP_PLACEHOLDER.TITLE:
                place(shape, 1, 1, 46, 4)
            else:
                place(shape, 1, 34.8, 10, 0.8)
    return prs


def main() -> None:
    """Write all four templates."""
    OUT.mkdir(parents=True, exist_ok=True)
    for look in THEMES:
        deck(look).save(OUT / f"deck-{look}.pptx")
        poster(look).save(OUT / f"poster-{look}.pptx")
        print(f"wrote deck-{look}.pptx and poster-{look}.pptx to {OUT}")


if __name__ == "__main__":
    main()
