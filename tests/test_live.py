"""Screens follow the hall live over websockets, and catch up after a dropped connection."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from typing import Any

from websockets.sync.client import ClientConnection, connect

from tests.serverproc import HallServer, ok


def receive(ws: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(ws.recv(timeout=5)))


def until(ws: ClientConnection, kind: str) -> dict[str, Any]:
    for _ in range(50):
        message = receive(ws)
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} message")


def test_a_screen_gets_a_snapshot_then_every_call(server: HallServer) -> None:
    kiosk = server.client()
    ok(kiosk.post("/api/tickets", json={"service": "business"}))
    with connect(f"{server.ws_url}/ws/display") as ws:
        snap = receive(ws)
        assert snap["type"] == "snapshot"
        assert snap["hall"]["name"] == "测试政务服务中心"
        assert {s["id"]: s["waiting"] for s in snap["services"]}["business"] == 1
        assert len(snap["windows"]) == 4

        li = server.login("li")
        ok(li.post("/api/windows/1/sign-in"))
        ok(li.post("/api/windows/1/call-next"))
        signed = receive(ws)
        assert signed["type"] == "window.signed_in" and signed["window"] == 1
        call = receive(ws)
        assert call["type"] == "ticket.called"
        assert (call["number"], call["window"]) == ("A001", 1)
        assert call["seq"] > signed["seq"] > snap["seq"]
        assert call["waiting"]["business"] == 0
        assert call["window_state"]["current"]["number"] == "A001"
        assert call["window_state"]["staff_name"] == "李明"

        ok(li.post("/api/windows/1/recall"))
        assert receive(ws)["type"] == "ticket.recalled"


def test_every_screen_sees_the_same_events_in_the_same_order(server: HallServer) -> None:
    with contextlib.ExitStack() as stack:
        screens = [stack.enter_context(connect(f"{server.ws_url}/ws/display")) for _ in range(5)]
        for ws in screens:
            assert receive(ws)["type"] == "snapshot"
        kiosk = server.client()
        for _ in range(10):
            ok(kiosk.post("/api/tickets", json={"service": "social"}))
        seen = [[receive(ws)["ticket"]["number"] for _ in range(10)] for ws in screens]
        assert all(numbers == [f"B{i:03d}" for i in range(1, 11)] for numbers in seen)


def test_a_screen_that_reconnects_gets_what_it_missed(server: HallServer) -> None:
    kiosk = server.client()
    with connect(f"{server.ws_url}/ws/display") as ws:
        last = receive(ws)["seq"]
        ok(kiosk.post("/api/tickets", json={"service": "business"}))
        last = receive(ws)["seq"]
    # Offline while three more tickets are taken.
    for _ in range(3):
        ok(kiosk.post("/api/tickets", json={"service": "business"}))
    with connect(f"{server.ws_url}/ws/display?since={last}") as ws:
        missed = [receive(ws) for _ in range(3)]
        assert [m["number"] for m in missed] == ["A002", "A003", "A004"]
        assert [m["seq"] for m in missed] == [last + 1, last + 2, last + 3]
        ok(kiosk.post("/api/tickets", json={"service": "business"}))
        assert receive(ws)["number"] == "A005"
    # A screen that claims to be ahead of the hall (another database) gets a fresh snapshot.
    with connect(f"{server.ws_url}/ws/display?since={last + 1000}") as ws:
        assert receive(ws)["type"] == "snapshot"


def test_sequence_numbers_only_grow_across_a_restart(server: HallServer) -> None:
    kiosk = server.client()
    ok(kiosk.post("/api/tickets", json={"service": "business"}))
    with connect(f"{server.ws_url}/ws/display") as ws:
        before = receive(ws)["seq"]
    server.kill()
    server.start()
    kiosk = server.client()
    with connect(f"{server.ws_url}/ws/display?since={before}") as ws:
        ok(kiosk.post("/api/tickets", json={"service": "business"}))
        after = receive(ws)
        assert after["seq"] == before + 1 and after["number"] == "A002"


def test_the_server_starts_the_morning_after_a_day_left_open(server: HallServer) -> None:
    """Tickets left waiting and a window left signed in overnight are closed at start-up."""
    kiosk = server.client()
    for _ in range(3):
        ok(kiosk.post("/api/tickets", json={"service": "business"}))
    li = server.login("li")
    ok(li.post("/api/windows/1/sign-in"))
    server.stop()
    # Turn the clock back on what is stored: all of it now happened yesterday.
    db = sqlite3.connect(server.data / "hallcall.db")
    with db:
        db.execute("UPDATE tickets SET day = '2000-01-01', taken_at = taken_at - 86400")
        for number, state in db.execute("SELECT number, state FROM windows").fetchall():
            w = json.loads(state)
            if w.get("signed_in_at"):
                w["signed_in_at"] -= 86400
            db.execute("UPDATE windows SET state = ? WHERE number = ?", (json.dumps(w), number))
    db.close()
    server.start()  # must come up, not fail on the first leftover
    boss = server.login("boss")
    assert ok(boss.get("/api/tickets/1"))["status"] == "cancelled"
    assert ok(boss.get("/api/windows/1"))["staff"] is None
    assert ok(server.client().get("/api/services"))["services"][0]["waiting"] == 0
    with connect(f"{server.ws_url}/ws/display?since=0") as ws:
        kinds = [receive(ws)["type"] for _ in range(3)]
    assert "ticket.issued" in kinds  # the replay buffer holds what happened, closings included
