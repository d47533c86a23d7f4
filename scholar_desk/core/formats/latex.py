r"""Fast LaTeX to Unicode for BibTeX field values, with pylatexenc for the rare rest.

pylatexenc is correct but slow (about 170 entries a second on a whole entry). Nearly every
value in real files is plain text, text with protecting braces, or text with the common
accent and escape forms, or macros without arguments (``\TeX``, ``{\it ...\/}``), so
`decode` handles exactly those forms itself and hands a value to pylatexenc only when
something else (a macro with arguments, math beyond what `_math` reads) is left over;
inline math of plain characters (``$n = 1$``, ``Cu$_2$O``) is its content, as pylatexenc
gives it, and so is math with the macros pylatexenc renders the same there
(``$25\,^\circ\mathrm{C}$``, ``$\{001\}$``), under its rules for spaces in math; a lone
``$`` opens math to the end of the value, as in pylatexenc. What pylatexenc makes of
each macro it knows comes from resources/latex_macros.json (tools/make_latex_macros.py
writes it from pylatexenc's own tables, and a test keeps the two equal); like
pylatexenc, a macro it does not know becomes nothing. The fast path
either decodes the whole value or none of it, so the result equals pylatexenc's.

Two deliberate differences from pylatexenc (tests/unit/test_latex.py proves the rest):

* a bare ``%`` is a percent sign, not a comment: BibTeX values are not TeX source lines,
  and reference managers write ``45%`` unescaped in abstracts, where pylatexenc would
  drop the rest of the line;
* a bare ``&`` is an ampersand, not an alignment tab (pylatexenc turns it into spaces);
* the argument of ``\texttt`` is kept (pylatexenc 2.11 drops it, a bug).

Whitespace is collapsed to single spaces (``~`` stays a no-break space), as BibTeX does.
"""

from __future__ import annotations

import json
import pkgutil
import re
import unicodedata
from functools import lru_cache
from typing import Any

_SPECIAL = re.compile(r"[\\{}$~`'?!&%-]")
_WS = re.compile(r"[ \t\n\r\f\v]+")

_COMBINING = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "d": "\u0323",
    "v": "\u030c",
    "u": "\u0306",
    "H": "\u030b",
    "r": "\u030a",
    "k": "\u0328",
    "b": "\u0331",
}
_SYMBOLS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "i": "ı",  # noqa: RUF001 - dotless i is what \i means
    "j": "ȷ",
}
_NAMED = {"textendash": "\u2013", "textemdash": "\u2014"}
_QUOTES = {"``": "\u201c", "''": "\u201d", "?`": "¿", "!`": "¡", "--": "\u2013", "---": "\u2014"}

# A macro's name ends at the spaces after it and at most one line break: a blank line
# after it is a paragraph break, which is a space in the text.
# The lookahead lists every token's first character: the regex engine then skips plain
# text at C speed instead of trying each alternative at every position (4x faster).
_TOKEN = re.compile(
    r"""
    (?=[\\{}~`'?!-])
    (?:
    \\(?P<acc>['`^"~=.])[ \t\n]*(?:\{(?P<accarg>\\[ij]|[A-Za-z])\}|(?P<accbare>\\[ij](?![A-Za-z])[ \t\n]*|[A-Za-z]))
  | \\(?P<lacc>[cdvuHrkb])(?:[ \t\n]*\{(?P<laccarg>\\[ij]|[A-Za-z])\}|[ \t\n]+(?P<laccbare>[A-Za-z]))
  | \\(?P<sym>ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])(?:\{\}|[ \t]*\n?[ \t]*)
  | \\(?P<esc>[&%_$\#{}])
  | \\(?P<fmt>emph|textit|textbf|textrm|textsc|textsf|texttt|textsl|textup|textmd|textnormal|mbox|mathrm)[ \t\n]*(?=\{)
  | \\(?P<named>textendash|textemdash)(?![A-Za-z])(?:\{\}|[ \t]*\n?[ \t]*)
  | (?P<quote>---|--|``|''|\?`|!`)
  | (?P<tilde>~)
  | (?P<brace>[{}])
  | (?P<phantom>\\vphantom[ \t\n]*(?:\\[{}]|\{[^{}\\]*\}))
  | \\(?P<word>[A-Za-z]+)[ \t\r]*\n?[ \t\r]*
  | \\(?P<ctrl>[/ ,])
    )
    """,
    re.VERBOSE,
)


def _accented(letter: str, accent: str) -> str:
    letter = letter[1] if letter in ("\\i", "\\j") else letter.strip()
    return unicodedata.normalize("NFC", letter + _COMBINING[accent])


# Matches whose whole text says what they become (most matches: braces, dashes, ties).
_SIMPLE = {
    "{": "",
    "}": "",
    "~": "\u00a0",
    **_QUOTES,
    **{"\\" + ch: ch for ch in "&%_#{}"},
    "\\$": "\ue002",
}

# A "$" or "\\" the decoding itself writes (``\\$``, ``\\textbackslash{}``) waits behind a
# mark of its own until the check for LaTeX left over has passed: only an unread one
# sends the value to pylatexenc.
_LITERAL_MARKS = str.maketrans({"$": "\ue002", "\\": "\ue003"})
_LITERALS = str.maketrans({"\ue002": "$", "\ue003": "\\"})


