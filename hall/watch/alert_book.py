"""The alert book: each condition is raised once, acknowledged and resolved by people or
resolved by itself when it clears; every alert is kept as history."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from hall.actors import Actor
from hall.errors import DomainError
from hall.events import EventType
from hall.hall import Hall
from hall.payloads import AlertFigures, AlertView
from hall.watch.conditions import AlertKind, Condition

SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    key: str
    kind: AlertKind
    message: str
    data: AlertFigures
    raised_at: float
    acknowledged_by: str | None = None
    acknowledged_at: float | None = None
    resolved_by: str | None = None
    resolved_at: float | None = None

    def view(self) -> AlertView:
        return {
            "id": self.id,
            "key": self.key,
            "kind": self.kind.value,
            "kind_name": self.kind.zh,
            "message": self.message,
            "data": self.data,
            "raised_at": self.raised_at,
            "acknowledged_by": self.acknowledged_by,
            "acknowledged_at": self.acknowledged_at,
            "resolved_by": self.resolved_by,
            "resolved_at": self.resolved_at,
        }


_COLUMNS = (
    "id, key, kind, message, data, raised_at, acknowledged_by, acknowledged_at, resolved_by, "
    "resolved_at"
)


def _alert(row: tuple[Any, ...]) -> Alert:
    return Alert(row[0], row[1], AlertKind(row[2]), row[3], json.loads(row[4]), *row[5:])


class AlertBook:
    def __init__(self, hall: Hall) -> None:
        self.hall = hall
        rows = hall.store.conn.execute(
            f"SELECT {_COLUMNS} FROM alerts WHERE resolved_at IS NULL ORDER BY id"
        ).fetchall()
        self.open: dict[str, Alert] = {a.key: a for a in map(_alert, rows)}
        # Resolved by hand while the condition lasted: not raised again until it clears.
        self.dismissed: set[str] = set()

    def sync(self, conditions: list[Condition]) -> None:
        """Raise what is new, resolve by itself what has cleared."""
        now = self.hall.clock.time()
        current = {c.key: c for c in conditions}
        for key, alert in list(self.open.items()):
            if key not in current:
                self._resolve(alert, SYSTEM, now)
        self.dismissed &= set(current)
        for key, condition in current.items():
            if key not in self.open and key not in self.dismissed:
                self._raise(condition, now)

    def _raise(self, c: Condition, now: float) -> None:
        def write(conn: sqlite3.Connection) -> AlertView:
            cur = conn.execute(
                "INSERT INTO alerts (key, kind, message, data, raised_at) VALUES (?, ?, ?, ?, ?)",
                (c.key, c.kind.value, c.message, json.dumps(c.data, ensure_ascii=False), now),
            )
            return Alert(int(cur.lastrowid or 0), c.key, c.kind, c.message, c.data, now).view()

        raised = self.hall.record_made(EventType.ALERT_RAISED, None, write)
        self.open[c.key] = Alert(raised["id"], c.key, c.kind, c.message, c.data, now)

    def acknowledge(self, alert_id: int, actor: Actor) -> Alert:
        alert = self._find_open(alert_id)
        if alert.acknowledged_at is not None:
            return alert
        now = self.hall.clock.time()

        def write(c: sqlite3.Connection) -> None:
            c.execute(
                "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ?",
                (actor.username, now, alert_id),
            )

        new = replace(alert, acknowledged_by=actor.username, acknowledged_at=now)
        self.hall.record(EventType.ALERT_ACKNOWLEDGED, new.view(), actor.username, write)
        self.open[alert.key] = new
        return new

    def resolve(self, alert_id: int, actor: Actor) -> Alert:
        alert = self._find_open(alert_id)
        self.dismissed.add(alert.key)
        return self._resolve(alert, actor.username, self.hall.clock.time())

    def _resolve(self, alert: Alert, by: str, now: float) -> Alert:
        def write(c: sqlite3.Connection) -> None:
            c.execute(
                "UPDATE alerts SET resolved_by = ?, resolved_at = ? WHERE id = ?",
                (by, now, alert.id),
            )

        new = replace(alert, resolved_by=by, resolved_at=now)
        self.hall.record(EventType.ALERT_RESOLVED, new.view(), None if by == SYSTEM else by, write)
        self.open.pop(alert.key, None)
        return new

    def _find_open(self, alert_id: int) -> Alert:
        for alert in self.open.values():
            if alert.id == alert_id:
                return alert
        raise DomainError("alert_unknown", alert=alert_id)

    def history(self, start: float, end: float) -> list[Alert]:
        """Alerts raised in a time range; call it in a worker thread for long ranges."""
        with self.hall.store.reader() as c:
            rows = c.execute(
                f"SELECT {_COLUMNS} FROM alerts WHERE raised_at >= ? AND raised_at < ? "
                "ORDER BY id LIMIT 10000",
                (start, end),
            ).fetchall()
        return [_alert(tuple(r)) for r in rows]
