"""What each event says: one TypedDict per shape of event data, and the snapshot screens
start from. This is the live wire format (`docs/events.md`): screens, pages and the events
table read these keys, so a key is added, never renamed or removed.

Ticket moves share one shape (the ticket, the queue lengths it leaves and, at a window, the
window), as do window moves, alerts and help calls. Records that an API also answers with
(a print job, an alert, a help call) are the same shape in both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Required, TypedDict

from hall.events import EventType
from hall.queue import TicketDetail, WindowDetail
from hall.views import ServiceNow, TicketView, WindowView

# -- queue moves: made by Hall._event_data ---------------------------------------------------


class AtWindow(TypedDict, total=False):
    """The window a ticket move took place at, as the move leaves it."""

    window: int
    window_name: str
    window_state: WindowView


class Spoken(TypedDict, total=False):
    audio: str  # ticket.called, ticket.recalled with speech on: the URL of the call's WAV


class TicketEvent(TicketDetail, AtWindow, Spoken, total=False):
    """ticket.*: the ticket after the move, and, when a window took part, that window."""

    ticket: Required[TicketView]
    number: Required[str]
    service: Required[str]  # its service after the move
    waiting: Required[dict[str, int]]  # tickets waiting per service once the move is made


class WindowEvent(WindowDetail, total=False):
    """window.signed_in, signed_out, paused, resumed."""

    window: Required[int]
    window_name: Required[str]
    window_state: Required[WindowView]


class ServiceSwitch(TypedDict):
    """service.opened, service.closed: a manager's switch."""

    service: str
    open: bool
    message: str | None  # shown at the kiosk while closed


QueueEventData = TicketEvent | WindowEvent | ServiceSwitch

# -- other changes: made through Hall.record --------------------------------------------------


class ServiceHours(TypedDict):
    service: str
    open_now: bool


class NoticeSet(TypedDict):
    notice: str


class PrintJobView(TypedDict):
    """A print job as stored; print.job carries it after each change of its state."""

    id: int
    ticket: int
    number: str
    printer: str
    kiosk: str | None
    status: str  # queued, printing, printed, interrupted, expired
    reprint: bool
    requested_by: str | None
    created_at: float
    attempts: int
    printed_at: float | None
    error: str | None


class PrinterStatusEvent(TypedDict):
    printer: str
    status: str  # a PrinterStatus
    description: str


class TicketRef(TypedDict):
    id: int


class RatingInvitation(TypedDict):
    """evaluation.invited: the window's pad shows the five levels for this ticket."""

    window: int
    ticket: TicketRef
    number: str
    staff_name: str | None


class Rating(TypedDict):
    """evaluation.rated (staff-only: it names who was rated)."""

    evaluation: str
    ticket: TicketRef
    number: str
    window: int
    staff: str | None
    level: int
    level_name: str
    channel: str


class RatingCorrection(TypedDict):
    evaluation: str  # the new record
    corrects: str  # the record it replaces
    number: str
    staff: str | None
    window: int
    proposal: int  # the proposal a second manager approved
    approved_by: str


class WorkOrderEvent(TypedDict):
    """work_order.opened, work_order.step."""

    work_order: int
    number: str
    status: str
    status_name: str
    staff: str | None
    staff_name: str | None
    level: int
    callback_due: float
    fix_due: float


# An alert's figures, for any language: ids, numbers, minutes, names of states.
AlertFigures = dict[str, str | int | None]


class AlertView(TypedDict):
    """alert.raised, acknowledged, resolved; also how the API shows an alert."""

    id: int
    key: str
    kind: str  # an AlertKind
    kind_name: str
    message: str
    data: AlertFigures
    raised_at: float
    acknowledged_by: str | None
    acknowledged_at: float | None
    resolved_by: str | None
    resolved_at: float | None


class HelpCallView(TypedDict):
    """help.called, acknowledged, resolved; also how the API shows a help call."""

    id: int
    point: str
    point_name: str
    state: str  # waiting, on_the_way, resolved
    raised_at: float
    acknowledged_by: str | None
    acknowledged_by_name: str | None
    acknowledged_at: float | None
    resolved_by: str | None
    resolved_at: float | None
    response_seconds: float | None
    resolution_seconds: float | None


# "from" is a keyword: the functional form.
WindowMessage = TypedDict(
    "WindowMessage",
    {"window": int, "text": str, "from": str, "from_name": str, "to": str | None},
)


