"""Queue reports: figures by hour, day, service, window or staff, their exports and charts."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypedDict

from hall.config import HallConfig
from hall.people.accounts import staff_names
from hall.rating.report import Percent, to_csv, to_xlsx
from hall.reports.rollups import Source, Tally, collect, minute_counts, percentile_minutes, snapshot


class Dimension(StrEnum):
    HALL = "hall"  # one row for the whole hall
    HOUR = "hour"  # the hour of day the ticket was taken, across the range
    DAY = "day"  # the service day, in the hall's time zone
    SERVICE = "service"
    DEPARTMENT = "department"  # the department of the service, as the hall file says now
    WINDOW = "window"  # the window that called the ticket last
    STAFF = "staff"  # who acted on the ticket last


_SOURCE = {
    Dimension.HALL: Source.HOUR,
    Dimension.HOUR: Source.HOUR,
    Dimension.DAY: Source.HOUR,
    Dimension.SERVICE: Source.SERVICE,
    Dimension.DEPARTMENT: Source.SERVICE,
    Dimension.WINDOW: Source.WINDOW,
    Dimension.STAFF: Source.STAFF,
}
HALL_KEY = "all"
NO_WINDOW = ""  # the group of tickets no window called (cancelled or still waiting)
NO_STAFF = ""
WEEKDAYS_ZH = "一二三四五六日"


@dataclass(frozen=True, slots=True)
class ReportRow:
    """The figures of one group. Times are in minutes; None where there is nothing to
    average. Averages are exact; *_p50_minutes and *_p90_minutes are nearest-rank
    percentiles in whole minutes (seconds dropped), read from 1-minute histograms."""

    key: str
    label: str
    taken: int
    served: int  # done
    no_shows: int
    transfers: int  # transfer moves made on these tickets
    cancelled: int
    still_open: int  # waiting, called, serving or parked (today's tickets)
    called: int  # tickets with a wait: called at least once, and not waiting again
    wait_avg_minutes: float | None  # taken -> called (the last call, after a transfer)
    wait_p50_minutes: int | None
    wait_p90_minutes: int | None
    handling_avg_minutes: float | None  # started -> finished, services done
    handling_p50_minutes: int | None
    handling_p90_minutes: int | None
    on_the_spot: int  # 即办: done with outcome on_the_spot
    on_the_spot_rate: float | None  # 即办件办理率: on_the_spot / served
    rated: int  # effective ratings: corrections replace, defaults count, appeals upheld don't
    good: int  # levels 3-5 (基本满意 and up)
    good_rate: float | None  # 好评率: good / rated


def report(
    conn: sqlite3.Connection, config: HallConfig, start_day: date, end_day: date, by: Dimension
) -> list[ReportRow]:
    """The figures of each group over the service days start_day to end_day inclusive.

    Reads the daily rollups where they are fresh and the tickets for the other days, so it
    is right with or without rollups (just slower without: see docs/reports.md).
    """
    groups = _groups(conn, config, start_day, end_day, by)
    label = _labeler(conn, config, by)
    if by is Dimension.HALL and not groups:
        groups = {HALL_KEY: Tally()}
    keys = sorted((k for k, t in groups.items() if t.taken or t.rated), key=_order(config, by))
    return [_row(k, label(k), groups[k]) for k in keys]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _avg_minutes(seconds: float, count: int) -> float | None:
    return seconds / count / 60 if count else None


def _row(key: str, label: str, t: Tally) -> ReportRow:
    return ReportRow(
        key=key,
        label=label,
        taken=t.taken,
        served=t.served,
        no_shows=t.no_shows,
        transfers=t.transfers,
        cancelled=t.cancelled,
        still_open=t.still_open,
        called=t.wait_count,
        wait_avg_minutes=_avg_minutes(t.wait_seconds, t.wait_count),
        wait_p50_minutes=percentile_minutes(t.wait_minutes, t.wait_count, 50),
        wait_p90_minutes=percentile_minutes(t.wait_minutes, t.wait_count, 90),
        handling_avg_minutes=_avg_minutes(t.handling_seconds, t.handling_count),
        handling_p50_minutes=percentile_minutes(t.handling_minutes, t.handling_count, 50),
        handling_p90_minutes=percentile_minutes(t.handling_minutes, t.handling_count, 90),
        on_the_spot=t.on_the_spot,
        on_the_spot_rate=_rate(t.on_the_spot, t.served),
        rated=t.rated,
        good=t.good,
        good_rate=_rate(t.good, t.rated),
    )


def _groups(
    conn: sqlite3.Connection, config: HallConfig, start: date, end: date, by: Dimension
) -> dict[str, Tally]:
    """The tallies of each group. Day tallies are merged in (day, key) order whatever their
    origin, so rollups and live computation give the very same floating-point sums."""
    if end < start:
        raise ValueError(f"the report ends ({end}) before it starts ({start})")
    with snapshot(conn):
        tallies = collect(conn, config, _SOURCE[by], start, end)
    group_of = _grouper(config, by)
    out: dict[str, Tally] = {}
    for (day, key), t in sorted(tallies.items()):
        g = group_of(day, key)
        found = out.get(g)
        if found is None:
            found = out[g] = Tally()
        found.add(t)
    return out


def _grouper(config: HallConfig, by: Dimension) -> Callable[[str, str], str]:
    if by is Dimension.HALL:
        return lambda day, key: HALL_KEY
    if by is Dimension.DAY:
        return lambda day, key: day
    if by is Dimension.DEPARTMENT:
        services = config.services
        return lambda day, key: services[key].department if key in services else key
    return lambda day, key: key


def _order(config: HallConfig, by: Dimension) -> Callable[[str], tuple[int, int, str]]:
    """Services and departments in the hall file's order, windows by number, the group of
    tickets without a window or staff member last."""
    if by in (Dimension.SERVICE, Dimension.DEPARTMENT):
        known = list(config.services if by is Dimension.SERVICE else config.departments)
        return lambda k: (known.index(k) if k in known else len(known), 0, k)
    if by is Dimension.WINDOW:
        return lambda k: (0, int(k), "") if k.isdigit() else (1, 0, k)
    return lambda k: (k == "", 0, k)


def _labeler(conn: sqlite3.Connection, config: HallConfig, by: Dimension) -> Callable[[str], str]:
    if by is Dimension.HALL:
        return lambda k: "全部"
    if by is Dimension.HOUR:
        return lambda k: f"{k}:00-{int(k) + 1:02d}:00"
    if by is Dimension.DAY:
        return lambda k: f"{k}（周{WEEKDAYS_ZH[date.fromisoformat(k).weekday()]}）"
    if by is Dimension.SERVICE:
        return lambda k: config.services[k].name if k in config.services else k
    if by is Dimension.DEPARTMENT:
        return lambda k: config.departments[k].name if k in config.departments else k
    if by is Dimension.WINDOW:
        return lambda k: _window_label(config, k)
    names = _staff_names(conn)
    return lambda k: "（未登记）" if k == NO_STAFF else names.get(k, k)


def _window_label(config: HallConfig, key: str) -> str:
    if key == NO_WINDOW:
        return "（未叫号）"
    window = config.windows.get(int(key)) if key.isdigit() else None
    if window is None or window.name in (f"{key}号窗口", ""):
        return f"{key}号窗口"
    return window.name if window.name.startswith(f"{key}号") else f"{key}号{window.name}"


def _staff_names(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        return staff_names(conn)
    except sqlite3.OperationalError:  # a bare tickets database (tests, imports): no accounts
        return {}


# -- exports ----------------------------------------------------------------------------


def _minutes(x: float | None) -> float | str:
    return "" if x is None else round(x, 1)


def _whole(x: int | None) -> int | str:
    return "" if x is None else x


def _pct(x: float | None) -> Percent | str:
    return "" if x is None else Percent(x)


COLUMNS: tuple[tuple[str, Callable[[ReportRow], Any]], ...] = (
    ("分组", lambda r: r.key),
    ("名称", lambda r: r.label),
    ("取号数", lambda r: r.taken),
    ("办结数", lambda r: r.served),
    ("过号数", lambda r: r.no_shows),
    ("转移次数", lambda r: r.transfers),
    ("取消数", lambda r: r.cancelled),
    ("未完成数", lambda r: r.still_open),
    ("叫号数", lambda r: r.called),
    ("平均等候(分钟)", lambda r: _minutes(r.wait_avg_minutes)),
    ("等候中位数(整分钟)", lambda r: _whole(r.wait_p50_minutes)),
    ("等候90%分位(整分钟)", lambda r: _whole(r.wait_p90_minutes)),
    ("平均办理(分钟)", lambda r: _minutes(r.handling_avg_minutes)),
    ("办理中位数(整分钟)", lambda r: _whole(r.handling_p50_minutes)),
    ("办理90%分位(整分钟)", lambda r: _whole(r.handling_p90_minutes)),
    ("即办数", lambda r: r.on_the_spot),
    ("即办率", lambda r: _pct(r.on_the_spot_rate)),
    ("评价数", lambda r: r.rated),
    ("好评数", lambda r: r.good),
    ("好评率", lambda r: _pct(r.good_rate)),
)
HEADER = [h for h, _ in COLUMNS]


def report_table(rows: Iterable[ReportRow]) -> list[list[Any]]:
    return [[get(r) for _, get in COLUMNS] for r in rows]


def report_csv(rows: Iterable[ReportRow]) -> bytes:
    return to_csv(HEADER, report_table(rows))


def report_xlsx(rows: Iterable[ReportRow]) -> bytes:
    return to_xlsx("排队统计", HEADER, report_table(rows))


# -- chart series -----------------------------------------------------------------------

WAIT_BUCKET_MINUTES = 5
WAIT_BUCKETS = (*(f"{m}-{m + 5}" for m in range(0, 60, WAIT_BUCKET_MINUTES)), "60+")


class HourlySeries(TypedDict):
    hours: list[int]  # 0 to 23
    taken: list[int]  # tickets taken in that hour of day
    served: list[int]  # services finished in that hour of day


class GroupCounts(TypedDict):
    key: str
    label: str
    counts: list[int]


class WaitDistribution(TypedDict):
    buckets: list[str]  # minutes: "0-5" holds waits of 0 up to under 5 minutes; "60+"
    counts: list[int]  # the whole selection
    groups: list[GroupCounts]  # one per group when asked `by`, else empty


class WindowLoad(TypedDict):
    window: int
    name: str
    served: int
    handling_minutes: float  # started -> finished, summed over the services done there


def arrivals_vs_served_by_hour(
    conn: sqlite3.Connection, config: HallConfig, start: date, end: date
) -> HourlySeries:
    """Arrivals (by the hour tickets were taken) against services (by the hour they ended)."""
    taken, served = [0] * 24, [0] * 24
    for key, t in _groups(conn, config, start, end, Dimension.HOUR).items():
        taken[int(key)] += t.taken
        served[int(key)] += t.finished
    return {"hours": list(range(24)), "taken": taken, "served": served}


def _wait_buckets(histogram: int) -> list[int]:
    counts = [0] * len(WAIT_BUCKETS)
    last = len(WAIT_BUCKETS) - 1
    for minute, n in enumerate(minute_counts(histogram)):
        counts[min(minute // WAIT_BUCKET_MINUTES, last)] += n
    return counts


def wait_distribution(
    conn: sqlite3.Connection,
    config: HallConfig,
    start: date,
    end: date,
    by: Dimension | None = None,
) -> WaitDistribution:
    """How many waited 0-5 minutes, 5-10, ... 60 and more; for the hall, and by group."""
    groups = _groups(conn, config, start, end, by or Dimension.HALL)
    total = sum(t.wait_minutes for t in groups.values())
    series: list[GroupCounts] = []
    if by is not None:
        label = _labeler(conn, config, by)
        for key in sorted((k for k, t in groups.items() if t.taken), key=_order(config, by)):
            series.append(
                {"key": key, "label": label(key), "counts": _wait_buckets(groups[key].wait_minutes)}
            )
    return {"buckets": list(WAIT_BUCKETS), "counts": _wait_buckets(total), "groups": series}


def window_load(
    conn: sqlite3.Connection, config: HallConfig, start: date, end: date
) -> list[WindowLoad]:
    """Services done and minutes spent handling them at each window, idle windows included."""
    groups = _groups(conn, config, start, end, Dimension.WINDOW)
    numbers = sorted({*config.windows, *(int(k) for k in groups if k.isdigit())})
    out: list[WindowLoad] = []
    for n in numbers:
        t = groups.get(str(n), Tally())
        out.append(
            {
                "window": n,
                "name": _window_label(config, str(n)),
                "served": t.served,
                "handling_minutes": round(t.handling_seconds / 60, 1),
            }
        )
    return out
