"""Citations in any journal's style, through the Citation Style Language (CSL).

A style is a CSL file: one of those shipped in ``resources/csl`` (AMA, Vancouver, APA and
the catalog's journals, copied from the CSL styles repository) or one a user added (its
XML is kept in the database). `format_references` turns plain reference records into
numbered entries made of `Span` runs (italic journal names, bold volumes...), which the
plain-text, HTML, Word, slide and poster writers each render in their own way.

citeproc-py does the formatting. Where it differs from the full CSL processors (it does
not merge the punctuation of adjacent pieces, so "Smith J:." comes out where a journal
prints "Smith J:"), `_tidy` removes the doubled marks. When a style cannot format a
record at all, the hand-written AMA formatter (`citation.format_ama`) stands in and a
warning says so.
"""

from __future__ import annotations

import functools
import html
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from scholar_desk.core.errors import ImportFileError
from scholar_desk.core.formats.citation import format_ama
from scholar_desk.core.formats.reference import ParsedReference, name_parts, split_authors

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"
DEFAULT_STYLE = "ama"
#: The largest style file accepted from a user (the biggest in the CSL repository is
#: under 200 KB).
MAX_STYLE_BYTES = 1024 * 1024

_TYPES = {
    "article": "article-journal",
    "book": "book",
    "booklet": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "webpage": "webpage",
    "unpublished": "manuscript",
    "patent": "patent",
}
_SHORT_JOURNAL_FIELDS = ("journal_abbreviation", "journalabbrev", "shortjournal", "journal-abbrev")
_IN_PRESS = {"inpress", "in press", "forthcoming", "accepted"}
ET_AL = "et al"
"""Stands for BibTeX's ``and others`` at the end of an author list."""


@dataclass(frozen=True)
class Span:
    """A run of text with its formatting."""

    text: str
    italic: bool = False
    bold: bool = False
    superscript: bool = False
    subscript: bool = False


@dataclass(frozen=True)
class Entry:
    """One formatted reference.

    Attributes:
        number: Its number in the list (from 1), in the order the list prints.
        index: Its position in the records given to `format_references`.
        spans: The text in runs, without the list number.
        fallback: Whether the AMA fallback formatted it because the style failed.
    """

    number: int
    index: int
    spans: tuple[Span, ...]
    fallback: bool = False

    @property
    def text(self) -> str:
        """The entry as plain text."""
        return "".join(span.text for span in self.spans)

    def html(self) -> str:
        """The entry as an HTML fragment (``<i>``, ``<b>``, ``<sup>``, ``<sub>``)."""
        out = []
        for span in self.spans:
            text = html.escape(span.text, quote=False)
            for flag, tag in (
                (span.italic, "i"),
                (span.bold, "b"),
                (span.superscript, "sup"),
                (span.subscript, "sub"),
            ):
                if flag:
                    text = f"<{tag}>{text}</{tag}>"
            out.append(text)
        return "".join(out)


