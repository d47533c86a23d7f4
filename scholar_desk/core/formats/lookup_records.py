"""Bibliographic records from Crossref's REST API (JSON) and PubMed's E-utilities (XML).

Pure functions over the bytes a server sent: `crossref_work` reads ``/works/{doi}`` and
`pubmed_articles` reads ``efetch.fcgi?db=pubmed&retmode=xml``. Both return `Found`
records (a `ParsedReference` and the notices attached to it: retractions, expressions of
concern, withdrawals, corrections). A response that is not what the service sends, or was
cut short, raises `BadResponseError` with one sentence.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.formats.reference import ParsedReference

#: Notice kinds that make a reference unsafe to cite, in the words shown to users.
SERIOUS = {
    "retraction": "Retracted",
    "expression_of_concern": "Expression of concern",
    "withdrawal": "Withdrawn",
    "removal": "Removed",
}
_CROSSREF_KINDS = {
    "retraction": "retraction",
    "partial_retraction": "retraction",
    "expression_of_concern": "expression_of_concern",
    "withdrawal": "withdrawal",
    "removal": "removal",
    "correction": "correction",
    "erratum": "correction",
    "corrigendum": "correction",
}
_PUBMED_KINDS = {
    "RetractionIn": "retraction",
    "PartialRetractionIn": "retraction",
    "ExpressionOfConcernIn": "expression_of_concern",
    "ErratumIn": "correction",
}
_TYPES = {
    "journal-article": "article",
    "book": "book",
    "book-chapter": "incollection",
    "proceedings-article": "inproceedings",
    "report": "techreport",
    "dissertation": "phdthesis",
    "posted-content": "misc",
}


class BadResponseError(ScholarDeskError):
    """A server's answer that cannot be read (malformed, cut short, not a record)."""


@dataclass(frozen=True)
class Notice:
    """A notice attached to a published record.

    Attributes:
        kind: ``retraction``, ``expression_of_concern``, ``withdrawal``, ``removal`` or
            ``correction``.
        doi: The notice's own DOI, or ``""``.
        date: When it was issued, when known.
        source: Who reported it (``Crossref``, ``PubMed``, ``retraction-watch``).
    """

    kind: str
    doi: str = ""
    date: dt.date | None = None
    source: str = ""

    @property
    def serious(self) -> bool:
        """Whether the notice should stop a fellow citing the record."""
        return self.kind in SERIOUS


@dataclass
class Found:
    """A record read from a service, with its notices."""

    record: ParsedReference
    notices: list[Notice] = field(default_factory=list)


def _date_parts(value: Any) -> dt.date | None:
    try:
        parts = value["date-parts"][0]
        year, month, day = [*list(parts), 1, 1][:3]
        return dt.date(int(year), int(month or 1), int(day or 1))
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _first(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]).strip() if value else ""
    return str(value or "").strip()


def _clean(text: str) -> str:
    # Crossref titles may carry JATS markup (<i>, <sub>); the library keeps plain text.
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


def crossref_work(data: bytes, asked: str = "") -> Found:
    """Read one Crossref ``/works/{doi}`` response.

    Args:
        data: The response body.
        asked: The DOI that was asked for (for messages).

    Raises:
        BadResponseError: Not JSON, cut short, or not a work.
    """
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadResponseError(
            f"Crossref's answer for {asked or 'the DOI'} is not complete JSON ({exc})."
        ) from None
    message = document.get("message") if isinstance(document, dict) else None
    if not isinstance(message, dict) or not message.get("DOI"):
        raise BadResponseError(f"Crossref's answer for {asked or 'the DOI'} holds no work record.")
    authors = []
    for person in message.get("author") or []:
        if not isinstance(person, dict):
            continue
        if person.get("family"):
            authors.append(f"{person['family']}, {person.get('given', '')}".strip(", "))
        elif person.get("name"):
            authors.append("{" + str(person["name"]) + "}")
    issued = _date_parts(message.get("issued")) or _date_parts(message.get("published"))
    kind = _TYPES.get(str(message.get("type") or ""), "misc")
    extra: dict[str, str] = {}
    short = _first(message.get("short-container-title"))
    if short:
        extra["journal_abbreviation"] = short
    if message.get("publisher"):
        extra["publisher"] = str(message["publisher"])
    if message.get("ISSN"):
        extra["issn"] = _first(message["ISSN"])
    container = _clean(_first(message.get("container-title")))
    if kind in ("incollection", "inproceedings") and container:
        extra["booktitle"] = container
        container = ""
    record = ParsedReference(
        entry_type=kind,
        authors=" and ".join(authors),
        first_author=authors[0].split(",")[0].strip("{}") if authors else "",
        title=_clean(_first(message.get("title"))),
        journal=container,
        year=issued.year if issued else None,
        volume=str(message.get("volume") or ""),
        issue=str(message.get("issue") or ""),
        pages=str(message.get("page") or "").replace("-", "\u2013"),
        doi=str(message["DOI"]),
        url=str(message.get("URL") or ""),
        abstract=_clean(str(message.get("abstract") or "")),
        extra_fields=extra,
        source="Crossref",
    )
    notices = []
    for update in message.get("updated-by") or []:
        if not isinstance(update, dict):
            continue
        notice_kind = _CROSSREF_KINDS.get(str(update.get("type") or "").replace("-", "_"))
        if notice_kind is None:
            continue
        notices.append(
            Notice(
                notice_kind,
                str(update.get("DOI") or ""),
                _date_parts(update.get("updated")),
                str(update.get("source") or "Crossref"),
            )
        )
    return Found(record, notices)


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def pubmed_articles(data: bytes) -> list[Found]:
    """Read an E-utilities ``efetch`` PubMed XML response (one or more articles).

    Raises:
        BadResponseError: Not well-formed XML (a cut-short answer) or not a PubMed article set.
    """
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BadResponseError(f"PubMed's answer is not complete XML ({exc.msg}).") from None
    if root.tag != "PubmedArticleSet":
        raise BadResponseError(f"PubMed's answer is a <{root.tag}>, not a set of articles.")
    return [_pubmed_article(article) for article in root.iter("PubmedArticle")]


