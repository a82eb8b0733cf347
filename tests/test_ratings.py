"""好差评 through the API: a window's pad rates what the window served, once; a bad review
needs a reason and opens a work order; managers follow it up and read the figures."""

from __future__ import annotations

import io
from typing import Any

import httpx
import openpyxl
import pytest
from websockets.sync.client import connect

from tests.serverproc import HallServer, next_message, ok


def serve_one(kiosk: httpx.Client, staff: httpx.Client, window: int) -> dict[str, Any]:
    """A visitor takes a number and is served at `window` from start to finish."""
    ticket = ok(kiosk.post("/api/tickets", json={"service": "business"}))
    called = ok(staff.post(f"/api/windows/{window}/call-next"))["ticket"]
    assert called["id"] == ticket["id"]
    ok(staff.post(f"/api/windows/{window}/start"))
    ok(staff.post(f"/api/windows/{window}/finish", json={"outcome": "on_the_spot"}))
    return dict(ticket)


def pad_for(server: HallServer, boss: httpx.Client, window: int) -> httpx.Client:
    paired = ok(boss.post("/api/devices", json={"window": window}))
    pad = server.client()
    pad.headers["Authorization"] = f"Device {paired['token']}"
    assert ok(pad.get("/api/devices/me"))["device"]["window"] == window
    return pad


def rating(client: httpx.Client, ticket: int, level: int, **extra: Any) -> httpx.Response:
    return client.post(
        "/api/evaluations", json={"ticket": ticket, "rating": level, "channel": "pad", **extra}
    )


@pytest.fixture
def hall(server: HallServer) -> dict[str, httpx.Client]:
    li, boss = server.login("li"), server.login("boss")
    ok(li.post("/api/windows/1/sign-in"))
    return {"kiosk": server.client(), "li": li, "boss": boss, "pad": pad_for(server, boss, 1)}


def test_the_pad_rates_the_service_just_finished_once(
    server: HallServer, hall: dict[str, httpx.Client]
) -> None:
    kiosk, li, boss, pad = hall["kiosk"], hall["li"], hall["boss"], hall["pad"]
    settings = ok(kiosk.get("/api/evaluations/settings"))
    assert [lv["name"] for lv in settings["levels"]] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    with connect(f"{server.ws_url}/ws/display") as ws:
        ticket = serve_one(kiosk, li, 1)
        finished = next_message(ws, "ticket.finished", window=1)
        assert finished["ticket"]["id"] == ticket["id"]  # what the pad listens for

    r = rating(pad, ticket["id"], 4)
    assert r.status_code == 201, r.text
    assert r.json()["work_order"] is None
    again = rating(pad, ticket["id"], 5)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "rating_already_given")
    assert "一次一评" in again.json()["error"]["message"]

    (record,) = ok(boss.get("/api/evaluations?rating=4"))["evaluations"]
    assert ok(boss.get("/api/evaluations?rating=5"))["evaluations"] == []
    assert (record["ticket_number"], record["level"], record["level_name"]) == ("A001", 4, "满意")
    assert (record["channel"], record["window"], record["staff"]) == ("pad", 1, "li")
    assert record["staff_name"] == "李明" and record["department_name"] == "市场监管"
    assert record["wait_seconds"] >= 0 and record["handling_seconds"] >= 0
    assert record["taken_at"] <= record["called_at"] <= record["started_at"]
    assert record["started_at"] <= record["finished_at"] <= record["rated_at"]