@dataclass(frozen=True)
class Formatted:
    """A reference list in one style.

    Attributes:
        style: The style's name.
        title: The style's title (``AMA Manual of Style 11th edition``).
        numbered: Whether the style numbers its list (Vancouver) or sorts by author (APA).
        entries: The entries in print order.
        warnings: Sentences about records the style could not format.
    """

    style: str
    title: str
    numbered: bool
    entries: tuple[Entry, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class StyleInfo:
    """A citation style that can be chosen.

    Attributes:
        name: What users type (``ama``, ``vancouver``, ``pain``).
        title: Its full title from the file.
        shipped: Whether Scholar Desk ships it (else a user added it).
    """

    name: str
    title: str
    shipped: bool = True


def _csl_files() -> Any:
    return resources.files("scholar_desk.resources") / "csl"


@functools.cache
def shipped_styles() -> dict[str, StyleInfo]:
    """The styles Scholar Desk ships, by name."""
    index = json.loads((_csl_files() / "styles.json").read_text("utf-8"))
    out = {}
    for name in index["styles"]:
        data = (_csl_files() / f"{name}.csl").read_bytes()
        out[name] = StyleInfo(name, style_title(data))
    return out


def shipped_style_xml(name: str) -> bytes:
    """The XML of a shipped style.

    Raises:
        KeyError: Not a shipped style.
    """
    if name not in shipped_styles():
        raise KeyError(name)
    data: bytes = (_csl_files() / f"{name}.csl").read_bytes()
    return data


def style_title(data: bytes) -> str:
    """The ``<title>`` of a CSL style, or ``""``."""
    match = re.search(rb"<title>(.*?)</title>", data[:20000], re.S)
    return html.unescape(match.group(1).decode("utf-8", "replace")).strip() if match else ""


def check_style(data: bytes, source: str) -> str:
    """Check that ``data`` is a CSL style that can format a reference list.

    Args:
        data: The file's bytes.
        source: The file name, for messages.

    Returns:
        The style's title.

    Raises:
        ImportFileError: Not a usable CSL style (with what is wrong).
    """
    if len(data) > MAX_STYLE_BYTES:
        raise ImportFileError(
            f"{source}: {len(data) // 1024} KB is too large for a citation style (the limit "
            f"is {MAX_STYLE_BYTES // 1024} KB)."
        )
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.parse(io.BytesIO(data), parser).getroot()
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", 0)
        raise ImportFileError(f"{source}, line {line}: not well-formed XML ({exc.msg}).") from exc
    if root.tag != f"{{{CSL_NAMESPACE}}}style":
        raise ImportFileError(f"{source}: not a CSL style (its root element is not <style>).")
    if root.find(f"{{{CSL_NAMESPACE}}}bibliography") is None:
        parent = root.find(f".//{{{CSL_NAMESPACE}}}link[@rel='independent-parent']")
        if parent is not None:
            raise ImportFileError(
                f"{source}: a dependent style (it only points to {parent.get('href')}); "
                "add the independent style it names instead."
            )
        raise ImportFileError(f"{source}: the style has no <bibliography> to format a list.")
    try:
        _load(data)
    except Exception as exc:
        raise ImportFileError(f"{source}: the style cannot be used: {exc}") from exc
    return style_title(data) or source


@functools.lru_cache(maxsize=16)
def _load(data: bytes) -> Any:
    from citeproc import CitationStylesStyle

    return CitationStylesStyle(io.BytesIO(data), validate=False)


def _field(record: ParsedReference | Mapping[str, Any], name: str) -> Any:
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name, None)


def _names(value: str) -> list[dict[str, str]]:
    out = []
    others = False
    for raw in split_authors(value):
        if raw.strip().lower() == "others":
            others = True  # BibTeX's "and others": more authors than listed
            continue
        family, given = name_parts(raw)
        if not given and (" " in family or family.isupper()):
            out.append({"literal": _esc(family)})
        else:
            out.append({"family": _esc(family), "given": _esc(given)})
    if others and out:
        out.append({"literal": ET_AL})
    return out


def _esc(value: Any) -> str:
    return " ".join(str(value).split())


