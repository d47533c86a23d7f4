"""BibTeX files <-> `ParsedReference` records, on bibtexparser v2's splitter.

bibtexparser splits the file into blocks (and reports broken ones with their line); this
module does the rest itself because the generic middlewares are either slow (LaTeX
decoding through pylatexenc for every value) or too lenient (a macro that is not defined
silently stays as its name). For each entry it resolves ``@string`` macros, month names
and ``#`` concatenation, decodes LaTeX with `latex.decode`, splits names into parts,
and keeps every other field verbatim.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from bibtexparser import model
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from scholar_desk.core.formats import latex
from scholar_desk.core.formats.reference import (
    ParsedReference,
    ParseResult,
    Problem,
    clean_doi,
    clean_pmid,
    format_name,
    read_text,
    shorten,
    split_authors,
    split_stored_name,
)

# Broken blocks are reported with their line by `parse_text`; the splitter's own log
# lines would only repeat them on stderr.
logging.getLogger("bibtexparser.splitter").setLevel(logging.ERROR)

MONTHS = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}
_MONTH_MACRO = {name.lower(): macro for macro, name in MONTHS.items()}

# Fields that become columns; the first present name of each tuple wins, the rest stay
# in extra_fields.
_DECODED = {
    "title": ("title",),
    "journal": ("journal", "journaltitle"),
    "volume": ("volume",),
    "issue": ("number", "issue"),
    "pages": ("pages",),
    "abstract": ("abstract",),
    "keywords": ("keywords",),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FIELD_START = re.compile(r"[ \t\r\n]*,?[ \t\r\n]*([A-Za-z][\w\-:.+/]*)[ \t\r\n]*=", re.S)


_FIELD_NAME = re.compile(r"[A-Za-z][\w\-:.+/]*")
_BARE_WORD = re.compile(r"[^\s#{}\"]+")


class _Values:
    """Evaluates raw field values: macros, month names, ``#`` and enclosing."""

    def __init__(self, strings: dict[str, str]) -> None:
        self.strings = strings
        self.undefined: list[str] = []
        self.garbage = ""

    def evaluate(self, raw: str) -> str:
        self.undefined = []
        self.garbage = ""
        value = raw.strip()
        if len(value) >= 2 and value[0] == "{" and value[-1] == "}":
            inner = value[1:-1]
            if ("{" not in inner and "}" not in inner and not inner.endswith("\\")) or (
                "#" not in value and _matching_brace(value, 0) == len(value) - 1
            ):
                return inner
        if value.isdigit():
            return value
        return self._concatenation(value)

    def _concatenation(self, value: str) -> str:
        parts: list[str] = []
        i = 0
        n = len(value)
        while i < n:
            while i < n and value[i] in " \t\r\n":
                i += 1
            if i >= n:
                break
            ch = value[i]
            if ch == "{":
                end = _matching_brace(value, i)
                parts.append(value[i + 1 : end])
                i = end + 1
            elif ch == '"':
                end = _closing_quote(value, i)
                parts.append(value[i + 1 : end])
                i = end + 1
            else:
                m = _BARE_WORD.match(value, i)
                word = m.group() if m else value[i]
                i += len(word)
                parts.append(self._macro(word))
            while i < n and value[i] in " \t\r\n":
                i += 1
            if i < n:
                if value[i] == "#":
                    i += 1
                else:
                    self.garbage = value[i:]
                    break
        return "".join(parts)

    def _macro(self, word: str) -> str:
        if word.isdigit():
            return word
        key = word.lower()
        if key in self.strings:
            return self.strings[key]
        if key in MONTHS:
            return MONTHS[key]
        if key in _MONTH_MACRO:
            return MONTHS[_MONTH_MACRO[key]]
        self.undefined.append(word)
        return word


_BRACE = re.compile(r"(?<!\\)[{}]")


def _matching_brace(text: str, start: int) -> int:
    depth = 0
    for m in _BRACE.finditer(text, start):
        if m.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return len(text)


def _closing_quote(text: str, start: int) -> int:
    depth = 0
    for i in range(start + 1, len(text)):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif ch == '"' and depth == 0 and text[i - 1] != "\\":
            return i
    return len(text)


def parse_file(path: Path) -> ParseResult:
    """Read a BibTeX file.

    Args:
        path: The ``.bib`` file.

    Returns:
        Records, problems and blocks to keep.

    Raises:
        ImportFileError: The file cannot be read or is not text.
    """
    text, encoding, problems = read_text(path)
    result = parse_text(text, path.name)
    result.encoding = encoding
    result.problems[:0] = problems
    return result


