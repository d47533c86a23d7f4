"""Conference abstracts: counting against each meeting's rule, sections, authors, images.

How we count (`count_abstract`, pure, also run on every keystroke by the editor):

Words
    A word is a run of characters between whitespace that holds at least one letter or
    digit. So a hyphenated compound (``placebo-controlled``, ``12-month``), a joined
    pair (``and/or``), a number with its punctuation or unit (``0.05``, ``1,250``,
    ``95%``, a range joined by an en dash) and an abbreviation (``N.S.``) are one word
    each, as in Microsoft Word and the common submission systems, while a stand-alone
    symbol between spaces (a dash, ``±``, ``<``, ``=``, a bullet) is not a word. Any
    Unicode space separates words, including no-break, thin and zero-width spaces.

Characters
    Text is put in Unicode NFC form (an accented letter typed as two code points counts
    once), soft hyphens and zero-width characters are dropped, leading and trailing
    whitespace is ignored and every run of whitespace (line breaks included) counts as
    one space. Spaces count by default, which is what most meetings mean by
    "characters"; ``CountRule(spaces=False)`` counts without them.

What counts toward the body limit
    The bodies of the sections; their headings if the rule ``counts_headings``; the
    title if it ``counts_title``; and the references (sections headed References,
    Bibliography or Citations, plus any ``references`` text) if it
    ``counts_references``. Each part is counted on its own and the counts are added;
    nothing is counted for the gaps between parts. The title limit is checked
    separately, in its own unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from scholar_desk.core.db import models as m
from scholar_desk.core.errors import ConflictError, NotFoundError, ValidationError
from scholar_desk.core.records import LimitUnit
from scholar_desk.core.services import blobs, citations, items, permissions
from scholar_desk.core.services.abstract_count import (
    _INVISIBLE as _INVISIBLE,
)
from scholar_desk.core.services.abstract_count import (
    _SPLIT as _SPLIT,
)
from scholar_desk.core.services.abstract_count import (
    _WHITESPACE as _WHITESPACE,
)
from scholar_desk.core.services.abstract_count import (
    DEFAULT_SECTIONS as DEFAULT_SECTIONS,
)
from scholar_desk.core.services.abstract_count import (
    REFERENCE_HEADINGS as REFERENCE_HEADINGS,
)
from scholar_desk.core.services.abstract_count import (
    CountResult as CountResult,
)
from scholar_desk.core.services.abstract_count import (
    CountRule as CountRule,
)
from scholar_desk.core.services.abstract_count import (
    SectionCount as SectionCount,
)
from scholar_desk.core.services.abstract_count import (
    _count as _count,
)
from scholar_desk.core.services.abstract_count import (
    _label as _label,
)
from scholar_desk.core.services.abstract_count import (
    count_abstract as count_abstract,
)
from scholar_desk.core.services.abstract_count import (
    count_characters as count_characters,
)
from scholar_desk.core.services.abstract_count import (
    count_words as count_words,
)
from scholar_desk.core.services.abstract_count import (
    is_references_heading as is_references_heading,
)
from scholar_desk.core.services.abstract_count import (
    sections_from_conference as sections_from_conference,
)
from scholar_desk.core.services.kinds import person_name
from scholar_desk.core.services.session import Actor

# Detail ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionRecord:
    """One section of an abstract.

    Attributes:
        position: Its place from 1.
        heading: Its heading.
        body: Its text.
    """

    position: int
    heading: str
    body: str


@dataclass(frozen=True)
class AbstractAuthorRecord:
    """An abstract author in byline order.

    Attributes:
        person_id: The person.
        name: ``Given Family, Degrees``.
        position: Byline position from 1.
        presenting: Whether they present it.
    """

    person_id: int
    name: str
    position: int
    presenting: bool


FIGURE = "figure"
LOGO = "logo"
IMAGE_ROLES = (FIGURE, LOGO)


@dataclass(frozen=True)
class ImageRecord:
    """A figure (or poster logo) of an abstract; its bytes are kept in the database.

    Attributes:
        id: The image row.
        position: Its place from 1 (among all images of the abstract).
        path: The file it was attached from (only shown; never read again).
        caption: Its caption.
        exists: Whether its bytes are in the database (``False``: the file was missing
            when figures moved into the database; attach it again).
        role: ``figure`` or ``logo``.
        size: Its size in bytes (0 when missing).
        media_type: e.g. ``image/png``.
        sha256: The stored blob's key ("" when missing).
    """

    id: int
    position: int
    path: str
    caption: str
    exists: bool
    role: str = FIGURE
    size: int = 0
    media_type: str = ""
    sha256: str = ""

    @property
    def name(self) -> str:
        """The file name it was attached from."""
        return Path(self.path).name

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with the model's field names."""
        return {
            "id": self.id,
            "position": self.position,
            "path": self.path,
            "caption": self.caption,
            "role": self.role,
            "missing": not self.exists,
            "size": self.size,
            "media_type": self.media_type,
            "blob_sha256": self.sha256 or None,
        }


