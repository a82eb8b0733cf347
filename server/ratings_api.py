"""The 好差评 API: rating from a window's pad or a ticket's QR code, evaluation records,
bad-review work orders, rating reports and exports, and pairing rating pads."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any, TypedDict

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hall.actors import Role
from hall.errors import DomainError
from hall.people.accounts import staff_names
from hall.people.devices import DeviceKind
from hall.rating import records as records
from hall.rating.desk import StepFields
from hall.rating.report import (
    Figures,
    GroupBy,
    figures,
    figures_csv,
    figures_xlsx,
    province_adapter,
    records_csv,
    records_xlsx,
)
from hall.rating.rules import Channel, EvaluationRecord, Rater, ServedTicket
from hall.rating.views import order_view, record_view
from hall.rating.work_orders import AppealGround, ContactResult, HandlingSatisfaction
from server.http import CSV, JSON, XLSX, Body, day_range, dispatch, download, idempotent
from server.parts import device, parts


async def pad_settings(request: Request) -> Response:
    """
    summary: What a rating pad shows (the five national levels, bad-review reasons, idle time).
    responses:
      200: {description: "{levels, bad_reasons, other_reason, comment_max_chars, idle_seconds}"}
    """
    return JSON(parts(request).ratings.pad_settings())


@idempotent
async def rate(request: Request) -> Response:
    """
    summary: Rate one finished service (一次一评), from the window's pad or the ticket's QR code.
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [ticket, rating, channel]
            properties:
              ticket: {type: integer}
              rating: {type: integer, minimum: 1, maximum: 5, description: "5 非常满意"}
              channel: {type: string, enum: [pad, qr]}
              reason: {type: string, description: "needed for 不满意 and 非常不满意"}
              comment: {type: string}
              token: {type: string, description: "channel qr: the ticket's token"}
    responses:
      201: {description: "{evaluation, work_order}"}
      403: {description: Not the serving window's pad, not the ticket's holder, or staff.}
      409: {description: Not finished yet, or rated already.}
      422: {description: A bad review without a reason, or a wrong field.}
    """
    p = parts(request)
    body = await Body.read(request)
    ticket = body.integer("ticket", low=1)
    # "rating" is the field's name; "level" (the national standard's word) is also taken.
    level = body._get("rating" if "rating" in body.data else "level", True)
    channel = body.choice("channel", Channel)
    reason = body.text("reason", required=False, max_len=40)
    comment = body.text("comment", required=False, max_len=2000)
    token = body.text("token", required=False, max_len=100)
    body.done()
    assert ticket is not None
    actor = p.sessions.actor(request)
    pad = device(request)
    if channel is Channel.PAD:
        window = pad.window if pad is not None and pad.kind is DeviceKind.PAD else None
        if window is None:
            raise DomainError("rating_channel_refused", channel="pad", channel_zh="未配对的评价器")
        rater = Rater(Channel.PAD, window=window)
    elif channel is Channel.QR:
        rater = Rater(Channel.QR, token=token)
    else:
        raise DomainError("rating_channel_refused", channel=channel.value, channel_zh=channel.zh)
    if actor is not None:  # whoever holds a staff login may not rate, even on a pad
        rater = Rater(rater.channel, rater.window, rater.token, staff_user=actor.username)
    return JSON(p.ratings.rate(ticket, rater, level, reason, comment), status_code=201)


@idempotent
async def correct_evaluation(request: Request) -> Response:
    """
    summary: "Propose whom a rating should be attributed to (manager): {note, service?,
      window?, staff?}. Another manager approves it (POST /api/evaluation-corrections/{id}/
      approve); then a new record points at the old one. The visitor's rating never changes,
      and whoever was rated can neither propose nor approve."
    responses:
      202: {description: "The proposal: {id, record, changes, state: open, ...}"}
      403: {description: Not a manager, or the one rated.}
      409: {description: Corrected already (correct the latest record).}
      422: {description: No note, or nothing changed.}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.MANAGER)
    body = await Body.read(request)
    note = body.text("note", max_len=500)
    service = body.text("service", required=False, max_len=40)
    window = body.integer("window", required=False, low=1)
    staff = body.text("staff", required=False, max_len=32)
    body.done()
    assert note is not None
    proposal = p.ratings.propose_correction(
        request.path_params["id"], actor, note, service, window, staff
    )
    return JSON(proposal, status_code=202)