def _replace(match: re.Match[str]) -> str:
    simple = _SIMPLE.get(match.group())
    if simple is not None:
        return simple
    kind = match.lastgroup  # the innermost group that closed last names the form
    if kind == "accarg" or kind == "accbare":
        return _accented(match.group(kind).rstrip(), match.group("acc"))
    if kind == "laccarg" or kind == "laccbare":
        return _accented(match.group(kind), match.group("lacc"))
    if kind == "sym":
        return _SYMBOLS[match.group("sym")]
    if kind == "named":
        return _NAMED[match.group("named")]
    if kind == "word":
        text = _macro_texts().get(match.group("word"), "")
        # None: the macro takes arguments; leave it for pylatexenc (the backslash stays).
        return match.group() if text is None else text.translate(_LITERAL_MARKS)
    if kind == "ctrl":
        return _control_symbols()[match.group("ctrl")]
    if kind == "phantom":  # \vphantom keeps a line's height and shows nothing
        return ""
    return ""  # \emph and friends: the braces that follow are removed on their own


@lru_cache(maxsize=1)
def _macro_tables() -> dict[str, Any]:
    """Pylatexenc's view of every macro it knows, as tools/make_latex_macros.py wrote it."""
    # pkgutil, not importlib.resources: that would load zipfile and tempfile into every
    # import for one small file.
    data = pkgutil.get_data("scholar_desk.resources", "latex_macros.json")
    if data is None:  # pragma: no cover - a loader that cannot read its own files
        raise FileNotFoundError("scholar_desk/resources/latex_macros.json")
    return dict(json.loads(data.decode("utf-8")))


@lru_cache(maxsize=1)
def _macro_texts() -> dict[str, str | None]:
    """Macro name to its text; ``None`` for one that takes arguments. Unknown: nothing."""
    tables = _macro_tables()
    texts: dict[str, str | None] = dict(tables["text"])
    texts.update(dict.fromkeys(tables["with_arguments"]))
    return texts


@lru_cache(maxsize=1)
def _control_symbols() -> dict[str, str]:
    return dict(_macro_tables()["control_symbols"])


def collapse_spaces(text: str) -> str:
    """Collapse runs of ASCII whitespace to one space and strip the ends (keeps no-break spaces).

    Args:
        text: Any text.

    Returns:
        The text with BibTeX's view of whitespace.
    """
    if not (
        "  " in text
        or "\n" in text
        or "\t" in text
        or "\r" in text
        or "\f" in text
        or "\v" in text
    ):
        return text.strip(" ")  # nothing to collapse: a few C scans, no regex
    return _WS.sub(" ", text).strip(" ")


def decode(value: str) -> str:
    """Turn a BibTeX field value into plain Unicode text.

    Args:
        value: The field value with its outer braces or quotes already removed.

    Returns:
        The decoded text, whitespace collapsed.
    """
    if not _SPECIAL.search(value):
        return collapse_spaces(value)
    if _MARKS.search(value):  # a value holding one of our marks
        return _slow(value)
    pieces: list[str] = []
    if "$" in value:
        if "$$" in value:  # display math
            return _slow(value)

        def hole(match: re.Match[str]) -> str:
            decoded = _math(match.group(1))
            if decoded is None:
                return match.group()
            pieces.append(decoded)
            return f"{_HOLE}{len(pieces) - 1}{_HOLE_END}"

        text = _MATH.sub(hole, value)
    else:
        text = value
    fast = _TOKEN.sub(_replace, text)
    if "\\" in fast or "$" in fast:
        return _slow(value)
    if pieces:
        fast = _HOLES.sub(lambda m: pieces[int(m.group(1))], fast)
    if "\ue002" in fast or "\ue003" in fast:
        fast = fast.translate(_LITERALS)
    return collapse_spaces(fast)


# The text of each math region waits behind a mark (private-use characters and its
# number) while the text around it is decoded, so nothing joins across its ends
# (``a-$-b$`` has no en dash) and its own characters are not read again.
_HOLE = "\ue000"
_HOLE_END = "\ue001"
_HOLES = re.compile(_HOLE + r"(\d+)" + _HOLE_END)
_MARKS = re.compile("[\ue000-\ue003]")


# Inline math of plain characters only: pylatexenc gives its content as it is
# ("$n = 1$" -> "n = 1", "Cu$_2$O" -> "Cu_2O"), without the spaces at its ends.
_PLAIN_MATH = re.compile(r"[A-Za-z0-9 .,;:=+*/()<>|^_\[\]]*")


