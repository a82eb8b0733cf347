"""The hall's one clock: every time the hall reads comes from here.

The server makes one `SystemClock` at start-up; tests and the hall-day simulator make a
`ManualClock` and move it, so a whole day runs in seconds. Nothing else in the hall reads
the wall clock.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...

    def time(self) -> float:
        """The current time in epoch seconds, as the database stores it."""
        ...


class SystemClock:
    """The real time: the one place where the wall clock is read."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def time(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told: for tests and simulations."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a ManualClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def time(self) -> float:
        return self._now.timestamp()

    def advance(self, seconds: float = 0, **delta: float) -> datetime:
        """Move on by `seconds` (or by timedelta's keywords: minutes=5, hours=1)."""
        step = timedelta(seconds=seconds, **delta)
        if step < timedelta(0):
            raise ValueError("the hall's clock never goes back")
        self._now += step
        return self._now

    def set(self, when: datetime) -> datetime:
        """Jump to a later moment (the next morning, say)."""
        if when.tzinfo is None:
            raise ValueError("a ManualClock needs timezone-aware times")
        when = when.astimezone(UTC)
        if when < self._now:
            raise ValueError("the hall's clock never goes back")
        self._now = when
        return self._now
