"""Working days on China's official calendar: public holidays and adjusted workdays (调休)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import chinese_calendar

from hall.errors import DomainError

# A deadline of "N working days" ends with the last second of that working day: a work order
# opened at 16:50 has until midnight of its last day, as halls count "N个工作日内".
END_OF_DAY = time(23, 59, 59)


@cache
def known_years() -> tuple[int, int]:
    """The first and last year the installed chinese-calendar knows the holidays of."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def covers(day: date) -> bool:
    first, last = known_years()
    return first <= day.year <= last


def is_working_day(day: date, weekdays_beyond_calendar: bool = False) -> bool:
    """A working day: Monday to Friday unless a holiday, or an adjusted Saturday or Sunday.

    Outside the known years this refuses, unless told to fall back to Monday to Friday.
    """
    if not covers(day):
        if weekdays_beyond_calendar:
            return day.weekday() < 5
        first, last = known_years()
        raise DomainError("holiday_calendar_unknown", year=day.year, first=first, last=last)
    return bool(chinese_calendar.is_workday(day))


def add_working_days(start: datetime, n: int, weekdays_beyond_calendar: bool = False) -> datetime:
    """The end of the n-th working day after the day of `start` (the start day never counts).

    Keeps `start`'s time zone. A start on a holiday counts from the next working day.
    """
    if n < 1:
        raise ValueError(f"a deadline needs at least one working day, got {n}")
    day = start.date()
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day, weekdays_beyond_calendar):
            counted += 1
    return datetime.combine(day, END_OF_DAY, tzinfo=start.tzinfo)


def working_days_between(start: datetime, end: datetime) -> int:
    """How many working days lie after `start`'s day up to and including `end`'s day.

    Negative when `end` comes first. Same day: 0.
    """
    if end < start:
        return -working_days_between(end, start)
    day, last = start.date(), end.date()
    count = 0
    while day < last:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
