"""The core's tables: tickets, windows, counters, service states, events, idempotency keys
and settings. Each room registers its own tables' migrations beside its code."""

from __future__ import annotations

import sqlite_utils

from hall.storage import migrations_of


def m001_core(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            number TEXT NOT NULL,
            service TEXT NOT NULL,
            lane TEXT NOT NULL,
            status TEXT NOT NULL,
            taken_at REAL NOT NULL,
            queued_at REAL NOT NULL,
            called_at REAL,
            started_at REAL,
            finished_at REAL,
            window INTEGER,
            staff TEXT,
            recalls INTEGER NOT NULL DEFAULT 0,
            outcome TEXT,
            front INTEGER NOT NULL DEFAULT 0,
            directed_window INTEGER,
            transfers INTEGER NOT NULL DEFAULT 0,
            note TEXT,
            UNIQUE (day, number)
        )"""
    )
    db.execute(
        "CREATE INDEX tickets_open ON tickets (status) WHERE status IN "
        "('waiting', 'called', 'serving', 'parked')"
    )
    db.execute(
        """CREATE TABLE windows (
            number INTEGER PRIMARY KEY,
            state TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE counters (
            day TEXT NOT NULL,
            prefix TEXT NOT NULL,
            last INTEGER NOT NULL,
            PRIMARY KEY (day, prefix)
        )"""
    )
    db.execute("CREATE TABLE service_states (service TEXT PRIMARY KEY, open INTEGER, message TEXT)")
    db.execute(
        """CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            type TEXT NOT NULL,
            at REAL NOT NULL,
            ticket INTEGER,
            window INTEGER,
            actor TEXT,
            data TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX events_ticket ON events (ticket)")
    db.execute(
        """CREATE TABLE idempotency (
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            status INTEGER NOT NULL,
            body TEXT NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (scope, key)
        )"""
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def m002_ticket_token(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE tickets ADD COLUMN token TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX tickets_token ON tickets (token) WHERE token != ''")


def m010_ticket_source(db: sqlite_utils.Database) -> None:
    """Who took each ticket (a kiosk, staff, an address): limits count by it, and a burst
    from one source can be found and cancelled."""
    db.execute("ALTER TABLE tickets ADD COLUMN source TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX tickets_source ON tickets (day, source)")


MIGRATIONS = migrations_of(m001_core, m002_ticket_token, m010_ticket_source)