async def list_corrections(request: Request) -> Response:
    """
    summary: Every proposed correction of a rating's attribution, with its decision (manager).
    responses:
      200: {description: "{corrections: [...]}"}
      403: {description: Not a manager.}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    return JSON({"corrections": p.ratings.corrections()})


@idempotent
async def decide_correction(request: Request) -> Response:
    """
    summary: "Approve (the new record is written) or reject a proposed correction: a manager
      other than who proposed it and other than the one rated."
    responses:
      200: {description: The proposal with its decision.}
      403: {description: Not a manager, the proposer, or the one rated.}
      404: {description: No such proposal.}
      409: {description: Decided already, or the record was corrected meanwhile.}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.MANAGER)
    approve = dispatch(request, {"approve": True, "reject": False})
    return JSON(p.ratings.decide_correction(request.path_params["id"], actor, approve))


async def invite_rating(request: Request) -> Response:
    """
    summary: Ask the visitor to rate the service just finished at this window (on its pad).
    responses:
      200: {description: "{window, ticket, number}"}
      409: {description: Nothing finished to rate, or rated already.}
    """
    p = parts(request)
    actor = p.sessions.require(request)
    n = request.path_params["n"]
    w = p.hall.queue.window(n)
    if w.staff != actor.username and not actor.can(Role.MANAGER):
        raise DomainError("not_your_window", window=n)
    return JSON(p.ratings.invite(n, actor))


LIST_LIMIT = 5000  # a page shows the latest; the exports carry everything


async def _filtered(request: Request) -> list[EvaluationRecord]:
    """The records of a date range with the query's filters, read in a worker thread on a
    connection of its own: a year of ratings must not hold up the hall."""
    p = parts(request)
    start, end = day_range(request, parts(request).hall)
    q = request.query_params
    level = q.get("rating") or q.get("level")

    def keep(r: EvaluationRecord) -> bool:
        return (
            (not q.get("window") or str(r.window) == q["window"])
            and (not q.get("staff") or r.staff == q["staff"])
            and (not q.get("service") or r.service_id == q["service"])
            and (not level or str(int(r.level)) == level)
            and (q.get("bad") != "1" or r.is_bad)
        )

    def read() -> list[EvaluationRecord]:
        with p.hall.store.reader() as c:
            return [r for r in records.evaluations_finished_between(c, start, end) if keep(r)]

    return await asyncio.to_thread(read)


async def list_evaluations(request: Request) -> Response:
    """
    summary: Evaluation records (manager); filters from, to, window, staff, service, rating, bad.
    responses:
      200: {description: "{evaluations: [...]}: identities masked"}
    """
    parts(request).sessions.require(request, Role.MANAGER)
    found = await _filtered(request)
    latest = found[-LIST_LIMIT:]
    return JSON(
        {
            "evaluations": [record_view(r) for r in latest],
            "total": len(found),
            "truncated": len(found) > len(latest),
        }
    )


