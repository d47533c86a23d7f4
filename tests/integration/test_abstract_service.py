"""Abstract sections, authors and images through the service, on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ConflictError, ValidationError
from scholar_desk.core.services import abstracts, items
from scholar_desk.core.services.session import SINGLE_USER


@pytest.fixture
def ids(library: Library) -> dict[str, int]:
    with library.transaction() as s:
        ana = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "Ana", "family_name": "Lopez"}
        )
        raj = items.create_item(
            s,
            SINGLE_USER,
            "person",
            {"given_name": "Raj", "family_name": "Patel", "degrees": "MD"},
        )
        conf = items.create_item(
            s,
            SINGLE_USER,
            "conference",
            {
                "name": "AAPM Annual Meeting",
                "limit_unit": "words",
                "body_limit": 300,
                "counts_title": False,
                "counts_references": False,
                "required_sections": "Introduction, Methods, Results, Conclusions",
            },
        )
        abstract = items.create_item(
            s,
            SINGLE_USER,
            "abstract",
            {"title": "SCS case series", "conference_id": conf.id, "owner_id": ana.id},
        )
    return {"ana": ana.id, "raj": raj.id, "conf": conf.id, "abstract": abstract.id}


def test_detail_starts_with_conference_rule(library: Library, ids: dict[str, int]) -> None:
    with library.reading() as s:
        detail = abstracts.get_abstract_detail(s, SINGLE_USER, ids["abstract"])
    assert detail.conference_name == "AAPM Annual Meeting"
    assert detail.rule.body_limit == 300
    assert detail.required_sections == ("Introduction", "Methods", "Results", "Conclusions")
    assert detail.sections == ()
    assert detail.count.label == "0 / 300 words"


def test_save_sections_bumps_version_and_detects_conflict(
    library: Library, ids: dict[str, int]
) -> None:
    with library.reading() as s:
        version = abstracts.get_abstract_detail(s, SINGLE_USER, ids["abstract"]).version
    with library.transaction() as s:
        saved = abstracts.save_sections(
            s,
            SINGLE_USER,
            ids["abstract"],
            [("Introduction", "Spinal cord stimulation helps."), ("", ""), ("Methods", "Ten.")],
            version,
            title="Spinal cord stimulation case series",
        )
    assert saved.version == version + 1
    assert [(x.position, x.heading) for x in saved.sections] == [
        (1, "Introduction"),
        (2, "Methods"),
    ]
    assert saved.title == "Spinal cord stimulation case series"
    assert saved.count.body_count == 4 + 1 + 1 + 1
    with library.transaction() as s, pytest.raises(ConflictError):
        abstracts.save_sections(s, SINGLE_USER, ids["abstract"], [("Results", "x")], version)
    with library.transaction() as s:  # saving again with the same text still bumps
        again = abstracts.save_sections(
            s, SINGLE_USER, ids["abstract"], [("Introduction", "x")], saved.version
        )
    assert again.version == saved.version + 1


def test_save_sections_validation(library: Library, ids: dict[str, int]) -> None:
    with library.transaction() as s, pytest.raises(ValidationError) as info:
        abstracts.save_sections(s, SINGLE_USER, ids["abstract"], [("", "text")], title=" ")
    assert set(info.value.fields) == {"section 1", "title"}


def test_authors_with_one_presenter(library: Library, ids: dict[str, int]) -> None:
    with library.transaction() as s:
        byline = abstracts.set_abstract_authors(
            s, SINGLE_USER, ids["abstract"], [(ids["ana"], True), (ids["raj"], False)]
        )
    assert [(a.name, a.presenting) for a in byline] == [
        ("Ana Lopez", True),
        ("Raj Patel, MD", False),
    ]
    with library.transaction() as s, pytest.raises(ValidationError, match="presenting"):
        abstracts.set_abstract_authors(
            s, SINGLE_USER, ids["abstract"], [(ids["ana"], True), (ids["raj"], True)]
        )
    with library.reading() as s:
        detail = abstracts.get_abstract_detail(s, SINGLE_USER, ids["abstract"])
    assert [a.person_id for a in detail.authors] == [ids["ana"], ids["raj"]]


def test_images_must_be_real_images(library: Library, ids: dict[str, int], tmp_path: Path) -> None:
    png = tmp_path / "figure1.png"
    Image.new("RGB", (40, 30), "white").save(png)
    fake = tmp_path / "notes.png"
    fake.write_text("not an image")
    with library.transaction() as s:
        image = abstracts.add_image(s, SINGLE_USER, ids["abstract"], png, "  Pain scores  ")
    assert (image.position, image.caption, image.exists) == (1, "Pain scores", True)
    for bad, message in (
        (tmp_path / "missing.png", "does not exist"),
        (tmp_path, "folder"),
        (fake, "not an image"),
    ):
        with library.transaction() as s, pytest.raises(ValidationError, match=message):
            abstracts.add_image(s, SINGLE_USER, ids["abstract"], bad)
    with library.transaction() as s:
        second = abstracts.add_image(s, SINGLE_USER, ids["abstract"], png)
        abstracts.set_image_caption(s, SINGLE_USER, second.id, "Again")
        abstracts.remove_image(s, SINGLE_USER, image.id)
    with library.reading() as s:
        detail = abstracts.get_abstract_detail(s, SINGLE_USER, ids["abstract"])
    assert [(i.position, i.caption) for i in detail.images] == [(1, "Again")]
