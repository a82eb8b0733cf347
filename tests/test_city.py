"""The city hub on a real PostgreSQL: halls push their events over their own websocket;
a hall cut off catches up with no gap and no duplicate; the hub restarts mid-stream."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.inproc import InProcessHall, hall_config, in_process_hall
from tests.pgcluster import Cluster, new_cluster
from tests.serverproc import free_port

ROOT = Path(__file__).resolve().parent.parent


def city(cluster: Cluster, *args: str) -> str:
    r = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "city", "--pg", cluster.dsn, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


class HubProcess:
    def __init__(self, cluster: Cluster, folder: Path) -> None:
        self.cluster, self.port, self.log = cluster, free_port(), folder / "hub.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HubProcess:
        cmd = [sys.executable, str(ROOT / "run.py"), "city", "--pg", self.cluster.dsn]
        cmd += ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        wait_for(lambda: _up(self.url), "the hub to start")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def _up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/city/halls", timeout=1).status_code == 401
    except httpx.TransportError:
        return False


def wait_for(check: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.1)
    raise AssertionError(f"waited {timeout} s for {what}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    c = new_cluster()
    yield c
    c.stop()


def linked_hall(tmp_path: Path, hub: HubProcess, hall_id: str, key: str):
    (tmp_path / f"{hall_id}.key").write_text(key)
    extra = f'\n[city]\nurl = "ws://127.0.0.1:{hub.port}"\nkey_file = "{tmp_path / hall_id}.key"\n'
    extra += '\n[access]\nanonymous = "open"\n'  # the tests' visitors share one address
    return in_process_hall(tmp_path / hall_id, hall_config(extra=extra))


def hall_seqs(h: InProcessHall) -> list[int]:
    return [e.seq for e in h.client.app.state.parts.hall.store.events_since(0, 100_000)]


def test_halls_push_their_events_and_catch_up_after_an_outage(
    cluster: Cluster, tmp_path: Path
) -> None:
    hub = HubProcess(cluster, tmp_path).start()
    token = city(cluster, "token", "bureau", "--role", "viewer")
    viewer = {"Authorization": f"Bearer {token}"}
    key_a = city(cluster, "hall", "add", "east", "东区政务服务中心")
    key_b = city(cluster, "hall", "add", "west", "西区政务服务中心")

    def halls() -> dict[str, dict[str, Any]]:
        r = httpx.get(f"{hub.url}/api/city/halls", headers=viewer, timeout=5)
        return {h["id"]: h for h in r.json()["halls"]}

    def hub_seqs(hall_id: str) -> list[int]:
        r = httpx.get(f"{hub.url}/api/city/halls/{hall_id}/events", headers=viewer, timeout=5)
        return [e["seq"] for e in r.json()["events"]]

    try:
        with (
            linked_hall(tmp_path, hub, "east", key_a) as east,
            linked_hall(tmp_path, hub, "west", key_b) as west,
        ):
            for _ in range(5):
                east.anonymous().post("/api/tickets", json={"service": "business"})
            west.anonymous().post("/api/tickets", json={"service": "social"})
            wait_for(lambda: hub_seqs("east") == hall_seqs(east), "east's events at the hub")
            wait_for(lambda: hub_seqs("west") == hall_seqs(west), "west's events at the hub")
            assert (halls()["east"]["waiting"], halls()["west"]["waiting"]) == (5, 1)

            hub.stop()  # the link is down: the halls go on working alone
            li = east.login("li")
            li.post("/api/windows/1/sign-in")
            for _ in range(3):
                li.post("/api/windows/1/call-next")
                li.post("/api/windows/1/start")
                li.post("/api/windows/1/finish")
            for _ in range(20):
                r = east.anonymous().post("/api/tickets", json={"service": "social"})
                assert r.status_code == 201
            hub.start()
            wait_for(lambda: hub_seqs("east") == hall_seqs(east), "east to catch up", 90)
            seqs = hub_seqs("east")
            assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # no gap, no duplicate
            east_now = halls()["east"]
            assert east_now["waiting"] == 22  # 5 + 20, less the 3 served
            assert east_now["windows_open"] == 1
            assert east_now["last_seq"] == seqs[-1]
    finally:
        hub.stop()


def test_the_hub_refuses_unknown_and_revoked_keys(cluster: Cluster, tmp_path: Path) -> None:
    import websockets.sync.client as ws_client
    from websockets.exceptions import InvalidStatus

    hub = HubProcess(cluster, tmp_path).start()
    try:
        key = city(cluster, "hall", "add", "north", "北区")
        with ws_client.connect(
            f"ws://127.0.0.1:{hub.port}/ws/city/push",
            additional_headers={"Authorization": f"Hall {key}"},
        ) as ws:
            assert '"resume"' in str(ws.recv(timeout=10))
        city(cluster, "hall", "revoke", "north")
        for bad in (key, "made-up"):
            with (
                pytest.raises(InvalidStatus),  # refused at the door
                ws_client.connect(
                    f"ws://127.0.0.1:{hub.port}/ws/city/push",
                    additional_headers={"Authorization": f"Hall {bad}"},
                ) as ws,
            ):
                ws.recv(timeout=10)
        assert httpx.get(f"{hub.url}/api/city/halls", timeout=5).status_code == 401
    finally:
        hub.stop()