@dataclass(frozen=True)
class AbstractDetail:
    """Everything the abstract editor shows.

    Attributes:
        id: The abstract.
        version: The version it was read at (pass it back to `save_sections`).
        title: Its title.
        status: Its status.
        owner_id: Its fellow.
        project_id: Its project, if any.
        project_title: That project's title.
        conference_id: Its meeting, if any.
        conference_name: That meeting's name.
        rule: The meeting's counting rule (no limit without a meeting).
        required_sections: The meeting's required headings.
        abstract_deadline: The submission deadline (aware), if known.
        deadline_timezone: The meeting's IANA time zone.
        is_example_rule: Whether the rule is a starter-catalog example to check.
        sections: The sections in order.
        authors: The byline.
        images: The figures.
        count: The count of the stored text (with the cited references where the rule
            counts references).
        cited: The cited references as the list reads, ``1. Author A. Title...``.
    """

    id: int
    version: int
    title: str
    status: str
    owner_id: int | None
    project_id: int | None
    project_title: str
    conference_id: int | None
    conference_name: str
    rule: CountRule
    required_sections: tuple[str, ...]
    abstract_deadline: dt.datetime | None
    deadline_timezone: str
    is_example_rule: bool
    sections: tuple[SectionRecord, ...]
    authors: tuple[AbstractAuthorRecord, ...]
    images: tuple[ImageRecord, ...]
    count: CountResult
    cited: tuple[str, ...] = ()


def _abstract(session: Session, abstract_id: int, actor: Actor) -> m.Abstract:
    # Another fellow's abstract reads exactly as a missing one.
    obj: m.Abstract = items.load(session, "abstract", abstract_id, actor)
    return obj


def rule_of(conference: m.Conference | None) -> CountRule:
    """The counting rule of a conference row (``None``: words, no limit)."""
    if conference is None:
        return CountRule()
    return CountRule(
        unit=conference.limit_unit or LimitUnit.WORDS.value,
        body_limit=conference.body_limit,
        title_limit=conference.title_limit,
        title_limit_unit=conference.title_limit_unit or LimitUnit.CHARACTERS.value,
        counts_title=conference.counts_title,
        counts_headings=conference.counts_headings,
        counts_references=conference.counts_references,
    )


