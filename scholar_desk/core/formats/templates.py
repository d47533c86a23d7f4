"""Slide and poster templates: the built-in ones and a user's institutional .pptx/.potx.

A template gives the page size, the theme (fonts and colours) and the slide layouts.
Placeholders are found by their type (title, subtitle, body, picture), never by their
position in the list, so any reasonable template works. A PowerPoint template (.potx)
has a content type python-pptx refuses; it is loaded by rewriting that one line of
``[Content_Types].xml`` in memory.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.exc import PackageNotFoundError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.layout import (
    BLACK,
    EMU_PER_INCH,
    WHITE,
    Color,
    Item,
    PictureBox,
    ShapeBox,
)

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_NS = {"a": _A, "p": _P}
_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
_PRESENTATION_TYPE = (
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)

BUILTIN_DECKS = ("deck-professional", "deck-plain")
BUILTIN_POSTERS = ("poster-professional", "poster-plain")

_TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
_BODY_TYPES = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT}
_FOOTER_TYPES = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}


@dataclass(frozen=True)
class Rect:
    """A rectangle in EMU."""

    x: int
    y: int
    w: int
    h: int

    @property
    def bottom(self) -> int:
        """The lower edge."""
        return self.y + self.h

    @property
    def right(self) -> int:
        """The right edge."""
        return self.x + self.w

    def intersects(self, other: Rect) -> bool:
        """Whether the two rectangles overlap."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )


@dataclass(frozen=True)
class LayoutSpec:
    """One slide layout of a template, reduced to what content placement needs.

    Attributes:
        index: Position of the layout in ``Presentation.slide_layouts`` order.
        name: The layout's name in the template.
        title: The title placeholder's rectangle.
        subtitle: The subtitle placeholder's rectangle (title slides).
        body: The main body or content placeholder's rectangle.
        extra_bodies: Further body placeholders (title slides often have some).
        obstacles: Pictures (logos) drawn by the layout or master that text must avoid.
        decorations: What the layout and master draw, for the preview.
        title_color: The layout's own title colour, where it overrides the master's.
    """

    index: int
    name: str
    title: Rect | None = None
    subtitle: Rect | None = None
    body: Rect | None = None
    extra_bodies: tuple[Rect, ...] = ()
    obstacles: tuple[Rect, ...] = ()
    decorations: tuple[Item, ...] = ()
    title_color: Color | None = None


@dataclass(frozen=True)
class Template:
    """A loaded template.

    Attributes:
        name: What the user chose (a built-in name or the file name).
        data: The .pptx bytes (a .potx already patched to load).
        width: Page width in EMU.
        height: Page height in EMU.
        heading_font: The theme's heading (major) font family.
        body_font: The theme's body (minor) font family.
        colors: Theme colours by scheme name (``dk1``, ``lt1``, ``accent1``...).
        title_color: The colour of titles in the master's text styles.
        body_color: The colour of body text in the master's text styles.
        background: The master's background colour.
        title_layout: The layout for the title slide.
        content_layout: The layout for content slides.
        blank_layout: The layout with the fewest placeholders (posters, free slides).
        builtin: Whether the template ships with the application.
    """

    name: str
    data: bytes = field(repr=False)
    width: int
    height: int
    heading_font: str
    body_font: str
    colors: dict[str, Color]
    title_color: Color
    body_color: Color
    background: Color
    title_layout: LayoutSpec
    content_layout: LayoutSpec
    blank_layout: LayoutSpec
    builtin: bool = False

    @property
    def is_poster(self) -> bool:
        """Whether the page is poster-sized (wider or taller than 20 inches)."""
        return max(self.width, self.height) > 20 * EMU_PER_INCH

    def color(self, name: str, default: Color = BLACK) -> Color:
        """A theme colour by scheme name."""
        return self.colors.get(name, default)


def builtin_names(kind: str) -> tuple[str, ...]:
    """The built-in templates for ``"slides"`` or ``"poster"``."""
    return BUILTIN_POSTERS if kind == "poster" else BUILTIN_DECKS


def _resource_dir() -> Path:
    return Path(str(resources.files("scholar_desk.resources"))) / "templates"