# Other inline math: `_math` decodes what is made of characters, braces, the specials
# (~, --, ``), macros pylatexenc renders the same in math as in text (`_math_macros`),
# the control symbols likewise, and \mathrm{...}. A lone ``$`` (OCR damage: "Cu-Cu$ MIS")
# opens math that runs to the end of the value, as pylatexenc reads it.
_MATH = re.compile(r"(?<!\\)\$([^$]*)(?:\$|\Z)")
_MATH_PART = re.compile(
    r"\\(?P<mac>[A-Za-z]+)|\\(?P<sym>[^A-Za-z])|(?P<bare>[%&])|(?P<open>\{)|(?P<close>\})"
    r"|(?P<space>[ \t\n]+)|(?P<special>---|--|``|''|\?`|!`|~)"
    r"|(?P<chars>[^\s\\{}$%&~#`'?!-]+|[`'?!-])"
)
_MATH_SPECIALS = {"~": "\u00a0", **_QUOTES}
_MATH_FORMATS = frozenset({"mathrm", "textrm", "text"})


def _math(content: str) -> str | None:
    """The text of one inline math region, or ``None`` (then pylatexenc).

    As pylatexenc renders math: a space between two constructs (macros, control
    symbols, specials, groups) goes; a space next to characters stays; the ends are
    stripped.
    """
    if _PLAIN_MATH.fullmatch(content):
        return content.strip()
    decoded = _math_text(content)
    if decoded is None or "\\" in decoded or "$" in decoded:
        return None
    return decoded


def _math_text(content: str) -> str | None:
    known = _math_macros()
    out: list[str] = []
    space = ""  # whitespace seen since the last part
    last = "start"  # what came before it: start, chars, construct
    pos = 0
    depth = 0
    argument_due = False
    while pos < len(content):
        m = _MATH_PART.match(content, pos)
        if m is None:
            return None
        pos = m.end()
        kind = m.lastgroup
        if kind == "space":
            space = " "
            continue
        if argument_due and kind != "open":
            return None
        construct = kind != "chars"
        if space and not (construct and last == "construct"):
            out.append(space)
        space = ""
        if kind == "chars":
            out.append(m.group())
        elif kind == "special":
            out.append(_MATH_SPECIALS[m.group()])
        elif kind == "mac":
            name = m.group("mac")
            if name in _MATH_FORMATS:
                argument_due = True
            elif name in known:
                out.append(_macro_texts().get(name) or "")
            elif name in _macro_texts():  # takes arguments, or differs in math
                return None
            # else: a macro pylatexenc does not know becomes nothing, as in text
        elif kind == "sym" or kind == "bare":  # a bare % or & reads as \% or \&
            symbol = m.group(kind)
            if symbol not in known:
                return None
            out.append(_control_symbols()[symbol])
        elif kind == "open":
            depth += 1
            argument_due = False
        elif kind == "close":
            depth -= 1
            if depth < 0:
                return None
        last = "construct" if construct else "chars"
    if argument_due or depth:
        return None
    return "".join(out).strip()  # pylatexenc strips the text of math (str.strip)


@lru_cache(maxsize=1)
def _math_macros() -> frozenset[str]:
    """Macros and control symbols pylatexenc renders inside math as outside it."""
    return frozenset(_macro_tables()["math"])


_BARE = re.compile(r"(?<!\\)([%&])")


PYLATEXENC_LIMIT = 50_000
"""Longer values skip pylatexenc, which takes minutes on megabytes of text."""


def _slow(value: str) -> str:
    if len(value) > PYLATEXENC_LIMIT:
        return collapse_spaces(_TOKEN.sub(_replace, value).replace("\\", ""))
    # pylatexenc 2.11 drops the argument of \texttt; it is plain text in a reference.
    return reference_decode(value.replace("\\texttt", "\\textrm"))


@lru_cache(maxsize=1)
def _converter() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text()


def _pylatexenc(value: str) -> str:
    try:
        return str(_converter().latex_to_text(value))
    except (ValueError, IndexError, RecursionError, TypeError, KeyError):
        # pylatexenc gives up on some malformed input; keep the text readable.
        return value.replace("{", "").replace("}", "")


def reference_decode(value: str) -> str:
    """What pylatexenc makes of a value under this module's rules (tests compare against it).

    Args:
        value: A field value.

    Returns:
        pylatexenc's text with bare ``%``/``&`` escaped first and whitespace collapsed.
    """
    return collapse_spaces(_pylatexenc(_BARE.sub(r"\\\1", value)))


# Encoding ------------------------------------------------------------------------------

_ENCODE = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "\u00a0": "~",
    "\u2013": "--",
    "\u2014": "---",
    "\u201c": "``",
    "\u201d": "''",
    "¿": "{?`}",
    "¡": "{!`}",
}
_ENCODE_RE = re.compile("[" + re.escape("".join(_ENCODE)) + "]|--+|``|''|\\?`|!`")


def _encode_one(match: re.Match[str]) -> str:
    text = match.group()
    if text in _ENCODE:
        return _ENCODE[text]
    # Literal dashes and quote pairs that TeX would ligature: keep them apart.
    return "{}".join(text)


def encode(text: str) -> str:
    """Escape plain Unicode text for a BibTeX field so `decode` gives it back unchanged.

    Non-ASCII letters stay as UTF-8 (biber and modern bibtex read UTF-8 files).

    Args:
        text: Decoded text.

    Returns:
        A value safe to write inside braces.
    """
    return _ENCODE_RE.sub(_encode_one, text)
