"""AMA-style citations (AMA Manual of Style, 11th ed.), as medical journals print them.

`format_ama` is a pure function over a `ParsedReference` or a plain mapping with the
same field names, so slide decks and posters can number reference lists with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scholar_desk.core.formats.journals import nlm_abbreviation
from scholar_desk.core.formats.reference import (
    ParsedReference,
    doi_as_written,
    name_parts,
    split_authors,
)

MAX_AUTHORS = 6
"""AMA lists up to six authors; with more, the first three and "et al"."""


def _get(record: ParsedReference | Mapping[str, Any], name: str) -> Any:
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name, None)


def _initials(given: str) -> str:
    out = []
    for part in re.split(r"[\s.]+", given):
        if not part:
            continue
        pieces = [p for p in part.split("-") if p]
        out.append("".join(p[0].upper() for p in pieces if p[0].isalpha()))
    return "".join(out)


def ama_name(name: str) -> str:
    """``"Smith, John Andrew"`` -> ``"Smith JA"``; a corporate name stays as written.

    Args:
        name: One stored name.

    Returns:
        The name in AMA form.
    """
    family, given = name_parts(name)
    if family.lower() == "others":
        return ""
    initials = _initials(given)
    return f"{family} {initials}".strip()


def _sentence(text: str) -> str:
    text = " ".join(str(text or "").split()).strip()
    if not text:
        return ""
    return text if text[-1] in ".?!" else text + "."


def format_ama(record: ParsedReference | Mapping[str, Any]) -> str:
    """One reference in AMA style, without its list number.

    Args:
        record: A `ParsedReference` or a mapping with ``authors``, ``title``, ``journal``,
            ``year``, ``volume``, ``issue``, ``pages``, ``doi``, ``entry_type``,
            ``extra_fields``.

    Returns:
        E.g. ``Smith JA, Lee K. Title. J Pain. 2020;21(3):100-110. doi:10.1/x``: the
        journal as its NLM abbreviation (`journals.nlm_abbreviation`), the DOI with the
        capitals its publisher gave it.
    """
    names = split_authors(str(_get(record, "authors") or ""))
    has_others = any(n.strip().lower() == "others" for n in names)
    names = [n for n in names if n.strip().lower() != "others"]
    formatted = [ama_name(n) for n in names]
    if len(formatted) > MAX_AUTHORS:
        authors = ", ".join(formatted[:3]) + ", et al"
    else:
        authors = ", ".join(formatted) + (", et al" if has_others and formatted else "")
    parts = []
    if authors:
        parts.append(_sentence(authors))
    title = _sentence(str(_get(record, "title") or ""))
    if title:
        parts.append(title)
    extra = _get(record, "extra_fields") or {}
    entry_type = str(_get(record, "entry_type") or "article").lower()
    journal = nlm_abbreviation(str(_get(record, "journal") or ""), extra)
    year = _get(record, "year")
    volume = str(_get(record, "volume") or "").strip()
    issue = str(_get(record, "issue") or "").strip()
    pages = str(_get(record, "pages") or "").strip().replace("\u2013", "-").replace("--", "-")
    if entry_type == "article" or journal:
        source = journal
        detail = str(year) if year else ""
        if volume:
            detail += f";{volume}"
            if issue:
                detail += f"({issue})"
        if pages:
            detail += f":{pages}"
        if source and detail:
            parts.append(f"{source}. {detail}.")
        elif source or detail:
            parts.append(_sentence(source or detail))
    else:
        publisher = str(extra.get("publisher", "") or extra.get("institution", "")).strip()
        tail = "; ".join(x for x in (publisher, str(year) if year else "") if x)
        if tail:
            parts.append(_sentence(tail))
    doi = doi_as_written(str(_get(record, "doi") or "").strip(), extra)
    if doi:
        parts.append(f"doi:{doi}")
    else:
        url = str(_get(record, "url") or "").strip()
        if url:
            parts.append(url)
    return " ".join(parts)
