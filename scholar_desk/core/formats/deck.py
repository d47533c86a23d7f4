"""Compose a conference talk from an abstract: the slides as a `Layout`.

Order: title; disclosures; one slide (or more, "continued") per abstract section with
the figures after Results; references; acknowledgments; questions. Every text box is
fitted with real font metrics: its size goes down from a comfortable maximum to the
floor (18 pt for body text), and text that does not fit at the floor continues on the
next slide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.images import ImageData
from scholar_desk.core.formats.layout import (
    Color,
    Insets,
    Layout,
    Paragraph,
    PictureBox,
    Run,
    ShapeBox,
    Slide,
    TextBox,
    inches,
)
from scholar_desk.core.formats.results_table import table_box
from scholar_desk.core.formats.slide_content import (
    NO_RELATIONSHIPS,
    AbstractContent,
    affiliation_numbers,
    author_runs,
    bullet_points,
    citation_runs,
    disclosure_lines,
    meeting_line,
    typeset_content,
)
from scholar_desk.core.formats.templates import LayoutSpec, Rect, Template
from scholar_desk.core.formats.text_fit import (
    FontFace,
    balance_lines,
    fit_size,
    paragraphs_height_emu,
    resolve_face,
    round_words,
    split_to_fit,
    words_over,
)

BODY_FLOOR_PT = 18.0
TITLE_FLOOR_PT = 24.0
BODY_MAX_PT = 28.0
SPLIT_PT = 24.0  # continuation slides are set at this size, comfortably above the floor
TITLE_MAX_PT = 36.0
TITLE_SLIDE_MAX_PT = 44.0
INSETS = Insets(left=inches(0.1), top=inches(0.05), right=inches(0.1), bottom=inches(0.05))

ImageLoader = Callable[[str], ImageData]


@dataclass(frozen=True)
class _Fonts:
    heading: FontFace
    body: FontFace


def build_deck_layout(
    content: AbstractContent, template: Template, load_image: ImageLoader
) -> Layout:
    """Lay out the whole talk on ``template``.

    Args:
        content: What the abstract says.
        template: Page size, theme and layouts.
        load_image: Reads a figure's file (raises `ExportError` when it cannot).

    Returns:
        The slides, each fitted.

    Raises:
        ExportError: A text cannot be fitted even on continuation slides (the title, the
            author list) or a figure cannot be read.
    """
    fonts = _Fonts(resolve_face(template.heading_font), resolve_face(template.body_font))
    builder = _DeckBuilder(typeset_content(content), template, fonts, load_image)
    return Layout(
        width=template.width,
        height=template.height,
        slides=tuple(builder.build()),
        background_color=template.background,
    )


class _DeckBuilder:
    def __init__(
        self,
        content: AbstractContent,
        template: Template,
        fonts: _Fonts,
        load_image: ImageLoader,
    ) -> None:
        self.content = content
        self.template = template
        self.fonts = fonts
        self.load_image = load_image
        spec = template.content_layout
        self.title_rect = spec.title or Rect(
            inches(0.6), inches(0.3), template.width - inches(1.2), inches(1.0)
        )
        self.body_rect = spec.body or self._body_below_title(spec)
        self.text_color = template.body_color
        self.title_color = spec.title_color or template.title_color

    # Geometry ----------------------------------------------------------------------------

    def _insets(self, rect: Rect) -> Insets:
        """Our standard margins, wider where a placeholder runs to the page edge."""
        edge = inches(0.2)
        wide = inches(0.4)
        left = wide if rect.x < edge else INSETS.left
        right = wide if rect.right > self.template.width - edge else INSETS.right
        return Insets(left, INSETS.top, right, INSETS.bottom)

    def _body_below_title(self, spec: LayoutSpec) -> Rect:
        title = spec.title or self.title_rect
        top = title.bottom + inches(0.25)
        bottom = self.template.height - inches(0.6)
        return Rect(title.x, top, title.w, max(bottom - top, inches(1)))

    # Slides ------------------------------------------------------------------------------

    def build(self) -> list[Slide]:
        slides = [*self.title_slide(), *self.disclosure_slides()]
        placed_figures = False
        for section in self.content.sections:
            if "acknowledg" in section.heading.lower():
                continue
            slides += self.text_slides(
                section.heading, self._bullets(section.body), notes=section.body
            )
            if "result" in section.heading.lower() and not placed_figures:
                slides += self.table_slides(section.heading)
                slides += self.figure_slides(section.heading)
                placed_figures = True
        if not placed_figures:
            slides += self.table_slides("Results")
            slides += self.figure_slides("Results")
        if self.content.references:
            slides += self.reference_slides()
        slides += self.acknowledgment_slides()
        slides.append(self.questions_slide())
        return slides

    def title_slide(self) -> list[Slide]:
        content = self.content
        spec = self.template.title_layout
        title_rect = spec.title or self.title_rect
        title_color = spec.title_color or self.template.title_color
        title_box = self.fit_box(
            lambda s: [_para(content.title, s, bold=True, align="center")],
            title_rect,
            role="title",
            font=self.fonts.heading,
            max_pt=TITLE_SLIDE_MAX_PT,
            floor_pt=TITLE_FLOOR_PT,
            what="The title is",
            where="the title slide",
            color=title_color,
            anchor="middle" if spec.subtitle is not None else "bottom",
        )
        title_box = replace(
            title_box,
            paragraphs=balance_lines(
                title_box.paragraphs[0],
                title_box.w - title_box.insets.left - title_box.insets.right,
                self.fonts.heading,
            ),
        )
        region = self._title_region(spec, title_rect)
        affiliations, _ = affiliation_numbers(content.authors)
        byline = author_runs(content.authors)
        meeting = meeting_line(content)
        presenter = any(a.presenting for a in content.authors)

        def build(size: float, shown: list[str]) -> list[Paragraph]:
            small = max(BODY_FLOOR_PT, round(size * 0.8))
            paragraphs = [Paragraph(byline, size, align="center", bold=True)] if byline else []
            for number, text in enumerate(shown, start=1):
                paragraphs.append(
                    Paragraph(
                        (Run(str(number), superscript=True), Run(text)),
                        small,
                        align="center",
                        space_before_pt=small * 0.6 if number == 1 else 0.0,
                    )
                )
            if presenter:
                paragraphs.append(Paragraph((Run("*Presenting author"),), small, align="center"))
            if meeting:
                paragraphs.append(
                    Paragraph((Run(meeting),), small, align="center", space_before_pt=small)
                )
            return paragraphs

        extra: list[Slide] = []
        try:
            byline_box = self.fit_box(
                lambda size: build(size, affiliations),
                region,
                role="subtitle",
                font=self.fonts.body,
                max_pt=28.0,
                floor_pt=BODY_FLOOR_PT,
                what="The author list and affiliations are",
                where="the title slide",
                anchor="top",
            )
        except ExportError:
            # Many authors: the byline stays, the affiliations get a slide of their own.
            byline_box = self.fit_box(
                lambda size: build(size, []),
                region,
                role="subtitle",
                font=self.fonts.body,
                max_pt=28.0,
                floor_pt=BODY_FLOOR_PT,
                what="The author list is",
                where="the title slide",
                anchor="top",
            )
            numbered = [
                (Run(str(n), superscript=True), Run(text))
                for n, text in enumerate(affiliations, start=1)
            ]
            extra = self.flow_slides(
                "Affiliations",
                lambda size: [
                    Paragraph(runs, size, space_before_pt=size * 0.4) for runs in numbered
                ],
                notes="\n".join(affiliations),
            )
        notes = "\n".join(
            [content.title, ", ".join(a.byline for a in content.authors), meeting]
        ).strip()
        slide = Slide(
            (title_box, byline_box),
            kind="title",
            notes=notes,
            title="Title",
            background=spec.decorations,
        )
        return [slide, *extra]

    def _title_region(self, spec: LayoutSpec, title_rect: Rect) -> Rect:
        """Room for authors, affiliations and meeting below the title.

        The subtitle and body placeholders, stretched down the page and kept clear of logos.
        """
        boxes = [r for r in (spec.subtitle, spec.body, *spec.extra_bodies) if r is not None]
        if not boxes or spec.title is None:
            return self.body_rect
        x = min(r.x for r in boxes)
        right = max(r.right for r in boxes)
        top = max(min(r.y for r in boxes), title_rect.bottom)
        bottom = max(max(r.bottom for r in boxes), top + inches(1.5))
        bottom = min(bottom, self.template.height - inches(0.5))
        region = Rect(x, top, right - x, bottom - top)
        for panel in spec.decorations:
            # A panel the text would start inside and run out of: keep the text on one
            # side of its edge, whichever side has more room.
            if not isinstance(panel, ShapeBox) or panel.w < self.template.width // 3:
                continue
            if panel.y <= region.y < panel.y + panel.h < region.bottom:
                inside = panel.y + panel.h - region.y
                below = region.bottom - (panel.y + panel.h) - inches(0.1)
                if below >= inside:
                    top = panel.y + panel.h + inches(0.1)
                    region = Rect(region.x, top, region.w, region.bottom - top)
                else:
                    region = Rect(region.x, region.y, region.w, inside)
        for obstacle in spec.obstacles:
            if not region.intersects(obstacle):
                continue
            if obstacle.y > region.y + region.h // 2:
                region = Rect(region.x, region.y, region.w, obstacle.y - region.y)
            elif obstacle.x > region.x + region.w // 2:
                region = Rect(region.x, region.y, obstacle.x - region.x, region.h)
        return region

    def disclosure_slides(self) -> list[Slide]:
        lines = disclosure_lines(self.content.authors)
        entries = [(Run(f"{byline}: ", bold=True), Run(text)) for byline, text in lines]
        intro = (Run("Financial relationships of all authors in the last 24 months", italic=True),)

        def build(size: float) -> list[Paragraph]:
            out = [Paragraph(intro, size)]
            out += [Paragraph(runs, size, space_before_pt=size * 0.6) for runs in entries]
            if not entries:
                out.append(Paragraph((Run(NO_RELATIONSHIPS),), size, space_before_pt=size))
            return out

        notes = "\n".join(f"{b}: {t}" for b, t in lines) or NO_RELATIONSHIPS
        return self.flow_slides("Disclosures", build, notes=notes)

    def text_slides(self, heading: str, bullets: list[str], *, notes: str) -> list[Slide]:
        def build(size: float) -> list[Paragraph]:
            return [
                Paragraph((Run(text),), size, bullet=True, space_before_pt=size * 0.5)
                for text in bullets
            ]

        return self.flow_slides(heading, build, notes=notes)

    def reference_slides(self) -> list[Slide]:
        refs = self.content.references

        def build(size: float) -> list[Paragraph]:
            return [
                Paragraph(
                    (Run(f"{number}. "), *citation_runs(ref)),
                    size,
                    space_before_pt=size * 0.4,
                )
                for number, ref in enumerate(refs, start=1)
            ]

        notes = "\n".join(
            f"{n}. " + "".join(r.text for r in citation_runs(ref))
            for n, ref in enumerate(refs, start=1)
        )
        return self.flow_slides("References", build, notes=notes, max_pt=24.0, split_pt=20.0)

    def acknowledgment_slides(self) -> list[Slide]:
        text = self.content.acknowledgments.strip()
        section = next(
            (s for s in self.content.sections if "acknowledg" in s.heading.lower()), None
        )
        if section is not None:
            text = section.body.strip()
        lines = [line for line in text.splitlines() if line.strip()] if text else []
        if not lines and self.content.mentors:
            lines = ["Mentorship: " + ", ".join(self.content.mentors)]
        if not lines:
            lines = ["We thank our co-authors, our mentors and the patients who took part."]

        def build(size: float) -> list[Paragraph]:
            return [Paragraph((Run(line),), size, space_before_pt=size * 0.5) for line in lines]

        return self.flow_slides("Acknowledgments", build, notes="\n".join(lines))

    def questions_slide(self) -> Slide:
        spec = self.template.title_layout
        title_rect = spec.title or self.title_rect
        title_color = spec.title_color or self.template.title_color
        title_box = self.fit_box(
            lambda s: [_para("Questions?", s, bold=True, align="center")],
            title_rect,
            role="title",
            font=self.fonts.heading,
            max_pt=54.0,
            floor_pt=TITLE_FLOOR_PT,
            what="The closing title is",
            where="the last slide",
            color=title_color,
            anchor="middle",
        )
        items: list[TextBox] = [title_box]
        presenter = self.content.presenter
        if presenter is not None:
            lines = [presenter.byline] + ([presenter.email] if presenter.email else [])
            region = self._title_region(spec, title_rect)
            items.append(
                self.fit_box(
                    lambda s: [_para(line, s, align="center") for line in lines],
                    region,
                    role="subtitle",
                    font=self.fonts.body,
                    max_pt=28.0,
                    floor_pt=BODY_FLOOR_PT,
                    what="The presenter's name is",
                    where="the last slide",
                )
            )
        return Slide(tuple(items), kind="title", title="Questions", background=spec.decorations)

    def _caption(self, caption: str, size: float, width: int) -> tuple[list[Paragraph], int]:
        """A figure caption at ``size`` and its height in a box ``width`` wide."""
        paras = [_para(caption, size, align="center")]
        inner = width - INSETS.left - INSETS.right
        height = paragraphs_height_emu(paras, inner, self.fonts.body)
        return paras, height + INSETS.top + INSETS.bottom

    def table_slides(self, heading: str) -> list[Slide]:
        table = self.content.table
        if table is None:
            return []
        body = self.body_rect
        caption = f"Table 1. {table.caption}".strip() if table.caption else "Table 1"
        accent = self.template.color("accent1", Color(0x1F, 0x5C, 0x99))
        lum = (0.2126 * accent.r + 0.7152 * accent.g + 0.0722 * accent.b) / 255
        band = Color(*(round(255 - (255 - v) * 0.12) for v in (accent.r, accent.g, accent.b)))
        for size in (24.0, 22.0, 20.0, BODY_FLOOR_PT):
            caption_paras, caption_h = self._caption(caption, size, body.w)
            box = table_box(
                table,
                body.x,
                body.y + caption_h,
                body.w,
                size,
                self.fonts.body,
                insets=INSETS,
                header_fill=accent,
                header_color=Color(0, 0, 0) if lum > 0.6 else Color(255, 255, 255),
                band_fill=band,
                color=self.text_color,
                floor_pt=BODY_FLOOR_PT,
            )
            if caption_h + box.h <= body.h:
                break
        else:
            raise ExportError(
                f"The results table ({table.shape[0]} rows x {table.shape[1]} columns) is too "
                f"large for a slide at {BODY_FLOOR_PT:g} pt. Keep fewer rows or shorter cells."
            )
        caption_box = TextBox(
            body.x,
            body.y,
            body.w,
            caption_h,
            tuple(caption_paras),
            font=self.fonts.body.family,
            role="caption",
            insets=INSETS,
            color=self.text_color,
            floor_pt=BODY_FLOOR_PT,
            name="Table 1 caption",
        )
        notes = "\n".join([caption, table.to_tsv()])
        return [
            Slide(
                (self.title_box(f"{heading}: Table 1"), caption_box, box),
                kind="figure",
                notes=notes,
                title="Table 1",
                background=self.template.content_layout.decorations,
            )
        ]

    def figure_slides(self, heading: str) -> list[Slide]:
        slides: list[Slide] = []
        for number, figure in enumerate(self.content.figures, start=1):
            image = self.load_image(figure.path)
            caption = (
                f"Figure {number}. {figure.caption}".strip()
                if figure.caption
                else (f"Figure {number}")
            )
            body = self.body_rect

            size = 20.0
            caption_paras, caption_h = self._caption(caption, size, body.w)
            if caption_h > body.h // 3:
                size = BODY_FLOOR_PT
                caption_paras, caption_h = self._caption(caption, size, body.w)
            if caption_h > body.h // 3:
                over = words_over(caption_paras, body.w, body.h // 3, INSETS, self.fonts.body)
                raise ExportError(
                    f"The caption of figure {number} is about {round_words(over)} words too "
                    f"long for a slide at {BODY_FLOOR_PT:g} pt. Shorten it.",
                )
            gap = inches(0.1)
            room_h = body.h - caption_h - gap
            w = min(body.w, round(room_h * image.aspect))
            h = round(w / image.aspect)
            x = body.x + (body.w - w) // 2
            picture = PictureBox(x, body.y, w, h, image.data, description=caption)
            caption_box = TextBox(
                body.x,
                body.y + h + gap,
                body.w,
                caption_h,
                tuple(caption_paras),
                font=self.fonts.body.family,
                role="caption",
                insets=INSETS,
                color=self.text_color,
                floor_pt=BODY_FLOOR_PT,
                name=f"Figure {number} caption",
            )
            title = self.title_box(
                heading if len(self.content.figures) == 1 else f"{heading}: Figure {number}"
            )
            slides.append(
                Slide(
                    (title, picture, caption_box),
                    kind="figure",
                    notes=f"{caption}\n{figure.path}",
                    title=f"Figure {number}",
                    background=self.template.content_layout.decorations,
                )
            )
        return slides

    # Fitting -----------------------------------------------------------------------------

    def title_box(self, text: str) -> TextBox:
        return self.fit_box(
            lambda s: [_para(text, s, bold=True)],
            self.title_rect,
            role="title",
            font=self.fonts.heading,
            max_pt=TITLE_MAX_PT,
            floor_pt=TITLE_FLOOR_PT,
            what=f"The heading '{text}' is",
            where="a slide title",
            color=self.title_color,
            anchor="middle",
        )

    def flow_slides(
        self,
        heading: str,
        build: Callable[[float], Sequence[Paragraph]],
        *,
        notes: str,
        max_pt: float = BODY_MAX_PT,
        split_pt: float = SPLIT_PT,
    ) -> list[Slide]:
        """One slide if the text fits at the floor or above, else continuation slides."""
        body = self.body_rect
        face = self.fonts.body
        insets = self._insets(body)
        fitted = fit_size(
            build, body.w, body.h, insets, face, max_pt=max_pt, floor_pt=BODY_FLOOR_PT
        )
        if fitted is not None:
            chunks = [fitted[1]]
        else:
            try:
                chunks = split_to_fit(tuple(build(split_pt)), body.w, body.h, insets, face)
            except ValueError as exc:
                raise ExportError(
                    f"{heading} cannot be set on a slide of this template: its text area "
                    "is too small for even one line.",
                    str(exc),
                ) from exc
        slides = []
        for i, chunk in enumerate(chunks):
            title = heading if i == 0 else f"{heading}, continued"
            box = TextBox(
                body.x,
                body.y,
                body.w,
                body.h,
                chunk,
                font=face.family,
                role="body",
                insets=insets,
                color=self.text_color,
                floor_pt=BODY_FLOOR_PT,
                name=title,
            )
            slides.append(
                Slide(
                    (self.title_box(title), box),
                    kind="content",
                    notes=notes,
                    title=title,
                    background=self.template.content_layout.decorations,
                )
            )
        return slides

    def fit_box(
        self,
        build: Callable[[float], Sequence[Paragraph]],
        rect: Rect,
        *,
        role: str,
        font: FontFace,
        max_pt: float,
        floor_pt: float,
        what: str,
        where: str,
        color: Color | None = None,
        anchor: str = "top",
    ) -> TextBox:
        insets = self._insets(rect)
        fitted = fit_size(build, rect.w, rect.h, insets, font, max_pt=max_pt, floor_pt=floor_pt)
        if fitted is None:
            over = words_over(tuple(build(floor_pt)), rect.w, rect.h, insets, font)
            raise ExportError(
                f"{what} about {round_words(over)} words too long for {where} at "
                f"{floor_pt:g} pt. Shorten it, or choose a template with more room.",
            )
        return TextBox(
            rect.x,
            rect.y,
            rect.w,
            rect.h,
            fitted[1],
            font=font.family,
            role=role,
            anchor="middle" if anchor == "middle" else ("bottom" if anchor == "bottom" else "top"),
            insets=insets,
            color=color or self.text_color,
            floor_pt=floor_pt,
            name=what.removesuffix(" is").removesuffix(" are"),
        )

    @staticmethod
    def _bullets(text: str) -> list[str]:
        return bullet_points(text) or [text.strip() or "\u2014"]


def _para(text: str, size: float, *, bold: bool = False, align: str = "left") -> Paragraph:
    return Paragraph(
        (Run(text),),
        size,
        bold=bold,
        align="center" if align == "center" else ("right" if align == "right" else "left"),
    )
