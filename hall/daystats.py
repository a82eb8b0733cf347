"""Today's running figures per service and window, kept up to date from every move."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

from hall.events import EventType
from hall.model import TicketStatus
from hall.queue import Move


@dataclass
class Tally:
    taken: int = 0
    served: int = 0
    no_show: int = 0
    wait_sum: float = 0.0  # taken -> first called
    wait_n: int = 0
    handling_sum: float = 0.0  # started -> finished
    handling_n: int = 0

    @property
    def average_wait(self) -> float | None:
        return self.wait_sum / self.wait_n if self.wait_n else None

    @property
    def average_handling(self) -> float | None:
        return self.handling_sum / self.handling_n if self.handling_n else None


@dataclass
class DayStats:
    day: str
    services: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    windows: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def observe(self, move: Move) -> None:
        t = move.ticket
        if t is None or t.day != self.day:
            return
        s = self.services[t.service]
        if move.event is EventType.TICKET_ISSUED:
            s.taken += 1
        elif (
            move.event is EventType.TICKET_CALLED
            and t.transfers == 0
            and t.called_at is not None
            and not move.detail.get("callback")
        ):
            s.wait_sum += t.called_at - t.taken_at
            s.wait_n += 1
        elif move.event is EventType.TICKET_NO_SHOW:
            s.no_show += 1
        elif move.event is EventType.TICKET_FINISHED and t.window is not None:
            w = self.windows[t.window]
            for tally in (s, w):
                tally.served += 1
                if t.started_at is not None and t.finished_at is not None:
                    tally.handling_sum += t.finished_at - t.started_at
                    tally.handling_n += 1

    @classmethod
    def load(cls, conn: sqlite3.Connection, day: str) -> DayStats:
        """Today's figures from the tickets table, at start-up or when a new day begins."""
        stats = cls(day)
        rows = conn.execute(
            "SELECT service, status, window, taken_at, called_at, started_at, finished_at, "
            "transfers FROM tickets WHERE day = ?",
            (day,),
        ).fetchall()
        for service, status, window, taken, called, started, finished, transfers in rows:
            s = stats.services[service]
            s.taken += 1
            if called is not None and transfers == 0:
                s.wait_sum += called - taken
                s.wait_n += 1
            if status == TicketStatus.NO_SHOW.value:
                s.no_show += 1
            if status == TicketStatus.DONE.value and window is not None:
                w = stats.windows[window]
                for tally in (s, w):
                    tally.served += 1
                    if started is not None and finished is not None:
                        tally.handling_sum += finished - started
                        tally.handling_n += 1
        return stats
