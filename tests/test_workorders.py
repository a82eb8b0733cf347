"""Work orders for bad reviews: deadlines in working days, legal steps only, appeals, storage."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from hall.errors import DomainError, ErrorKind
from hall.rating import work_orders as wo
from hall.rating.records import (
    get_work_order,
    insert_evaluation,
    m004_evaluations,
    next_work_order_id,
    open_work_orders,
    save_work_order,
    work_order_for_evaluation,
    work_orders_finished_between,
)
from hall.rating.rules import Channel, EvaluationRecord, EvaluationSettings, Level
from hall.rating.work_orders import (
    Action,
    AppealGround,
    ContactResult,
    HandlingSatisfaction,
    OrderStatus,
    Overdue,
    WorkOrder,
)
from hall.schema import m001_core
from hall.workdays import known_years

TZ = ZoneInfo("Asia/Shanghai")
SETTINGS = EvaluationSettings()


def at(m: int, d: int, hh: int = 15, y: int = 2026) -> float:
    return datetime(y, m, d, hh, 0, tzinfo=TZ).timestamp()


# Wednesday 30 September 2026, 15:00: a visitor gives A003 (李明, window 5) 不满意.
BAD = EvaluationRecord(
    id="e-a003",
    ticket_id=3,
    ticket_number="A003",
    service_id="business",
    service_name="商事登记",
    department_id="market",
    department_name="市场监管",
    window=5,
    staff="li",
    staff_name="李明",
    channel=Channel.PAD,
    level=Level.DISSATISFIED,
    reason="办事效率低",
    comment=None,
    taken_at=at(9, 30, 14),
    called_at=at(9, 30, 14) + 600,
    started_at=at(9, 30, 14) + 660,
    finished_at=at(9, 30, 15) - 60,
    rated_at=at(9, 30),
    wait_seconds=600,
    handling_seconds=2640,
)


def opened(now: float = at(9, 30)) -> WorkOrder:
    return wo.open_work_order(BAD, 1, ("boss", "li"), SETTINGS, TZ, now)


def refused(code: str, fn: Callable[..., object], *args: object) -> DomainError:
    with pytest.raises(DomainError) as err:
        fn(*args)
    assert err.value.code == code, err.value.message("en")
    return err.value


def test_a_bad_review_opens_an_order_for_who_served_their_department_and_managers() -> None:
    o = opened()
    assert (o.status, o.staff, o.staff_name, o.department_name) == (
        OrderStatus.OPENED,
        "li",
        "李明",
        "市场监管",
    )
    assert o.assignees == ("li", "boss")  # 谁办理、谁负责; the staff member is not a manager here
    assert (o.ticket_number, o.level, o.reason) == ("A003", Level.DISSATISFIED, "办事效率低")
    assert [s.action for s in o.steps] == [Action.OPEN]


def test_deadlines_skip_the_national_day_week() -> None:
    o = opened()
    assert datetime.fromtimestamp(o.callback_due, TZ) == datetime(
        2026, 10, 8, 23, 59, 59, tzinfo=TZ
    )
    assert datetime.fromtimestamp(o.fix_due, TZ) == datetime(2026, 10, 13, 23, 59, 59, tzinfo=TZ)
    assert not o.deadlines_estimated


def test_only_a_visitors_bad_review_opens_an_order() -> None:
    for record in (
        replace(BAD, level=Level.BASIC, reason=None),
        replace(BAD, corrects="e-older"),
    ):
        with pytest.raises(ValueError):
            wo.open_work_order(record, 1, (), SETTINGS, TZ, at(9, 30))


def test_the_whole_way_from_call_back_to_closed_records_who_when_and_what() -> None:
    o = opened()
    o = wo.call_back(o, "boss", at(10, 8, 9), ContactResult.NO_ANSWER, "电话未接通")
    assert o.status is OrderStatus.OPENED and not o.called_back
    o = wo.call_back(o, "boss", at(10, 8, 10), ContactResult.REACHED, "已核实：等候时间过长")
    o = wo.plan_fix(o, "li", at(10, 8, 11), "增开一个商事登记窗口", date(2026, 10, 12), TZ)
    assert o.status is OrderStatus.RECTIFYING
    assert datetime.fromtimestamp(o.plan_due or 0, TZ).date() == date(2026, 10, 12)
    o = wo.complete_fix(o, "li", at(10, 12, 16), "9号窗口已开通商事登记")
    o = wo.tell_visitor(o, "boss", at(10, 12, 17), "电话告知")
    o = wo.record_satisfaction(o, "boss", at(10, 12, 17), HandlingSatisfaction.SATISFIED)
    o = wo.close(o, "boss", at(10, 12, 18))
    assert o.status is OrderStatus.CLOSED
    assert [(s.action, s.by, s.value) for s in o.steps] == [
        (Action.OPEN, "system", None),
        (Action.CALL_ATTEMPT, "boss", "no_answer"),
        (Action.CALL_BACK, "boss", "reached"),
        (Action.PLAN_FIX, "li", "2026-10-12"),
        (Action.COMPLETE_FIX, "li", None),
        (Action.TELL, "boss", None),
        (Action.RECORD_SATISFACTION, "boss", "satisfied"),
        (Action.CLOSE, "boss", None),
    ]
    assert o.steps[2].note == "已核实：等候时间过长" and o.steps[2].at == at(10, 8, 10)
    assert (o.called_back, o.rectified, o.satisfaction) == (
        True,
        True,
        HandlingSatisfaction.SATISFIED,
    )


def test_steps_out_of_order_are_refused_with_a_clear_message() -> None:
    o = opened()
    err = refused("work_order_illegal_step", wo.fix_now, o, "li", at(10, 8), "已整改")
    assert err.kind is ErrorKind.CONFLICT
    assert err.message("zh") == "工单 1 当前为“待回访”，不能立即整改"
    assert err.message("en") == "Work order 1 is opened; it cannot take the step fix_now"
    refused("work_order_illegal_step", wo.tell_visitor, o, "boss", at(10, 8))
    refused("work_order_illegal_step", wo.close, o, "boss", at(10, 8))
    called = wo.call_back(o, "boss", at(10, 8), ContactResult.REACHED)
    refused(
        "work_order_illegal_step", wo.call_back, called, "boss", at(10, 8), ContactResult.REACHED
    )
    refused("work_order_illegal_step", wo.complete_fix, called, "li", at(10, 8), "done")
    refused("work_order_illegal_step", wo.plan_fix, o, "li", at(10, 8), "计划", None, TZ)
    fixed = wo.fix_now(called, "li", at(10, 8), "当场补办")
    refused("work_order_illegal_step", wo.explain, fixed, "li", at(10, 8), "说明")
    told = wo.tell_visitor(fixed, "boss", at(10, 8))
    closed = wo.close(told, "boss", at(10, 9))  # the visitor did not answer: close anyway
    for step in (wo.tell_visitor, wo.close):
        refused("work_order_illegal_step", step, closed, "boss", at(10, 9))


def test_plans_explanations_and_appeals_need_a_note() -> None:
    called = wo.call_back(opened(), "boss", at(10, 8), ContactResult.NO_CONTACT)
    err = refused("work_order_note_required", wo.explain, called, "li", at(10, 8), "  ")
    assert err.message("zh") == "情况说明需要填写说明"
    refused("work_order_note_required", wo.fix_now, called, "li", at(10, 8), "")


def test_a_plan_cannot_run_past_the_set_fix_deadline() -> None:
    called = wo.call_back(opened(), "boss", at(10, 8), ContactResult.REACHED)
    err = refused(
        "work_order_due_invalid", wo.plan_fix, called, "li", at(10, 8), "改", date(2026, 10, 14), TZ
    )
    assert "2026-10-13" in err.message("zh")
    refused(
        "work_order_due_invalid", wo.plan_fix, called, "li", at(10, 8), "改", date(2026, 10, 7), TZ
    )
    planned = wo.plan_fix(called, "li", at(10, 8), "改", None, TZ)  # the set limit by default
    assert planned.plan_due == planned.fix_due


def test_an_accepted_appeal_closes_the_order_and_leaves_the_figures() -> None:
    o = wo.appeal(opened(), "li", at(10, 8), AppealGround.MALICIOUS, "群众误按，现场已表示满意")
    assert o.status is OrderStatus.APPEALED
    refused("work_order_illegal_step", wo.call_back, o, "boss", at(10, 8), ContactResult.REACHED)
    err = refused("work_order_reviewer_conflict", wo.review_appeal, o, "li", at(10, 8), True, "ok")
    assert err.kind is ErrorKind.FORBIDDEN
    done = wo.review_appeal(o, "boss", at(10, 9), True, "调取录像属实")
    assert (done.status, done.excluded) == (OrderStatus.CLOSED, True)
    assert wo.overdue(done, at(10, 20)) == ()


def test_a_rejected_appeal_resumes_where_it_was_and_cannot_be_repeated() -> None:
    called = wo.call_back(opened(), "boss", at(10, 8), ContactResult.REACHED)
    o = wo.appeal(called, "li", at(10, 8), AppealGround.MISTAKEN, "群众想评办理事项")
    o = wo.review_appeal(o, "boss", at(10, 9), False, "证据不足")
    assert (o.status, o.excluded, o.appeal_accepted) == (OrderStatus.CALLED_BACK, False, False)
    err = refused(
        "work_order_appeal_once", wo.appeal, o, "li", at(10, 9), AppealGround.MISTAKEN, "再申诉"
    )
    assert err.message("zh") == "工单 1 已申诉过一次，不能再次申诉"
    assert wo.fix_now(o, "li", at(10, 9), "已整改").status is OrderStatus.RECTIFIED


def test_overdue_names_the_deadline_passed() -> None:
    o = opened()
    assert wo.overdue(o, at(10, 8, 23)) == ()  # still 8 October: the call back is due today
    assert wo.overdue(o, at(10, 9, 9)) == (Overdue.CALL_BACK,)
    assert wo.overdue(o, at(10, 14, 9)) == (Overdue.CALL_BACK, Overdue.FIX)
    called = wo.call_back(o, "boss", at(10, 9, 10), ContactResult.REACHED)
    assert wo.overdue(called, at(10, 14, 9)) == (Overdue.FIX,)
    planned = wo.plan_fix(called, "li", at(10, 9, 11), "改", date(2026, 10, 10), TZ)
    assert wo.overdue(planned, at(10, 12, 9)) == (Overdue.FIX,)  # its own, earlier deadline
    fixed = wo.complete_fix(planned, "li", at(10, 12, 10), "已改")
    assert wo.overdue(fixed, at(10, 30)) == ()


def test_beyond_the_holiday_calendar_an_order_still_opens_with_estimated_deadlines() -> None:
    last = known_years()[1]
    o = opened(at(12, 28, y=last))
    assert o.deadlines_estimated
    assert datetime.fromtimestamp(o.fix_due, TZ).year == last + 1


# -- stored ---------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(tmp_path / "hall.db", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    migrations = sqlite_utils.Migrations("hallcall-test")
    migrations()(m001_core)
    migrations()(m004_evaluations)
    migrations.apply(sqlite_utils.Database(conn))
    insert_evaluation(conn, BAD)
    return conn


def test_an_order_and_its_steps_are_stored_step_by_step(db: sqlite3.Connection) -> None:
    assert next_work_order_id(db) == 1
    o = opened()
    save_work_order(db, o)
    o = wo.call_back(o, "boss", at(10, 8), ContactResult.REACHED, "已核实")
    save_work_order(db, o)
    o = wo.appeal(o, "li", at(10, 8), AppealGround.MISTAKEN, "误评")
    save_work_order(db, o)
    assert get_work_order(db, 1) == o
    assert work_order_for_evaluation(db, "e-a003") == o
    assert open_work_orders(db) == [o]
    assert work_orders_finished_between(db, at(9, 30, 0), at(10, 1, 0)) == [o]
    assert next_work_order_id(db) == 2
    o = wo.review_appeal(o, "boss", at(10, 9), True, "属实")
    save_work_order(db, o)
    assert open_work_orders(db) == []
    assert get_work_order(db, 1) == o and get_work_order(db, 2) is None
    assert db.execute("SELECT COUNT(*) FROM work_order_steps").fetchone()[0] == len(o.steps) == 4


def test_an_older_copy_of_an_order_cannot_overwrite_a_newer_one(db: sqlite3.Connection) -> None:
    o = opened()
    newer = wo.call_back(o, "boss", at(10, 8), ContactResult.REACHED)
    save_work_order(db, newer)
    with pytest.raises(RuntimeError, match="stale"):
        save_work_order(db, o)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE work_order_steps SET note = 'rewritten'")
