"""The queue rules: who is next for a window, and which moves a ticket or window may make.

Plain Python over plain values: no server, database or device. Every command checks that
it is legal and returns a `Move` holding the new versions of the records it changes,
without changing anything; `Queue.apply` installs a move once storage has committed it.
An illegal command raises `DomainError` and leaves the queue as it was.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import TypedDict

from hall.config import HallConfig, Service, Window
from hall.errors import DomainError
from hall.events import EventType
from hall.model import (
    Lane,
    Outcome,
    QueuePolicy,
    ServiceState,
    Ticket,
    TicketStatus,
    WindowState,
)

_ACTION_ZH = {
    "called": "呼叫",
    "recalled": "重呼",
    "started": "开始办理",
    "finished": "办结",
    "marked as a no-show": "过号",
    "transferred": "转移",
    "parked": "挂起",
    "cancelled": "取消",
    "moved": "移到其他业务",
}

# A heap entry: the ordering key, the ticket id, and the very ticket value that was queued.
# Any change to a ticket installs a new value, so an entry is live only while it holds the
# installed value (identity, not equality); stale entries are dropped when they reach the top.
_Key = tuple[int, int, float, int]
_Entry = tuple[_Key, int, Ticket]


class TicketDetail(TypedDict, total=False):
    """What a ticket's move says beyond its records; its event carries these keys first."""

    callback: bool  # ticket.called: a parked ticket called back to its window
    reason: str  # ticket.no_show, ticket.cancelled: "day_ended" when a day's end closed it
    from_service: str  # ticket.transferred, ticket.moved: the service it left
    from_window: int  # ticket.transferred: the window that sent it, and the leg it ended:
    called_at: float | None
    started_at: float | None
    staff: str | None  # who served that leg


class WindowDetail(TypedDict, total=False):
    """What a window's move says beyond its records; its event carries these keys first."""

    staff: str | None  # window.signed_out: who left
    paused_for: str | None  # window.resumed: the reason it was paused


@dataclass(frozen=True, slots=True)
class Move:
    """One state change, ready to be stored and announced."""

    event: EventType
    ticket: Ticket | None = None
    window: WindowState | None = None
    counter: tuple[str, str, int] | None = None  # (day, prefix, last number issued)
    service_state: ServiceState | None = None
    detail: TicketDetail = field(default_factory=TicketDetail)
    window_detail: WindowDetail = field(default_factory=WindowDetail)


def _names(service: Service) -> dict[str, str]:
    """A service's names for an error message in either language."""
    return {"service_name": service.name, "service_name_en": service.name_en}


def format_number(prefix: str, n: int) -> str:
    return f"{prefix}{n:03d}"


class WindowAction(StrEnum):
    """What staff can do at a window; the counter page shows a button for each."""

    SIGN_OUT = "sign-out"
    CALL_NEXT = "call-next"
    CALL = "call"  # a given number
    CALL_BACK = "call-back"  # a parked ticket
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no-show"
    TRANSFER = "transfer"
    PARK = "park"
    PAUSE = "pause"
    RESUME = "resume"


def window_actions(
    w: WindowState, current: Ticket | None, recall_cap: int
) -> tuple[WindowAction, ...]:
    """The actions the rules allow at a signed-in window now. Each is exactly the set of
    commands below that would not be refused (checked by the property tests), so the
    counter page asks this instead of coding the rules again."""
    if w.staff is None:
        return ()
    a = WindowAction
    if current is None:
        leave = () if w.parked else (a.SIGN_OUT,)  # parked tickets keep their window staffed
        if w.paused:
            return (a.RESUME, *leave)
        back = (a.CALL_BACK,) if w.parked else ()
        return (a.CALL_NEXT, a.CALL, *back, a.PAUSE, *leave)
    if current.status is TicketStatus.CALLED:
        recall = (a.RECALL,) if current.recalls < recall_cap else ()
        return (*recall, a.START, a.NO_SHOW, a.TRANSFER, a.PARK)
    if current.status is TicketStatus.SERVING:
        return (a.FINISH, a.TRANSFER, a.PARK)
    return ()


def service_key(t: Ticket) -> _Key:
    """Order inside one service: lane, then transferred tickets first, then oldest."""
    return (t.lane.rank, 0 if t.front else 1, t.queued_at, t.id)


