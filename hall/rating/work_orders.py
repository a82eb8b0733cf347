"""Work orders for bad reviews: assigned by 谁办理、谁负责, called back, rectified, told, closed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any

from hall.errors import DomainError
from hall.rating.rules import EvaluationRecord, EvaluationSettings, Level, needs_work_order
from hall.workdays import END_OF_DAY, add_working_days, covers

NOTE_MAX_CHARS = 2000


class OrderStatus(StrEnum):
    OPENED = "opened"  # waiting to be verified and called back
    CALLED_BACK = "called_back"
    RECTIFYING = "rectifying"  # 限期整改: a plan and a deadline
    RECTIFIED = "rectified"  # fixed at once, or the planned fix is done
    EXPLAINED = "explained"  # 情况说明: nothing to fix, the reason is explained
    TOLD = "told"  # 反馈群众
    RATED = "rated"  # the visitor said how satisfied they are with the handling
    APPEALED = "appealed"  # 申诉 under review
    CLOSED = "closed"

    @property
    def zh(self) -> str:
        return _STATUS_ZH[self]


_STATUS_ZH = {
    OrderStatus.OPENED: "待回访",
    OrderStatus.CALLED_BACK: "已回访",
    OrderStatus.RECTIFYING: "限期整改中",
    OrderStatus.RECTIFIED: "已整改",
    OrderStatus.EXPLAINED: "已情况说明",
    OrderStatus.TOLD: "已反馈群众",
    OrderStatus.RATED: "群众已评价处理结果",
    OrderStatus.APPEALED: "申诉审核中",
    OrderStatus.CLOSED: "已办结",
}


class Action(StrEnum):
    OPEN = "open"
    CALL_ATTEMPT = "call_attempt"  # a call back that reached nobody: try again
    CALL_BACK = "call_back"
    FIX_NOW = "fix_now"
    PLAN_FIX = "plan_fix"
    COMPLETE_FIX = "complete_fix"
    EXPLAIN = "explain"
    TELL = "tell"
    RECORD_SATISFACTION = "record_satisfaction"
    CLOSE = "close"
    APPEAL = "appeal"
    ACCEPT_APPEAL = "accept_appeal"
    REJECT_APPEAL = "reject_appeal"

    @property
    def zh(self) -> str:
        return _ACTION_ZH[self]


_ACTION_ZH = {
    Action.OPEN: "生成工单",
    Action.CALL_ATTEMPT: "记录未接通的回访",
    Action.CALL_BACK: "回访核实",
    Action.FIX_NOW: "立即整改",
    Action.PLAN_FIX: "限期整改",
    Action.COMPLETE_FIX: "完成整改",
    Action.EXPLAIN: "情况说明",
    Action.TELL: "反馈群众",
    Action.RECORD_SATISFACTION: "记录群众对处理结果的评价",
    Action.CLOSE: "办结工单",
    Action.APPEAL: "申诉",
    Action.ACCEPT_APPEAL: "通过申诉",
    Action.REJECT_APPEAL: "驳回申诉",
}

# Which statuses each step may start from; the order it moves to is in _NEXT.
_FROM: dict[Action, frozenset[OrderStatus]] = {
    Action.CALL_ATTEMPT: frozenset({OrderStatus.OPENED}),
    Action.CALL_BACK: frozenset({OrderStatus.OPENED}),
    Action.FIX_NOW: frozenset({OrderStatus.CALLED_BACK}),
    Action.PLAN_FIX: frozenset({OrderStatus.CALLED_BACK}),
    Action.COMPLETE_FIX: frozenset({OrderStatus.RECTIFYING}),
    Action.EXPLAIN: frozenset({OrderStatus.CALLED_BACK}),
    Action.TELL: frozenset({OrderStatus.RECTIFIED, OrderStatus.EXPLAINED}),
    Action.RECORD_SATISFACTION: frozenset({OrderStatus.TOLD}),
    # A visitor may not answer: the order closes once they have been told.
    Action.CLOSE: frozenset({OrderStatus.TOLD, OrderStatus.RATED}),
    # An appeal comes before the visitor is told the outcome.
    Action.APPEAL: frozenset(
        {
            OrderStatus.OPENED,
            OrderStatus.CALLED_BACK,
            OrderStatus.RECTIFYING,
            OrderStatus.RECTIFIED,
            OrderStatus.EXPLAINED,
        }
    ),
    Action.ACCEPT_APPEAL: frozenset({OrderStatus.APPEALED}),
    Action.REJECT_APPEAL: frozenset({OrderStatus.APPEALED}),
}
_NEXT = {
    Action.CALL_ATTEMPT: OrderStatus.OPENED,
    Action.CALL_BACK: OrderStatus.CALLED_BACK,
    Action.FIX_NOW: OrderStatus.RECTIFIED,
    Action.PLAN_FIX: OrderStatus.RECTIFYING,
    Action.COMPLETE_FIX: OrderStatus.RECTIFIED,
    Action.EXPLAIN: OrderStatus.EXPLAINED,
    Action.TELL: OrderStatus.TOLD,
    Action.RECORD_SATISFACTION: OrderStatus.RATED,
    Action.CLOSE: OrderStatus.CLOSED,
    Action.APPEAL: OrderStatus.APPEALED,
    Action.ACCEPT_APPEAL: OrderStatus.CLOSED,
}
_NOTE_REQUIRED = {
    Action.FIX_NOW,
    Action.PLAN_FIX,
    Action.COMPLETE_FIX,
    Action.EXPLAIN,
    Action.APPEAL,
    Action.ACCEPT_APPEAL,
    Action.REJECT_APPEAL,
}


class ContactResult(StrEnum):
    REACHED = "reached"  # 已联系上并核实
    NO_ANSWER = "no_answer"  # 未接通: recorded, the order still waits for its call back
    DECLINED = "declined"  # 群众拒绝回访
    NO_CONTACT = "no_contact"  # 匿名评价，无联系方式: verified on the hall's own records


class HandlingSatisfaction(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASIC = "basic"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意

    @property
    def zh(self) -> str:
        return {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}[self.value]

    @property
    def is_satisfied(self) -> bool:
        return self is not HandlingSatisfaction.DISSATISFIED


class AppealGround(StrEnum):
    MISTAKEN = "mistaken"  # 误评: the visitor meant another level or another service
    MALICIOUS = "malicious"  # 恶意差评


class Overdue(StrEnum):
    CALL_BACK = "call_back"
    FIX = "fix"


@dataclass(frozen=True, slots=True)
class Step:
    """One thing done to a work order: what, who, when, a note, and the choice made."""

    action: Action
    by: str
    at: float
    note: str | None = None
    value: str | None = None  # the contact result, satisfaction, appeal ground or deadline


@dataclass(frozen=True, slots=True)
class WorkOrder:
    id: int
    evaluation_id: str
    ticket_number: str
    level: Level
    reason: str | None
    comment: str | None
    staff: str | None  # 谁办理、谁负责: who served
    staff_name: str | None
    department_id: str
    department_name: str
    managers: tuple[str, ...]  # the hall's managers, told of every bad review
    status: OrderStatus
    opened_at: float
    callback_due: float
    fix_due: float
    deadlines_estimated: bool = False  # beyond the holiday calendar: Monday to Friday only
    called_back_at: float | None = None
    contact_result: ContactResult | None = None
    resolution: Action | None = None  # FIX_NOW, PLAN_FIX or EXPLAIN
    plan: str | None = None
    plan_due: float | None = None
    rectified_at: float | None = None  # fixed or explained
    told_at: float | None = None
    satisfaction: HandlingSatisfaction | None = None
    closed_at: float | None = None
    appeal_ground: AppealGround | None = None
    appeal_by: str | None = None
    appeal_accepted: bool | None = None
    resumes: OrderStatus | None = None  # what an appeal under review interrupted
    steps: tuple[Step, ...] = ()

    @property
    def excluded(self) -> bool:
        """An accepted appeal takes the review out of every figure."""
        return self.appeal_accepted is True

    @property
    def assignees(self) -> tuple[str, ...]:
        return ((self.staff,) if self.staff else ()) + self.managers

    @property
    def called_back(self) -> bool:
        return self.called_back_at is not None

    @property
    def rectified(self) -> bool:
        return self.rectified_at is not None


def open_work_order(
    record: EvaluationRecord,
    order_id: int,
    managers: tuple[str, ...],
    settings: EvaluationSettings,
    tz: tzinfo,
    now: float,
) -> WorkOrder:
    """The work order a visitor's bad review opens, with its working-day deadlines."""
    if not needs_work_order(record):
        raise ValueError(f"evaluation {record.id} is not a visitor's bad review")
    start = datetime.fromtimestamp(now, tz)
    callback_due = add_working_days(start, settings.callback_working_days, True)
    fix_due = add_working_days(start, settings.fix_working_days, True)
    # A deadline past the installed holiday data must not lose the review: it is counted
    # Monday to Friday and flagged, so the hall sees it and upgrades chinese-calendar.
    estimated = not (covers(callback_due.date()) and covers(fix_due.date()))
    return WorkOrder(
        id=order_id,
        evaluation_id=record.id,
        ticket_number=record.ticket_number,
        level=record.level,
        reason=record.reason,
        comment=record.comment,
        staff=record.staff,
        staff_name=record.staff_name,
        department_id=record.department_id,
        department_name=record.department_name,
        managers=tuple(m for m in managers if m != record.staff),
        status=OrderStatus.OPENED,
        opened_at=now,
        callback_due=callback_due.timestamp(),
        fix_due=fix_due.timestamp(),
        deadlines_estimated=estimated,
        steps=(Step(Action.OPEN, "system", now),),
    )


