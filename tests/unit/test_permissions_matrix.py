"""Role x action x ownership over every core service function that reads or writes records.

The expected answers are written out here, independently of `permissions.allowed`, and
each case calls the real service. Kinds come from `kinds.KINDS`, so a new kind is in the
matrix without touching this file; `test_every_service_function_is_covered` fails when
a new service function that takes an actor is not.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import inspect
import pkgutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import scholar_desk.core.services as services_pkg
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from scholar_desk.core.records import Record
from scholar_desk.core.services import (
    accounts,
    audit,
    bib_sync,
    comments,
    items,
    kinds,
    mentor,
    references,
)
from scholar_desk.core.services.session import SINGLE_USER, Actor

ROLES = ("fellow_a", "fellow_b", "mentor", "director", "no_login")
OWNED = tuple(k for k in kinds.KINDS.values() if k.owned)
SHARED = tuple(k for k in kinds.KINDS.values() if not k.owned)
ALL_ACTIONS = frozenset({"read", "create", "update", "delete", "comment", "resolve"})

# What each role may do, by its relation to the record (written from the rules).
EXPECTED: Mapping[tuple[str, str], frozenset[str]] = {
    ("fellow", "own"): ALL_ACTIONS,
    ("fellow", "other"): frozenset(),
    ("fellow", "shared"): frozenset({"read", "create", "update", "delete"}),
    ("mentor", "mentee"): frozenset({"read", "comment", "resolve"}),
    ("mentor", "other"): frozenset(),
    ("mentor", "shared"): frozenset({"read", "comment", "resolve"}),
    ("director", "any"): frozenset({"read", "comment", "resolve"}),
    ("director", "shared"): ALL_ACTIONS,
    ("no_login", "any"): frozenset(),
    ("no_login", "shared"): frozenset(),
}

BY_KIND: Mapping[tuple[str, str, str], frozenset[str]] = {
    # Mentor meetings: the fellow's mentors and a director record them too.
    ("meeting", "mentor", "mentee"): ALL_ACTIONS,
    ("meeting", "director", "any"): ALL_ACTIONS,
}
"""Where a kind departs from EXPECTED: (kind, role, relation) -> what the role may do."""


def expected_actions(world: World, kind: str, role: str, letter: str) -> frozenset[str]:
    """What ``role`` may do to a ``kind`` record of owner ``letter``."""
    rel = relation(world, role, letter)
    return BY_KIND.get((kind, *rel), EXPECTED[rel])


@dataclasses.dataclass
class World:
    library: Library
    actors: dict[str, Actor]
    person: dict[str, int]
    # (kind, owner letter or "shared") -> record id, a record nothing else refers to
    target: dict[tuple[str, str], int]
    comment: dict[tuple[str, str], int]


class _RollbackError(Exception):
    pass


def _throw_away() -> None:
    raise _RollbackError


@contextmanager
def scratch(library: Library) -> Iterator[Session]:
    """A unit of work whose changes are always thrown away."""
    try:
        with library.transaction() as session:
            yield session
            _throw_away()
    except _RollbackError:
        pass


def sample_values(
    session: Session, maker: Actor, kind: kinds.Kind, owner: int | None, n: int
) -> dict[str, Any]:
    """Values for every required field; referenced records are made by ``maker``."""
    raw: dict[str, Any] = {}
    for spec in kind.fields:
        if not spec.required:
            continue
        if spec.type in ("text", "multiline"):
            raw[spec.name] = f"{kind.name} sample <{n}>"  # no title is a part of another
        elif spec.type == "choice":
            raw[spec.name] = spec.choices[0]
        elif spec.type == "date":
            raw[spec.name] = "2026-01-15"
        elif spec.type == "datetime":
            raw[spec.name] = "2026-01-15 12:00"
        elif spec.type == "int":
            raw[spec.name] = 1
        elif spec.type == "bool":
            raw[spec.name] = False
        elif spec.type == "ref":
            ref_kind = kinds.get_kind(spec.ref_kind or "")
            ref_owner = owner if ref_kind.owned else None
            made = items.create_item(
                session,
                maker,
                ref_kind.name,
                sample_values(session, maker, ref_kind, ref_owner, n),
            )
            raw[spec.name] = made.id
    if kind.owned:
        raw["owner_id"] = owner
    return raw


def _text_field(kind: kinds.Kind) -> str:
    return next(f.name for f in kind.fields if f.type in ("text", "multiline") and not f.required)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    library = Library.open(tmp_path_factory.mktemp("matrix") / "matrix.sqlite3")
    person: dict[str, int] = {}
    with library.transaction() as s:
        for key in ("a", "b", "m", "d"):
            person[key] = items.create_item(
                s, SINGLE_USER, "person", {"given_name": key.upper(), "family_name": "Test"}
            ).id
        accounts.create_account(s, SINGLE_USER, "director", "password123", "director", person["d"])
        accounts.create_account(s, SINGLE_USER, "mentor", "password123", "mentor", person["m"])
        boss = accounts.actor_of(s.scalars(select(m.Account)).first())  # type: ignore[arg-type]
        accounts.create_account(s, boss, "fa", "password123", "fellow", person["a"])
        accounts.create_account(s, boss, "fb", "password123", "fellow", person["b"])
        accounts.create_account(s, boss, "extra", "password123", "fellow")
        rows = {a.username: a for a in s.scalars(select(m.Account))}
        actors = {
            "fellow_a": accounts.actor_of(rows["fa"]),
            "fellow_b": accounts.actor_of(rows["fb"]),
            "mentor": accounts.actor_of(rows["mentor"]),
            "director": accounts.actor_of(rows["director"]),
            "no_login": SINGLE_USER,
        }
        accounts.assign_mentor(s, actors["director"], "mentor", person["a"])
        target: dict[tuple[str, str], int] = {}
        comment: dict[tuple[str, str], int] = {}
        n = 0
        for kind in kinds.KINDS.values():
            owners = (
                (("a", "fellow_a"), ("b", "fellow_b")) if kind.owned else (("shared", "director"),)
            )
            for letter, maker_name in owners:
                n += 1
                maker = actors[maker_name]
                owner = person[letter] if kind.owned else None
                raw = sample_values(s, maker, kind, owner, n)
                target[(kind.name, letter)] = items.create_item(s, maker, kind.name, raw).id
                comment[(kind.name, letter)] = comments.add_comment(
                    s, actors["director"], kind.name, target[(kind.name, letter)], "please check"
                ).id
        _link_across_owners(s, person, set(target.values()))
    yield World(library, actors, person, target, comment)
    library.close()


def _link_across_owners(s: Session, person: dict[str, int], targets: set[int]) -> None:
    """Links a fellow could not make today but a database may hold from before login was on.

    Every fellow-B record that links to an owned kind is pointed at a fellow-A record of
    that kind, and the reverse, so a leak of a linked id or label shows in every listing.
    """
    for kind in OWNED:
        for spec in kind.fields:
            if spec.type != "ref" or spec.name == "owner_id":
                continue
            target = kinds.get_kind(spec.ref_kind or "")
            if not target.owned:
                continue
            model: Any = kind.model
            target_model: Any = target.model
            for mine, theirs in (("a", "b"), ("b", "a")):
                # Not at the matrix's own targets: those stay records nothing refers to.
                other = s.scalars(
                    select(target_model.id).where(
                        target_model.owner_id == person[theirs], target_model.id.not_in(targets)
                    )
                ).first()
                for row in s.scalars(select(model).where(model.owner_id == person[mine])):
                    if other is not None and other != row.id:
                        setattr(row, spec.name, other)
    s.flush()


def relation(world: World, role: str, owner_letter: str) -> tuple[str, str]:
    if owner_letter == "shared":
        base = "fellow" if role.startswith("fellow") else role
        return base, "shared"
    if role in ("director", "no_login"):
        return role, "any"
    if role == "mentor":
        return "mentor", "mentee" if owner_letter == "a" else "other"
    mine = (role == "fellow_a") == (owner_letter == "a")
    return "fellow", "own" if mine else "other"


def run_action(
    world: World, s: Session, actor: Actor, kind: kinds.Kind, letter: str, action: str
) -> None:
    item_id = world.target[(kind.name, letter)]
    owner = world.person[letter] if kind.owned else None
    if action == "read":
        record = items.get_item(s, actor, kind.name, item_id)
        assert record.id == item_id
        listed = {r.id for r in items.list_items(s, actor, kind.name)}
        assert item_id in listed
        assert audit.history(s, actor, kind.name, item_id)
        on_item = comments.list_comments(s, actor, kind.name, item_id)
        assert [c.id for c in on_item] == [world.comment[(kind.name, letter)]]
    elif action == "create":
        maker = world.actors[
            "fellow_a" if letter == "a" else "fellow_b" if letter == "b" else "director"
        ]
        raw = sample_values(s, maker, kind, owner, 900)
        items.create_item(s, actor, kind.name, raw)
    elif action == "update":
        items.update_item(s, actor, kind.name, item_id, {_text_field(kind): "changed"})
    elif action == "delete":
        items.delete_item(s, actor, kind.name, item_id)
    elif action == "comment":
        comments.add_comment(s, actor, kind.name, item_id, "a note")
    elif action == "resolve":
        comments.resolve_comment(s, actor, world.comment[(kind.name, letter)])
    else:  # pragma: no cover - the parameters are fixed above
        raise AssertionError(action)


def _cases() -> Iterator[Any]:
    for kind in kinds.KINDS.values():
        letters = ("a", "b") if kind.owned else ("shared",)
        for letter in letters:
            for role in ROLES:
                for action in sorted(ALL_ACTIONS):
                    yield pytest.param(
                        kind, letter, role, action, id=f"{kind.name}-{letter}-{role}-{action}"
                    )


@pytest.mark.parametrize(("kind", "letter", "role", "action"), list(_cases()))
def test_item_matrix(world: World, kind: kinds.Kind, letter: str, role: str, action: str) -> None:
    expected = action in expected_actions(world, kind.name, role, letter)
    actor = world.actors[role]
    with scratch(world.library) as s:
        if expected:
            run_action(world, s, actor, kind, letter, action)
        elif action == "read":
            with pytest.raises(denial(world, role, letter)):
                items.get_item(s, actor, kind.name, world.target[(kind.name, letter)])
            listed = {r.id for r in items.list_items(s, actor, kind.name)}
            assert world.target[(kind.name, letter)] not in listed
            with pytest.raises(PermissionDeniedError):
                audit.history(s, actor, kind.name, world.target[(kind.name, letter)])
            assert (
                comments.list_comments(s, actor, kind.name, world.target[(kind.name, letter)])
                == []
            )
        else:
            with pytest.raises(denial(world, role, letter)):
                run_action(world, s, actor, kind, letter, action)


def denial(world: World, role: str, letter: str) -> tuple[type[Exception], ...]:
    """What a refusal may raise: "not found" only where the record is invisible to the role
    (roles that may not read it); everywhere else, a permission error."""
    invisible = "read" not in EXPECTED[relation(world, role, letter)]
    return (PermissionDeniedError, NotFoundError) if invisible else (PermissionDeniedError,)


def _owned_links(kind: kinds.Kind) -> Iterator[tuple[Any, kinds.Kind]]:
    for spec in kind.fields:
        if spec.type == "ref" and spec.name != "owner_id":
            target = kinds.get_kind(spec.ref_kind or "")
            if target.owned:
                yield spec, target


@pytest.mark.parametrize("kind", [k for k in OWNED if any(_owned_links(k))], ids=lambda k: k.name)
@pytest.mark.parametrize("role", ["fellow_a", "fellow_b"])
def test_links_point_only_at_changeable(world: World, kind: kinds.Kind, role: str) -> None:
    """A fellow links their record to their own records only; another fellow's reads as
    missing, with the very message a missing id gets."""
    mine = "a" if role == "fellow_a" else "b"
    actor = world.actors[role]
    for spec, target in _owned_links(kind):
        for letter in ("a", "b"):
            target_id = world.target[(target.name, letter)]
            with scratch(world.library) as s:
                change = {spec.name: target_id}
                if letter == mine:
                    record = items.update_item(
                        s, actor, kind.name, world.target[(kind.name, mine)], change
                    )
                    assert record[spec.name] == target_id
                    continue
                # The sample data may already hold this link (from before login): make it
                # point at the fellow's own record first.
                own = {spec.name: world.target[(target.name, mine)]}
                items.update_item(s, actor, kind.name, world.target[(kind.name, mine)], own)
                with pytest.raises(ValidationError) as refused:
                    items.update_item(s, actor, kind.name, world.target[(kind.name, mine)], change)
                assert refused.value.fields[spec.name] == items.missing_message(
                    target.name, target_id
                )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", [k.name for k in kinds.KINDS.values()])
def test_restore_needs_create_permission(world: World, kind: str, role: str) -> None:
    spec = kinds.get_kind(kind)
    letters = ("a", "b") if spec.owned else ("shared",)
    for letter in letters:
        owner_role = {"a": "fellow_a", "b": "fellow_b", "shared": "director"}[letter]
        expected = "create" in expected_actions(world, kind, role, letter)
        with scratch(world.library) as s:
            snapshot = items.delete_item(
                s, world.actors[owner_role], kind, world.target[(kind, letter)]
            )
            if expected:
                assert items.restore_item(s, world.actors[role], snapshot).id == snapshot.item_id
            else:
                with pytest.raises(PermissionDeniedError):
                    items.restore_item(s, world.actors[role], snapshot)


# Whole-database functions: only a director (the single user before login is on).
ADMIN_CALLS: Mapping[str, Callable[[Session, Actor, World], Any]] = {
    "accounts.list_accounts": lambda s, a, w: accounts.list_accounts(s, a),
    "accounts.create_account": lambda s, a, w: accounts.create_account(
        s, a, "newbie", "password123", "fellow"
    ),
    "accounts.get_account": lambda s, a, w: accounts.get_account(s, a, "extra"),
    "accounts.set_password": lambda s, a, w: accounts.set_password(s, a, "extra", "password456"),
    "accounts.update_account": lambda s, a, w: accounts.update_account(
        s, a, "extra", active=False
    ),
    "accounts.unlock_account": lambda s, a, w: accounts.unlock_account(s, a, "extra"),
    "accounts.assign_mentor": lambda s, a, w: accounts.assign_mentor(
        s, a, "mentor", w.person["b"]
    ),
    "accounts.unassign_mentor": lambda s, a, w: accounts.unassign_mentor(
        s, a, "mentor", w.person["a"]
    ),
    "accounts.set_idle_minutes": lambda s, a, w: accounts.set_idle_minutes(s, a, 10),
    "career.set_program": lambda s, a, w: _svc("career.set_program")(
        s, a, _svc("career.example_text")()
    ),
    "audit.query": lambda s, a, w: audit.query(s, a),
    "audit.facets": lambda s, a, w: audit.facets(s, a),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ADMIN_CALLS))
def test_admin_matrix(world: World, name: str, role: str) -> None:
    with scratch(world.library) as s:
        if role == "director":
            ADMIN_CALLS[name](s, world.actors[role], world)
        else:
            with pytest.raises(PermissionDeniedError):
                ADMIN_CALLS[name](s, world.actors[role], world)


@pytest.mark.parametrize("role", ROLES)
def test_own_account_functions(world: World, role: str) -> None:
    """Everyone with an account reads and changes their own; nobody without one."""
    actor = world.actors[role]
    with scratch(world.library) as s:
        if role == "no_login":
            with pytest.raises(PermissionDeniedError):
                accounts.change_password(s, actor, "password123", "password789")
            with pytest.raises(PermissionDeniedError):
                _svc("sign_in_tokens.issue")(s, actor, 5)
            return
        name = actor.username
        token, ends = _svc("sign_in_tokens.issue")(s, actor, 5)
        assert _svc("sign_in_tokens.actor_for")(s, token).username == name
        assert ends.year >= 2026
        assert accounts.get_account(s, actor, name).username == name
        accounts.change_password(s, actor, "password123", "password789")
        accounts.set_password(s, actor, name, "password000")


# Functions that only list what the actor may see -----------------------------------------


def owner_ids_in(value: Any) -> set[int | None]:
    """Every ``owner_id`` anywhere in a result (records, dataclasses, dicts, lists)."""
    found: set[int | None] = set()

    def walk(v: Any) -> None:
        if isinstance(v, Record):
            if "owner_id" in v.values:
                found.add(v.values["owner_id"])
            return
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            for f in dataclasses.fields(v):
                item = getattr(v, f.name)
                if f.name == "owner_id":
                    found.add(item)
                else:
                    walk(item)
            return
        if isinstance(v, Mapping):
            for key, item in v.items():
                if key == "owner_id":
                    found.add(item)
                else:
                    walk(item)
            return
        if isinstance(v, list | tuple | set | frozenset):
            for item in v:
                walk(item)
        if hasattr(v, "rows") and not isinstance(v, type):
            walk(v.rows)

    walk(value)
    return found


def _visible(world: World, role: str) -> set[int | None]:
    """Owners whose records each role may see (None: meeting-wide/shared)."""
    p = world.person
    return {
        "fellow_a": {None, p["a"]},
        "fellow_b": {None, p["b"]},
        "mentor": {None, p["a"], p["m"]},
        "director": {None, p["a"], p["b"], p["m"], p["d"]},
        "no_login": {None},
    }[role]


def _listing_calls() -> dict[str, Callable[[Session, Actor], Any]]:
    from scholar_desk.core.services import listing

    calls: dict[str, Callable[[Session, Actor], Any]] = {}
    for plural in sorted(kinds.LIST_KINDS):
        calls[f"listing.list_kind[{plural}]"] = (
            lambda s, a, plural=plural: listing.list_kind(s, a, plural)  # type: ignore[misc]
        )
    for kind in kinds.KINDS:
        calls[f"items.list_items[{kind}]"] = lambda s, a, kind=kind: items.list_items(s, a, kind)  # type: ignore[misc]
    return calls


def zero_argument_readers() -> dict[str, Callable[..., Any]]:
    """Every service function called as ``f(session, actor)``: no other required argument."""
    out: dict[str, Callable[..., Any]] = {}
    for fn_name, fn in service_functions().items():
        params = list(inspect.signature(fn).parameters.values())
        required = [
            p
            for p in params[2:]
            if p.default is inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD
        ]
        if not required and fn_name not in WRITERS_WITHOUT_ARGUMENTS:
            out[fn_name] = fn
    return out


WRITERS_WITHOUT_ARGUMENTS = frozenset({"comments.mark_seen", "references.merge_exact_duplicates"})


@dataclasses.dataclass(frozen=True)
class Secrets:
    """What a role must never see: ids (by kind) and labels of records it may not read."""

    ids: dict[str, frozenset[int]]
    labels: frozenset[str]


def secrets_for(s: Session, world: World, role: str) -> Secrets:
    visible = _visible(world, role)
    ids: dict[str, frozenset[int]] = {}
    labels: set[str] = set()
    for kind in OWNED:
        model: Any = kind.model
        rows = [r for r in s.scalars(select(model)) if r.owner_id not in visible]
        ids[kind.name] = frozenset(r.id for r in rows)
        for row in rows:
            for spec in kind.fields:
                if spec.required and spec.type in ("text", "multiline"):
                    labels.add(getattr(row, spec.name))
    return Secrets(ids, frozenset(labels))


_ID_KINDS = {f"{k}_id": k for k in kinds.KINDS} | {"previous_id": "submission"}


def leaks_in(value: Any, secrets: Secrets) -> list[str]:
    """Every id (by the kind its field names) and every text in a result that is secret."""
    found: list[str] = []

    def check_id(kind: str | None, item: Any) -> None:
        if kind in secrets.ids and isinstance(item, int) and item in secrets.ids[kind]:
            found.append(f"{kind} id {item}")

    def walk(v: Any, kind_of_int: str | None = None) -> None:
        if isinstance(v, str):
            found.extend(f"label {t!r}" for t in secrets.labels if t in v)
        elif isinstance(v, int) and not isinstance(v, bool):
            check_id(kind_of_int, v)
        elif isinstance(v, Record):
            check_id(v.kind, v.id)
            walk(v.label)
            walk(dict(v.values), None)
        elif dataclasses.is_dataclass(v) and not isinstance(v, type):
            walk({f.name: getattr(v, f.name) for f in dataclasses.fields(v)})
        elif isinstance(v, Mapping):
            for key, item in v.items():
                walk(key)
                walk(item, _ID_KINDS.get(str(key)))
        elif isinstance(v, list | tuple | set | frozenset):
            for item in v:
                walk(item, kind_of_int)
        elif hasattr(v, "rows") and not isinstance(v, type):
            walk(v.rows)

    walk(value)
    return found


def test_leak_detection_sees_ids_and_labels() -> None:
    secrets = Secrets({"project": frozenset({7})}, frozenset({"project sample <3>"}))
    record = Record("manuscript", 1, 1, "mine", MappingProxyType({"project_id": 7}))
    assert leaks_in([record], secrets) == ["project id 7"]
    assert leaks_in({"title": "on project sample <3>"}, secrets)
    assert not leaks_in({"title": "project sample <33>", "manuscript_id": 7}, secrets)


@pytest.mark.parametrize("role", ROLES)
def test_listing_functions_show_only_visible_owners(world: World, role: str) -> None:
    actor = world.actors[role]
    calls: dict[str, Callable[..., Any]] = {**zero_argument_readers(), **_listing_calls()}
    with scratch(world.library) as s:
        secrets = secrets_for(s, world, role)
        for name, fn in sorted(calls.items()):
            try:
                result = fn(s, actor)
            except PermissionDeniedError:
                continue
            leaked = owner_ids_in(result) - _visible(world, role)
            assert not leaked, f"{name} showed {role} records of owners {leaked}"
            shown = leaks_in(result, secrets)
            assert not shown, f"{name} showed {role} what it may not read: {shown[:5]}"


@pytest.mark.parametrize("role", ROLES)
def test_readers_of_one_record_show_no_linked_secrets(
    world: World, role: str, tmp_path: Path
) -> None:
    """Every reader of one record, on every record the role may read, with links across owners."""
    actor = world.actors[role]
    readers = {n: c for n, c in OTHER_CALLS.items() if c[0] == "read" and c[1] != "fellow"}
    letter_of = {world.person["a"]: "a", world.person["b"]: "b"}
    with scratch(world.library) as s:
        secrets = secrets_for(s, world, role)
        # Every record, not only the matrix's targets: the links across owners sit on others.
        records: list[tuple[str, str, int]] = [
            (kind, letter, item_id) for (kind, letter), item_id in world.target.items()
        ]
        for kind in OWNED:
            model: Any = kind.model
            for row in s.scalars(select(model)):
                if row.owner_id in letter_of:
                    records.append((kind.name, letter_of[row.owner_id], row.id))
        for kind_name, letter, item_id in sorted(set(records)):
            if "read" not in EXPECTED[relation(world, role, letter)]:
                continue
            shown = leaks_in(items.get_item(s, actor, kind_name, item_id), secrets)
            assert not shown, f"items.get_item({kind_name}) showed {role}: {shown[:5]}"
            owner = world.actors["fellow_a" if letter == "a" else "fellow_b"]
            for name, (_action, target_kind, call) in sorted(readers.items()):
                if target_kind != kind_name:
                    continue
                out = tmp_path / f"{kind_name}-{item_id}-{name}"  # files are never replaced
                out.mkdir()
                result = call(s, actor, owner, item_id, out)
                shown = leaks_in(result, secrets)
                assert not shown, f"{name} showed {role}: {shown[:5]}"


@pytest.mark.parametrize("role", ROLES)
def test_mentor_and_comment_summaries_by_role(world: World, role: str) -> None:
    actor = world.actors[role]
    visible = _visible(world, role)
    with scratch(world.library) as s:
        people = {pid for pid, _ in mentor.mentee_people(s, actor)}
        assert people <= visible
        if role == "mentor":
            assert people == {world.person["a"]}
        counts = comments.unresolved_counts(s, actor)
        assert set(counts) <= visible
        before = {
            c.id: c.seen_by_owner for c in comments.list_comments(s, world.actors["director"])
        }
        comments.mark_seen(s, actor)
        after = {c.id: c for c in comments.list_comments(s, world.actors["director"])}
        for cid, seen in before.items():
            if after[cid].seen_by_owner != seen:
                assert after[cid].owner_id == actor.person_id is not None


# Functions of the other services, on a record owned by fellow A or fellow B -------------
# Each entry: (action, kind of the target, call). ``call(s, actor, owner, target_id, tmp)``
# may first set up sub-records as ``owner`` (rounds, points, images) in the same unit of work.


def _round(s: Session, owner: Actor, sub: int) -> int:
    from scholar_desk.core.services import submissions

    return submissions.add_round(s, owner, sub).id


def _point(s: Session, owner: Actor, sub: int) -> int:
    from scholar_desk.core.services import submissions

    return submissions.add_point(s, owner, _round(s, owner, sub), "Clarify methods").id


def _today() -> Any:
    from scholar_desk.core import clock

    return clock.today()


def _reorder(s: Session, actor: Actor, owner: Actor, sub: int) -> Any:
    from scholar_desk.core.services import submissions

    round_id = _round(s, owner, sub)
    first = submissions.add_point(s, owner, round_id, "First point").id
    second = submissions.add_point(s, owner, round_id, "Second point").id
    return _svc("submissions.reorder_points")(s, actor, round_id, [second, first])


def _image(s: Session, owner: Actor, abstract: int, tmp: Path) -> int:
    from PIL import Image

    from scholar_desk.core.services import abstracts

    path = tmp / "figure.png"
    if not path.exists():
        Image.new("RGB", (8, 8), "white").save(path)
    return abstracts.add_image(s, owner, abstract, path).id


def _png_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


def _reference(s: Session, doi: str = "") -> int:
    row = m.Reference(
        citation_key=f"matrix{s.scalar(select(m.Reference.id).order_by(m.Reference.id.desc())) or 0}",
        title="A cited work",
        doi=doi,
        extra_fields={},
    )
    s.add(row)
    s.flush()
    return row.id


def _cited(s: Session, owner: Actor, abstract: int) -> int:
    ref = _reference(s)
    _svc("citations.cite")(s, owner, "abstract", abstract, [ref])
    return ref


def _nothing_to_write(fn: Callable[..., Any], *args: Any) -> Any:
    """Call an export that refuses an empty document; the refusal comes after the
    permission check, so it counts as allowed."""
    try:
        return fn(*args)
    except ValidationError as exc:
        if "nothing was written" not in exc.user_message:
            raise
        return None


def _svc(name: str) -> Any:
    module, _, fn = name.partition("[")[0].partition(".")
    return getattr(importlib.import_module(f"scholar_desk.core.services.{module}"), fn)


OTHER_CALLS: Mapping[str, tuple[str, str, Callable[..., Any]]] = {
    "abstracts.get_abstract_detail": ("read", "abstract", lambda s, a, o, i, t: _svc("abstracts.get_abstract_detail")(s, a, i)),
    "abstracts.save_sections": ("update", "abstract", lambda s, a, o, i, t: _svc("abstracts.save_sections")(s, a, i, [("Background", "Text")])),
    "abstracts.set_abstract_authors": ("update", "abstract", lambda s, a, o, i, t: _svc("abstracts.set_abstract_authors")(s, a, i, [(o.person_id, True)])),
    "abstracts.add_image": ("update", "abstract", lambda s, a, o, i, t: _image(s, a, i, t)),
    "abstracts.set_image_caption": ("update", "abstract", lambda s, a, o, i, t: _svc("abstracts.set_image_caption")(s, a, _image(s, o, i, t), "Fig 1")),
    "abstracts.remove_image": ("update", "abstract", lambda s, a, o, i, t: _svc("abstracts.remove_image")(s, a, _image(s, o, i, t))),
    "abstracts.add_image_data": ("update", "abstract", lambda s, a, o, i, t: _svc("abstracts.add_image_data")(s, a, i, _png_bytes(), "figure.png")),
    "abstracts.list_images": ("read", "abstract", lambda s, a, o, i, t: _svc("abstracts.list_images")(s, a, i)),
    "abstracts.image_bytes": ("read", "abstract", lambda s, a, o, i, t: _svc("abstracts.image_bytes")(s, a, _image(s, o, i, t))),
    "abstract_table.get_table": ("read", "abstract", lambda s, a, o, i, t: _svc("abstract_table.get_table")(s, a, i)),
    "abstract_table.set_table": ("update", "abstract", lambda s, a, o, i, t: _svc("abstract_table.set_table")(s, a, i, _svc("abstract_table.ResultsTable")((("Group", "n"), ("Treated", "12"))))),
    "bibliography.reference_list": ("read", "manuscript", lambda s, a, o, i, t: _svc("bibliography.reference_list")(s, a, "manuscript", i)),
    "slides.read_content": ("read", "abstract", lambda s, a, o, i, t: _svc("slides.read_content")(s, a, i)),
    "slides.build_deck": ("read", "abstract", lambda s, a, o, i, t: _svc("slides.build_deck")(s, a, i)),
    "slides.build_poster": ("read", "abstract", lambda s, a, o, i, t: _svc("slides.build_poster")(s, a, i)),
    "slides.export_deck": ("read", "abstract", lambda s, a, o, i, t: _svc("slides.export_deck")(s, a, i, t / "deck.pptx")),
    "slides.export_poster": ("read", "abstract", lambda s, a, o, i, t: _svc("slides.export_poster")(s, a, i, t / "poster.pptx")),
    "template_export.export_poster_template": ("read", "abstract", lambda s, a, o, i, t: _svc("template_export.export_poster_template")(s, a, t / "poster.potx", abstract_id=i, force=True)),
    "projects.project_outputs": ("read", "project", lambda s, a, o, i, t: _svc("projects.project_outputs")(s, a, i)),
    "projects.project_summary": ("read", "project", lambda s, a, o, i, t: _svc("projects.project_summary")(s, a, i)),
    "projects.project_timeline": ("read", "project", lambda s, a, o, i, t: _svc("projects.project_timeline")(s, a, i)),
    "projects.set_project_mentors": ("update", "project", lambda s, a, o, i, t: _svc("projects.set_project_mentors")(s, a, i, [o.person_id])),
    "projects.set_project_tags": ("update", "project", lambda s, a, o, i, t: _svc("projects.set_project_tags")(s, a, i, ["pain"])),
    "submissions.chain": ("read", "submission", lambda s, a, o, i, t: _svc("submissions.chain")(s, a, i)),
    "submissions.timeline": ("read", "submission", lambda s, a, o, i, t: _svc("submissions.timeline")(s, a, i)),
    "submissions.rounds": ("read", "submission", lambda s, a, o, i, t: _svc("submissions.rounds")(s, a, i)),
    "submissions.earliest_move_date": ("read", "submission", lambda s, a, o, i, t: _svc("submissions.earliest_move_date")(s, a, i)),
    "submissions.round_points": ("read", "submission", lambda s, a, o, i, t: _svc("submissions.round_points")(s, a, _round(s, o, i))),
    "submissions.round_progress": ("read", "submission", lambda s, a, o, i, t: _svc("submissions.round_progress")(s, a, _round(s, o, i))),
    "submissions.change_status": ("update", "submission", lambda s, a, o, i, t: _svc("submissions.change_status")(s, a, i, "submitted")),
    "submissions.resubmit": ("update", "submission", lambda s, a, o, i, t: (_svc("submissions.change_status")(s, o, i, "withdrawn"), _svc("submissions.resubmit")(s, a, i, _journal(s)))),
    "submissions.undo_move": ("update", "submission", lambda s, a, o, i, t: (_svc("submissions.change_status")(s, o, i, "submitted"), _svc("submissions.undo_move")(s, a, i, "submitted", "draft"))),
    "items.take_back_move": ("update", "submission", lambda s, a, o, i, t: (_svc("submissions.change_status")(s, o, i, "submitted"), _svc("items.take_back_move")(s, a, "submission", i, "submitted", "draft"))),
    "submissions.add_round": ("update", "submission", lambda s, a, o, i, t: _round(s, a, i)),
    "submissions.update_round": ("update", "submission", lambda s, a, o, i, t: _svc("submissions.update_round")(s, a, _round(s, o, i), due_on=_today())),
    "submissions.add_point": ("update", "submission", lambda s, a, o, i, t: _svc("submissions.add_point")(s, a, _round(s, o, i), "A point")),
    "submissions.update_point": ("update", "submission", lambda s, a, o, i, t: _svc("submissions.update_point")(s, a, _point(s, o, i), response="Done")),
    "submissions.step_point": ("update", "submission", lambda s, a, o, i, t: _svc("submissions.step_point")(s, a, _point(s, o, i), {"response": ""}, {"response": "Done"}, verb="redo")),
    "submissions.delete_point": ("update", "submission", lambda s, a, o, i, t: _svc("submissions.delete_point")(s, a, _point(s, o, i))),
    "submissions.reorder_points": ("update", "submission", lambda s, a, o, i, t: _reorder(s, a, o, i)),
    "submissions.restore_point": ("update", "submission", lambda s, a, o, i, t: _svc("submissions.restore_point")(s, a, _svc("submissions.delete_point")(s, o, _point(s, o, i)))),
    "submissions.remove_round": ("update", "submission", lambda s, a, o, i, t: _svc("submissions.remove_round")(s, a, _round(s, o, i))),
    "comments.withdraw_comment": ("comment", "abstract", lambda s, a, o, i, t: _svc("comments.withdraw_comment")(s, a, _svc("comments.add_comment")(s, a, "abstract", i, "A note").id)),
    "documents.response_letter": ("read", "submission", lambda s, a, o, i, t: (_round(s, o, i), _svc("documents.response_letter")(s, a, i))),
    "documents.export_response": ("read", "submission", lambda s, a, o, i, t: (_round(s, o, i), _svc("documents.export_response")(s, a, i, t / "response.docx"))),
    "submissions.manuscript_authors": ("read", "manuscript", lambda s, a, o, i, t: _svc("submissions.manuscript_authors")(s, a, i)),
    "submissions.manuscript_chains": ("read", "manuscript", lambda s, a, o, i, t: _svc("submissions.manuscript_chains")(s, a, i)),
    "submissions.set_manuscript_authors": ("update", "manuscript", lambda s, a, o, i, t: _svc("submissions.set_manuscript_authors")(s, a, i, [(o.person_id, True, False)])),
    "documents.publication_list": ("read", "fellow", lambda s, a, o, i, t: _svc("documents.publication_list")(s, a, i)),
    "documents.export_publication_list": ("read", "fellow", lambda s, a, o, i, t: _svc("documents.export_publication_list")(s, a, i, t / "pubs.docx")),
    "career.works_of": ("read", "fellow", lambda s, a, o, i, t: _svc("career.works_of")(s, a, i)),
    "career.build_cv": ("read", "fellow", lambda s, a, o, i, t: _svc("career.build_cv")(s, a, i)),
    "career.fellow_progress": ("read", "fellow", lambda s, a, o, i, t: _svc("career.fellow_progress")(s, a, i)),
    "career.with_requirements": ("read", "fellow", lambda s, a, o, i, t: _svc("career.with_requirements")(s, a, _svc("report.build_report")(s, a, fellow_ids=[i]))),
    "career.record_meeting": ("create", "meeting", lambda s, a, o, i, t: _svc("career.record_meeting")(s, a, o.person_id, _today(), notes="Talked", actions=[("Send the draft", _today())])),
    "career.add_action": ("update", "meeting", lambda s, a, o, i, t: _svc("career.add_action")(s, a, i, "Book the IRB meeting", _today())),
    "career.build_packet": ("read", "fellow", lambda s, a, o, i, t: _svc("career.build_packet")(s, a, i, _today() - dt.timedelta(days=30), _today())),
    "career.export_packet": ("read", "fellow", lambda s, a, o, i, t: _nothing_to_write(_svc("career.export_packet"), s, a, t / "packet.pdf", [i])),
    "mentor.mentee_summary": ("read", "fellow", lambda s, a, o, i, t: _svc("mentor.mentee_summary")(s, a, i)),
    "career.build_eras": ("read", "fellow", lambda s, a, o, i, t: _svc("career.build_eras")(s, a, i)),
    "career.export_eras": ("read", "fellow", lambda s, a, o, i, t: _nothing_to_write(_svc("career.export_eras"), s, a, i, t / "eras.txt")),
    "career.export_cv": ("read", "fellow", lambda s, a, o, i, t: _nothing_to_write(_svc("career.export_cv"), s, a, i, t / "cv.docx")),
    "citations.citations": ("read", "abstract", lambda s, a, o, i, t: _svc("citations.citations")(s, a, "abstract", i)),
    "citations.cite": ("update", "abstract", lambda s, a, o, i, t: _svc("citations.cite")(s, a, "abstract", i, [_reference(s)])),
    "citations.uncite": ("update", "abstract", lambda s, a, o, i, t: _svc("citations.uncite")(s, a, "abstract", i, _cited(s, o, i))),
    "manuscript_files.add_files": ("update", "manuscript", lambda s, a, o, i, t: _svc("manuscript_files.add_files")(s, a, "manuscript", i, [_draft_file(t)])),
    "manuscript_files.list_files": ("read", "manuscript", lambda s, a, o, i, t: (_attached(s, o, i, t), _svc("manuscript_files.list_files")(s, a, "manuscript", i))),
    "manuscript_files.get_file": ("read", "manuscript", lambda s, a, o, i, t: _svc("manuscript_files.get_file")(s, a, _attached(s, o, i, t))),
    "manuscript_files.save_copy": ("read", "manuscript", lambda s, a, o, i, t: _svc("manuscript_files.save_copy")(s, a, _attached(s, o, i, t), t / "copy.docx")),
    "manuscript_files.temporary_copy": ("read", "manuscript", lambda s, a, o, i, t: _svc("manuscript_files.temporary_copy")(s, a, _attached(s, o, i, t), t)),
    "manuscript_files.draft_counts": ("read", "manuscript", lambda s, a, o, i, t: _svc("manuscript_files.draft_counts")(s, a, _attached(s, o, i, t))),
    "manuscript_files.compare_versions": ("read", "manuscript", lambda s, a, o, i, t: _svc("manuscript_files.compare_versions")(s, a, _attached(s, o, i, t), _attached(s, o, i, t))),
    "manuscript_files.check_manuscript": ("read", "manuscript", lambda s, a, o, i, t: (_attached(s, o, i, t), _svc("manuscript_files.check_manuscript")(s, a, i))),
    "manuscript_files.check_if_possible": ("read", "manuscript", lambda s, a, o, i, t: _svc("manuscript_files.check_if_possible")(s, a, i)),
    "manuscript_files.sent_history": ("read", "manuscript", lambda s, a, o, i, t: _svc("manuscript_files.sent_history")(s, a, i)),
    "manuscript_files.build_package": ("read", "manuscript", lambda s, a, o, i, t: (_attached(s, o, i, t), _svc("manuscript_files.build_package")(s, a, i, t / "package.zip"))),
    "manuscript_files.remove_file": ("update", "manuscript", lambda s, a, o, i, t: _svc("manuscript_files.remove_file")(s, a, _attached(s, o, i, t))),
    "manuscript_files.restore_file": ("update", "manuscript", lambda s, a, o, i, t: _svc("manuscript_files.restore_file")(s, a, _svc("manuscript_files.remove_file")(s, o, _attached(s, o, i, t)))),
    "manuscript_files.add_files[project]": ("update", "project", lambda s, a, o, i, t: _svc("manuscript_files.add_files")(s, a, "project", i, [_draft_file(t)])),
    "manuscript_files.add_files[abstract]": ("update", "abstract", lambda s, a, o, i, t: _svc("manuscript_files.add_files")(s, a, "abstract", i, [_draft_file(t)])),
}  # fmt: skip


def _draft_file(tmp: Path) -> Path:
    from tests.manuscript_data import write_manuscript

    path = tmp / "draft.docx"
    return path if path.exists() else write_manuscript(path)


def _attached(s: Session, owner: Actor, manuscript: int, tmp: Path) -> int:
    add = _svc("manuscript_files.add_files")
    return int(add(s, owner, "manuscript", manuscript, [_draft_file(tmp)])[0].id)


# Journal limits: the journals are a shared catalog (fellows and directors maintain it).
JOURNAL_CALLS: Mapping[str, tuple[str, Callable[[Session, Actor, int], Any]]] = {
    "manuscript_files.journal_limits": ("read", lambda s, a, j: _svc("manuscript_files.journal_limits")(s, a, j)),
    "manuscript_files.set_journal_limits": ("update", lambda s, a, j: _svc("manuscript_files.set_journal_limits")(s, a, _svc("manuscript_files.JournalLimits")(j, "review", words=4000))),
    "styles.add": ("create", lambda s, a, j: _svc("styles.add")(s, a, _style_file(), "matrix-style")),
    "styles.remove": ("delete", lambda s, a, j: _svc("styles.remove")(s, a, _added_style(s))),
}  # fmt: skip


def _style_file() -> Path:
    from scholar_desk.core.formats import csl

    folder = Path(tempfile.mkdtemp())
    path = folder / "matrix.csl"
    path.write_bytes(csl.shipped_style_xml("vancouver"))
    return path


def _added_style(s: Session) -> str:
    s.add(m.CitationStyle(name="gone-style", title="Gone", xml="<style/>"))
    s.flush()
    return "gone-style"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(JOURNAL_CALLS))
def test_journal_limits_by_role(world: World, name: str, role: str) -> None:
    action, call = JOURNAL_CALLS[name]
    journal = world.target[("journal", "shared")]
    expected = action in EXPECTED[relation(world, role, "shared")]
    with scratch(world.library) as s:
        if expected:
            call(s, world.actors[role], journal)
        else:
            with pytest.raises(PermissionDeniedError):
                call(s, world.actors[role], journal)


def _journal(s: Session) -> int:
    return int(s.scalars(select(m.Journal.id)).first() or 0)


# The shared reference library: every write asks about the library (owner None) ----------

LIBRARY_BIB = (
    "@article{matrixlib, author = {Doe, Jane}, title = {A library record for the matrix},"
    " journal = {Pain}, year = {2020}, doi = {10.1000/matrix.lib}}\n"
)


def _library_file(tmp: Path) -> Path:
    path = tmp / "library.bib"
    path.write_text(LIBRARY_BIB, encoding="utf-8")
    return path


def _edit_reference(s: Session, a: Actor) -> Any:
    ref = _reference(s)
    version = references.get_reference(s, a, ref).version
    return references.update_reference(s, a, ref, version, {"title": "Changed"})


def _deleted_reference(s: Session) -> references.ReferenceSnapshot:
    """A reference deleted behind the services' back, as a delete's undo keeps it."""
    from scholar_desk.core.services.references.snapshots import _snapshot

    ref = _reference(s)
    kept = _snapshot(s, [ref])
    s.execute(delete(m.Reference).where(m.Reference.id == ref))
    return kept


def _block(s: Session) -> int:
    """A kept ``@string`` block, as an import stores it."""
    row = m.BibBlock(block_kind="string", text="@string{matrix = {Matrix}}", source="x.bib")
    s.add(row)
    s.flush()
    return row.id


def _merged(s: Session) -> references.MergeSummary:
    """A merge that kept one reference as it was (nothing merged away)."""
    from scholar_desk.core.services.references.snapshots import _snapshot

    ref = _reference(s)
    return references.MergeSummary(1, 0, (ref,), _snapshot(s, [ref]), {ref: 1})


REFERENCE_WRITES: Mapping[str, Callable[[Session, Actor, Path], Any]] = {
    "references.import_files": lambda s, a, t: references.import_files(s, a, [_library_file(t)]),
    "references.import_parsed": lambda s, a, t: references.import_parsed(s, a, references.read_files([_library_file(t)])),
    "references.merge_exact_duplicates": lambda s, a, t: (_reference(s, doi="10.1000/twin"), _reference(s, doi="10.1000/twin"), references.merge_exact_duplicates(s, a)),
    "references.update_reference": lambda s, a, t: _edit_reference(s, a),
    "references.set_tags": lambda s, a, t: references.set_tags(s, a, _reference(s), ["review"]),
    "references.delete_references": lambda s, a, t: references.delete_references(s, a, [_reference(s)]),
    "references.regenerate_keys": lambda s, a, t: references.regenerate_keys(s, a, [_reference(s)]),
    "references.restore_keys": lambda s, a, t: references.restore_keys(s, a, {_reference(s): "restored2020"}),
    "references.delete_references_undoably": lambda s, a, t: references.delete_references_undoably(s, a, [_reference(s)]),
    "references.restore_references": lambda s, a, t: references.restore_references(s, a, _deleted_reference(s)),
    "references.undo_import": lambda s, a, t: references.undo_import(s, a, references.ImportChanges(blocks=(_block(s),))),
    "references.undo_merge": lambda s, a, t: references.undo_merge(s, a, _merged(s)),
    "lookup.add_found": lambda s, a, t: _svc("lookup.add_found")(s, a, _lookup_outcome()),
    "lookup.store_notices": lambda s, a, t: _svc("lookup.store_notices")(s, a, _reference(s), _lookup_outcome().found[0][1].notices),
    "lookup.complete_reference": lambda s, a, t: _svc("lookup.complete_reference")(s, a, _reference(s), _lookup_outcome().found[0][1]),
    "bib_sync.follow": lambda s, a, t: bib_sync.follow(s, a, _library_file(t)),
    "bib_sync.unfollow": lambda s, a, t: (bib_sync.follow(s, a, _library_file(t)), bib_sync.unfollow(s, a, _library_file(t))),
    "bib_sync.sync": lambda s, a, t: bib_sync.sync(s, a, _library_file(t)),
    "bib_sync.undo_sync": lambda s, a, t: bib_sync.undo_sync(s, a, bib_sync.sync(s, a, _library_file(t)).changes),
}  # fmt: skip
"""Reference-library writes: fellows and directors may, mentors and no-login may not."""

LIBRARY_WRITERS = frozenset({"fellow_a", "fellow_b", "director"})


@pytest.mark.parametrize("role", ROLES)
def test_reference_library_writes_by_role(world: World, tmp_path: Path, role: str) -> None:
    actor = world.actors[role]
    for name, call in sorted(REFERENCE_WRITES.items()):
        with scratch(world.library) as s:
            if role in LIBRARY_WRITERS:
                call(s, actor, tmp_path)
            else:
                with pytest.raises(PermissionDeniedError):
                    call(s, actor, tmp_path)
                if "import" in name:
                    assert s.scalar(select(func.count()).select_from(m.Reference)) == 0


def _cited_by_both(s: Session, world: World) -> int:
    """A reference cited by fellow A's and fellow B's abstracts."""
    ref = _reference(s)
    for letter, role in (("a", "fellow_a"), ("b", "fellow_b")):
        _svc("citations.cite")(
            s, world.actors[role], "abstract", world.target[("abstract", letter)], [ref]
        )
    return ref


def _lookup_outcome() -> Any:
    """A lookup's result as the network part hands it over: one record with a retraction."""
    from scholar_desk.core.formats.lookup_records import Found, Notice
    from scholar_desk.core.formats.reference import ParsedReference
    from scholar_desk.core.services.lookup import Identifier, Outcome

    record = ParsedReference(title="Found by DOI", doi="10.1000/found", year=2020, pages="1-2")
    found = Found(record, [Notice("retraction", "10.1000/notice", None, "Crossref")])
    return Outcome(found=[(Identifier("doi", "10.1000/found", "10.1000/found"), found)])


