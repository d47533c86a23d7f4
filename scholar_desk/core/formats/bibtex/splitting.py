"""Cutting BibTeX text into blocks: plain entries by regex, the rest by bibtexparser."""

from __future__ import annotations

import logging
import re
from typing import Any

from bibtexparser import model
from bibtexparser.entrypoint import parse_string

# Broken blocks are reported with their line by `parse_text`; the splitter's own log
# lines would only repeat them on stderr.
logging.getLogger("bibtexparser.splitter").setLevel(logging.ERROR)


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
