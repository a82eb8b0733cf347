"""Public JSON shapes of tickets, windows and services, as the API and events carry them."""

from __future__ import annotations

from typing import Any

from hall.config import HallConfig
from hall.model import ServiceState, Ticket, WindowState
from hall.queue import window_actions


def without_usernames(value: Any) -> Any:
    """A view for the public (screens, kiosks, phones): staff appear by name, never by the
    username they log in with (half of a login, and the start of password guessing)."""
    if isinstance(value, dict):
        return {k: without_usernames(v) for k, v in value.items() if k != "staff"}
    if isinstance(value, list):
        return [without_usernames(v) for v in value]
    return value


def ticket_view(t: Ticket, config: HallConfig) -> dict[str, Any]:
    service = config.services[t.service]
    return {
        "id": t.id,
        "number": t.number,
        "day": t.day,
        "service": t.service,
        "service_name": service.name,
        "service_name_en": service.name_en,
        "lane": t.lane.value,
        "status": t.status.value,
        "taken_at": t.taken_at,
        "called_at": t.called_at,
        "started_at": t.started_at,
        "finished_at": t.finished_at,
        "window": t.window,
        "recalls": t.recalls,
        "outcome": t.outcome.value if t.outcome else None,
        "transfers": t.transfers,
        "directed_window": t.directed_window,
    }


def window_view(
    w: WindowState, config: HallConfig, current: Ticket | None, parked: list[Ticket]
) -> dict[str, Any]:
    spec = config.windows[w.number]
    return {
        "number": w.number,
        "name": spec.name,
        "name_en": spec.name_en,
        "kind": spec.kind,
        "services": list(spec.services),
        "staff": w.staff,
        "staff_name": w.staff_name,
        "signed_in_at": w.signed_in_at,
        "paused": w.paused,
        "pause_reason": w.pause_reason,
        "paused_at": w.paused_at,
        "idle_since": w.idle_since,
        "current": ticket_view(current, config) if current else None,
        "parked": [ticket_view(t, config) for t in parked],
        # What staff may do here now, by the queue rules: the counter's buttons follow it.
        "actions": [a.value for a in window_actions(w, current, config.hall.recall_cap)],
    }


def service_view(
    service_id: str, config: HallConfig, state: ServiceState, waiting: int
) -> dict[str, Any]:
    s = config.services[service_id]
    dep = config.departments[s.department]
    return {
        "id": s.id,
        "name": s.name,
        "name_en": s.name_en,
        "prefix": s.prefix,
        "department": dep.id,
        "department_name": dep.name,
        "department_name_en": dep.name_en,
        "hours": s.hours_in("zh"),
        "hours_en": s.hours_in("en"),
        "daily_cap": s.daily_cap,
        "open": state.open,
        "closed_message": state.message,
        "waiting": waiting,
    }
