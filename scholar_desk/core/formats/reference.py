"""Plain reference records shared by the BibTeX, RIS and MEDLINE readers and writers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from scholar_desk.core.errors import ImportFileError

MAIN_FIELDS = (
    "entry_type",
    "citation_key",
    "authors",
    "first_author",
    "title",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "url",
    "abstract",
    "keywords",
)


@dataclass
class ParsedReference:
    """One bibliographic record read from a file, before it meets the database.

    Attributes:
        entry_type: BibTeX entry type in lower case (``article``, ``book``...).
        citation_key: The key from the file, or ``""`` when the format has none.
        authors: BibTeX name list, ``"Family, Given and Family, Given"``, decoded to Unicode.
        first_author: Family name of the first author (or editor), for sorting and display.
        title: Decoded title.
        journal: Decoded journal name.
        year: Publication year, when it is a plain number.
        volume: Volume.
        issue: Issue (BibTeX ``number``).
        pages: Page range, ``--`` decoded to an en dash.
        doi: Bare DOI (``10.x/y``), any ``https://doi.org/`` or ``doi:`` prefix removed.
        pmid: PubMed id, digits only.
        url: URL as written.
        abstract: Decoded abstract.
        keywords: Decoded keywords as written (comma or semicolon separated).
        extra_fields: Every other field, lower-case name to its value verbatim (macros
            resolved, outer braces removed, LaTeX kept) so export loses nothing.
        tags: Tag names to attach.
        line: 1-based line of the record in its file (0 when unknown).
        source: File name it came from.
    """

    entry_type: str = "article"
    citation_key: str = ""
    authors: str = ""
    first_author: str = ""
    title: str = ""
    journal: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    abstract: str = ""
    keywords: str = ""
    extra_fields: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    line: int = 0
    source: str = ""

    def main_values(self) -> dict[str, object]:
        """The modelled fields as a dict (no extra fields, tags or position)."""
        return {name: getattr(self, name) for name in MAIN_FIELDS}


@dataclass(frozen=True)
class Problem:
    """A block that was skipped or looks suspicious.

    Attributes:
        line: 1-based line where the block starts (0 for the whole file).
        message: What is wrong, in words.
        raw: The block's text as it was in the file (may be shortened).
        kind: ``skipped`` (not imported, counted) or ``warning`` (imported anyway).
    """

    line: int
    message: str
    raw: str = ""
    kind: Literal["skipped", "warning"] = "warning"


@dataclass
class ParseResult:
    """Everything read from one file.

    Attributes:
        source: The file name.
        references: Records read, in file order.
        problems: Skipped blocks and warnings, in file order.
        blocks: ``(kind, text)`` of ``@preamble``/``@string``/``@comment`` blocks to keep.
        encoding: The text encoding the file was read with.
    """

    source: str
    references: list[ParsedReference] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blocks: list[tuple[str, str]] = field(default_factory=list)
    encoding: str = "utf-8"

    @property
    def skipped(self) -> list[Problem]:
        """Problems that kept a block out."""
        return [p for p in self.problems if p.kind == "skipped"]

    @property
    def entries_in_file(self) -> int:
        """Records read plus records skipped."""
        return len(self.references) + len(self.skipped)


RAW_LIMIT = 2000
"""Raw text kept with a problem is cut to this many characters."""


def shorten(raw: str) -> str:
    """Cut raw block text for a report."""
    return raw if len(raw) <= RAW_LIMIT else raw[:RAW_LIMIT] + " [...]"


# Reading files ----------------------------------------------------------------------------

RecordListener = Callable[[Sequence[ParsedReference]], None]
"""Given a reader's records a batch at a time while the reader goes on (`RecordFeed`)."""


