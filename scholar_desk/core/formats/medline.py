"""PubMed MEDLINE / .nbib text -> `ParsedReference` records."""

from __future__ import annotations

import re
from pathlib import Path

from scholar_desk.core.formats.reference import (
    ParsedReference,
    ParseResult,
    Problem,
    RecordFeed,
    RecordListener,
    clean_doi,
    clean_pmid,
    drop_oversized,
    format_name,
    keep_doi_case,
    parse_path,
    shorten,
)

_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")
_MULTI = {"FAU", "AU", "MH", "OT", "PT", "AID", "LID", "IS", "AD", "LA", "GR", "RN", "SI"}
_USED = {
    "PMID",
    "TI",
    "AB",
    "FAU",
    "AU",
    "JT",
    "TA",
    "DP",
    "VI",
    "IP",
    "PG",
    "AID",
    "LID",
    "OT",
    "MH",
    "PT",
}
_NAMES = {
    "IS": "issn",
    "LA": "language",
    "PMC": "pmcid",
    "TA": "journal_abbrev",
    "MH": "mesh",
    "AD": "affiliation",
    "PL": "address",
    "DP": "date",
}


def parse_file(path: Path) -> ParseResult:
    """Read a MEDLINE file.

    Raises:
        ImportFileError: The file cannot be read or is not text.
    """
    return parse_path(path, parse_text)


def parse_text(
    text: str, source: str = "", on_records: RecordListener | None = None
) -> ParseResult:
    """Read MEDLINE text: records start at ``PMID-`` and fields continue on indented lines.

    Args:
        text: The file's text.
        source: The file name.
        on_records: Given the records a batch at a time as they are read (`RecordFeed`).

    Returns:
        Records and problems.
    """
    result = ParseResult(source=source)
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    record: list[tuple[str, list[str]]] = []
    start = 0
    raw: list[str] = []
    feed = RecordFeed(result, on_records)

    def flush() -> None:
        if record:
            ref = _record([(t, " ".join(v)) for t, v in record], start, source)
            if ref is None:
                result.problems.append(
                    Problem(
                        start,
                        "Record skipped: it has no PMID or title.",
                        shorten("\n".join(raw)),
                        "skipped",
                    )
                )
            else:
                result.references.append(ref)
                feed.poll()

    for number, line in enumerate(lines, start=1):
        m = _TAG.match(line)
        if m and (m.group(1) == "PMID" or not record):
            flush()
            record, raw, start = [], [], number
        if not line.strip():
            continue
        raw.append(line)
        if m:
            record.append((m.group(1), [m.group(2).strip()]))
        elif line.startswith(" ") and record:
            record[-1][1].append(line.strip())  # joined once at the end: no quadratic copying
        else:
            result.problems.append(Problem(number, f"A line was not understood: {line[:60]!r}"))
    flush()
    feed.close()
    drop_oversized(result)
    return result


def _record(fields: list[tuple[str, str]], line: int, source: str) -> ParsedReference | None:
    values: dict[str, list[str]] = {}
    for tag, value in fields:
        values.setdefault(tag, []).append(value)

    def one(tag: str) -> str:
        return values.get(tag, [""])[0]

    if not one("PMID") and not one("TI"):
        return None
    ref = ParsedReference(line=line, source=source)
    types = values.get("PT", [])
    ref.entry_type = "book" if any("Book" in t for t in types) else "article"
    ref.pmid = clean_pmid(one("PMID"))
    ref.title = one("TI")
    ref.abstract = one("AB")
    names = []
    if "FAU" in values:
        for full in values["FAU"]:
            family, _, given = full.partition(",")
            names.append((family.strip(), given.strip()))
    else:
        for short in values.get("AU", []):
            family, _, initials = short.rpartition(" ")
            names.append((family, initials) if family else (initials, ""))
    ref.authors = " and ".join(format_name(f, g) for f, g in names if f)
    ref.first_author = names[0][0] if names else ""
    ref.journal = one("JT") or one("TA")
    m = re.search(r"\d{4}", one("DP"))
    ref.year = int(m.group()) if m else None
    ref.volume = one("VI")
    ref.issue = one("IP")
    ref.pages = one("PG")
    written_doi = ""
    for value in [*values.get("AID", []), *values.get("LID", [])]:
        if value.endswith("[doi]"):
            written_doi = value.removesuffix("[doi]")
            ref.doi = clean_doi(written_doi)
            break
    ref.keywords = "; ".join(values.get("OT", []))
    extra: dict[str, str] = {}
    for tag, items in values.items():
        if tag in _USED and tag not in ("TA", "MH", "DP"):
            continue
        name = _NAMES.get(tag, f"medline_{tag.lower()}")
        extra[name] = "; ".join(items)
    if types:
        extra["pubtype"] = "; ".join(types)
    keep_doi_case(extra, written_doi)
    ref.extra_fields = extra
    return ref
