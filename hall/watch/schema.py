"""The watch room's tables: alerts and help calls."""

from __future__ import annotations

import sqlite_utils

from hall.storage import migrations_of


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


MIGRATIONS = migrations_of(m007_alerts_and_help)
