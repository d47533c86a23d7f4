"""Journal names as AMA prints them: the NLM title abbreviation.

The reference's own abbreviation wins (BibTeX ``shortjournal``, RIS ``J2``/``JA``,
MEDLINE ``TA``); else the shipped list ``resources/journals/nlm_abbreviations.tsv``
(from the NLM Catalog, source noted in the file); else the name as recorded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources

#: Extra fields that hold a journal's abbreviation, by importer.
ABBREVIATION_FIELDS = (
    "journal_abbrev",
    "shortjournal",
    "journalabbrev",
    "journal_abbreviation",
    "iso_abbrev",
    "ris_j2",
    "ris_ja",
    "alternate_title3",
    "alternate_title2",
)


def _key(name: str) -> str:
    text = name.lower().replace("&", " and ")
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    return text.removeprefix("the ").strip()


@functools.cache
def _shipped() -> dict[str, str]:
    source = resources.files("scholar_desk.resources") / "journals" / "nlm_abbreviations.tsv"
    table: dict[str, str] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        title, _, abbreviation = line.partition("\t")
        if abbreviation.strip():
            table[_key(title)] = abbreviation.strip()
    return table


def nlm_abbreviation(journal: str, extra: Mapping[str, object] | None = None) -> str:
    """The journal's NLM abbreviation, e.g. ``"Reg Anesth Pain Med"``.

    Args:
        journal: The journal's name as recorded.
        extra: The reference's other fields, where an importer kept its abbreviation.

    Returns:
        The abbreviation without a final period, or ``journal`` when none is known.
    """
    for name in ABBREVIATION_FIELDS:
        value = str((extra or {}).get(name, "") or "").strip()
        if value:
            return value.rstrip(".")
    name = journal.strip()
    if not name:
        return ""
    return _shipped().get(_key(name), name)
