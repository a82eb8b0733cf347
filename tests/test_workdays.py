"""Working days on China's official calendar, through the maintained chinese-calendar data."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hall.errors import DomainError, ErrorKind
from hall.workdays import add_working_days, is_working_day, known_years, working_days_between

TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 15, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def test_national_day_week_2026_is_off_and_saturday_10_october_is_a_working_day() -> None:
    assert not any(is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert is_working_day(date(2026, 10, 10))  # Saturday, worked in lieu (调休)
    assert is_working_day(date(2026, 9, 20))  # Sunday, worked in lieu
    assert not is_working_day(date(2026, 9, 25))  # Mid-Autumn Festival, a Friday


def test_a_call_back_due_in_one_working_day_from_30_september_lands_on_8_october() -> None:
    # A bad review on Wednesday 30 September, 15:00: the holiday week does not count.
    assert add_working_days(at(2026, 9, 30), 1) == datetime(2026, 10, 8, 23, 59, 59, tzinfo=TZ)


def test_a_fix_due_in_five_working_days_counts_the_adjusted_saturday() -> None:
    # 8 Oct (1), 9 Oct (2), Saturday 10 Oct (3), Monday 12 Oct (4), Tuesday 13 Oct (5)
    due = add_working_days(at(2026, 9, 30), 5)
    assert due == datetime(2026, 10, 13, 23, 59, 59, tzinfo=TZ)
    assert working_days_between(at(2026, 9, 30), due) == 5


def test_spring_festival_2026() -> None:
    # Friday 13 Feb: Saturday 14 Feb is worked in lieu, then 15-23 Feb are off.
    assert add_working_days(at(2026, 2, 13), 1).date() == date(2026, 2, 14)
    assert add_working_days(at(2026, 2, 13), 2).date() == date(2026, 2, 24)
    assert add_working_days(at(2026, 2, 13), 5).date() == date(2026, 2, 27)


def test_a_review_given_on_a_holiday_counts_from_the_next_working_day() -> None:
    assert add_working_days(at(2026, 10, 3, 10), 1).date() == date(2026, 10, 8)


def test_counting_is_symmetric_and_the_start_day_never_counts() -> None:
    assert working_days_between(at(2026, 10, 8, 9), at(2026, 10, 8, 17)) == 0
    assert working_days_between(at(2026, 10, 13), at(2026, 9, 30)) == -5
    assert working_days_between(at(2026, 9, 30), at(2026, 10, 7)) == 0


def test_a_year_the_calendar_does_not_know_is_refused_clearly() -> None:
    last = known_years()[1]
    with pytest.raises(DomainError) as err:
        add_working_days(at(last, 12, 28), 5)
    assert err.value.code == "holiday_calendar_unknown"
    assert err.value.kind is ErrorKind.CONFLICT
    assert f"{last + 1} 年" in err.value.message("zh")
    assert "chinese-calendar" in err.value.message("en")


def test_beyond_the_calendar_the_fallback_counts_monday_to_friday() -> None:
    last = known_years()[1]
    start = at(last + 1, 1, 8)
    due = add_working_days(start, 5, weekdays_beyond_calendar=True)
    assert due.weekday() < 5
    assert (due.date() - start.date()).days == 7  # five weekdays on from a weekday


def test_a_deadline_needs_at_least_one_working_day() -> None:
    with pytest.raises(ValueError):
        add_working_days(at(2026, 10, 8), 0)
