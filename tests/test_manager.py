"""The hall manager's view: live alerts, help calls, the dashboard and manager actions."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.conftest import HALLS
from tests.serverproc import HallServer, next_message, ok

HALL = (
    (HALLS / "small.toml")
    .read_text(encoding="utf-8")
    .replace(
        'prefix = "B"',
        'prefix = "B"\nwait_alert_minutes = 0.05',  # 3 seconds, so a test can wait
    )
    + """
[alerts]
check_seconds = 0.5
queue_length = 4

[help_points.selfservice]
name = "24小时自助区"
helpers = ["li"]
"""
)


@pytest.fixture
def hall(tmp_path: Path, accounts_db: Path) -> Iterator[HallServer]:
    config = tmp_path / "hall.toml"
    config.write_text(HALL, encoding="utf-8")
    srv = HallServer(tmp_path / "data", config)
    shutil.copytree(accounts_db, srv.data)
    srv.start()
    yield srv
    srv.stop()


def staff_socket(server: HallServer, client: httpx.Client) -> ClientConnection:
    auth = {"Authorization": client.headers["Authorization"]}
    return connect(f"{server.ws_url}/ws/staff", additional_headers=auth)


def test_a_ticket_waiting_past_its_threshold_raises_an_alert_live(hall: HallServer) -> None:
    boss = hall.login("boss")
    kiosk = hall.client()
    with staff_socket(hall, boss) as ws:
        next_message(ws, "snapshot")
        ok(kiosk.post("/api/tickets", json={"service": "social"}))
        alert = next_message(ws, "alert.raised", timeout=10, kind="long_wait")
        assert alert["data"]["number"] == "B001" and "B001" in alert["message"]
        assert alert["kind_name"] == "等候超时"
        assert [a["id"] for a in ok(boss.get("/api/dashboard"))["alerts"]] == [alert["id"]]

        acked = ok(boss.post(f"/api/alerts/{alert['id']}/acknowledge"))
        assert acked["acknowledged_by"] == "boss" and acked["acknowledged_at"]
        assert next_message(ws, "alert.acknowledged")["id"] == alert["id"]
        # Calling the ticket clears the condition: the alert resolves by itself.
        li = hall.login("li")
        ok(li.post("/api/windows/2/sign-in"))
        ok(li.post("/api/windows/2/call-next"))
        resolved = next_message(ws, "alert.resolved", timeout=5, id=alert["id"])
        assert resolved["resolved_by"] == "system"
    history = ok(boss.get("/api/alerts?history=1"))["alerts"]
    assert [(a["kind"], a["acknowledged_by"], a["resolved_by"]) for a in history] == [
        ("long_wait", "boss", "system")
    ]
    with connect(f"{hall.ws_url}/ws/display") as screen:  # the public screens never see alerts
        snapshot = next_message(screen, "snapshot")
        assert "alerts" not in snapshot


def test_a_help_call_is_pressed_acknowledged_and_resolved(hall: HallServer) -> None:
    point = hall.client()
    li, boss = hall.login("li"), hall.login("boss")
    assert ok(point.get("/api/help/selfservice"))["call"] is None
    with connect(f"{hall.ws_url}/ws/display") as screen, staff_socket(hall, boss) as staff:
        next_message(screen, "snapshot")
        next_message(staff, "snapshot")
        call = ok(point.post("/api/help/selfservice/call"))
        assert call["state"] == "waiting" and call["point_name"] == "24小时自助区"
        assert ok(point.post("/api/help/selfservice/call"))["id"] == call["id"]  # a second press
        assert next_message(screen, "help.called")["id"] == call["id"]
        alert = next_message(staff, "alert.raised", kind="help_call")
        assert "24小时自助区" in alert["message"]
        assert ok(li.get("/api/help-points"))["points"][0]["helpers"] == ["li"]

        coming = ok(li.post(f"/api/help-calls/{call['id']}/acknowledge"))
        assert coming["state"] == "on_the_way" and coming["acknowledged_by_name"] == "李明"
        told = next_message(screen, "help.acknowledged")
        assert told["acknowledged_by_name"] == "李明"  # the point's screen says who is coming
        assert ok(point.get("/api/help/selfservice"))["call"]["state"] == "on_the_way"

        done = ok(li.post(f"/api/help-calls/{call['id']}/resolve"))
        assert done["state"] == "resolved"
        assert 0 <= done["response_seconds"] <= done["resolution_seconds"]
        next_message(screen, "help.resolved")
        next_message(staff, "alert.resolved", id=alert["id"])
    closed = li.post(f"/api/help-calls/{call['id']}/resolve")
    assert closed.status_code == 409
    (row,) = ok(boss.get("/api/reports/help"))["points"]
    assert (row["calls"], row["open"]) == (1, 0)
    assert row["response_avg_seconds"] == pytest.approx(done["response_seconds"])
    assert point.post("/api/help/nowhere/call").status_code == 404


def test_the_dashboard_shows_services_and_windows_now(hall: HallServer) -> None:
    kiosk, li, boss = hall.client(), hall.login("li"), hall.login("boss")
    for _ in range(3):
        ok(kiosk.post("/api/tickets", json={"service": "business"}))
    ok(li.post("/api/windows/1/sign-in"))
    ok(li.post("/api/windows/1/call-next"))
    ok(li.post("/api/windows/1/start"))
    ok(li.post("/api/windows/1/finish"))
    ok(li.post("/api/windows/1/call-next"))
    view = ok(boss.get("/api/dashboard"))
    business = next(s for s in view["services"] if s["id"] == "business")
    assert (business["waiting"], business["taken"], business["served"]) == (1, 3, 1)
    assert business["longest_wait_seconds"] > 0 and business["average_wait_seconds"] >= 0
    assert business["estimate_minutes"] is not None and business["windows_open"] == 1
    windows = {w["number"]: w for w in view["windows"]}
    assert windows[1]["state"] == "called" and windows[1]["current"]["number"] == "A002"
    assert windows[1]["staff_name"] == "李明" and windows[1]["served"] == 1
    assert windows[2]["state"] == "closed"  # nobody signed in
    assert li.get("/api/dashboard").status_code == 403


def test_manager_actions_move_close_notice_and_message(hall: HallServer) -> None:
    kiosk, li, boss = hall.client(), hall.login("li"), hall.login("boss")
    a1 = ok(kiosk.post("/api/tickets", json={"service": "business"}))
    ok(kiosk.post("/api/tickets", json={"service": "social"}))
    moved = ok(boss.post(f"/api/tickets/{a1['id']}/move", json={"service": "social"}))
    assert moved["ticket"]["service"] == "social" and moved["ticket"]["number"] == "A001"
    ok(li.post("/api/windows/2/sign-in"))
    # A001 keeps its time: it was taken before B001, so window 2 calls it first.
    assert ok(li.post("/api/windows/2/call-next"))["ticket"]["number"] == "A001"
    assert li.post(f"/api/tickets/{a1['id']}/move", json={"service": "business"}).status_code == 403

    with staff_socket(hall, li) as ws:
        next_message(ws, "snapshot")
        ok(boss.post("/api/windows/2/message", json={"text": "请尽快处理 A001"}))
        message = next_message(ws, "window.message", window=2)
        assert message["text"] == "请尽快处理 A001" and message["from_name"] == "王经理"

    closed = ok(
        boss.post(
            "/api/services/capped/open", json={"open": False, "message": "今日名额已满，请明日再来"}
        )
    )
    assert closed["service"]["closed_message"] == "今日名额已满，请明日再来"
    refused = kiosk.post("/api/tickets", json={"service": "capped"})
    assert refused.status_code == 409 and "请明日再来" in refused.json()["error"]["message"]
    nothing_deleted = ok(boss.get(f"/api/tickets/{a1['id']}"))
    assert [h["type"] for h in nothing_deleted["history"]] == [
        "ticket.issued",
        "ticket.moved",
        "ticket.called",
    ]


def test_accounts_are_managed_without_a_restart(hall: HallServer) -> None:
    hall.add_user("root", "admin", "管理员")
    admin = hall.login("root")
    made = admin.post(
        "/api/users",
        json={"username": "wu", "name": "吴敏", "role": "staff", "password": "a-long-password"},
    )
    assert made.status_code == 201, made.text
    wu = hall.login("wu", "a-long-password")
    ok(wu.get("/api/me"))
    ok(admin.post("/api/users/wu", json={"active": False}))
    assert wu.get("/api/me").status_code == 401  # disabling ends the sessions at once
    assert (
        hall.client()
        .post("/api/login", json={"username": "wu", "password": "a-long-password"})
        .status_code
        == 401
    )
    boss = hall.login("boss")
    assert (
        boss.post(
            "/api/users",
            json={"username": "x", "name": "x", "role": "staff", "password": "a-long-password"},
        ).status_code
        == 403
    )
    short = admin.post(
        "/api/users", json={"username": "y", "name": "y", "role": "staff", "password": "short"}
    )
    assert short.status_code == 422


def test_staff_see_only_the_staff_events_about_themselves(hall: HallServer) -> None:
    li, zhao, boss = hall.login("li"), hall.login("zhao"), hall.login("boss")
    ok(li.post("/api/windows/1/sign-in"))
    ok(zhao.post("/api/windows/2/sign-in"))
    with staff_socket(hall, zhao) as zhao_ws, staff_socket(hall, li) as li_ws:
        next_message(zhao_ws, "snapshot")
        next_message(li_ws, "snapshot")
        ok(boss.post("/api/windows/1/message", json={"text": "给李明的消息"}))
        ok(boss.post("/api/windows/2/message", json={"text": "给赵丽的消息"}))
        for_zhao = next_message(zhao_ws, "window.message")
        assert for_zhao["text"] == "给赵丽的消息"  # the message to window 1 never reached her
        assert next_message(li_ws, "window.message")["text"] == "给李明的消息"
