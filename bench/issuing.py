"""Tickets issued per second with 10 concurrent kiosks, and issue latency with one.

Targets (issue 2): >= 2,000 tickets/s with 10 concurrent clients, each durably committed;
p99 issue latency <= 10 ms with one client. Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http1 import Connection, percentile
from tests.serverproc import HallServer

RUN = uuid.uuid4().hex[:8]
SERVICES = ["business", "social", "tax", "fund", "enquiry"]  # realestate has a daily cap


async def kiosk(port: int, count: int, latencies: list[float], k: int) -> None:
    conn = await Connection.open("127.0.0.1", port)
    for i in range(count):
        t0 = time.perf_counter()
        status, _ = await conn.request(
            "POST",
            "/api/tickets",
            {"service": SERVICES[(i + k) % len(SERVICES)]},
            {"Idempotency-Key": f"bench-{RUN}-{k}-{i}-{time.perf_counter_ns()}"},
        )
        latencies.append(time.perf_counter() - t0)
        if status != 201:
            raise RuntimeError(f"status {status}")
    await conn.close()


async def run(port: int, clients: int, per_client: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    t0 = time.perf_counter()
    await asyncio.gather(*(kiosk(port, per_client, latencies, k) for k in range(clients)))
    return time.perf_counter() - t0, latencies


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = HallServer(Path(tmp) / "data")
        server.data.mkdir()
        server.start()
        try:
            asyncio.run(run(server.port, 2, 200))  # warm up
            elapsed, lat = asyncio.run(run(server.port, 10, 1000))
            rate = len(lat) / elapsed
            print(
                f"10 concurrent kiosks: {len(lat)} tickets in {elapsed:.2f} s = "
                f"{rate:,.0f} tickets/s (target >= 2,000)  "
                f"p50 {percentile(lat, 0.5) * 1000:.1f} ms, "
                f"p99 {percentile(lat, 0.99) * 1000:.1f} ms"
            )
            _, lat1 = asyncio.run(run(server.port, 1, 2000))
            print(
                f"one kiosk: p50 {percentile(lat1, 0.5) * 1000:.2f} ms, "
                f"p99 {percentile(lat1, 0.99) * 1000:.2f} ms (target p99 <= 10 ms)"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
