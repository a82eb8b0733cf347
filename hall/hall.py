"""The hall at work: each command runs the queue rules, commits, then announces one event."""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from hall.actors import Actor
from hall.answers import Answer, Once
from hall.clock import Clock
from hall.config import HallConfig
from hall.daystats import DayStats
from hall.errors import DomainError
from hall.estimate import WaitEstimator
from hall.events import Event, EventType
from hall.model import Lane, Ticket, TicketStatus
from hall.payloads import (
    AtWindow,
    CallMessage,
    EventData,
    NoticeSet,
    QueueEventData,
    ServiceHours,
    Snapshot,
    Spoken,
    TicketEvent,
    WindowEvent,
)
from hall.queue import Move, Queue
from hall.storage import Store
from hall.views import (
    IssuedTicket,
    KioskParts,
    ServiceNow,
    TicketAnswer,
    TicketNow,
    TicketView,
    Waiting,
    WindowView,
    service_view,
    ticket_view,
    window_view,
)

Publish = Callable[[Event], None]
# More rows for a new ticket's transaction: (connection, the ticket, the answer's body).
Also = Callable[[sqlite3.Connection, Ticket, IssuedTicket], None]
# Adapters that add to a ticket's event before it is stored (speech adds a call's audio URL).
Enricher = Callable[[EventType, TicketEvent], None]
B = TypeVar("B")  # an answer's body
D = TypeVar("D", bound="EventData")  # an event's data


