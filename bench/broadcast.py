"""A call reaching many connected screens: latency from the staff's click to each screen,
and the server's memory with the screens connected.

Targets: 200 screens p99 <= 25 ms and server RSS <= 100 MB (issue 2);
1,000 screens p99 <= 100 ms (issue 3). Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http1 import Connection, percentile
from hall.actors import Role
from hall.clock import SystemClock
from hall.people.accounts import Accounts
from server.app import open_store
from tests.serverproc import PASSWORD, HallServer

CALLS = 30


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def screen(
    url: str,
    arrivals: dict[str, list[float]],
    ready: asyncio.Event,
    connected: list[int],
    total: int,
) -> None:
    async with websockets.connect(url, max_size=None) as ws:
        await ws.recv()  # the snapshot
        connected[0] += 1
        if connected[0] == total:
            ready.set()
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "ticket.called":
                arrivals.setdefault(message["number"], []).append(time.perf_counter())
                if message.get("last"):
                    return


async def measure(server: HallServer, screens: int) -> None:
    arrivals: dict[str, list[float]] = {}
    ready = asyncio.Event()
    connected = [0]
    url = f"{server.ws_url}/ws/display"
    tasks = [
        asyncio.create_task(screen(url, arrivals, ready, connected, screens))
        for _ in range(screens)
    ]
    await asyncio.wait_for(ready.wait(), 120)
    conn = await Connection.open("127.0.0.1", server.port)
    _, login = await conn.request("POST", "/api/login", {"username": "bench", "password": PASSWORD})
    auth = {"Authorization": f"Bearer {login['token']}"}
    await conn.request("POST", "/api/windows/1/sign-in", None, auth)
    sent: dict[str, float] = {}
    for _ in range(CALLS):
        await conn.request("POST", "/api/tickets", {"service": "business"})
    memory = rss_mb(server.proc.pid) if server.proc else float("nan")
    for _ in range(CALLS):
        t0 = time.perf_counter()
        _, called = await conn.request("POST", "/api/windows/1/call-next", None, auth)
        sent[called["ticket"]["number"]] = t0
        await conn.request("POST", "/api/windows/1/no-show", None, auth)
        await asyncio.sleep(0.05)  # calls come seconds apart in a hall; let each one land
    await asyncio.sleep(1)
    latencies = [t - sent[n] for n, ts in arrivals.items() for t in ts]
    delivered = len(latencies) / (CALLS * screens)
    target = 25 if screens <= 200 else 100
    print(
        f"{screens:>5} screens: {CALLS} calls, {delivered:.0%} delivered, "
        f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms (target p99 <= {target} ms); "
        f"server RSS {memory:.0f} MB" + (" (target <= 100 MB)" if screens == 200 else "")
    )
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await conn.close()


def main() -> None:
    for screens in (200, 1000):
        with tempfile.TemporaryDirectory() as tmp:
            server = HallServer(Path(tmp) / "data")
            store = open_store(server.data / "hallcall.db")
            Accounts(store, SystemClock()).add("bench", "压测", Role.STAFF, PASSWORD)
            store.close()
            server.start()
            try:
                asyncio.run(measure(server, screens))
            finally:
                server.stop()


if __name__ == "__main__":
    main()
