"""Websocket endpoints: screens and pages follow the hall's events live."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from collections.abc import Callable

from starlette.responses import JSONResponse
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from display.hub import Hub, Viewer
from hall.actors import Role
from server.http import client_address

WS_TRY_AGAIN_LATER = 1013  # sent to a client that fell too far behind; it reconnects
WS_POLICY_VIOLATION = 1008
SESSION_CHECK_SECONDS = 15


class SocketLimits:
    """Live connections in all and per address: a flood of sockets from phones on the Wi-Fi
    must not take the memory and file descriptors that kiosks and screens need. The hall's
    own PCs (its kiosk networks) are counted in the total only."""

    def __init__(self, total: int, per_address: int, exempt: Callable[[str], bool]) -> None:
        self.total = total
        self.per_address = per_address
        self.exempt = exempt
        self.open: Counter[str] = Counter()
        self.count = 0

    def admit(self, address: str) -> str | None:
        """None if this connection may open (and it is counted), else why not."""
        if self.count >= self.total:
            return "server_full"
        if not self.exempt(address) and self.open[address] >= self.per_address:
            return "too_many_from_address"
        self.open[address] += 1
        self.count += 1
        return None

    def release(self, address: str) -> None:
        self.count -= 1
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]


async def display_socket(ws: WebSocket) -> None:
    """`/ws/display?since=SEQ`: the missed events since SEQ (or a snapshot), then live ones."""
    await _follow(ws, None)


async def staff_socket(ws: WebSocket) -> None:
    """`/ws/staff?since=SEQ`: as /ws/display, with the staff-only events this person may see
    (managers: all; staff: those about themselves). A session ended meanwhile (logout, a
    disabled account, a new password) closes the socket within SESSION_CHECK_SECONDS."""
    sessions = ws.app.state.parts.sessions
    actor = sessions.actor(ws)
    if actor is None:
        await ws.close(WS_POLICY_VIOLATION)  # not logged in
        return
    viewer = Viewer(actor.username, actor.can(Role.MANAGER))
    await _follow(ws, viewer, still_allowed=lambda: sessions.actor(ws) is not None)


async def _follow(
    ws: WebSocket,
    viewer: Viewer | None,
    still_allowed: Callable[[], bool] | None = None,
) -> None:
    hub: Hub = ws.app.state.hub
    limits: SocketLimits = ws.app.state.sockets
    address = client_address(ws)
    raw = ws.query_params.get("since", "")
    since = int(raw) if raw.isdigit() and len(raw) < 19 else None
    refused = limits.admit(address)
    if refused is not None:
        await _refuse(ws, refused)
        return
    await ws.accept()
    try:
        await _serve(ws, hub, since, viewer, still_allowed)
    finally:
        limits.release(address)


async def _refuse(ws: WebSocket, reason: str) -> None:
    """Say no plainly and cheaply: an HTTP 429 answer to the handshake where the server can
    give one (no websocket is ever opened), else a message and a close; pages retry later."""
    body = {"type": "refused", "reason": reason}
    if "websocket.http.response" in ws.scope.get("extensions", {}):
        await ws.send_denial_response(JSONResponse(body, status_code=429))
        return
    await ws.accept()
    with contextlib.suppress(Exception):
        await ws.send_text(json.dumps(body))
        await ws.close(WS_TRY_AGAIN_LATER)


async def _serve(
    ws: WebSocket,
    hub: Hub,
    since: int | None,
    viewer: Viewer | None,
    still_allowed: Callable[[], bool] | None,
) -> None:
    client, backlog = hub.attach(ws.send_text, since, viewer)
    sender = asyncio.create_task(hub.run(client, backlog))
    receiver = asyncio.create_task(_drain(ws))
    tasks = {sender, receiver}
    if still_allowed is not None:
        tasks.add(asyncio.create_task(_watch_session(still_allowed)))
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        if sender in done and client.overflowed:
            with contextlib.suppress(Exception):
                await ws.close(WS_TRY_AGAIN_LATER)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task
        hub.detach(client)


async def _watch_session(still_allowed: Callable[[], bool]) -> None:
    """Sessions end in the database (logout, a disabled account), not by a signal: look."""
    while True:
        await asyncio.sleep(SESSION_CHECK_SECONDS)
        if not still_allowed():
            return


async def _drain(ws: WebSocket) -> None:
    """Read until the client goes away; screens send nothing we act on."""
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return


routes = [
    WebSocketRoute("/ws/display", display_socket),
    WebSocketRoute("/ws/staff", staff_socket),
]