def get_abstract_detail(session: Session, actor: Actor, abstract_id: int) -> AbstractDetail:
    """Read an abstract with its sections, authors, images, rule and count.

    Raises:
        NotFoundError: No such abstract.
        PermissionDeniedError: The actor may not read it.
    """
    obj = _abstract(session, abstract_id, actor)
    permissions.require(session, actor, permissions.READ, "abstract", obj.owner_id)
    project = obj.project
    if project is not None and not permissions.allowed(
        session, actor, permissions.READ, "project", project.owner_id
    ):
        project = None  # linked before login was on: not this reader's to see
    conf = obj.conference
    rule = rule_of(conf)
    sections = tuple(SectionRecord(s.position, s.heading, s.body) for s in obj.sections)
    cited = cited_references(session, obj.id)
    return AbstractDetail(
        id=obj.id,
        version=obj.version,
        title=obj.title,
        status=obj.status,
        owner_id=obj.owner_id,
        project_id=project.id if project else None,
        project_title=project.title if project else "",
        conference_id=obj.conference_id,
        conference_name=conf.name if conf else "",
        rule=rule,
        required_sections=tuple(
            h for h, _ in sections_from_conference(conf.required_sections if conf else None)
        ),
        abstract_deadline=conf.abstract_deadline if conf else None,
        deadline_timezone=conf.deadline_timezone if conf else "",
        is_example_rule=bool(conf and conf.is_example),
        sections=sections,
        authors=tuple(_author_records(obj)),
        images=tuple(_image_record(i) for i in obj.images),
        count=count_abstract(
            rule,
            obj.title,
            [(s.heading, s.body) for s in sections],
            references_text(cited),
        ),
        cited=cited,
    )


def cited_references(session: Session, abstract_id: int) -> tuple[str, ...]:
    """The references an abstract cites, numbered in citing order, as its list reads."""
    return tuple(
        f"{c.number}. {c.text}" for c in citations.numbered(session, "abstract", abstract_id)
    )


def references_text(cited: Sequence[str]) -> str:
    """The cited references as one text, counted like a References section."""
    return "\n".join(cited)


def _author_records(obj: m.Abstract) -> list[AbstractAuthorRecord]:
    return [
        AbstractAuthorRecord(a.person_id, person_name(a.person), a.position, a.presenting)
        for a in obj.authors
    ]


def _image_record(image: m.AbstractImage, blob: m.Blob | None = None) -> ImageRecord:
    if blob is None and image.blob_sha256 is not None:
        blob = image.blob
    return ImageRecord(
        image.id,
        image.position,
        image.path,
        image.caption,
        blob is not None,
        image.role,
        blob.size if blob else 0,
        blob.media_type if blob else "",
        blob.sha256 if blob else "",
    )


def save_sections(
    session: Session,
    actor: Actor,
    abstract_id: int,
    sections: Sequence[tuple[str, str]],
    expected_version: int | None = None,
    *,
    title: str | None = None,
) -> AbstractDetail:
    """Replace an abstract's sections (and title, if given) in one go.

    The abstract's version goes up, so a second window still holding the old version
    gets a conflict instead of silently overwriting this save.

    Args:
        session: The unit of work.
        actor: Who saves.
        abstract_id: The abstract.
        sections: ``(heading, body)`` pairs in order; rows with neither are dropped.
        expected_version: The version the editor loaded.
        title: A new title, or ``None`` to keep it.

    Returns:
        The abstract as saved.

    Raises:
        ConflictError: Someone saved the abstract since ``expected_version``.
        ValidationError: A section has text but no heading, a heading is too long,
            or the title is empty.
        PermissionDeniedError: The actor may not change the abstract.
    """
    obj = _abstract(session, abstract_id, actor)
    permissions.require(session, actor, permissions.UPDATE, "abstract", obj.owner_id)
    old_sections = [[s.heading, s.body] for s in obj.sections]
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(
            "abstract",
            obj.id,
            {"title": title, "sections": [list(s) for s in sections]},
            {"title": obj.title, "sections": old_sections},
            obj.version,
        )
    errors: dict[str, str] = {}
    cleaned: list[tuple[str, str]] = []
    for index, (heading, body) in enumerate(sections, start=1):
        heading, body = heading.strip(), body.strip()
        if not heading and not body:
            continue
        if not heading:
            errors[f"section {index}"] = "A section with text needs a heading."
        elif len(heading) > 100:
            errors[f"section {index}"] = "Keep a heading under 100 characters."
        cleaned.append((heading, body))
    new_title = obj.title if title is None else title.strip()
    if not new_title:
        errors["title"] = "Title is required."
    elif len(new_title) > 500:
        errors["title"] = "Keep the title under 500 characters."
    if errors:
        raise ValidationError(errors)
    old_title = obj.title
    obj.sections.clear()
    session.flush()
    for position, (heading, body) in enumerate(cleaned, start=1):
        obj.sections.append(m.AbstractSection(position=position, heading=heading, body=body))
    obj.title = new_title
    flag_modified(obj, "title")  # always an UPDATE, so the version goes up
    session.flush()
    if old_title != new_title:
        items.audit(session, actor, "update", "abstract", obj.id, "title", old_title, new_title)
    new_sections = [list(s) for s in cleaned]
    if new_sections != old_sections:
        items.audit(
            session,
            actor,
            "update",
            "abstract",
            obj.id,
            "sections",
            {"sections": old_sections},
            {"sections": new_sections},
        )
    return get_abstract_detail(session, actor, abstract_id)


