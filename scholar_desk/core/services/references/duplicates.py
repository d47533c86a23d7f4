"""Finding incoming records that are the same work as one in the library or the import."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from scholar_desk.core.db.plain import Unit, fetch, in_list
from scholar_desk.core.formats.reference import (
    ParsedReference,
    author_key,
    doi_key,
    title_key,
)
from scholar_desk.core.services.references.records import (
    FUZZY_MIN_LENGTH,
    FUZZY_THRESHOLD,
    _chunks,
)

_DIGITS = re.compile(r"\d+")


class _Keys(NamedTuple):
    """What two records are compared by (a tuple: cheaper to declare than a dataclass)."""

    doi: str
    pmid: str
    title: str
    year: int | None
    author: str


def _keys_of(ref: ParsedReference) -> _Keys:
    return _Keys(
        doi=doi_key(ref.doi) if ref.doi else "",
        pmid=ref.pmid,
        title=title_key(ref.title),
        year=ref.year,
        author=author_key(ref.first_author),
    )


class _Existing(NamedTuple):
    """A library record's columns that matching reads (`_EXISTING_COLUMNS`)."""

    id: int
    citation_key: str
    title: str
    doi: str
    pmid: str
    title_key: str
    year: int | None
    first_author: str


def _same_work(a: _Keys, b: _Keys, *, exact: bool) -> str | None:
    if a.doi and b.doi and a.doi != b.doi:
        return None
    if a.year is not None and b.year is not None and a.year != b.year:
        return None
    if a.author and b.author and a.author != b.author:
        return None
    if not a.title or not b.title:
        return None
    if a.title == b.title:
        return "same title, year and first author"
    if exact or min(len(a.title), len(b.title)) < FUZZY_MIN_LENGTH:
        return None
    if a.year is None or b.year is None or not a.author or not b.author:
        return None
    if _DIGITS.findall(a.title) != _DIGITS.findall(b.title):
        return None  # "Part 1" and "Part 2", "phase II/III" trials: different works
    from rapidfuzz import fuzz  # loaded by the first pair close enough to compare

    score = fuzz.ratio(a.title, b.title)
    if score >= FUZZY_THRESHOLD:
        return f"similar title ({score:.0f}%), same year and first author"
    return None


_EXISTING_COLUMNS = "id, citation_key, title, doi, pmid, title_key, year, first_author"
"""The columns `_Existing` holds, in its order."""


def _library_matches(
    unit: Unit, refs: Sequence[ParsedReference], keys: Sequence[_Keys]
) -> list[tuple[_Existing, str] | None]:
    """For each incoming record, a library record that is the same work (or None).

    Plain SQL, so an import runs it alike through a session and a `PlainWriter`.
    """
    out: list[tuple[_Existing, str] | None] = [None] * len(refs)
    if not fetch(unit, 'SELECT id FROM "references" LIMIT 1'):
        return out

    def find(column: str, values: Iterable[str]) -> list[_Existing]:
        found: list[_Existing] = []
        wanted = sorted({v for v in values if v})
        for part in _chunks(wanted):
            marks, params = in_list("v", part, unit)
            sql = f'SELECT {_EXISTING_COLUMNS} FROM "references" WHERE {column} IN {marks}'
            found.extend(_Existing(*row) for row in fetch(unit, sql, params))
        return found

    by_doi = {e.doi: e for e in find("doi", (k.doi for k in keys))}
    by_pmid = {e.pmid: e for e in find("pmid", (k.pmid for k in keys))}
    by_title: dict[str, list[_Existing]] = defaultdict(list)
    for e in find("title_key", (k.title for k in keys)):
        by_title[e.title_key].append(e)
    by_author: dict[tuple[int | None, str], list[_Existing]] = defaultdict(list)
    for e in find("first_author", (r.first_author for r in refs)):
        by_author[(e.year, author_key(e.first_author))].append(e)

    def keys_of_existing(e: _Existing) -> _Keys:
        return _Keys(
            doi_key(e.doi) if e.doi else "",
            e.pmid,
            e.title_key,
            e.year,
            author_key(e.first_author),
        )

    # Records without a title can only be recognised by their key and other fields.
    by_key = {
        e.citation_key: e
        for e in find(
            "citation_key",
            (r.citation_key for r, k in zip(refs, keys, strict=True) if not k.title),
        )
    }
    for i, k in enumerate(keys):
        if k.doi and k.doi in by_doi:
            out[i] = (by_doi[k.doi], "same DOI")
            continue
        if not k.title:
            same_key = by_key.get(refs[i].citation_key)
            if (
                same_key is not None
                and not same_key.title_key
                and same_key.year == k.year
                and (author_key(same_key.first_author) == k.author)
            ):
                out[i] = (same_key, "same key, no title, same year and first author")
            continue
        if k.pmid and k.pmid in by_pmid:
            out[i] = (by_pmid[k.pmid], "same PMID")
            continue
        hit = None
        for e in by_title.get(k.title, ()):
            reason = _same_work(k, keys_of_existing(e), exact=True)
            if reason:
                hit = (e, reason)
                break
        if hit is None:
            for e in by_author.get((k.year, k.author), ()):
                reason = _same_work(k, keys_of_existing(e), exact=False)
                if reason:
                    hit = (e, reason)
                    break
        out[i] = hit
    return out