class UserChange(TypedDict, total=False):
    """admin.user: an account added, or its password or active flag changed."""

    change: Required[str]  # added, changed
    username: Required[str]
    name: str  # added
    role: str  # added
    active: bool  # added, or changed
    password: str  # "reset" or "changed by the user": never the password itself
    signed_out_of: int  # disabled: the free window it was signed out of
    still_at_window: int  # disabled: a window still holding its visitor or parked tickets


# tickets.burst_cancelled: a manager cancelled one source's burst of waiting numbers
# (source: anon:ADDRESS, kiosk:ID, net:ADDRESS or staff:NAME; from and to: epoch seconds).
BurstCancelled = TypedDict(
    "BurstCancelled",
    {"source": str, "from": float, "to": float, "reason": str, "count": int, "numbers": list[str]},
)


class SetupChange(TypedDict):
    """admin.setup: a service or window changed at run time."""

    kind: str  # service, window
    key: str  # the service id or the window number
    fields: Mapping[str, object]  # as sent; null: back to the hall file's value


EventData = (
    QueueEventData
    | ServiceHours
    | NoticeSet
    | PrintJobView
    | PrinterStatusEvent
    | RatingInvitation
    | Rating
    | RatingCorrection
    | WorkOrderEvent
    | AlertView
    | HelpCallView
    | WindowMessage
    | UserChange
    | SetupChange
    | BurstCancelled
)

# Each event type's data. docs/events.md describes every type and every key listed here.
PAYLOADS: Mapping[EventType, type] = {
    EventType.TICKET_ISSUED: TicketEvent,
    EventType.TICKET_CALLED: TicketEvent,
    EventType.TICKET_RECALLED: TicketEvent,
    EventType.TICKET_STARTED: TicketEvent,
    EventType.TICKET_FINISHED: TicketEvent,
    EventType.TICKET_NO_SHOW: TicketEvent,
    EventType.TICKET_TRANSFERRED: TicketEvent,
    EventType.TICKET_PARKED: TicketEvent,
    EventType.TICKET_CANCELLED: TicketEvent,
    EventType.TICKET_MOVED: TicketEvent,
    EventType.WINDOW_SIGNED_IN: WindowEvent,
    EventType.WINDOW_SIGNED_OUT: WindowEvent,
    EventType.WINDOW_PAUSED: WindowEvent,
    EventType.WINDOW_RESUMED: WindowEvent,
    EventType.SERVICE_OPENED: ServiceSwitch,
    EventType.SERVICE_CLOSED: ServiceSwitch,
    EventType.SERVICE_HOURS: ServiceHours,
    EventType.NOTICE_SET: NoticeSet,
    EventType.PRINT_JOB: PrintJobView,
    EventType.PRINTER_STATUS: PrinterStatusEvent,
    EventType.RATING_INVITED: RatingInvitation,
    EventType.RATED: Rating,
    EventType.RATING_CORRECTED: RatingCorrection,
    EventType.WORK_ORDER_OPENED: WorkOrderEvent,
    EventType.WORK_ORDER_STEP: WorkOrderEvent,
    EventType.ALERT_RAISED: AlertView,
    EventType.ALERT_ACKNOWLEDGED: AlertView,
    EventType.ALERT_RESOLVED: AlertView,
    EventType.HELP_CALLED: HelpCallView,
    EventType.HELP_ACKNOWLEDGED: HelpCallView,
    EventType.HELP_RESOLVED: HelpCallView,
    EventType.WINDOW_MESSAGE: WindowMessage,
    EventType.USER_CHANGED: UserChange,
    EventType.TICKETS_BURST_CANCELLED: BurstCancelled,
    EventType.SETUP_CHANGED: SetupChange,
}

# -- the snapshot: the hall drawn from nothing -------------------------------------------------


class HallInfo(TypedDict):
    name: str
    name_en: str
    timezone: str
    recall_cap: int
    day: str


class CallMessage(TicketEvent, total=False):
    """A ticket.called or ticket.recalled event as the websocket sends it."""

    seq: Required[int]
    type: Required[str]
    at: Required[float]


class Snapshot(TypedDict):
    hall: HallInfo
    notice: str
    services: list[ServiceNow]
    windows: list[WindowView]
    recent_calls: list[CallMessage]  # today's, newest first
    settings: dict[str, object]  # what screens must know, from the adapters (speech, pads)
