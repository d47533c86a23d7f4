"""RIS files (EndNote, Zotero, Mendeley, databases) -> `ParsedReference` records, via rispy.

The text is cut into records at ``TY  -`` lines here, so each record keeps its line
number and one broken record is reported instead of stopping the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import rispy

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

_TYPES = {
    "JOUR": "article",
    "JFULL": "article",
    "EJOUR": "article",
    "MGZN": "article",
    "NEWS": "article",
    "JOURNAL ARTICLE": "article",
    "BOOK": "book",
    "EBOOK": "book",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "THES": "phdthesis",
    "RPRT": "techreport",
    "ELEC": "online",
    "WEB": "online",
}
_RECORD_START = re.compile(r"^[ \t]*TY  -", re.MULTILINE)
_END = re.compile(r"^[ \t]*ER  -.*$", re.MULTILINE)
_USED = {
    "type_of_reference",
    "authors",
    "first_authors",
    "title",
    "primary_title",
    "journal_name",
    "alternate_title3",
    "alternate_title2",
    "alternate_title1",
    "secondary_title",
    "year",
    "publication_year",
    "volume",
    "number",
    "start_page",
    "end_page",
    "doi",
    "urls",
    "abstract",
    "notes_abstract",
    "keywords",
    "label",
    "unknown_tag",
}
_RENAMED = {
    "notes": "note",
    "place_published": "address",
    "secondary_authors": "editor",
    "id": "ris_id",
}


def parse_file(path: Path) -> ParseResult:
    """Read a RIS file.

    Raises:
        ImportFileError: The file cannot be read or is not text.
    """
    return parse_path(path, parse_text)


def parse_text(
    text: str, source: str = "", on_records: RecordListener | None = None
) -> ParseResult:
    """Read RIS text; each ``TY`` record becomes a record or a skipped problem.

    Args:
        text: The file's text.
        source: The file name.
        on_records: Given the records a batch at a time as they are read (`RecordFeed`).

    Returns:
        Records and problems.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\x00", "")
    result = ParseResult(source=source)
    starts = [m.start() for m in _RECORD_START.finditer(text)]
    feed = RecordFeed(result, on_records)
    for number, start in enumerate(starts):
        feed.poll()
        end = starts[number + 1] if number + 1 < len(starts) else len(text)
        chunk = text[start:end]
        line = text.count("\n", 0, start) + 1
        if not _END.search(chunk):
            chunk = chunk.rstrip("\n") + "\nER  - \n"
            result.problems.append(Problem(line, "This record has no ER line; it ends here."))
        try:
            records = rispy.loads(chunk.lstrip())
        except Exception as exc:  # noqa: BLE001 - rispy raises bare errors on broken input
            result.problems.append(
                Problem(line, f"Record skipped: {exc}", shorten(chunk), "skipped")
            )
            continue
        if not records:
            result.problems.append(
                Problem(line, "Record skipped: nothing could be read.", shorten(chunk), "skipped")
            )
            continue
        for record in records[:1]:
            result.references.append(_record(record, line, source))
    feed.close()
    drop_oversized(result)
    return result


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value if v)
    return " ".join(str(value).split())


def _name(raw: str) -> tuple[str, str]:
    family, sep, given = raw.partition(",")
    if sep:
        return family.strip(), given.strip()
    parts = raw.split()
    if len(parts) > 1 and parts[-1].replace(".", "").isupper() and len(parts[-1]) <= 4:
        return " ".join(parts[:-1]), parts[-1]
    return raw.strip(), ""


def _record(record: dict[str, Any], line: int, source: str) -> ParsedReference:
    kind = str(record.get("type_of_reference", "")).strip().upper()
    ref = ParsedReference(entry_type=_TYPES.get(kind, "misc"), line=line, source=source)
    names = [*(record.get("authors") or []), *(record.get("first_authors") or [])]
    stored = []
    for raw in names:
        family, given = _name(str(raw))
        if family:
            stored.append(format_name(family, given))
            ref.first_author = ref.first_author or family
    ref.authors = " and ".join(stored)
    ref.title = _text(record.get("title") or record.get("primary_title"))
    for key in (
        "journal_name",
        "alternate_title3",
        "secondary_title",
        "alternate_title2",
        "alternate_title1",
    ):
        if record.get(key):
            ref.journal = _text(record[key])
            break
    year = _text(record.get("year") or record.get("publication_year"))
    m = re.search(r"\d{4}", year)
    ref.year = int(m.group()) if m else None
    ref.volume = _text(record.get("volume"))
    ref.issue = _text(record.get("number"))
    first, last = _text(record.get("start_page")), _text(record.get("end_page"))
    ref.pages = f"{first}\u2013{last}" if first and last else first or last
    ref.doi = clean_doi(_text(record.get("doi")))
    urls = record.get("urls") or []
    ref.url = str(urls[0]).strip() if urls else ""
    ref.abstract = _text(record.get("abstract") or record.get("notes_abstract"))
    keywords = record.get("keywords") or []
    ref.keywords = "; ".join(str(k).strip() for k in keywords if str(k).strip())
    ref.citation_key = _text(record.get("label")).replace(" ", "")
    extra: dict[str, str] = {}
    for key, value in record.items():
        if key in _USED or not value:
            continue
        extra[_RENAMED.get(key, key)] = _text(value)
    if len(urls) > 1:
        extra["urls"] = "; ".join(str(u) for u in urls[1:])
    unknown = record.get("unknown_tag") or {}
    for tag, values in unknown.items():
        if tag:  # rispy gives None for a line whose tag it could not read
            extra[f"ris_{str(tag).lower()}"] = _text(values)
    keep_doi_case(extra, _text(record.get("doi")))
    accession = extra.get("accession_number", "")
    if "pubmed" in extra.get("name_of_database", "").lower() and accession.isdigit():
        ref.pmid = clean_pmid(accession)
    if kind not in _TYPES and kind:
        extra.setdefault("ris_type", kind)
    ref.extra_fields = extra
    return ref
