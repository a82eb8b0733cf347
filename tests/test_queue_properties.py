"""Property-based tests of the queue rules: whatever staff and visitors do, in any order,
no ticket is lost, none is served twice, and each call respects the queue's order."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from hall.config import load_config
from hall.errors import DomainError
from hall.model import Lane, Outcome, TicketStatus
from hall.queue import Move, Queue, WindowAction, window_actions

CONFIG = load_config(Path(__file__).parent / "halls" / "small.toml")
WINDOWS = sorted(CONFIG.windows)
SERVICES = sorted(CONFIG.services)
TZ = ZoneInfo("Asia/Shanghai")


class HallMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.q = Queue(CONFIG)
        self.t = datetime(2026, 11, 30, 9, 0, tzinfo=TZ)
        self.issued: dict[int, str] = {}  # id -> number, everything ever issued
        self.final: dict[int, TicketStatus] = {}  # closed tickets and how they closed
        self.served: list[int] = []  # ids finished, in order; each at most once
        for n in WINDOWS:
            self.apply(self.q.sign_in(n, f"s{n}", f"员工{n}", self.now()))

    def now(self) -> datetime:
        self.t += timedelta(seconds=7)
        return self.t

    def apply(self, move: Move | None) -> None:
        if move is None:
            return
        self.q.apply(move)
        t = move.ticket
        if t is not None and not t.status.is_open:
            assert t.id not in self.final, f"{t.number} closed twice"
            self.final[t.id] = t.status
            if t.status is TicketStatus.DONE:
                self.served.append(t.id)

    def attempt(self, command: Callable[[], Move | None]) -> None:
        # Refused moves are part of the game; the invariants check that they changed nothing.
        with contextlib.suppress(DomainError):
            self.apply(command())

    @rule(service=st.sampled_from(SERVICES), lane=st.sampled_from(list(Lane)))
    def take(self, service: str, lane: Lane) -> None:
        try:
            move = self.q.issue(service, lane, self.now())
        except DomainError as err:
            assert err.code == "service_full"
            return
        assert move.ticket is not None
        assert move.ticket.number not in self.issued.values()
        self.issued[move.ticket.id] = move.ticket.number
        self.apply(move)

    @rule(window=st.sampled_from(WINDOWS))
    def call_next(self, window: int) -> None:
        expected = self.q.next_for(window)
        w = self.q.windows[window]
        try:
            move = self.q.call_next(window, w.staff, self.now())
        except DomainError:
            return
        if move is None:
            assert expected is None
            self._nobody_eligible(window)
            return
        assert move.ticket is not None and expected is not None
        assert move.ticket.id == expected.id
        self._respects_order(window, move.ticket.id)
        self.apply(move)

    def _nobody_eligible(self, window: int) -> None:
        served = CONFIG.windows[window].services
        for t in self.q.tickets.values():
            if t.waiting:
                assert t.directed_window != window
                assert t.directed_window is not None or t.service not in served

    def _respects_order(self, window: int, chosen: int) -> None:
        """No eligible ticket in a better lane, or older in the same lane and service."""
        c = self.q.tickets[chosen]
        served = CONFIG.windows[window].services
        for t in self.q.tickets.values():
            if not t.waiting or t.id == chosen:
                continue
            eligible = t.directed_window == window or (
                t.directed_window is None and t.service in served
            )
            if not eligible:
                continue
            assert t.lane.rank >= c.lane.rank, f"{t.number} is in a better lane than {c.number}"
            same_queue = (t.service, t.front, t.directed_window) == (
                c.service,
                c.front,
                c.directed_window,
            )
            if t.lane is c.lane and same_queue:
                assert t.queued_at >= c.queued_at, f"{t.number} waited longer than {c.number}"

    @rule(window=st.sampled_from(WINDOWS))
    def recall(self, window: int) -> None:
        self.attempt(lambda: self.q.recall(window, self.now()))

    @rule(window=st.sampled_from(WINDOWS))
    def start(self, window: int) -> None:
        self.attempt(lambda: self.q.start(window, self.now()))

    @rule(window=st.sampled_from(WINDOWS), outcome=st.sampled_from(list(Outcome)))
    def finish(self, window: int, outcome: Outcome) -> None:
        self.attempt(lambda: self.q.finish(window, outcome, self.now()))

    @rule(window=st.sampled_from(WINDOWS))
    def no_show(self, window: int) -> None:
        self.attempt(lambda: self.q.no_show(window, self.now()))

    @rule(window=st.sampled_from(WINDOWS), service=st.sampled_from(SERVICES))
    def transfer_service(self, window: int, service: str) -> None:
        self.attempt(lambda: self.q.transfer(window, self.now(), to_service=service))

    @rule(window=st.sampled_from(WINDOWS), to=st.sampled_from(WINDOWS))
    def transfer_window(self, window: int, to: int) -> None:
        self.attempt(lambda: self.q.transfer(window, self.now(), to_window=to))

    @rule(window=st.sampled_from(WINDOWS))
    def park(self, window: int) -> None:
        self.attempt(lambda: self.q.park(window, self.now()))

    @rule(window=st.sampled_from(WINDOWS), pick=st.integers(0, 5))
    def call_back(self, window: int, pick: int) -> None:
        parked = self.q.windows[window].parked
        if parked:
            tid = parked[pick % len(parked)]
            self.attempt(lambda: self.q.call_back(window, tid, None, self.now()))

    @rule(window=st.sampled_from(WINDOWS))
    def pause_or_resume(self, window: int) -> None:
        if self.q.windows[window].paused:
            self.attempt(lambda: self.q.resume(window, self.now()))
        else:
            self.attempt(lambda: self.q.pause(window, "休息", self.now()))

    @rule(pick=st.integers(0, 50))
    def cancel(self, pick: int) -> None:
        waiting = [t.id for t in self.q.tickets.values() if t.waiting]
        if waiting:
            tid = waiting[pick % len(waiting)]
            self.attempt(lambda: self.q.cancel(tid, "visitor left", self.now()))

    @invariant()
    def no_ticket_is_lost(self) -> None:
        open_ids = set(self.q.tickets)
        assert open_ids.isdisjoint(self.final)
        assert open_ids | set(self.final) == set(self.issued)

    @invariant()
    def none_is_served_twice(self) -> None:
        assert len(self.served) == len(set(self.served))

    @invariant()
    def windows_and_tickets_agree(self) -> None:
        holders: dict[int, int] = {}
        for w in self.q.windows.values():
            for tid in ([w.current] if w.current else []) + list(w.parked):
                assert tid not in holders, "a ticket held by two windows"
                holders[tid] = w.number
        for t in self.q.tickets.values():
            if t.status in (TicketStatus.CALLED, TicketStatus.SERVING):
                assert holders.get(t.id) == t.window and self.q.windows[t.window].current == t.id
            elif t.status is TicketStatus.PARKED:
                assert t.id in self.q.windows[holders[t.id]].parked
            else:
                assert t.id not in holders

    @invariant()
    def waiting_counts_match(self) -> None:
        for s in SERVICES:
            actual = sum(1 for t in self.q.tickets.values() if t.waiting and t.service == s)
            assert self.q.waiting_count(s) == actual
            assert len(self.q.waiting_tickets(s)) == actual

    @invariant()
    def a_windows_list_is_its_call_order_and_count(self) -> None:
        """waiting_for reads the heaps without sorting them: it must agree with sorting
        every eligible ticket by the window's order, and with the count of them."""
        for n in WINDOWS:
            served = CONFIG.windows[n].services
            eligible = [
                (-1 if t.directed_window == n else served.index(t.service), t)
                for t in self.q.tickets.values()
                if t.waiting
                and (t.directed_window == n or (t.directed_window is None and t.service in served))
            ]
            expected = [
                t.id for _, t in sorted(eligible, key=lambda c: self.q._window_key(c[1], c[0]))
            ]
            first, total = self.q.waiting_for(n, 4)
            assert total == len(eligible), f"window {n}: {total} != {len(eligible)}"
            assert [t.id for t in first] == expected[:4]
            head = self.q.next_for(n)
            assert (head.id if head else None) == (expected[0] if expected else None)

    @invariant()
    def offered_actions_are_the_legal_ones(self) -> None:
        """The counter's buttons come from window_actions: it must offer exactly what the
        rules accept, tried here on the very state (commands change nothing until applied)."""
        for n, w in self.q.windows.items():
            current = self.q.tickets.get(w.current) if w.current else None
            offered = set(window_actions(w, current, self.q.recall_cap))
            for action, command in self._commands(n).items():
                try:
                    command()
                    accepted = True
                except DomainError:
                    accepted = False
                assert accepted == (action in offered), f"window {n}: {action} {accepted=}"

    def _commands(self, n: int) -> dict[WindowAction, Callable[[], object]]:
        q, now, a = self.q, self.t, WindowAction
        w = q.windows[n]
        other = next(s for s in SERVICES if current_service(q, n) != s)
        return {
            a.SIGN_OUT: lambda: q.sign_out(n, now),
            a.CALL_NEXT: lambda: q.call_next(n, w.staff, now),
            a.CALL_BACK: lambda: q.call_back(n, w.parked[0] if w.parked else -1, None, now),
            a.RECALL: lambda: q.recall(n, now),
            a.START: lambda: q.start(n, now),
            a.FINISH: lambda: q.finish(n, Outcome.ON_THE_SPOT, now),
            a.NO_SHOW: lambda: q.no_show(n, now),
            a.TRANSFER: lambda: q.transfer(n, now, to_service=other),
            a.PARK: lambda: q.park(n, now),
            a.PAUSE: lambda: q.pause(n, "休息", now),
            a.RESUME: lambda: q.resume(n, now),
        }


def current_service(q: Queue, n: int) -> str | None:
    current = q.windows[n].current
    return q.tickets[current].service if current else None


TestHall = HallMachine.TestCase
TestHall.settings = settings(max_examples=150, stateful_step_count=60, deadline=None)
