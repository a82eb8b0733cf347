"""Slips printed at the kiosk's printer: a stand-in network printer receives and decodes them,
and a printer problem never stops the hall from issuing numbers."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.sync.client import connect

from tests.conftest import HALLS
from tests.fakeprinter import Cut, FakePrinter, Paper, Qr, decode, texts
from tests.serverproc import HallServer, next_message, ok

WAIT_FOR_ALERT = 5.0  # managers hear of a printer problem within this many seconds


def hall_with_printer(path: Path, printer: str, extra: str = "") -> Path:
    text = (HALLS / "small.toml").read_text(encoding="utf-8")
    text += f"""
[printers.p1]
connection = "{printer}"
paper = 80
mode = "text"
timeout = 2
{extra}
[kiosks.k1]
name = "一楼取号机"
printer = "p1"

[kiosks.screen-only]
name = "二楼取号机（无打印机）"
"""
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    with FakePrinter() as fake:
        yield fake


@pytest.fixture
def hall(tmp_path: Path, accounts_db: Path, printer: FakePrinter) -> Iterator[HallServer]:
    config = hall_with_printer(tmp_path / "hall.toml", printer.address)
    srv = HallServer(tmp_path / "data", config)
    shutil.copytree(accounts_db, srv.data)
    srv.start()
    yield srv
    srv.stop()


def slips(data: bytes) -> int:
    return sum(isinstance(item, Cut) for item in decode(data))


def test_a_kiosk_ticket_comes_out_of_its_printer(hall: HallServer, printer: FakePrinter) -> None:
    kiosk = hall.client()
    ok(kiosk.post("/api/tickets", json={"service": "business", "kiosk": "k1"}))
    r = kiosk.post("/api/tickets", json={"service": "business", "kiosk": "k1"})
    assert r.status_code == 201
    ticket = r.json()
    assert ticket["print"]["state"] == "queued" and ticket["print"]["printer"] == "p1"
    assert ticket["link"].endswith(f"/t/{ticket['token']}")

    data = printer.wait_for(lambda d: slips(d) >= 2, timeout=5)
    items = decode(data)
    lines = texts(items)
    assert "测试政务服务中心" in lines and "A002" in lines
    assert any("你前面还有 1 人在等待" in line for line in lines)
    assert "过号无效，请您重新取号" in lines
    assert [q.data for q in items if isinstance(q, Qr)][-1] == ticket["link"]
    number = next(t for t in items if getattr(t, "text", None) == "A002")
    assert number.bold and number.width >= 4  # the number very large and bold

    # A kiosk without a printer shows the ticket on screen only.
    screen_only = ok(kiosk.post("/api/tickets", json={"service": "social", "kiosk": "screen-only"}))
    assert "print" not in screen_only
    error = kiosk.post("/api/tickets", json={"service": "social", "kiosk": "k9"}).json()["error"]
    assert error["code"] == "kiosk_unknown"


def test_paper_out_never_stops_issuing_and_is_reported(
    hall: HallServer, printer: FakePrinter
) -> None:
    kiosk = hall.client()
    boss = hall.login("boss")
    auth = {"Authorization": boss.headers["Authorization"]}
    with (
        connect(f"{hall.ws_url}/ws/display") as ws,
        connect(f"{hall.ws_url}/ws/staff", additional_headers=auth) as managers,
    ):
        next_message(managers, "snapshot")
        printer.set_paper(Paper.OUT)
        alert = next_message(ws, "printer.status", WAIT_FOR_ALERT, printer="p1")
        assert alert["status"] == "paper_out" and "缺纸" in alert["description"]
        raised = next_message(managers, "alert.raised", WAIT_FOR_ALERT, kind="printer")
        assert "缺纸" in raised["message"]  # the managers' alert, within seconds

        r = kiosk.post("/api/tickets", json={"service": "business", "kiosk": "k1"})
        assert r.status_code == 201  # the number comes first, whatever the printer does
        assert r.json()["print"]["state"] == "printer_down"
        assert r.json()["print"]["printer_status"] == "paper_out"
        (p1,) = ok(boss.get("/api/printers"))["printers"]
        assert (p1["status"], p1["queued"]) == ("paper_out", 1)
        assert slips(printer.received) == 0

        printer.set_paper(Paper.OK)  # staff load paper: the waiting slip comes out
        printed = next_message(ws, "print.job", 10, status="printed")
        assert printed["number"] == "A001"
    assert slips(printer.wait_for(lambda d: slips(d) >= 1)) == 1


def test_a_printer_lost_mid_job_is_not_silently_reprinted(
    hall: HallServer, printer: FakePrinter
) -> None:
    kiosk = hall.client()
    li = hall.login("li")
    deadline = time.monotonic() + WAIT_FOR_ALERT
    while ok(li.get("/api/printers"))["printers"][0]["status"] != "online":
        assert time.monotonic() < deadline, "the printer never came online"
        time.sleep(0.05)
    with connect(f"{hall.ws_url}/ws/display") as ws:
        printer.vanish_after(60)
        ticket = ok(kiosk.post("/api/tickets", json={"service": "business", "kiosk": "k1"}))
        cut = next_message(ws, "print.job", 10, status="interrupted")
        assert cut["number"] == "A001" and cut["error"]
        gone = next_message(ws, "printer.status", WAIT_FOR_ALERT, printer="p1")
        assert gone["status"] == "gone"

        before = slips(printer.received)  # whatever of the cut-off job got through
        printer.come_back()
        next_message(ws, "printer.status", WAIT_FOR_ALERT, status="online")
        time.sleep(0.5)  # a spooler that wrongly resent the job would have done so by now
        assert slips(printer.received) == before  # not sent again by itself

        job = ok(li.post(f"/api/tickets/{ticket['id']}/reprint", json={}))["job"]
        done = next_message(ws, "print.job", 10, status="printed")
        assert done["id"] == job and done["reprint"] and done["requested_by"] == "li"
    data = printer.wait_for(lambda d: slips(d) > before)
    reprinted = texts(decode(data[data.rfind(b"\x1b@") :]))  # the last job sent
    assert "【补打】" in reprinted and "A001" in reprinted


def test_a_wrong_printer_setting_stops_the_server_from_starting(tmp_path: Path) -> None:
    config = hall_with_printer(tmp_path / "hall.toml", "127.0.0.1:9100", "colour = 1\n")
    srv = HallServer(tmp_path / "data", config)
    srv.data.mkdir()
    with pytest.raises(RuntimeError) as err:
        srv.start()
    assert "hall.toml: printers.p1: unknown key 'colour'" in str(err.value)
