"""How pages see 好差评: evaluation records (identity masked), work orders with their steps,
and what a rating pad shows."""

from __future__ import annotations

from enum import StrEnum
from typing import TypedDict

from hall.rating import work_orders as wo
from hall.rating.rules import EvaluationRecord
from hall.rating.work_orders import WorkOrder


class Applicant(TypedDict, total=False):
    """Who rated, where they gave a real name: masked, for managers."""

    applicant_name: str | None
    applicant_id_number: str | None
    applicant_phone: str | None


class EvaluationView(Applicant):
    id: str
    ticket_id: int
    ticket_number: str
    service_id: str
    service_name: str
    department_id: str
    department_name: str
    window: int
    staff: str | None
    staff_name: str | None
    channel: str  # a Channel
    level: int  # 5 非常满意 .. 1 非常不满意
    reason: str | None
    comment: str | None
    taken_at: float
    called_at: float
    started_at: float
    finished_at: float
    rated_at: float
    wait_seconds: float
    handling_seconds: float
    corrects: str | None
    is_default: bool
    corrected_by: str | None
    correction_note: str | None
    level_name: str
    bad: bool


def record_view(r: EvaluationRecord, private: bool = True) -> EvaluationView:
    """A record for managers; identity masked (the full one never leaves the database)."""
    from hall.rating.report import mask_id_number, mask_name, mask_phone

    applicant: Applicant = {}
    if private:
        applicant = {
            "applicant_name": mask_name(r.applicant_name) if r.applicant_name else None,
            "applicant_id_number": (
                mask_id_number(r.applicant_id_number) if r.applicant_id_number else None
            ),
            "applicant_phone": mask_phone(r.applicant_phone) if r.applicant_phone else None,
        }
    return {
        "id": r.id,
        "ticket_id": r.ticket_id,
        "ticket_number": r.ticket_number,
        "service_id": r.service_id,
        "service_name": r.service_name,
        "department_id": r.department_id,
        "department_name": r.department_name,
        "window": r.window,
        "staff": r.staff,
        "staff_name": r.staff_name,
        "channel": r.channel.value,
        "level": int(r.level),
        "reason": r.reason,
        "comment": r.comment,
        "taken_at": r.taken_at,
        "called_at": r.called_at,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "rated_at": r.rated_at,
        "wait_seconds": r.wait_seconds,
        "handling_seconds": r.handling_seconds,
        "corrects": r.corrects,
        "is_default": r.is_default,
        "corrected_by": r.corrected_by,
        "correction_note": r.correction_note,
        "level_name": r.level.zh,
        "bad": r.is_bad,
        **applicant,
    }


class StepView(TypedDict):
    action: str  # an Action
    by: str
    at: float
    note: str | None
    value: str | None
    action_name: str
    by_name: str  # the name people know, else the username


class WorkOrderView(TypedDict):
    id: int
    evaluation_id: str
    ticket_number: str
    level: int
    reason: str | None
    comment: str | None
    staff: str | None
    staff_name: str | None
    department_id: str
    department_name: str
    managers: list[str]
    status: str  # an OrderStatus
    opened_at: float
    callback_due: float
    fix_due: float
    deadlines_estimated: bool
    called_back_at: float | None
    contact_result: str | None
    resolution: str | None
    plan: str | None
    plan_due: float | None
    rectified_at: float | None
    told_at: float | None
    satisfaction: str | None
    closed_at: float | None
    appeal_ground: str | None
    appeal_by: str | None
    appeal_accepted: bool | None
    resumes: str | None
    steps: list[StepView]
    level_name: str
    status_name: str
    overdue: list[str]  # the deadlines passed: call_back, fix


def order_view(o: WorkOrder, now: float, names: dict[str, str] | None = None) -> WorkOrderView:
    """A work order for pages; `names` turns usernames into the names people know."""
    known = names or {}
    return {
        "id": o.id,
        "evaluation_id": o.evaluation_id,
        "ticket_number": o.ticket_number,
        "level": int(o.level),
        "reason": o.reason,
        "comment": o.comment,
        "staff": o.staff,
        "staff_name": o.staff_name,
        "department_id": o.department_id,
        "department_name": o.department_name,
        "managers": list(o.managers),
        "status": o.status.value,
        "opened_at": o.opened_at,
        "callback_due": o.callback_due,
        "fix_due": o.fix_due,
        "deadlines_estimated": o.deadlines_estimated,
        "called_back_at": o.called_back_at,
        "contact_result": _value(o.contact_result),
        "resolution": _value(o.resolution),
        "plan": o.plan,
        "plan_due": o.plan_due,
        "rectified_at": o.rectified_at,
        "told_at": o.told_at,
        "satisfaction": _value(o.satisfaction),
        "closed_at": o.closed_at,
        "appeal_ground": _value(o.appeal_ground),
        "appeal_by": o.appeal_by,
        "appeal_accepted": o.appeal_accepted,
        "resumes": _value(o.resumes),
        "steps": [
            {
                "action": step.action.value,
                "by": step.by,
                "at": step.at,
                "note": step.note,
                "value": step.value,
                "action_name": step.action.zh,
                "by_name": known.get(step.by, step.by),
            }
            for step in o.steps
        ],
        "level_name": o.level.zh,
        "status_name": o.status.zh,
        "overdue": [d.value for d in wo.overdue(o, now)],
    }


def _value(choice: StrEnum | None) -> str | None:
    return None if choice is None else choice.value


class LevelChoice(TypedDict):
    level: int
    name: str
    bad: bool


class PadSettings(TypedDict):
    """What a rating pad shows."""

    levels: list[LevelChoice]
    bad_reasons: list[str]
    other_reason: str
    comment_max_chars: int
    idle_seconds: int


class RatingAnswer(TypedDict):
    evaluation: EvaluationView
    work_order: int | None  # the work order a bad review opened