def call_back(
    order: WorkOrder, by: str, now: float, result: ContactResult, note: str | None = None
) -> WorkOrder:
    """回访: verify the review with the visitor; an unanswered call is kept, not counted."""
    if result is ContactResult.NO_ANSWER:
        return _step(order, Action.CALL_ATTEMPT, by, now, note, result.value)
    return _step(
        order,
        Action.CALL_BACK,
        by,
        now,
        note,
        result.value,
        called_back_at=now,
        contact_result=result,
    )


def fix_now(order: WorkOrder, by: str, now: float, note: str) -> WorkOrder:
    """立即整改: what was put right."""
    return _step(order, Action.FIX_NOW, by, now, note, resolution=Action.FIX_NOW, rectified_at=now)


def plan_fix(
    order: WorkOrder, by: str, now: float, plan: str, due_day: date | None, tz: tzinfo
) -> WorkOrder:
    """限期整改: a plan, due by the end of `due_day` (at the latest the set fix deadline)."""
    _require(order, Action.PLAN_FIX)
    limit = datetime.fromtimestamp(order.fix_due, tz)
    due = limit if due_day is None else datetime.combine(due_day, END_OF_DAY, tzinfo=tz)
    if due > limit or due.timestamp() < now:
        raise DomainError(
            "work_order_due_invalid", due=due.date().isoformat(), limit=limit.date().isoformat()
        )
    return _step(
        order,
        Action.PLAN_FIX,
        by,
        now,
        plan,
        due.date().isoformat(),
        resolution=Action.PLAN_FIX,
        plan=plan.strip(),
        plan_due=due.timestamp(),
    )


