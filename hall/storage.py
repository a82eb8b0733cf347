"""SQLite storage: the schema, and one committed transaction for every move of the hall.

Writes run on the caller's thread (the server's event loop), each a short
`BEGIN IMMEDIATE ... COMMIT`; in WAL mode with synchronous=NORMAL a commit survives a crash
of the process. Long reads (reports) open their own connection with `reader()`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypedDict

import sqlite_utils

from hall.events import Event, EventType
from hall.model import Lane, Outcome, ServiceState, Ticket, TicketStatus, WindowState
from hall.payloads import EventData, QueueEventData
from hall.queue import Move


@dataclass(frozen=True, slots=True)
class Migration:
    """One named schema step, owned by the room whose tables it makes. Once released, a
    migration is never edited or renamed (databases record its name): a change to the
    schema is a new migration."""

    name: str
    apply: Callable[[sqlite_utils.Database], None]


def migrations_of(*steps: Callable[[sqlite_utils.Database], None]) -> tuple[Migration, ...]:
    """Each function's name is its migration's name."""
    return tuple(Migration(step.__name__, step) for step in steps)


def _migration_set(steps: Iterable[Migration]) -> sqlite_utils.Migrations:
    """The rooms' migrations in one ordered set: by name (m001, m002, ...), so a new
    database gets the tables in the order existing ones got them."""
    ordered = sorted(steps, key=lambda m: m.name)
    names = [m.name for m in ordered]
    if len(set(names)) != len(names):
        raise ValueError(f"two migrations share a name: {names}")
    migrations = sqlite_utils.Migrations("hallcall")
    for m in ordered:
        migrations(name=m.name)(m.apply)
    return migrations


@dataclass(frozen=True, slots=True)
class Remembered:
    """A stored answer to an idempotent request, returned again for the same key."""

    fingerprint: str
    status: int
    body: Any  # the JSON answer as first given


class TicketStep(TypedDict):
    """One event in a ticket's history."""

    seq: int
    type: str  # an EventType
    at: float
    window: int | None
    by: str | None  # who acted


