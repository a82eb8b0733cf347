"""The hub's tables on PostgreSQL, in plain standard SQL (KingbaseES and openGauss speak it
too): named migrations, applied in order at start-up, each in its own transaction."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

MIGRATIONS: Sequence[tuple[str, Sequence[str]]] = (
    (
        "c001_halls_and_events",
        (
            """CREATE TABLE halls (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                revoked BOOLEAN NOT NULL DEFAULT FALSE,
                created_at DOUBLE PRECISION NOT NULL,
                last_seq BIGINT NOT NULL DEFAULT 0,
                last_event_at DOUBLE PRECISION,
                last_push_at DOUBLE PRECISION,
                live TEXT NOT NULL DEFAULT '{}'
            )""",
            """CREATE TABLE events (
                hall_id TEXT NOT NULL REFERENCES halls (id),
                seq BIGINT NOT NULL,
                type TEXT NOT NULL,
                at DOUBLE PRECISION NOT NULL,
                data TEXT NOT NULL,
                PRIMARY KEY (hall_id, seq)
            )""",
            "CREATE INDEX events_at ON events (at)",
            """CREATE TABLE city_tokens (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                revoked BOOLEAN NOT NULL DEFAULT FALSE
            )""",
        ),
    ),
)


def migrate(conn: psycopg.Connection) -> list[str]:
    """Create or bring the schema up to date; the names of the migrations applied now."""
    with conn.transaction():
        conn.execute(
            "CREATE TABLE IF NOT EXISTS city_migrations (name TEXT PRIMARY KEY, "
            "applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
    done = {r[0] for r in conn.execute("SELECT name FROM city_migrations").fetchall()}
    applied = []
    for name, statements in MIGRATIONS:
        if name in done:
            continue
        with conn.transaction():
            for sql in statements:
                conn.execute(sql)
            conn.execute("INSERT INTO city_migrations (name) VALUES (%s)", (name,))
        applied.append(name)
    return applied
