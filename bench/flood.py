"""A flood from the hall's Wi-Fi while a window calls next: what the staff feel.

Strangers (the loopback address is not a kiosk network here, and anonymous issuing is
"open", the worst case) pour in tickets on 10 connections, open 1,000 live sockets and try
300 logins with made-up names, all at once, while window 1 calls next and finishes in a
loop. Prints the call latency before and during the flood, what the flood got, and the
server's memory. Goal (issue 10): calls stay quick (p99 under 100 ms) and memory returns.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import websockets

from bench.http1 import Connection, percentile
from tests.serverproc import PASSWORD, HallServer

ROOT = Path(__file__).resolve().parent.parent
EXTRA = """
[access]
anonymous = "open"
kiosk_networks = []
"""
SERVICES = ["business", "social", "tax", "fund", "enquiry"]
FLOOD_SECONDS = 8.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def login_token(port: int) -> str:
    conn = await Connection.open("127.0.0.1", port)
    status, body = await conn.request(
        "POST", "/api/login", {"username": "bench", "password": PASSWORD}
    )
    await conn.close()
    assert status == 200, body
    return str(body["token"])


async def window_loop(port: int, token: str, stop: asyncio.Event, out: list[float]) -> None:
    """Window 1: call next and finish at once, over and over; time each call."""
    conn = await Connection.open("127.0.0.1", port)
    auth = {"Authorization": f"Bearer {token}"}
    while not stop.is_set():
        t0 = time.perf_counter()
        status, body = await conn.request("POST", "/api/windows/1/call-next", None, auth)
        out.append(time.perf_counter() - t0)
        if status == 200 and body.get("ticket"):
            await conn.request("POST", "/api/windows/1/start", None, auth)
            await conn.request("POST", "/api/windows/1/finish", {"outcome": "on_the_spot"}, auth)
        else:
            await asyncio.sleep(0.01)
    await conn.close()


async def issue_flood(port: int, stop: asyncio.Event, counts: dict[str, int], k: int) -> None:
    conn = await Connection.open("127.0.0.1", port)
    i = 0
    while not stop.is_set():
        status, _ = await conn.request(
            "POST",
            "/api/tickets",
            {"service": SERVICES[(i + k) % len(SERVICES)]},
            {"Idempotency-Key": f"flood-{uuid.uuid4().hex}"},
        )
        counts[str(status)] = counts.get(str(status), 0) + 1
        i += 1
    await conn.close()


async def socket_flood(port: int, n: int, counts: dict[str, int], held: list[object]) -> None:
    async def one() -> None:
        try:
            ws = await websockets.connect(f"ws://127.0.0.1:{port}/ws/display", open_timeout=20)
            first = await asyncio.wait_for(ws.recv(), 20)
            kind = "refused" if '"refused"' in str(first) else "accepted"
            counts[kind] = counts.get(kind, 0) + 1
            held.append(ws)
        except websockets.InvalidStatus as exc:  # refused at the handshake, as it should be
            kind = f"refused {exc.response.status_code}"
            counts[kind] = counts.get(kind, 0) + 1
        except Exception as exc:  # the point is to see what the server does under it
            counts[type(exc).__name__] = counts.get(type(exc).__name__, 0) + 1

    await asyncio.gather(*(one() for _ in range(n)))


async def login_flood(port: int, n: int, counts: dict[str, int]) -> None:
    async def one(i: int) -> None:
        conn = await Connection.open("127.0.0.1", port)
        status, _ = await conn.request(
            "POST", "/api/login", {"username": f"ghost{i}", "password": "guess-guess-1"}
        )
        counts[str(status)] = counts.get(str(status), 0) + 1
        await conn.close()

    await asyncio.gather(*(one(i) for i in range(n)))


def flood_process(port: int, results: mp.Queue[dict[str, dict[str, int]]]) -> None:
    async def flood() -> dict[str, dict[str, int]]:
        stop = asyncio.Event()
        issued: dict[str, int] = {}
        sockets: dict[str, int] = {}
        logins: dict[str, int] = {}
        held: list[object] = []
        tasks = [asyncio.create_task(issue_flood(port, stop, issued, k)) for k in range(10)]
        tasks.append(asyncio.create_task(socket_flood(port, 1000, sockets, held)))
        tasks.append(asyncio.create_task(login_flood(port, 300, logins)))
        await asyncio.sleep(FLOOD_SECONDS)
        stop.set()
        await asyncio.gather(*tasks)
        peak = {"rss": int(rss_mb(SERVER_PID[0]))}
        for ws in held:
            with contextlib.suppress(Exception):
                await ws.close()  # type: ignore[attr-defined]
        return {"issued": issued, "sockets": sockets, "logins": logins, "peak": peak}

    results.put(asyncio.run(flood()))


SERVER_PID: list[int] = [0]


async def measure(port: int, pid: int) -> None:
    token = await login_token(port)
    setup = await Connection.open("127.0.0.1", port)
    await setup.request(
        "POST", "/api/windows/1/sign-in", None, {"Authorization": f"Bearer {token}"}
    )
    await setup.close()

    quiet: list[float] = []
    stop = asyncio.Event()
    issued: dict[str, int] = {}
    feeder = asyncio.create_task(issue_flood(port, stop, issued, 0))  # someone to call
    caller = asyncio.create_task(window_loop(port, token, stop, quiet))
    await asyncio.sleep(4)
    stop.set()
    await asyncio.gather(feeder, caller)
    before = rss_mb(pid)

    # The flood runs in a process of its own, so that the window's calls are not slowed by
    # the load generator's own work (both share the server's two cores regardless).
    results: mp.Queue[dict[str, dict[str, int]]] = mp.Queue()
    flooder = mp.Process(target=flood_process, args=(port, results))
    during: list[float] = []
    flood_stop = asyncio.Event()
    t0 = time.perf_counter()
    flooder.start()
    caller = asyncio.create_task(window_loop(port, token, flood_stop, during))
    await asyncio.sleep(1)  # let the flood build up before the calls count
    during.clear()
    await asyncio.to_thread(flooder.join)
    flood_stop.set()
    await caller
    elapsed = time.perf_counter() - t0
    got = results.get(timeout=5)
    issued, sockets, logins = got["issued"], got["sockets"], got["logins"]
    peak = got["peak"]["rss"]
    await asyncio.sleep(2)
    after = rss_mb(pid)

    def ms(values: list[float], p: float) -> str:
        return f"{percentile(values, p) * 1000:.1f} ms" if values else "-"

    tickets = issued.get("201", 0)
    print(f"call next, quiet:  {len(quiet)} calls, p50 {ms(quiet, 0.5)}, p99 {ms(quiet, 0.99)}")
    print(
        f"call next, flood:  {len(during)} calls, p50 {ms(during, 0.5)}, p99 {ms(during, 0.99)}"
        " (goal p99 < 100 ms)"
    )
    print(
        f"the flood in {elapsed:.1f} s: {tickets:,} tickets issued ({tickets / elapsed:,.0f}/s), "
        f"answers {issued}; sockets {sockets}; made-up logins {logins}"
    )
    print(
        f"server memory: {before:.0f} MB before, {peak:.0f} MB in the flood, {after:.0f} MB after"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "flood.toml"
        config.write_text(
            (ROOT / "hall" / "demo.toml").read_text(encoding="utf-8") + EXTRA, encoding="utf-8"
        )
        server = HallServer(Path(tmp) / "data", config)
        server.data.mkdir()
        server.add_user("bench", "staff", "压测")
        server.start()
        try:
            assert server.proc is not None
            SERVER_PID[0] = server.proc.pid
            asyncio.run(measure(server.port, server.proc.pid))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