@dataclass(frozen=True, slots=True)
class LoadedState:
    tickets: list[Ticket]
    windows: list[WindowState]
    counters: dict[tuple[str, str], int]
    service_states: list[ServiceState]
    next_id: int


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # per connection; durable across a process crash
    conn.execute("PRAGMA busy_timeout=5000")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class Store:
    """The hall's database. One writer connection; readers open their own."""

    def __init__(self, path: Path, migrations: Iterable[Migration]) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = connect(path)
        self.db = sqlite_utils.Database(self.conn)
        _migration_set(migrations).apply(self.db)
        self.conn.execute("PRAGMA journal_mode=WAL")

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def reader(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection for a thread of its own (reports, exports)."""
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        finally:
            conn.close()

    # -- moves and events -----------------------------------------------------------------

    def commit(
        self,
        move: Move,
        event_data: QueueEventData,
        at: float,
        actor: str | None,
        remember: tuple[str, str, str, int, object] | None = None,
        also: Callable[[sqlite3.Connection], None] | None = None,
    ) -> int:
        """Store a move, its event and (optionally) the answer to remember; return the seq.

        `also` writes more rows in the same transaction (a print job for a new ticket, say);
        it runs before the answer is remembered, so it may still add to the answer.
        """
        with self.transaction() as c:
            if move.ticket is not None:
                _save_ticket(c, move.ticket)
            if move.window is not None:
                c.execute(
                    "INSERT OR REPLACE INTO windows (number, state) VALUES (?, ?)",
                    (move.window.number, json.dumps(asdict(move.window))),
                )
            if move.counter is not None:
                c.execute(
                    "INSERT OR REPLACE INTO counters (day, prefix, last) VALUES (?, ?, ?)",
                    move.counter,
                )
            if move.service_state is not None:
                s = move.service_state
                c.execute(
                    "INSERT OR REPLACE INTO service_states VALUES (?, ?, ?)",
                    (s.service, int(s.open), s.message),
                )
            seq = self.insert_event(c, move.event, at, event_data, actor)
            if also is not None:
                also(c)
            if remember is not None:
                scope, key, fingerprint, status, body = remember
                c.execute(
                    "INSERT INTO idempotency VALUES (?, ?, ?, ?, ?, ?)",
                    (scope, key, fingerprint, status, json.dumps(body), at),
                )
        return seq

    def record_event(self, event: EventType, data: EventData, at: float, actor: str | None) -> int:
        with self.transaction() as c:
            return self.insert_event(c, event, at, data, actor)

    @staticmethod
    def insert_event(
        c: sqlite3.Connection,
        event: EventType,
        at: float,
        data: EventData,
        actor: str | None,
    ) -> int:
        # The columns that find a ticket's or a window's history; the data says the rest.
        about, at_window = data.get("ticket"), data.get("window")
        ticket = about.get("id") if isinstance(about, dict) else None
        window = at_window if isinstance(at_window, int) else None
        cur = c.execute(
            "INSERT INTO events (type, at, ticket, window, actor, data) VALUES (?, ?, ?, ?, ?, ?)",
            (event.value, at, ticket, window, actor, json.dumps(data, ensure_ascii=False)),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def last_seq(self) -> int:
        row = self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()
        return int(row[0])

    def events_since(self, seq: int, limit: int) -> list[Event]:
        rows = self.conn.execute(
            "SELECT seq, type, at, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit),
        ).fetchall()
        return [Event(r[0], EventType(r[1]), r[2], json.loads(r[3])) for r in rows]

    def ticket_history(self, ticket_id: int) -> list[TicketStep]:
        rows = self.conn.execute(
            "SELECT seq, type, at, window, actor FROM events WHERE ticket = ? ORDER BY seq",
            (ticket_id,),
        ).fetchall()
        return [{"seq": r[0], "type": r[1], "at": r[2], "window": r[3], "by": r[4]} for r in rows]

    def remembered(self, scope: str, key: str) -> Remembered | None:
        row = self.conn.execute(
            "SELECT fingerprint, status, body FROM idempotency WHERE scope = ? AND key = ?",
            (scope, key),
        ).fetchone()
        return Remembered(row[0], row[1], json.loads(row[2])) if row else None

    def forget_old_answers(self, older_than: float) -> int:
        """Idempotency keys only guard against double taps and retries: a day is plenty."""
        with self.transaction() as c:
            return c.execute("DELETE FROM idempotency WHERE at < ?", (older_than,)).rowcount

    def remember(
        self, scope: str, key: str, fingerprint: str, status: int, body: Any, at: float
    ) -> None:
        """Remember the answer to a request that changed nothing worth an event."""
        with self.transaction() as c:
            c.execute(
                "INSERT OR IGNORE INTO idempotency VALUES (?, ?, ?, ?, ?, ?)",
                (scope, key, fingerprint, status, json.dumps(body), at),
            )

    # -- loading --------------------------------------------------------------------------

    def load(self) -> LoadedState:
        c = self.conn
        tickets = _tickets(
            c.execute(
                "SELECT * FROM tickets WHERE status IN ('waiting', 'called', 'serving', 'parked')"
            )
        )
        windows = [
            _window_from_json(r[0]) for r in c.execute("SELECT state FROM windows").fetchall()
        ]
        day_row = c.execute("SELECT MAX(day) FROM counters").fetchone()
        counters = {
            (r[0], r[1]): r[2]
            for r in c.execute(
                "SELECT day, prefix, last FROM counters WHERE day = ?", (day_row[0],)
            ).fetchall()
        }
        states = [
            ServiceState(r[0], bool(r[1]), r[2])
            for r in c.execute("SELECT service, open, message FROM service_states").fetchall()
        ]
        next_id = c.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM tickets").fetchone()[0]
        return LoadedState(tickets, windows, counters, states, int(next_id))

    def issued_by_source(self, day: str) -> list[tuple[str, str, int]]:
        """A day's numbers so far by who took them and for which service."""
        rows = self.conn.execute(
            "SELECT source, service, COUNT(*) FROM tickets WHERE day = ? GROUP BY source, service",
            (day,),
        ).fetchall()
        return [(r[0], r[1], int(r[2])) for r in rows]

    def ticket(self, ticket_id: int) -> Ticket | None:
        return self._ticket_where("id = ?", ticket_id)

    def ticket_by_token(self, token: str) -> Ticket | None:
        return self._ticket_where("token = ? AND token != ''", token)

    def _ticket_where(self, where: str, value: object) -> Ticket | None:
        found = _tickets(self.conn.execute(f"SELECT * FROM tickets WHERE {where}", (value,)))
        return found[0] if found else None

    # -- settings -------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def settings_prefixed(self, prefix: str) -> Mapping[str, str]:
        rows = self.conn.execute(
            "SELECT key, value FROM settings WHERE key LIKE ?", (prefix + "%",)
        ).fetchall()
        return {r[0]: r[1] for r in rows}


def finished_between(c: sqlite3.Connection, start: float, end: float) -> list[Ticket]:
    """Tickets served to the end (done) between two times, for reports on a reader."""
    return _tickets(
        c.execute(
            "SELECT * FROM tickets WHERE status = 'done' AND finished_at >= ? AND finished_at < ?",
            (start, end),
        )
    )


_TICKET_SQL = (
    "INSERT OR REPLACE INTO tickets (id, day, number, service, lane, status, taken_at, "
    "queued_at, called_at, started_at, finished_at, window, staff, recalls, outcome, front, "
    "directed_window, transfers, note, token, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _save_ticket(c: sqlite3.Connection, t: Ticket) -> None:
    c.execute(
        _TICKET_SQL,
        (
            t.id,
            t.day,
            t.number,
            t.service,
            t.lane.value,
            t.status.value,
            t.taken_at,
            t.queued_at,
            t.called_at,
            t.started_at,
            t.finished_at,
            t.window,
            t.staff,
            t.recalls,
            t.outcome.value if t.outcome else None,
            int(t.front),
            t.directed_window,
            t.transfers,
            t.note,
            t.token,
            t.source,
        ),
    )


def _tickets(cur: sqlite3.Cursor) -> list[Ticket]:
    """The tickets a `SELECT * FROM tickets` found, read by column name."""
    cur.row_factory = sqlite3.Row
    return [_ticket_from_row(r) for r in cur.fetchall()]


def _ticket_from_row(r: sqlite3.Row) -> Ticket:
    return Ticket(
        id=r["id"],
        day=r["day"],
        number=r["number"],
        service=r["service"],
        lane=Lane(r["lane"]),
        status=TicketStatus(r["status"]),
        taken_at=r["taken_at"],
        queued_at=r["queued_at"],
        called_at=r["called_at"],
        started_at=r["started_at"],
        finished_at=r["finished_at"],
        window=r["window"],
        staff=r["staff"],
        recalls=r["recalls"],
        outcome=Outcome(r["outcome"]) if r["outcome"] else None,
        front=bool(r["front"]),
        directed_window=r["directed_window"],
        transfers=r["transfers"],
        note=r["note"],
        token=r["token"],
        source=r["source"] or "",
    )


def _window_from_json(text: str) -> WindowState:
    d = json.loads(text)
    d["parked"] = tuple(d.get("parked", ()))
    return WindowState(**d)
