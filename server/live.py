"""Websocket endpoints: screens and pages follow the hall's events live."""

from __future__ import annotations

import asyncio
import contextlib

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from display.hub import Hub

WS_TRY_AGAIN_LATER = 1013  # sent to a client that fell too far behind; it reconnects
WS_POLICY_VIOLATION = 1008


async def display_socket(ws: WebSocket) -> None:
    """`/ws/display?since=SEQ`: the missed events since SEQ (or a snapshot), then live ones."""
    await _follow(ws, staff=False)


async def staff_socket(ws: WebSocket) -> None:
    """`/ws/staff?since=SEQ`: as /ws/display, with the events only staff may see."""
    sessions = ws.app.state.parts.sessions
    if sessions.actor(ws) is None:
        await ws.close(WS_POLICY_VIOLATION)  # not logged in
        return
    await _follow(ws, staff=True)


async def _follow(ws: WebSocket, staff: bool) -> None:
    hub: Hub = ws.app.state.hub
    raw = ws.query_params.get("since", "")
    since = int(raw) if raw.isdigit() else None
    await ws.accept()
    client, backlog = hub.attach(ws.send_text, since, staff)
    sender = asyncio.create_task(hub.run(client, backlog))
    receiver = asyncio.create_task(_drain(ws))
    try:
        done, _ = await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        if sender in done and client.overflowed:
            with contextlib.suppress(Exception):
                await ws.close(WS_TRY_AGAIN_LATER)
    finally:
        for task in (sender, receiver):
            task.cancel()
        for task in (sender, receiver):
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task
        hub.detach(client)


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
