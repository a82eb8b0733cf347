"""Paired devices: rating pads, kiosks and help points, each bound by a manager to its
window or place, each holding a device token of its own.

A pad must never carry a staff login (staff may not rate), and a kiosk or help button is
not a person: each proves what it is with its token, shown once when a manager pairs it and
stored here only as a hash.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict

from hall.clock import Clock
from hall.storage import Store


class DeviceKind(StrEnum):
    PAD = "pad"  # 评价器: the rating pad at a window
    KIOSK = "kiosk"  # 取号机: its place is the kiosk's id in the hall file
    HELP_POINT = "help_point"  # 呼叫帮办 button: its place is the help point's id


class DeviceView(TypedDict):
    id: str
    kind: str  # a DeviceKind
    window: int | None
    name: str
    created_by: str
    created_at: float
    place: str | None  # a kiosk's or help point's id


@dataclass(frozen=True, slots=True)
class Device:
    id: str
    kind: DeviceKind
    window: int | None
    name: str
    created_by: str
    created_at: float
    place: str | None = None

    def view(self) -> DeviceView:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "window": self.window,
            "place": self.place,
            "name": self.name,
            "created_by": self.created_by,
            "created_at": self.created_at,
        }


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Devices:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def pair(
        self, kind: DeviceKind, window: int | None, name: str, by: str, place: str | None = None
    ) -> tuple[Device, str]:
        """Register a device; the token is returned this once and never stored in clear."""
        device = Device(secrets.token_hex(6), kind, window, name, by, self.clock.time(), place)
        token = secrets.token_urlsafe(24)
        with self.store.transaction() as c:
            c.execute(
                "INSERT INTO devices (id, kind, window, name, token_hash, created_by, "
                "created_at, revoked, place) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
                (device.id, kind.value, window, name, _digest(token), by, device.created_at, place),
            )
        return device, token

    def by_token(self, token: str) -> Device | None:
        row = self.store.conn.execute(
            "SELECT id, kind, window, name, created_by, created_at, place FROM devices "
            "WHERE token_hash = ? AND revoked = 0",
            (_digest(token),),
        ).fetchone()
        return Device(row[0], DeviceKind(row[1]), *row[2:]) if row else None

    def all(self) -> list[Device]:
        rows = self.store.conn.execute(
            "SELECT id, kind, window, name, created_by, created_at, place FROM devices "
            "WHERE revoked = 0 ORDER BY kind, window, place, created_at"
        ).fetchall()
        return [Device(r[0], DeviceKind(r[1]), *r[2:]) for r in rows]

    def revoke(self, device_id: str) -> bool:
        with self.store.transaction() as c:
            cur = c.execute("UPDATE devices SET revoked = 1 WHERE id = ?", (device_id,))
        return cur.rowcount > 0