def test_nobody_rates_on_the_visitors_behalf(
    server: HallServer, hall: dict[str, httpx.Client]
) -> None:
    kiosk, li, boss, pad = hall["kiosk"], hall["li"], hall["boss"], hall["pad"]
    ticket = serve_one(kiosk, li, 1)
    by_staff = rating(li, ticket["id"], 5)
    assert by_staff.status_code == 403
    as_pad_with_login = pad.post(
        "/api/evaluations",
        json={"ticket": ticket["id"], "level": 5, "channel": "pad"},
        headers={"Authorization": li.headers["Authorization"]},
    )
    assert as_pad_with_login.status_code == 403
    other_pad = pad_for(server, boss, 2)
    wrong = rating(other_pad, ticket["id"], 5)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "rating_not_offered")
    unpaired = kiosk.post(
        "/api/evaluations", json={"ticket": ticket["id"], "level": 5, "channel": "pad"}
    )
    assert unpaired.status_code == 403
    bad_qr = kiosk.post(
        "/api/evaluations",
        json={"ticket": ticket["id"], "level": 5, "channel": "qr", "token": "guessed"},
    )
    assert bad_qr.status_code == 403
    by_qr = kiosk.post(
        "/api/evaluations",
        json={"ticket": ticket["id"], "level": 5, "channel": "qr", "token": ticket["token"]},
    )
    assert by_qr.status_code == 201 and by_qr.json()["evaluation"]["channel"] == "qr"
    assert ok(kiosk.get(f"/api/tickets/t/{ticket['token']}"))["rated"] is True
    assert rating(pad, ticket["id"], 5).status_code == 409  # the QR rating was the one
    waiting = ok(kiosk.post("/api/tickets", json={"service": "business"}))
    early = kiosk.post(  # the visitor's phone, before the service is done
        "/api/evaluations",
        json={"ticket": waiting["id"], "rating": 5, "channel": "qr", "token": waiting["token"]},
    )
    assert (early.status_code, early.json()["error"]["code"]) == (409, "rating_not_served")


def test_a_bad_review_needs_a_reason_and_opens_a_work_order(
    server: HallServer, hall: dict[str, httpx.Client]
) -> None:
    kiosk, li, boss, pad = hall["kiosk"], hall["li"], hall["boss"], hall["pad"]
    ticket = serve_one(kiosk, li, 1)
    no_reason = rating(pad, ticket["id"], 2)
    assert (no_reason.status_code, no_reason.json()["error"]["code"]) == (
        422,
        "rating_reason_required",
    )
    assert "不满意" in no_reason.json()["error"]["message"]
    with (
        connect(f"{server.ws_url}/ws/display") as screen,
        connect(
            f"{server.ws_url}/ws/staff",
            additional_headers={"Authorization": boss.headers["Authorization"]},
        ) as staff,
    ):
        next_message(screen, "snapshot")
        next_message(staff, "snapshot")
        r = rating(pad, ticket["id"], 2, reason="服务态度差")
        assert r.status_code == 201, r.text
        order_id = r.json()["work_order"]
        assert order_id is not None
        opened = next_message(staff, "work_order.opened")
        assert (opened["work_order"], opened["staff_name"]) == (order_id, "李明")
        # The hall's public screens never see who got a bad review.
        ok(kiosk.post("/api/tickets", json={"service": "social"}))
        assert next_message(screen, "ticket.issued")["number"] == "B001"

    order = ok(boss.get(f"/api/work-orders/{order_id}"))
    assert order["status"] == "opened" and order["staff"] == "li"
    assert order["callback_due"] > order["opened_at"] and order["fix_due"] >= order["callback_due"]
    assert order["evaluation"]["reason"] == "服务态度差"
    assert [o["id"] for o in ok(li.get("/api/work-orders"))["work_orders"]] == [order_id]

    skipped = boss.post(f"/api/work-orders/{order_id}/tell", json={})
    assert skipped.status_code == 409  # not before it is called back and handled
    step = lambda action, **body: ok(boss.post(f"/api/work-orders/{order_id}/{action}", json=body))  # noqa: E731
    step("call-back", result="reached", note="已电话联系群众，核实情况属实")
    step("fix-now", note="已对窗口人员进行服务规范培训")
    step("tell", note="已告知群众整改结果")
    step("satisfaction", satisfaction="satisfied")
    closed = step("close")
    assert closed["status"] == "closed"
    assert [s["action"] for s in closed["steps"]] == [
        "open",
        "call_back",
        "fix_now",
        "tell",
        "record_satisfaction",
        "close",
    ]
    assert all(s["by"] == "boss" for s in closed["steps"][1:])
    assert ok(boss.get("/api/work-orders"))["work_orders"] == []  # none open now


