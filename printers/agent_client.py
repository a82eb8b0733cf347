"""The printer agent on a kiosk PC: prints what the server sends to the local printer and
reports its status; reconnects by itself, forever."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import websockets

from printers.device import PrinterDevice, PrinterProfile, PrintMode
from printers.errors import PrinterError
from printers.slip import PaperWidth
from printers.spec import ConnectionSpec
from printers.status import PrinterStatus
from printers.wire import Failed, Printed, error_to_wire, slip_from_wire

log = logging.getLogger("hallcall.agent")

STATUS_SECONDS = 2.0
MAX_BACKOFF = 10.0


def agent_url(server: str, printer: str) -> str:
    base = server.rstrip("/").replace("https://", "wss://").replace("http://", "ws://")
    return f"{base}/ws/printer-agent?printer={printer}"


async def run_agent(server: str, printer: str, key: str, spec: ConnectionSpec) -> None:
    backoff = 0.5
    while True:
        try:
            async with websockets.connect(
                agent_url(server, printer), additional_headers={"Authorization": f"Agent {key}"}
            ) as ws:
                backoff = 0.5
                await _serve(ws, spec)
        except (OSError, websockets.exceptions.WebSocketException, TimeoutError) as exc:
            log.warning("printer agent: %s; reconnecting in %.1f s", exc, backoff)
        await asyncio.sleep(backoff)
        backoff = min(MAX_BACKOFF, backoff * 2)


async def _serve(ws: Any, spec: ConnectionSpec) -> None:
    hello = json.loads(await ws.recv())
    profile = PrinterProfile(
        paper=PaperWidth(hello["paper"]),
        mode=PrintMode(hello["mode"]),
        query_status=hello["status"],
    )
    device = PrinterDevice(spec, profile)
    log.info("printer agent connected for %s (%s)", hello["printer"], device)
    lock = asyncio.Lock()  # one job or status check at a time on the printer

    async def report() -> None:
        last: PrinterStatus | None = None
        while True:
            async with lock:
                status = await asyncio.to_thread(device.status)
            if status is not last:
                await ws.send(json.dumps({"type": "status", "status": status.value}))
                last = status
            await asyncio.sleep(STATUS_SECONDS)

    reporter = asyncio.create_task(report())
    try:
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") != "print":
                continue
            async with lock:
                reply = await _print(device, message)
            await ws.send(json.dumps(reply, ensure_ascii=False))
    finally:
        reporter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reporter


async def _print(device: PrinterDevice, message: dict[str, Any]) -> Printed | Failed:
    """Print a job the server sent (JSON, read as it is used) and say how it went."""
    job = message["job"]
    try:
        status = await asyncio.to_thread(device.print_slip, slip_from_wire(message["slip"]))
    except PrinterError as err:
        failed: Failed = {
            "type": "failed",
            "job": job,
            "status": err.status.value,
            **error_to_wire(err),
        }
        return failed
    return {"type": "printed", "job": job, "status": status.value}
