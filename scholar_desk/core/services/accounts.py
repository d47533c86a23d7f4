"""Accounts, login and roles on a shared machine.

A new database has no accounts and runs in single-user mode. The first account made
is always the director; making a second one turns login on for everyone. Passwords are
stored only as argon2id hashes and never appear in messages, logs or audit values.

Repeated wrong passwords lock an account for a growing delay (``locked_until``), read
from the replaceable clock so tests can move time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.db.models import Account, AppSetting, MentorAssignment, Person
from scholar_desk.core.errors import (
    AuthenticationError,
    BusyError,
    DatabaseError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from scholar_desk.core.records import Role
from scholar_desk.core.services import permissions, sign_in_tokens
from scholar_desk.core.services.items import audit
from scholar_desk.core.services.session import Actor

MIN_PASSWORD_LENGTH = 8
FREE_ATTEMPTS = 2
"""Wrong passwords allowed before the account starts to lock."""
FIRST_DELAY_SECONDS = 5
MAX_DELAY_SECONDS = 15 * 60
IDLE_MINUTES_DEFAULT = 15
IDLE_MINUTES_MAX = 30
IDLE_SETTING = "idle_lock_minutes"
DEMO_PASSWORD = "demo"  # documented in docs/security.md: demo databases only

_WRONG = "Wrong user name or password."
DISABLED_MESSAGE = "This account is disabled. Ask a director to enable it."
_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 defaults
# Verified against when the user name is unknown, so both paths cost the same time.


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the user name is unknown, so both take as long.

    Made on first use, not at import: hashing takes a noticeable part of a second, and
    most commands on a single-user database never sign anybody in.
    """
    return _hasher.hash("not a real password")


@dataclass(frozen=True)
class AccountInfo:
    """An account as the window and the CLI show it (never the hash).

    Attributes:
        id: Account id.
        username: Login name.
        role: ``fellow``, ``mentor`` or ``director``.
        person_id: The linked Person, if any.
        person_name: That person's display name.
        active: Whether the account may log in.
        failed_logins: Wrong passwords since the last good login.
        locked_until: When a lockout ends, if locked.
        last_login_at: The last successful login.
        mentees: People ids of the fellows assigned to a mentor.
    """

    id: int
    username: str
    role: str
    person_id: int | None
    person_name: str
    active: bool
    failed_logins: int
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None
    mentees: tuple[int, ...] = ()

    def to_json(self) -> dict[str, object]:
        """Return a JSON-ready dict with the model's field names."""
        return {
            "id": self.id,
            "username": self.username,
            "role": self.role,
            "person_id": self.person_id,
            "person_name": self.person_name,
            "active": self.active,
            "failed_logins": self.failed_logins,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
            "last_login_at": self.last_login_at.isoformat() if self.last_login_at else None,
            "mentees": list(self.mentees),
        }


