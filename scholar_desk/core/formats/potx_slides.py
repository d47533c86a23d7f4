"""A 16:9 slide template (.potx) for a talk: named layouts, theme, logo, meeting footer.

The layouts are the ones a conference talk needs, in the order it uses them: Title,
Disclosures, Section, Content, Two content, Figure with caption, References, Questions.
The template carries one example slide per layout, so the file opened in PowerPoint
already shows the talk's shape; the Disclosures slide holds the wording accredited
meetings ask for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scholar_desk.core.formats.images import ImageData
from scholar_desk.core.formats.layout import Color, inches
from scholar_desk.core.formats.potx import (
    ShapeIds,
    Text,
    add_layout,
    add_picture,
    add_slide_from,
    fit_logo,
    next_shape_id,
    placeholder_xml,
    readable_on,
    save_as_template,
    shapes_fragment,
    start_from,
    textbox_xml,
)
from scholar_desk.core.formats.slide_content import NO_RELATIONSHIPS
from scholar_desk.core.formats.templates import Rect, Template

WIDTH = 12_192_000  # 13.333 in: PowerPoint's 16:9
HEIGHT = inches(7.5)
LAYOUT_NAMES = (
    "Title",
    "Disclosures",
    "Section",
    "Content",
    "Two content",
    "Figure with caption",
    "References",
    "Questions",
)
"""The slide template's layouts, in the order a talk uses them."""

DISCLOSURE_WORDING = (
    "Financial relationships with ineligible companies in the past 24 months:",
    f"Presenter name, degrees: {NO_RELATIONSHIPS} with ineligible companies to disclose.",
    "(or) Company name: nature of the relationship (consultant, speaker, research grant, "
    "stock), for each author.",
    "All relevant financial relationships have been mitigated.",
    "Off-label or investigational uses discussed: none (or name them).",
)
"""The disclosure slide's text, in the form accredited (ACCME) meetings ask for."""


@dataclass(frozen=True)
class SlideTemplateSpec:
    """What goes into a slide template besides the theme.

    Attributes:
        meeting: The meeting's name for the footer (``""`` for none).
        dates: The meeting's dates as text (``""`` for none).
        logos: Logos for the top right corner of every slide.
    """

    meeting: str = ""
    dates: str = ""
    logos: Sequence[ImageData] = ()

    @property
    def footer(self) -> str:
        """The footer line: meeting and dates."""
        return " \u00b7 ".join(part for part in (self.meeting, self.dates) if part)


_MARGIN = inches(0.5)
_TITLE_TOP = inches(0.35)
_TITLE_H = inches(1.0)
_BODY_TOP = inches(1.55)
_FOOTER_H = inches(0.4)
_BODY_BOTTOM = HEIGHT - inches(0.65)
_GAP = inches(0.35)


