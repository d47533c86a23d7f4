"""Records to BibTeX text, every field kept."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from scholar_desk.core.formats import latex
from scholar_desk.core.formats.bibtex.values import _FIELD_NAME, _MONTH_MACRO
from scholar_desk.core.formats.reference import (
    DOI_AS_WRITTEN,
    ParsedReference,
    doi_as_written,
    split_authors,
    split_stored_name,
)

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
        out.append(("doi", "{" + _verbatim(doi_as_written(ref.doi, ref.extra_fields)) + "}"))
    if ref.pmid:
        out.append(("pmid", "{" + ref.pmid + "}"))
    if ref.url:
        out.append(("url", "{" + _verbatim(ref.url) + "}"))
    if ref.abstract:
        out.append(("abstract", "{" + enc(ref.abstract) + "}"))
    if ref.keywords:
        out.append(("keywords", "{" + enc(ref.keywords) + "}"))
    taken = {name for name, _ in out} | {DOI_AS_WRITTEN}
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
