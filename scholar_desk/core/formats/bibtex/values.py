"""Field values: months, which fields become columns, and how a value is evaluated.

`_Values` resolves ``@string`` macros, ``#`` concatenation and brace groups.
"""

from __future__ import annotations

import re

from scholar_desk.core.formats.bibtex.splitting import _ONE_GROUP
from scholar_desk.core.formats.reference import MAX_EXPANSION_CHARS, MAX_FIELD_CHARS

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


class _TooLargeError(Exception):
    """A value grew past `MAX_FIELD_CHARS` (or the file's expansion budget) while expanding."""


class _Values:
    """Evaluates raw field values: macros, month names, ``#`` and enclosing.

    Expansion is bounded as it happens: a value is measured before its parts are joined,
    so ``@string`` macros that double themselves 25 times never build the long string.
    """

    def __init__(self, strings: dict[str, str], budget: int = MAX_EXPANSION_CHARS) -> None:
        self.strings = strings
        self.oversized: set[str] = set()
        self.budget = budget
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
        if len(value) >= 2 and value[0] == '"' and _closing_quote(value, 0) == len(value) - 1:
            return value[1:-1]  # one quoted string, nothing joined to it
        if value.isdigit():
            return value
        return self._concatenation(value)

    def _concatenation(self, value: str) -> str:
        parts: list[str] = []
        size = 0
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
                expanded = self._macro(word)
                size += len(expanded)
                self.budget -= len(expanded) if expanded is not word else 0
                if size > MAX_FIELD_CHARS or self.budget < 0:
                    raise _TooLargeError(word)
                parts.append(expanded)
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
        if key in self.oversized:
            raise _TooLargeError(word)
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


_QUOTE_OR_BRACE = re.compile(r'[{}"]')


def _closing_quote(text: str, start: int) -> int:
    # The regex skips plain text at C speed; only braces and quotes reach Python.
    depth = 0
    for m in _QUOTE_OR_BRACE.finditer(text, start + 1):
        ch = m.group()
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and text[m.start() - 1] != "\\":
            return m.start()
    return len(text)