def builtin_path(name: str) -> Path:
    """The file of a built-in template."""
    return _resource_dir() / f"{name}.pptx"


def load_template(source: str | Path | None, *, kind: str = "slides") -> Template:
    """Load a built-in template by name, or a user's .pptx/.potx file.

    Args:
        source: A built-in name (``"deck-plain"``), a file path, or ``None`` for the
            default built-in template of ``kind``.
        kind: ``"slides"`` or ``"poster"``; picks the default.

    Returns:
        The template with its layouts resolved.

    Raises:
        ExportError: The file is missing, not a presentation, or has no usable layout.
    """
    if source is None or str(source) in BUILTIN_DECKS + BUILTIN_POSTERS:
        name = str(source) if source is not None else builtin_names(kind)[0]
        path = builtin_path(name)
        builtin = True
    else:
        path = Path(source).expanduser()
        name = path.name
        builtin = False
    if not path.is_file():
        raise ExportError(f"The template {path} was not found. Choose another file.", str(path))
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise ExportError(
                f"{name} is over {MAX_TEMPLATE_BYTES >> 20} MB; choose a smaller template."
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"The template {path} cannot be read: {exc.strerror}.") from exc
    return read_template(raw, name=name, builtin=builtin)


# Limits on a template file: it is a zip archive, and a small archive can hold a huge
# member (a "zip bomb"). Sizes come from the archive's directory and are checked before
# anything is decompressed; zipfile never returns more than the size declared there.
MAX_TEMPLATE_BYTES = 100 << 20
"""Largest template file accepted."""
MAX_UNCOMPRESSED_BYTES = 300 << 20
"""Largest total size of a template's members once decompressed."""
MAX_COMPRESSION_RATIO = 100
"""Largest ratio of a member's decompressed to compressed size (above 1 MB)."""
MAX_MEMBERS = 5000
"""Most members a template may hold."""

_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HYPERLINKS = {f"{{{_A}}}hlinkClick", f"{{{_A}}}hlinkHover", f"{{{_P}}}hlinkClick"}
_SAFE_XML = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
)


def check_package(raw: bytes, name: str = "template") -> zipfile.ZipFile:
    """Open a template archive after checking its sizes, without decompressing anything.

    Raises:
        ExportError: Not a zip archive, or too large, too many members or too compressed.
    """
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise ExportError(
            f"{name} is {len(raw) >> 20} MB; templates over {MAX_TEMPLATE_BYTES >> 20} MB "
            "are not used. Choose a smaller template."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ExportError(
            f"{name} is not a PowerPoint presentation or template (.pptx or .potx).", repr(exc)
        ) from exc
    total = sum(m.file_size for m in members)
    bomb = next(
        (
            m
            for m in members
            if m.file_size > 1 << 20
            and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1)
        ),
        None,
    )
    if len(members) > MAX_MEMBERS or total > MAX_UNCOMPRESSED_BYTES or bomb is not None:
        what = (
            f"{bomb.filename} unpacks to {bomb.file_size >> 20} MB from {bomb.compress_size >> 10} KB"
            if bomb is not None
            else f"{len(members)} parts, {total >> 20} MB unpacked"
        )
        raise ExportError(
            f"{name} is not used: it unpacks to far more than a template holds ({what}). "
            "Choose another template.",
            what,
        )
    return archive


def patch_potx(raw: bytes, name: str = "template") -> bytes:
    """Return safe .pptx bytes for a .pptx or .potx package.

    The archive is size-checked first (`check_package`). A template's content type is
    rewritten so python-pptx loads it; relationships to anything outside the file
    (``http://``, ``file:///``) are dropped with what points at them, and DOCTYPE
    declarations are removed, so none of it reaches a generated deck.

    Raises:
        ExportError: The archive is unusable or fails the size checks.
    """
    archive = check_package(raw, name)
    try:
        if not _needs_rewrite(archive):
            return raw
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ) as exc:
        raise ExportError(
            f"{name} is a damaged presentation or template; choose another file.", repr(exc)
        ) from exc
    dropped: dict[str, set[str]] = {}
    for filename, data in list(parts.items()):
        if filename.endswith(".rels"):
            parts[filename], ids = _drop_external(data)
            if ids:
                dropped[_source_of(filename)] = ids
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            data = parts[info.filename]
            if info.filename == "[Content_Types].xml":
                data = data.replace(_TEMPLATE_TYPE, _PRESENTATION_TYPE)
            if info.filename in dropped:
                data = _unlink(data, dropped[info.filename])
            if b"<!DOCTYPE" in data[:4096] and info.filename.endswith((".xml", ".rels")):
                data = _reserialize(data)
            target.writestr(info, data)
    return out.getvalue()


