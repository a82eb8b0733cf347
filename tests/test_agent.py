"""A kiosk PC's USB printer far from the server: the printer agent prints what the server
sends, reports the printer's status, and reconnects by itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.conftest import HALLS
from tests.fakeprinter import Cut, FakePrinter, decode, texts
from tests.serverproc import ROOT, HallServer, ok

KEY = "kiosk-2-printer-key-7f3a9c"


def slips(data: bytes) -> int:
    return sum(isinstance(item, Cut) for item in decode(data))


class Agent:
    """`run.py printer-agent` as a kiosk PC would run it."""

    def __init__(self, server: HallServer, printer: FakePrinter, key_file: Path) -> None:
        self.cmd = [
            sys.executable,
            str(ROOT / "run.py"),
            "printer-agent",
            "--server",
            server.url,
            "--printer",
            "remote",
            "--key-file",
            str(key_file),
            "--connection",
            printer.address,
        ]
        self.log = key_file.with_suffix(".log")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def printer_status(staff: httpx.Client, want: str, timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while (status := ok(staff.get("/api/printers"))["printers"][0]["status"]) != want:
        assert time.monotonic() < deadline, f"printer stayed {status}, wanted {want}"
        time.sleep(0.05)


@pytest.fixture
def setup(tmp_path: Path, accounts_db: Path) -> Iterator[tuple[HallServer, FakePrinter, Agent]]:
    config = tmp_path / "hall.toml"
    config.write_text(
        (HALLS / "small.toml").read_text(encoding="utf-8")
        + f"""
[printers.remote]
connection = "agent"
key = "{KEY}"
paper = 58

[kiosks.far]
name = "二楼取号机"
printer = "remote"
""",
        encoding="utf-8",
    )
    key_file = tmp_path / "printer.key"
    key_file.write_text(KEY + "\n")
    server = HallServer(tmp_path / "data", config)
    shutil.copytree(accounts_db, server.data)
    server.start()
    with FakePrinter() as printer:
        agent = Agent(server, printer, key_file)
        agent.start()
        try:
            yield server, printer, agent
        finally:
            agent.kill()
            server.stop()


def test_the_agent_prints_the_kiosks_slips_and_survives_drops(
    setup: tuple[HallServer, FakePrinter, Agent],
) -> None:
    server, printer, agent = setup
    kiosk, li = server.client(), server.login("li")
    printer_status(li, "online")
    ok(kiosk.post("/api/tickets", json={"service": "business", "kiosk": "far"}))
    lines = texts(decode(printer.wait_for(lambda d: slips(d) >= 1, timeout=5)))
    assert "A001" in lines and "测试政务服务中心" in lines

    agent.kill()  # the kiosk PC is switched off
    printer_status(li, "gone")
    waiting = ok(kiosk.post("/api/tickets", json={"service": "business", "kiosk": "far"}))
    assert waiting["print"]["state"] == "printer_down"  # the number still comes first
    agent.start()  # back on: the waiting slip comes out
    printer.wait_for(lambda d: slips(d) >= 2, timeout=10)

    server.kill()  # the server restarts; the agent finds it again by itself
    server.start()
    kiosk, li = server.client(), server.login("li")
    printer_status(li, "online", timeout=15)
    ok(kiosk.post("/api/tickets", json={"service": "business", "kiosk": "far"}))
    data = printer.wait_for(lambda d: slips(d) >= 3, timeout=10)
    assert "A003" in texts(decode(data[data.rfind(b"\x1b@") :]))


def test_an_agent_without_the_key_is_turned_away(
    setup: tuple[HallServer, FakePrinter, Agent],
) -> None:
    server, _, _ = setup
    url = f"{server.ws_url}/ws/printer-agent?printer=remote"
    with pytest.raises(InvalidStatus):
        connect(url, additional_headers={"Authorization": "Agent wrong-key-wrong-key"})
    with pytest.raises(InvalidStatus):
        connect(url.replace("remote", "k1"), additional_headers={"Authorization": f"Agent {KEY}"})