@dataclass(frozen=True)
class LoginResult:
    """The outcome of one login attempt.

    The attempt's bookkeeping (failure count, lockout) is written to the session, so
    front ends commit the unit of work first and then call `actor_or_raise`.

    Attributes:
        actor: The signed-in actor, or ``None`` when the attempt failed.
        message: Why it failed (safe to show: never says which half was wrong).
        retry_after: Seconds until the account accepts another attempt (0 if now).
    """

    actor: Actor | None
    message: str = ""
    retry_after: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the login succeeded."""
        return self.actor is not None

    def actor_or_raise(self) -> Actor:
        """Return the actor.

        Raises:
            AuthenticationError: The attempt failed.
        """
        if self.actor is None:
            raise AuthenticationError(self.message or _WRONG)
        return self.actor


# Mode -----------------------------------------------------------------------------------


def account_count(session: Session) -> int:
    """How many accounts exist (active or not)."""
    return int(session.scalar(select(func.count()).select_from(Account)) or 0)


def login_required(session: Session) -> bool:
    """Whether the database has two or more accounts, which turns login on."""
    return account_count(session) >= 2


# Login ----------------------------------------------------------------------------------


def lockout_delay(failures: int) -> dt.timedelta:
    """How long an account stays locked after ``failures`` wrong passwords in a row.

    The first `FREE_ATTEMPTS` cost nothing; then 5 s, 10 s, 20 s... doubling up to
    15 minutes.
    """
    extra = failures - FREE_ATTEMPTS
    if extra <= 0:
        return dt.timedelta(0)
    seconds = FIRST_DELAY_SECONDS * 2 ** min(extra - 1, 20)
    return dt.timedelta(seconds=min(seconds, MAX_DELAY_SECONDS))


def try_login(session: Session, username: str, password: str) -> LoginResult:
    """Check a password and record the attempt; never raises for a wrong password.

    Args:
        session: A unit of work that may write (the attempt is recorded).
        username: The login name (case-insensitive).
        password: The password typed.

    Returns:
        The actor on success; otherwise a message and the seconds until a retry.
    """
    account = _find(session, username)
    if account is None:
        _verify(_dummy_hash(), password)
        return LoginResult(None, _WRONG)
    if not account.active:
        # Only someone who knows the password learns that the account exists but is off.
        verified = _verify(account.password_hash, password)
        return LoginResult(None, DISABLED_MESSAGE if verified else _WRONG)
    now = clock.now()
    if account.locked_until is not None and account.locked_until > now:
        wait = (account.locked_until - now).total_seconds()
        return LoginResult(None, _locked_message(wait), wait)
    if not _verify(account.password_hash, password):
        account.failed_logins = (account.failed_logins or 0) + 1
        delay = lockout_delay(account.failed_logins)
        if delay:
            account.locked_until = now + delay
            return LoginResult(
                None, f"{_WRONG} {_locked_message(delay.total_seconds())}", delay.total_seconds()
            )
        return LoginResult(None, _WRONG)
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = now
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    session.flush()
    return LoginResult(actor_of(account))


def sign_in(library: Library, username: str, password: str) -> LoginResult:
    """Check a password without taking the write lock for a successful sign-in.

    The password is checked in a read-only unit of work, so signing in never waits
    behind another program's import. A failed attempt (and any lockout) is then
    recorded in a normal write; the time of a successful sign-in in a short separate
    write that is skipped quietly when the database is busy.

    Args:
        library: The open database.
        username: The login name (case-insensitive).
        password: The password typed.

    Returns:
        The actor on success; otherwise a message and the seconds until a retry.

    Raises:
        BusyError: A failed attempt could not be recorded (the database stayed busy).
    """
    with library.reading() as session:
        account = _find(session, username)
        found = account is not None and account.active
        disabled = account is not None and not account.active
        account_id = account.id if account is not None else None
        locked_until = account.locked_until if account is not None else None
        password_hash = account.password_hash if account is not None else _dummy_hash()
        actor = actor_of(account) if account is not None else None
    now = clock.now()
    if disabled:
        # Only someone who knows the password learns that the account exists but is off.
        verified = _verify(password_hash, password)
        return LoginResult(None, DISABLED_MESSAGE if verified else _WRONG)
    if not found or account_id is None or actor is None:
        _verify(_dummy_hash(), password)
        return LoginResult(None, _WRONG)
    if locked_until is not None and locked_until > now:
        wait = (locked_until - now).total_seconds()
        return LoginResult(None, _locked_message(wait), wait)
    if not _verify(password_hash, password):
        with library.transaction() as session:
            return try_login(session, username, password)
    try:
        with library.brief_transaction() as session:
            row = session.get(Account, account_id)
            if row is not None:
                row.failed_logins = 0
                row.locked_until = None
                row.last_login_at = now
                if _hasher.check_needs_rehash(row.password_hash):
                    row.password_hash = _hasher.hash(password)
    except (BusyError, DatabaseError):
        pass  # bookkeeping only: a busy or read-only database must not stop a sign-in
    return LoginResult(actor)


def login(session: Session, username: str, password: str) -> Actor:
    """Check a password and return the actor for the account.

    A failed attempt is recorded in ``session`` but raising rolls that back inside a
    ``library.transaction()``; front ends therefore call `try_login`, let the unit of
    work commit, and then `LoginResult.actor_or_raise`.

    Raises:
        AuthenticationError: Unknown user, wrong password, or a locked account.
    """
    return try_login(session, username, password).actor_or_raise()


def actor_of(account: Account) -> Actor:
    """The actor for an account row."""
    return Actor(
        username=account.username,
        role=Role(account.role),
        account_id=account.id,
        person_id=account.person_id,
    )


def _locked_message(seconds: float) -> str:
    wait = max(1, round(seconds))
    unit = "second" if wait == 1 else "seconds"
    if wait >= 120:
        wait, unit = round(wait / 60), "minutes"
    return f"Too many wrong passwords: try again in {wait} {unit}."


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _find(session: Session, username: str) -> Account | None:
    name = username.strip().lower()
    return session.scalar(select(Account).where(func.lower(Account.username) == name))


def _hash_new(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError({"password": f"Use at least {MIN_PASSWORD_LENGTH} characters."})
    return _hasher.hash(password)


# Managing accounts ----------------------------------------------------------------------


def _require_manager(session: Session, actor: Actor) -> None:
    """Directors manage accounts; before login is on, so does the single user."""
    if login_required(session):
        now = permissions.current(session, actor)
        if now is None or now.role != Role.DIRECTOR:
            raise PermissionDeniedError(
                f"Only a director may manage accounts; {actor.username} is not one."
            )
        return
    permissions.require(session, actor, permissions.MANAGE, permissions.ACCOUNT, None)


def create_account(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    person_id: int | None = None,
) -> AccountInfo:
    """Create an account. The first account of a database is always the director.

    Args:
        session: The unit of work.
        actor: Who creates it (a director once login is on).
        username: Login name: letters, digits, dot, dash or underscore.
        password: At least `MIN_PASSWORD_LENGTH` characters.
        role: ``fellow``, ``mentor`` or ``director`` (ignored for the first account).
        person_id: The Person the account stands for (a fellow's own records).

    Raises:
        ValidationError: A field is unusable; nothing is written.
        PermissionDeniedError: The actor may not manage accounts.
    """
    _require_manager(session, actor)
    return _insert_account(session, actor, username, _hash_new(password), role, person_id)


def _insert_account(
    session: Session,
    actor: Actor,
    username: str,
    password_hash: str,
    role: str,
    person_id: int | None,
) -> AccountInfo:
    errors: dict[str, str] = {}
    name = username.strip()
    if not name or len(name) > 60 or not all(c.isalnum() or c in "._-" for c in name):
        errors["username"] = "Use 1-60 letters, digits, dots, dashes or underscores."
    elif _find(session, name) is not None:
        errors["username"] = f"There is already an account named {name}."
    if account_count(session) == 0:
        role = Role.DIRECTOR.value
    if role not in {r.value for r in Role}:
        errors["role"] = "Choose one of: fellow, mentor, director."
    if person_id is not None and session.get(Person, person_id) is None:
        errors["person_id"] = f"There is no person with id {person_id}."
    if errors:
        raise ValidationError(errors)
    account = Account(
        username=name,
        role=role,
        password_hash=password_hash,
        person_id=person_id,
        active=True,
        failed_logins=0,
    )
    session.add(account)
    session.flush()
    permissions.forget_login_state(session)
    audit(
        session,
        actor,
        "create",
        "account",
        account.id,
        "",
        None,
        {"username": name, "role": role, "person_id": person_id},
    )
    return _info(session, account)


def list_accounts(session: Session, actor: Actor) -> list[AccountInfo]:
    """Every account, by user name (directors; the single user).

    Raises:
        PermissionDeniedError: The actor does not manage accounts.
    """
    _require_manager(session, actor)
    accounts = session.scalars(select(Account).order_by(func.lower(Account.username)))
    return [_info(session, a) for a in accounts]


def get_account(session: Session, actor: Actor, username: str) -> AccountInfo:
    """One account: one's own, or any for a director.

    Raises:
        NotFoundError: No such account.
        PermissionDeniedError: Someone else's account and the actor is no director.
    """
    account = _find(session, username)
    if account is None:
        raise NotFoundError(f"There is no account named {username}.")
    if account.id != actor.account_id or permissions.current(session, actor) is None:
        _require_manager(session, actor)
    return _info(session, account)


def change_password(session: Session, actor: Actor, old_password: str, new_password: str) -> None:
    """Change the signed-in account's own password after checking the old one.

    Raises:
        AuthenticationError: The old password is wrong.
        ValidationError: The new password is too short.
        PermissionDeniedError: The actor has no account (single-user mode).
    """
    account = session.get(Account, actor.account_id) if actor.account_id is not None else None
    if account is None or permissions.current(session, actor) is None:
        raise PermissionDeniedError("Sign in to an account to change its password.")
    if not _verify(account.password_hash, old_password):
        raise AuthenticationError("The current password is wrong; nothing was changed.")
    account.password_hash = _hash_new(new_password)
    session.flush()
    sign_in_tokens.revoke_account(session, account.id)  # command-line sign-ins end too
    audit(session, actor, "update", "account", account.id, "password", None, None)


def set_password(session: Session, actor: Actor, username: str, new_password: str) -> None:
    """Set a password: one's own (already signed in) or, for a director, anyone's.

    A director's reset also clears the account's lockout.

    Raises:
        NotFoundError: No such account.
        ValidationError: The new password is too short.
        PermissionDeniedError: Someone else's account and the actor is no director.
    """
    account = _find(session, username)
    if account is None:
        raise NotFoundError(f"There is no account named {username}.")
    if account.id != actor.account_id or permissions.current(session, actor) is None:
        _require_manager(session, actor)
    account.password_hash = _hash_new(new_password)
    account.failed_logins = 0
    account.locked_until = None
    session.flush()
    sign_in_tokens.revoke_account(session, account.id)
    audit(session, actor, "update", "account", account.id, "password", None, None)


def update_account(
    session: Session,
    actor: Actor,
    username: str,
    *,
    role: str | None = None,
    active: bool | None = None,
    person_id: int | None = None,
) -> AccountInfo:
    """Change an account's role, active flag or linked person (directors).

    Raises:
        NotFoundError: No such account.
        ValidationError: The change would leave no active director, or a value is bad.
        PermissionDeniedError: The actor does not manage accounts.
    """
    _require_manager(session, actor)
    account = _find(session, username)
    if account is None:
        raise NotFoundError(f"There is no account named {username}.")
    changes: dict[str, object] = {}
    if role is not None and role != account.role:
        if role not in {r.value for r in Role}:
            raise ValidationError({"role": "Choose one of: fellow, mentor, director."})
        changes["role"] = role
    if active is not None and active != account.active:
        changes["active"] = active
    if person_id is not None and person_id != account.person_id:
        if session.get(Person, person_id) is None:
            raise ValidationError({"person_id": f"There is no person with id {person_id}."})
        changes["person_id"] = person_id
    demoted = changes.get("role", account.role) != Role.DIRECTOR or not changes.get(
        "active", account.active
    )
    if account.role == Role.DIRECTOR and account.active and demoted:
        others = session.scalar(
            select(func.count())
            .select_from(Account)
            .where(
                Account.role == Role.DIRECTOR, Account.active.is_(True), Account.id != account.id
            )
        )
        if not others:
            raise ValidationError({"role": "Keep at least one active director account."})
    old = {k: getattr(account, k) for k in changes}
    for key, value in changes.items():
        setattr(account, key, value)
    session.flush()
    if changes.get("active") is False:
        sign_in_tokens.revoke_account(session, account.id)
    for key, value in changes.items():
        audit(session, actor, "update", "account", account.id, key, old[key], value)
    return _info(session, account)


def unlock_account(session: Session, actor: Actor, username: str) -> None:
    """Clear an account's failed-login count and lockout (directors).

    Raises:
        NotFoundError: No such account.
        PermissionDeniedError: The actor does not manage accounts.
    """
    _require_manager(session, actor)
    account = _find(session, username)
    if account is None:
        raise NotFoundError(f"There is no account named {username}.")
    before = (account.failed_logins or 0, account.locked_until)
    account.failed_logins = 0
    account.locked_until = None
    session.flush()
    if before != (0, None):
        audit(session, actor, "update", "account", account.id, "lockout", before[0], 0)


def assign_mentor(
    session: Session, actor: Actor, mentor_username: str, fellow_person_id: int
) -> AccountInfo:
    """Assign a fellow (a Person) to a mentor account; repeating it changes nothing.

    Raises:
        NotFoundError: No such mentor account.
        ValidationError: The account is not a mentor or the person does not exist.
        PermissionDeniedError: The actor does not manage accounts.
    """
    _require_manager(session, actor)
    mentor = _find(session, mentor_username)
    if mentor is None:
        raise NotFoundError(f"There is no account named {mentor_username}.")
    if mentor.role != Role.MENTOR:
        raise ValidationError({"mentor": f"{mentor.username} is a {mentor.role}, not a mentor."})
    if session.get(Person, fellow_person_id) is None:
        raise ValidationError({"fellow": f"There is no person with id {fellow_person_id}."})
    exists = session.scalar(
        select(MentorAssignment.id).where(
            MentorAssignment.mentor_account_id == mentor.id,
            MentorAssignment.fellow_person_id == fellow_person_id,
        )
    )
    if exists is None:
        session.add(
            MentorAssignment(mentor_account_id=mentor.id, fellow_person_id=fellow_person_id)
        )
        session.flush()
        audit(
            session,
            actor,
            "create",
            "mentor_assignment",
            mentor.id,
            "fellow_person_id",
            None,
            fellow_person_id,
        )
    return _info(session, mentor)


def unassign_mentor(
    session: Session, actor: Actor, mentor_username: str, fellow_person_id: int
) -> AccountInfo:
    """Remove a fellow from a mentor's mentees.

    Raises:
        NotFoundError: No such mentor account.
        PermissionDeniedError: The actor does not manage accounts.
    """
    _require_manager(session, actor)
    mentor = _find(session, mentor_username)
    if mentor is None:
        raise NotFoundError(f"There is no account named {mentor_username}.")
    link = session.scalar(
        select(MentorAssignment).where(
            MentorAssignment.mentor_account_id == mentor.id,
            MentorAssignment.fellow_person_id == fellow_person_id,
        )
    )
    if link is not None:
        session.delete(link)
        session.flush()
        audit(
            session,
            actor,
            "delete",
            "mentor_assignment",
            mentor.id,
            "fellow_person_id",
            fellow_person_id,
            None,
        )
    return _info(session, mentor)


def _info(session: Session, account: Account) -> AccountInfo:
    person = session.get(Person, account.person_id) if account.person_id is not None else None
    mentees = tuple(
        session.scalars(
            select(MentorAssignment.fellow_person_id)
            .where(MentorAssignment.mentor_account_id == account.id)
            .order_by(MentorAssignment.fellow_person_id)
        )
    )
    name = f"{person.given_name} {person.family_name}".strip() if person else ""
    return AccountInfo(
        id=account.id,
        username=account.username,
        role=account.role,
        person_id=account.person_id,
        person_name=name,
        active=account.active,
        failed_logins=account.failed_logins or 0,
        locked_until=account.locked_until,
        last_login_at=account.last_login_at,
        mentees=mentees,
    )


# Idle lock ------------------------------------------------------------------------------


def idle_minutes(session: Session) -> int:
    """Minutes without input before the window locks (default 15, at most 30)."""
    raw = session.get(AppSetting, IDLE_SETTING)
    try:
        minutes = int(raw.value) if raw is not None else IDLE_MINUTES_DEFAULT
    except ValueError:
        minutes = IDLE_MINUTES_DEFAULT
    return max(1, min(minutes, IDLE_MINUTES_MAX))


def set_idle_minutes(session: Session, actor: Actor, minutes: int) -> int:
    """Set the idle-lock time for everyone (directors).

    Raises:
        ValidationError: Not between 1 and 30 minutes.
        PermissionDeniedError: The actor does not manage accounts.
    """
    _require_manager(session, actor)
    if not 1 <= minutes <= IDLE_MINUTES_MAX:
        raise ValidationError({"minutes": f"Choose 1 to {IDLE_MINUTES_MAX} minutes."})
    row = session.get(AppSetting, IDLE_SETTING)
    old = row.value if row is not None else None
    if row is None:
        session.add(AppSetting(key=IDLE_SETTING, value=str(minutes)))
    else:
        row.value = str(minutes)
    session.flush()
    audit(session, actor, "update", "setting", None, IDLE_SETTING, old, minutes)
    return minutes


class IdleTimer:
    """When the window should lock: pure timing logic the Qt lock drives.

    Args:
        minutes: Idle minutes before locking.
        now: The clock (the replaceable `clock.now` by default).
    """

    def __init__(self, minutes: int, now: Callable[[], dt.datetime] = clock.now) -> None:
        self._now = now
        self.minutes = minutes
        self._last_input = now()
        self.locked = False

    def touch(self) -> None:
        """Record user input (ignored while locked: only the password unlocks)."""
        if not self.locked:
            self._last_input = self._now()

    def seconds_left(self) -> float:
        """Seconds until the lock (0 when due)."""
        idle = (self._now() - self._last_input).total_seconds()
        return max(0.0, self.minutes * 60 - idle)

    def due(self) -> bool:
        """Whether it is time to lock (true and stays true until `unlock`)."""
        if not self.locked and self.seconds_left() <= 0:
            self.locked = True
        return self.locked

    def unlock(self) -> None:
        """Start counting again after the password was given."""
        self.locked = False
        self._last_input = self._now()


# Demo -----------------------------------------------------------------------------------


def create_demo_accounts(
    session: Session,
    fellow1_person_id: int,
    fellow2_person_id: int,
    mentor_person_id: int,
    director_person_id: int,
) -> list[AccountInfo]:
    """Create director, mentor, fellow1 and fellow2, all with the password ``demo``.

    Only for demo databases: refused once any account exists. The mentor is assigned
    to both fellows. Login is on afterwards.

    Raises:
        PermissionDeniedError: The database already has accounts.
    """
    if account_count(session):
        raise PermissionDeniedError("Demo accounts go only into a database without accounts.")
    system = Actor(username="demo")
    demo_hash = _hasher.hash(DEMO_PASSWORD)
    made = [
        _insert_account(session, system, "director", demo_hash, "director", director_person_id),
        _insert_account(session, system, "mentor", demo_hash, "mentor", mentor_person_id),
        _insert_account(session, system, "fellow1", demo_hash, "fellow", fellow1_person_id),
        _insert_account(session, system, "fellow2", demo_hash, "fellow", fellow2_person_id),
    ]
    mentor_id = made[1].id
    for fellow in (fellow1_person_id, fellow2_person_id):
        session.add(MentorAssignment(mentor_account_id=mentor_id, fellow_person_id=fellow))
    session.flush()
    return [_info(session, session.get_one(Account, info.id)) for info in made]