class Hall:
    def __init__(self, config: HallConfig, store: Store, clock: Clock, publish: Publish) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.publish = publish
        loaded = store.load()
        self.queue = Queue(
            config,
            tickets=loaded.tickets,
            windows=loaded.windows,
            counters=loaded.counters,
            service_states=loaded.service_states,
            next_id=loaded.next_id,
        )
        self.estimator = WaitEstimator(config)
        self._seed_estimator()
        self.notice = store.setting("hall.notice", config.hall.notice) or ""
        self.day = ""
        self.stats = DayStats("")
        self._hours_seen: dict[str, bool] = {}
        self.enrichers: list[Enricher] = []
        self.screen_settings: dict[str, object] = {}  # what screens must know, e.g. speech
        self.on_reconfigure: list[Callable[[], None]] = []  # e.g. screens redraw
        # Adapters that act on an event once it is committed and out (speech, rating pads).
        self.after: list[Callable[[Event], None]] = []
        self.close_previous_days()

    def reconfigure(self, config: HallConfig) -> None:
        """Services and windows changed at run time: everything reads the new set-up now."""
        self.config = config
        self.queue.reconfigure(config)
        self.estimator.config = config
        for hook in self.on_reconfigure:
            hook()

    def now(self) -> datetime:
        return self.clock.now().astimezone(self.config.hall.timezone)

    def close_previous_days(self) -> int:
        """When a new day starts: close what yesterday left open, sign out idle windows.

        Numbers restart each day, and a ticket from yesterday must not be called today.
        Each closing is an ordinary move with its own event, so screens and reports see it.
        """
        now = self.now()
        today = now.date().isoformat()
        if today == self.day:
            return 0
        closed = 0
        for tid in self.queue.stale(today):
            move = self.queue.expire(tid, now)
            if move is not None:
                self._run(move, None, None, _ticket_answer)
                closed += 1
        for w in list(self.queue.windows.values()):
            signed_day = (
                datetime.fromtimestamp(w.signed_in_at, self.config.hall.timezone).date().isoformat()
                if w.signed_in_at
                else today
            )
            if w.staff and w.current is None and signed_day < today:
                self._run(self.queue.sign_out(w.number, now), None, None, _ticket_answer)
        self.estimator = WaitEstimator(self.config)
        self._seed_estimator()
        self.stats = DayStats.load(self.store.conn, today)
        self.day = today
        return closed

    def _seed_estimator(self) -> None:
        today = self.now().date().isoformat()
        rows = self.store.conn.execute(
            "SELECT service, finished_at - started_at FROM tickets "
            "WHERE day = ? AND status = 'done' AND started_at IS NOT NULL",
            (today,),
        ).fetchall()
        for service, seconds in rows:
            if service in self.config.services:
                self.estimator.observe(service, seconds)

    # -- reading --------------------------------------------------------------------------

    def services(self) -> list[ServiceNow]:
        q = self.queue
        now = self.now()
        views: list[ServiceNow] = []
        for sid in self.config.services:
            view = service_view(sid, self.config, q.service_states[sid], q.waiting_count(sid))
            views.append({**view, "open_now": view["open"] and self._in_hours(sid, now)})
        return views

    def _in_hours(self, service_id: str, now: datetime) -> bool:
        spec = self.config.services[service_id]
        return self.config.hall.ignore_hours or spec.open_at(now)

    def check_hours(self) -> int:
        """Announce services whose opening hours began or ended since the last check, so
        kiosks stop offering a service at lunch and offer it again after."""
        now = self.now()
        changed = 0
        for sid in self.config.services:
            in_hours = self._in_hours(sid, now)
            if self._hours_seen.get(sid, in_hours) != in_hours:
                hours = ServiceHours(service=sid, open_now=in_hours)
                self.record(EventType.SERVICE_HOURS, hours, None)
                changed += 1
            self._hours_seen[sid] = in_hours
        return changed

    def window(self, number: int) -> WindowView:
        w = self.queue.window(number)
        current = self.queue.tickets.get(w.current) if w.current else None
        parked = [self.queue.tickets[p] for p in w.parked if p in self.queue.tickets]
        return window_view(w, self.config, current, parked)

    def windows(self) -> list[WindowView]:
        return [self.window(n) for n in self.config.windows]

    def windows_open_for(self, service_id: str) -> int:
        return sum(
            1
            for n, spec in self.config.windows.items()
            if service_id in spec.services
            and self.queue.windows[n].staff is not None
            and not self.queue.windows[n].paused
        )

    def estimate(self, service_id: str, ahead: int) -> int | None:
        return self.estimator.minutes(service_id, ahead, self.windows_open_for(service_id))

    def ticket(self, ticket_id: int) -> TicketNow:
        if not 0 < ticket_id < 2**63:  # SQLite's integers: a larger id is no ticket
            raise DomainError("ticket_unknown", ticket=ticket_id)
        t = self.queue.tickets.get(ticket_id) or self.store.ticket(ticket_id)
        if t is None:
            raise DomainError("ticket_unknown", ticket=ticket_id)
        return self._ticket_now(t)

    def ticket_by_token(self, token: str) -> TicketNow:
        """The visitor's own view of their ticket, reached by the link on the slip."""
        t = self.store.ticket_by_token(token)
        if t is None:
            raise DomainError("ticket_unknown", ticket="?")
        return self._ticket_now(self.queue.tickets.get(t.id, t))

    def _ticket_now(self, t: Ticket) -> TicketNow:
        waiting: Waiting = {}
        if t.status is TicketStatus.WAITING:
            ahead = self.queue.ahead_of(t)
            waiting = {"waiting_ahead": ahead, "estimate_minutes": self.estimate(t.service, ahead)}
        return {**ticket_view(t, self.config), **waiting}

    def snapshot(self) -> Snapshot:
        """Everything a screen needs to draw the hall from nothing."""
        return {
            "hall": {
                "name": self.config.hall.name,
                "name_en": self.config.hall.name_en,
                "timezone": self.config.hall.timezone.key,
                "recall_cap": self.config.hall.recall_cap,
                "day": self.day,
            },
            "notice": self.notice,
            "services": self.services(),
            "windows": self.windows(),
            "recent_calls": self.recent_calls(),
            "settings": self.screen_settings,
        }

    def recent_calls(self, limit: int = 10) -> list[CallMessage]:
        """Today's latest calls, newest first."""
        midnight = self.now().replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        rows = self.store.conn.execute(
            "SELECT seq, type, at, data FROM events WHERE type IN (?, ?) AND at >= ? "
            "ORDER BY seq DESC LIMIT ?",
            (EventType.TICKET_CALLED.value, EventType.TICKET_RECALLED.value, midnight, limit),
        ).fetchall()
        calls: list[CallMessage] = []
        for seq, kind, at, text in rows:
            data: TicketEvent = json.loads(text)
            calls.append({"seq": seq, "type": kind, "at": at, **data})
        return calls

    # -- commands -------------------------------------------------------------------------

    def remembered(self, once: Once | None) -> Answer[Any] | None:
        """The answer already given for this idempotency key, if any."""
        if once is None:
            return None
        seen = self.store.remembered(once.scope, once.key)
        if seen is None:
            return None
        if seen.fingerprint != once.fingerprint:
            raise DomainError("idempotency_mismatch")
        return Answer(seen.status, seen.body)

    def issue(
        self,
        service_id: str,
        lane: Lane,
        actor: str | None,
        once: Once | None,
        also: Also | None = None,
        source: str = "",
    ) -> Answer[IssuedTicket]:
        """Take a number. `also` adds rows to the same transaction, e.g. the slip to print;
        `source` says who took it (a kiosk, staff, an address)."""
        if (seen := self.remembered(once)) is not None:
            return seen
        token = secrets.token_urlsafe(12)
        move = self.queue.issue(service_id, lane, self.now(), token, source)
        ticket = move.ticket
        assert ticket is not None
        ahead = self.queue.ahead_of_new(service_id, lane)

        def answer(view: TicketView | None, window: WindowView | None) -> Answer[IssuedTicket]:
            assert view is not None
            body: IssuedTicket = {
                **view,
                "token": ticket.token,  # for the visitor only: never in the public events
                "waiting_ahead": ahead,
                "estimate_minutes": self.estimate(service_id, ahead),
                **KioskParts(),  # a kiosk adds its slip and link
            }
            return Answer(201, body)

        more = None if also is None else lambda c, body: also(c, ticket, body)
        return self._run(move, actor, once, answer, more)

    def call_next(self, window: int, actor: Actor, once: Once | None) -> Answer[TicketAnswer]:
        if (seen := self.remembered(once)) is not None:
            return seen
        move = self.queue.call_next(window, actor.username, self.now())
        if move is None:
            body: TicketAnswer = {"ticket": None, "window": self.window(window)}
            answer = Answer(200, body)
            if once is not None:
                self.store.remember(
                    once.scope, once.key, once.fingerprint, 200, answer.body, self.clock.time()
                )
            return answer
        return self._run(move, actor.username, once, _ticket_answer)

    def act(
        self, command: Callable[[datetime], Move], actor: Actor | None, once: Once | None
    ) -> Answer[TicketAnswer]:
        """Run any other command: `command` gets the time and returns the rules' move."""
        if (seen := self.remembered(once)) is not None:
            return seen
        move = command(self.now())
        return self._run(move, actor.username if actor else None, once, _ticket_answer)

    def record(
        self,
        event: EventType,
        data: D,
        actor: str | None,
        write: Callable[[sqlite3.Connection], None] | None = None,
    ) -> D:
        """A change outside the queue (a notice, a print job): its rows and its event in one
        transaction, then the event goes out. `data` is the event's shape for its type
        (hall.payloads.PAYLOADS)."""

        def made(c: sqlite3.Connection) -> D:
            if write is not None:
                write(c)
            return data

        return self.record_made(event, actor, made)

    def record_made(
        self, event: EventType, actor: str | None, make: Callable[[sqlite3.Connection], D]
    ) -> D:
        """As `record`, for an event that tells what its rows became (a new row's id):
        `make` writes them and returns the event's data."""
        at = self.clock.time()
        with self.store.transaction() as c:
            data = make(c)
            seq = self.store.insert_event(c, event, at, data, actor)
        self._announce(Event(seq, event, at, data))
        return data

    def set_notice(self, text: str, actor: Actor) -> Answer[NoticeSet]:
        def write(c: sqlite3.Connection) -> None:
            c.execute("INSERT OR REPLACE INTO settings VALUES ('hall.notice', ?)", (text,))

        self.record(EventType.NOTICE_SET, NoticeSet(notice=text), actor.username, write)
        self.notice = text
        return Answer(200, NoticeSet(notice=text))

    def _run(
        self,
        move: Move,
        actor: str | None,
        once: Once | None,
        answer: Callable[[TicketView | None, WindowView | None], Answer[B]],
        also: Callable[[sqlite3.Connection, B], None] | None = None,
    ) -> Answer[B]:
        at = self.clock.time()
        ticket_now, window_now = self._views(move)
        data = self._event_data(move, ticket_now, window_now)
        result = answer(ticket_now, window_now)
        remember = (
            (once.scope, once.key, once.fingerprint, result.status, result.body) if once else None
        )
        extra = None
        if also is not None:
            extra = lambda c: also(c, result.body)  # noqa: E731
        seq = self.store.commit(move, data, at, actor, remember, extra)
        self.queue.apply(move)
        self.stats.observe(move)
        t = move.ticket
        if t is not None and t.status is TicketStatus.DONE and t.started_at and t.finished_at:
            self.estimator.observe(t.service, t.finished_at - t.started_at)
        self._announce(Event(seq, move.event, at, data))
        return result

    def _announce(self, event: Event) -> None:
        self.publish(event)
        for hook in self.after:
            hook(event)

    def _views(self, move: Move) -> tuple[TicketView | None, WindowView | None]:
        """The ticket and the window as the move leaves them."""
        ticket = ticket_view(move.ticket, self.config) if move.ticket is not None else None
        if move.window is None:
            return ticket, None
        w = move.window
        current = move.ticket if move.ticket and w.current == move.ticket.id else None
        if current is None and w.current is not None:
            current = self.queue.tickets.get(w.current)
        parked = [
            move.ticket if move.ticket and move.ticket.id == p else self.queue.tickets[p]
            for p in w.parked
            if p in self.queue.tickets or (move.ticket and move.ticket.id == p)
        ]
        return ticket, window_view(w, self.config, current, parked)

    def _event_data(
        self, move: Move, ticket: TicketView | None, window: WindowView | None
    ) -> QueueEventData:
        """What the event says: the move's detail, the records after the move and the queue
        lengths it leaves."""
        if move.ticket is not None and ticket is not None:
            t = move.ticket
            at: AtWindow = {}
            if move.window is not None and window is not None:
                at = {
                    "window": move.window.number,
                    "window_name": self.config.windows[move.window.number].name,
                    "window_state": window,
                }
            data: TicketEvent = {
                **move.detail,
                "ticket": ticket,
                "number": t.number,
                "service": t.service,
                "waiting": self._waiting_after(move),
                **at,
                **Spoken(),  # the enrichers may add the call's audio
            }
            for enrich in self.enrichers:
                enrich(move.event, data)
            return data
        if move.window is not None and window is not None:
            at_window: WindowEvent = {
                **move.window_detail,
                "window": move.window.number,
                "window_name": self.config.windows[move.window.number].name,
                "window_state": window,
            }
            return at_window
        s = move.service_state
        assert s is not None, f"{move.event} moves no ticket, window or service"
        return {"service": s.service, "open": s.open, "message": s.message}

    def _waiting_after(self, move: Move) -> dict[str, int]:
        counts = self.queue.waiting_counts()
        t = move.ticket
        assert t is not None
        old = self.queue.tickets.get(t.id)
        if old is not None and old.waiting:
            counts[old.service] -= 1
        if t.waiting:
            counts[t.service] += 1
        return counts


def _ticket_answer(ticket: TicketView | None, window: WindowView | None) -> Answer[TicketAnswer]:
    body: TicketAnswer = {"ticket": ticket}
    if window is not None:
        body["window"] = window
    return Answer(200, body)
