"""The database schema: named migrations, applied in order by the Store at start-up.

A migration is never edited once released: a change to the schema is a new migration.
"""

from __future__ import annotations

import sqlite_utils

from hall.evaluation_store import m002_evaluations
from hall.rollups import m006_report_rollups

migrations = sqlite_utils.Migrations("hallcall")


@migrations()
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
    db.execute(
        """CREATE TABLE users (
            username TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at REAL NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


@migrations()
def m002_ticket_token(db: sqlite_utils.Database) -> None:
    db.execute("ALTER TABLE tickets ADD COLUMN token TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE INDEX tickets_token ON tickets (token) WHERE token != ''")


@migrations()
def m003_print_jobs(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY,
            ticket INTEGER NOT NULL,
            printer TEXT NOT NULL,
            kiosk TEXT,
            status TEXT NOT NULL,
            reprint INTEGER NOT NULL DEFAULT 0,
            slip TEXT NOT NULL,
            requested_by TEXT,
            created_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            printed_at REAL,
            error TEXT
        )"""
    )
    db.execute("CREATE INDEX print_jobs_queue ON print_jobs (printer, status, id)")
    db.execute("CREATE INDEX print_jobs_ticket ON print_jobs (ticket)")


migrations(name="m004_evaluations")(m002_evaluations)


@migrations()
def m005_devices(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE devices (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            window INTEGER,
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_by TEXT NOT NULL,
            created_at REAL NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0
        )"""
    )


migrations(name="m006_report_rollups")(m006_report_rollups)


@migrations()
def m007_alerts_and_help(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            kind TEXT NOT NULL,
            message TEXT NOT NULL,
            data TEXT NOT NULL,
            raised_at REAL NOT NULL,
            acknowledged_by TEXT,
            acknowledged_at REAL,
            resolved_by TEXT,
            resolved_at REAL
        )"""
    )
    db.execute("CREATE INDEX alerts_open ON alerts (key) WHERE resolved_at IS NULL")
    db.execute("CREATE INDEX alerts_raised ON alerts (raised_at)")
    db.execute(
        """CREATE TABLE help_calls (
            id INTEGER PRIMARY KEY,
            point TEXT NOT NULL,
            raised_at REAL NOT NULL,
            acknowledged_by TEXT,
            acknowledged_at REAL,
            resolved_by TEXT,
            resolved_at REAL
        )"""
    )
    db.execute("CREATE INDEX help_calls_open ON help_calls (point) WHERE resolved_at IS NULL")


@migrations()
def m008_setup_changes(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE setup_changes (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            data TEXT NOT NULL,
            by TEXT NOT NULL,
            at REAL NOT NULL
        )"""
    )
