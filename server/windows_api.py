"""The window API: windows, their waiting lists, and every staff action at a window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hall.actors import Actor, Role
from hall.answers import Answer
from hall.errors import DomainError
from hall.hall import Hall
from hall.model import Outcome
from hall.queue import Move
from hall.views import TicketAnswer, ticket_view
from server.http import JSON, Body, answer, once
from server.parts import caller_scope, for_caller, parts


async def list_windows(request: Request) -> Response:
    """
    summary: Every window with its state, staff and current ticket.
    responses:
      200: {description: "{windows: [...]}"}
    """
    return JSON(for_caller(request, {"windows": parts(request).hall.windows()}))


async def get_window(request: Request) -> Response:
    """
    summary: One window, with the waiting counts of the services it serves.
    responses:
      200: {description: The window.}
      404: {description: No such window.}
    """
    hall = parts(request).hall
    view = hall.window(request.path_params["n"])
    return JSON(
        for_caller(
            request,
            {**view, "waiting": {s: hall.queue.waiting_count(s) for s in view["services"]}},
        )
    )


async def waiting_list(request: Request) -> Response:
    """
    summary: "The first tickets (?limit=, 60 by default, at most 500) this window would call, in
      order, and how many wait for it in all (staff)."
    responses:
      200: {description: "{tickets: [...], total}"}
    """
    p = parts(request)
    p.sessions.require(request)
    hall = p.hall
    n = request.path_params["n"]
    raw = request.query_params.get("limit", "60")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_WAITING_LIST:
        raise DomainError(
            "bad_field",
            field="limit",
            reason_zh=f"应为 1 到 {MAX_WAITING_LIST} 的整数",
            reason=f"must be a whole number 1-{MAX_WAITING_LIST}",
        )
    ordered, total = hall.queue.waiting_for(n, int(raw))
    views = [{**ticket_view(t, hall.config), "next": i == 0} for i, t in enumerate(ordered)]
    return JSON({"tickets": views, "total": total})


MAX_WAITING_LIST = 500

WindowCommand = Callable[[Hall, int, Actor, Body], Callable[[datetime], Move]]


def _transfer(h: Hall, n: int, a: Actor, b: Body) -> Callable[[datetime], Move]:
    service = b.text("service", required=False)
    window = b.integer("window", required=False, low=1)
    note = b.text("note", required=False)
    if service is None and window is None:
        raise DomainError("missing_field", field="service")
    return lambda now: h.queue.transfer(n, now, to_service=service, to_window=window, note=note)


def _call_number(h: Hall, n: int, a: Actor, b: Body) -> Callable[[datetime], Move]:
    number = b.text("number", max_len=10)
    assert number is not None
    return lambda now: h.queue.call_number(n, number, a.username, now)


def _call_back(h: Hall, n: int, a: Actor, b: Body) -> Callable[[datetime], Move]:
    tid = b.integer("ticket", low=1)
    assert tid is not None
    return lambda now: h.queue.call_back(n, tid, a.username, now)


def _pause(h: Hall, n: int, a: Actor, b: Body) -> Callable[[datetime], Move]:
    reason = b.text("reason", max_len=40)
    assert reason is not None
    return lambda now: h.queue.pause(n, reason, now)


def _finish(h: Hall, n: int, a: Actor, b: Body) -> Callable[[datetime], Move]:
    outcome = b.choice("outcome", Outcome, Outcome.ON_THE_SPOT)
    return lambda now: h.queue.finish(n, outcome, now)


WINDOW_COMMANDS: dict[str, WindowCommand] = {
    "sign-in": lambda h, n, a, b: lambda now: h.queue.sign_in(n, a.username, a.name, now),
    "sign-out": lambda h, n, a, b: lambda now: h.queue.sign_out(n, now),
    "call": _call_number,
    "call-back": _call_back,
    "recall": lambda h, n, a, b: lambda now: h.queue.recall(n, now),
    "start": lambda h, n, a, b: lambda now: h.queue.start(n, now),
    "finish": _finish,
    "no-show": lambda h, n, a, b: lambda now: h.queue.no_show(n, now),
    "transfer": _transfer,
    "park": lambda h, n, a, b: lambda now: h.queue.park(n, now),
    "pause": _pause,
    "resume": lambda h, n, a, b: lambda now: h.queue.resume(n, now),
}


async def window_action(request: Request) -> Response:
    """
    summary: "A staff action at a window: sign-in, sign-out, call-next, call {number}, recall,
      start, finish {outcome}, no-show, transfer {service|window, note}, park, call-back {ticket},
      pause {reason}, resume. Staff act only at the window they are signed in at; managers at
      any. Send an Idempotency-Key header so that a double tap is one action."
    responses:
      200: {description: "{ticket: {...} or null, window: {...}}"}
      403: {description: Not signed in at this window.}
      409: {description: Not allowed in the ticket's or window's current state.}
    """
    p = parts(request)
    n: int = request.path_params["n"]
    action: str = request.path_params["action"]
    actor = p.sessions.require(request)
    window = p.hall.queue.window(n)
    if action not in WINDOW_COMMANDS and action != "call-next":
        raise DomainError(
            "bad_field",
            field="action",
            reason_zh=f"没有“{action}”操作",
            reason=f"there is no action {action!r}",
        )
    if action != "sign-in" and window.staff != actor.username and not actor.can(Role.MANAGER):
        raise DomainError("not_your_window", window=n)
    body = await Body.read(request, empty_ok=True)
    key_fields: dict[str, object]
    if action == "call-next":
        key_fields = body.done()
        key = once(request, caller_scope(request, actor), f"{n}:{action}", key_fields)
        return answer(p.hall.call_next(n, actor, key))
    command = WINDOW_COMMANDS[action](p.hall, n, actor, body)
    key_fields = body.done()
    key = once(request, caller_scope(request, actor), f"{n}:{action}", key_fields)
    result: Answer[TicketAnswer] = p.hall.act(command, actor, key)
    return answer(result)


routes = [
    Route("/api/windows", list_windows, methods=["GET"]),
    Route("/api/windows/{n:id}", get_window, methods=["GET"]),
    Route("/api/windows/{n:id}/waiting", waiting_list, methods=["GET"]),
    Route("/api/windows/{n:id}/{action:str}", window_action, methods=["POST"]),
]
