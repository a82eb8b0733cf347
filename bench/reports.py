"""Queue reports over a year of a busy hall: generation, rollup build and each report's time.

Target (the hall manager's live view): any report over a year of at least 1.5 million tickets
in <= 1 s. Prints figures; asserts nothing. `--tickets N` for a quick run.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import chinese_calendar

from hall.config import HallConfig, load_config
from hall.reports.queue_report import (
    Dimension,
    arrivals_vs_served_by_hour,
    report,
    report_csv,
    report_xlsx,
    wait_distribution,
    window_load,
)
from hall.reports.rollups import build_rollups, live_days
from hall.storage import Store
from server.app import open_store

FIRST_DAY = date(2025, 1, 1)
TODAY = date(2025, 12, 31)  # the last day of the year: open until midday when the bench runs
RATINGS_STILL_COMING = 9  # days whose ratings changed since the last nightly build
TARGET = 1.0

# Arrivals by half hour from 08:30: a morning peak, the lunch dip, a smaller afternoon peak.
HALF_HOURS = [(8 * 60 + 30 + 30 * i) for i in range(18)]
WEEKDAY_CURVE = [0.6, 1.0, 1.2, 1.3, 1.2, 1.0, 0.7, 0.15, 0.1, 0.2, 0.9, 1.1, 1.1, 1.0, 0.9, 0.7,
                 0.5, 0.2]  # fmt: skip
SATURDAY_CURVE = [0.6, 1.0, 1.2, 1.2, 1.0, 0.8, 0.5] + [0.0] * 11
DAY_WEIGHT = {0: 1.3, 1: 1.05, 2: 1.0, 3: 1.0, 4: 0.9, 5: 0.3}  # Mondays are the busiest
SERVICE_MIX = {"business": 22, "social": 30, "realestate": 9, "tax": 15, "fund": 10,
               "enquiry": 13, "help": 1}  # fmt: skip
SATURDAY_SERVICES = ("business", "social", "enquiry")
WAIT_MEDIAN_MINUTES = {"business": 14, "social": 10, "realestate": 22, "tax": 12, "fund": 9,
                       "enquiry": 4, "help": 6}  # fmt: skip
LEVELS = ([5] * 70) + ([4] * 20) + ([3] * 6) + ([2] * 3) + [1]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def hall_days(first: date, last: date) -> list[date]:
    """Working days by the state calendar (with its make-up Saturdays), plus Saturday mornings."""
    days = []
    for n in range((last - first).days + 1):
        d = first + timedelta(n)
        named_holiday = chinese_calendar.get_holiday_detail(d)[1] is not None
        if chinese_calendar.is_workday(d) or (d.weekday() == 5 and not named_holiday):
            days.append(d)
    return days


def staff_of(window: int, afternoon: bool) -> str:
    return f"s{window:02d}{'b' if afternoon else 'a'}"


def generate(store: Store, config: HallConfig, tickets: int, seed: int = 2025) -> tuple[int, int]:
    """A year of tickets and their ratings, written in big executemany transactions."""
    rng = random.Random(seed)
    tz = config.hall.timezone
    days = hall_days(FIRST_DAY, TODAY)
    weight = {
        d: DAY_WEIGHT[5] if d.weekday() == 5 and not chinese_calendar.is_workday(d) else
        DAY_WEIGHT[min(d.weekday(), 4)]
        for d in days
    }  # fmt: skip
    per_weight = tickets / sum(weight.values())
    windows_of = {s: [w.number for w in config.windows.values() if s in w.services] for s in
                  config.services}  # fmt: skip
    c = store.conn
    c.executemany(
        "INSERT INTO users (username, name, role, password_hash, created_at) VALUES "
        "(?, ?, 'staff', '-', 0)",
        [
            (staff_of(w, pm), f"{SURNAMES[(w * 2 + pm) % len(SURNAMES)]}{'晓明' if pm else '丽华'}")
            for w in config.windows
            for pm in (False, True)
        ],
    )
    ticket_id = 0
    made, rated = 0, 0
    for chunk in _chunks(days, 20):
        ticket_rows: list[tuple[Any, ...]] = []
        rating_rows: list[tuple[Any, ...]] = []
        for d in chunk:
            saturday = d.weekday() == 5 and not chinese_calendar.is_workday(d)
            curve = SATURDAY_CURVE if saturday else WEEKDAY_CURVE
            mix = {s: SERVICE_MIX[s] for s in (SATURDAY_SERVICES if saturday else SERVICE_MIX)}
            n = round(weight[d] * per_weight)
            midnight = datetime(d.year, d.month, d.day, tzinfo=tz).timestamp()
            starts = rng.choices(HALF_HOURS, curve, k=n)
            services = rng.choices(list(mix), list(mix.values()), k=n)
            counters: dict[str, int] = {}
            for start, service in sorted(zip(starts, services, strict=True)):
                ticket_id += 1
                taken = midnight + start * 60 + rng.uniform(0, 1800)
                prefix = config.services[service].prefix
                counters[prefix] = counters.get(prefix, 0) + 1
                number = f"{prefix}{counters[prefix]:03d}"
                row, rating = _ticket(
                    rng, config, d, ticket_id, service, taken, start, number, windows_of[service]
                )
                ticket_rows.append(row)
                if rating is not None:
                    rating_rows.append(rating)
        c.execute("BEGIN")
        c.executemany(TICKET_SQL, ticket_rows)
        c.executemany(RATING_SQL, rating_rows)
        c.execute("COMMIT")
        made += len(ticket_rows)
        rated += len(rating_rows)
    return made, rated


def _chunks(items: list[date], size: int) -> Iterator[list[date]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


TICKET_SQL = (
    "INSERT INTO tickets (id, day, number, service, lane, status, taken_at, queued_at, "
    "called_at, started_at, finished_at, window, staff, outcome, transfers) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
RATING_COLUMNS = (
    "id, ticket_id, ticket_number, service_id, service_name, department_id, department_name, "
    "window, staff, staff_name, channel, level, reason, taken_at, called_at, started_at, "
    "finished_at, rated_at, wait_seconds, handling_seconds, is_default"
)
RATING_SQL = f"INSERT INTO evaluations ({RATING_COLUMNS}) VALUES ({', '.join('?' * 21)})"


def _ticket(
    rng: random.Random,
    config: HallConfig,
    d: date,
    ticket_id: int,
    service: str,
    taken: float,
    start_minute: int,
    number: str,
    windows: list[int],
) -> tuple[tuple[Any, ...], tuple[Any, ...] | None]:
    """One ticket's row and, for ~60% of services done, its rating's row."""
    load = WEEKDAY_CURVE[HALF_HOURS.index(start_minute)] + 0.3  # queues grow with arrivals
    wait = rng.lognormvariate(math.log(WAIT_MEDIAN_MINUTES[service] * 60 * load), 0.7)
    standard = config.services[service].standard_minutes * 60
    handling = rng.lognormvariate(math.log(standard * 0.8), 0.5)
    window = rng.choice(windows)
    staff = staff_of(window, afternoon=start_minute + wait / 60 >= 13 * 60)
    lane = "priority" if rng.random() < 0.04 else "normal"
    r = rng.random()
    called: float | None = taken + wait
    started: float | None = None
    finished: float | None = None
    outcome = None
    transfers = 0
    if d == TODAY and start_minute >= 11 * 60:
        status, called, window_no, who = "waiting", None, None, None
    elif r < 0.05:  # left before being called
        status, called, finished, window_no, who = "cancelled", None, taken + wait / 2, None, None
    elif r < 0.11:
        status, window_no, who = "no_show", window, staff
    else:
        status, window_no, who = "done", window, staff
        started = (called or taken) + rng.uniform(10, 90)
        finished = started + handling
        o = rng.random()
        outcome = "on_the_spot" if o < 0.75 else "accepted" if o < 0.95 else "not_handled"
        t = rng.random()
        transfers = 2 if t < 0.003 else 1 if t < 0.03 else 0
    row = (ticket_id, d.isoformat(), number, service, lane, status, taken, taken, called, started,
           finished, window_no, who, outcome, transfers)  # fmt: skip
    if status != "done" or rng.random() >= 0.6:
        return row, None
    assert called is not None and started is not None and finished is not None
    level = rng.choice(LEVELS)
    s = config.services[service]
    dep = config.departments[s.department]
    channel = "pad" if rng.random() < 0.7 else "qr"
    reason = "办事效率低" if level <= 2 else None
    rated_at = finished + rng.uniform(5, 3 * 86400)  # the pad at once, QR codes within days
    rating = (f"e{ticket_id}", ticket_id, number, service, s.name, dep.id, dep.name, window, staff,
              staff, channel, level, reason, taken, called, started, finished, rated_at,
              called - taken, finished - started, 0)  # fmt: skip
    return row, rating


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
    """The first run's time, the best of `repeat` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times[0], min(times), result