class RecordFeed:
    """Hands the records a reader has made so far to a listener, while it reads on.

    An import on a server has the server work on the records already read while the
    rest of the file is read (the import service's ``_StreamedImport``). A reader calls
    `poll` after each block (a length compared, unless a batch is due) and `close` when
    done. Each record is handed once, as it was when handed; the one change a reader
    makes afterwards is to empty a field found too large (`drop_oversized`), which a
    listener sees coming with `oversized`.
    """

    BATCH = 500
    """Records per call of the listener."""

    __slots__ = ("_listener", "_records", "_told")

    def __init__(self, result: ParseResult, listener: RecordListener | None) -> None:
        self._listener = listener
        self._records = result.references
        self._told = 0

    def poll(self) -> None:
        """Hand the records read since the last batch, when there are `BATCH` of them."""
        if self._listener is not None and len(self._records) - self._told >= self.BATCH:
            self._hand()

    def close(self) -> None:
        """Hand the records not handed yet."""
        if self._listener is not None and len(self._records) > self._told:
            self._hand()

    def _hand(self) -> None:
        assert self._listener is not None
        end = len(self._records)
        self._listener(self._records[self._told : end])
        self._told = end


# Limits on what a file may hold ------------------------------------------------------------

MAX_FIELD_CHARS = 1 << 20
"""A field longer than this (1 MB of text, after macro expansion) is left out."""

MAX_EXPANSION_CHARS = 8 << 20
"""Macro text a whole BibTeX file may expand to, beyond its own size."""

_STRING_FIELDS = (
    "entry_type",
    "citation_key",
    "authors",
    "first_author",
    "title",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "url",
    "abstract",
    "keywords",
)


def field_too_large(name: str, *, expanded: bool = False) -> str:
    """The problem text for a field over `MAX_FIELD_CHARS`."""
    after = " after macro expansion" if expanded else ""
    return f"The field '{name}' is larger than 1 MB{after}; it was left out."


def oversized(ref: ParsedReference) -> bool:
    """Whether a field of ``ref`` is over `MAX_FIELD_CHARS` (`drop_oversized` empties it)."""
    return any(len(getattr(ref, name)) > MAX_FIELD_CHARS for name in _STRING_FIELDS) or any(
        len(value) > MAX_FIELD_CHARS for value in ref.extra_fields.values()
    )


def drop_oversized(result: ParseResult) -> None:
    """Empty every field over `MAX_FIELD_CHARS`, with a problem on its entry's line."""
    for ref in result.references:
        for name in _STRING_FIELDS:
            if len(getattr(ref, name)) > MAX_FIELD_CHARS:
                setattr(ref, name, "")
                result.problems.append(Problem(ref.line, field_too_large(name)))
        for name, value in list(ref.extra_fields.items()):
            if len(value) > MAX_FIELD_CHARS:
                del ref.extra_fields[name]
                result.problems.append(Problem(ref.line, field_too_large(name)))


def require_entries(result: ParseResult, name: str) -> None:
    """Refuse a file in which no entry was recognised at all (empty, or not references).

    Raises:
        ImportFileError: Neither a record nor a skipped entry was found.
    """
    if result.entries_in_file == 0:
        raise ImportFileError(
            f"{name} holds no references: no BibTeX, RIS or PubMed/MEDLINE entry was found. "
            "Nothing was imported.",
            "no entry found",
        )


def parse_path(path: Path, parse_text: Callable[[str, str], ParseResult]) -> ParseResult:
    """Read a file with `read_text` and parse it, keeping the encoding and its warning.

    Args:
        path: The file.
        parse_text: The format's ``parse_text(text, source)``.

    Raises:
        ImportFileError: The file cannot be read or is not text.
    """
    text, encoding, problems = read_text(path)
    result = parse_text(text, path.name)
    result.encoding = encoding
    result.problems[:0] = problems
    return result


