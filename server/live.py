"""Websocket endpoints: screens and pages follow the hall's events live."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from display.hub import Hub, Viewer
from hall.actors import Role

WS_TRY_AGAIN_LATER = 1013  # sent to a client that fell too far behind; it reconnects
WS_POLICY_VIOLATION = 1008
SESSION_CHECK_SECONDS = 15


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
    raw = ws.query_params.get("since", "")
    since = int(raw) if raw.isdigit() else None
    await ws.accept()
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
