"""The city hub's web side: halls push their events over a websocket they open (halls sit
behind NAT), and city staff read every hall's live figures. The hub never changes a hall."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from city.live import figures
from city.store import CityStore

log = logging.getLogger("hallcall.city")

MAX_BATCH = 1000  # events a hall may send in one message
WS_POLICY_VIOLATION = 1008
ROLES = ("viewer", "admin")


class Hub:
    def __init__(self, store: CityStore, clock: Callable[[], float]) -> None:
        self.store = store
        self.clock = clock
        self.lock = asyncio.Lock()  # one connection: one caller at a time, off the loop

    async def run(self, work: Callable[[], Any]) -> Any:
        async with self.lock:
            return await asyncio.to_thread(work)


def _hub(conn: HTTPConnection) -> Hub:
    hub = conn.app.state.hub
    assert isinstance(hub, Hub)
    return hub


def _bearer(conn: HTTPConnection, prefix: str) -> str:
    auth = conn.headers.get("authorization", "")
    return auth[len(prefix) :].strip() if auth.lower().startswith(prefix.lower()) else ""


async def _require(request: Request) -> str:
    token = _bearer(request, "Bearer ")
    role = await _hub(request).run(lambda: _hub(request).store.token_role(token)) if token else None
    if role not in ROLES:
        raise HTTPException(401, "a city token is needed")
    return str(role)


async def push(ws: WebSocket) -> None:
    """`/ws/city/push` with `Authorization: Hall KEY`: the hub says where to resume, the hall
    sends its events in order, the hub acknowledges each batch once it is committed."""
    hub = _hub(ws)
    key = _bearer(ws, "Hall ")
    hall = await hub.run(lambda: hub.store.hall_for_key(key)) if key else None
    if hall is None:
        await ws.close(WS_POLICY_VIOLATION)  # unknown or revoked key: nothing to say
        return
    await ws.accept()
    await ws.send_text(json.dumps({"type": "resume", "after": hall.last_seq}))
    try:
        while True:
            message = json.loads(await ws.receive_text())
            events = message.get("events") if isinstance(message, dict) else None
            if message.get("type") != "events" or not isinstance(events, list):
                continue
            batch = [e for e in events[:MAX_BATCH] if _valid(e)]
            last = await hub.run(functools.partial(hub.store.ingest, hall.id, batch, hub.clock()))
            await ws.send_text(json.dumps({"type": "ack", "seq": last}))
    except (WebSocketDisconnect, json.JSONDecodeError, RuntimeError):
        pass
    finally:
        with contextlib.suppress(Exception):
            await ws.close()


def _valid(e: Any) -> bool:
    return (
        isinstance(e, dict)
        and isinstance(e.get("seq"), int)
        and isinstance(e.get("type"), str)
        and isinstance(e.get("at"), int | float)
        and isinstance(e.get("data"), dict)
    )


async def list_halls(request: Request) -> Response:
    """
    summary: Every hall with its live figures, the most troubled first (city viewer).
    responses:
      200: {description: "{halls: [{id, name, waiting, longest_wait_minutes, ...}]}"}
      401: {description: No valid city token.}
    """
    await _require(request)
    hub = _hub(request)
    now = hub.clock()
    rows = await hub.run(hub.store.halls)
    halls = []
    for r in rows:
        lag = now - r["last_push_at"] if r["last_push_at"] else None
        halls.append(
            {
                "id": r["id"],
                "name": r["name"],
                "last_seq": r["last_seq"],
                "last_event_at": r["last_event_at"],
                "seconds_since_push": round(lag) if lag is not None else None,
                **figures(r["live"], now),
            }
        )
    halls.sort(key=lambda h: (-h["trouble"], h["id"]))
    return JSONResponse({"halls": halls})


async def hall_events(request: Request) -> Response:
    """
    summary: A hall's events as the hub holds them (?after=SEQ, up to 1,000) (city viewer).
    responses:
      200: {description: "{events: [{seq, type, at, data}]}"}
      401: {description: No valid city token.}
    """
    await _require(request)
    hub = _hub(request)
    raw = request.query_params.get("after", "0")
    after = int(raw) if raw.isdigit() and len(raw) < 16 else 0
    hall_id = request.path_params["id"]
    events = await hub.run(lambda: hub.store.events(hall_id, after))
    return JSONResponse({"events": events})


def create_city_app(dsn: str, clock: Callable[[], float]) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = await asyncio.to_thread(CityStore, dsn)  # creates or migrates the schema
        app.state.hub = Hub(store, clock)
        log.info("city hub is open")
        try:
            yield
        finally:
            store.close()

    return Starlette(
        routes=[
            WebSocketRoute("/ws/city/push", push),
            Route("/api/city/halls", list_halls, methods=["GET"]),
            Route("/api/city/halls/{id:str}/events", hall_events, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