def read_text(path: Path) -> tuple[str, str, list[Problem]]:
    """Read a text file as UTF-8 (with or without BOM), falling back to Windows-1252.

    Args:
        path: The file.

    Returns:
        The text, the encoding used, and a warning when it was not UTF-8.

    Raises:
        ImportFileError: The file cannot be read or is not text.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            f"Cannot read {path.name}: {exc.strerror or exc}.", str(exc)
        ) from exc
    return decode_bytes(data, path.name)


# Bytes that never appear in a text file (tab, line feed, form feed and carriage return
# aside); random or binary data holds about one in nine.
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32), 127])


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` (not UTF-16) is binary: over 2% control bytes (NUL among them)."""
    if not data:
        return False
    controls = 0
    step = 1 << 20  # in slices, so the check never holds a second copy of a large file
    for start in range(0, len(data), step):
        piece = data[start : start + step]
        controls += len(piece) - len(piece.translate(None, _CONTROL_BYTES))
        if start == 0 and controls * 50 > len(piece):
            return True
    return controls * 50 > len(data)


def decode_bytes(data: bytes, name: str) -> tuple[str, str, list[Problem]]:
    """Decode file contents; see `read_text`.

    Raises:
        ImportFileError: The bytes are not text in any encoding we read.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"{name} cannot be decoded as text (broken UTF-16).", str(exc)
            ) from exc
    if looks_binary(data):
        raise ImportFileError(
            f"{name} is not a text file (it looks binary). Export it from your reference "
            "manager as BibTeX, RIS or PubMed/MEDLINE text. Nothing was imported.",
            f"{data.count(0)} NUL bytes in {len(data)}",
        )
    try:
        return data.decode("utf-8-sig"), "utf-8", []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    line = data.count(b"\n", 0, first_bad) + 1
    try:
        text, encoding = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
    label = "Windows-1252" if encoding == "cp1252" else "Latin-1"
    warning = Problem(
        line,
        f"{name} is not UTF-8 (first bad byte on line {line}); it was read as {label}. "
        "Check accented letters, or save the file as UTF-8 and import again.",
    )
    return text, encoding, [warning]


# Normalising ------------------------------------------------------------------------------

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|https?://doi\.org/)", re.I)
_DOI_SHAPE = re.compile(r"10\.\d{3,9}/\S+")


def clean_doi(value: str) -> str:
    """The bare DOI in lower case: URL and ``doi:`` prefixes and TeX escapes removed.

    DOIs are case-insensitive, so one stored form makes duplicates easy to find.

    Args:
        value: A DOI as written in a file.

    Returns:
        The bare DOI, or ``""``.
    """
    text = value.strip().replace("\\_", "_").replace("\\%", "%").strip("{} ")
    return _DOI_PREFIX.sub("", text).strip().lower()


#: Extra field holding a DOI's capitals when they differ from the stored lower-case form.
DOI_AS_WRITTEN = "doi_as_written"


def keep_doi_case(extra: dict[str, str], value: str) -> None:
    """Remember how a DOI was written when its capitals differ from the stored form.

    The library stores DOIs in lower case to find duplicates; citations, exports and QR
    codes print them as their publisher wrote them.

    Args:
        extra: The record's other fields (changed in place).
        value: The DOI as written in the file.
    """
    text = value.strip().replace("\\_", "_").replace("\\%", "%").strip("{} ")
    written = _DOI_PREFIX.sub("", text).strip()
    if written and written != written.lower():
        extra[DOI_AS_WRITTEN] = written


def doi_as_written(doi: str, extra: Mapping[str, object] | None) -> str:
    """The DOI with its original capitals where they were kept, else ``doi``."""
    written = str((extra or {}).get(DOI_AS_WRITTEN, "") or "")
    return written if written and written.lower() == doi.lower() else doi


def doi_key(doi: str) -> str:
    """The form of a DOI two records share when they are the same work (lower case)."""
    match = _DOI_SHAPE.search(doi)
    text = match.group() if match else doi
    return text.strip().rstrip(".").lower()


def clean_pmid(value: str) -> str:
    """Digits of a PubMed id (``"PMID: 123"`` becomes ``"123"``)."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[:20]


