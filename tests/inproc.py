"""The real HallCall app in this process, on a real SQLite file, with a clock the test moves.

For tests about the API and the rules: no child process, no port, no wall clock. Requests go
through Starlette's test client (the app's lifespan runs, websockets work); time passes only
when the test moves `hall.clock`. Tests about processes, sockets, browsers or speech start a
real server instead (tests/serverproc.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx2
from starlette.testclient import TestClient

from hall.actors import Role
from hall.clock import ManualClock
from hall.config import HallConfig, parse_config
from hall.people.accounts import Accounts
from server.app import create_app, open_store

HALLS = Path(__file__).parent / "halls"
PASSWORD = "correct-horse-9"
STAFF = (("li", "staff", "李明"), ("zhao", "staff", "赵丽"), ("boss", "manager", "王经理"))
# A Thursday morning in the hall's time zone: a working day, inside every service's hours.
MORNING = datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def hall_config(name: str = "small.toml", extra: str = "", speech: bool = False) -> HallConfig:
    """A test hall file, with more TOML appended; speech off unless the test is about it."""
    path = HALLS / name
    text = path.read_text(encoding="utf-8") + "\n" + extra
    if not speech and "[speech]" not in extra:
        text += "\n[speech]\nenabled = false\n"
    return parse_config(text, str(path))


@dataclass
class As:
    """Requests made as one caller: a user's bearer token, a device's, or nobody."""

    client: TestClient
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, url: str, **kw: Any) -> httpx2.Response:
        headers = {**self.headers, **kw.pop("headers", {})}
        if method != "GET" and "Idempotency-Key" not in headers:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        return self.client.request(method, url, headers=headers, **kw)

    def get(self, url: str, **kw: Any) -> httpx2.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx2.Response:
        return self.request("POST", url, **kw)

    def put(self, url: str, **kw: Any) -> httpx2.Response:
        return self.request("PUT", url, **kw)


@dataclass
class InProcessHall:
    client: TestClient
    clock: ManualClock
    data: Path

    def anonymous(self, lang: str = "zh") -> As:
        return As(self.client, {"Accept-Language": lang})

    def login(self, username: str, password: str = PASSWORD, lang: str = "zh") -> As:
        r = self.client.post("/api/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        self.client.cookies.clear()  # one client for everyone: callers carry their own token
        return As(
            self.client, {"Authorization": f"Bearer {r.json()['token']}", "Accept-Language": lang}
        )


def add_accounts(data: Path, accounts: tuple[tuple[str, str, str], ...] = STAFF) -> None:
    store = open_store(data / "hallcall.db")
    try:
        people = Accounts(store, ManualClock(MORNING))
        for username, role, name in accounts:
            people.add(username, name, Role(role), PASSWORD)
    finally:
        store.close()


@contextmanager
def in_process_hall(
    data: Path,
    config: HallConfig | None = None,
    start: datetime = MORNING,
    accounts: tuple[tuple[str, str, str], ...] = STAFF,
    client: tuple[str, int] = ("testclient", 50000),
) -> Iterator[InProcessHall]:
    """The app on `data` (made with the test accounts if new), running until the block ends."""
    data.mkdir(parents=True, exist_ok=True)
    if accounts and not (data / "hallcall.db").exists():
        add_accounts(data, accounts)
    clock = ManualClock(start)
    app = create_app(config or hall_config(), data, clock=clock)
    with TestClient(app, base_url="http://hall.test", client=client) as test_client:
        yield InProcessHall(test_client, clock, data)