REFERENCE_READS: Mapping[str, Callable[[Session, Actor, int, Path], Any]] = {
    "lookup.queued": lambda s, a, r, t: _svc("lookup.queued")(s, a),
    "references.first_screen": lambda s, a, r, t: references.first_screen(s, a, rows=5),
    "references.get_reference": lambda s, a, r, t: references.get_reference(s, a, r),
    "references.links_of": lambda s, a, r, t: references.links_of(s, a, r),
    "references.cited_by": lambda s, a, r, t: references.cited_by(s, a, [r]),
    "references.fetch_rows": lambda s, a, r, t: references.fetch_rows(s, a, [r]),
    "references.matching_ids": lambda s, a, r, t: references.matching_ids(s, a, "cited"),
    "references.dropped_ids": lambda s, a, r, t: references.dropped_ids(s, a, "cite", "ci", 9),
    "references.export_bib": lambda s, a, r, t: references.export_bib(s, a, t / "all.bib"),
    "bib_sync.followed": lambda s, a, r, t: bib_sync.followed(s, a),
}  # fmt: skip
"""Readers of the shared library: every account reads; signed out, nobody does."""


@pytest.mark.parametrize("role", ROLES)
def test_reference_readers_by_role(world: World, tmp_path: Path, role: str) -> None:
    actor = world.actors[role]
    for name, call in sorted(REFERENCE_READS.items()):
        with scratch(world.library) as s:
            ref = _cited_by_both(s, world)
            if role == "no_login":
                with pytest.raises(PermissionDeniedError):
                    call(s, actor, ref, tmp_path)
                continue
            result = call(s, actor, ref, tmp_path)
            shown = leaks_in(result, secrets_for(s, world, role))
            assert not shown, f"{name} showed {role}: {shown[:5]}"


