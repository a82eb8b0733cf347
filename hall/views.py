"""Public JSON shapes of tickets, windows and services, as the API and events carry them.

Each shape is a TypedDict: the JSON the pages read is the dict itself, and the type checker
knows every key a page may rely on.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

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


class TicketView(TypedDict):
    id: int
    number: str
    day: str
    service: str
    service_name: str
    service_name_en: str
    lane: str  # a Lane
    status: str  # a TicketStatus
    taken_at: float
    called_at: float | None
    started_at: float | None
    finished_at: float | None
    window: int | None
    recalls: int
    outcome: str | None  # an Outcome, once finished
    transfers: int
    directed_window: int | None


class Waiting(TypedDict, total=False):
    """While a ticket waits: how many are ahead, and about how long (None: no window open)."""

    waiting_ahead: int
    estimate_minutes: int | None


class TicketNow(TicketView, Waiting):
    """A ticket as asked for now."""


class SlipOrder(TypedDict):
    """The slip a kiosk queued with a new ticket: ticketing adds it to the answer."""

    job: int
    printer: str
    printer_status: str  # a PrinterStatus, or "unknown" before the first check
    state: str  # queued, or printer_down: the kiosk shows the number on screen


class KioskParts(TypedDict, total=False):
    """What a kiosk adds to a new ticket's answer."""

    print: SlipOrder  # a kiosk with a printer
    link: str  # the ticket's own page, as in the slip's QR code


class IssuedTicket(TicketView, KioskParts):
    """The answer to taking a number: for the visitor alone (the token is never in events)."""

    token: str
    waiting_ahead: int
    estimate_minutes: int | None


class WindowView(TypedDict):
    number: int
    name: str
    name_en: str
    kind: str
    services: list[str]
    staff: str | None
    staff_name: str | None
    signed_in_at: float | None
    paused: bool
    pause_reason: str | None
    paused_at: float | None
    idle_since: float | None
    current: TicketView | None
    parked: list[TicketView]
    actions: list[str]  # WindowAction values: the counter page's buttons


class TicketAnswer(TypedDict):
    """The answer to a command at a window or on a ticket: the records after it."""

    ticket: TicketView | None  # None: call-next found nobody waiting
    window: NotRequired[WindowView]


class ServiceView(TypedDict):
    id: str
    name: str
    name_en: str
    prefix: str
    department: str
    department_name: str
    department_name_en: str
    hours: str
    hours_en: str
    daily_cap: int | None
    open: bool  # a manager's switch
    closed_message: str | None
    waiting: int


class ServiceNow(ServiceView):
    open_now: bool  # open, and inside its hours (kiosks offer it)


def ticket_view(t: Ticket, config: HallConfig) -> TicketView:
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
) -> WindowView:
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
) -> ServiceView:
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
