"""Daily queue rollups: per day and group, the counts, sums and minute histograms of tickets."""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

import sqlite_utils

from hall.config import HallConfig
from hall.model import Outcome, TicketStatus
from hall.rating.rules import Level
from hall.storage import migrations_of

MAX_MINUTES = 720  # the last histogram bucket holds every time of 12 hours or more
_BITS = 32  # one bucket's share of a packed histogram; no bucket will count 2**32 tickets
_ONE = tuple(1 << (_BITS * m) for m in range(MAX_MINUTES + 1))
_OPEN = tuple(s.value for s in TicketStatus if s.is_open)
_OPEN_SQL = f"WHERE status IN ({', '.join(repr(v) for v in _OPEN)})"
_GOOD = int(Level.BASIC)  # 基本满意 and up are 好评
_MAX_PARAMS = 500  # days per `IN (...)`: far below any SQLite build's limit


class Source(StrEnum):
    """The groups stored for each day; a report's other groups are unions of these."""

    HOUR = "hour"  # the hour of day the ticket was taken, "00" to "23"
    SERVICE = "service"  # the ticket's service (after any transfer)
    WINDOW = "window"  # the window that called it last, "" if none did
    STAFF = "staff"  # the username of who acted on it last, "" if nobody


@dataclass(slots=True)
class Tally:
    """One group of one day, or a union of such. Histograms are packed into one integer:
    the count of minute m sits in bits 32m to 32m+31, so adding two histograms is adding
    two integers, and a year of days merges at the speed of big-integer additions."""

    taken: int = 0
    served: int = 0  # status done
    no_shows: int = 0
    cancelled: int = 0
    still_open: int = 0
    transfers: int = 0  # transfer moves, summed over the tickets
    on_the_spot: int = 0  # done with outcome on_the_spot (即办)
    finished: int = 0  # done, counted where the service finished (by hour: its hour)
    rated: int = 0  # effective ratings, defaults included
    good: int = 0  # of those, levels 3-5
    wait_count: int = 0  # tickets called: wait is taken -> (last) called
    wait_seconds: float = 0.0
    wait_minutes: int = 0  # packed histogram of whole minutes
    handling_count: int = 0  # services done: handling is started -> finished
    handling_seconds: float = 0.0
    handling_minutes: int = 0

    def add(self, o: Tally) -> None:
        self.taken += o.taken
        self.served += o.served
        self.no_shows += o.no_shows
        self.cancelled += o.cancelled
        self.still_open += o.still_open
        self.transfers += o.transfers
        self.on_the_spot += o.on_the_spot
        self.finished += o.finished
        self.rated += o.rated
        self.good += o.good
        self.wait_count += o.wait_count
        self.wait_seconds += o.wait_seconds
        self.wait_minutes += o.wait_minutes
        self.handling_count += o.handling_count
        self.handling_seconds += o.handling_seconds
        self.handling_minutes += o.handling_minutes


_COLUMNS = tuple(f.name for f in fields(Tally))
_SOURCES_SQL = ", ".join(repr(s.value) for s in Source)  # the primary key's first column
_HISTOGRAMS = frozenset({"wait_minutes", "handling_minutes"})
Tallies = dict[tuple[str, str], Tally]  # (day, key) -> tally


def m006_report_rollups(db: sqlite_utils.Database) -> None:
    """Rollup rows, the days they cover, and how far into the ratings they have read."""
    cols = ", ".join(
        f"{n} BLOB NOT NULL" if n in _HISTOGRAMS else f"{n} NOT NULL DEFAULT 0" for n in _COLUMNS
    )
    db.execute(
        f"""CREATE TABLE report_rollups (
            dimension TEXT NOT NULL,
            day TEXT NOT NULL,
            key TEXT NOT NULL,
            {cols},
            PRIMARY KEY (dimension, day, key)
        ) WITHOUT ROWID"""
    )
    db.execute(
        "CREATE TABLE report_rollup_days "
        "(day TEXT PRIMARY KEY, tickets INTEGER NOT NULL, built_at REAL NOT NULL)"
    )
    # The highest rowid of evaluations and of work_order_steps that every rolled-up day has
    # taken in: both tables are append-only, so anything above it may make a day stale.
    db.execute("CREATE TABLE report_rollup_marks (source TEXT PRIMARY KEY, seen INTEGER NOT NULL)")
    # Ratings are looked up by ticket; the existing unique index covers originals only.
    db.execute("CREATE INDEX evaluations_ticket ON evaluations (ticket_id)")


