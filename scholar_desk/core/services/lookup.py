"""References filled in from a DOI, PMID or PMCID, and retraction notices, on request.

Nothing here runs unless a user asks: no lookup at start-up, none in the background. The
services are Crossref's REST API (DOIs, retraction notices) and NCBI's E-utilities
(PMIDs, PMCIDs); their addresses come from ``SCHOLAR_DESK_CROSSREF_URL`` and
``SCHOLAR_DESK_EUTILS_URL`` (defaults: the public services), so tests serve recorded
answers from a local server. Requests are polite: a timeout, a few retries with growing
pauses on a busy or failing server, at most three E-utilities requests a second, and the
user's e-mail address (preferences) sent to Crossref as ``mailto``.

The network part (`Client`, `look_up`) touches no database and runs in a worker; the
results go into the library through the import's own duplicate check (`add_found`), and
identifiers that could not be fetched while offline wait in a queue the user can retry.
"""

from __future__ import annotations

import os
import re
import time
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.errors import ScholarDeskError, ValidationError
from scholar_desk.core.formats.lookup_records import (
    BadResponseError,
    Found,
    Notice,
    crossref_work,
    pmids_from_search,
    pubmed_articles,
)
from scholar_desk.core.formats.reference import MAIN_FIELDS, ParseResult
from scholar_desk.core.progress import CancelToken, ProgressSink, no_progress
from scholar_desk.core.services import permissions
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.notices import StoredNotice as StoredNotice
from scholar_desk.core.services.notices import serious_notices as serious_notices
from scholar_desk.core.services.references import ImportReport, OnDuplicate, import_parsed
from scholar_desk.core.services.session import Actor

CROSSREF_URL = "https://api.crossref.org"
EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
_NOT_COMPLETED = frozenset({"entry_type", "citation_key", "first_author", "year"})
_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.I)
_PMID = re.compile(r"^(?:pmid:?\s*)?(\d{1,9})$", re.I)
_PMCID = re.compile(r"^(?:pmcid:?\s*)?(PMC\d{1,9})$", re.I)


class OfflineError(ScholarDeskError):
    """The service could not be reached (no network, or the server does not answer)."""


class NotKnownError(ScholarDeskError):
    """The service does not know the identifier (HTTP 404, or no record)."""


@dataclass(frozen=True)
class Identifier:
    """A DOI, PMID or PMCID as typed and as the service wants it."""

    kind: str
    value: str
    typed: str


def parse_identifiers(texts: Iterable[str]) -> tuple[list[Identifier], list[str]]:
    """Read identifiers from what a user typed or pasted (one or many per line).

    Returns:
        The identifiers (repeats dropped) and one sentence for each piece that is not one.
    """
    found: list[Identifier] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for text in texts:
        # "PMID: 27797938" and "doi: 10.1/x" are one identifier each, not two pieces.
        text = re.sub(r"(?i)\b(pmid|pmcid|doi)\s*:\s*", "", text)
        for piece in re.split(r"[\s,;]+", text.strip()):
            piece = piece.strip().rstrip(".")
            if not piece:
                continue
            for kind, pattern in (("doi", _DOI), ("pmcid", _PMCID), ("pmid", _PMID)):
                match = pattern.match(piece)
                if match:
                    value = match.group(1)
                    value = value.lower() if kind == "doi" else value.upper()
                    if (kind, value) not in seen:
                        seen.add((kind, value))
                        found.append(Identifier(kind, match.group(1), piece))
                    break
            else:
                problems.append(
                    f"'{piece}' is not a DOI (10.xxxx/...), a PMID (digits) or a PMCID (PMC...)."
                )
    return found, problems