def set_abstract_authors(
    session: Session,
    actor: Actor,
    abstract_id: int,
    authors: Sequence[tuple[int, bool]],
) -> list[AbstractAuthorRecord]:
    """Replace an abstract's byline.

    Args:
        session: The unit of work.
        actor: Who does it.
        abstract_id: The abstract.
        authors: ``(person_id, presenting)`` in byline order; at most one presenter.

    Raises:
        ValidationError: A person is missing or listed twice, or two presenters.
        PermissionDeniedError: The actor may not change the abstract.
    """
    obj = _abstract(session, abstract_id, actor)
    permissions.require(session, actor, permissions.UPDATE, "abstract", obj.owner_id)
    ids = [a[0] for a in authors]
    if len(set(ids)) != len(ids):
        raise ValidationError({"authors": "Each person can appear only once in the byline."})
    if sum(1 for a in authors if a[1]) > 1:
        raise ValidationError({"authors": "Mark one presenting author."})
    found = set(session.scalars(select(m.Person.id).where(m.Person.id.in_(ids))))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({"authors": f"No person with id {', '.join(missing)}."})
    old = [[a.person_id, a.presenting] for a in obj.authors]
    obj.authors.clear()
    session.flush()
    for position, (person_id, presenting) in enumerate(authors, start=1):
        obj.authors.append(
            m.AbstractAuthor(person_id=person_id, position=position, presenting=bool(presenting))
        )
    session.flush()
    new = [[pid, bool(p)] for pid, p in authors]
    if new != old:
        items.audit(
            session, actor, "update", "abstract", obj.id, "authors", {"a": old}, {"a": new}
        )
    return _author_records(obj)


def check_image(path: str | Path) -> Path:
    """Return the resolved path of an image file that may be attached.

    Raises:
        ValidationError: The file is missing, a folder, too large, or not an image.
    """
    return blobs.read_image_file(path)[2]


def add_image(
    session: Session,
    actor: Actor,
    abstract_id: int,
    path: str | Path,
    caption: str = "",
    *,
    role: str = FIGURE,
) -> ImageRecord:
    """Copy an image into the database and attach it to an abstract.

    The bytes are stored once (content-addressed); moving or deleting the file later
    changes nothing.

    Args:
        session: The unit of work.
        actor: Who does it.
        abstract_id: The abstract.
        path: The image file.
        caption: Its caption.
        role: ``figure`` (results slides, poster) or ``logo`` (the poster's banner).

    Raises:
        ValidationError: The file is missing, too large or not an image Pillow can open.
        PermissionDeniedError: The actor may not change the abstract.
    """
    data, _media_type, file = blobs.read_image_file(path)
    return add_image_data(session, actor, abstract_id, data, file, caption, role=role)