def parse_text(text: str, source: str = "") -> ParseResult:
    """Read BibTeX text; every entry block becomes a record or a skipped problem.

    Args:
        text: The file's text.
        source: The file name, for reports and the records' ``source``.

    Returns:
        Records, problems and blocks to keep.
    """
    text = text.removeprefix("\ufeff")
    result = ParseResult(source=source)
    try:
        library = parse_string(text, parse_stack=[])
    except RecursionError:
        result.problems.append(
            Problem(1, "The file nests braces too deeply to be read.", shorten(text), "skipped")
        )
        return result
    strings: dict[str, str] = {}
    values = _Values(strings)
    first_line: dict[str, int] = {}
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.Entry):
            _add_entry(block, line, values, result, first_line)
        elif isinstance(block, model.DuplicateBlockKeyBlock):
            dup = block.ignore_error_block
            if isinstance(dup, model.Entry):
                first = first_line.get(dup.key.lower(), 0)
                result.problems.append(
                    Problem(
                        line,
                        f"The key '{dup.key}' is used again (first on line {first}); "
                        "this entry gets a new key.",
                        shorten(block.raw or ""),
                    )
                )
                _add_entry(dup, line, values, result, first_line)
            elif isinstance(dup, model.String):
                result.problems.append(
                    Problem(line, f"@string '{dup.key}' is defined again; the new value is used.")
                )
                strings[dup.key.lower()] = values.evaluate(dup.value)
                result.blocks.append(("string", (block.raw or "").strip()))
            else:
                _skip(block, line, result)
        elif isinstance(block, model.DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            if isinstance(entry, model.Entry):
                names = ", ".join(sorted(block.duplicate_keys))
                result.problems.append(
                    Problem(
                        line,
                        f"The field {names} appears twice in this entry; the first is kept.",
                        shorten(block.raw or ""),
                    )
                )
                _add_entry(entry, line, values, result, first_line)
            else:
                _skip(block, line, result)
        elif isinstance(block, model.ParsingFailedBlock):
            _skip(block, line, result)
        elif isinstance(block, model.String):
            strings[block.key.lower()] = values.evaluate(block.value)
            result.blocks.append(("string", (block.raw or "").strip()))
        elif isinstance(block, model.Preamble):
            result.blocks.append(("preamble", (block.raw or "").strip()))
        elif isinstance(block, model.ExplicitComment):
            result.blocks.append(("comment", (block.raw or "").strip()))
        elif isinstance(block, model.ImplicitComment):
            _check_implicit(block, line, result)
    return result


def _skip(block: model.ParsingFailedBlock, line: int, result: ParseResult) -> None:
    raw = block.raw or ""
    kind = _block_kind(raw)
    reason = _failure_reason(block.error)
    if kind in ("string", "preamble", "comment"):
        result.problems.append(
            Problem(line, f"A broken @{kind} block was ignored: {reason}", shorten(raw))
        )
    else:
        result.problems.append(Problem(line, f"Entry skipped: {reason}", shorten(raw), "skipped"))


def _block_kind(raw: str) -> str:
    m = re.match(r"\s*@\s*(\w+)", raw)
    return m.group(1).lower() if m else ""


def _failure_reason(error: Exception) -> str:
    reason = getattr(error, "abort_reason", None)
    if reason:
        return str(reason)
    text = str(error).strip().splitlines()
    reason = text[-1].strip() if text else type(error).__name__
    return reason or "the block could not be read"


_LOST_ENTRY = re.compile(r"(?m)^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]")


def _check_implicit(block: model.ImplicitComment, line: int, result: ParseResult) -> None:
    # Text between blocks that still looks like an entry was not read as one.
    raw = block.comment or ""
    for m in _LOST_ENTRY.finditer(raw):
        kind = m.group(1).lower()
        if kind in ("comment", "string", "preamble"):
            continue
        at = line + raw.count("\n", 0, m.start())
        result.problems.append(
            Problem(
                at, "Text that looks like an entry could not be read.", shorten(raw), "skipped"
            )
        )


def _add_entry(
    entry: model.Entry,
    line: int,
    values: _Values,
    result: ParseResult,
    first_line: dict[str, int],
) -> None:
    first_line.setdefault(entry.key.lower(), line)
    fields: dict[str, str] = {}
    problems = result.problems
    for fld in entry.fields:
        raw = fld.value if isinstance(fld.value, str) else str(fld.value)
        key = fld.key.lower()
        if not _FIELD_NAME.fullmatch(key):
            problems.append(
                Problem(line, f"The field {fld.key.strip()!r} has no valid name and was ignored.")
            )
            continue
        _evaluate_into(key, raw, values, fields, problems, line)
    if any(_CONTROL.search(v) for v in fields.values()) or _CONTROL.search(entry.key):
        problems.append(Problem(line, "Control characters were removed from this entry."))
        fields = {k: _CONTROL.sub("", v) for k, v in fields.items()}
    key = _CONTROL.sub("", entry.key).strip()
    result.references.append(_record(entry.entry_type, key, fields, line, result.source))


def _evaluate_into(
    key: str,
    raw: str,
    values: _Values,
    fields: dict[str, str],
    problems: list[Problem],
    line: int,
) -> None:
    value = values.evaluate(raw)
    for name in values.undefined:
        if key == "month" and name.lower() in MONTHS:
            continue
        problems.append(
            Problem(line, f"The macro '{name}' in field '{key}' is not defined; kept as text.")
        )
    garbage = values.garbage
    if key not in fields:
        fields[key] = value
    if garbage:
        m = _FIELD_START.match(garbage)
        if m:
            problems.append(
                Problem(
                    line,
                    f"A comma seems to be missing between the fields '{key}' and "
                    f"'{m.group(1).lower()}'; they were read as two fields.",
                )
            )
            _evaluate_into(m.group(1).lower(), garbage[m.end() :], values, fields, problems, line)
        else:
            problems.append(
                Problem(
                    line,
                    f"Unexpected text after the value of '{key}' was kept: {garbage[:60]!r}",
                )
            )
            fields[key] = value + " " + garbage


def _record(
    entry_type: str, key: str, fields: dict[str, str], line: int, source: str
) -> ParsedReference:
    ref = ParsedReference(
        entry_type=entry_type.lower(), citation_key=key, line=line, source=source
    )
    extra = dict(fields)
    decode = latex.decode
    for column, names in _DECODED.items():
        for name in names:
            if name in extra:
                setattr(ref, column, decode(extra.pop(name)))
                break
    people = extra.pop("author", None)
    if people is not None:
        ref.authors, ref.first_author = _names(people)
    elif "editor" in extra:
        ref.first_author = _names(extra["editor"])[1]
    year = extra.get("year")
    if year is not None:
        text = year.strip().strip("{}").strip()
        if text.isdigit() and len(text) <= 4:
            ref.year = int(text)
            del extra["year"]
    elif "date" in extra:
        m = re.match(r"\s*(\d{4})", extra["date"])
        if m:
            ref.year = int(m.group(1))
    if "doi" in extra:
        ref.doi = clean_doi(extra.pop("doi"))
    if "pmid" in extra:
        pmid = clean_pmid(extra["pmid"])
        if pmid:
            ref.pmid = pmid
            del extra["pmid"]
    if "url" in extra:
        ref.url = extra.pop("url").strip()
    month = extra.get("month")
    if month is not None and month.strip().lower() in MONTHS:
        extra["month"] = MONTHS[month.strip().lower()]
    ref.extra_fields = extra
    return ref


def _names(raw: str) -> tuple[str, str]:
    names = []
    first_family = ""
    raw = latex.collapse_spaces(raw)
    people = _AND.split(raw) if "{" not in raw else split_multiple_persons_names(raw)
    for person in people:
        person = person.strip()
        if not person:
            continue
        stored, last = _one_name(person)
        if stored:
            names.append(stored)
            first_family = first_family or last.replace("{", "").replace("}", "")
    return " and ".join(names), first_family[:200]


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def _simple_name(person: str) -> tuple[str, str] | None:
    """``(family, given)`` of a name BibTeX reads without von parts or braces, else None."""
    if "{" in person or "\\" in person or "$" in person or "~" in person:
        return None
    parts = person.split(",")
    if not all(part.strip() for part in parts):
        return None
    if len(parts) == 1:
        words = person.split()
        if not words or not all(w[0].isalpha() and not w[0].islower() for w in words):
            return None
        return words[-1], " ".join(words[:-1])
    if len(parts) == 2:
        words = parts[0].split()
        if not words or not all(w[0].isalpha() and not w[0].islower() for w in words):
            return None
        return " ".join(words), " ".join(parts[1].split())
    return None


@lru_cache(maxsize=20000)
def _one_name(person: str) -> tuple[str, str]:
    """The stored form of one raw name and its last name (for sorting)."""
    simple = _simple_name(person)
    if simple is not None:
        family, given = simple
        family, given = latex.decode(family), latex.decode(given)
        return format_name(family, given), family
    try:
        parts = parse_single_name_into_parts(person, strict=False)
    except (InvalidNameError, ValueError, IndexError):
        family = latex.decode(person)
        return format_name(family), family
    decode = latex.decode
    von = decode(" ".join(parts.von))
    last = decode(" ".join(parts.last))
    family = f"{von} {last}".strip()
    given = decode(" ".join(parts.first))
    jr = decode(" ".join(parts.jr))
    if not family and given:
        family, given = given, ""
    if not family:
        return "", ""
    return format_name(family, given, jr, has_von=bool(von)), last or family


# Writing ----------------------------------------------------------------------------------

_WORD_WITH_CAPITAL = re.compile(r"(?<![\w{])(\S*[A-Z]\S*)")


def _protect_case(title: str) -> str:
    """Brace words with capitals after the first word so styles keep their case."""
    encoded = latex.encode(title)
    head, sep, rest = encoded.partition(" ")
    if not sep:
        return encoded
    return head + " " + _WORD_WITH_CAPITAL.sub(r"{\1}", rest)


def _encode_names(authors: str) -> str:
    out = []
    for name in split_authors(authors):
        parts = [latex.encode(part) for part in split_stored_name(name)]
        if name.startswith("{"):
            parts[0] = "{" + parts[0] + "}"
        out.append(", ".join(parts))
    return " and ".join(out)


def _balanced(value: str) -> bool:
    depth = 0
    prev = ""
    for ch in value:
        if ch == "{" and prev != "\\":
            depth += 1
        elif ch == "}" and prev != "\\":
            depth -= 1
            if depth < 0:
                return False
        prev = "" if prev == "\\" and ch == "\\" else ch
    return depth == 0


def _verbatim(value: str) -> str:
    if _balanced(value):
        return value
    return value.replace("{", "\\{").replace("}", "\\}")


def entry_fields(ref: ParsedReference) -> list[tuple[str, str]]:
    """The fields to write for one record, in a conventional order, values enclosed.

    Args:
        ref: The record.

    Returns:
        ``(name, written value)`` pairs; month names become bare macros.
    """
    out: list[tuple[str, str]] = []
    enc = latex.encode
    if ref.authors:
        out.append(("author", "{" + _encode_names(ref.authors) + "}"))
    if ref.title:
        out.append(("title", "{" + _protect_case(ref.title) + "}"))
    if ref.journal:
        out.append(("journal", "{" + enc(ref.journal) + "}"))
    if ref.year is not None:
        out.append(("year", "{" + str(ref.year) + "}"))
    for name, value in (("volume", ref.volume), ("number", ref.issue), ("pages", ref.pages)):
        if value:
            out.append((name, "{" + enc(value) + "}"))
    if ref.doi:
        out.append(("doi", "{" + _verbatim(ref.doi) + "}"))
    if ref.pmid:
        out.append(("pmid", "{" + ref.pmid + "}"))
    if ref.url:
        out.append(("url", "{" + _verbatim(ref.url) + "}"))
    if ref.abstract:
        out.append(("abstract", "{" + enc(ref.abstract) + "}"))
    if ref.keywords:
        out.append(("keywords", "{" + enc(ref.keywords) + "}"))
    taken = {name for name, _ in out}
    for name, value in ref.extra_fields.items():
        if name in taken or not _FIELD_NAME.fullmatch(name):
            continue
        if name == "month" and value.lower() in _MONTH_MACRO:
            out.append((name, _MONTH_MACRO[value.lower()]))
        else:
            out.append((name, "{" + _verbatim(value) + "}"))
    return out


def _safe_key(key: str) -> str:
    return re.sub(r"[\s,{}()\"#%=\\~]", "", key) or "ref"


def format_entry(ref: ParsedReference) -> str:
    """One ``@type{key, ...}`` block.

    Args:
        ref: The record.

    Returns:
        The entry's BibTeX text, ending in a newline.
    """
    entry_type = re.sub(r"[^A-Za-z0-9_-]", "", ref.entry_type) or "misc"
    lines = [f"@{entry_type}{{{_safe_key(ref.citation_key)},"]
    lines.extend(f"  {name} = {value}," for name, value in entry_fields(ref))
    lines.append("}")
    return "\n".join(lines) + "\n"


def write(
    references: Iterable[ParsedReference], blocks: Iterable[tuple[str, str]] = ()
) -> Iterator[str]:
    """BibTeX text in pieces: kept blocks first (``@preamble``, ``@string``, ``@comment``).

    Args:
        references: Records to write.
        blocks: ``(kind, text)`` blocks kept from imports, written verbatim.

    Yields:
        Text chunks to write in order.
    """
    yield "% Exported by Scholar Desk; encoding: UTF-8\n\n"
    for _kind, text in blocks:
        yield text.strip() + "\n\n"
    for ref in references:
        yield format_entry(ref) + "\n"
