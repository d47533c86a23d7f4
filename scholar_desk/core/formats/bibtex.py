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
from typing import Any

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
    parse_path,
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
                "#" not in value
                and (
                    _ONE_GROUP.fullmatch(value) is not None
                    or _matching_brace(value, 0) == len(value) - 1
                )
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
    return parse_path(path, parse_text)


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
        blocks = split_blocks(text)
    except RecursionError:
        result.problems.append(
            Problem(1, "The file nests braces too deeply to be read.", shorten(text), "skipped")
        )
        return result
    strings: dict[str, str] = {}
    values = _Values(strings)
    first_line: dict[str, int] = {}
    entry_keys: set[str] = set()
    string_keys: set[str] = set()
    for start_line, block in blocks:
        line = start_line + 1
        if isinstance(block, _FastEntry):
            if block.key in entry_keys:
                _duplicate_entry(block, line, values, result, first_line)
            else:
                entry_keys.add(block.key)
                _add_entry(
                    block.entry_type, block.key, block.fields, line, values, result, first_line
                )
            continue
        if isinstance(block, model.DuplicateBlockKeyBlock):
            # Keys are checked across the whole file below, not per part the splitter saw.
            inner = block.ignore_error_block
            if isinstance(inner, model.Entry | model.String):
                block = inner
        if isinstance(block, model.Entry):
            if block.key in entry_keys:
                _duplicate_entry(_FastEntry.of(block), line, values, result, first_line)
            else:
                entry_keys.add(block.key)
                _add_model_entry(block, line, values, result, first_line)
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
                _add_model_entry(entry, line, values, result, first_line)
            else:
                _skip(block, line, result)
        elif isinstance(block, model.ParsingFailedBlock):
            _skip(block, line, result)
        elif isinstance(block, model.String):
            if block.key in string_keys:
                result.problems.append(
                    Problem(
                        line, f"@string '{block.key}' is defined again; the new value is used."
                    )
                )
            string_keys.add(block.key)
            strings[block.key.lower()] = values.evaluate(block.value)
            result.blocks.append(("string", (block.raw or "").strip()))
        elif isinstance(block, model.Preamble):
            result.blocks.append(("preamble", (block.raw or "").strip()))
        elif isinstance(block, model.ExplicitComment):
            result.blocks.append(("comment", (block.raw or "").strip()))
        elif isinstance(block, model.ImplicitComment):
            _check_implicit(block, line, result)
    return result


def _duplicate_entry(
    entry: _FastEntry,
    line: int,
    values: _Values,
    result: ParseResult,
    first_line: dict[str, int],
) -> None:
    first = first_line.get(entry.key.lower(), 0)
    result.problems.append(
        Problem(
            line,
            f"The key '{entry.key}' is used again (first on line {first}); "
            "this entry gets a new key.",
            shorten(entry.raw),
        )
    )
    _add_entry(entry.entry_type, entry.key, entry.fields, line, values, result, first_line)


# Splitting --------------------------------------------------------------------------------
#
# bibtexparser's splitter walks the file mark by mark in Python: about 6,000 entries a
# second, most of an import's time. Nearly every block of a real file is a well-formed
# ``@type{key, name = value, ...}``; `split_blocks` reads those with one regular
# expression each and hands everything else to bibtexparser, so its rules decide every
# block that is not plain. A block start (``@name{`` or ``@name(``) at the beginning of a
# line ends whatever bibtexparser was reading (it aborts a broken block there), so the
# file can be cut at those starts and each piece read on its own.


class _FastEntry:
    """An entry block as bibtexparser would split it (its `model.Entry`, lighter)."""

    __slots__ = ("entry_type", "fields", "key", "raw", "start_line")

    def __init__(
        self,
        entry_type: str,
        key: str,
        fields: list[tuple[str, str, bool]],
        start_line: int,
        raw: str,
    ) -> None:
        self.entry_type = entry_type
        self.key = key
        self.fields = fields
        self.start_line = start_line
        self.raw = raw

    @classmethod
    def of(cls, entry: model.Entry) -> _FastEntry:
        return cls(
            entry.entry_type,
            entry.key,
            [
                (f.key, f.value if isinstance(f.value, str) else str(f.value), False)
                for f in entry.fields
            ],
            entry.start_line or 0,
            entry.raw or "",
        )