def csl_item(record: ParsedReference | Mapping[str, Any], item_id: str) -> dict[str, Any]:
    """A reference as a CSL-JSON item.

    Args:
        record: A `ParsedReference` or a mapping with its field names.
        item_id: The item's id in the list.

    Returns:
        The CSL-JSON mapping citeproc reads.
    """
    extra = {str(k).lower(): str(v) for k, v in (_field(record, "extra_fields") or {}).items()}
    entry_type = str(_field(record, "entry_type") or "article").lower()
    journal = str(_field(record, "journal") or "").strip()
    url = str(_field(record, "url") or "").strip()
    kind = _TYPES.get(entry_type, "article-journal" if journal else "webpage" if url else "book")
    item: dict[str, Any] = {"id": item_id, "type": kind}
    authors = _names(str(_field(record, "authors") or ""))
    if authors:
        item["author"] = authors
    if extra.get("editor"):
        item["editor"] = _names(extra["editor"])
    simple = {
        "title": _field(record, "title"),
        "volume": _field(record, "volume"),
        "issue": _field(record, "issue"),
        "DOI": _field(record, "doi"),
        "PMID": _field(record, "pmid"),
        "URL": url,
        "publisher": extra.get("publisher") or extra.get("institution") or extra.get("school"),
        "publisher-place": extra.get("address") or extra.get("location"),
        "edition": extra.get("edition"),
        "note": extra.get("note"),
    }
    container = journal or extra.get("booktitle", "")
    simple["container-title"] = container
    short = next((extra[f] for f in _SHORT_JOURNAL_FIELDS if extra.get(f)), "")
    abbreviation = str(_field(record, "journal_abbreviation") or "").strip()
    simple["container-title-short"] = abbreviation or short
    pages = str(_field(record, "pages") or "").replace("\u2013", "-").replace("--", "-")
    simple["page"] = pages
    if kind == "paper-conference" and container:
        simple["event-title"] = container
    for key, value in simple.items():
        if value not in (None, ""):
            item[key] = _esc(value)
    year = _field(record, "year")
    if year:
        item["issued"] = {"date-parts": [[int(year)]]}
    state = (extra.get("pubstate") or extra.get("status") or "").strip().lower()
    if state in _IN_PRESS:
        item["status"] = "in press"
    return item


# citeproc-py takes a "formatter" module whose classes wrap formatted text. This one
# wraps it in private-use characters rather than HTML tags, so the record's own text
# (a title with "p<0.05", a URL in angle brackets) never needs escaping.
_MARKS = {"italic": "\ue000", "bold": "\ue001", "superscript": "\ue002", "subscript": "\ue003"}
_END = "\ue00f"


def _wrapper(flag: str | None) -> type[str]:
    class Wrapper(str):
        def __new__(cls, text: str) -> Wrapper:
            return super().__new__(cls, f"{_MARKS[flag]}{text}{_END}" if flag else str(text))

    return Wrapper


class _MarkFormatter:
    """The formatter module citeproc-py is given (see above)."""

    Italic = _wrapper("italic")
    Oblique = _wrapper("italic")
    Bold = _wrapper("bold")
    Light = _wrapper(None)
    Underline = _wrapper(None)
    SmallCaps = _wrapper(None)
    Superscript = _wrapper("superscript")
    Subscript = _wrapper("subscript")

    @staticmethod
    def preformat(text: str) -> str:
        return str(text)


_FLAG_OF = {mark: flag for flag, mark in _MARKS.items()}