def _needs_rewrite(archive: zipfile.ZipFile) -> bool:
    for info in archive.infolist():
        name = info.filename
        if name == "[Content_Types].xml" and _TEMPLATE_TYPE in archive.read(name):
            return True
        if name.endswith(".rels"):
            data = archive.read(name)
            if b"External" in data or b"://" in data.replace(b"http://schemas.", b""):
                return True
        if name.endswith((".xml", ".rels")):
            with archive.open(info) as handle:
                if b"<!DOCTYPE" in handle.read(4096):
                    return True
    return False


def _source_of(rels_name: str) -> str:
    folder, _, file = rels_name.rpartition("_rels/")
    return folder + file.removesuffix(".rels")


def _parse(data: bytes) -> Any:
    try:
        return etree.fromstring(data, _SAFE_XML)
    except etree.XMLSyntaxError:
        return None


def _reserialize(data: bytes) -> bytes:
    root = _parse(data)
    if root is None:
        return data
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _drop_external(data: bytes) -> tuple[bytes, set[str]]:
    root = _parse(data)
    if root is None:
        return data, set()
    ids = set()
    for rel in list(root):
        if rel.get("TargetMode") == "External" or "://" in (rel.get("Target") or ""):
            ids.add(rel.get("Id") or "")
            root.remove(rel)
    if not ids:
        return data, ids
    return bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    ), ids


def _unlink(data: bytes, ids: set[str]) -> bytes:
    root = _parse(data)
    if root is None:
        return data
    for element in list(root.iter()):
        for attr, value in list(element.attrib.items()):
            if value in ids and attr.startswith(f"{{{_R_NS}}}"):
                parent = element.getparent()
                if element.tag in _HYPERLINKS and parent is not None:
                    parent.remove(element)
                    break
                del element.attrib[attr]
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def open_presentation(data: bytes, name: str = "template") -> Any:
    """Open presentation bytes with python-pptx.

    Raises:
        ExportError: The bytes are not a PowerPoint presentation or template.
    """
    try:
        return Presentation(io.BytesIO(data))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
    ) as exc:
        raise ExportError(
            f"{name} is not a PowerPoint presentation or template (.pptx or .potx).",
            repr(exc),
        ) from exc


# What python-pptx, lxml and zipfile raise on a damaged package, beyond their own errors.
_DAMAGED = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    zipfile.BadZipFile,
    zlib.error,
    etree.LxmlError,
)


def read_template(raw: bytes, *, name: str = "template", builtin: bool = False) -> Template:
    """Read a template from bytes; a damaged one is one clear `ExportError`.

    Raises:
        ExportError: Not a presentation, damaged, too large when unpacked, or no layout
            with a title placeholder.
    """
    try:
        return _read_template(raw, name=name, builtin=builtin)
    except _DAMAGED as exc:
        raise ExportError(
            f"{name} is a damaged presentation or template; choose another file.", repr(exc)
        ) from exc


