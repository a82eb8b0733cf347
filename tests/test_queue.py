"""The queue rules on their own: no server, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hall.config import load_config
from hall.errors import DomainError
from hall.model import Lane, Outcome, QueuePolicy, TicketStatus
from hall.queue import Move, Queue

CONFIG = load_config(Path(__file__).parent / "halls" / "small.toml")
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=TZ)


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def run(q: Queue, move: Move | None) -> Move | None:
    if move is not None:
        q.apply(move)
    return move


def take(q: Queue, now: Clock, service: str, lane: Lane = Lane.NORMAL) -> str:
    move = q.issue(service, lane, now())
    q.apply(move)
    assert move.ticket is not None
    return move.ticket.number


def call(q: Queue, now: Clock, window: int) -> str | None:
    move = q.call_next(window, "li", now())
    if move is None:
        return None
    q.apply(move)
    assert move.ticket is not None
    return move.ticket.number


def serve(q: Queue, now: Clock, window: int) -> None:
    run(q, q.start(window, now()))
    run(q, q.finish(window, Outcome.ON_THE_SPOT, now()))


@pytest.fixture
def q() -> Queue:
    queue = Queue(CONFIG)
    for n in (1, 2, 3, 5):
        run(queue, queue.sign_in(n, f"staff{n}", f"员工{n}", T0))
    return queue


def test_numbers_run_per_prefix_and_restart_the_next_day(q: Queue) -> None:
    now = Clock()
    assert [take(q, now, "business") for _ in range(3)] == ["A001", "A002", "A003"]
    assert take(q, now, "social") == "B001"
    now.t = T0 + timedelta(days=1)
    assert take(q, now, "business") == "A001"


def test_window_takes_its_preferred_service_first_oldest_first(q: Queue) -> None:
    now = Clock()
    take(q, now, "social")  # B001, the oldest ticket in the hall
    take(q, now, "business")  # A001
    take(q, now, "business")  # A002
    assert call(q, now, 1) == "A001"  # window 1 prefers business
    assert call(q, now, 2) == "B001"  # window 2 prefers social
    serve(q, now, 1)
    assert call(q, now, 1) == "A002"


def test_priority_lane_goes_first_across_the_windows_services(q: Queue) -> None:
    now = Clock()
    take(q, now, "business")
    take(q, now, "social", Lane.PRIORITY)  # B001, 绿色通道
    assert call(q, now, 1) == "B001"


def test_longest_wait_policy_ignores_preference() -> None:
    config = replace(CONFIG, hall=replace(CONFIG.hall, queue_policy=QueuePolicy.LONGEST_WAIT))
    q = Queue(config)
    run(q, q.sign_in(1, "li", "李明", T0))
    now = Clock()
    take(q, now, "social")
    take(q, now, "business")
    assert call(q, now, 1) == "B001"


def test_a_window_calls_only_what_it_serves(q: Queue) -> None:
    now = Clock()
    take(q, now, "social")
    assert call(q, now, 5) is None  # window 5 serves business only
    with pytest.raises(DomainError) as err:
        q.call_number(5, "B001", "li", now())
    assert err.value.code == "not_served_here"


def test_a_busy_window_must_close_its_ticket_before_calling_again(q: Queue) -> None:
    now = Clock()
    take(q, now, "business")
    take(q, now, "business")
    call(q, now, 1)
    with pytest.raises(DomainError) as err:
        q.call_next(1, "li", now())
    assert err.value.code == "window_busy"
    assert "A001" in err.value.message("zh")


def test_transitions_are_checked(q: Queue) -> None:
    now = Clock()
    take(q, now, "business")
    call(q, now, 1)
    with pytest.raises(DomainError) as err:
        q.finish(1, Outcome.ON_THE_SPOT, now())  # not started yet
    assert err.value.code == "illegal_transition"
    assert "不能办结" in err.value.message("zh")
    run(q, q.start(1, now()))
    with pytest.raises(DomainError):
        q.no_show(1, now())  # a visitor being served is not a no-show
    with pytest.raises(DomainError):
        q.recall(1, now())


def test_recalls_are_capped(q: Queue) -> None:
    now = Clock()
    take(q, now, "business")
    call(q, now, 1)
    run(q, q.recall(1, now()))
    run(q, q.recall(1, now()))
    with pytest.raises(DomainError) as err:
        q.recall(1, now())  # the small hall's cap is 2
    assert err.value.code == "recall_cap"
    run(q, q.no_show(1, now()))
    assert q.window(1).current is None


def test_transfer_keeps_the_original_time_and_goes_to_the_front(q: Queue) -> None:
    now = Clock()
    take(q, now, "business")  # A001
    take(q, now, "social")  # B001
    take(q, now, "social")  # B002
    assert call(q, now, 5) == "A001"
    run(q, q.start(5, now()))
    move = run(q, q.transfer(5, now(), to_service="social"))
    assert move is not None and move.ticket is not None
    assert move.ticket.taken_at == move.ticket.queued_at < q.tickets[2].taken_at
    assert move.detail["from_service"] == "business"
    assert call(q, now, 2) == "A001"  # ahead of B001, which came later
    assert call(q, now, 1) == "B001"


def test_transfer_to_a_window_waits_for_that_window_only(q: Queue) -> None:
    now = Clock()
    take(q, now, "business")
    take(q, now, "business")
    call(q, now, 1)
    run(q, q.transfer(1, now(), to_window=5))
    assert call(q, now, 2) == "A002"  # window 2 does not see A001
    assert call(q, now, 5) == "A001"


def test_park_and_call_back(q: Queue) -> None:
    now = Clock()
    take(q, now, "business")
    take(q, now, "business")
    call(q, now, 1)
    run(q, q.park(1, now()))
    assert q.tickets[1].status is TicketStatus.PARKED
    assert call(q, now, 1) == "A002"
    with pytest.raises(DomainError):
        q.call_back(1, 1, "li", now())  # busy with A002
    serve(q, now, 1)
    run(q, q.call_back(1, 1, "li", now()))
    assert q.window(1).current == 1 and q.window(1).parked == ()
    with pytest.raises(DomainError) as err:
        q.call_back(2, 1, "li", now())
    assert err.value.code == "window_busy" or err.value.code == "not_parked_here"


def test_pause_and_resume(q: Queue) -> None:
    now = Clock()
    take(q, now, "business")
    run(q, q.pause(1, "业务培训", now()))
    with pytest.raises(DomainError) as err:
        q.call_next(1, "li", now())
    assert err.value.code == "window_paused"
    run(q, q.resume(1, now()))
    assert call(q, now, 1) == "A001"
    with pytest.raises(DomainError):
        q.pause(1, "休息", now())  # busy


def test_daily_cap_and_closed_service(q: Queue) -> None:
    now = Clock()
    take(q, now, "capped")
    take(q, now, "capped")
    with pytest.raises(DomainError) as err:
        q.issue("capped", Lane.NORMAL, now())
    assert err.value.code == "service_full"
    run(q, q.set_service_open("business", False, "系统升级"))
    with pytest.raises(DomainError) as err:
        q.issue("business", Lane.NORMAL, now())
    assert err.value.code == "service_closed" and "系统升级" in err.value.message()
    with pytest.raises(DomainError) as err:
        q.issue("nope", Lane.NORMAL, now())
    assert err.value.code == "service_unknown"


def test_opening_hours_are_kept_unless_the_hall_ignores_them() -> None:
    demo = load_config()
    strict = replace(demo, hall=replace(demo.hall, ignore_hours=False))
    q = Queue(strict)
    sunday_night = datetime(2026, 11, 29, 21, 0, tzinfo=TZ)
    with pytest.raises(DomainError) as err:
        q.issue("business", Lane.NORMAL, sunday_night)
    assert err.value.code == "service_outside_hours"
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=TZ)
    assert q.issue("business", Lane.NORMAL, monday).ticket is not None
    assert q.issue("enquiry", Lane.NORMAL, sunday_night).ticket is not None  # no hours: open


def test_a_refused_command_changes_nothing(q: Queue) -> None:
    now = Clock()
    take(q, now, "business")
    before = (dict(q.tickets), dict(q.windows), dict(q.counters))
    q.issue("business", Lane.NORMAL, now())  # decided, never applied: as if storage failed
    with pytest.raises(DomainError):
        q.recall(1, now())
    assert (dict(q.tickets), dict(q.windows), dict(q.counters)) == before


def test_sign_in_rules(q: Queue) -> None:
    with pytest.raises(DomainError) as err:
        q.sign_in(1, "someone", "某人", T0)
    assert err.value.code == "window_taken"
    run(q, q.sign_out(2, T0))
    with pytest.raises(DomainError) as err:
        q.sign_in(2, "staff1", "员工1", T0)
    assert err.value.code == "staff_elsewhere"


def test_people_ahead(q: Queue) -> None:
    now = Clock()
    take(q, now, "business")
    take(q, now, "business")
    assert q.ahead_of_new("business", Lane.NORMAL) == 2
    assert q.ahead_of_new("business", Lane.PRIORITY) == 0
    take(q, now, "business", Lane.PRIORITY)
    assert q.ahead_of(q.tickets[2]) == 2  # the priority ticket and A001


def test_a_new_day_closes_what_yesterday_left_open(q: Queue) -> None:
    now = Clock()
    for service in ("business", "business", "social", "social"):
        take(q, now, service)
    call(q, now, 5)  # A001, then parked at window 5
    run(q, q.park(5, now()))
    call(q, now, 5)  # A002: called, never came
    call(q, now, 2)  # B001: being served at closing time
    run(q, q.start(2, now()))  # B002 is left waiting
    tomorrow = T0 + timedelta(days=1)
    closed = {}
    for tid in q.stale(tomorrow.date().isoformat()):
        move = q.expire(tid, tomorrow)
        if move is not None:
            assert move.ticket is not None
            closed[move.ticket.number] = move.ticket.status
            run(q, move)
    assert closed == {
        "A001": TicketStatus.CANCELLED,
        "A002": TicketStatus.NO_SHOW,
        "B002": TicketStatus.CANCELLED,
    }
    assert q.window(5).current is None and q.window(5).parked == ()
    assert q.window(2).current is not None  # B001 is being served: staff finish it
    morning = Clock()
    morning.t = tomorrow
    assert take(q, morning, "business") == "A001"


def test_a_window_with_parked_tickets_cannot_sign_out_and_a_manager_can_cancel_them(
    q: Queue,
) -> None:
    now = Clock()
    take(q, now, "business")
    call(q, now, 1)
    run(q, q.park(1, now()))
    with pytest.raises(DomainError) as err:
        q.sign_out(1, now())  # nobody else could call A001 back
    assert err.value.code == "window_has_parked" and "A001" in err.value.message()
    run(q, q.cancel(1, "群众离开", now()))
    assert q.window(1).parked == ()
    run(q, q.sign_out(1, now()))
