"""Accounts: first-account director, login on at two, argon2id, lockout delay, idle timing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from scholar_desk.core.services import accounts, items
from scholar_desk.core.services.session import SINGLE_USER

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class FakeClock:
    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def fake_clock() -> FakeClock:
    fake = FakeClock()
    clock.set_clock(fake)
    return fake


def _two_accounts(library: Library) -> None:
    with library.transaction() as s:
        accounts.create_account(s, SINGLE_USER, "alice", "correct horse", "fellow")
        accounts.create_account(s, SINGLE_USER, "bob", "battery staple", "fellow")


def _attempt(library: Library, user: str, password: str) -> accounts.LoginResult:
    with library.transaction() as s:
        return accounts.try_login(s, user, password)


def test_new_database_is_single_user(library: Library) -> None:
    with library.reading() as s:
        assert not accounts.login_required(s)


def test_first_account_is_director_and_second_turns_login_on(library: Library) -> None:
    with library.transaction() as s:
        first = accounts.create_account(s, SINGLE_USER, "alice", "correct horse", "fellow")
        assert first.role == "director"
        assert not accounts.login_required(s)
        second = accounts.create_account(s, SINGLE_USER, "bob", "battery staple", "fellow")
        assert second.role == "fellow"
        assert accounts.login_required(s)


def test_single_user_loses_control_once_login_is_on(library: Library) -> None:
    _two_accounts(library)
    with library.transaction() as s:
        with pytest.raises(PermissionDeniedError, match="sign in"):
            items.create_item(s, SINGLE_USER, "journal", {"name": "J"})
        with pytest.raises(PermissionDeniedError):
            accounts.create_account(s, SINGLE_USER, "carol", "password123", "mentor")
        assert items.list_items(s, SINGLE_USER, "project") == []


def test_password_is_stored_as_argon2id_and_never_returned(library: Library) -> None:
    with library.transaction() as s:
        info = accounts.create_account(s, SINGLE_USER, "alice", "correct horse", "fellow")
        row = s.get_one(m.Account, info.id)
        assert row.password_hash.startswith("$argon2id$")
        assert "correct horse" not in row.password_hash
        assert "password_hash" not in info.to_json()
        assert "correct horse" not in repr(info)
        events = s.scalars(select(m.AuditEvent)).all()
        assert all("correct horse" not in (e.new_value or "") for e in events)


def test_login_success_and_wrong_password(library: Library, fake_clock: FakeClock) -> None:
    _two_accounts(library)
    good = _attempt(library, "ALICE", "correct horse")
    assert good.ok
    assert good.actor is not None
    assert good.actor.role == "director"
    bad = _attempt(library, "alice", "wrong")
    assert not bad.ok
    assert bad.message == "Wrong user name or password."
    unknown = _attempt(library, "nobody", "correct horse")
    assert unknown.message == bad.message
    with pytest.raises(AuthenticationError):
        bad.actor_or_raise()
    with library.reading() as s, pytest.raises(AuthenticationError):
        accounts.login(s, "alice", "wrong")
    with library.reading() as s:
        assert accounts.get_account(s, good.actor, "alice").last_login_at == T0


def test_lockout_delay_grows_and_ends(library: Library, fake_clock: FakeClock) -> None:
    _two_accounts(library)
    assert _attempt(library, "bob", "x1").retry_after == 0
    assert _attempt(library, "bob", "x2").retry_after == 0
    third = _attempt(library, "bob", "x3")
    assert third.retry_after == 5
    # While locked even the right password is refused, and the attempt is not counted.
    locked = _attempt(library, "bob", "battery staple")
    assert not locked.ok
    assert "try again in 5 seconds" in locked.message
    fake_clock.advance(seconds=5)
    fourth = _attempt(library, "bob", "x4")
    assert fourth.retry_after == 10
    fake_clock.advance(seconds=10)
    assert _attempt(library, "bob", "x5").retry_after == 20
    fake_clock.advance(seconds=20)
    assert _attempt(library, "bob", "battery staple").ok
    # A good login resets the count.
    assert _attempt(library, "bob", "x6").retry_after == 0


def test_lockout_delay_is_capped() -> None:
    assert accounts.lockout_delay(2) == dt.timedelta(0)
    assert accounts.lockout_delay(3) == dt.timedelta(seconds=5)
    assert accounts.lockout_delay(100) == dt.timedelta(minutes=15)


def test_director_reset_clears_lockout(library: Library, fake_clock: FakeClock) -> None:
    _two_accounts(library)
    for n in range(4):
        _attempt(library, "bob", f"bad{n}")
    director = _attempt(library, "alice", "correct horse").actor
    assert director is not None
    with library.transaction() as s:
        accounts.set_password(s, director, "bob", "new password 1")
    assert _attempt(library, "bob", "new password 1").ok


def test_change_password_checks_old_one(library: Library) -> None:
    _two_accounts(library)
    bob = _attempt(library, "bob", "battery staple").actor
    assert bob is not None
    with library.transaction() as s, pytest.raises(AuthenticationError):
        accounts.change_password(s, bob, "wrong", "another password")
    with library.transaction() as s, pytest.raises(ValidationError):
        accounts.change_password(s, bob, "battery staple", "short")
    with library.transaction() as s:
        accounts.change_password(s, bob, "battery staple", "another password")
    assert not _attempt(library, "bob", "battery staple").ok
    assert _attempt(library, "bob", "another password").ok


def test_fellow_cannot_manage_accounts(library: Library) -> None:
    _two_accounts(library)
    bob = _attempt(library, "bob", "battery staple").actor
    assert bob is not None
    with library.transaction() as s:
        with pytest.raises(PermissionDeniedError):
            accounts.list_accounts(s, bob)
        with pytest.raises(PermissionDeniedError):
            accounts.set_password(s, bob, "alice", "hijacked!!")
        with pytest.raises(PermissionDeniedError):
            accounts.set_idle_minutes(s, bob, 5)
        assert accounts.get_account(s, bob, "bob").username == "bob"


def test_last_director_cannot_be_demoted(library: Library) -> None:
    _two_accounts(library)
    alice = _attempt(library, "alice", "correct horse").actor
    assert alice is not None
    with library.transaction() as s, pytest.raises(ValidationError, match="director"):
        accounts.update_account(s, alice, "alice", role="fellow")
    with library.transaction() as s:
        accounts.update_account(s, alice, "bob", role="director")
        accounts.update_account(s, alice, "alice", role="mentor")


def test_inactive_account_cannot_log_in(library: Library) -> None:
    _two_accounts(library)
    alice = _attempt(library, "alice", "correct horse").actor
    assert alice is not None
    with library.transaction() as s:
        accounts.update_account(s, alice, "bob", active=False)
    refused = _attempt(library, "bob", "battery staple")
    assert not refused.ok
    assert refused.message == "This account is disabled. Ask a director to enable it."
    # A wrong password does not reveal that the account exists and is disabled.
    assert _attempt(library, "bob", "not it at all").message == "Wrong user name or password."


def test_duplicate_and_bad_names_rejected(library: Library) -> None:
    with library.transaction() as s:
        accounts.create_account(s, SINGLE_USER, "alice", "correct horse", "fellow")
        with pytest.raises(ValidationError, match="already"):
            accounts.create_account(s, SINGLE_USER, "Alice", "correct horse", "fellow")
        with pytest.raises(ValidationError):
            accounts.create_account(s, SINGLE_USER, "bad name", "correct horse", "fellow")
        with pytest.raises(ValidationError, match="role"):
            accounts.create_account(s, SINGLE_USER, "carol", "correct horse", "boss")


def test_mentor_assignment(library: Library) -> None:
    with library.transaction() as s:
        fellow = items.create_item(
            s, SINGLE_USER, "person", {"given_name": "F", "family_name": "One"}
        )
        accounts.create_account(s, SINGLE_USER, "dir", "password123", "director")
        accounts.create_account(s, SINGLE_USER, "men", "password123", "mentor")
    director = _attempt(library, "dir", "password123").actor
    assert director is not None
    with library.transaction() as s:
        with pytest.raises(ValidationError, match="not a mentor"):
            accounts.assign_mentor(s, director, "dir", fellow.id)
        info = accounts.assign_mentor(s, director, "men", fellow.id)
        again = accounts.assign_mentor(s, director, "men", fellow.id)
        assert info.mentees == again.mentees == (fellow.id,)
        assert accounts.unassign_mentor(s, director, "men", fellow.id).mentees == ()
        with pytest.raises(NotFoundError):
            accounts.assign_mentor(s, director, "ghost", fellow.id)


def test_demo_accounts(library: Library) -> None:
    with library.transaction() as s:
        people = [
            items.create_item(s, SINGLE_USER, "person", {"given_name": n, "family_name": "X"}).id
            for n in ("a", "b", "c", "d")
        ]
        made = accounts.create_demo_accounts(s, *people)
        assert {a.username: a.role for a in made} == {
            "director": "director",
            "mentor": "mentor",
            "fellow1": "fellow",
            "fellow2": "fellow",
        }
        assert made[1].mentees == (people[0], people[1])
        with pytest.raises(PermissionDeniedError):
            accounts.create_demo_accounts(s, *people)
    for name in ("fellow1", "fellow2", "mentor", "director"):
        assert _attempt(library, name, "demo").ok


def test_idle_minutes_setting(library: Library) -> None:
    with library.transaction() as s:
        assert accounts.idle_minutes(s) == 15
        accounts.set_idle_minutes(s, SINGLE_USER, 30)
        assert accounts.idle_minutes(s) == 30
        with pytest.raises(ValidationError):
            accounts.set_idle_minutes(s, SINGLE_USER, 31)
        with pytest.raises(ValidationError):
            accounts.set_idle_minutes(s, SINGLE_USER, 0)


def test_idle_timer_locks_after_minutes_and_input_postpones(fake_clock: FakeClock) -> None:
    timer = accounts.IdleTimer(15)
    fake_clock.advance(minutes=14, seconds=59)
    assert not timer.due()
    timer.touch()
    fake_clock.advance(minutes=14)
    assert not timer.due()
    assert timer.seconds_left() == 60
    fake_clock.advance(minutes=1)
    assert timer.due()
    # Input while locked does not unlock or restart the count.
    timer.touch()
    assert timer.due()
    timer.unlock()
    assert not timer.due()
    fake_clock.advance(minutes=15)
    assert timer.due()