def _file_matches(keys: Sequence[_Keys]) -> list[tuple[int, str] | None]:
    """For each record, an earlier record of the same import that is the same work."""
    return _FileIndex().extend(keys)


class _FileIndex:
    """The records of an import seen so far, to find an earlier one that is the same work.

    Records are added in file order, all at once or a batch at a time (an import that
    stores records while its file is read): the answers are the same. Blocking keeps
    this near-linear: exact keys are dict lookups and fuzzy titles are compared only
    within the same (year, first author) and (year, title start) blocks.
    """

    def __init__(self) -> None:
        self.keys: list[_Keys] = []
        self.found: list[tuple[int, str] | None] = []
        self._doi: dict[str, int] = {}
        self._pmid: dict[str, int] = {}
        self._exact: dict[tuple[str, int | None, str], int] = {}
        self._author: dict[tuple[int | None, str], list[int]] = defaultdict(list)
        self._start: dict[tuple[int | None, str], list[int]] = defaultdict(list)
        # A record with a DOI can only fuzzily match one without a DOI (a different DOI
        # is a different work, the same DOI is found above), so it looks in these alone.
        self._no_doi_author: dict[tuple[int | None, str], list[int]] = defaultdict(list)
        self._no_doi_start: dict[tuple[int | None, str], list[int]] = defaultdict(list)

    def extend(self, keys: Iterable[_Keys]) -> list[tuple[int, str] | None]:
        """Add the next records; for each, the first earlier record of its work (or None)."""
        first = len(self.keys)
        for k in keys:
            self.found.append(self._add(k))
        return self.found[first:]

    def _add(self, k: _Keys) -> tuple[int, str] | None:
        keys, out = self.keys, self.found
        i = len(keys)
        keys.append(k)
        hit: tuple[int, str] | None = None
        if k.doi and k.doi in self._doi:
            hit = (self._doi[k.doi], "same DOI")
        elif k.pmid and k.pmid in self._pmid:
            hit = (self._pmid[k.pmid], "same PMID")
        else:
            j = self._exact.get((k.title, k.year, k.author))
            if j is not None and _same_work(k, keys[j], exact=True):
                hit = (j, "same title, year and first author")
            elif k.title and len(k.title) >= FUZZY_MIN_LENGTH:
                seen: set[int] = set()
                authors, starts = (
                    (self._no_doi_author, self._no_doi_start)
                    if k.doi
                    else (self._author, self._start)
                )
                for j in (
                    *authors.get((k.year, k.author), ()),
                    *starts.get((k.year, k.title[:12]), ()),
                ):
                    if j in seen:
                        continue
                    seen.add(j)
                    reason = _same_work(k, keys[j], exact=False)
                    if reason:
                        hit = (j, reason)
                        break
        if hit is not None:
            # Point at the first record of the group, so chains resolve to one target.
            target = hit[0]
            while out[target] is not None:
                target = out[target][0]  # type: ignore[index]  # checked just above
            return (target, hit[1])
        if k.doi:
            self._doi.setdefault(k.doi, i)
        if k.pmid:
            self._pmid.setdefault(k.pmid, i)
        if k.title:
            self._exact.setdefault((k.title, k.year, k.author), i)
            if len(k.title) >= FUZZY_MIN_LENGTH and k.year is not None:
                self._author[(k.year, k.author)].append(i)
                self._start[(k.year, k.title[:12])].append(i)
                if not k.doi:
                    self._no_doi_author[(k.year, k.author)].append(i)
                    self._no_doi_start[(k.year, k.title[:12])].append(i)
        return None