def complete_fix(order: WorkOrder, by: str, now: float, note: str) -> WorkOrder:
    return _step(order, Action.COMPLETE_FIX, by, now, note, rectified_at=now)


def explain(order: WorkOrder, by: str, now: float, note: str) -> WorkOrder:
    """情况说明: nothing was wrong to fix; the explanation given."""
    return _step(order, Action.EXPLAIN, by, now, note, resolution=Action.EXPLAIN, rectified_at=now)


def tell_visitor(order: WorkOrder, by: str, now: float, note: str | None = None) -> WorkOrder:
    """反馈群众: the visitor is told what was done."""
    return _step(order, Action.TELL, by, now, note, told_at=now)


def record_satisfaction(
    order: WorkOrder,
    by: str,
    now: float,
    satisfaction: HandlingSatisfaction,
    note: str | None = None,
) -> WorkOrder:
    return _step(
        order,
        Action.RECORD_SATISFACTION,
        by,
        now,
        note,
        satisfaction.value,
        satisfaction=satisfaction,
    )


def close(order: WorkOrder, by: str, now: float, note: str | None = None) -> WorkOrder:
    return _step(order, Action.CLOSE, by, now, note, closed_at=now)


def appeal(order: WorkOrder, by: str, now: float, ground: AppealGround, note: str) -> WorkOrder:
    """申诉: the review was mistaken or malicious. Once per order; it pauses the order."""
    _require(order, Action.APPEAL)
    if order.appeal_accepted is False:
        raise DomainError("work_order_appeal_once", order=order.id)
    return _step(
        order,
        Action.APPEAL,
        by,
        now,
        note,
        ground.value,
        appeal_ground=ground,
        appeal_by=by,
        resumes=order.status,
    )


def review_appeal(order: WorkOrder, by: str, now: float, accepted: bool, note: str) -> WorkOrder:
    """Accepted: the order closes and the review leaves the figures. Rejected: it resumes."""
    _require(order, Action.ACCEPT_APPEAL)
    if by in (order.staff, order.appeal_by):
        raise DomainError("work_order_reviewer_conflict")
    if accepted:
        return _step(
            order,
            Action.ACCEPT_APPEAL,
            by,
            now,
            note,
            appeal_accepted=True,
            closed_at=now,
            resumes=None,
        )
    resumed = _step(order, Action.REJECT_APPEAL, by, now, note, appeal_accepted=False)
    assert order.resumes is not None
    return replace(resumed, status=order.resumes, resumes=None)


def overdue(order: WorkOrder, now: float) -> tuple[Overdue, ...]:
    """Which deadlines have passed with their step undone, for the hall's alerts."""
    if order.status is OrderStatus.CLOSED:
        return ()
    late: list[Overdue] = []
    if not order.called_back and now > order.callback_due:
        late.append(Overdue.CALL_BACK)
    if not order.rectified and now > (order.plan_due or order.fix_due):
        late.append(Overdue.FIX)
    return tuple(late)


def _step(
    order: WorkOrder,
    action: Action,
    by: str,
    now: float,
    note: str | None,
    value: str | None = None,
    **changes: Any,
) -> WorkOrder:
    _require(order, action)
    note = (note or "").strip() or None
    if note is None and action in _NOTE_REQUIRED:
        raise DomainError("work_order_note_required", action=action.value, action_zh=action.zh)
    if note is not None and len(note) > NOTE_MAX_CHARS:
        raise DomainError("work_order_note_too_long", limit=NOTE_MAX_CHARS, length=len(note))
    status = _NEXT.get(action, order.status)
    step = Step(action, by, now, note, value)
    return replace(order, status=status, steps=(*order.steps, step), **changes)


def _require(order: WorkOrder, action: Action) -> None:
    if order.status not in _FROM[action]:
        raise DomainError(
            "work_order_illegal_step",
            order=order.id,
            status=order.status.value,
            status_zh=order.status.zh,
            action=action.value,
            action_zh=action.zh,
        )