# bibtexparser's block start; it ends a broken block only at the start of a line (after
# spaces), which `_split_fast` checks (a search for "@" is faster than one for "^").
_BLOCK_START = re.compile(r"@\w*[ \t]*[{(]")
# Inside braces a brace right after a backslash is text (bibtexparser's rule), and
# nothing else matters; possessive loops keep this linear.
_INNER = r"(?:[^{}\\]++|\\++[{}]?)"


def _brace_group(depth: int) -> str:
    if depth == 1:
        return r"\{" + _INNER + r"*+\}"
    return r"\{(?:" + _INNER + "|" + _brace_group(depth - 1) + r")*+\}"


# In quotes braces and commas are text; a quote right after a backslash is text too.
# ``{"}`` has a rule of its own in bibtexparser: such values take the slow path.
_QUOTED = r'"(?:[^"\\{]++|\\++"?|\{(?!"))*+"'
_FAST_HEAD = re.compile(r"@(\w*)[ \t]*\{([^{}\",=@\\]*),")
# Group 2: a value that is one brace group (most values; its text is what is inside),
# group 3: any other value, evaluated by `_Values`.
_FAST_FIELD = re.compile(
    r"([^{}\",=@\\]*)=(?:\s*(" + _brace_group(8) + r")\s*(?=[,}])"
    r"|((?:[^{}\",@\\]++|" + _brace_group(8) + "|" + _QUOTED + r")*+))([,}])"
)
_FAST_END = re.compile(r"\s*\}")
_ONE_GROUP = re.compile(_brace_group(8))
_SPECIAL_TYPES = ("comment", "preamble", "string")


def _fast_entry(text: str, start: int, end: int, line: int) -> _FastEntry | None:
    """The entry that ``text[start:end]`` holds if it is plain, else None.

    Plain: ``@type{key,`` then ``name = value`` fields with brace or quote enclosed or
    bare values, each name once, the closing brace, nothing but spaces after it.
    """
    head = _FAST_HEAD.match(text, start, end)
    if head is None:
        return None
    entry_type = head.group(1).lower()
    key = head.group(2).strip()
    if not key or entry_type.startswith(_SPECIAL_TYPES):
        return None
    fields: list[tuple[str, str, bool]] = []
    names: set[str] = set()
    pos = head.end()
    while True:
        m = _FAST_FIELD.match(text, pos, end)
        if m is None:
            closing = _FAST_END.match(text, pos, end)
            if closing is None:
                return None
            pos = closing.end()
            break
        name, group, other, closing_mark = m.groups()
        name = name.strip()
        if not name or name in names:
            return None
        names.add(name)
        if group is not None:
            fields.append((name, group, True))
        else:
            fields.append((name, other.strip(), False))
        pos = m.end()
        if closing_mark == "}":
            break
    if text[pos:end].strip():
        return None
    return _FastEntry(entry_type, key, fields, line, text[start:pos])


def split_blocks(text: str) -> list[tuple[int, Any]]:
    """The file's blocks as bibtexparser's splitter gives them, plain entries faster.

    Args:
        text: BibTeX text.

    Returns:
        ``(0-based start line, block)``: `_FastEntry` for plain entries, bibtexparser
        blocks for the rest, in file order (the caller checks duplicate keys across the
        file; a duplicate's ``DuplicateBlockKeyBlock`` may or may not be there).
    """
    try:
        return _split_fast(text)
    except _SplitMismatchError:
        return [(b.start_line or 0, b) for b in parse_string(text, parse_stack=[]).blocks]


