"""A formatted reference list written as plain text, HTML or a Word document."""

from __future__ import annotations

import html
from pathlib import Path

from scholar_desk.core import files
from scholar_desk.core.errors import ExportError
from scholar_desk.core.formats.csl import Formatted, plain_lines

FORMATS = ("txt", "html", "docx")


def as_text(formatted: Formatted) -> str:
    """The list as plain text, one entry a line."""
    return "\n".join(plain_lines(formatted)) + ("\n" if formatted.entries else "")


def list_html(formatted: Formatted) -> str:
    """The entries as an HTML list (numbered styles as an ordered list)."""
    tag = "ol" if formatted.numbered else "ul"
    items = "\n".join(f"  <li>{entry.html()}</li>" for entry in formatted.entries)
    return f"<{tag}>\n{items}\n</{tag}>"


def as_html(formatted: Formatted, heading: str = "References") -> str:
    """The list as a small HTML document."""
    title = html.escape(heading)
    style = html.escape(formatted.title)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n"
        f"<p>{style}</p>\n{list_html(formatted)}\n</body></html>\n"
    )


def write(
    formatted: Formatted, out: Path, *, heading: str = "References", force: bool = False
) -> Path:
    """Write the list to ``out`` in the format its suffix names (.txt, .html, .docx).

    Raises:
        ExportError: An unknown suffix, or the file cannot be written.
        OutputExistsError: ``out`` exists and ``force`` is false.
    """
    kind = out.suffix.lower().lstrip(".")
    if kind == "htm":
        kind = "html"
    if kind not in FORMATS:
        raise ExportError(
            f"Cannot tell the format of '{out.name}': end it with .txt, .html or .docx."
        )
    files.check_target(out, force=force)
    if kind == "txt":
        with files.open_text(out, force=force) as handle:
            handle.write(as_text(formatted))
    elif kind == "html":
        with files.open_text(out, force=force) as handle:
            handle.write(as_html(formatted, heading))
    else:
        _write_docx(formatted, out, heading, force=force)
    return out


def _write_docx(formatted: Formatted, out: Path, heading: str, *, force: bool) -> None:
    from docx import Document

    document = Document()
    document.add_heading(heading, level=1)
    for entry in formatted.entries:
        paragraph = document.add_paragraph()
        if formatted.numbered:
            paragraph.add_run(f"{entry.number}. ")
        for span in entry.spans:
            run = paragraph.add_run(span.text)
            run.italic = span.italic or None
            run.bold = span.bold or None
            run.font.superscript = span.superscript or None
            run.font.subscript = span.subscript or None
    document.core_properties.title = heading
    document.core_properties.comments = f"Citation style: {formatted.title}"
    with files.writing(out, force=force) as tmp:
        document.save(str(tmp))
