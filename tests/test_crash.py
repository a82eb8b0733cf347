"""The server killed with SIGKILL at any moment: every answered action survives the restart."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from tests.serverproc import HallServer, ok

PROGRESS = {"waiting": 0, "called": 1, "serving": 2, "done": 3, "no_show": 3, "cancelled": 3}


@dataclass
class Answered:
    """What the clients were told: each of these must still be true after the crash."""

    numbers: dict[int, str] = field(default_factory=dict)  # ticket id -> number
    status: dict[int, str] = field(default_factory=dict)  # ticket id -> last status told

    finished: int = 0

    def note(self, ticket: dict[str, object]) -> None:
        tid = int(str(ticket["id"]))
        self.numbers[tid] = str(ticket["number"])
        self.status[tid] = str(ticket["status"])
        self.finished += ticket["status"] == "done"


def kiosk(server: HallServer, stop: threading.Event, seen: Answered, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=server.url, timeout=5) as c:
        while not stop.is_set():
            try:
                r = c.post("/api/tickets", json={"service": rng.choice(["business", "social"])})
            except httpx.TransportError:
                return
            if r.status_code == 201:
                seen.note(r.json())


def window(staff: httpx.Client, stop: threading.Event, seen: Answered) -> None:
    """Window 1 serves visitors one after another: call, start, finish."""
    try:
        current = ok(staff.get("/api/windows/1"))["current"]  # left over from the last crash
        steps = {"called": ["start", "finish"], "serving": ["finish"]}.get(
            current["status"] if current else "", []
        )
        while not stop.is_set():
            action = steps.pop(0) if steps else "call-next"
            r = staff.post(f"/api/windows/1/{action}")
            assert r.status_code == 200, r.text
            ticket = r.json()["ticket"]
            if ticket is not None:
                seen.note(ticket)
                if action == "call-next":
                    steps = ["start", "finish"]
    except httpx.TransportError:
        return


def test_answered_actions_survive_sigkill(server: HallServer) -> None:
    rng = random.Random(7)
    seen = Answered()
    ok(server.login("li").post("/api/windows/1/sign-in"))
    for _ in range(3):
        stop = threading.Event()
        staff = server.login("li")
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(kiosk, server, stop, seen, k) for k in range(3)]
            futures.append(pool.submit(window, staff, stop, seen))
            # Let real work happen whatever the machine's load, then kill at a random moment.
            tickets, finished = len(seen.numbers), seen.finished
            deadline = time.monotonic() + 30
            while (len(seen.numbers) < tickets + 15 or seen.finished == finished) and (
                time.monotonic() < deadline
            ):
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.3))
            server.kill()  # mid-flight, wherever the server is
            stop.set()
            for f in futures:
                f.result()
        server.start()

        c = server.login("boss")
        for tid, number in seen.numbers.items():
            t = ok(c.get(f"/api/tickets/{tid}"))
            assert t["number"] == number
            assert PROGRESS[t["status"]] >= PROGRESS[seen.status[tid]], (number, t["status"])
        # Numbering continues after the highest number ever answered, never reusing one.
        for service, prefix in (("business", "A"), ("social", "B")):
            fresh = ok(c.post("/api/tickets", json={"service": service}))["number"]
            answered = [int(n[1:]) for n in seen.numbers.values() if n[0] == prefix]
            assert int(fresh[1:]) > max(answered, default=0)
    assert len(seen.numbers) >= 45 and seen.finished >= 3  # the kills landed mid-work
