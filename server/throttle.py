"""Slows down password guessing: a few failures lock a name (from an address) for a while."""

from __future__ import annotations

from collections.abc import Callable

MAX_FAILURES = 5
LOCK_SECONDS = 60.0


class LoginThrottle:
    def __init__(self, clock: Callable[[], float]) -> None:
        """`clock` gives epoch seconds: the hall's clock, so tests can move it."""
        self.clock = clock
        self._failures: dict[tuple[str, str], list[float]] = {}

    def wait_seconds(self, username: str, address: str) -> int:
        """How long this name from this address must wait before trying again; 0 if free."""
        recent = self._recent((username.lower(), address))
        if len(recent) < MAX_FAILURES:
            return 0
        return max(1, round(recent[-MAX_FAILURES] + LOCK_SECONDS - self.clock()))

    def failed(self, username: str, address: str) -> None:
        key = (username.lower(), address)
        self._failures[key] = [*self._recent(key), self.clock()]
        if len(self._failures) > 10_000:  # a flood of made-up names must not grow memory
            self._failures = {k: v for k, v in self._failures.items() if self._recent(k)}

    def succeeded(self, username: str, address: str) -> None:
        self._failures.pop((username.lower(), address), None)

    def _recent(self, key: tuple[str, str]) -> list[float]:
        cutoff = self.clock() - LOCK_SECONDS
        return [t for t in self._failures.get(key, []) if t > cutoff]
