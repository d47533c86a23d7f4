"""The sentence a refusal reads as: the same in the window's tooltips and the CLI's errors."""

from __future__ import annotations

import pytest

from scholar_desk.core.errors import PermissionDeniedError
from scholar_desk.core.records import Role
from scholar_desk.core.services import permissions as p
from scholar_desk.core.services.session import SINGLE_USER, Actor

FELLOW = Actor("fellow1", Role.FELLOW, person_id=1)
MENTOR = Actor("mentor", Role.MENTOR, person_id=2)
DIRECTOR = Actor("director", Role.DIRECTOR, person_id=3)


@pytest.mark.parametrize(
    ("actor", "action", "kind", "owner", "sentence"),
    [
        (MENTOR, p.CREATE, "project", 2, "Mentors can read and comment, not create projects."),
        (MENTOR, p.UPDATE, "abstract", 1, "Mentors can read and comment, not change abstracts."),
        (DIRECTOR, p.DELETE, "manuscript", 1, "Directors can read and comment, not delete manuscripts."),
        (FELLOW, p.UPDATE, "project", 9, "Fellows can change only their own projects."),
        (FELLOW, p.READ, "submission", 9, "Fellows can read only their own submissions."),
        (MENTOR, p.COMMENT, "project", 9, "Mentors can comment on only their mentees' projects."),
        (MENTOR, p.CREATE, "reference", None, "Mentors can read the reference library, not change it."),
        (MENTOR, p.CREATE, "person", None, "Mentors can read people, not create them."),
        (FELLOW, p.MANAGE, "backup", None, "Only a director can manage backups."),
    ],
)  # fmt: skip
def test_refusal_reads_as_a_sentence(library, actor, action, kind, owner, sentence) -> None:
    with library.reading() as session:
        assert p.refusal(session, actor, action, kind, owner) == sentence
        with pytest.raises(PermissionDeniedError) as raised:
            p.require(session, actor, action, kind, owner)
    assert raised.value.user_message == sentence


def test_no_refusal_where_allowed(library) -> None:
    with library.reading() as session:
        assert p.refusal(session, FELLOW, p.CREATE, "project", 1) == ""
        assert p.refusal(session, DIRECTOR, p.MANAGE, "account", None) == ""
        assert p.refusal(session, SINGLE_USER, p.DELETE, "project", None) == ""
