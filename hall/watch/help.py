"""Help calls (呼叫帮办): a button at a self-service point alerts the staff assigned to help;
one of them acknowledges ("on my way"), the point's screen says so, and resolving closes it.
Response and resolution times are kept for reports."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from hall.actors import Actor
from hall.errors import DomainError
from hall.events import EventType
from hall.hall import Hall
from hall.payloads import HelpCallView
from hall.people.accounts import staff_name

HELP_POINT_KEYS = frozenset({"name", "helpers"})  # the keys [help_points.ID] accepts


@dataclass(frozen=True, slots=True)
class HelpPoint:
    id: str
    name: str
    helpers: tuple[str, ...]  # usernames told of its calls; empty: every staff member


def help_points(section: Mapping[str, Any]) -> dict[str, HelpPoint]:
    """[help_points.ID]: name = "24小时自助区", helpers = ["li"]; ValueError names the key."""
    out = {}
    for pid, table in section.items():
        where = f"help_points.{pid}"
        if not isinstance(table, Mapping):
            raise ValueError(f"{where}: expected a table like [help_points.{pid}]")
        unknown = sorted(set(table) - HELP_POINT_KEYS)
        if unknown:
            raise ValueError(f"{where}: unknown key {unknown[0]!r} (known: name, helpers)")
        name = table.get("name", pid)
        helpers = table.get("helpers", [])
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}.name: expected text")
        if not isinstance(helpers, list) or not all(isinstance(h, str) for h in helpers):
            raise ValueError(f"{where}.helpers: expected a list of usernames")
        out[pid] = HelpPoint(pid, name.strip(), tuple(helpers))
    return out


class PointFigures(TypedDict):
    """A help point's calls over a date range, for the help report."""

    point: str
    point_name: str
    calls: int
    open: int
    response_avg_seconds: float | None
    response_max_seconds: float | None
    resolution_avg_seconds: float | None
    resolution_max_seconds: float | None


_COLUMNS = "id, point, raised_at, acknowledged_by, acknowledged_at, resolved_by, resolved_at"


class HelpDesk:
    def __init__(self, hall: Hall, points: Mapping[str, HelpPoint]) -> None:
        self.hall = hall
        self.points = dict(points)

    def point(self, point_id: str) -> HelpPoint:
        try:
            return self.points[point_id]
        except KeyError:
            raise DomainError("help_point_unknown", point=point_id) from None

    def view(self, row: tuple[Any, ...]) -> HelpCallView:
        call_id, point, raised, ack_by, ack_at, res_by, res_at = row
        state = "resolved" if res_at else "on_the_way" if ack_at else "waiting"
        return {
            "id": call_id,
            "point": point,
            "point_name": self.points[point].name if point in self.points else point,
            "state": state,
            "raised_at": raised,
            "acknowledged_by": ack_by,
            "acknowledged_by_name": self._name(ack_by),
            "acknowledged_at": ack_at,
            "resolved_by": res_by,
            "resolved_at": res_at,
            "response_seconds": ack_at - raised if ack_at else None,
            "resolution_seconds": res_at - raised if res_at else None,
        }

    def _name(self, username: str | None) -> str | None:
        if username is None:
            return None
        return staff_name(self.hall.store.conn, username) or username

    def current(self, point_id: str) -> HelpCallView | None:
        self.point(point_id)
        row = self.hall.store.conn.execute(
            f"SELECT {_COLUMNS} FROM help_calls WHERE point = ? AND resolved_at IS NULL "
            "ORDER BY id DESC LIMIT 1",
            (point_id,),
        ).fetchone()
        return self.view(row) if row else None

    def call(self, point_id: str) -> HelpCallView:
        """Press the button: a second press while a call is open is the same call."""
        self.point(point_id)
        if (open_call := self.current(point_id)) is not None:
            return open_call
        now = self.hall.clock.time()

        def write(c: sqlite3.Connection) -> HelpCallView:
            cur = c.execute(
                "INSERT INTO help_calls (point, raised_at) VALUES (?, ?)", (point_id, now)
            )
            return self.view((cur.lastrowid, point_id, now, None, None, None, None))

        return self.hall.record_made(EventType.HELP_CALLED, None, write)

    def acknowledge(self, call_id: int, actor: Actor) -> HelpCallView:
        call = self._open(call_id)
        if call["state"] == "on_the_way":
            return call
        return self._update(call_id, "acknowledged", actor, EventType.HELP_ACKNOWLEDGED)

    def resolve(self, call_id: int, actor: Actor) -> HelpCallView:
        call = self._open(call_id)
        if call["state"] == "waiting":  # resolved without an "on my way": they came anyway
            self._update(call_id, "acknowledged", actor, EventType.HELP_ACKNOWLEDGED)
        return self._update(call_id, "resolved", actor, EventType.HELP_RESOLVED)

    def _update(self, call_id: int, step: str, actor: Actor, event: EventType) -> HelpCallView:
        now = self.hall.clock.time()

        def write(c: sqlite3.Connection) -> HelpCallView:
            c.execute(
                f"UPDATE help_calls SET {step}_by = ?, {step}_at = ? WHERE id = ?",
                (actor.username, now, call_id),
            )
            row = c.execute(f"SELECT {_COLUMNS} FROM help_calls WHERE id = ?", (call_id,))
            return self.view(row.fetchone())

        return self.hall.record_made(event, actor.username, write)

    def _open(self, call_id: int) -> HelpCallView:
        row = self.hall.store.conn.execute(
            f"SELECT {_COLUMNS} FROM help_calls WHERE id = ?", (call_id,)
        ).fetchone()
        if row is None:
            raise DomainError("help_call_unknown", call=call_id)
        call = self.view(row)
        if call["state"] == "resolved":
            raise DomainError("help_call_closed", call=call_id)
        return call

    def calls(self, start: float, end: float, open_only: bool = False) -> list[HelpCallView]:
        where = "resolved_at IS NULL" if open_only else "raised_at >= ? AND raised_at < ?"
        params: tuple[float, ...] = () if open_only else (start, end)
        rows = self.hall.store.conn.execute(
            f"SELECT {_COLUMNS} FROM help_calls WHERE {where} ORDER BY id", params
        ).fetchall()
        return [self.view(r) for r in rows]

    def report(self, start: float, end: float) -> list[PointFigures]:
        """Per point: calls, and average and longest response and resolution times."""
        out: list[PointFigures] = []
        calls = self.calls(start, end)
        for pid, point in self.points.items():
            mine = [c for c in calls if c["point"] == pid]
            responses = [c["response_seconds"] for c in mine if c["response_seconds"] is not None]
            resolutions = [
                c["resolution_seconds"] for c in mine if c["resolution_seconds"] is not None
            ]
            out.append(
                {
                    "point": pid,
                    "point_name": point.name,
                    "calls": len(mine),
                    "open": sum(1 for c in mine if c["state"] != "resolved"),
                    "response_avg_seconds": _avg(responses),
                    "response_max_seconds": max(responses, default=None),
                    "resolution_avg_seconds": _avg(resolutions),
                    "resolution_max_seconds": max(resolutions, default=None),
                }
            )
        return out


def _avg(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
