"""What the hall manager watches: each service's and window's state and today's figures,
and every condition that should raise an alert, gathered from the queue, the printers,
help calls and bad-review work orders."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from hall.hall import Hall
from hall.model import Lane, TicketStatus
from hall.rating import records, work_orders
from hall.rating.work_orders import OrderStatus
from hall.views import WindowView
from hall.watch.conditions import AlertKind, AlertSettings, Condition, queue_conditions
from hall.watch.help import HelpDesk


class ServiceFigures(TypedDict):
    """A service now and today, for the manager."""

    id: str
    name: str
    name_en: str
    prefix: str
    open: bool
    waiting: int
    longest_wait_seconds: float | None
    average_wait_seconds: float | None
    estimate_minutes: int | None
    taken: int
    served: int
    no_show: int
    wait_alert_minutes: float
    closed_message: str | None
    department: str
    department_name: str
    windows_open: int


class WindowFigures(WindowView):
    """A window now and today: what it is doing since when, and how fast it serves."""

    state: str  # closed, paused, idle, called, serving
    since: float | None
    served: int
    average_handling_seconds: float | None


class Dashboard(TypedDict):
    at: float
    day: str
    services: list[ServiceFigures]
    windows: list[WindowFigures]


def dashboard(hall: Hall) -> Dashboard:
    now = hall.clock.time()
    q = hall.queue
    longest: dict[str, float] = {}
    for t in q.tickets.values():
        if t.status is TicketStatus.WAITING:
            longest[t.service] = max(longest.get(t.service, 0.0), now - t.queued_at)
    services: list[ServiceFigures] = []
    for sid, spec in hall.config.services.items():
        tally = hall.stats.services[sid]
        waiting = q.waiting_count(sid)
        services.append(
            {
                "id": sid,
                "name": spec.name,
                "name_en": spec.name_en,
                "prefix": spec.prefix,
                "open": q.service_states[sid].open,
                "waiting": waiting,
                "longest_wait_seconds": longest.get(sid),
                "average_wait_seconds": tally.average_wait,
                "estimate_minutes": hall.estimate(sid, q.ahead_of_new(sid, Lane.NORMAL)),
                "taken": tally.taken,
                "served": tally.served,
                "no_show": tally.no_show,
                "wait_alert_minutes": spec.wait_alert_minutes,
                "closed_message": q.service_states[sid].message,
                "department": spec.department,
                "department_name": hall.config.departments[spec.department].name,
                "windows_open": hall.windows_open_for(sid),
            }
        )
    windows: list[WindowFigures] = []
    for view in hall.windows():
        tally = hall.stats.windows[view["number"]]
        current = view["current"]
        since: float | None
        if view["staff"] is None:
            state, since = "closed", None
        elif view["paused"]:
            state, since = "paused", view["paused_at"]
        elif current is not None:
            state = current["status"]  # called or serving
            since = current["started_at"] or current["called_at"]
        else:
            state, since = "idle", view["idle_since"]
        windows.append(
            {
                **view,
                "state": state,
                "since": since,
                "served": tally.served,
                "average_handling_seconds": tally.average_handling,
            }
        )
    return {"at": now, "day": hall.day, "services": services, "windows": windows}


def conditions(
    hall: Hall,
    settings: AlertSettings,
    printer_statuses: Mapping[str, Any],
    help_desk: HelpDesk,
) -> list[Condition]:
    """Every condition that needs a manager now, from every source."""
    now = hall.clock.time()
    found = queue_conditions(hall.queue, hall.config, settings, now)
    for name, status in printer_statuses.items():
        if status is not None and status.value != "online":
            found.append(
                Condition(
                    f"printer:{name}:{status.value}",
                    AlertKind.PRINTER,
                    f"打印机 {name}：{status.description.split(' / ')[0]}",
                    {"printer": name, "status": status.value},
                )
            )
    for call in help_desk.calls(0, 0, open_only=True):
        found.append(
            Condition(
                f"help:{call['id']}",
                AlertKind.HELP_CALL,
                f"{call['point_name']}呼叫帮办"
                + (f"，{call['acknowledged_by_name']}正在前往" if call["acknowledged_by"] else ""),
                {"call": call["id"], "point": call["point"], "state": call["state"]},
            )
        )
    for order in records.open_work_orders(hall.store.conn):
        if order.status is OrderStatus.OPENED:
            found.append(
                Condition(
                    f"bad_review:{order.id}",
                    AlertKind.BAD_REVIEW,
                    f"{order.ticket_number} 差评（{order.level.zh}）"
                    + (f"：{order.reason}" if order.reason else "")
                    + f"，{order.staff_name or order.staff or ''}，待回访",
                    {"work_order": order.id, "number": order.ticket_number, "staff": order.staff},
                )
            )
        for late in work_orders.overdue(order, now):
            found.append(
                Condition(
                    f"work_order_overdue:{order.id}:{late.value}",
                    AlertKind.WORK_ORDER_OVERDUE,
                    f"工单 {order.id}（{order.ticket_number}）"
                    + ("回访已逾期" if late.value == "call_back" else "整改已逾期"),
                    {"work_order": order.id, "deadline": late.value},
                )
            )
    return found