@pytest.mark.parametrize("role", ROLES)
def test_cited_by_lists_only_what_the_viewer_reads(world: World, role: str) -> None:
    actor = world.actors[role]
    with scratch(world.library) as s:
        ref = _cited_by_both(s, world)
        if role == "no_login":
            with pytest.raises(PermissionDeniedError):
                references.links_of(s, actor, ref)
            return
        seen = {link.target_id for link in references.links_of(s, actor, ref)}
        expected = {
            world.target[("abstract", letter)]
            for letter in ("a", "b")
            if "read" in EXPECTED[relation(world, role, letter)]
        }
        assert seen == expected


@pytest.mark.parametrize("role", ROLES)
def test_export_by_project_needs_a_readable_project(
    world: World, tmp_path: Path, role: str
) -> None:
    for letter in ("a", "b"):
        project = world.target[("project", letter)]
        out = tmp_path / f"p-{letter}.bib"  # an export never replaces a file
        with scratch(world.library) as s:
            if "read" in EXPECTED[relation(world, role, letter)]:
                references.export_bib(s, world.actors[role], out, project_id=project)
                continue
            with pytest.raises(denial(world, role, letter)) as refused:
                references.export_bib(s, world.actors[role], out, project_id=project)
            if role != "no_login":
                with pytest.raises(NotFoundError) as missing:
                    references.export_bib(s, world.actors[role], out, project_id=99999)
                assert refused.value.user_message == missing.value.user_message.replace(
                    "99999", str(project)
                )