@dataclass(frozen=True)
class LookupSettings:
    """Where and how politely to ask."""

    crossref_url: str = CROSSREF_URL
    eutils_url: str = EUTILS_URL
    mailto: str = ""
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    eutils_interval: float = 0.34

    @classmethod
    def from_environment(cls, mailto: str = "") -> LookupSettings:
        """The addresses from the environment, the e-mail address from preferences."""
        try:
            timeout = float(os.environ.get("SCHOLAR_DESK_LOOKUP_TIMEOUT", "10"))
        except ValueError:
            timeout = 10.0
        return cls(
            crossref_url=os.environ.get("SCHOLAR_DESK_CROSSREF_URL", CROSSREF_URL).rstrip("/"),
            eutils_url=os.environ.get("SCHOLAR_DESK_EUTILS_URL", EUTILS_URL).rstrip("/"),
            mailto=mailto,
            timeout=max(timeout, 0.1),
        )


class Client:
    """Asks Crossref and PubMed, politely; one client per lookup run."""

    def __init__(self, settings: LookupSettings, cancel: CancelToken | None = None) -> None:
        import httpx

        from scholar_desk import __version__

        agent = f"ScholarDesk/{__version__}"
        if settings.mailto:
            agent += f" (mailto:{settings.mailto})"
        self.settings = settings
        self.cancel = cancel
        self._http = httpx.Client(
            timeout=settings.timeout, headers={"User-Agent": agent}, follow_redirects=True
        )
        self._last_eutils = 0.0

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _get(self, url: str, params: dict[str, str], what: str) -> bytes:
        import httpx

        attempt = 0
        while True:
            if self.cancel is not None:
                self.cancel.check()
            try:
                response = self._http.get(url, params=params)
            except httpx.TimeoutException:
                problem = f"{what}: the server did not answer within {self.settings.timeout:g} s"
            except httpx.TransportError as exc:
                problem = f"{what}: cannot reach {urllib.parse.urlsplit(url).netloc} ({exc})"
            else:
                if response.status_code == 404:
                    raise NotKnownError(f"{what}: the service does not know it (404).")
                if response.status_code < 400:
                    return response.content
                if response.status_code not in (429, 500, 502, 503, 504):
                    raise BadResponseError(
                        f"{what}: the service refused (HTTP {response.status_code})."
                    )
                problem = f"{what}: the service is busy (HTTP {response.status_code})"
            attempt += 1
            if attempt > self.settings.retries:
                raise OfflineError(problem + ".")
            time.sleep(self.settings.backoff * 2 ** (attempt - 1))

    def _eutils(self, tool: str, params: dict[str, str], what: str) -> bytes:
        wait = self._last_eutils + self.settings.eutils_interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)  # E-utilities allow three requests a second without a key
        self._last_eutils = time.monotonic()
        params = {"tool": "scholar-desk", **params}
        if self.settings.mailto:
            params["email"] = self.settings.mailto
        return self._get(f"{self.settings.eutils_url}/{tool}", params, what)

    def doi(self, doi: str) -> Found:
        """The Crossref record of a DOI (with its notices)."""
        params = {"mailto": self.settings.mailto} if self.settings.mailto else {}
        path = urllib.parse.quote(doi, safe="/")
        data = self._get(f"{self.settings.crossref_url}/works/{path}", params, f"DOI {doi}")
        return crossref_work(data, doi)

    def pmid(self, pmid: str) -> Found:
        """The PubMed record of a PMID."""
        data = self._eutils(
            "efetch.fcgi", {"db": "pubmed", "id": pmid, "retmode": "xml"}, f"PMID {pmid}"
        )
        articles = pubmed_articles(data)
        if not articles:
            raise NotKnownError(f"PMID {pmid}: PubMed has no article with this number.")
        return articles[0]

    def pmcid(self, pmcid: str) -> Found:
        """The PubMed record of a PMCID (found through PubMed's search)."""
        data = self._eutils(
            "esearch.fcgi", {"db": "pubmed", "term": f"{pmcid}[pmcid]"}, f"PMCID {pmcid}"
        )
        pmids = pmids_from_search(data)
        if not pmids:
            raise NotKnownError(f"PMCID {pmcid}: PubMed has no article with this number.")
        return self.pmid(pmids[0])

    def fetch(self, identifier: Identifier) -> Found:
        """The record an identifier names."""
        fetcher = {"doi": self.doi, "pmid": self.pmid, "pmcid": self.pmcid}[identifier.kind]
        return fetcher(identifier.value)


