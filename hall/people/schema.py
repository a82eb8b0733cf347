"""People's tables: accounts, sessions and paired devices."""

from __future__ import annotations

import hashlib

import sqlite_utils

from hall.storage import migrations_of


def m001_people(db: sqlite_utils.Database) -> None:
    """Accounts and sessions. Databases made before the rooms had their own migrations got
    these tables from m001_core, hence IF NOT EXISTS."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS users (
            username TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at REAL NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS sessions (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0
        )"""
    )


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


def m009_hashed_sessions(db: sqlite_utils.Database) -> None:
    """Keep only a digest of each session id: a copy of the database opens no session."""
    rows = db.execute("SELECT id FROM sessions").fetchall()
    for (sid,) in rows:
        digest = hashlib.sha256(sid.encode()).hexdigest()
        db.execute("UPDATE sessions SET id = ? WHERE id = ?", (digest, sid))


def m011_device_place(db: sqlite_utils.Database) -> None:
    """Kiosks and help points are paired too: each to its place (a kiosk's or point's id)."""
    db.execute("ALTER TABLE devices ADD COLUMN place TEXT")


MIGRATIONS = migrations_of(m001_people, m005_devices, m009_hashed_sessions, m011_device_place)
