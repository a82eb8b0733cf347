"""Queue reports: a seeded day worked out by hand, rollups against live figures, exports."""

from __future__ import annotations

import csv
import io
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hall.config import load_config
from hall.model import Outcome, TicketStatus
from hall.rating import work_orders as wo
from hall.rating.records import (
    evaluations_finished_between,
    insert_evaluation,
    save_work_order,
    work_orders_finished_between,
)
from hall.rating.report import GroupBy
from hall.rating.report import figures as rating_figures
from hall.rating.rules import (
    Channel,
    EvaluationRecord,
    EvaluationSettings,
    Rater,
    ServedTicket,
    correct,
    default_ratings,
    rate,
)
from hall.rating.work_orders import AppealGround
from hall.reports.queue_report import (
    HEADER,
    Dimension,
    ReportRow,
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

CONFIG = load_config()
TZ = CONFIG.hall.timezone
SETTINGS = EvaluationSettings(default_after_days=7)
THURSDAY = date(2026, 10, 8)


def noon(day: date) -> datetime:
    """Midday of a day in the hall's time zone: the clock's time when rollups are built."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=TZ)


def at(hh: int, mm: int, ss: int = 0, day: date = THURSDAY) -> float:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=TZ).timestamp()


@dataclass(frozen=True)
class T:
    """A ticket as the tickets table holds it, after its last move."""

    id: int
    number: str
    service: str
    status: TicketStatus
    taken: float
    called: float | None = None
    started: float | None = None
    finished: float | None = None
    window: int | None = None
    staff: str | None = None
    outcome: Outcome | None = None
    transfers: int = 0
    day: date = THURSDAY


def ticket(
    number: str,
    status: TicketStatus,
    times: str,
    window: int | None = None,
    staff: str | None = None,
    outcome: Outcome | None = None,
    transfers: int = 0,
    day: date = THURSDAY,
) -> T:
    """times: taken, called, started, finished as "09:00 09:05:30 - -" ("-": not yet)."""

    def clock(text: str) -> float | None:
        if text == "-":
            return None
        hh, mm, ss = map(int, (text + ":0").split(":")[:3])
        return at(hh, mm, ss, day=day)

    taken, called, started, finished = map(clock, times.split())
    assert taken is not None
    service = {"A": "business", "B": "social", "D": "tax", "F": "enquiry"}[number[0]]
    n = int(number[1:]) + 100 * "ABDF".index(number[0]) + 1000 * (day - THURSDAY).days
    return T(n, number, service, status, taken, called, started, finished, window, staff,
             outcome, transfers, day)  # fmt: skip


def insert_tickets(c: sqlite3.Connection, tickets: list[T]) -> None:
    c.executemany(
        "INSERT INTO tickets (id, day, number, service, lane, status, taken_at, queued_at, "
        "called_at, started_at, finished_at, window, staff, outcome, transfers) "
        "VALUES (?, ?, ?, ?, 'normal', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                t.id,
                t.day.isoformat(),
                t.number,
                t.service,
                t.status.value,
                t.taken,
                t.taken,
                t.called,
                t.started,
                t.finished,
                t.window,
                t.staff,
                t.outcome.value if t.outcome else None,
                t.transfers,
            )
            for t in tickets
        ],
    )


def served(t: T) -> ServedTicket:
    assert t.called is not None and t.started is not None and t.window is not None
    service = CONFIG.services[t.service]
    department = CONFIG.department_of(t.service)
    return ServedTicket(
        t.id,
        t.number,
        service.id,
        service.name,
        department.id,
        department.name,
        t.window,
        t.staff,
        t.staff,
        t.taken,
        t.called,
        t.started,
        t.finished,
    )


def by_pad(t: T, level: int, reason: str | None = None) -> EvaluationRecord:
    s = served(t)
    rater = Rater(Channel.PAD, window=s.window)
    now = (t.finished or 0) + 30
    return rate(s, rater, level, reason=reason, existing=[], settings=SETTINGS, now=now)


# -- the seeded day: Thursday 8 October 2026 -----------------------------------------------

DONE, NO_SHOW, CANCELLED = TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.CANCELLED
SPOT, LATER, NOT_HANDLED = Outcome.ON_THE_SPOT, Outcome.ACCEPTED, Outcome.NOT_HANDLED
A001 = ticket("A001", DONE, "09:00 09:05 09:06 09:16", 1, "li", SPOT)
# A002 is taken at 9 but its service ends at 10: arrivals and services by hour differ.
A002 = ticket("A002", DONE, "09:10 09:22:30 09:45 10:05:30", 5, "wang", LATER)
A003 = ticket("A003", NO_SHOW, "09:20 09:40 - -", 1, "li")
# B001 came as a business ticket and was transferred to social insurance.
B001 = ticket("B001", DONE, "09:05 09:45 09:46 09:52", 2, "zhao", SPOT, transfers=1)
B002 = ticket("B002", DONE, "10:15 10:18:20 10:19 10:27:45", 2, "zhao", SPOT)
B003 = ticket("B003", CANCELLED, "10:30 - - 10:50")
F001 = ticket("F001", DONE, "13:40 13:41 13:41 13:43:10", 1, "li", NOT_HANDLED)
DAY = [A001, A002, A003, B001, B002, B003, F001]
# Waits (s): A001 300, A002 750, A003 1200, B001 2400, B002 200, F001 60.
# Handling (s): A001 600, A002 1230, B001 360, B002 525, F001 130.


def seed_ratings(c: sqlite3.Connection) -> None:
    """A001 5 and A002 2 on the pads; B001 4, then moved to 李明 at window 1 (the pad was
    paired wrongly); B002 the default 3 a week later; F001 1, taken out by an upheld appeal."""
    b001 = by_pad(B001, 4)
    f001 = by_pad(F001, 1, "服务态度差")
    records = [
        by_pad(A001, 5),
        by_pad(A002, 2, "办事效率低"),
        b001,
        correct(
            b001,
            existing=[b001],
            by="boss",
            note="评价器串号",
            now=at(18, 0),
            window=1,
            staff=("li", "李明"),
        ),
        *default_ratings([served(B002)], SETTINGS, now=at(11, 0, day=THURSDAY + timedelta(7))),
        f001,
    ]
    for r in records:
        insert_evaluation(c, r)
    order = wo.open_work_order(f001, 1, ("boss",), SETTINGS, TZ, at(14, 0))
    order = wo.appeal(order, "li", at(15, 0), AppealGround.MALICIOUS, "同一人反复差评")
    save_work_order(c, wo.review_appeal(order, "boss", at(16, 0), True, "核实属实"))


def seeded_store(path: Path, rollups: bool = True) -> Store:
    store = open_store(path)  # applies every migration, the rollups' included
    if not rollups:  # as a database from before the rollups existed
        for table in ("report_rollups", "report_rollup_days", "report_rollup_marks"):
            store.conn.execute(f"DROP TABLE {table}")
    store.conn.execute(
        "INSERT INTO users (username, name, role, password_hash, created_at) VALUES "
        "('li', '李明', 'staff', '-', 0), ('zhao', '赵丽', 'staff', '-', 0)"
    )
    return store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = seeded_store(tmp_path / "hall.db")
    insert_tickets(s.conn, DAY)
    seed_ratings(s.conn)
    yield s
    s.close()


def day_report(store: Store, by: Dimension) -> list[ReportRow]:
    return report(store.conn, CONFIG, THURSDAY, THURSDAY, by)


def figures(r: ReportRow) -> tuple[object, ...]:
    """Counts: taken served no-shows transfers cancelled open called on-the-spot rated good."""
    return (
        r.taken,
        r.served,
        r.no_shows,
        r.transfers,
        r.cancelled,
        r.still_open,
        r.called,
        r.on_the_spot,
        r.rated,
        r.good,
    )


def times(r: ReportRow) -> tuple[object, ...]:
    return (
        r.wait_avg_minutes,
        r.wait_p50_minutes,
        r.wait_p90_minutes,
        r.handling_avg_minutes,
        r.handling_p50_minutes,
        r.handling_p90_minutes,
    )


def test_the_whole_hall_worked_out_by_hand(store: Store) -> None:
    [hall] = day_report(store, Dimension.HALL)
    assert (hall.key, hall.label) == ("all", "全部")
    assert figures(hall) == (7, 5, 1, 1, 1, 0, 6, 3, 4, 3)
    # Waits sorted 60 200 300 750 1200 2400: median rank 3 (300 s), p90 rank 6 (2400 s).
    # Handling sorted 130 360 525 600 1230: median rank 3 (525 s), p90 rank 5 (1230 s).
    assert times(hall) == pytest.approx((4910 / 6 / 60, 5, 40, 2845 / 5 / 60, 8, 20))
    assert hall.on_the_spot_rate == 3 / 5  # 即办: A001 B001 B002 of the five done
    assert hall.good_rate == 3 / 4  # A001 B001 B002 of A001 A002 B001 B002; F001 is out
    [day] = day_report(store, Dimension.DAY)
    assert (day.key, day.label) == ("2026-10-08", "2026-10-08（周四）")
    assert replace(day, key="all", label="全部") == hall


def test_by_service_and_department(store: Store) -> None:
    business, social, enquiry = day_report(store, Dimension.SERVICE)
    assert [r.label for r in (business, social, enquiry)] == [
        "商事登记",
        "社保医保业务",
        "综合咨询",
    ]
    assert figures(business) == (3, 2, 1, 0, 0, 0, 3, 1, 2, 1)
    assert times(business) == pytest.approx((750 / 60, 12, 20, 915 / 60, 10, 20))
    assert (business.on_the_spot_rate, business.good_rate) == (0.5, 0.5)
    assert figures(social) == (3, 2, 0, 1, 1, 0, 2, 2, 2, 2)
    assert times(social) == pytest.approx((1300 / 60, 3, 40, 442.5 / 60, 6, 8))
    assert (social.on_the_spot_rate, social.good_rate) == (1.0, 1.0)
    assert figures(enquiry) == (1, 1, 0, 0, 0, 0, 1, 0, 0, 0)
    assert times(enquiry) == pytest.approx((1, 1, 1, 130 / 60, 2, 2))
    assert (enquiry.on_the_spot_rate, enquiry.good_rate) == (0.0, None)  # nothing to rate
    departments = day_report(store, Dimension.DEPARTMENT)
    assert [(d.key, d.label) for d in departments] == [
        ("market", "市场监管"),
        ("social", "社保医保"),
        ("office", "政务服务中心"),
    ]
    assert [figures(d) for d in departments] == [figures(s) for s in (business, social, enquiry)]


def test_by_window_the_correction_moves_b001s_rating_to_window_1(store: Store) -> None:
    w1, w2, w5, nobody = day_report(store, Dimension.WINDOW)
    assert [r.label for r in (w1, w2, w5, nobody)] == [
        "1号综合窗口",
        "2号综合窗口",
        "5号商事登记窗口",
        "（未叫号）",
    ]
    assert figures(w1) == (3, 2, 1, 0, 0, 0, 3, 1, 2, 2)  # rated: A001, and B001 moved here
    assert times(w1) == pytest.approx((1560 / 3 / 60, 5, 20, 730 / 2 / 60, 2, 10))
    assert figures(w2) == (2, 2, 0, 1, 0, 0, 2, 2, 1, 1)  # rated: B002's default only
    assert times(w2) == pytest.approx((2600 / 2 / 60, 3, 40, 885 / 2 / 60, 6, 8))
    assert figures(w5) == (1, 1, 0, 0, 0, 0, 1, 0, 1, 0)
    assert (w5.good_rate, w5.wait_p50_minutes, w5.handling_p90_minutes) == (0.0, 12, 20)
    assert figures(nobody) == (1, 0, 0, 0, 1, 0, 0, 0, 0, 0)  # B003, cancelled while waiting
    assert times(nobody) == (None,) * 6


def test_by_staff_names_come_from_the_accounts(store: Store) -> None:
    rows = day_report(store, Dimension.STAFF)
    assert [(r.key, r.label) for r in rows] == [
        ("li", "李明"),
        ("wang", "wang"),  # no account: the username stands in
        ("zhao", "赵丽"),
        ("", "（未登记）"),
    ]
    windows = day_report(store, Dimension.WINDOW)
    assert [figures(r) for r in rows] == [figures(windows[i]) for i in (0, 2, 1, 3)]


def test_good_review_rates_agree_with_the_ratings_report(store: Store) -> None:
    c, day = store.conn, (at(0, 0), at(0, 0, day=THURSDAY + timedelta(1)))
    records, orders = evaluations_finished_between(c, *day), work_orders_finished_between(c, *day)
    for by, group in ((Dimension.HALL, GroupBy.HALL), (Dimension.STAFF, GroupBy.STAFF)):
        ours = {(r.rated, r.good_rate) for r in day_report(store, by) if r.rated}
        theirs = {(f.total, f.good_rate) for f in rating_figures(records, [], orders, group, TZ)}
        assert ours == theirs


def test_by_hour_of_taking(store: Store) -> None:
    nine, ten, one_pm = day_report(store, Dimension.HOUR)
    assert [r.label for r in (nine, ten, one_pm)] == ["09:00-10:00", "10:00-11:00", "13:00-14:00"]
    assert figures(nine) == (4, 3, 1, 1, 0, 0, 4, 2, 3, 2)  # A001 A002 A003 B001
    # Waits 300 750 1200 2400; handling 360 600 1230.
    assert times(nine) == pytest.approx((4650 / 4 / 60, 12, 40, 2190 / 3 / 60, 10, 20))
    assert nine.on_the_spot_rate == 2 / 3
    assert figures(ten) == (2, 1, 0, 0, 1, 0, 1, 1, 1, 1)  # B002 B003
    assert times(ten) == pytest.approx((200 / 60, 3, 3, 525 / 60, 8, 8))
    assert figures(one_pm) == (1, 1, 0, 0, 0, 0, 1, 0, 0, 0)


def test_chart_series(store: Store) -> None:
    series = arrivals_vs_served_by_hour(store.conn, CONFIG, THURSDAY, THURSDAY)
    assert series["hours"] == list(range(24))
    assert {h: n for h, n in enumerate(series["taken"]) if n} == {9: 4, 10: 2, 13: 1}
    # Services by the hour they ended: A002 (taken at 9) finished at 10:05.
    assert {h: n for h, n in enumerate(series["served"]) if n} == {9: 2, 10: 2, 13: 1}

    dist = wait_distribution(store.conn, CONFIG, THURSDAY, THURSDAY)
    assert dist["buckets"][:3] == ["0-5", "5-10", "10-15"] and dist["buckets"][-1] == "60+"
    # Waits in minutes: 1 and 3.3 | 5 | 12.5 | 20 | 40.
    assert dist["counts"] == [2, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]
    assert dist["groups"] == []
    by_service = wait_distribution(store.conn, CONFIG, THURSDAY, THURSDAY, Dimension.SERVICE)
    assert [(g["key"], sum(g["counts"])) for g in by_service["groups"]] == [
        ("business", 3),
        ("social", 2),
        ("enquiry", 1),
    ]
    assert by_service["counts"] == dist["counts"]

    load = window_load(store.conn, CONFIG, THURSDAY, THURSDAY)
    assert [w["window"] for w in load] == list(range(1, 14))  # idle windows too
    assert [(w["served"], w["handling_minutes"]) for w in load if w["served"]] == [
        (2, round(730 / 60, 1)),
        (2, round(885 / 60, 1)),
        (1, 20.5),
    ]
    assert load[0]["name"] == "1号综合窗口"


def test_exports_hold_the_rows(store: Store) -> None:
    rows = day_report(store, Dimension.SERVICE)
    text = report_csv(rows).decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:])))
    assert table[0] == HEADER and len(table) == 4
    business = dict(zip(HEADER, table[1], strict=True))
    assert business["名称"] == "商事登记" and business["取号数"] == "3"
    assert business["平均等候(分钟)"] == "12.5" and business["等候90%分位(整分钟)"] == "20"
    assert business["即办率"] == "50.00%" and business["好评率"] == "50.00%"
    assert dict(zip(HEADER, table[3], strict=True))["好评率"] == ""  # enquiry: nobody rated

    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(rows)))
    sheet = book["排队统计"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADER and len(values) == 4
    assert values[2][:3] == ["social", "社保医保业务", 3]
    assert values[2][HEADER.index("即办率")] == 1.0
    assert sheet.cell(2, HEADER.index("即办率") + 1).number_format == "0.00%"


# -- rollups --------------------------------------------------------------------------------


def routine(number: str, day: date) -> T:
    """A plain service: ticket n of a morning is taken at 8+n o'clock and waits 4n minutes."""
    n = int(number[1:])
    h = 8 + n
    times = f"{h}:00 {h}:{4 * n:02d} {h}:30 {h}:{31 + 5 * n}"
    return ticket(number, DONE, times, n, ("li", "zhao")[n % 2], (SPOT, LATER)[n % 2], day=day)


def other_days() -> list[T]:
    """Tuesday and Wednesday before the seeded day, and Friday, today, still open."""
    tuesday, wednesday, friday = (THURSDAY + timedelta(d) for d in (-2, -1, 1))
    return [
        *(
            routine(f"{p}00{n}", day)
            for day in (tuesday, wednesday)
            for p in "AD"
            for n in range(1, 6)
        ),
        ticket("A006", NO_SHOW, "15:00 15:30 - -", 3, "li", day=tuesday),
        ticket("A006", CANCELLED, "15:00 - - 15:40", day=wednesday),
        ticket("A001", DONE, "09:00 09:02 09:03 09:09", 1, "li", SPOT, day=friday),
        ticket("A002", TicketStatus.SERVING, "09:01 09:20 09:21 -", 5, "wang", day=friday),
        ticket("B001", TicketStatus.WAITING, "09:30 - - -", day=friday),
    ]


def every_report(conn: sqlite3.Connection, start: date, end: date) -> dict[str, object]:
    out: dict[str, object] = {by.value: report(conn, CONFIG, start, end, by) for by in Dimension}
    out["arrivals"] = arrivals_vs_served_by_hour(conn, CONFIG, start, end)
    out["waits"] = wait_distribution(conn, CONFIG, start, end, Dimension.WINDOW)
    out["load"] = window_load(conn, CONFIG, start, end)
    return out


def test_a_range_across_rolled_up_days_and_live_days(store: Store) -> None:
    insert_tickets(store.conn, other_days())
    start, friday = THURSDAY - timedelta(2), THURSDAY + timedelta(1)
    live = every_report(store.conn, start, friday)
    # Friday is today: it stays live, as does every day not over yet.
    assert build_rollups(store.conn, CONFIG, friday, now=noon(friday)) == 3
    built = store.conn.execute("SELECT day FROM report_rollup_days ORDER BY day").fetchall()
    assert [d for (d,) in built] == ["2026-10-06", "2026-10-07", "2026-10-08"]
    with store.reader() as ro:  # a read-only connection with sqlite3.Row, as the server has
        assert every_report(ro, start, friday) == live
    [hall] = report(store.conn, CONFIG, start, friday, Dimension.HALL)
    assert (hall.taken, hall.still_open) == (7 + 22 + 3, 2)
    assert build_rollups(store.conn, CONFIG, friday, now=noon(friday)) == 0  # idempotent


def test_reports_read_the_rollups_of_the_days_built(store: Store) -> None:
    build_rollups(store.conn, CONFIG, THURSDAY, now=noon(THURSDAY + timedelta(1)))
    store.conn.execute("UPDATE report_rollups SET taken = taken + 100 WHERE dimension = 'hour'")
    [hall] = day_report(store, Dimension.HALL)
    assert hall.taken == 7 + 3 * 100  # three hours of the day: the figures came from rollups


def test_a_rating_after_the_rollup_makes_its_day_live_until_rebuilt(store: Store) -> None:
    friday = THURSDAY + timedelta(1)
    assert build_rollups(store.conn, CONFIG, THURSDAY, now=noon(friday)) == 1
    a002 = by_pad(A002, 2, "办事效率低")
    original = store.conn.execute("SELECT id FROM evaluations WHERE ticket_id = 2").fetchone()[0]
    moved = correct(
        replace(a002, id=original),
        existing=[],
        by="boss",
        note="串号",
        now=at(20, 0),
        window=1,
        staff=("li", "李明"),
    )
    insert_evaluation(store.conn, moved)
    assert live_days(store.conn, THURSDAY, friday) == [THURSDAY, friday]
    w1, _, w5, _ = day_report(store, Dimension.WINDOW)
    assert (w1.rated, w1.good, w5.rated) == (3, 2, 0)
    before = every_report(store.conn, THURSDAY, THURSDAY)
    assert build_rollups(store.conn, CONFIG, THURSDAY, now=noon(friday)) == 1  # rebuilt
    assert live_days(store.conn, THURSDAY, friday) == [friday]
    assert every_report(store.conn, THURSDAY, THURSDAY) == before
    assert build_rollups(store.conn, CONFIG, THURSDAY, now=noon(friday)) == 0


def test_days_with_open_tickets_are_not_rolled_up(store: Store) -> None:
    insert_tickets(store.conn, other_days())
    saturday = THURSDAY + timedelta(2)
    # Friday is over but its day-end has not closed its tickets yet.
    assert build_rollups(store.conn, CONFIG, saturday, now=noon(saturday)) == 3
    days = {d for (d,) in store.conn.execute("SELECT day FROM report_rollup_days")}
    assert "2026-10-09" not in days


def test_without_the_migration_reports_are_computed_live(tmp_path: Path) -> None:
    bare = seeded_store(tmp_path / "bare.db", rollups=False)
    insert_tickets(bare.conn, DAY)
    [hall] = report(bare.conn, CONFIG, THURSDAY, THURSDAY, Dimension.HALL)
    assert figures(hall)[:7] == (7, 5, 1, 1, 1, 0, 6)
    with pytest.raises(RuntimeError, match="m006_report_rollups"):
        build_rollups(bare.conn, CONFIG, THURSDAY, now=noon(THURSDAY))
    assert report(bare.conn, CONFIG, date(2020, 1, 1), date(2020, 1, 2), Dimension.DAY) == []
    with pytest.raises(ValueError, match="before it starts"):
        report(bare.conn, CONFIG, THURSDAY, THURSDAY - timedelta(1), Dimension.DAY)
    bare.close()


# -- property: rollups give what live computation gives ----------------------------------

SERVICES = list(CONFIG.services)
CLOSED = [DONE, DONE, DONE, NO_SHOW, CANCELLED]
OPEN = [TicketStatus.WAITING, TicketStatus.SERVING]


@st.composite
def random_ticket(draw: st.DrawFn, n: int) -> tuple[T, int | None, bool]:
    """A ticket on one of three days (the last may hold open tickets), with its rating level
    (0: a default) and whether the rating gets corrected to another window."""
    d = draw(st.integers(0, 2))
    day = THURSDAY + timedelta(d)
    status = draw(st.sampled_from(CLOSED + OPEN if d == 2 else CLOSED))
    taken = at(0, 0, day=day) + draw(st.floats(0, 86_399))
    wait = draw(st.one_of(st.floats(0, 7_200), st.floats(0, 60_000)))
    handling = draw(st.floats(0, 5_400))
    called = taken + wait if status in (DONE, NO_SHOW, TicketStatus.SERVING) else None
    started = called + 20 if called is not None and status is not NO_SHOW else None
    finished = started + handling if started is not None and status is DONE else None
    window = draw(st.integers(1, 14)) if called is not None else None
    staff = draw(st.sampled_from(["li", "zhao", None])) if window is not None else None
    outcome = draw(st.sampled_from(list(Outcome))) if status is DONE else None
    transfers = draw(st.integers(0, 2))
    ticket = T(
        n,
        f"A{n:03d}",
        draw(st.sampled_from(SERVICES)),
        status,
        taken,
        called,
        started,
        finished,
        window,
        staff,
        outcome,
        transfers,
        day,
    )
    level = draw(st.none() | st.integers(0, 5)) if status is DONE else None
    return ticket, level, draw(st.booleans())


def rating(t: T, level: int, moved: bool) -> list[EvaluationRecord]:
    if level == 0:
        [record] = default_ratings([served(t)], SETTINGS, now=(t.finished or 0) + 8 * 86400)
    else:
        s = served(t)
        reason = "其他" if level <= 2 else None
        record = rate(
            s,
            Rater(Channel.PAD, window=s.window),
            level,
            reason=reason,
            comment="说明",
            existing=[],
            settings=SETTINGS,
            now=t.finished or 0,
        )
    if not moved:
        return [record]
    to = 12 if record.window == 13 else 13
    return [record, correct(record, existing=[record], by="boss", note="x", now=0, window=to)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 40).flatmap(lambda k: st.tuples(*(random_ticket(i + 1) for i in range(k)))))
def test_rollups_give_what_live_computation_gives(
    drawn: tuple[tuple[T, int | None, bool], ...],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        s = seeded_store(Path(tmp) / "hall.db")
        insert_tickets(s.conn, [t for t, _, _ in drawn])
        for t, level, moved in drawn:
            for record in rating(t, level, moved) if level is not None else []:
                insert_evaluation(s.conn, record)
        end = THURSDAY + timedelta(2)
        live = every_report(s.conn, THURSDAY, end)
        first = min(t.day for t, _, _ in drawn)
        open_days = {t.day for t, _, _ in drawn if t.status.is_open}
        closed_days = (end - first).days + 1 - len(open_days)
        assert build_rollups(s.conn, CONFIG, end, now=noon(end + timedelta(1))) == closed_days
        assert every_report(s.conn, THURSDAY, end) == live
        s.close()