async def export_evaluations(request: Request) -> Response:
    """
    summary: Export records as csv, xlsx, or json for a provincial platform (?format, ?adapter).
    responses:
      200: {description: The file.}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    found = await _filtered(request)
    tz = p.hall.config.hall.timezone
    kind = request.query_params.get("format", "csv")
    if kind == "json":
        name = request.query_params.get("adapter", "generic-v1")
        try:
            adapter = province_adapter(name, p.hall.config.hall.name, p.hall.config.hall.name, tz)
        except (ValueError, KeyError) as exc:
            raise DomainError(
                "bad_field", field="adapter", reason_zh=str(exc), reason=str(exc)
            ) from None
        data = await asyncio.to_thread(adapter.export, found)
        return download(data, "application/json", "evaluations.json")
    if kind == "xlsx":
        data = await asyncio.to_thread(records_xlsx, found, tz)
        return download(data, XLSX, "evaluations.xlsx")
    return download(await asyncio.to_thread(records_csv, found, tz), CSV, "evaluations.csv")


class FiguresView(TypedDict):
    """One group of the rating report: its counts, then its rates (None: nothing to rate)."""

    key: str
    label: str
    served: int
    unrated: int
    own: int
    defaults: int
    levels: list[int]  # counts of levels 1..5
    own_good: int
    bad: int
    bad_called_back: int
    bad_rectified: int
    handling_asked: int
    handling_satisfied: int
    good_rate: float | None
    own_good_rate: float | None
    unrated_rate: float | None
    bad_reply_rate: float | None
    rectify_rate: float | None
    handling_satisfaction_rate: float | None
    score: float | None


def figures_view(f: Figures) -> FiguresView:
    return {
        "key": f.key,
        "label": f.label,
        "served": f.served,
        "unrated": f.unrated,
        "own": f.own,
        "defaults": f.defaults,
        "levels": list(f.levels),
        "own_good": f.own_good,
        "bad": f.bad,
        "bad_called_back": f.bad_called_back,
        "bad_rectified": f.bad_rectified,
        "handling_asked": f.handling_asked,
        "handling_satisfied": f.handling_satisfied,
        "good_rate": f.good_rate,
        "own_good_rate": f.own_good_rate,
        "unrated_rate": f.unrated_rate,
        "bad_reply_rate": f.bad_reply_rate,
        "rectify_rate": f.rectify_rate,
        "handling_satisfaction_rate": f.handling_satisfaction_rate,
        "score": f.score,
    }


async def rating_report(request: Request) -> Response:
    """
    summary: "好评率, 主动评价好评率, 未评率, 差评回复率, 回访整改率, 回访整改满意率 and a 10-point
      score, by hall, day, window, staff, service or department (?by, ?from, ?to, ?format)."
    responses:
      200: {description: "{groups: [...]} or a csv/xlsx file"}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    try:
        by = GroupBy(request.query_params.get("by", "hall"))
    except ValueError:
        options = ", ".join(g.value for g in GroupBy)
        raise DomainError(
            "bad_field",
            field="by",
            reason_zh=f"应为 {options} 之一",
            reason=f"must be one of {options}",
        ) from None
    start, end = day_range(request, parts(request).hall)
    groups = await asyncio.to_thread(_figures, p, start, end, by)
    kind = request.query_params.get("format", "json")
    if kind == "csv":
        return download(figures_csv(groups), CSV, f"ratings-by-{by.value}.csv")
    if kind == "xlsx":
        return download(figures_xlsx(groups), XLSX, f"ratings-by-{by.value}.xlsx")
    return JSON({"by": by.value, "groups": [figures_view(g) for g in groups]})


def _figures(p: Any, start: float, end: float, by: GroupBy) -> list[Figures]:
    """Read on a connection of its own: a year's report must not hold up the hall."""
    from hall.rating.rules import served_ticket
    from hall.storage import finished_between

    config = p.hall.config
    with p.hall.store.reader() as c:
        found = records.evaluations_finished_between(c, start, end)
        orders = records.work_orders_finished_between(c, start, end)
        names = staff_names(c)
        served: list[ServedTicket] = [
            served_ticket(t, config, names.get(t.staff) if t.staff else None)
            for t in finished_between(c, start, end)
            if t.service in config.services
        ]
    return figures(found, served, orders, by, config.hall.timezone)


async def list_work_orders(request: Request) -> Response:
    """
    summary: Bad-review work orders (?status=open|all); staff see only their own.
    responses:
      200: {description: "{work_orders: [...]}"}
    """
    p = parts(request)
    actor = p.sessions.require(request)
    if request.query_params.get("status", "open") == "open":
        found = records.open_work_orders(p.hall.store.conn)
    else:
        start, end = day_range(request, parts(request).hall)

        def read() -> list[Any]:
            with p.hall.store.reader() as c:
                return records.work_orders_finished_between(c, start, end)

        found = await asyncio.to_thread(read)
    if not actor.can(Role.MANAGER):
        found = [o for o in found if o.staff == actor.username]
    names = p.ratings.names()
    return JSON({"work_orders": [order_view(o, p.hall.clock.time(), names) for o in found]})