class Queue:
    """All open tickets and all windows of one hall, with the rules that move them."""

    def __init__(
        self,
        config: HallConfig,
        tickets: Iterable[Ticket] = (),
        windows: Iterable[WindowState] = (),
        counters: Mapping[tuple[str, str], int] | None = None,
        service_states: Iterable[ServiceState] = (),
        next_id: int = 1,
    ) -> None:
        self.config = config
        self.policy = config.hall.queue_policy
        self.recall_cap = config.hall.recall_cap
        self.tickets: dict[int, Ticket] = {}
        self.windows: dict[int, WindowState] = {n: WindowState(n) for n in config.windows}
        self.counters: dict[tuple[str, str], int] = dict(counters or {})
        self.service_states = {s: ServiceState(s) for s in config.services}
        self.next_id = next_id
        self._by_number: dict[tuple[str, str], int] = {}
        # Today's closed tickets by number, so that calling one says why it cannot be called.
        self._closed: dict[int, Ticket] = {}
        self._closed_numbers: dict[tuple[str, str], int] = {}
        self._heaps: dict[str, list[_Entry]] = defaultdict(list)
        self._directed: dict[int, list[_Entry]] = defaultdict(list)
        # Waiting tickets sent to one window, by window and by service: with the counts per
        # service they give how many a window may call without walking any queue.
        self._directed_to: Counter[int] = Counter()
        self._directed_of: Counter[str] = Counter()
        self._waiting: dict[str, dict[Lane, int]] = {
            s: dict.fromkeys(Lane, 0) for s in config.services
        }
        for w in windows:
            if w.number in self.windows:
                self.windows[w.number] = w
        for st in service_states:
            if st.service in self.service_states:
                self.service_states[st.service] = st
        for t in tickets:
            self._install(t)
            self.next_id = max(self.next_id, t.id + 1)

    def reconfigure(self, config: HallConfig) -> None:
        """Take a changed hall set-up (services and windows changed at run time): new ones
        join; tickets and windows already here keep their state."""
        self.config = config
        self.policy = config.hall.queue_policy
        self.recall_cap = config.hall.recall_cap
        for n in config.windows:
            self.windows.setdefault(n, WindowState(n))
        for s in config.services:
            self.service_states.setdefault(s, ServiceState(s))
            self._waiting.setdefault(s, dict.fromkeys(Lane, 0))

    # -- reading -------------------------------------------------------------------------

    def service(self, service_id: str) -> Service:
        try:
            return self.config.services[service_id]
        except KeyError:
            raise DomainError("service_unknown", service=service_id) from None

    def window_spec(self, number: int) -> Window:
        try:
            return self.config.windows[number]
        except KeyError:
            raise DomainError("window_unknown", window=number) from None

    def window(self, number: int) -> WindowState:
        self.window_spec(number)
        return self.windows[number]

    def ticket(self, ticket_id: int) -> Ticket:
        found = self.tickets.get(ticket_id) or self._closed.get(ticket_id)
        if found is None:
            raise DomainError("ticket_unknown", ticket=ticket_id)
        return found

    def find_number(self, day: str, number: str) -> Ticket:
        key = (day, number.upper())
        tid = self._by_number.get(key)
        if tid is not None:
            return self.tickets[tid]
        if key in self._closed_numbers:
            return self._closed[self._closed_numbers[key]]
        raise DomainError("ticket_unknown", ticket=number)

    def waiting_count(self, service_id: str) -> int:
        return sum(self._waiting[service_id].values())

    def waiting_counts(self) -> dict[str, int]:
        return {s: self.waiting_count(s) for s in self.config.services}

    def ahead_of_new(self, service_id: str, lane: Lane) -> int:
        """How many wait before a ticket taken now: earlier lanes and everyone in its own."""
        counts = self._waiting[service_id]
        return sum(n for ln, n in counts.items() if ln.rank <= lane.rank)

    def ahead_of(self, ticket: Ticket) -> int:
        """How many tickets of its service would be called before this waiting ticket."""
        if not ticket.waiting:
            return 0
        key = service_key(ticket)
        return sum(1 for t in self._valid(self._heaps[ticket.service]) if service_key(t) < key)

    def waiting_tickets(self, service_id: str) -> list[Ticket]:
        """The waiting tickets of a service in the order the service would call them."""
        found = {t.id: t for t in self._valid(self._heaps[service_id])}
        for heap in self._directed.values():
            found.update((t.id, t) for t in self._valid(heap) if t.service == service_id)
        return sorted(found.values(), key=service_key)

    def _valid(self, heap: list[_Entry]) -> Iterator[Ticket]:
        for _, tid, queued in heap:
            if self.tickets.get(tid) is queued:
                yield queued

    def next_for(self, window_no: int) -> Ticket | None:
        """Who this window would call now, by the hall's queue policy."""
        spec = self.window_spec(window_no)
        candidates: list[tuple[int, Ticket]] = []
        head = self._head(self._directed[window_no])
        if head is not None:
            candidates.append((-1, head))
        for pref, sid in enumerate(spec.services):
            head = self._head(self._heaps[sid])
            if head is not None:
                candidates.append((pref, head))
        if not candidates:
            return None
        return min(candidates, key=lambda c: self._window_key(c[1], c[0]))[1]

    def waiting_for(self, window_no: int, limit: int | None = None) -> tuple[list[Ticket], int]:
        """The tickets this window may call, in the order it would call them (the first
        `limit` of them), and how many there are in all.

        Each queue's heap is read in order from its top without being changed, and the
        queues are merged by the window's order, so the first 60 of 5,000 waiting cost about
        60 steps, not 5,000 (every counter asks after each change in a flood)."""
        spec = self.window_spec(window_no)
        streams = [self._ranked(-1, self._directed[window_no])]
        streams += [self._ranked(pref, self._heaps[sid]) for pref, sid in enumerate(spec.services)]
        merged = heapq.merge(*streams, key=lambda c: self._window_key(c[1], c[0]))
        first = list(itertools.islice(merged, limit))
        total = self._directed_to[window_no] + sum(
            self.waiting_count(s) - self._directed_of[s] for s in spec.services
        )
        return [t for _, t in first], total

    def _ranked(self, pref: int, heap: list[_Entry]) -> Iterator[tuple[int, Ticket]]:
        return ((pref, t) for t in self._in_order(heap))

    def _in_order(self, heap: list[_Entry]) -> Iterator[Ticket]:
        """A heap's live tickets in order, lazily, leaving the heap as it is: a frontier of
        the heap's nodes, smallest first (each node's children are larger than it)."""
        if not heap:
            return
        frontier = [(heap[0][0], 0)]
        while frontier:
            _, i = heapq.heappop(frontier)
            for child in (2 * i + 1, 2 * i + 2):
                if child < len(heap):
                    heapq.heappush(frontier, (heap[child][0], child))
            _, tid, queued = heap[i]
            if self.tickets.get(tid) is queued:
                yield queued

    def _window_key(self, t: Ticket, pref: int) -> tuple[int, int, int, float, int]:
        """Order across a window's queues: lane, then preference (-1: sent to this window),
        then transferred tickets first, then oldest."""
        if t.lane is Lane.PRIORITY or self.policy is QueuePolicy.LONGEST_WAIT:
            pref = min(pref, 0)  # priority lane: oldest first whatever the service
        return (t.lane.rank, pref, 0 if t.front else 1, t.queued_at, t.id)

    def _head(self, heap: list[_Entry]) -> Ticket | None:
        while heap:
            _, tid, queued = heap[0]
            if self.tickets.get(tid) is queued:
                return queued
            heapq.heappop(heap)
        return None

    # -- commands: each returns a Move and changes nothing ---------------------------------

    def issue(
        self, service_id: str, lane: Lane, now: datetime, token: str = "", source: str = ""
    ) -> Move:
        service = self.service(service_id)
        state = self.service_states[service_id]
        if not state.open:
            raise DomainError(
                "service_closed",
                **_names(service),
                message=state.message or "请咨询服务台",
            )
        if not self.config.hall.ignore_hours and not service.open_at(now):
            raise DomainError(
                "service_outside_hours",
                hours_zh=service.hours_in("zh"),
                hours=service.hours_in("en"),
                **_names(service),
            )
        day = now.date().isoformat()
        last = self.counters.get((day, service.prefix), 0)
        if service.daily_cap is not None and last >= service.daily_cap:
            raise DomainError("service_full", cap=service.daily_cap, **_names(service))
        at = now.timestamp()
        ticket = Ticket(
            id=self.next_id,
            day=day,
            number=format_number(service.prefix, last + 1),
            service=service_id,
            lane=lane,
            status=TicketStatus.WAITING,
            taken_at=at,
            queued_at=at,
            token=token,
            source=source,
        )
        return Move(EventType.TICKET_ISSUED, ticket=ticket, counter=(day, service.prefix, last + 1))

    def sign_in(self, window_no: int, username: str, name: str, now: datetime) -> Move:
        w = self.window(window_no)
        if w.staff is not None and w.staff != username:
            raise DomainError("window_taken", window=window_no, staff=w.staff_name or w.staff)
        for other in self.windows.values():
            if other.staff == username and other.number != window_no:
                raise DomainError("staff_elsewhere", window=other.number)
        at = now.timestamp()
        new = replace(w, staff=username, staff_name=name, signed_in_at=at)
        if w.current is None and w.idle_since is None:
            new = replace(new, idle_since=at)
        return Move(EventType.WINDOW_SIGNED_IN, window=new)

    def sign_out(self, window_no: int, now: datetime) -> Move:
        w = self.window(window_no)
        if w.staff is None:
            raise DomainError("window_not_signed_in", window=window_no)
        self._require_idle(w)
        if w.parked:  # nobody else can call them back: they would wait until the day ends
            numbers = "、".join(self.tickets[p].number for p in w.parked if p in self.tickets)
            raise DomainError("window_has_parked", window=window_no, tickets=numbers)
        return Move(
            EventType.WINDOW_SIGNED_OUT,
            window=replace(w, staff=None, staff_name=None, signed_in_at=None, idle_since=None),
            window_detail={"staff": w.staff},
        )

    def pause(self, window_no: int, reason: str, now: datetime) -> Move:
        w = self.window(window_no)
        if w.paused:
            raise DomainError("window_paused", window=window_no)
        self._require_idle(w)
        new = replace(w, paused=True, pause_reason=reason, paused_at=now.timestamp())
        return Move(EventType.WINDOW_PAUSED, window=new)

    def resume(self, window_no: int, now: datetime) -> Move:
        w = self.window(window_no)
        if not w.paused:
            raise DomainError("window_not_paused", window=window_no)
        new = replace(
            w, paused=False, pause_reason=None, paused_at=None, idle_since=now.timestamp()
        )
        return Move(
            EventType.WINDOW_RESUMED, window=new, window_detail={"paused_for": w.pause_reason}
        )

    def call_next(self, window_no: int, staff: str | None, now: datetime) -> Move | None:
        w = self._ready_to_call(window_no)
        ticket = self.next_for(window_no)
        if ticket is None:
            return None
        return self._call(w, ticket, staff, now)

    def call_number(self, window_no: int, number: str, staff: str | None, now: datetime) -> Move:
        w = self._ready_to_call(window_no)
        ticket = self.find_number(now.date().isoformat(), number)
        self._require(ticket, "called", TicketStatus.WAITING)
        served = self.window_spec(window_no).services
        if ticket.directed_window not in (None, window_no) or (
            ticket.directed_window is None and ticket.service not in served
        ):
            raise DomainError(
                "not_served_here",
                window=window_no,
                **_names(self.service(ticket.service)),
            )
        return self._call(w, ticket, staff, now)

    def call_back(self, window_no: int, ticket_id: int, staff: str | None, now: datetime) -> Move:
        w = self._ready_to_call(window_no)
        ticket = self.ticket(ticket_id)
        if ticket.status is not TicketStatus.PARKED or ticket_id not in w.parked:
            raise DomainError("not_parked_here", ticket=ticket.number, window=window_no)
        new_t = replace(ticket, status=TicketStatus.CALLED, staff=staff, recalls=0)
        parked = tuple(p for p in w.parked if p != ticket_id)
        new_w = replace(w, current=ticket_id, idle_since=None, parked=parked)
        return Move(EventType.TICKET_CALLED, ticket=new_t, window=new_w, detail={"callback": True})

    def _call(self, w: WindowState, ticket: Ticket, staff: str | None, now: datetime) -> Move:
        new_t = replace(
            ticket,
            status=TicketStatus.CALLED,
            called_at=now.timestamp(),
            window=w.number,
            staff=staff,
            directed_window=None,
            front=False,
        )
        new_w = replace(w, current=ticket.id, idle_since=None)
        return Move(EventType.TICKET_CALLED, ticket=new_t, window=new_w)

    def recall(self, window_no: int, now: datetime) -> Move:
        w, ticket = self._current(window_no)
        self._require(ticket, "recalled", TicketStatus.CALLED)
        if ticket.recalls >= self.recall_cap:
            raise DomainError("recall_cap", ticket=ticket.number, cap=self.recall_cap)
        new_t = replace(ticket, recalls=ticket.recalls + 1)
        return Move(EventType.TICKET_RECALLED, ticket=new_t, window=w)

    def start(self, window_no: int, now: datetime) -> Move:
        w, ticket = self._current(window_no)
        self._require(ticket, "started", TicketStatus.CALLED)
        new_t = replace(ticket, status=TicketStatus.SERVING, started_at=now.timestamp())
        return Move(EventType.TICKET_STARTED, ticket=new_t, window=w)

    def finish(self, window_no: int, outcome: Outcome, now: datetime) -> Move:
        w, ticket = self._current(window_no)
        self._require(ticket, "finished", TicketStatus.SERVING)
        at = now.timestamp()
        new_t = replace(ticket, status=TicketStatus.DONE, finished_at=at, outcome=outcome)
        return Move(
            EventType.TICKET_FINISHED, ticket=new_t, window=replace(w, current=None, idle_since=at)
        )

    def no_show(self, window_no: int, now: datetime) -> Move:
        w, ticket = self._current(window_no)
        self._require(ticket, "marked as a no-show", TicketStatus.CALLED)
        at = now.timestamp()
        new_t = replace(ticket, status=TicketStatus.NO_SHOW, finished_at=at)
        return Move(
            EventType.TICKET_NO_SHOW, ticket=new_t, window=replace(w, current=None, idle_since=at)
        )

    def transfer(
        self,
        window_no: int,
        now: datetime,
        to_service: str | None = None,
        to_window: int | None = None,
        note: str | None = None,
    ) -> Move:
        """Send the current ticket to another service or window; it keeps its place in time."""
        w, ticket = self._current(window_no)
        self._require(ticket, "transferred", TicketStatus.CALLED, TicketStatus.SERVING)
        service = ticket.service if to_service is None else self.service(to_service).id
        if to_window is not None:
            self.window_spec(to_window)
        elif service == ticket.service:
            raise DomainError("same_service", ticket=ticket.number, **_names(self.service(service)))
        leg: TicketDetail = {
            "from_service": ticket.service,
            "from_window": window_no,
            "called_at": ticket.called_at,
            "started_at": ticket.started_at,
            "staff": ticket.staff,
        }
        new_t = replace(
            ticket,
            service=service,
            status=TicketStatus.WAITING,
            called_at=None,
            started_at=None,
            window=None,
            staff=None,
            recalls=0,
            front=True,
            directed_window=to_window,
            transfers=ticket.transfers + 1,
            note=note,
        )
        at = now.timestamp()
        return Move(
            EventType.TICKET_TRANSFERRED,
            ticket=new_t,
            window=replace(w, current=None, idle_since=at),
            detail=leg,
        )

    def park(self, window_no: int, now: datetime) -> Move:
        w, ticket = self._current(window_no)
        self._require(ticket, "parked", TicketStatus.CALLED, TicketStatus.SERVING)
        new_t = replace(ticket, status=TicketStatus.PARKED)
        new_w = replace(w, current=None, idle_since=now.timestamp(), parked=(*w.parked, ticket.id))
        return Move(EventType.TICKET_PARKED, ticket=new_t, window=new_w)

    def cancel(self, ticket_id: int, reason: str, now: datetime) -> Move:
        """Cancel a waiting or parked ticket (a parked one leaves its window's list)."""
        ticket = self.ticket(ticket_id)
        self._require(ticket, "cancelled", TicketStatus.WAITING, TicketStatus.PARKED)
        new_t = replace(
            ticket, status=TicketStatus.CANCELLED, finished_at=now.timestamp(), note=reason
        )
        window = None
        if ticket.status is TicketStatus.PARKED and ticket.window is not None:
            w = self.windows[ticket.window]
            window = replace(w, parked=tuple(p for p in w.parked if p != ticket.id))
        return Move(EventType.TICKET_CANCELLED, ticket=new_t, window=window)

    def expire(self, ticket_id: int, now: datetime) -> Move | None:
        """Close a ticket left open from an earlier day; a ticket being served stays open."""
        t = self.ticket(ticket_id)
        at = now.timestamp()
        if t.status is TicketStatus.CALLED and t.window is not None:
            move = self.no_show(t.window, now)
            return replace(move, detail={"reason": "day_ended"})
        if t.status in (TicketStatus.WAITING, TicketStatus.PARKED):
            new_t = replace(t, status=TicketStatus.CANCELLED, finished_at=at, note="day_ended")
            window = None
            if t.status is TicketStatus.PARKED and t.window is not None:
                w = self.windows[t.window]
                window = replace(w, parked=tuple(p for p in w.parked if p != t.id))
            return Move(
                EventType.TICKET_CANCELLED,
                ticket=new_t,
                window=window,
                detail={"reason": "day_ended"},
            )
        return None

    def stale(self, today: str) -> list[int]:
        """Open tickets from days before today, oldest first."""
        return sorted(t.id for t in self.tickets.values() if t.day < today)

    def move(self, ticket_id: int, to_service: str, now: datetime) -> Move:
        """A manager moves a waiting ticket to another service; it keeps its time in the queue."""
        ticket = self.ticket(ticket_id)
        self._require(ticket, "moved", TicketStatus.WAITING)
        service = self.service(to_service)
        if service.id == ticket.service:
            raise DomainError("same_service", ticket=ticket.number, **_names(service))
        new_t = replace(ticket, service=service.id, directed_window=None)
        return Move(EventType.TICKET_MOVED, ticket=new_t, detail={"from_service": ticket.service})

    def set_service_open(self, service_id: str, is_open: bool, message: str | None) -> Move:
        self.service(service_id)
        state = ServiceState(service_id, is_open, None if is_open else message)
        event = EventType.SERVICE_OPENED if is_open else EventType.SERVICE_CLOSED
        return Move(event, service_state=state)

    def _ready_to_call(self, window_no: int) -> WindowState:
        w = self.window(window_no)
        if w.paused:
            raise DomainError("window_paused", window=window_no)
        self._require_idle(w)
        return w

    def _require_idle(self, w: WindowState) -> None:
        if w.current is not None:
            raise DomainError("window_busy", window=w.number, ticket=self.tickets[w.current].number)

    def _current(self, window_no: int) -> tuple[WindowState, Ticket]:
        w = self.window(window_no)
        if w.current is None:
            raise DomainError("window_idle", window=window_no)
        return w, self.tickets[w.current]

    @staticmethod
    def _require(ticket: Ticket, action: str, *allowed: TicketStatus) -> None:
        if ticket.status not in allowed:
            raise DomainError(
                "illegal_transition",
                ticket=ticket.number,
                status=ticket.status.value,
                status_zh=ticket.status.zh,
                action=action,
                action_zh=_ACTION_ZH[action],
            )

    # -- applying a committed move ---------------------------------------------------------

    def apply(self, move: Move) -> None:
        if move.ticket is not None:
            self._install(move.ticket)
            self.next_id = max(self.next_id, move.ticket.id + 1)
        if move.window is not None:
            self.windows[move.window.number] = move.window
        if move.counter is not None:
            day, prefix, last = move.counter
            self.counters[(day, prefix)] = last
            self.counters = {k: v for k, v in self.counters.items() if k[0] >= day}
        if move.service_state is not None:
            self.service_states[move.service_state.service] = move.service_state

    def _install(self, t: Ticket) -> None:
        old = self.tickets.get(t.id)
        if old is not None and old.waiting:
            self._waiting[old.service][old.lane] -= 1
            if old.directed_window is not None:
                self._directed_to[old.directed_window] -= 1
                self._directed_of[old.service] -= 1
        if not t.status.is_open:
            self.tickets.pop(t.id, None)
            self._by_number.pop((t.day, t.number), None)
            known = next(iter(self._closed_numbers))[0] if self._closed_numbers else t.day
            if t.day < known:
                return  # a ticket from an earlier day, closed late: not today's number
            if t.day > known:
                self._closed.clear()  # a new day: yesterday's numbers are gone
                self._closed_numbers.clear()
            self._closed[t.id] = t
            self._closed_numbers[(t.day, t.number)] = t.id
            return
        self.tickets[t.id] = t
        self._by_number[(t.day, t.number)] = t.id
        if t.waiting:
            self._waiting[t.service][t.lane] += 1
            if t.directed_window is not None:
                self._directed_to[t.directed_window] += 1
                self._directed_of[t.service] += 1
            heap = (
                self._heaps[t.service]
                if t.directed_window is None
                else self._directed[t.directed_window]
            )
            heapq.heappush(heap, (service_key(t), t.id, t))