@pytest.mark.parametrize("role", ["fellow_a", "director"])
def test_deleting_or_merging_what_another_fellow_cites(world: World, role: str) -> None:
    """A fellow may not delete or merge away a reference another fellow cites; a director may."""
    actor = world.actors[role]
    with scratch(world.library) as s:
        ref = _cited_by_both(s, world)
        mine_only = _reference(s)
        _svc("citations.cite")(
            s, world.actors["fellow_a"], "abstract", world.target[("abstract", "a")], [mine_only]
        )
        if role == "director":
            assert references.delete_references(s, actor, [ref, mine_only]) == 2
            return
        with pytest.raises(PermissionDeniedError, match="1 of the 2 selected references"):
            references.delete_references(s, actor, [ref, mine_only])
        assert references.delete_references(s, actor, [mine_only]) == 1
        twin = _reference(s, doi="10.1000/shared")
        s.get_one(m.Reference, ref).doi = "10.1000/shared"
        s.get_one(m.Reference, ref).title = ""  # the twin keeps more fields: ref is merged away
        s.flush()
        with pytest.raises(PermissionDeniedError, match="cited by other fellows"):
            references.merge_exact_duplicates(s, actor)
        assert s.get(m.Reference, twin) is not None


@pytest.mark.parametrize("role", ROLES)
def test_reference_import_dry_run_needs_only_read(world: World, tmp_path: Path, role: str) -> None:
    """A dry run writes nothing: a mentor may try one; without a login nobody may."""
    actor = world.actors[role]
    with scratch(world.library) as s:
        if role == "no_login":
            with pytest.raises(PermissionDeniedError):
                references.import_files(s, actor, [_library_file(tmp_path)], dry_run=True)
        else:
            report = references.import_files(s, actor, [_library_file(tmp_path)], dry_run=True)
            assert report.imported == 1
        assert s.scalar(select(func.count()).select_from(m.Reference)) == 0


