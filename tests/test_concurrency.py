"""Ten kiosks issuing and fifty windows calling at once: no number twice, no ticket called twice."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from hall.actors import Role
from hall.clock import SystemClock
from hall.people.accounts import Accounts
from server.app import open_store
from tests.serverproc import PASSWORD, HallServer, ok

SERVICES = ("business", "social", "tax")
KIOSKS, TICKETS_PER_KIOSK, WINDOWS = 10, 40, 50


def big_hall(path: Path) -> Path:
    lines = [
        '[hall]\nname = "大型政务服务中心"\nignore_hours = true\n',
        '[[departments]]\nid = "all"\nname = "综合"\n',
    ]
    for sid, prefix in zip(SERVICES, "ABD", strict=True):
        lines.append(
            f'[[services]]\nid = "{sid}"\nname = "{sid}"\ndepartment = "all"\nprefix = "{prefix}"\n'
        )
    for n in range(1, WINDOWS + 1):
        order = SERVICES[n % 3 :] + SERVICES[: n % 3]  # each window its own preference
        listed = ", ".join(f'"{s}"' for s in order)
        lines.append(f"[[windows]]\nnumber = {n}\nservices = [{listed}]\n")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_ten_kiosks_and_fifty_windows_at_once(tmp_path: Path) -> None:
    server = HallServer(tmp_path / "data", big_hall(tmp_path / "big.toml"))
    store = open_store(server.data / "hallcall.db")
    accounts = Accounts(store, SystemClock())
    for n in range(1, WINDOWS + 1):
        accounts.add(f"staff{n}", f"员工{n}", Role.STAFF, PASSWORD)
    store.close()
    server.start()
    try:
        with ThreadPoolExecutor(WINDOWS) as pool:
            staff = list(pool.map(lambda n: server.login(f"staff{n}"), range(1, WINDOWS + 1)))
        for n, client in enumerate(staff, start=1):
            ok(client.post(f"/api/windows/{n}/sign-in"))

        issuing_done = threading.Event()
        issued: list[tuple[int, str]] = []
        served: dict[int, list[int]] = {}

        def kiosk(k: int) -> None:
            rng = random.Random(k)
            with httpx.Client(base_url=server.url, timeout=10) as c:
                for i in range(TICKETS_PER_KIOSK):
                    body = {"service": rng.choice(SERVICES)}
                    r = c.post("/api/tickets", json=body, headers={"Idempotency-Key": f"{k}-{i}"})
                    assert r.status_code == 201, r.text
                    issued.append((r.json()["id"], r.json()["number"]))

        def window(n: int) -> None:
            c = staff[n - 1]
            mine: list[int] = []
            while True:
                called = ok(c.post(f"/api/windows/{n}/call-next"))["ticket"]
                if called is None:
                    if issuing_done.is_set():
                        break
                    continue
                mine.append(called["id"])
                ok(c.post(f"/api/windows/{n}/start"))
                ok(c.post(f"/api/windows/{n}/finish", json={"outcome": "on_the_spot"}))
            served[n] = mine

        with ThreadPoolExecutor(KIOSKS + WINDOWS) as pool:
            windows = [pool.submit(window, n) for n in range(1, WINDOWS + 1)]
            kiosks = [pool.submit(kiosk, k) for k in range(KIOSKS)]
            for f in kiosks:
                f.result()
            issuing_done.set()
            for f in windows:
                f.result()

        numbers = [number for _, number in issued]
        assert len(numbers) == KIOSKS * TICKETS_PER_KIOSK
        assert not [n for n, c in Counter(numbers).items() if c > 1], "a number issued twice"
        calls = [tid for ids in served.values() for tid in ids]
        assert not [t for t, c in Counter(calls).items() if c > 1], "a ticket called twice"
        assert sorted(calls) == sorted(tid for tid, _ in issued), "a ticket never called"
        assert sum(1 for ids in served.values() if ids) > WINDOWS // 2  # the work was shared
        # Numbers run without gaps per prefix.
        for prefix in "ABD":
            mine = sorted(int(n[1:]) for n in numbers if n[0] == prefix)
            assert mine == list(range(1, len(mine) + 1))
    finally:
        server.stop()