def _read_template(raw: bytes, *, name: str, builtin: bool) -> Template:
    """Read a template from bytes.

    Args:
        raw: .pptx or .potx bytes.
        name: A name for messages.
        builtin: Whether it ships with the application.

    Returns:
        The template.

    Raises:
        ExportError: Not a presentation, or no layout with a title placeholder.
    """
    data = patch_potx(raw, name)
    prs = open_presentation(data, name)
    width, height = int(prs.slide_width), int(prs.slide_height)
    theme = _theme(prs)
    colors = _theme_colors(theme)
    heading_font, body_font = _theme_fonts(theme)
    master = prs.slide_master
    title_color = _style_color(master, "titleStyle", colors) or colors.get("dk1", BLACK)
    body_color = _style_color(master, "bodyStyle", colors) or colors.get("dk1", BLACK)
    background = _background(master, colors) or colors.get("lt1", WHITE)

    specs = [_layout_spec(i, layout, colors) for i, layout in enumerate(prs.slide_layouts)]
    if not specs:
        raise ExportError(f"The template {name} has no slide layouts; it cannot be used.")
    content = _pick_content(specs, width, height)
    if content is None:
        raise ExportError(
            f"The template {name} has no slide layout with a title placeholder. "
            "Add a 'Title and Content' or 'Title Only' layout in PowerPoint's Slide Master "
            "view, or choose another template.",
        )
    title = _pick_title(specs) or content
    blank = min(
        specs, key=lambda s: (s.title is not None) + (s.body is not None) + len(s.extra_bodies)
    )
    return Template(
        name=name,
        data=data,
        width=width,
        height=height,
        heading_font=heading_font,
        body_font=body_font,
        colors=colors,
        title_color=title_color,
        body_color=body_color,
        background=background,
        title_layout=title,
        content_layout=content,
        blank_layout=blank,
        builtin=builtin,
    )


# Theme ------------------------------------------------------------------------------


def _theme(prs: Any) -> Any:
    try:
        part = prs.slide_master.part.part_related_by(RT.THEME)
        return etree.fromstring(part.blob)
    except (KeyError, etree.XMLSyntaxError):
        return None


def _theme_colors(theme: Any) -> dict[str, Color]:
    colors: dict[str, Color] = {}
    if theme is None:
        return {"dk1": BLACK, "lt1": WHITE}
    scheme = theme.find(".//a:clrScheme", _NS)
    if scheme is None:
        return {"dk1": BLACK, "lt1": WHITE}
    for child in scheme:
        name = etree.QName(child).localname
        for value in child:
            tag = etree.QName(value).localname
            text = value.get("val") if tag == "srgbClr" else value.get("lastClr")
            if text and len(text) == 6:
                colors[name] = Color.from_hex(text)
    colors.setdefault("dk1", BLACK)
    colors.setdefault("lt1", WHITE)
    return colors


def _theme_fonts(theme: Any) -> tuple[str, str]:
    if theme is None:
        return "Calibri", "Calibri"
    major = theme.find(".//a:fontScheme/a:majorFont/a:latin", _NS)
    minor = theme.find(".//a:fontScheme/a:minorFont/a:latin", _NS)
    heading = (major.get("typeface") if major is not None else "") or "Calibri"
    body = (minor.get("typeface") if minor is not None else "") or heading
    return heading, body


_SCHEME_ALIASES = {"tx1": "dk1", "bg1": "lt1", "tx2": "dk2", "bg2": "lt2"}


def _color_of(element: Any, colors: dict[str, Color]) -> Color | None:
    """The colour of a DrawingML ``solidFill`` (scheme colour modifiers ignored)."""
    if element is None:
        return None
    srgb = element.find("a:srgbClr", _NS)
    if srgb is not None and len(srgb.get("val", "")) == 6:
        return Color.from_hex(srgb.get("val"))
    scheme = element.find("a:schemeClr", _NS)
    if scheme is not None:
        key = scheme.get("val", "")
        return colors.get(_SCHEME_ALIASES.get(key, key))
    system = element.find("a:sysClr", _NS)
    if system is not None and len(system.get("lastClr", "")) == 6:
        return Color.from_hex(system.get("lastClr"))
    return None


def _style_color(master: Any, style: str, colors: dict[str, Color]) -> Color | None:
    fill = master.element.find(f"p:txStyles/p:{style}/a:lvl1pPr/a:defRPr/a:solidFill", _NS)
    return _color_of(fill, colors)


def _background(master: Any, colors: dict[str, Color]) -> Color | None:
    fill = master.element.find("p:cSld/p:bg/p:bgPr/a:solidFill", _NS)
    if fill is not None:
        return _color_of(fill, colors)
    ref = master.element.find("p:cSld/p:bg/p:bgRef", _NS)
    if ref is not None:
        return _color_of(ref, colors)
    return None


# Layouts ----------------------------------------------------------------------------