def _pubmed_article(article: Any) -> Found:
    citation = article.find("MedlineCitation")
    body = citation.find("Article") if citation is not None else None
    if citation is None or body is None:
        raise BadResponseError("PubMed's answer has an article without its citation.")
    pmid = _text(citation.find("PMID"))
    authors = []
    for author in body.iterfind("AuthorList/Author"):
        last = _text(author.find("LastName"))
        if last:
            authors.append(f"{last}, {_text(author.find('ForeName'))}".strip(", "))
        elif author.find("CollectiveName") is not None:
            authors.append("{" + _text(author.find("CollectiveName")) + "}")
    journal = body.find("Journal")
    year_text = _text(journal.find("JournalIssue/PubDate/Year")) if journal is not None else ""
    if not year_text and journal is not None:
        medline_date = _text(journal.find("JournalIssue/PubDate/MedlineDate"))
        year_text = medline_date[:4]
    ids = {
        node.get("IdType"): _text(node)
        for node in article.iterfind("PubmedData/ArticleIdList/ArticleId")
    }
    doi = ids.get("doi") or _text(body.find("ELocationID[@EIdType='doi']"))
    extra: dict[str, str] = {}
    abbreviation = _text(citation.find("MedlineJournalInfo/MedlineTA"))
    if abbreviation:
        extra["journal_abbreviation"] = abbreviation
    if ids.get("pmc"):
        extra["pmcid"] = ids["pmc"]
    mesh = [
        _text(h.find("DescriptorName")) for h in citation.iterfind("MeshHeadingList/MeshHeading")
    ]
    if mesh:
        extra["mesh"] = "; ".join(m for m in mesh if m)
    abstract = " ".join(
        (f"{part.get('Label').title()}: " if part.get("Label") else "") + _text(part)
        for part in body.iterfind("Abstract/AbstractText")
    )
    keywords = "; ".join(_text(k) for k in citation.iterfind("KeywordList/Keyword"))
    record = ParsedReference(
        entry_type="article",
        authors=" and ".join(authors),
        first_author=authors[0].split(",")[0].strip("{}") if authors else "",
        title=_text(body.find("ArticleTitle")).rstrip("."),
        journal=_text(journal.find("Title")) if journal is not None else "",
        year=int(year_text) if year_text.isdigit() else None,
        volume=_text(journal.find("JournalIssue/Volume")) if journal is not None else "",
        issue=_text(journal.find("JournalIssue/Issue")) if journal is not None else "",
        pages=_text(body.find("Pagination/MedlinePgn")).replace("-", "\u2013"),
        doi=doi,
        pmid=pmid,
        abstract=abstract,
        keywords=keywords,
        extra_fields=extra,
        source="PubMed",
    )
    notices = []
    for link in citation.iterfind("CommentsCorrectionsList/CommentsCorrections"):
        kind = _PUBMED_KINDS.get(str(link.get("RefType")))
        if kind:
            notices.append(Notice(kind, "", None, f"PubMed: {_text(link.find('RefSource'))}"))
    types = {_text(t) for t in body.iterfind("PublicationTypeList/PublicationType")}
    if "Retracted Publication" in types and not any(n.kind == "retraction" for n in notices):
        notices.append(Notice("retraction", "", None, "PubMed"))
    return Found(record, notices)


def pmids_from_search(data: bytes) -> list[str]:
    """The PMIDs in an E-utilities ``esearch`` XML answer.

    Raises:
        BadResponseError: Not an esearch answer.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BadResponseError(
            f"PubMed's search answer is not complete XML ({exc.msg})."
        ) from None
    if root.tag != "eSearchResult":
        raise BadResponseError(f"PubMed's search answer is a <{root.tag}>, not a search result.")
    return [_text(node) for node in root.iterfind("IdList/Id")]
