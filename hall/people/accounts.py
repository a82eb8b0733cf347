"""Staff accounts: roles, memory-hard password hashes, and server-side sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from typing import TypedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hall.actors import Actor, Role
from hall.clock import Clock
from hall.errors import DomainError
from hall.people.passwords import check_password
from hall.storage import Store


class UserView(TypedDict):
    username: str
    name: str
    role: str  # a Role
    active: bool


SESSION_SECONDS = 12 * 3600  # one working day and its extended hours
_USERNAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
# Verify against this when the user is unknown, so a wrong name costs as long as a wrong password.
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("hallcall-timing-equaliser")


class Accounts:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    @staticmethod
    def hash_password(password: str, username: str, name: str = "") -> str:
        """A password's argon2 hash, once the policy accepts it: slow on purpose, so call
        it off the event loop, and never inside a transaction."""
        check_password(password, username, name)
        return _hasher.hash(password)

    def add(self, username: str, name: str, role: Role, password: str) -> None:
        """Create an account (for the command line: hashes, then writes)."""
        self.add_hashed(username, name, role, self.hash_password(password, username, name))

    def add_hashed(self, username: str, name: str, role: Role, password_hash: str) -> None:
        if not _USERNAME_RE.fullmatch(username):
            raise DomainError("username_invalid", username=username)
        with self.store.transaction() as c:
            exists = c.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone()
            if exists:
                raise DomainError("user_exists", username=username)
            c.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?, 1, ?)",
                (username, name, role.value, password_hash, self.clock.time()),
            )

    def set_password(self, username: str, password: str) -> None:
        self.set_password_hash(username, self.hash_password(password, username))

    def set_password_hash(self, username: str, password_hash: str) -> None:
        """A new password; the user's sessions end."""
        with self.store.transaction() as c:
            cur = c.execute(
                "UPDATE users SET password_hash = ? WHERE username = ?", (password_hash, username)
            )
            if cur.rowcount == 0:
                raise DomainError("user_unknown", username=username)
            c.execute("UPDATE sessions SET revoked = 1 WHERE username = ?", (username,))

    def set_active(self, username: str, active: bool) -> None:
        """Disable or enable an account; disabling ends its sessions at once."""
        with self.store.transaction() as c:
            cur = c.execute(
                "UPDATE users SET active = ? WHERE username = ?", (int(active), username)
            )
            if cur.rowcount == 0:
                raise DomainError("user_unknown", username=username)
            if not active:
                c.execute("UPDATE sessions SET revoked = 1 WHERE username = ?", (username,))

    def lookup(self, username: str) -> tuple[Actor | None, str]:
        """The user and their password hash; a dummy hash for an unknown or disabled user."""
        row = self.store.conn.execute(
            "SELECT name, role, password_hash FROM users WHERE username = ? AND active = 1",
            (username,),
        ).fetchone()
        if row is None:
            return None, _DUMMY_HASH
        return Actor(username, row[0], Role(row[1])), row[2]

    @staticmethod
    def check(password_hash: str, password: str) -> bool:
        """Slow on purpose (argon2): call it off the event loop."""
        try:
            return bool(_hasher.verify(password_hash, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def open_session(self, actor: Actor) -> str:
        """A new session; its id goes to the client and only its digest is stored, so a
        copy of the database opens no session."""
        sid = secrets.token_urlsafe(24)
        now = self.clock.time()
        with self.store.transaction() as c:
            c.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, 0)",
                (session_digest(sid), actor.username, now, now + SESSION_SECONDS),
            )
        return sid

    def session_actor(self, sid: str) -> Actor | None:
        row = self.store.conn.execute(
            "SELECT u.username, u.name, u.role FROM sessions s JOIN users u USING (username) "
            "WHERE s.id = ? AND s.revoked = 0 AND s.expires_at > ? AND u.active = 1",
            (session_digest(sid), self.clock.time()),
        ).fetchone()
        return Actor(row[0], row[1], Role(row[2])) if row else None

    def close_session(self, sid: str) -> None:
        with self.store.transaction() as c:
            c.execute("UPDATE sessions SET revoked = 1 WHERE id = ?", (session_digest(sid),))

    def list(self) -> list[UserView]:
        rows = self.store.conn.execute(
            "SELECT username, name, role, active FROM users ORDER BY username"
        ).fetchall()
        return [{"username": r[0], "name": r[1], "role": r[2], "active": bool(r[3])} for r in rows]


def session_digest(sid: str) -> str:
    """What the sessions table keeps of a session id (ids are random: no salt needed)."""
    return hashlib.sha256(sid.encode()).hexdigest()


# -- read by other rooms: the accounts' SQL stays here ------------------------------------


def staff_names(c: sqlite3.Connection) -> dict[str, str]:
    """Everyone's display name by username, disabled accounts included (history names them)."""
    cur = c.cursor()
    cur.row_factory = None
    return {r[0]: r[1] for r in cur.execute("SELECT username, name FROM users")}


def staff_name(c: sqlite3.Connection, username: str | None) -> str | None:
    """One display name, or None for nobody or an unknown name."""
    if username is None:
        return None
    row = c.execute("SELECT name FROM users WHERE username = ?", (username,)).fetchone()
    return row[0] if row else None


def managers(c: sqlite3.Connection) -> tuple[str, ...]:
    """The active managers and admins: who answers for bad reviews and alerts."""
    rows = c.execute(
        "SELECT username FROM users WHERE role IN (?, ?) AND active = 1 ORDER BY username",
        (Role.MANAGER.value, Role.ADMIN.value),
    ).fetchall()
    return tuple(r[0] for r in rows)
