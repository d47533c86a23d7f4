"""One split block to one record: macros resolved, LaTeX decoded, names split."""

from __future__ import annotations

import re
from functools import lru_cache

from bibtexparser import model
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from scholar_desk.core.formats import latex
from scholar_desk.core.formats.bibtex.splitting import _brace_group, _FastEntry
from scholar_desk.core.formats.bibtex.values import (
    _CONTROL,
    _DECODED,
    _FIELD_NAME,
    _FIELD_START,
    MONTHS,
    _TooLargeError,
    _Values,
)
from scholar_desk.core.formats.reference import (
    MAX_FIELD_CHARS,
    ParsedReference,
    ParseResult,
    Problem,
    clean_doi,
    clean_pmid,
    field_too_large,
    format_name,
    keep_doi_case,
    shorten,
)


def _skip(block: model.ParsingFailedBlock, line: int, result: ParseResult) -> None:
    raw = block.raw or ""
    kind = _block_kind(raw)
    reason = _failure_reason(block.error)
    if kind in ("string", "preamble", "comment"):
        result.problems.append(
            Problem(line, f"A broken @{kind} block was ignored: {reason}", shorten(raw))
        )
    else:
        plain = _diagnose(raw, line)
        message = f"Entry {plain}; skipped." if plain else f"Entry skipped: {reason}"
        result.problems.append(Problem(line, message, shorten(raw), "skipped"))


_ENTRY_HEAD = re.compile(r"\s*@\s*\w+\s*[{(]\s*([^,\s{}()]*)\s*,")
_FIELD_HEAD = re.compile(r"(?m)^[ \t]*([A-Za-z][\w:.-]*)[ \t]*=")
_BRACE = re.compile(r"(?<!\\)[{}]")
_QUOTE = re.compile(r'(?<!\\)"')


def _diagnose(raw: str, line: int) -> str:
    """Say in plain words which field of a broken entry is at fault, and on what line.

    Returns ``key: unbalanced brace in `title`, line 22`` (the key when there is one), or
    ``""`` when no single field explains the failure.
    """
    head = _ENTRY_HEAD.match(raw)
    key = head.group(1) if head else ""
    fields = list(_FIELD_HEAD.finditer(raw, head.end() if head else 0))
    for number, field in enumerate(fields):
        end = fields[number + 1].start() if number + 1 < len(fields) else len(raw)
        value = raw[field.end() : end]
        braces = [b.group() for b in _BRACE.finditer(value)]
        depth = 0
        for brace in braces:
            depth += 1 if brace == "{" else -1
        last = number + 1 == len(fields)
        problem = ""
        if depth > 0 or (not last and depth < 0) or (last and depth < -1):
            problem = "unbalanced brace"
        elif len(_QUOTE.findall(value)) % 2:
            problem = "unbalanced quote"
        if problem:
            at = line + raw.count("\n", 0, field.start())
            name = field.group(1).lower()
            where = f"{key}: " if key else ""
            return f"{where}{problem} in `{name}`, line {at}"
    return ""


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
            if key not in fields and len(raw) - 2 > MAX_FIELD_CHARS:
                problems.append(Problem(line, field_too_large(key)))
            elif key not in fields:
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
    try:
        value = values.evaluate(raw)
    except _TooLargeError:
        problems.append(Problem(line, field_too_large(key, expanded=True)))
        return
    if len(value) > MAX_FIELD_CHARS:
        problems.append(Problem(line, field_too_large(key)))
        return
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
        written = extra.pop("doi")
        ref.doi = clean_doi(written)
        keep_doi_case(extra, written)
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
    # Most lists hold no LaTeX at all: their names need no decoding and no braces, and
    # most of those are already written as they are stored.
    plain = _NOT_PLAIN.search(raw) is None
    if plain and _STORED_LIST.fullmatch(raw):
        return raw, raw[: raw.index(",")][:200]
    people = _AND.split(raw) if "{" not in raw else _split_people(raw)
    for person in people:
        person = person.strip()
        if not person:
            continue
        one = _plain_name(person) if plain else None
        stored, last = one if one is not None else _one_name(person)
        if stored:
            names.append(stored)
            first_family = first_family or last.replace("{", "").replace("}", "")
    return " and ".join(names), first_family[:200]


# What `latex.decode` changes, or sends to pylatexenc, in a name (a lone ``-`` or ``'``
# it leaves alone: Jean-Luc, O'Brien); our private-use marks go to its slow path too.
_NOT_PLAIN = re.compile(r"[\\{}$~`?!&%\ue000-\ue003]|--|''")
# "Family, Given and Family, Given", spaces single: what `_plain_name` and the join in
# `_names` give back unchanged. A family word starts with a capital; no word is an "and"
# `_AND` would split at.
_WORD = r"(?![aA][nN][dD](?: |$))[^\s,]+"
_FAMILY_WORD = r"(?![aA][nN][dD](?: |$))[A-Z][^\s,]*"
_STORED_NAME = f"{_FAMILY_WORD}(?: {_FAMILY_WORD})*, {_WORD}(?: {_WORD})*"
_STORED_LIST = re.compile(f"{_STORED_NAME}(?: and {_STORED_NAME})*")


def _plain_name(person: str) -> tuple[str, str] | None:
    """`_one_name` of a name `_simple_name` takes, in a list `_NOT_PLAIN` finds nothing in.

    Such a name decodes to itself and `format_name` leaves it as ``Family, Given`` (or
    the one word), since every word it checks starts with a capital; ``None`` for any
    other name.
    """
    family_part, comma, given_part = person.partition(",")
    if comma:
        if "," in given_part:
            return None
        words = family_part.split()
        given = " ".join(given_part.split())
        if not words or not given:
            return None
    else:
        words = person.split()
    for word in words:
        first = word[0]
        if not first.isalpha() or first.islower():
            return None
    if comma:
        family = " ".join(words)
    else:
        family = words[-1]
        given = " ".join(words[:-1])
    return (f"{family}, {given}" if given else family), family


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