def show(name: str, first: float, best: float, note: str = "", target: bool = True) -> None:
    verdict = "ok" if max(first, best) <= TARGET else "OVER"
    goal = f"target <= 1 s: {verdict}" if target else "the fallback: no target"
    print(f"  {name:<34} first {first * 1000:7.0f} ms  best {best * 1000:7.0f} ms   ({goal}){note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_600_000)
    args = parser.parse_args()
    config = load_config()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "hall.db")
        store.conn.execute("PRAGMA cache_size = -262144")  # 256 MB: index inserts stay in memory
        t0 = time.perf_counter()
        made, rated = generate(store, config, args.tickets)
        size = (Path(tmp) / "hall.db").stat().st_size + (Path(tmp) / "hall.db-wal").stat().st_size
        print(
            f"generated {made:,} tickets and {rated:,} ratings ({FIRST_DAY} to {TODAY}) in "
            f"{time.perf_counter() - t0:.1f} s; database {size / 1e6:,.0f} MB"
        )
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        start, end = FIRST_DAY, TODAY

        with store.reader() as ro:
            print("before the first build_rollups, every day computed live from the tickets:")
            first, best, _ = timed(lambda: report(ro, config, start, end, Dimension.SERVICE), 1)
            show("report by service, a year", first, best, target=False)

        settled = TODAY - timedelta(RATINGS_STILL_COMING + 1)
        t0 = time.perf_counter()
        days = build_rollups(
            store.conn,
            config,
            settled,
            now=datetime.combine(TODAY, dtime(12), config.hall.timezone),
        )
        print(
            f"build_rollups, first time: {days} days in {time.perf_counter() - t0:.1f} s "
            f"(through {settled}; the last {RATINGS_STILL_COMING} days and today stay live)"
        )
        t0 = time.perf_counter()
        days = build_rollups(
            store.conn,
            config,
            settled + timedelta(1),
            now=datetime.combine(TODAY, dtime(12), config.hall.timezone),
        )
        print(f"build_rollups, nightly: {days} day in {(time.perf_counter() - t0) * 1000:.0f} ms")

        with store.reader() as ro:
            live = len(live_days(ro, start, end))
            print(
                f"reports over the whole year ({start} to {end}), read-only connection, "
                f"{live} days computed live from the tickets:"
            )
            for by in Dimension:
                first, best, rows = timed(partial(report, ro, config, start, end, by))
                show(f"report by {by.value}", first, best, f"  {len(rows)} rows")
            series: dict[str, Callable[[], Any]] = {
                "arrivals_vs_served_by_hour": lambda: arrivals_vs_served_by_hour(
                    ro, config, start, end
                ),
                "wait_distribution": lambda: wait_distribution(ro, config, start, end),
                "wait_distribution by service": lambda: wait_distribution(
                    ro, config, start, end, Dimension.SERVICE
                ),
                "window_load": lambda: window_load(ro, config, start, end),
                "report by day + CSV": lambda: report_csv(
                    report(ro, config, start, end, Dimension.DAY)
                ),
                "report by day + XLSX": lambda: report_xlsx(
                    report(ro, config, start, end, Dimension.DAY)
                ),
            }
            for name, fn in series.items():
                first, best, _ = timed(fn)
                show(name, first, best)
            [hall] = report(ro, config, start, end, Dimension.HALL)
            print(
                f"the year: {hall.taken:,} taken, {hall.served:,} served, wait avg "
                f"{hall.wait_avg_minutes or 0:.1f} min (p50 {hall.wait_p50_minutes}, p90 "
                f"{hall.wait_p90_minutes}), 即办 {hall.on_the_spot_rate or 0:.1%}, "
                f"好评率 {hall.good_rate or 0:.1%} of {hall.rated:,} ratings"
            )
        store.close()


if __name__ == "__main__":
    main()