# -- histograms -------------------------------------------------------------------------


def pack(histogram: int) -> bytes:
    """Little-endian uint32 counts, trailing empty minutes left out."""
    return histogram.to_bytes((histogram.bit_length() + _BITS - 1) // _BITS * 4, "little")


def minute_counts(histogram: int) -> tuple[int, ...]:
    """The count of each whole minute, from 0 up to the last minute used."""
    raw = pack(histogram)
    return struct.unpack(f"<{len(raw) // 4}I", raw)


def percentile_minutes(histogram: int, count: int, percent: int) -> int | None:
    """The nearest-rank percentile in whole minutes (the time's minutes, seconds dropped):
    exact to the minute, since ordering survives the histogram. None when count is 0."""
    if count == 0:
        return None
    rank = max(1, (count * percent + 99) // 100)  # ceil without floating point
    seen = 0
    for minute, n in enumerate(minute_counts(histogram)):
        seen += n
        if seen >= rank:
            return minute
    raise ValueError(f"histogram holds fewer than {count} times")


# -- reading: rollups where fresh, live otherwise ---------------------------------------


def days_between(start: date, end: date) -> list[str]:
    return [(start + timedelta(d)).isoformat() for d in range((end - start).days + 1)]


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction, so that rollups, marks and tickets agree (WAL keeps it cheap)."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples whatever the connection's factory (Store.reader)
    return cur.execute(sql, params).fetchall()


def has_rollups(conn: sqlite3.Connection) -> bool:
    found = _rows(conn, "SELECT 1 FROM sqlite_master WHERE name = 'report_rollup_marks'")
    return bool(found)


def collect(
    conn: sqlite3.Connection, config: HallConfig, source: Source, start: date, end: date
) -> Tallies:
    """Every (day, key) tally of one source over [start, end]: from the rollups for days
    built and not stale since, computed from the tickets for the rest. Call in a snapshot."""
    days = days_between(start, end)
    fresh = _fresh_days(conn, days)
    out: Tallies = {}
    if fresh:
        cols = ", ".join(_COLUMNS)
        for row in _rows(
            conn,
            f"SELECT day, key, {cols} FROM report_rollups "
            "WHERE dimension = ? AND day BETWEEN ? AND ?",
            (source.value, days[0], days[-1]),
        ):
            if row[0] in fresh:
                out[(row[0], row[1])] = _tally(row[2:])
    live = [d for d in days if d not in fresh]
    if live:
        out.update(compute(conn, config, live, (source,))[source])
    return out


def live_days(conn: sqlite3.Connection, start: date, end: date) -> list[date]:
    """The days of [start, end] a report would compute from the tickets: not rolled up yet,
    or stale. A server can warn before a long report (a year live takes seconds)."""
    with snapshot(conn):
        days = days_between(start, end)
        fresh = _fresh_days(conn, days)
    return [date.fromisoformat(d) for d in days if d not in fresh]


def _fresh_days(conn: sqlite3.Connection, days: Sequence[str]) -> set[str]:
    if not days or not has_rollups(conn):
        return set()
    built = {
        r[0]
        for r in _rows(
            conn,
            "SELECT day FROM report_rollup_days WHERE day BETWEEN ? AND ?",
            (days[0], days[-1]),
        )
    }
    return built - _stale_days(conn) if built else built


def _tally(values: Sequence[Any]) -> Tally:
    t = Tally(*values)
    t.wait_minutes = int.from_bytes(values[_COLUMNS.index("wait_minutes")], "little")
    t.handling_minutes = int.from_bytes(values[_COLUMNS.index("handling_minutes")], "little")
    return t


def _marks(conn: sqlite3.Connection) -> tuple[int, int]:
    seen = dict(_rows(conn, "SELECT source, seen FROM report_rollup_marks"))
    return int(seen.get("evaluations", 0)), int(seen.get("work_order_steps", 0))


def _stale_days(conn: sqlite3.Connection) -> set[str]:
    """Days whose ratings changed after their rollup: a new rating or correction, or a work
    order step (an accepted appeal takes a review out of the figures)."""
    evaluations, steps = _marks(conn)
    rows = _rows(
        conn,
        "SELECT t.day FROM evaluations e JOIN tickets t ON t.id = e.ticket_id "
        "WHERE e.rowid > ? "
        "UNION SELECT t.day FROM work_order_steps s JOIN work_orders o ON o.id = s.order_id "
        "JOIN evaluations e ON e.id = o.evaluation_id JOIN tickets t ON t.id = e.ticket_id "
        "WHERE s.rowid > ?",
        (evaluations, steps),
    )
    return {r[0] for r in rows}


# -- computing from the tickets ---------------------------------------------------------

_TICKETS_SQL = (
    "SELECT day, service, window, staff, status, outcome, transfers, taken_at, called_at, "
    "started_at, finished_at FROM tickets WHERE day IN ({})"
)
# The effective rating of each ticket: not corrected by a later record, and not taken out
# of the figures by an accepted appeal (the work order stays on the original record).
_RATINGS_SQL = (
    "SELECT t.day, e.taken_at, e.service_id, e.window, e.staff, e.level "
    "FROM tickets t JOIN evaluations e ON e.ticket_id = t.id WHERE t.day IN ({}) "
    "AND NOT EXISTS (SELECT 1 FROM evaluations c WHERE c.corrects = e.id) "
    "AND NOT EXISTS (SELECT 1 FROM evaluations x JOIN work_orders w "
    "ON w.evaluation_id = x.id WHERE x.ticket_id = e.ticket_id AND w.appeal_accepted = 1)"
)


_KeyOf = Callable[[str, str | None, str | None, float], str]  # (service, window, staff, taken)
_KEYS: dict[Source, Callable[[Callable[[float], str]], _KeyOf]] = {
    Source.HOUR: lambda hour: lambda service, window, staff, taken: hour(taken),
    Source.SERVICE: lambda hour: lambda service, window, staff, taken: service,
    Source.WINDOW: lambda hour: lambda service, window, staff, taken: window or "",
    Source.STAFF: lambda hour: lambda service, window, staff, taken: staff or "",
}


def hour_of(tz: tzinfo) -> Callable[[float], str]:
    """The local hour ("09") of an epoch time, converting each quarter hour only once."""
    cache: dict[int, str] = {}

    def hour(ts: float) -> str:
        slot = int(ts) // 900  # today's zones are all offset by whole quarter hours
        found = cache.get(slot)
        if found is None:
            found = cache[slot] = f"{datetime.fromtimestamp(slot * 900, tz).hour:02d}"
        return found

    return hour


def _chunks(days: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(days), _MAX_PARAMS):
        yield days[i : i + _MAX_PARAMS]


def compute(
    conn: sqlite3.Connection, config: HallConfig, days: Sequence[str], sources: Iterable[Source]
) -> dict[Source, Tallies]:
    """The tallies of the given days straight from the tickets and ratings tables."""
    hour = hour_of(config.hall.timezone)
    out: dict[Source, Tallies] = {s: {} for s in sources}
    by_hour = out.get(Source.HOUR)
    key_fns: list[tuple[Tallies, _KeyOf]] = []
    for source, tallies in out.items():
        key_fns.append((tallies, _KEYS[source](hour)))
    done, no_show, cancelled = TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.CANCELLED
    on_the_spot = Outcome.ON_THE_SPOT
    for chunk in _chunks(days):
        marks = ", ".join("?" * len(chunk))
        for row in _rows(conn, _TICKETS_SQL.format(marks), chunk):
            day, service, window, staff, status, outcome, transfers = row[:7]
            taken, called, started, finished = row[7:]
            window_key = "" if window is None else str(window)
            served = status == done
            waited = called is not None
            if waited:
                wait = called - taken if called > taken else 0.0
                wait_one = _ONE[min(int(wait // 60), MAX_MINUTES)]
            handled = served and started is not None and finished is not None
            if handled:
                spent = finished - started if finished > started else 0.0
                spent_one = _ONE[min(int(spent // 60), MAX_MINUTES)]
            for tallies, key_of in key_fns:
                k = (day, key_of(service, window_key, staff, taken))
                t = tallies.get(k)
                if t is None:
                    t = tallies[k] = Tally()
                t.taken += 1
                t.transfers += transfers
                if served:
                    t.served += 1
                    t.on_the_spot += outcome == on_the_spot
                    if tallies is not by_hour:
                        t.finished += 1
                elif status == no_show:
                    t.no_shows += 1
                elif status == cancelled:
                    t.cancelled += 1
                elif status in _OPEN:
                    t.still_open += 1
                if waited:
                    t.wait_count += 1
                    t.wait_seconds += wait
                    t.wait_minutes += wait_one
                if handled:
                    t.handling_count += 1
                    t.handling_seconds += spent
                    t.handling_minutes += spent_one
            if by_hour is not None and served and finished is not None:
                k = (day, hour(finished))  # arrivals against services: when each finished
                t = by_hour.get(k)
                if t is None:
                    t = by_hour[k] = Tally()
                t.finished += 1
        for day, taken, service, window, staff, level in _rows(
            conn, _RATINGS_SQL.format(marks), chunk
        ):
            for tallies, key_of in key_fns:
                k = (day, key_of(service, str(window), staff, taken))
                t = tallies.get(k)
                if t is None:
                    t = tallies[k] = Tally()
                t.rated += 1
                t.good += level >= _GOOD
    return out


# -- building ---------------------------------------------------------------------------


def build_rollups(
    conn: sqlite3.Connection, config: HallConfig, through_day: date, *, now: datetime
) -> int:
    """Roll up every day up to through_day not rolled up yet, and rebuild the days whose
    ratings changed since; return how many days were written. Idempotent.

    Days not over yet (today, in the hall's time zone) and days that still hold open tickets
    are left to be computed live. Each day is computed and written in its own short
    `BEGIN IMMEDIATE`, so the hall's writer waits at most one day's computation, and the
    marks move on only once every stale day is rebuilt: a builder running alongside another
    can only leave days marked stale, never a stale day marked fresh.
    `conn` must be a writable connection in autocommit mode (isolation_level=None).
    """
    if not has_rollups(conn):
        raise RuntimeError("report rollups need the migration m006_report_rollups")
    today = now.astimezone(config.hall.timezone).date()
    last = min(through_day, today - timedelta(days=1)).isoformat()
    with snapshot(conn):
        seen_to = tuple(
            int(_rows(conn, f"SELECT COALESCE(MAX(rowid), 0) FROM {table}")[0][0])
            for table in ("evaluations", "work_order_steps")
        )
        built = {r[0] for r in _rows(conn, "SELECT day FROM report_rollup_days")}
        stale = _stale_days(conn) & built
        first = _rows(conn, "SELECT MIN(day) FROM tickets")[0][0]
        # Literal values, as in the partial index tickets_open, so that SQLite can use it.
        open_days = {r[0] for r in _rows(conn, f"SELECT DISTINCT day FROM tickets {_OPEN_SQL}")}
    missing: list[str] = []
    if first is not None and first <= last:
        missing = [
            d
            for d in days_between(date.fromisoformat(first), date.fromisoformat(last))
            if d not in built and d not in open_days
        ]
    todo = sorted(stale | set(missing))
    for day in todo:
        _write_day(conn, config, day, now.timestamp())
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT OR REPLACE INTO report_rollup_marks (source, seen) VALUES (?, ?)",
        zip(("evaluations", "work_order_steps"), seen_to, strict=True),
    )
    conn.execute("COMMIT")
    return len(todo)


def _write_day(conn: sqlite3.Connection, config: HallConfig, day: str, at: float) -> None:
    cols = ("dimension", "day", "key", *_COLUMNS)
    insert = f"INSERT INTO report_rollups ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    conn.execute("BEGIN IMMEDIATE")
    try:
        computed = compute(conn, config, [day], tuple(Source))
        conn.execute(
            f"DELETE FROM report_rollups WHERE dimension IN ({_SOURCES_SQL}) AND day = ?", (day,)
        )
        tickets = sum(t.taken for t in computed[Source.HOUR].values())
        conn.executemany(
            insert,
            [
                (source.value, d, key, *_stored(t))
                for source, tallies in computed.items()
                for (d, key), t in sorted(tallies.items())
            ],
        )
        conn.execute(
            "INSERT OR REPLACE INTO report_rollup_days (day, tickets, built_at) VALUES (?, ?, ?)",
            (day, tickets, at),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _stored(t: Tally) -> tuple[Any, ...]:
    return tuple(pack(getattr(t, n)) if n in _HISTOGRAMS else getattr(t, n) for n in _COLUMNS)


MIGRATIONS = migrations_of(m006_report_rollups)