def _spans(marked: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    open_flags: list[str] = []
    for piece in re.split(f"([{''.join(_MARKS.values())}{_END}])", marked):
        if piece in _FLAG_OF:
            open_flags.append(_FLAG_OF[piece])
        elif piece == _END:
            if open_flags:
                open_flags.pop()
        elif piece:
            spans.append(Span(piece, **dict.fromkeys(open_flags, True)))
    return tuple(spans)


# Marks citeproc-py leaves doubled where a full CSL processor would merge them.
_DOUBLED = re.compile(
    r"(?<=[:;,!?])\.(?!\.)"  # "Smith J:." -> "Smith J:"
    r"|(?<![.])\.(?=\.(?!\.))"  # ".." -> "." but "..." stays
    r"|\s+(?=[.,;:](?:\s|$))"  # "Pain Med ." -> "Pain Med."
    r"|(?<=\s)\s+"  # two spaces -> one
    r"|;(?=\.)"  # "2026;." -> "2026."
    r"|(?:&|and) (?=et al)"  # "Bhatia, A., & et al" -> "Bhatia, A., et al"
    r"|^\s+|\s+$"
)


def _tidy(spans: Sequence[Span]) -> tuple[Span, ...]:
    text = "".join(span.text for span in spans)
    drop: set[int] = set()
    for match in _DOUBLED.finditer(text):
        drop.update(range(match.start(), match.end()))
    out: list[Span] = []
    at = 0
    for span in spans:
        kept = "".join(c for i, c in enumerate(span.text, start=at) if i not in drop)
        at += len(span.text)
        if not kept:
            continue
        if out and _same_format(out[-1], span):
            out[-1] = Span(out[-1].text + kept, *_format(span))
        else:
            out.append(Span(kept, *_format(span)))
    return tuple(out)


def _format(span: Span) -> tuple[bool, bool, bool, bool]:
    return (span.italic, span.bold, span.superscript, span.subscript)


def _same_format(a: Span, b: Span) -> bool:
    return _format(a) == _format(b)


def _strip_number(spans: tuple[Span, ...], number: int) -> tuple[Span, ...]:
    if not spans:
        return spans
    pattern = re.compile(rf"^\s*[\[(]?{number}[\])]?\.?\s*")
    first = spans[0]
    match = pattern.match(first.text)
    if not match:
        return spans
    rest = first.text[match.end() :]
    head = (Span(rest, *_format(first)),) if rest else ()
    return head + spans[1:]


def _is_numbered(data: bytes) -> bool:
    bibliography = data[data.find(b"<bibliography") :]
    return b'variable="citation-number"' in bibliography


def _no_details(record: ParsedReference | Mapping[str, Any]) -> str:
    key = str(_field(record, "citation_key") or "").strip()
    return f"{key} (no details to cite)" if key else "(a reference with no details to cite)"


def _render_one(parsed: Any, cite: Any, number: int) -> tuple[Span, ...]:
    rendered = parsed.render_bibliography([cite])
    return _tidy(_strip_number(_spans(str(rendered[0])), number)) if rendered else ()


def format_references(
    records: Sequence[ParsedReference | Mapping[str, Any]],
    style: str = DEFAULT_STYLE,
    style_xml: bytes | None = None,
) -> Formatted:
    """Format a reference list in a CSL style.

    Args:
        records: The references, in citing order.
        style: The style's name (a shipped one, or the name of ``style_xml``).
        style_xml: The style's XML when it is not a shipped one.

    Returns:
        The list in print order: citing order for numbered styles, author order for
        author-date styles such as APA.

    Raises:
        KeyError: ``style`` is not shipped and no ``style_xml`` was given.
    """
    data = style_xml if style_xml is not None else shipped_style_xml(style)
    numbered = _is_numbered(data)
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    parsed = _load(data)
    items = [csl_item(record, f"r{i}") for i, record in enumerate(records)]
    bibliography = CitationStylesBibliography(parsed, CiteProcJSON(items), _MarkFormatter)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    bibliography.sort()
    entries: list[Entry] = []
    warnings: list[str] = []
    for number, cite in enumerate(bibliography.items, start=1):
        index = int(cite.key[1:])
        try:
            spans = _render_one(parsed, cite, number)
        except Exception as exc:  # noqa: BLE001 - one record failing must not lose the list
            spans = ()
            problem = str(exc) or type(exc).__name__
        else:
            problem = "" if spans else "the style printed nothing for it"
        if problem:
            title = str(_field(records[index], "title") or "(untitled)")[:60]
            warnings.append(
                f"The {style} style could not format '{title}' ({problem}); "
                "it is given in AMA style."
            )
            text = format_ama(records[index]) or _no_details(records[index])
            entries.append(Entry(number, index, (Span(text),), True))
        else:
            entries.append(Entry(number, index, spans))
    title = style_title(data) or style
    return Formatted(style, title, numbered, tuple(entries), tuple(warnings))


def plain_lines(formatted: Formatted) -> list[str]:
    """The list as numbered plain-text lines (author-date styles are not numbered)."""
    if formatted.numbered:
        return [f"{entry.number}. {entry.text}" for entry in formatted.entries]
    return [entry.text for entry in formatted.entries]


def names(extra: Iterable[str] = ()) -> list[str]:
    """Every style name that can be chosen: the shipped ones, then ``extra``."""
    return [*shipped_styles(), *sorted(set(extra) - set(shipped_styles()))]