def test_the_figures_of_a_small_day_match_a_hand_count(
    server: HallServer, hall: dict[str, httpx.Client]
) -> None:
    kiosk, li, boss, pad = hall["kiosk"], hall["li"], hall["boss"], hall["pad"]
    ok(rating(pad, serve_one(kiosk, li, 1)["id"], 5))
    ok(rating(pad, serve_one(kiosk, li, 1)["id"], 3))
    bad = ok(rating(pad, serve_one(kiosk, li, 1)["id"], 1, reason="办事效率低"))
    serve_one(kiosk, li, 1)  # not rated
    ok(boss.post(f"/api/work-orders/{bad['work_order']}/call-back", json={"result": "reached"}))

    (day,) = ok(boss.get("/api/reports/ratings?by=hall"))["groups"]
    # By hand: 4 served, 3 rated (5, 3, 1), 1 unrated; good = 非常满意+满意+基本满意 = 2 of 3;
    # one bad review, called back, not yet rectified; score = (mean 3 - 1) * 2.5 = 5.0.
    assert (day["served"], day["own"], day["unrated"], day["bad"]) == (4, 3, 1, 1)
    assert day["good_rate"] == pytest.approx(2 / 3)
    assert day["own_good_rate"] == pytest.approx(2 / 3)
    assert day["unrated_rate"] == pytest.approx(1 / 4)
    assert day["bad_reply_rate"] == pytest.approx(1.0)
    assert day["rectify_rate"] == pytest.approx(0.0)
    assert day["score"] == pytest.approx(5.0)
    by_staff = ok(boss.get("/api/reports/ratings?by=staff"))["groups"]
    assert [(g["key"], g["label"], g["served"]) for g in by_staff] == [("li", "李明", 4)]

    csv = boss.get("/api/evaluations/export?format=csv")
    assert csv.status_code == 200 and "A001" in csv.content.decode("utf-8-sig")
    xlsx = boss.get("/api/reports/ratings?by=window&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.active.max_row >= 2
    provincial = ok(boss.get("/api/evaluations/export?format=json"))
    assert len(provincial["records"]) == 3
    assert li.get("/api/reports/ratings").status_code == 403


def test_staff_can_invite_a_rating_on_their_pad(
    server: HallServer, hall: dict[str, httpx.Client]
) -> None:
    kiosk, li = hall["kiosk"], hall["li"]
    nothing = li.post("/api/windows/1/invite-rating")
    assert (nothing.status_code, nothing.json()["error"]["code"]) == (409, "nothing_to_rate")
    ticket = serve_one(kiosk, li, 1)
    with connect(f"{server.ws_url}/ws/display") as ws:
        ok(li.post("/api/windows/1/invite-rating"))
        invited = next_message(ws, "evaluation.invited", window=1)
        assert invited["ticket"]["id"] == ticket["id"] and invited["number"] == "A001"


def test_a_double_tap_on_the_pad_is_one_rating(
    server: HallServer, hall: dict[str, httpx.Client]
) -> None:
    kiosk, li, boss, pad = hall["kiosk"], hall["li"], hall["boss"], hall["pad"]
    ticket = serve_one(kiosk, li, 1)
    tap = {"Idempotency-Key": "pad-1-tap-9"}
    body = {"ticket": ticket["id"], "level": 1, "channel": "pad", "reason": "办事效率低"}
    first = pad.post("/api/evaluations", json=body, headers=tap)
    second = pad.post("/api/evaluations", json=body, headers=tap)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()  # the same answer, not "rated already"
    assert len(ok(boss.get("/api/evaluations"))["evaluations"]) == 1
    order = first.json()["work_order"]
    step = {"Idempotency-Key": "boss-step-1"}
    for _ in range(2):
        r = boss.post(
            f"/api/work-orders/{order}/call-back", json={"result": "reached"}, headers=step
        )
        assert r.status_code == 200, r.text
    steps = ok(boss.get(f"/api/work-orders/{order}"))["steps"]
    assert [s["action"] for s in steps] == ["open", "call_back"]


def test_the_pad_rates_only_what_its_window_just_finished(
    server: HallServer, hall: dict[str, httpx.Client]
) -> None:
    """Whoever holds the pad cannot give earlier tickets 非常满意 by their ids."""
    kiosk, li, pad = hall["kiosk"], hall["li"], hall["pad"]
    earlier = serve_one(kiosk, li, 1)
    latest = serve_one(kiosk, li, 1)
    r = rating(pad, earlier["id"], 5)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "rating_not_offered")
    assert rating(pad, latest["id"], 5).status_code == 201
