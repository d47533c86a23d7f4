"""Templates: size checks before unpacking; nothing outside the file reaches a deck."""

from __future__ import annotations

import io
import zipfile

import pytest

from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.templates import builtin_path, patch_potx, read_template

SEED = builtin_path("deck-plain").read_bytes()


def _rebuilt(change: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(SEED))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, change.get(info.filename, source.read(info.filename)))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_member_that_unpacks_a_thousandfold_is_refused() -> None:
    bomb = _rebuilt({}, {"ppt/media/image9.png": b"\x00" * (64 << 20)})
    assert len(bomb) < 1 << 20
    with pytest.raises(ExportError, match="unpacks to 64 MB"):
        read_template(bomb, name="bomb.pptx")


def test_external_links_and_doctypes_are_dropped() -> None:
    source = zipfile.ZipFile(io.BytesIO(SEED))
    rels_name = "ppt/slideLayouts/_rels/slideLayout1.xml.rels"
    layout_name = "ppt/slideLayouts/slideLayout1.xml"
    rels = source.read(rels_name).replace(
        b"</Relationships>",
        b'<Relationship Id="rIdOut" TargetMode="External" Target="file:///etc/passwd" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/>'
        b"</Relationships>",
    )
    layout = source.read(layout_name)
    r_ns = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    marker = b"<p:cNvPr "
    at = layout.find(marker)
    close = layout.find(b"/>", at)
    hyperlink = b"<a:hlinkClick " + r_ns + b' r:id="rIdOut"/>'
    layout = layout[:close] + b">" + hyperlink + b"</p:cNvPr>" + layout[close + 2 :]
    assert b"rIdOut" in layout
    theme_name = next(n for n in source.namelist() if n.startswith("ppt/theme/"))
    theme = source.read(theme_name).split(b"?>", 1)[1]
    theme = (
        b'<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + theme
    )
    data = patch_potx(_rebuilt({rels_name: rels, layout_name: layout, theme_name: theme}))
    clean = zipfile.ZipFile(io.BytesIO(data))
    assert b"rIdOut" not in clean.read(rels_name)
    assert b"rIdOut" not in clean.read(layout_name)
    assert b"<!DOCTYPE" not in clean.read(theme_name)
    read_template(data, name="linked.pptx")  # still a usable template


def test_a_clean_template_is_passed_through_unchanged() -> None:
    assert patch_potx(SEED) == SEED