@pytest.mark.parametrize("letter", ["a", "b"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(OTHER_CALLS))
def test_other_service_matrix(
    world: World, tmp_path: Path, name: str, role: str, letter: str
) -> None:
    action, target_kind, call = OTHER_CALLS[name]
    try:
        _svc(name)
    except (ImportError, AttributeError):
        pytest.skip(f"{name} is not there")
    owner = world.actors["fellow_a" if letter == "a" else "fellow_b"]
    if target_kind == "fellow":
        target = world.person[letter]
        # A fellow's publication list: read like the fellow's own records.
        expected = action in EXPECTED[relation(world, role, letter)]
    else:
        target = world.target[(target_kind, letter)]
        expected = action in expected_actions(world, target_kind, role, letter)
    with scratch(world.library) as s:
        if expected:
            call(s, world.actors[role], owner, target, tmp_path)
        else:
            with pytest.raises(denial(world, role, letter)):
                call(s, world.actors[role], owner, target, tmp_path)


# Coverage -------------------------------------------------------------------------------

EXEMPT: Mapping[str, str] = {
    "items.audit": "writes the audit trail for a change its caller already checked",
    "references.require_read": "the rule itself, checked by test_reference_readers_by_role",
    "references.refuse_if_cited_by_others": "checked by test_deleting_or_merging_what_another_fellow_cites",
    "items.label_for": "a label as the actor may see it; checked by the leak tests above",
    "items.check_links": "the link rule itself, checked by test_links_point_only_at_changeable",
    "permissions.current": "the account as it is now, used by every check above",
    "permissions.may_link": "the link rule, checked by test_links_point_only_at_changeable",
    "permissions.allowed": "the rule itself, checked against EXPECTED by every row above",
    "permissions.require": "the rule itself, checked against EXPECTED by every row above",
    "permissions.refusal": "says why allowed() is False; tests/unit/test_permission_refusals.py",
    "report.find_fellow": "looks a fellow up by name among those the actor may read",
    "deadline_calendar.export_calendar": "writes all_deadlines(), checked for visibility above",
    "template_export.export_slide_template": "reads a conference only; every role reads conferences",
    "template_export.find_conference": "looks a conference up; every role reads conferences",
    "template_export.poster_rules_of": "reads a conference only; every role reads conferences",
    "abstract_steps.step": "reads and writes through get_abstract_detail and save_sections",
    "items.step_item": "reads and writes through get_item and update_item",
    "export_logos.add_logo": "the actor's own export logos; test_export_logos_are_each_users_own",
    "export_logos.add_logo_data": "as add_logo",
    "export_logos.put_back": "as add_logo",
    "export_logos.remove_logo": "as add_logo: another user's logo is not found",
}
"""Service functions that take an actor but need no matrix row, with the reason."""


def service_functions() -> dict[str, Callable[..., Any]]:
    """Public functions in core/services whose parameters start ``session, actor``."""
    out: dict[str, Callable[..., Any]] = {}
    path = Path(services_pkg.__file__).parent
    for info in pkgutil.iter_modules([str(path)]):
        # A module that fails to import fails here: its functions would go unchecked.
        module = importlib.import_module(f"{services_pkg.__name__}.{info.name}")
        # A package that loads its parts on first use lists them in __all__: take them all,
        # so what is covered does not depend on what an earlier test happened to load.
        names = [*vars(module), *getattr(module, "__all__", ())]
        for name, fn in ((n, getattr(module, n, None)) for n in dict.fromkeys(names)):
            if (
                name.startswith("_")
                or not inspect.isfunction(fn)
                # A package's functions live in its modules; its __init__ names them.
                or not (fn.__module__ + ".").startswith(module.__name__ + ".")
            ):
                continue
            params = list(inspect.signature(fn).parameters)
            if len(params) >= 2 and params[0] == "session" and params[1] == "actor":
                out[f"{info.name}.{name}"] = fn
    return out


COVERED_BY_ITEM_MATRIX = frozenset(
    {
        "items.get_item",
        "items.list_items",
        "items.create_item",
        "items.update_item",
        "items.delete_item",
        "items.restore_item",
        "comments.add_comment",
        "comments.list_comments",
        "comments.resolve_comment",
        "comments.mark_seen",
        "comments.unresolved_counts",
        "audit.history",
        "mentor.mentee_people",
        "listing.list_kind",
        "accounts.change_password",
        "sign_in_tokens.issue",
    }
)


def test_every_service_function_is_covered() -> None:
    covered = (
        COVERED_BY_ITEM_MATRIX
        | set(ADMIN_CALLS)
        | set(OTHER_CALLS)
        | set(zero_argument_readers())
        | set(REFERENCE_WRITES)
        | set(REFERENCE_READS)
        | set(JOURNAL_CALLS)
        | {name.partition("[")[0] for name in OTHER_CALLS}
        | set(EXEMPT)
    )
    missing = sorted(set(service_functions()) - covered)
    assert not missing, (
        "these service functions take an actor but are not in the permissions matrix "
        f"(tests/unit/test_permissions_matrix.py): {missing}"
    )


def test_single_user_has_full_control_before_login(tmp_path: Path) -> None:
    with Library.open(tmp_path / "solo.sqlite3") as library, library.transaction() as s:
        for n, kind in enumerate(kinds.KINDS.values()):
            raw = sample_values(s, SINGLE_USER, kind, None, n)
            record = items.create_item(s, SINGLE_USER, kind.name, raw)
            items.update_item(s, SINGLE_USER, kind.name, record.id, {_text_field(kind): "x"})
            comments.add_comment(s, SINGLE_USER, kind.name, record.id, "note")
        assert audit.query(s, SINGLE_USER)
        accounts.create_account(s, SINGLE_USER, "first", "password123", "fellow")
        assert accounts.list_accounts(s, SINGLE_USER)[0].role == "director"


# The audit trail has no gaps ---------------------------------------------------------------

ITEM_WRITERS: Mapping[str, str] = {
    "create": "items.create_item",
    "update": "items.update_item",
    "delete": "items.delete_item",
    "comment": "comments.add_comment",
    "resolve": "comments.resolve_comment",
}


def _matrix_writes(world: World, tmp: Path) -> dict[str, Callable[[Session], Any]]:
    """Every write the matrix above knows, each as a role the matrix lets make it."""
    fa, boss = world.actors["fellow_a"], world.actors["director"]
    calls: dict[str, Callable[[Session], Any]] = {}
    for kind in kinds.KINDS.values():
        letter, role = ("a", "fellow_a") if kind.owned else ("shared", "director")
        for action, fn_name in ITEM_WRITERS.items():
            calls[f"{fn_name}[{kind.name}]"] = (
                lambda s, kind=kind, letter=letter, role=role, action=action: run_action(  # type: ignore[misc]
                    world, s, world.actors[role], kind, letter, action
                )
            )
        calls[f"items.restore_item[{kind.name}]"] = lambda s, kind=kind, letter=letter, role=role: (
            items.restore_item(  # type: ignore[misc]
                s,
                world.actors[role],
                items.delete_item(
                    s, world.actors[role], kind.name, world.target[(kind.name, letter)]
                ),
            )
        )
    for name, (action, target_kind, call) in OTHER_CALLS.items():
        if action == "read":
            continue
        target = world.person["a"] if target_kind == "fellow" else world.target[(target_kind, "a")]
        calls[name] = lambda s, call=call, target=target: call(s, fa, fa, target, tmp)  # type: ignore[misc]
    for name, ref_call in REFERENCE_WRITES.items():
        calls[name] = lambda s, ref_call=ref_call: ref_call(s, fa, tmp)  # type: ignore[misc]
    journal = world.target[("journal", "shared")]
    for name, (action, journal_call) in JOURNAL_CALLS.items():
        if action != "read":
            calls[name] = lambda s, journal_call=journal_call: journal_call(s, boss, journal)  # type: ignore[misc]
    for name, admin_call in ADMIN_CALLS.items():
        calls[name] = lambda s, admin_call=admin_call: admin_call(s, boss, world)  # type: ignore[misc]
    calls["accounts.change_password"] = lambda s: accounts.change_password(
        s, fa, "password123", "password789"
    )
    calls["comments.mark_seen"] = lambda s: comments.mark_seen(s, fa)
    return calls


def _counts(s: Session) -> tuple[int, int]:
    s.flush()
    raw: Any = s.connection().connection.driver_connection
    return int(raw.total_changes), int(
        s.scalar(select(func.count()).select_from(m.AuditEvent)) or 0
    )


def test_every_write_the_matrix_knows_leaves_an_audit_event(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each service function the matrix calls is watched while it runs (the real function,
    only counted): a call that changed any row must have added to the audit trail."""
    calls = _matrix_writes(world, tmp_path)
    names = {name.partition("[")[0] for name in calls} | set(service_functions())
    seen: list[tuple[str, int, int]] = []
    for name in sorted(names):
        module_name, _, fn_name = name.partition(".")
        module = importlib.import_module(f"scholar_desk.core.services.{module_name}")
        real = getattr(module, fn_name, None)
        if real is None or name in EXEMPT:
            continue

        def watched(
            session: Session, *args: Any, __real: Any = real, __name: str = name, **kw: Any
        ) -> Any:
            before_rows, before_audit = _counts(session)
            result = __real(session, *args, **kw)
            after_rows, after_audit = _counts(session)
            seen.append(
                (
                    __name,
                    after_rows - before_rows - (after_audit - before_audit),
                    after_audit - before_audit,
                )
            )
            return result

        monkeypatch.setattr(module, fn_name, watched)
    gaps: set[str] = set()
    writers: set[str] = set()
    for call_name, call in sorted(calls.items()):
        seen.clear()
        with scratch(world.library) as s:
            call(s)
        for name, rows, events in seen:
            if rows > 0:
                writers.add(name)
                if events == 0:
                    gaps.add(f"{name} (called by {call_name})")
    assert not gaps, f"these wrote records without an audit event: {sorted(gaps)}"
    # The watch saw the writes it should: every matrix write function changed something.
    expected = {n.partition("[")[0] for n in calls} - set(ADMIN_CALLS) - {"comments.mark_seen"}
    assert expected <= writers, f"never seen writing: {sorted(expected - writers)}"