def _split_fast(text: str) -> list[tuple[int, Any]]:
    starts = [
        (m.start(), m.end())
        for m in _BLOCK_START.finditer(text)
        if (prefix := text[text.rfind("\n", 0, m.start()) + 1 : m.start()]) == ""
        or prefix.isspace()
    ]
    out: list[tuple[int, Any]] = []
    line = 0
    counted = 0
    slow_from = 0
    slow_line = 0
    for number, (start, _open) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(text)
        line += text.count("\n", counted, start)
        counted = start
        entry = _fast_entry(text, start, end, line)
        if entry is None:
            continue
        if slow_from < start:
            out.extend(_slow_blocks(text, slow_from, start, slow_line, starts, number))
        out.append((line, entry))
        slow_from = end
        line += text.count("\n", counted, end)
        counted = end
        slow_line = line
    if slow_from < len(text):
        out.extend(_slow_blocks(text, slow_from, len(text), slow_line, starts, len(starts)))
    return out


def _slow_blocks(
    text: str, start: int, end: int, line: int, starts: list[tuple[int, int]], following: int
) -> list[tuple[int, Any]]:
    """The bibtexparser blocks for ``text[start:end]``, lines counted from ``line``.

    The next block start is read too, so a broken block ends the way it would in the
    whole file ("unexpected block start"); the block it opens is dropped.
    """
    piece = text[start:end]
    if not piece.strip():
        return []
    cut = following < len(starts)
    if cut:
        piece += text[starts[following][0] : starts[following][1]]
    blocks = list(parse_string(piece, parse_stack=[]).blocks)
    if cut:
        if not blocks or not isinstance(blocks[-1], model.ParsingFailedBlock):
            raise _SplitMismatchError
        blocks.pop()
    return [((block.start_line or 0) + line, block) for block in blocks]


class _SplitMismatchError(Exception):
    """A piece did not end as expected (never seen; the whole file is then re-read)."""


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


def _add_model_entry(
    entry: model.Entry,
    line: int,
    values: _Values,
    result: ParseResult,
    first_line: dict[str, int],
) -> None:
    fast = _FastEntry.of(entry)
    _add_entry(fast.entry_type, fast.key, fast.fields, line, values, result, first_line)


def _add_entry(
    entry_type: str,
    entry_key: str,
    raw_fields: list[tuple[str, str, bool]],
    line: int,
    values: _Values,
    result: ParseResult,
    first_line: dict[str, int],
) -> None:
    first_line.setdefault(entry_key.lower(), line)
    fields: dict[str, str] = {}
    problems = result.problems
    for name, raw, one_group in raw_fields:
        key = name.lower()
        if not _FIELD_NAME.fullmatch(key):
            problems.append(
                Problem(line, f"The field {name.strip()!r} has no valid name and was ignored.")
            )
            continue
        if one_group:
            # What `_Values.evaluate` gives for one balanced brace group: its inside.
            if key not in fields:
                fields[key] = raw[1:-1]
            continue
        _evaluate_into(key, raw, values, fields, problems, line)
    if _CONTROL.search("".join(fields.values())) or _CONTROL.search(entry_key):
        problems.append(Problem(line, "Control characters were removed from this entry."))
        fields = {k: _CONTROL.sub("", v) for k, v in fields.items()}
    key = _CONTROL.sub("", entry_key).strip()
    result.references.append(_record(entry_type, key, fields, line, result.source))


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
    people = _AND.split(raw) if "{" not in raw else _split_people(raw)
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
# bibtexparser's rules for "and" between names, as one regex: brace groups (where a
# backslash escapes the next character) are skipped; a brace or backslash outside them
# sends the text to bibtexparser's own loop.
_PEOPLE = re.compile(
    r"(" + _brace_group(8).replace(r"\\++[{}]?", r"\\.") + r")"
    r"|(?P<sep>[ \r\n\t]+[aA][nN][dD][ \r\n\t]+)|(?P<bad>[{}\\])",
    re.DOTALL,
)


def _split_people(raw: str) -> list[str]:
    """What ``split_multiple_persons_names`` gives for a name list, faster."""
    people = []
    start = 0
    for m in _PEOPLE.finditer(raw):
        if m.lastgroup == "sep":
            people.append(raw[start : m.start()])
            start = m.end()
        elif m.lastgroup == "bad":
            return list(split_multiple_persons_names(raw))
    people.append(raw[start:])
    return people


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
