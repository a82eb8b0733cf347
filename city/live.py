"""A hall's live state as the hub sees it, folded from the hall's own events (pure: no
database, no clock; the hub stores the folded state with the events in one transaction)."""

from __future__ import annotations

from typing import Any

# Ticket events after which the ticket no longer waits (called, gone) or waits again.
_LEAVES = {"ticket.called", "ticket.cancelled", "ticket.no_show", "ticket.finished"}
_WAITS = {"ticket.issued", "ticket.transferred", "ticket.moved"}


def fold(state: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """The state after one event (`event` as the hall sends it: type, seq, at and data)."""
    s: dict[str, Any] = {
        "waiting": dict(state.get("waiting", {})),
        "waiting_since": dict(state.get("waiting_since", {})),
        "windows": dict(state.get("windows", {})),
        "alerts": sorted(set(state.get("alerts", []))),
        "help": sorted(set(state.get("help", []))),
        "orders": sorted(set(state.get("orders", []))),
    }
    kind, data = event["type"], event.get("data", {})
    if isinstance(data.get("waiting"), dict):
        s["waiting"] = {k: int(v) for k, v in data["waiting"].items()}
    ticket = data.get("ticket")
    if isinstance(ticket, dict) and "id" in ticket:
        tid = str(ticket["id"])
        if kind in _WAITS and ticket.get("status") == "waiting":
            s["waiting_since"][tid] = float(ticket.get("taken_at") or event["at"])
        elif kind in _LEAVES or ticket.get("status") != "waiting":
            s["waiting_since"].pop(tid, None)
    if isinstance(data.get("window_state"), dict) and isinstance(data.get("window"), int):
        w = data["window_state"]
        s["windows"][str(data["window"])] = {
            "open": bool(w.get("staff_name")) and not w.get("paused"),
            "paused": bool(w.get("paused")),
        }
    s["alerts"] = _track(s["alerts"], kind, data, "alert.raised", "alert.resolved", "id")
    s["help"] = _track(s["help"], kind, data, "help.called", "help.resolved", "id")
    if kind in ("work_order.opened", "work_order.step") and "work_order" in data:
        orders = set(s["orders"])
        if data.get("status") == "closed":
            orders.discard(data["work_order"])
        else:
            orders.add(data["work_order"])
        s["orders"] = sorted(orders)
    return s


def _track(
    ids: list[Any], kind: str, data: dict[str, Any], up: str, down: str, key: str
) -> list[Any]:
    found = set(ids)
    if kind == up and key in data:
        found.add(data[key])
    elif kind == down and key in data:
        found.discard(data[key])
    return sorted(found)


def figures(state: dict[str, Any], now: float) -> dict[str, Any]:
    """What the city dashboard shows of a hall, and how much trouble it is in."""
    since = state.get("waiting_since", {})
    longest = max((now - t for t in since.values()), default=0.0)
    figures = {
        "waiting": sum(state.get("waiting", {}).values()),
        "longest_wait_minutes": round(longest / 60),
        "windows_open": sum(1 for w in state.get("windows", {}).values() if w["open"]),
        "alerts_open": len(state.get("alerts", [])),
        "help_open": len(state.get("help", [])),
        "work_orders_open": len(state.get("orders", [])),
    }
    figures["trouble"] = (
        figures["alerts_open"] * 10
        + figures["help_open"] * 10
        + figures["work_orders_open"] * 5
        + figures["longest_wait_minutes"]
    )
    return figures