def _layouts(title_right: int, page_title: Color) -> dict[str, tuple[str, dict[str, list[str]]]]:
    """Each layout's shapes (XML) and the example slide's text by placeholder name.

    ``page_title`` colours the titles that stand on the page rather than in the master's
    title area (title, section and closing slides).
    """
    full = WIDTH - 2 * _MARGIN
    title = Rect(_MARGIN, _TITLE_TOP, title_right - _MARGIN, _TITLE_H)
    body = Rect(_MARGIN, _BODY_TOP, full, _BODY_BOTTOM - _BODY_TOP)
    half = (full - _GAP) // 2
    heading = Text(32, bold=True, font="+mj-lt", anchor="b")
    bullets = Text(22, bullets=True)
    out: dict[str, tuple[str, dict[str, list[str]]]] = {}

    def title_ph(ids: ShapeIds, prompt: str, rect: Rect = title, text: Text = heading) -> str:
        return placeholder_xml(ids, "Title", "title", 0, rect, text, [prompt])

    ids = ShapeIds()
    out["Title"] = (
        placeholder_xml(
            ids,
            "Title",
            "ctrTitle",
            0,
            Rect(_MARGIN, inches(1.9), full, inches(1.9)),
            Text(40, bold=True, font="+mj-lt", align="ctr", anchor="b", color=page_title),
            ["Title of the talk"],
        )
        + placeholder_xml(
            ids,
            "Authors",
            "subTitle",
            1,
            Rect(_MARGIN, inches(4.0), full, inches(1.8)),
            Text(20, align="ctr"),
            ["Presenter, MD; co-authors", "Department, institution"],
        ),
        {"Title": ["Title of the talk"], "Authors": ["Presenter, MD; co-authors"]},
    )
    ids = ShapeIds()
    out["Disclosures"] = (
        title_ph(ids, "Disclosures")
        + placeholder_xml(ids, "Disclosures", "body", 1, body, Text(20), list(DISCLOSURE_WORDING)),
        {"Title": ["Disclosures"], "Disclosures": list(DISCLOSURE_WORDING)},
    )
    ids = ShapeIds()
    out["Section"] = (
        title_ph(
            ids,
            "Section title",
            Rect(_MARGIN, inches(2.4), full, inches(1.5)),
            Text(40, bold=True, font="+mj-lt", anchor="b", color=page_title),
        )
        + placeholder_xml(
            ids,
            "Section subtitle",
            "body",
            1,
            Rect(_MARGIN, inches(4.0), full, inches(1.0)),
            Text(20),
            ["What this part of the talk covers"],
        ),
        {"Title": ["Methods"], "Section subtitle": ["Design, participants and outcomes"]},
    )
    ids = ShapeIds()
    out["Content"] = (
        title_ph(ids, "Slide title")
        + placeholder_xml(ids, "Content", None, 1, body, bullets, ["One point per line"]),
        {"Title": ["Background"], "Content": ["One point per line", "Six lines at most"]},
    )
    ids = ShapeIds()
    out["Two content"] = (
        title_ph(ids, "Slide title")
        + placeholder_xml(
            ids,
            "Left content",
            None,
            1,
            Rect(_MARGIN, _BODY_TOP, half, body.h),
            bullets,
            ["Left column"],
        )
        + placeholder_xml(
            ids,
            "Right content",
            None,
            2,
            Rect(_MARGIN + half + _GAP, _BODY_TOP, half, body.h),
            bullets,
            ["Right column"],
        ),
        {"Title": ["Results"], "Left content": ["Left column"], "Right content": ["Right column"]},
    )
    ids = ShapeIds()
    caption_h = inches(0.8)
    out["Figure with caption"] = (
        title_ph(ids, "Figure title")
        + placeholder_xml(
            ids,
            "Figure",
            "pic",
            1,
            Rect(_MARGIN, _BODY_TOP, full, body.h - caption_h - inches(0.1)),
            Text(18),
        )
        + placeholder_xml(
            ids,
            "Caption",
            "body",
            2,
            Rect(_MARGIN, _BODY_BOTTOM - caption_h, full, caption_h),
            Text(16, align="ctr"),
            ["Figure 1. What the figure shows, and the source"],
        ),
        {"Title": ["Figure"], "Caption": ["Figure 1. What the figure shows, and the source"]},
    )
    ids = ShapeIds()
    out["References"] = (
        title_ph(ids, "References")
        + placeholder_xml(
            ids, "References", "body", 1, body, Text(14), ["1. Author AB. Title. Journal. Year."]
        ),
        {"Title": ["References"], "References": ["1. Author AB. Title. Journal. Year."]},
    )
    ids = ShapeIds()
    out["Questions"] = (
        title_ph(
            ids,
            "Questions?",
            Rect(_MARGIN, inches(2.2), full, inches(1.6)),
            Text(48, bold=True, font="+mj-lt", align="ctr", anchor="b", color=page_title),
        )
        + placeholder_xml(
            ids,
            "Contact",
            "body",
            1,
            Rect(_MARGIN, inches(4.0), full, inches(1.2)),
            Text(20, align="ctr"),
            ["Presenter's email"],
        ),
        {"Title": ["Questions?"], "Contact": ["Presenter's email"]},
    )
    return out


def build_slide_template(template: Template, spec: SlideTemplateSpec) -> bytes:
    """Write a 16:9 slide template on ``template``'s theme and master.

    Args:
        template: The theme, fonts and master (built-in or the user's).
        spec: Meeting footer and logos.

    Returns:
        The .potx bytes (template content type).
    """
    prs = start_from(template, WIDTH, HEIGHT)
    master = prs.slide_masters[0]
    ids = ShapeIds(next_shape_id(master))
    title_right = WIDTH - _MARGIN
    logo_box_w, logo_box_h = inches(1.8), inches(0.8)
    x = WIDTH - _MARGIN
    for n, logo in enumerate(reversed(list(spec.logos))):
        box = fit_logo(logo, Rect(x - logo_box_w, inches(0.3), logo_box_w, logo_box_h))
        box = Rect(x - box.w, box.y, box.w, box.h)  # flush right
        add_picture(master, logo, box, f"Logo {len(spec.logos) - n}", ids)
        x = box.x - inches(0.2)
        title_right = x - inches(0.1)
    if spec.footer:
        footer = textbox_xml(
            ids,
            "Meeting footer",
            Rect(
                _MARGIN,
                HEIGHT - _FOOTER_H - inches(0.15),
                WIDTH - 2 * _MARGIN - inches(1.0),
                _FOOTER_H,
            ),
            [spec.footer],
            Text(12, color=template.body_color, anchor="ctr"),
        )
        for element in shapes_fragment(footer):
            master.shapes._spTree.append(element)
    page_title = readable_on(template.background, template.color("accent1"), template.color("dk1"))
    layouts = {
        name: add_layout(prs, name, shapes)
        for name, (shapes, _) in _layouts(title_right, page_title).items()
    }
    for name, (_, texts) in _layouts(title_right, page_title).items():
        add_slide_from(prs, layouts[name], texts=texts)
    return save_as_template(prs)