_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits only, words separated by single spaces."""
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    plain = unicodedata.normalize("NFKD", text.casefold())
    # Only non-ASCII characters can be combining marks: look at those alone.
    plain = _NON_ASCII.sub(_drop_combining, plain)
    return _NON_WORD.sub(" ", plain.replace("ß", "ss")).strip()


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _drop_combining(match: re.Match[str]) -> str:
    char = match.group()
    return "" if unicodedata.combining(char) else char


def title_key(title: str) -> str:
    """The sort and duplicate key of a title (folded, at most 300 characters)."""
    return fold(title)[:300]


def author_key(family: str) -> str:
    """The duplicate key of a family name (folded, spaces removed)."""
    return fold(family).replace(" ", "")


def split_authors(authors: str) -> list[str]:
    """Split a stored BibTeX name list on top-level ``and``.

    Args:
        authors: ``"Family, Given and {Corporate Name}"``.

    Returns:
        One string per name, braces kept.
    """
    if not authors:
        return []
    names: list[str] = []
    depth = 0
    start = 0
    i = 0
    lower = authors.lower()
    n = len(authors)
    while i < n:
        ch = authors[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and lower.startswith(" and ", i):
            names.append(authors[start:i].strip())
            i += 5
            start = i
            continue
        i += 1
    names.append(authors[start:].strip())
    return [name for name in names if name]


def name_parts(name: str) -> tuple[str, str]:
    """Family and given name of one stored name (``"{WHO}"`` has no given name).

    Args:
        name: One name as `split_authors` returns it.

    Returns:
        ``(family, given)``; braces of a corporate name removed.
    """
    parts = split_stored_name(name)
    if len(parts) == 1:
        return parts[0], ""
    if len(parts) == 3:
        return f"{parts[0]} {parts[1]}".strip(), parts[2]
    return parts[0], parts[1]


def split_stored_name(name: str) -> list[str]:
    """Split a stored name at top-level commas (``{Family, Inc.}, Given`` has two parts).

    Args:
        name: One name as `split_authors` returns it.

    Returns:
        1 to 3 parts (family; family, given; family, jr, given), braces of a braced
        family removed.
    """
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in name:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    first = parts[0]
    if first.startswith("{") and first.endswith("}"):
        parts[0] = first[1:-1]
    if len(parts) > 3:
        parts = [parts[0], parts[1], ", ".join(parts[2:])]
    return parts


def _starts_lower(word: str) -> bool:
    for ch in word:
        if ch.isalpha():
            return ch.islower()
    return False


def format_name(family: str, given: str = "", jr: str = "", *, has_von: bool = False) -> str:
    """One name in stored form: ``Family, Given`` (``{Corporate Name}`` when needed).

    Args:
        family: von part and last name.
        given: Given names.
        jr: Suffix (Jr., III).
        has_von: Whether ``family`` starts with a lower-case particle BibTeX finds itself.

    Returns:
        The name as it goes into ``authors``.
    """
    # Stray braces (a typo such as Thi{'ebaux) would unbalance the stored list.
    family = family.replace("{", "").replace("}", "").strip()
    given = given.replace("{", "").replace("}", "").strip()
    jr = jr.replace("{", "").replace("}", "")
    words = family.split()
    if family == "others" and not given and not jr:
        return family  # BibTeX's "and others" (et al.)
    needs_braces = (
        "," in family
        or " and " in family.lower()
        or (not given and not jr and len(words) > 1 and not has_von)
        # A lower-case word would be read back as a "von" particle that was not there.
        or (not has_von and any(_starts_lower(w) for w in words))
    )
    if needs_braces:
        family = "{" + family + "}"
    if jr:
        return f"{family}, {jr.strip()}, {given}"
    if given:
        return f"{family}, {given}"
    return family
