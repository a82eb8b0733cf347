"""Changes to services and windows made at run time by an admin: kept as an ordered log of
overlays on the hall file, checked by the same rules as the file, applied without a
restart, and logged with who and when."""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

import sqlite_utils

from hall.actors import Actor
from hall.config import ConfigError, HallConfig, config_from_data
from hall.errors import DomainError
from hall.events import EventType
from hall.hall import Hall
from hall.payloads import SetupChange
from hall.storage import migrations_of

# A change as sent: the fields it sets, each checked with the whole hall file.
Fields = Mapping[str, object]

SERVICE_FIELDS = {
    "name",
    "name_en",
    "daily_cap",
    "hours",
    "standard_minutes",
    "wait_alert_minutes",
}
WINDOW_FIELDS = {"name", "name_en", "services", "kind"}


class SetupChangeView(TypedDict):
    """A change in the admin page's log: what, who and when."""

    id: int
    kind: str  # service, window
    key: str
    fields: Fields
    by: str
    at: float


def overlay(raw: Any, changes: Iterable[tuple[str, str, Fields]]) -> dict[str, Any]:
    """The hall file's data with the changes applied in order (pure)."""
    data: dict[str, Any] = copy.deepcopy(dict(raw))
    for kind, key, fields in changes:
        if kind == "service":
            for service in data.get("services", []):
                if service.get("id") == key:
                    _merge(service, fields)
        elif kind == "window":
            found = [w for w in data.get("windows", []) if str(w.get("number")) == key]
            if found:
                _merge(found[0], fields)
            else:
                data.setdefault("windows", []).append({"number": int(key), **fields})
    return data


def _merge(table: dict[str, object], fields: Fields) -> None:
    for name, value in fields.items():
        if value is None:
            table.pop(name, None)  # back to the default
        else:
            table[name] = value


def stored_changes(conn: sqlite3.Connection) -> list[tuple[str, str, Fields]]:
    rows = conn.execute("SELECT kind, key, data FROM setup_changes ORDER BY id").fetchall()
    return [(r[0], r[1], json.loads(r[2])) for r in rows]


def with_stored_changes(config: HallConfig, conn: sqlite3.Connection) -> HallConfig:
    """The hall file as changed at run time; a change the file no longer admits is an error
    that names it, so the server does not start half-configured."""
    changes = stored_changes(conn)
    if not changes:
        return config
    try:
        return config_from_data(overlay(config.raw, changes), f"{config.source} (+ admin changes)")
    except ConfigError as exc:
        raise ConfigError(f"{exc} (undo it in the setup_changes table or the hall file)") from exc


class SetupEditor:
    def __init__(self, hall: Hall) -> None:
        self.hall = hall

    def change_service(self, service_id: str, fields: Fields, actor: Actor) -> None:
        self.hall.queue.service(service_id)
        _only(fields, SERVICE_FIELDS)
        self._apply("service", service_id, fields, actor)

    def change_window(self, number: int, fields: Fields, actor: Actor) -> None:
        """Change a window, or add one with a new number (it needs its services)."""
        _only(fields, WINDOW_FIELDS)
        if number not in self.hall.config.windows and "services" not in fields:
            raise DomainError("missing_field", field="services")
        self._apply("window", str(number), fields, actor)

    def _apply(self, kind: str, key: str, fields: Fields, actor: Actor) -> None:
        current = self.hall.config
        try:
            changed = config_from_data(overlay(current.raw, [(kind, key, fields)]), current.source)
        except ConfigError as exc:
            problem = str(exc).split(": ", 1)[-1]
            raise DomainError("setup_invalid", problem=problem) from None
        now = self.hall.clock.time()
        data = SetupChange(kind=kind, key=key, fields=fields)

        def write(c: sqlite3.Connection) -> None:
            c.execute(
                "INSERT INTO setup_changes (kind, key, data, by, at) VALUES (?, ?, ?, ?, ?)",
                (kind, key, json.dumps(fields, ensure_ascii=False), actor.username, now),
            )

        self.hall.record(EventType.SETUP_CHANGED, data, actor.username, write)
        self.hall.reconfigure(changed)

    def history(self) -> list[SetupChangeView]:
        rows = self.hall.store.conn.execute(
            "SELECT id, kind, key, data, by, at FROM setup_changes ORDER BY id DESC"
        ).fetchall()
        return [
            {
                "id": r[0],
                "kind": r[1],
                "key": r[2],
                "fields": json.loads(r[3]),
                "by": r[4],
                "at": r[5],
            }
            for r in rows
        ]


def _only(fields: Fields, allowed: set[str]) -> None:
    for name in fields:
        if name not in allowed:
            raise DomainError("unknown_field", field=name)


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


MIGRATIONS = migrations_of(m008_setup_changes)
