"""A whole hall day through the real Hall, on a real SQLite file, with a clock the test
moves: 08:30 to 17:30 with a lunch break, in well under a second of waiting."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hall.actors import Actor, Role
from hall.clock import ManualClock
from hall.events import Event, EventType
from hall.hall import Hall
from hall.model import Lane, Outcome, TicketStatus
from server.app import open_store
from tests.inproc import hall_config

TZ = ZoneInfo("Asia/Shanghai")
OPEN = datetime(2026, 12, 3, 8, 30, tzinfo=TZ)  # a Thursday
LUNCH, AFTERNOON = OPEN.replace(hour=12, minute=0), OPEN.replace(hour=13, minute=0)
CLOSE = OPEN.replace(hour=17)
STAFF = {1: Actor("li", "李明", Role.STAFF), 2: Actor("zhao", "赵丽", Role.STAFF)}


def test_a_whole_day_runs_on_the_moved_clock(tmp_path: Path) -> None:
    clock = ManualClock(OPEN)
    events: list[Event] = []
    store = open_store(tmp_path / "hallcall.db")
    hall = Hall(hall_config(), store, clock, events.append)
    rng = random.Random(7)
    for n, actor in STAFF.items():
        hall.act(
            lambda now, n=n, a=actor: hall.queue.sign_in(n, a.username, a.name, now), actor, None
        )

    def serve_one(window: int) -> None:
        actor = STAFF[window]
        if clock.now() + timedelta(minutes=10) > LUNCH and clock.now() < AFTERNOON:
            return  # nobody starts a new visitor just before lunch
        called = hall.call_next(window, actor, None).body["ticket"]
        if called is None:
            return
        clock.advance(seconds=30)
        hall.act(lambda now: hall.queue.start(window, now), actor, None)
        clock.advance(minutes=rng.randint(3, 9))
        hall.act(lambda now: hall.queue.finish(window, Outcome.ON_THE_SPOT, now), actor, None)

    taken = 0
    while clock.now() < CLOSE:
        at_lunch = LUNCH <= clock.now() < AFTERNOON
        for _ in range(3 if not at_lunch else rng.randint(0, 1)):  # a few come at lunch too
            hall.issue(rng.choice(["business", "social"]), Lane.NORMAL, None, None)
            taken += 1
        for window in STAFF:
            at_lunch = LUNCH <= clock.now() < AFTERNOON  # serving moves the clock on
            paused = hall.queue.windows[window].paused
            if at_lunch and not paused:
                hall.act(
                    lambda now, w=window: hall.queue.pause(w, "午休", now), STAFF[window], None
                )
            elif not at_lunch and paused:
                hall.act(lambda now, w=window: hall.queue.resume(w, now), STAFF[window], None)
            elif not at_lunch:
                serve_one(window)
        clock.advance(minutes=4)

    # Every event carries the hall's time, never the wall clock's.
    assert all(OPEN.timestamp() <= e.at <= clock.time() for e in events)
    pauses = [e for e in events if e.type is EventType.WINDOW_PAUSED]
    assert [datetime.fromtimestamp(e.at, TZ).hour for e in pauses] == [12, 12]
    finished = [e for e in events if e.type is EventType.TICKET_FINISHED]
    assert 40 < len(finished) < taken
    for e in finished:
        t = e.data["ticket"]
        assert t["taken_at"] <= t["called_at"] <= t["started_at"] <= t["finished_at"] == e.at
        assert not LUNCH.timestamp() < t["started_at"] < AFTERNOON.timestamp()
    left = [t for t in hall.queue.tickets.values() if t.status is TicketStatus.WAITING]
    assert left, "the afternoon ends with people still waiting"

    # The next morning: yesterday's leftovers close with their own events, numbers restart.
    clock.set(OPEN + timedelta(days=1))
    assert hall.close_previous_days() == len(left)
    assert not hall.queue.tickets
    first = hall.issue("business", Lane.NORMAL, None, None).body
    assert (first["number"], first["day"]) == ("A001", "2026-12-04")
    store.close()
