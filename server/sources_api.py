"""Where today's numbers came from, and cancelling a burst from one source in one action."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hall.actors import Role
from hall.errors import DomainError
from hall.model import TicketStatus
from server.http import JSON, Body, idempotent
from server.parts import parts

MAX_SOURCES = 50


async def list_sources(request: Request) -> Response:
    """
    summary: "Today's waiting numbers by who took them (manager): a kiosk, staff, or a phone's
      address, with how many and when the first and last were taken; the busiest first."
    responses:
      200: {description: "{sources: [{source, waiting, first_taken_at, last_taken_at}]}"}
      403: {description: Not a manager.}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    found: dict[str, list[float]] = defaultdict(list)
    for t in p.hall.queue.tickets.values():
        if t.status is TicketStatus.WAITING:
            found[t.source or "?"].append(t.taken_at)
    rows: list[dict[str, Any]] = [
        {"source": s, "waiting": len(ts), "first_taken_at": min(ts), "last_taken_at": max(ts)}
        for s, ts in found.items()
    ]
    rows.sort(key=lambda r: (-r["waiting"], r["source"]))
    return JSON({"sources": rows[:MAX_SOURCES]})


@idempotent
async def cancel_burst(request: Request) -> Response:
    """
    summary: "Cancel every waiting number one source took between two times (manager), in
      one action: {source, from, to (epoch seconds), reason?}. Each ticket is cancelled with
      its own event, and the burst is logged with who cancelled it."
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [source, from, to]
            properties:
              source: {type: string, description: "as GET /api/tickets/sources names it"}
              from: {type: number}
              to: {type: number}
              reason: {type: string}
    responses:
      200: {description: "{cancelled: [numbers], count}"}
      403: {description: Not a manager.}
      422: {description: A field is missing or wrong.}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.MANAGER)
    body = await Body.read(request)
    source = body.text("source", max_len=80)
    start = body.number("from")
    end = body.number("to")
    reason = body.text("reason", required=False, max_len=40) or "批量取号已取消"
    body.done()
    assert source is not None and start is not None and end is not None
    if end < start:
        raise DomainError(
            "bad_field", field="to", reason_zh="不能早于开始时间", reason="is before from"
        )
    numbers = p.desk.cancel_burst(source, start, end, reason, actor)
    return JSON({"cancelled": numbers, "count": len(numbers)})


routes = [
    Route("/api/tickets/sources", list_sources, methods=["GET"]),
    Route("/api/tickets/cancel-burst", cancel_burst, methods=["POST"]),
]
