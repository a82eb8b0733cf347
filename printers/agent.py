"""A printer behind a printer agent: a kiosk PC with a USB printer, far from the server.

The agent connects to the server over a websocket and holds it open; the spooler prints to
an `AgentPrinter` as to any printer. A job whose answer never comes back (the agent or the
network dropped mid-job) counts as interrupted: it may have printed, so it is not resent.
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import json
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import TimeoutError as FutureTimeout

from printers.device import PrinterProfile
from printers.errors import PrinterGoneError, PrintInterruptedError
from printers.slip import PaperWidth, Slip
from printers.status import PrinterStatus
from printers.wire import AgentHello, error_from_wire, slip_to_wire

JOB_SECONDS = 30.0  # an agent's printer answers within its own timeouts; this is the backstop

Send = Callable[[str], Awaitable[None]]
Reply = Mapping[str, object]  # an agent's message as it sent it (wire.Printed or wire.Failed)


class AgentPrinter:
    """Satisfies the spooler's PrintTarget; its methods run on the spooler's threads."""

    def __init__(self, name: str, profile: PrinterProfile, key: str) -> None:
        self.name = name
        self.profile = profile
        self._key = key
        self._send: Send | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._status = PrinterStatus.GONE
        self._waiting: dict[int, asyncio.Future[Reply]] = {}
        self._ids = itertools.count(1)

    @property
    def paper(self) -> PaperWidth:
        return self.profile.paper

    def accepts(self, key: str) -> bool:
        return hmac.compare_digest(key.encode(), self._key.encode())

    # -- the agent's connection (on the event loop) ------------------------------------------

    def hello(self) -> AgentHello:
        p = self.profile
        return {
            "type": "hello",
            "printer": self.name,
            "paper": p.paper.value,
            "mode": p.mode.value,
            "status": p.query_status,
        }

    def attach(self, send: Send) -> None:
        self._send = send
        self._loop = asyncio.get_running_loop()

    def detach(self, send: Send) -> None:
        if self._send is not send:
            return  # a newer connection of the same agent has taken over
        self._send = None
        self._status = PrinterStatus.GONE
        for future in self._waiting.values():
            if not future.done():
                future.set_result(
                    {
                        "type": "failed",
                        "error": "PrintInterruptedError",
                        "printer": self.name,
                        "detail": "打印代理连接断开 / agent gone",
                    }
                )

    def received(self, message: Reply) -> None:
        status = message.get("status")
        if isinstance(status, str):
            try:
                self._status = PrinterStatus(status)
            except ValueError:
                self._status = PrinterStatus.GONE
        job = message.get("job")
        if isinstance(job, int) and job in self._waiting and not self._waiting[job].done():
            self._waiting[job].set_result(message)

    # -- PrintTarget (on the spooler's threads) -----------------------------------------------

    def status(self) -> PrinterStatus:
        return self._status if self._send is not None else PrinterStatus.GONE

    def print_slip(self, slip: Slip) -> PrinterStatus:
        loop, send = self._loop, self._send
        if loop is None or send is None:
            raise PrinterGoneError(self.name, "打印代理未连接 / no printer agent connected")
        job = next(self._ids)
        future = asyncio.run_coroutine_threadsafe(self._ask(send, job, slip), loop)
        try:
            reply = future.result(JOB_SECONDS)
        except FutureTimeout:
            future.cancel()
            raise PrintInterruptedError(
                self.name, "打印代理无应答 / agent did not answer"
            ) from None
        if reply.get("type") == "printed":
            return self._status
        raise error_from_wire(reply)

    async def _ask(self, send: Send, job: int, slip: Slip) -> Reply:
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._waiting[job] = future
        try:
            await send(
                json.dumps(
                    {"type": "print", "job": job, "slip": slip_to_wire(slip)}, ensure_ascii=False
                )
            )
            return await future
        finally:
            self._waiting.pop(job, None)