@dataclass
class Outcome:
    """What a lookup run brought back.

    Attributes:
        found: Each identifier fetched, with its record.
        problems: ``(identifier as typed, sentence)`` for those that failed for good.
        offline: Identifiers that could not be fetched because the service was out of
            reach (kept in the queue to retry).
    """

    found: list[tuple[Identifier, Found]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    offline: list[Identifier] = field(default_factory=list)


def look_up(
    identifiers: Sequence[Identifier],
    settings: LookupSettings,
    progress: ProgressSink = no_progress,
    cancel: CancelToken | None = None,
) -> Outcome:
    """Fetch every identifier (no database).

    Once the network is out of reach, the rest are kept for later instead of each
    waiting for its own time-out.

    Raises:
        CancelledError: The user pressed Cancel (nothing is kept).
    """
    outcome = Outcome()
    with Client(settings, cancel) as client:
        for done, identifier in enumerate(identifiers):
            progress(done, len(identifiers), f"Looking up {identifier.typed}")
            if outcome.offline:
                outcome.offline.append(identifier)
                continue
            try:
                outcome.found.append((identifier, client.fetch(identifier)))
            except OfflineError as exc:
                outcome.offline.append(identifier)
                outcome.problems.append((identifier.typed, str(exc)))
            except (NotKnownError, BadResponseError) as exc:
                outcome.problems.append((identifier.typed, str(exc)))
        progress(len(identifiers), len(identifiers), "Done")
    return outcome


# The library side ---------------------------------------------------------------------


def add_found(
    session: Session,
    actor: Actor,
    outcome: Outcome,
    *,
    on_duplicate: OnDuplicate | str = OnDuplicate.SKIP,
) -> ImportReport:
    """Add what a lookup found to the library, through the import's duplicate check.

    Its notices are kept, what could not be fetched offline is queued, and what was
    fetched leaves the queue.

    Raises:
        PermissionDeniedError: The actor may not change the reference library.
    """
    permissions.require(session, actor, permissions.CREATE, permissions.REFERENCE, None)
    records = [found.record for _identifier, found in outcome.found]
    report = import_parsed(
        session,
        actor,
        [ParseResult(source="lookup", references=records)],
        on_duplicate=on_duplicate,
    )
    for _identifier, found in outcome.found:
        ref_id = _matching_reference(session, found)
        if ref_id is not None:
            store_notices(session, actor, ref_id, found.notices)
    _queue(session, actor, outcome.offline, dict(outcome.problems))
    _unqueue(session, actor, [identifier for identifier, _found in outcome.found])
    return report


def _matching_reference(session: Session, found: Found) -> int | None:
    record = found.record
    for column, value in ((m.Reference.doi, record.doi), (m.Reference.pmid, record.pmid)):
        if value:
            ref_id = session.scalar(
                select(m.Reference.id).where(column.ilike(value)).order_by(m.Reference.id)
            )
            if ref_id is not None:
                return int(ref_id)
    return None


def _queue(
    session: Session, actor: Actor, identifiers: Sequence[Identifier], errors: dict[str, str]
) -> None:
    for identifier in identifiers:
        row = session.scalar(
            select(m.IdentifierQueue).where(
                m.IdentifierQueue.owner_id == actor.person_id,
                m.IdentifierQueue.identifier == identifier.typed,
            )
        )
        if row is None:
            row = m.IdentifierQueue(owner_id=actor.person_id, identifier=identifier.typed)
            session.add(row)
        row.last_error = errors.get(identifier.typed, "")
    session.flush()


def _unqueue(session: Session, actor: Actor, identifiers: Sequence[Identifier]) -> None:
    if identifiers:
        session.execute(
            delete(m.IdentifierQueue).where(
                m.IdentifierQueue.owner_id == actor.person_id,
                m.IdentifierQueue.identifier.in_([i.typed for i in identifiers]),
            )
        )


def queued(session: Session, actor: Actor) -> list[str]:
    """The identifiers waiting for a retry (the actor's own), oldest first."""
    permissions.require(session, actor, permissions.READ, permissions.REFERENCE, None)
    return list(
        session.scalars(
            select(m.IdentifierQueue.identifier)
            .where(m.IdentifierQueue.owner_id == actor.person_id)
            .order_by(m.IdentifierQueue.added_at, m.IdentifierQueue.id)
        )
    )


def store_notices(
    session: Session, actor: Actor, reference_id: int, notices: Sequence[Notice]
) -> list[Notice]:
    """Keep a reference's notices (new ones only); return those that were new.

    Raises:
        PermissionDeniedError: The actor may not change the reference library.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    existing = {
        (row.kind, row.notice_doi)
        for row in session.scalars(
            select(m.ReferenceNotice).where(m.ReferenceNotice.reference_id == reference_id)
        )
    }
    new = [n for n in notices if (n.kind, n.doi) not in existing]
    for notice in new:
        session.add(
            m.ReferenceNotice(
                reference_id=reference_id,
                kind=notice.kind,
                notice_doi=notice.doi,
                notice_date=notice.date,
                source=notice.source[:100],
                found_at=clock.now(),
            )
        )
        audit(
            session,
            actor,
            "notice",
            permissions.REFERENCE,
            reference_id,
            notice.kind,
            None,
            notice.doi or notice.source,
        )
    session.flush()
    return new


def warnings_for(session: Session, reference_ids: Iterable[int]) -> list[str]:
    """One sentence per cited reference that carries a serious notice (for exports)."""
    notices = serious_notices(session, reference_ids)
    if not notices:
        return []
    rows = dict(
        session.execute(
            select(m.Reference.id, m.Reference.citation_key).where(m.Reference.id.in_(notices))
        ).all()
    )
    return [
        f"{rows.get(ref_id, ref_id)}: {'; '.join(n.sentence() for n in found)}"
        for ref_id, found in notices.items()
    ]


def doi_targets(session: Session, reference_ids: Sequence[int] | None) -> list[tuple[int, str]]:
    """``(reference id, DOI)`` of the references to check (all with a DOI when None)."""
    query = select(m.Reference.id, m.Reference.doi).where(m.Reference.doi != "")
    if reference_ids is not None:
        query = query.where(m.Reference.id.in_(list(reference_ids)))
    return [(int(i), str(d)) for i, d in session.execute(query.order_by(m.Reference.id))]


def complete_reference(
    session: Session, actor: Actor, reference_id: int, found: Found
) -> list[str]:
    """Fill the empty fields of a reference from a lookup; return the fields filled.

    Fields that already hold something are never overwritten.

    Raises:
        ValidationError: No such reference.
        PermissionDeniedError: The actor may not change the reference library.
    """
    permissions.require(session, actor, permissions.UPDATE, permissions.REFERENCE, None)
    row = session.get(m.Reference, reference_id)
    if row is None:
        raise ValidationError({"reference_id": f"No reference with id {reference_id}."})
    record = found.record
    filled = []
    # Every text field a record carries except the ones that name the entry itself.
    for name in (f for f in MAIN_FIELDS if f not in _NOT_COMPLETED):
        value: Any = getattr(record, name)
        if value and not getattr(row, name):
            audit(session, actor, "update", permissions.REFERENCE, row.id, name, "", value)
            setattr(row, name, value)
            filled.append(name)
    if record.year and row.year is None:
        audit(session, actor, "update", permissions.REFERENCE, row.id, "year", None, record.year)
        row.year = record.year
        filled.append("year")
    extra = dict(row.extra_fields or {})
    for key, value in record.extra_fields.items():
        if value and not extra.get(key):
            extra[key] = value
            filled.append(key)
    if extra != (row.extra_fields or {}):
        row.extra_fields = extra
    store_notices(session, actor, reference_id, found.notices)
    session.flush()
    return filled
