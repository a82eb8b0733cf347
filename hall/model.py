"""The hall's records: tickets and windows as immutable values, and the names of their states."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    PARKED = "parked"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def zh(self) -> str:
        return _STATUS_ZH[self]

    @property
    def is_open(self) -> bool:
        """Open tickets still need the hall; closed ones are history."""
        return self in (
            TicketStatus.WAITING,
            TicketStatus.CALLED,
            TicketStatus.SERVING,
            TicketStatus.PARKED,
        )


_STATUS_ZH = {
    TicketStatus.WAITING: "等候中",
    TicketStatus.CALLED: "已呼叫",
    TicketStatus.SERVING: "办理中",
    TicketStatus.PARKED: "已挂起",
    TicketStatus.DONE: "已办结",
    TicketStatus.NO_SHOW: "已过号",
    TicketStatus.CANCELLED: "已取消",
}


class Lane(StrEnum):
    """Which lane a ticket queues in; earlier lanes are served first."""

    PRIORITY = "priority"  # 绿色通道: elderly, disabled, pregnant, others the hall names
    APPOINTMENT = "appointment"  # 网上预约, checked in inside the slot
    NORMAL = "normal"

    @property
    def rank(self) -> int:
        return _LANE_RANK[self]


_LANE_RANK = {Lane.PRIORITY: 0, Lane.APPOINTMENT: 1, Lane.NORMAL: 2}


class Outcome(StrEnum):
    """How a service ended (办结结果)."""

    ON_THE_SPOT = "on_the_spot"  # 即办
    ACCEPTED = "accepted"  # 承诺件: accepted, to be finished later
    NOT_HANDLED = "not_handled"  # 未能办理


class QueuePolicy(StrEnum):
    """How a window picks among the services it serves."""

    PREFERENCE = "preference"  # the window's services in its order of preference, oldest first
    LONGEST_WAIT = "longest_wait"  # the longest-waiting ticket across the window's services


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    day: str  # the service day in the hall's time zone, ISO date; numbers restart each day
    number: str  # "A001"
    service: str
    lane: Lane
    status: TicketStatus
    taken_at: float  # epoch seconds
    queued_at: float  # the time that orders it in a queue; kept across transfers
    called_at: float | None = None  # of the current service leg; a transfer starts a new leg
    started_at: float | None = None
    finished_at: float | None = None
    window: int | None = None  # the window calling, serving or holding it
    staff: str | None = None  # the username acting on it at that window
    recalls: int = 0
    outcome: Outcome | None = None
    front: bool = False  # transferred tickets go to the front of their new queue
    directed_window: int | None = None  # waiting for this window only
    transfers: int = 0
    note: str | None = None  # a cancellation reason or a transfer note
    token: str = ""  # unguessable: the visitor's own link to follow and rate this ticket
    source: str = ""  # who took it: "kiosk:ID", "staff:NAME", "anon:ADDRESS" (for limits)

    @property
    def waiting(self) -> bool:
        return self.status is TicketStatus.WAITING


@dataclass(frozen=True, slots=True)
class WindowState:
    number: int
    staff: str | None = None  # the username signed in, if any
    staff_name: str | None = None
    signed_in_at: float | None = None
    paused: bool = False
    pause_reason: str | None = None
    paused_at: float | None = None
    current: int | None = None  # the ticket id being called or served
    idle_since: float | None = None
    parked: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ServiceState:
    """A manager's runtime switch for a service, on top of its configured hours."""

    service: str
    open: bool = True
    message: str | None = None
