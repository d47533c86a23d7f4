"""A manuscript's numbers read from its .docx: words by part, figures, tables, references.

The document is read in order and each paragraph falls in one part:

- **title page**: everything before the first section heading (title, authors,
  affiliations, correspondence);
- **abstract**: from a heading "Abstract" (or "Summary") to the next top-level heading
  or a "Keywords" line; its sub-headings (Background, Methods...) count as abstract words;
- **references**: from a heading "References" (or "Bibliography", "Literature cited")
  to the next top-level heading; each non-empty paragraph is one reference;
- **figure legends**: a "Figure legends" section, and anywhere a paragraph that starts
  "Figure 2." / "Fig. 2:" (a number followed by punctuation) or has the Caption style;
- **other**: table titles ("Table 1."), "Keywords" lines, and sections headed "Tables",
  "Appendix" or "Supplementary material", counted nowhere;
- **main text**: the rest, its headings included.

A heading is a paragraph in a Heading or Title style, or one whose whole text is one of
the section names above. A document with no section heading at all is all main text.
Words are counted as the abstract editor counts them: runs of characters between
spaces that hold a letter or a digit. Figures are the distinct figure numbers of the
legends or the pictures in the document, whichever is more; tables are the document's
tables.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from scholar_desk.core.errors import ValidationError

_SPLIT = re.compile(r"[\s\u200b\u2060\ufeff]+")
_ABSTRACT = frozenset({"abstract", "summary", "structured abstract"})
_REFERENCES = frozenset(
    {"references", "reference list", "bibliography", "literature cited", "works cited"}
)
_LEGENDS = frozenset(
    {"figure legends", "figure legend", "legends", "figure captions", "legends to figures"}
)
_OTHER = frozenset({"tables", "table legends", "appendix", "appendices", "supplementary material"})
_KNOWN = _ABSTRACT | _REFERENCES | _LEGENDS | _OTHER
_LEGEND = re.compile(r"^(?:figure|fig\.?)\s*(\d+)\s*[.:|\-\u2013\u2014]", re.IGNORECASE)
_TABLE_TITLE = re.compile(r"^table\s*\d+\s*[.:|\-\u2013\u2014]", re.IGNORECASE)
_KEYWORDS = re.compile(r"^key\s?words?\b", re.IGNORECASE)
_HEADING_STYLE = re.compile(r"^heading\s*(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class DraftCounts:
    """What a draft holds, by part.

    Attributes:
        main_words: Words of the main text (no title page, abstract, references, legends).
        abstract_words: Words of the abstract, its sub-headings included.
        legend_words: Words of the figure legends.
        title_page_words: Words before the first section heading.
        figures: Figures (legend numbers or pictures, whichever is more).
        tables: Tables.
        references: Entries of the reference list.
    """

    main_words: int
    abstract_words: int
    legend_words: int
    title_page_words: int
    figures: int
    tables: int
    references: int


def count_words(text: str) -> int:
    """Words in ``text``: runs between spaces that hold a letter or a digit."""
    return sum(1 for token in _SPLIT.split(text) if any(c.isalnum() for c in token))


def check_word_file(path: Path) -> None:
    """Check cheaply (without reading it whole) that ``path`` is a Word .docx file.

    Raises:
        ValidationError: It is not a .docx that Word could open (one line).
    """
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(
            {"": f"{path.name} is not a Word document (.docx); save it from Word as .docx."},
            str(exc),
        ) from exc
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise ValidationError({"": f"{path.name} is a zip file but not a Word document (.docx)."})


def _heading_level(paragraph: Any, text: str) -> int | None:
    style = paragraph.style.name if paragraph.style is not None else ""
    if style == "Title":
        return 0
    found = _HEADING_STYLE.match(style or "")
    if found:
        return int(found.group(1))
    if _name(text) in _KNOWN:
        return 1
    return None


def _name(text: str) -> str:
    return text.strip().rstrip(":.").strip().casefold()


def count_docx(source: Path | IO[bytes], name: str = "the draft") -> DraftCounts:
    """Count a .docx by the rules in this module's docstring.

    Args:
        source: The file, or its bytes as a binary stream.
        name: The file's name for a message.

    Raises:
        ValidationError: It cannot be read as a Word document (one line).
    """
    import docx  # lazy: python-docx is only needed when a draft is counted
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(source) if isinstance(source, Path) else source)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationError(
            {"": f"{name} is not a Word document (.docx) that can be read."}, str(exc)
        ) from exc
    words = {"title": 0, "main": 0, "abstract": 0, "legends": 0}
    references = 0
    figure_numbers: set[str] = set()
    legend_paragraphs = 0
    paragraphs = list(document.paragraphs)
    sectioned = any(
        (level := _heading_level(p, p.text)) is not None and level >= 1 and p.text.strip()
        for p in paragraphs
    )
    zone = "title" if sectioned else "main"
    for paragraph in paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        level = _heading_level(paragraph, text)
        if level is not None and level >= 1:
            name_ = _name(text)
            if name_ in _ABSTRACT:
                zone = "abstract"
                continue
            if name_ in _REFERENCES:
                zone = "references"
                continue
            if name_ in _LEGENDS:
                zone = "legends"
                continue
            if name_ in _OTHER:
                zone = "other"
                continue
            if zone == "abstract" and level >= 2:
                words["abstract"] += count_words(text)
                continue
            zone = "main"
            words["main"] += count_words(text)
            continue
        if level == 0:  # the Title style: on the title page wherever it is
            words["title"] += count_words(text)
            continue
        legend = _LEGEND.match(text)
        style = paragraph.style.name if paragraph.style is not None else ""
        if zone not in ("references", "abstract", "title") and (legend or style == "Caption"):
            if legend:
                figure_numbers.add(legend.group(1))
            legend_paragraphs += 1
            words["legends"] += count_words(text)
            continue
        if _KEYWORDS.match(text):
            if zone == "abstract":
                zone = "main"
            continue
        if _TABLE_TITLE.match(text) and zone != "references":
            continue
        if zone == "references":
            references += 1
        elif zone in words:
            words[zone] += count_words(text)
    pictures = len(document.inline_shapes)
    return DraftCounts(
        main_words=words["main"],
        abstract_words=words["abstract"],
        legend_words=words["legends"],
        title_page_words=words["title"],
        figures=max(len(figure_numbers), pictures),
        tables=len(document.tables),
        references=references,
    )