async def get_work_order(request: Request) -> Response:
    """
    summary: One work order with every step (who, when, what).
    responses:
      200: {description: The work order.}
      404: {description: No such work order.}
    """
    p = parts(request)
    actor = p.sessions.require(request)
    order = p.ratings.order(request.path_params["id"])
    if not actor.can(Role.MANAGER) and order.staff != actor.username:
        raise DomainError("role_required", role=Role.MANAGER.value, role_zh=Role.MANAGER.zh)
    view = order_view(order, p.hall.clock.time(), p.ratings.names())
    found = records.get_evaluation(p.hall.store.conn, order.evaluation_id)
    return JSON({**view, "evaluation": record_view(found) if found else None})


def _plan_fix(body: Body) -> StepFields:
    due = body.text("due", required=False, max_len=10)
    if due is not None:
        try:
            date.fromisoformat(due)
        except ValueError:
            raise DomainError(
                "bad_field", field="due", reason_zh="日期应写作 2026-12-01", reason="use 2026-12-01"
            ) from None
    return {"plan": body.text("plan", max_len=1000), "due": due}


def _no_fields(body: Body) -> StepFields:
    return {}


# Each work-order step and the fields it reads beside its note.
WORK_ORDER_STEPS: dict[str, Callable[[Body], StepFields]] = {
    "call-back": lambda b: {"result": b.choice("result", ContactResult).value},
    "fix-now": _no_fields,
    "plan-fix": _plan_fix,
    "complete-fix": _no_fields,
    "explain": _no_fields,
    "tell": _no_fields,
    "satisfaction": lambda b: {
        "satisfaction": b.choice("satisfaction", HandlingSatisfaction).value
    },
    "close": _no_fields,
    "appeal": lambda b: {"ground": b.choice("ground", AppealGround).value},
    "review-appeal": lambda b: {"accepted": b.boolean("accepted")},
}


@idempotent
async def work_order_step(request: Request) -> Response:
    """
    summary: "A step on a work order: call-back {result}, fix-now {note}, plan-fix {plan, due},
      complete-fix {note}, explain {note}, tell {note}, satisfaction {satisfaction}, close,
      appeal {ground, note}, review-appeal {accepted, note}."
    responses:
      200: {description: The work order after the step.}
      409: {description: The step is not allowed now.}
    """
    p = parts(request)
    actor = p.sessions.require(request)
    read_fields = dispatch(request, WORK_ORDER_STEPS)
    body = await Body.read(request, empty_ok=True)
    fields: StepFields = {"note": body.text("note", required=False, max_len=1000)}
    fields.update(read_fields(body))
    body.done()
    order = p.ratings.step(request.path_params["id"], request.path_params["action"], actor, fields)
    return JSON(order_view(order, p.hall.clock.time(), p.ratings.names()))


routes = [
    Route("/api/evaluations/settings", pad_settings, methods=["GET"]),
    Route("/api/evaluations/export", export_evaluations, methods=["GET"]),
    Route("/api/evaluations", rate, methods=["POST"]),
    Route("/api/evaluations", list_evaluations, methods=["GET"]),
    Route("/api/evaluations/{id:str}/correct", correct_evaluation, methods=["POST"]),
    Route("/api/evaluation-corrections", list_corrections, methods=["GET"]),
    Route("/api/evaluation-corrections/{id:id}/{action:str}", decide_correction, methods=["POST"]),
    Route("/api/windows/{n:id}/invite-rating", invite_rating, methods=["POST"]),
    Route("/api/reports/ratings", rating_report, methods=["GET"]),
    Route("/api/work-orders", list_work_orders, methods=["GET"]),
    Route("/api/work-orders/{id:id}", get_work_order, methods=["GET"]),
    Route("/api/work-orders/{id:id}/{action:str}", work_order_step, methods=["POST"]),
]
