"""Event types: one committed state change becomes one event with a sequence number."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the data's shapes name the views, which the queue rules make
    from hall.payloads import EventData


class EventType(StrEnum):
    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_STARTED = "ticket.started"
    TICKET_FINISHED = "ticket.finished"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_PARKED = "ticket.parked"
    TICKET_CANCELLED = "ticket.cancelled"
    WINDOW_SIGNED_IN = "window.signed_in"
    WINDOW_SIGNED_OUT = "window.signed_out"
    WINDOW_PAUSED = "window.paused"
    WINDOW_RESUMED = "window.resumed"
    SERVICE_OPENED = "service.opened"
    SERVICE_CLOSED = "service.closed"
    SERVICE_HOURS = "service.hours"  # a service's opening hours began or ended (open_now)
    NOTICE_SET = "hall.notice"
    PRINT_JOB = "print.job"  # a slip queued, printing, printed, interrupted or expired
    PRINTER_STATUS = "printer.status"
    RATING_INVITED = "evaluation.invited"  # the window's pad shows the five levels
    RATED = "evaluation.rated"
    RATING_CORRECTED = "evaluation.corrected"
    WORK_ORDER_OPENED = "work_order.opened"
    WORK_ORDER_STEP = "work_order.step"
    ALERT_RAISED = "alert.raised"
    ALERT_ACKNOWLEDGED = "alert.acknowledged"
    ALERT_RESOLVED = "alert.resolved"
    HELP_CALLED = "help.called"  # 呼叫帮办: the point's screen and the helpers' pages follow it
    HELP_ACKNOWLEDGED = "help.acknowledged"  # someone is on the way
    HELP_RESOLVED = "help.resolved"
    TICKET_MOVED = "ticket.moved"  # a manager moved a waiting ticket to another service
    TICKETS_BURST_CANCELLED = "tickets.burst_cancelled"  # a manager cancelled one source's burst
    WINDOW_MESSAGE = "window.message"  # a manager's message to a window's counter page
    USER_CHANGED = "admin.user"  # an account added, disabled or its password reset
    SETUP_CHANGED = "admin.setup"  # a service or window changed at run time

    @property
    def public(self) -> bool:
        """Whether any screen in the hall may see it; the rest go to logged-in staff only."""
        return self not in _STAFF_ONLY

    @property
    def is_call(self) -> bool:
        """Calls are what screens show big and speak."""
        return self in (EventType.TICKET_CALLED, EventType.TICKET_RECALLED)


# Ratings and their follow-up name staff and visitors' complaints: not for the hall's screens.
_STAFF_ONLY = frozenset(
    {
        EventType.RATED,
        EventType.RATING_CORRECTED,
        EventType.WORK_ORDER_OPENED,
        EventType.WORK_ORDER_STEP,
        EventType.ALERT_RAISED,
        EventType.ALERT_ACKNOWLEDGED,
        EventType.ALERT_RESOLVED,
        EventType.WINDOW_MESSAGE,
        EventType.USER_CHANGED,
        EventType.SETUP_CHANGED,
        EventType.TICKETS_BURST_CANCELLED,
    }
)


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    type: EventType
    at: float
    data: EventData  # its shape for each type: hall.payloads.PAYLOADS

    def as_message(self) -> dict[str, object]:
        """The event as screens and pages get it: its type, sequence and time, then its data."""
        return {"type": self.type.value, "seq": self.seq, "at": self.at, **self.data}
