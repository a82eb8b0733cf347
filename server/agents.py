"""The websocket printer agents connect to: `/ws/printer-agent?printer=NAME`, with the key."""

from __future__ import annotations

import contextlib
import json

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from printers.agent import AgentPrinter

WS_POLICY_VIOLATION = 1008


async def agent_socket(ws: WebSocket) -> None:
    """`/ws/printer-agent?printer=NAME` with `Authorization: Agent KEY`: the server sends the
    agent print jobs and the agent answers each, and reports its printer's status."""
    spooler = ws.app.state.parts.spooler
    name = ws.query_params.get("printer", "")
    target = spooler.targets.get(name)
    auth = ws.headers.get("authorization", "")
    key = auth[6:].strip() if auth.lower().startswith("agent ") else ""
    if not isinstance(target, AgentPrinter) or not key or not target.accepts(key):
        await ws.close(WS_POLICY_VIOLATION)  # unknown printer or wrong key: nothing to say
        return
    await ws.accept()
    await ws.send_text(json.dumps(target.hello()))
    send = ws.send_text
    target.attach(send)
    spooler.wake(name)
    try:
        while True:
            message = json.loads(await ws.receive_text())
            if isinstance(message, dict):
                target.received(message)
                if message.get("type") == "status":
                    spooler.wake(name)  # a status change may let queued jobs print now
    except (WebSocketDisconnect, json.JSONDecodeError, RuntimeError):
        pass
    finally:
        target.detach(send)
        with contextlib.suppress(Exception):
            await ws.close()


routes = [WebSocketRoute("/ws/printer-agent", agent_socket)]