def _rect(shape: Any) -> Rect | None:
    try:
        x, y, w, h = shape.left, shape.top, shape.width, shape.height
    except (AttributeError, KeyError):
        return None
    if x is None or y is None or w is None or h is None:
        return None
    return Rect(int(x), int(y), int(w), int(h))


def _decorations(shapes: Iterable[Any], colors: dict[str, Color]) -> tuple[list[Item], list[Rect]]:
    items: list[Item] = []
    obstacles: list[Rect] = []
    for shape in shapes:
        if shape.is_placeholder:
            continue
        rect = _rect(shape)
        if rect is None:
            continue
        if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
            with contextlib.suppress(AttributeError, KeyError, ValueError):
                items.append(PictureBox(rect.x, rect.y, rect.w, rect.h, shape.image.blob))
            obstacles.append(rect)
        elif shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE:
            fill = _color_of(shape.element.find("p:spPr/a:solidFill", _NS), colors)
            line = shape.element.find("p:spPr/a:ln/a:solidFill", _NS)
            geometry = shape.element.find("p:spPr/a:prstGeom", _NS)
            rounded = geometry is not None and geometry.get("prst") == "roundRect"
            if fill is not None or line is not None:
                items.append(
                    ShapeBox(
                        rect.x, rect.y, rect.w, rect.h, fill, _color_of(line, colors), rounded
                    )
                )
    return items, obstacles


def _layout_spec(index: int, layout: Any, colors: dict[str, Color]) -> LayoutSpec:
    title: Rect | None = None
    title_color: Color | None = None
    subtitle: Rect | None = None
    bodies: list[Rect] = []
    for shape in layout.placeholders:
        kind = shape.placeholder_format.type
        rect = _rect(shape)
        if rect is None or kind in _FOOTER_TYPES:
            continue
        if kind in _TITLE_TYPES and title is None and kind != PP_PLACEHOLDER.VERTICAL_TITLE:
            title = rect
            fill = shape.element.find("p:txBody/a:lstStyle/a:lvl1pPr/a:defRPr/a:solidFill", _NS)
            title_color = _color_of(fill, colors)
        elif kind == PP_PLACEHOLDER.SUBTITLE and subtitle is None:
            subtitle = rect
        elif kind in _BODY_TYPES:
            bodies.append(rect)
    bodies.sort(key=lambda r: r.w * r.h, reverse=True)
    shows_master = layout.element.get("showMasterSp", "1") not in {"0", "false"}
    master_shapes = layout.slide_master.shapes if shows_master else []
    master_items, master_obstacles = _decorations(master_shapes, colors)
    layout_items, layout_obstacles = _decorations(layout.shapes, colors)
    return LayoutSpec(
        index=index,
        name=layout.name or f"layout {index + 1}",
        title=title,
        subtitle=subtitle,
        body=bodies[0] if bodies else None,
        extra_bodies=tuple(bodies[1:]),
        obstacles=tuple(master_obstacles + layout_obstacles),
        decorations=tuple(master_items + layout_items),
        title_color=title_color,
    )


def _pick_content(specs: list[LayoutSpec], width: int, height: int) -> LayoutSpec | None:
    """A layout with a horizontal title and one big body; else one with a title only."""

    def usable_title(spec: LayoutSpec) -> bool:
        return spec.title is not None and spec.title.w >= width // 2

    with_body = [
        s
        for s in specs
        if usable_title(s)
        and s.body is not None
        and s.subtitle is None
        and s.body.w * s.body.h >= width * height // 4
    ]
    if with_body:
        named = [s for s in with_body if "content" in s.name.lower() or "text" in s.name.lower()]
        pool = named or with_body
        return min(
            pool, key=lambda s: (len(s.extra_bodies), -(s.body.w * s.body.h if s.body else 0))
        )
    title_only = [s for s in specs if usable_title(s) and s.body is None and s.subtitle is None]
    if title_only:
        return title_only[0]
    titled = [s for s in specs if usable_title(s)]
    return titled[0] if titled else None


def _pick_title(specs: list[LayoutSpec]) -> LayoutSpec | None:
    for spec in specs:
        if spec.title is not None and spec.subtitle is not None:
            return spec
    for spec in specs:
        if "title slide" in spec.name.lower() and spec.title is not None:
            return spec
    return None
