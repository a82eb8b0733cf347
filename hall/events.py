"""Event types: one committed state change becomes one event with a sequence number."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


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
    NOTICE_SET = "hall.notice"
    PRINT_JOB = "print.job"  # a slip queued, printing, printed, interrupted or expired
    PRINTER_STATUS = "printer.status"

    @property
    def is_call(self) -> bool:
        """Calls are what screens show big and speak."""
        return self in (EventType.TICKET_CALLED, EventType.TICKET_RECALLED)


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    type: EventType
    at: float
    data: dict[str, Any]

    def as_message(self) -> dict[str, Any]:
        return {"type": self.type.value, "seq": self.seq, "at": self.at, **self.data}
