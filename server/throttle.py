"""Slows down password guessing, and keeps password hashing from taking over the server.

Every try at a name is counted as a failure *before* its password is hashed, and forgiven
only when it succeeds: a burst of parallel guesses at one account reaches the hash at most as
often as the limit allows, however they interleave. Wrong passwords also count per address
(one address trying one password across many accounts). Hashing itself runs on a
small pool of its own behind a bounded queue, so a flood of logins neither starves the
thread pool that reports use nor makes a real login wait behind hundreds of fakes.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from hall.errors import DomainError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Limit:
    failures: int  # this many failures inside `seconds` lock the name or address
    seconds: float


PER_NAME = Limit(5, 60.0)  # a name: five wrong passwords, then a minute's wait
PER_ADDRESS = Limit(20, 600.0)  # an address: twenty failures across any names in ten minutes
MAX_KEYS = 10_000  # a flood of made-up names must not grow memory without end


class _Window:
    """Failure times per key, inside a sliding window."""

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.times: dict[str, list[float]] = {}

    def recent(self, key: str, now: float) -> list[float]:
        cutoff = now - self.limit.seconds
        kept = [t for t in self.times.get(key, ()) if t > cutoff]
        if kept:
            self.times[key] = kept
        else:
            self.times.pop(key, None)
        return kept

    def wait(self, key: str, now: float) -> float:
        recent = self.recent(key, now)
        if len(recent) < self.limit.failures:
            return 0.0
        return recent[-self.limit.failures] + self.limit.seconds - now

    def add(self, key: str, now: float) -> None:
        if len(self.times) >= MAX_KEYS:
            for k in list(self.times):
                self.recent(k, now)
            if len(self.times) >= MAX_KEYS:  # still full of live keys: drop the oldest
                del self.times[next(iter(self.times))]
        self.times.setdefault(key, []).append(now)


@dataclass(frozen=True, slots=True)
class Attempt:
    """A try in progress: counted as failed until `LoginGuard.succeeded` says otherwise."""

    name: str
    address: str
    at: float


class LoginGuard:
    def __init__(self, clock: Callable[[], float]) -> None:
        """`clock` gives epoch seconds: the hall's clock, so tests can move it."""
        self.clock = clock
        self.names = _Window(PER_NAME)
        self.addresses = _Window(PER_ADDRESS)

    def begin(self, username: str, address: str) -> Attempt:
        """Refuse a locked name or address; otherwise count this try against the name as
        failed, now (parallel guesses at one name all count before any hash is checked)."""
        now = self.clock()
        name = username.strip().lower()
        wait = max(self.names.wait(name, now), self.addresses.wait(address, now))
        if wait > 0:
            raise DomainError("login_throttled", seconds=max(1, math.ceil(wait)))
        self.names.add(name, now)
        return Attempt(name, address, now)

    def failed(self, attempt: Attempt) -> None:
        """A wrong password: it counts against the address too (one password sprayed across
        many names). Only finished tries count there, so a room of staff signing in at 8:30
        from one address is not locked out by its own logins in flight."""
        self.addresses.add(attempt.address, attempt.at)

    def succeeded(self, attempt: Attempt) -> None:
        """The right password: the name starts afresh."""
        self.names.times.pop(attempt.name, None)


class HashGate:
    """A fixed number of password hashes at a time, and a short queue; past it, 'busy'."""

    def __init__(self, workers: int = 2, queue: int = 64) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="password-hash")
        self.room = asyncio.Semaphore(workers + queue)
        self.queue = queue

    async def run(self, work: Callable[[], T]) -> T:
        if self.room.locked():
            raise DomainError("login_busy", seconds=5)
        async with self.room:
            return await asyncio.get_running_loop().run_in_executor(self.pool, work)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