def add_image_data(
    session: Session,
    actor: Actor,
    abstract_id: int,
    data: bytes,
    name: str | Path,
    caption: str = "",
    *,
    role: str = FIGURE,
) -> ImageRecord:
    """Attach image bytes (e.g. a figure being put back by Undo) to an abstract.

    Args:
        session: The unit of work.
        actor: Who does it.
        abstract_id: The abstract.
        data: The image file's bytes.
        name: The file it came from (shown to the user).
        caption: Its caption.
        role: ``figure`` or ``logo``.

    Raises:
        ValidationError: Too large, not an image, or an unknown role.
        PermissionDeniedError: The actor may not change the abstract.
    """
    if role not in IMAGE_ROLES:
        raise ValidationError({"role": f"Choose one of: {', '.join(IMAGE_ROLES)}."})
    obj = _abstract(session, abstract_id, actor)
    permissions.require(session, actor, permissions.UPDATE, "abstract", obj.owner_id)
    file = Path(name)
    blob = blobs.store(session, data, blobs.image_media_type(data, file.name))
    position = max((i.position for i in obj.images), default=0) + 1
    image = m.AbstractImage(
        position=position,
        path=str(file),
        caption=caption.strip(),
        role=role,
        blob_sha256=blob.sha256,
    )
    obj.images.append(image)
    session.flush()
    items.audit(
        session,
        actor,
        "update",
        "abstract",
        obj.id,
        role,
        None,
        f"{file.name} ({blob.sha256[:12]})",
    )
    return _image_record(image)


def list_images(
    session: Session, actor: Actor, abstract_id: int, role: str | None = None
) -> list[ImageRecord]:
    """The images of an abstract in order (only one role, if given).

    Raises:
        NotFoundError: No such abstract.
        PermissionDeniedError: The actor may not read it.
    """
    obj = _abstract(session, abstract_id, actor)
    permissions.require(session, actor, permissions.READ, "abstract", obj.owner_id)
    return [_image_record(i) for i in obj.images if role is None or i.role == role]


def image_bytes(session: Session, actor: Actor, image_id: int) -> bytes:
    """The stored bytes of one image (for a thumbnail or a preview).

    Raises:
        NotFoundError: No such image, or its bytes are missing.
        PermissionDeniedError: The actor may not read the abstract.
    """
    image = _image(session, image_id)
    permissions.require(session, actor, permissions.READ, "abstract", image.abstract.owner_id)
    if image.blob_sha256 is None:
        raise NotFoundError(
            f"The image {Path(image.path).name} is not stored in the database; attach it again."
        )
    return blobs.read(session, image.blob_sha256)


def _image(session: Session, image_id: int, abstract_id: int | None = None) -> m.AbstractImage:
    image = session.get(m.AbstractImage, image_id)
    if image is None or (abstract_id is not None and image.abstract_id != abstract_id):
        where = f" on abstract {abstract_id}" if abstract_id is not None else ""
        raise NotFoundError(f"There is no figure with id {image_id}{where}.")
    return image


def remove_image(
    session: Session, actor: Actor, image_id: int, *, abstract_id: int | None = None
) -> None:
    """Detach an image from its abstract; its stored bytes go when nothing else uses them.

    Args:
        session: The unit of work.
        actor: Who does it.
        image_id: The image.
        abstract_id: If given, the image must belong to this abstract.

    Raises:
        NotFoundError: No such image (on that abstract).
        PermissionDeniedError: The actor may not change the abstract.
    """
    image = _image(session, image_id, abstract_id)
    obj = image.abstract
    permissions.require(session, actor, permissions.UPDATE, "abstract", obj.owner_id)
    items.audit(session, actor, "update", "abstract", obj.id, image.role, image.path, None)
    sha = image.blob_sha256
    obj.images.remove(image)
    session.delete(image)
    session.flush()
    for position, other in enumerate(obj.images, start=1):
        other.position = position
    session.flush()
    blobs.drop_if_unused(session, sha)


def set_image_caption(session: Session, actor: Actor, image_id: int, caption: str) -> ImageRecord:
    """Change a figure's caption.

    Raises:
        NotFoundError: No such image.
        PermissionDeniedError: The actor may not change the abstract.
    """
    image = _image(session, image_id)
    permissions.require(session, actor, permissions.UPDATE, "abstract", image.abstract.owner_id)
    old, new = image.caption, caption.strip()
    if len(new) > 1000:
        raise ValidationError({"caption": "Keep a caption under 1,000 characters."})
    if old != new:
        image.caption = new
        session.flush()
        items.audit(session, actor, "update", "abstract", image.abstract_id, "caption", old, new)
    return _image_record(image)
