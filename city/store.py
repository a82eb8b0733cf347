"""The hub's PostgreSQL: halls and their keys, every hall's events, city tokens."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

import psycopg

from city.live import fold
from city.schema import migrate


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Hall:
    id: str
    name: str
    last_seq: int


class CityStore:
    """One connection, used by one caller at a time (the hub wraps it in a lock)."""

    def __init__(self, dsn: str) -> None:
        self.conn = psycopg.connect(dsn, autocommit=True)
        migrate(self.conn)

    def close(self) -> None:
        self.conn.close()

    # -- halls and tokens (the command line makes them) ----------------------------------

    def add_hall(self, hall_id: str, name: str, now: float) -> str:
        """Register a hall; its key is returned this once and stored as a digest."""
        key = secrets.token_urlsafe(32)
        self.conn.execute(
            "INSERT INTO halls (id, name, key_hash, created_at) VALUES (%s, %s, %s, %s)",
            (hall_id, name, digest(key), now),
        )
        return key

    def revoke_hall(self, hall_id: str) -> bool:
        cur = self.conn.execute("UPDATE halls SET revoked = TRUE WHERE id = %s", (hall_id,))
        return cur.rowcount > 0

    def hall_for_key(self, key: str) -> Hall | None:
        row = self.conn.execute(
            "SELECT id, name, last_seq FROM halls WHERE key_hash = %s AND NOT revoked",
            (digest(key),),
        ).fetchone()
        return Hall(row[0], row[1], int(row[2])) if row else None

    def add_token(self, name: str, role: str) -> str:
        token = secrets.token_urlsafe(32)
        self.conn.execute(
            "INSERT INTO city_tokens (name, role, token_hash) VALUES (%s, %s, %s)",
            (name, role, digest(token)),
        )
        return token

    def token_role(self, token: str) -> str | None:
        row = self.conn.execute(
            "SELECT role FROM city_tokens WHERE token_hash = %s AND NOT revoked", (digest(token),)
        ).fetchone()
        return str(row[0]) if row else None

    # -- events --------------------------------------------------------------------------

    def ingest(self, hall_id: str, events: list[dict[str, Any]], now: float) -> int:
        """Store a batch of a hall's events and fold them into its live state, in one
        transaction; events already stored (a batch sent again after an outage) are
        skipped. Answers the last sequence now stored: the hall resumes after it."""
        with self.conn.transaction():
            row = self.conn.execute(
                "SELECT last_seq, live FROM halls WHERE id = %s FOR UPDATE", (hall_id,)
            ).fetchone()
            assert row is not None
            last, live = int(row[0]), json.loads(row[1])
            fresh = sorted((e for e in events if int(e["seq"]) > last), key=lambda e: e["seq"])
            if not fresh:
                return last
            with self.conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO events (hall_id, seq, type, at, data) VALUES (%s, %s, %s, %s, %s)",
                    [
                        (hall_id, int(e["seq"]), e["type"], float(e["at"]), json.dumps(e["data"]))
                        for e in fresh
                    ],
                )
            for e in fresh:
                live = fold(live, e)
            last = int(fresh[-1]["seq"])
            self.conn.execute(
                "UPDATE halls SET last_seq = %s, last_event_at = %s, last_push_at = %s, "
                "live = %s WHERE id = %s",
                (last, float(fresh[-1]["at"]), now, json.dumps(live), hall_id),
            )
        return last

    def halls(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT id, name, last_seq, last_event_at, last_push_at, live FROM halls "
            "WHERE NOT revoked ORDER BY id"
        ).fetchall()
        return [
            {
                "id": r[0],
                "name": r[1],
                "last_seq": int(r[2]),
                "last_event_at": r[3],
                "last_push_at": r[4],
                "live": json.loads(r[5]),
            }
            for r in rows
        ]

    def events(self, hall_id: str, after: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT seq, type, at, data FROM events WHERE hall_id = %s AND seq > %s "
            "ORDER BY seq LIMIT %s",
            (hall_id, after, limit),
        ).fetchall()
        return [{"seq": r[0], "type": r[1], "at": r[2], "data": json.loads(r[3])} for r in rows]
