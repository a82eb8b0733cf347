"""A first wait estimate: people ahead times handling time, shared by the windows open."""

from __future__ import annotations

import math
from collections import defaultdict

from hall.config import HallConfig

# How many finished services the configured standard time counts as: the estimate starts
# at the standard and moves toward what the hall really takes as the day goes on.
_PRIOR_WEIGHT = 5


class WaitEstimator:
    def __init__(self, config: HallConfig) -> None:
        self.config = config
        self._sum: dict[str, float] = defaultdict(float)
        self._count: dict[str, int] = defaultdict(int)

    def observe(self, service_id: str, handling_seconds: float) -> None:
        if 0 < handling_seconds < 8 * 3600:  # a ticket left open overnight tells us nothing
            self._sum[service_id] += handling_seconds
            self._count[service_id] += 1

    def handling_minutes(self, service_id: str) -> float:
        standard = self.config.services[service_id].standard_minutes
        n = self._count[service_id]
        return (standard * _PRIOR_WEIGHT + self._sum[service_id] / 60) / (_PRIOR_WEIGHT + n)

    def minutes(self, service_id: str, ahead: int, windows_open: int) -> int | None:
        """Expected minutes until called; None when no window serving it is open."""
        if windows_open <= 0:
            return None
        if ahead == 0:
            return 0
        return math.ceil(ahead * self.handling_minutes(service_id) / windows_open)
