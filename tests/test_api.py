"""The API against a real server on a loopback port, as kiosks and window staff use it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.serverproc import HallServer, ok


def take(kiosk: httpx.Client, service: str = "business", **extra: Any) -> dict[str, Any]:
    r = kiosk.post("/api/tickets", json={"service": service, **extra})
    assert r.status_code == 201, r.text
    return dict(r.json())


def act(staff: httpx.Client, n: int, action: str, **body: Any) -> dict[str, Any]:
    return dict(ok(staff.post(f"/api/windows/{n}/{action}", json=body or None)))


def refused(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return dict(error)


def test_services_list_what_a_kiosk_needs(server: HallServer) -> None:
    services = ok(server.client().get("/api/services"))["services"]
    assert [s["id"] for s in services] == ["business", "social", "capped"]
    first = services[0]
    assert first["name"] == "商事登记" and first["prefix"] == "A" and first["waiting"] == 0
    assert first["department_name"] == "市场监管"


def test_a_visitor_takes_a_number_and_window_1_calls_it(server: HallServer) -> None:
    kiosk = server.client()
    a1 = take(kiosk)
    assert (a1["number"], a1["service"], a1["waiting_ahead"]) == ("A001", "business", 0)
    a2 = take(kiosk)
    assert (a2["number"], a2["waiting_ahead"]) == ("A002", 1)

    li = server.login("li")
    act(li, 1, "sign-in")
    called = act(li, 1, "call-next")
    assert called["ticket"]["number"] == "A001" and called["ticket"]["status"] == "called"
    assert called["window"]["current"]["number"] == "A001"
    act(li, 1, "start")
    done = act(li, 1, "finish", outcome="accepted")
    assert done["ticket"]["status"] == "done" and done["ticket"]["outcome"] == "accepted"
    assert act(li, 1, "call-next")["ticket"]["number"] == "A002"
    act(li, 1, "no-show")
    nobody = act(li, 1, "call-next")
    assert nobody["ticket"] is None

    mine = ok(li.get("/api/me"))
    assert mine["window"] == 1 and mine["user"]["name"] == "李明"
    a1_now = ok(kiosk.get(f"/api/tickets/t/{a1['token']}"))
    assert a1_now["status"] == "done" and a1_now["called_at"] <= a1_now["finished_at"]


def test_the_estimate_counts_people_ahead_and_open_windows(server: HallServer) -> None:
    kiosk = server.client()
    assert take(kiosk)["estimate_minutes"] is None  # no window open for it yet
    li = server.login("li")
    act(li, 5, "sign-in")
    t = take(kiosk)
    assert t["waiting_ahead"] == 1 and t["estimate_minutes"] == 10  # the standard 10 minutes
    view = ok(kiosk.get(f"/api/tickets/t/{t['token']}"))
    assert view["waiting_ahead"] == 1


def test_a_double_tap_is_one_ticket(server: HallServer) -> None:
    kiosk = server.client()
    headers = {"Idempotency-Key": "kiosk1-tap-17"}
    first = kiosk.post("/api/tickets", json={"service": "business"}, headers=headers)
    second = kiosk.post("/api/tickets", json={"service": "business"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert take(kiosk)["number"] == "A002"
    other = kiosk.post("/api/tickets", json={"service": "social"}, headers=headers)
    refused(other, 409, "idempotency_mismatch")


def test_a_double_tap_on_call_next_is_one_call(server: HallServer) -> None:
    kiosk = server.client()
    take(kiosk)
    take(kiosk)
    li = server.login("li")
    act(li, 1, "sign-in")
    headers = {"Idempotency-Key": "li-call-1"}
    one = ok(li.post("/api/windows/1/call-next", headers=headers))
    two = ok(li.post("/api/windows/1/call-next", headers=headers))
    assert one["ticket"]["number"] == two["ticket"]["number"] == "A001"
    waiting = ok(li.get("/api/windows/1"))["waiting"]
    assert waiting["business"] == 1


def test_bad_input_gets_a_clear_error_and_changes_nothing(server: HallServer) -> None:
    kiosk = server.client()
    refused(kiosk.post("/api/tickets", json={"service": "passport"}), 404, "service_unknown")
    refused(kiosk.post("/api/tickets", content=b"{not json"), 400, "bad_json")
    refused(kiosk.post("/api/tickets", json=["business"]), 400, "bad_json")
    refused(kiosk.post("/api/tickets", json={}), 422, "missing_field")
    refused(kiosk.post("/api/tickets", json={"service": 7}), 422, "bad_field")
    error = refused(
        kiosk.post("/api/tickets", json={"service": "business", "color": "red"}),
        422,
        "unknown_field",
    )
    assert "color" in error["message"]
    refused(
        kiosk.post("/api/tickets", json={"service": "business", "lane": "vip"}), 422, "bad_field"
    )
    zh = refused(kiosk.post("/api/tickets", json={"service": "passport"}), 404, "service_unknown")
    assert zh["message"] == "没有编号为 passport 的业务"
    en = server.client("en").post("/api/tickets", json={"service": "passport"})
    assert en.json()["error"]["message"] == "There is no service passport"
    assert ok(kiosk.get("/api/services"))["services"][0]["waiting"] == 0
    assert take(kiosk)["number"] == "A001"  # nothing above used a number
    refused(server.login("boss").get("/api/tickets/999"), 404, "ticket_unknown")
    refused(kiosk.get("/api/tickets/t/not-a-token"), 404, "ticket_unknown")
    refused(kiosk.get("/api/nowhere"), 404, "http_404")


def test_a_full_service_and_a_closed_service_refuse_tickets(server: HallServer) -> None:
    kiosk = server.client()
    take(kiosk, "capped")
    take(kiosk, "capped")
    error = refused(kiosk.post("/api/tickets", json={"service": "capped"}), 409, "service_full")
    assert "今日号码已发完" in error["message"]

    boss = server.login("boss")
    closed = ok(
        boss.post("/api/services/business/open", json={"open": False, "message": "系统维护"})
    )
    assert closed["service"]["open"] is False
    error = refused(kiosk.post("/api/tickets", json={"service": "business"}), 409, "service_closed")
    assert "系统维护" in error["message"]
    ok(boss.post("/api/services/business/open", json={"open": True}))
    assert take(kiosk)["number"] == "A001"


def test_staff_act_only_for_their_own_window(server: HallServer) -> None:
    kiosk = server.client()
    take(kiosk)
    refused(kiosk.post("/api/windows/1/call-next"), 401, "login_required")
    li, zhao = server.login("li"), server.login("zhao")
    act(li, 1, "sign-in")
    refused(zhao.post("/api/windows/1/call-next"), 403, "not_your_window")
    refused(zhao.post("/api/windows/1/sign-in"), 409, "window_taken")
    refused(li.post("/api/windows/2/sign-in"), 409, "staff_elsewhere")
    refused(li.post("/api/windows/99/call-next"), 404, "window_unknown")
    # A manager may act at any window, and staff may not do a manager's work.
    boss = server.login("boss")
    assert act(boss, 1, "call-next")["ticket"]["number"] == "A001"
    refused(li.put("/api/notice", json={"text": "x"}), 403, "role_required")
    refused(
        kiosk.post("/api/tickets", json={"service": "social", "lane": "priority"}),
        403,
        "role_required",
    )
    assert take(li, "social", lane="priority")["lane"] == "priority"


def test_wrong_password_and_logout(server: HallServer) -> None:
    c = server.client()
    refused(
        c.post("/api/login", json={"username": "li", "password": "nope-nope"}), 401, "login_failed"
    )
    refused(
        c.post("/api/login", json={"username": "ghost", "password": "nope-nope"}),
        401,
        "login_failed",
    )
    li = server.login("li")
    ok(li.get("/api/me"))
    ok(li.post("/api/logout"))
    refused(li.get("/api/me"), 401, "login_required")


def test_illegal_moves_are_refused_with_409_and_change_nothing(server: HallServer) -> None:
    kiosk = server.client()
    t = take(kiosk)
    li = server.login("li")
    act(li, 1, "sign-in")
    refused(li.post("/api/windows/1/start"), 409, "window_idle")
    act(li, 1, "call-next")
    error = refused(li.post("/api/windows/1/finish", json={}), 409, "illegal_transition")
    assert error["message"] == "号码 A001 当前状态为“已呼叫”，不能办结"
    refused(li.post("/api/windows/1/call-next"), 409, "window_busy")
    refused(li.post("/api/windows/1/finish", json={"outcome": "maybe"}), 422, "bad_field")
    assert ok(kiosk.get(f"/api/tickets/t/{t['token']}"))["status"] == "called"


def test_recall_cap_transfer_park_and_pause(server: HallServer) -> None:
    kiosk = server.client()
    a1, a2 = take(kiosk), take(kiosk)
    b1 = take(kiosk, "social")
    li, zhao = server.login("li"), server.login("zhao")
    act(li, 5, "sign-in")
    act(zhao, 2, "sign-in")

    act(li, 5, "call-next")
    assert act(li, 5, "recall")["ticket"]["recalls"] == 1
    act(li, 5, "recall")
    refused(li.post("/api/windows/5/recall"), 409, "recall_cap")
    act(li, 5, "start")
    moved = act(li, 5, "transfer", service="social", note="需要社保证明")
    assert moved["ticket"]["service"] == "social" and moved["ticket"]["status"] == "waiting"
    # Window 2 prefers social: the transferred A001 goes ahead of B001, which came later.
    assert act(zhao, 2, "call-next")["ticket"]["number"] == "A001"
    act(zhao, 2, "start")
    act(zhao, 2, "finish")

    assert act(li, 5, "call-next")["ticket"]["number"] == "A002"
    parked = act(li, 5, "park")
    assert parked["window"]["parked"][0]["number"] == "A002"
    act(li, 5, "pause", reason="业务培训")
    refused(li.post("/api/windows/5/call-next"), 409, "window_paused")
    refused(li.post("/api/windows/5/pause", json={}), 422, "missing_field")
    act(li, 5, "resume")
    back = act(li, 5, "call-back", ticket=a2["id"])
    assert back["ticket"]["number"] == "A002" and back["window"]["parked"] == []
    act(li, 5, "start")
    act(li, 5, "finish")
    act(li, 5, "sign-out")
    assert ok(kiosk.get(f"/api/tickets/t/{a1['token']}"))["transfers"] == 1
    assert ok(kiosk.get(f"/api/tickets/t/{b1['token']}"))["status"] == "waiting"


def test_call_a_given_number_and_the_waiting_list(server: HallServer) -> None:
    kiosk = server.client()
    take(kiosk)
    take(kiosk)
    take(kiosk, "social")
    li = server.login("li")
    act(li, 1, "sign-in")
    listed = ok(li.get("/api/windows/1/waiting"))["tickets"]
    assert [t["number"] for t in listed] == ["A001", "A002", "B001"]
    assert [t["next"] for t in listed] == [True, False, False]
    assert act(li, 1, "call", number="b001")["ticket"]["number"] == "B001"
    act(li, 1, "no-show")
    refused(li.post("/api/windows/1/call", json={"number": "B001"}), 409, "illegal_transition")
    refused(li.post("/api/windows/1/call", json={"number": "Z999"}), 404, "ticket_unknown")


def test_cancel_and_notice_by_a_manager(server: HallServer) -> None:
    kiosk = server.client()
    t = take(kiosk)
    boss = server.login("boss")
    cancelled = ok(boss.post(f"/api/tickets/{t['id']}/cancel", json={"reason": "群众离开"}))
    assert cancelled["ticket"]["status"] == "cancelled"
    refused(boss.post(f"/api/tickets/{t['id']}/cancel"), 409, "illegal_transition")
    assert ok(boss.put("/api/notice", json={"text": "今天下午三点系统维护"}))["notice"]
    assert ok(kiosk.get("/api/snapshot"))["notice"] == "今天下午三点系统维护"


def test_openapi_describes_the_api(server: HallServer) -> None:
    spec = ok(server.client().get("/openapi.json"))
    assert spec["openapi"].startswith("3.")
    for path in ("/api/services", "/api/tickets", "/api/login", "/api/windows/{n}/{action}"):
        assert path in spec["paths"], path
    assert "201" in spec["paths"]["/api/tickets"]["post"]["responses"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_errors_come_in_the_callers_language(server: HallServer, lang: str) -> None:
    r = server.client(lang).post("/api/windows/1/call-next")
    message = r.json()["error"]["message"]
    assert message == ("请先登录" if lang == "zh" else "Please log in first")


def test_a_visitor_follows_their_ticket_by_its_token_only(server: HallServer) -> None:
    kiosk = server.client()
    t = take(kiosk)
    assert len(t["token"]) >= 16
    mine = ok(kiosk.get(f"/api/tickets/t/{t['token']}"))
    assert mine["number"] == "A001" and mine["waiting_ahead"] == 0
    assert "token" not in mine
    refused(kiosk.get(f"/api/tickets/{t['id']}"), 401, "login_required")  # no guessing by id
    staff_view = ok(server.login("li").get(f"/api/tickets/{t['id']}"))
    assert [h["type"] for h in staff_view["history"]] == ["ticket.issued"]
    assert "token" not in str(ok(kiosk.get("/api/snapshot")))


def test_password_guessing_is_slowed_down(server: HallServer) -> None:
    c = server.client()
    for _ in range(5):
        refused(
            c.post("/api/login", json={"username": "li", "password": "guess-123"}),
            401,
            "login_failed",
        )
    error = refused(
        c.post("/api/login", json={"username": "li", "password": "guess-123"}),
        429,
        "login_throttled",
    )
    assert "秒后再试" in error["message"]
    # Other names are not locked out by someone guessing li's password.
    server.login("zhao")


def test_what_pages_need_from_the_server(server: HallServer) -> None:
    kiosk = server.client()
    t = take(kiosk)
    qr = kiosk.get(f"/api/tickets/t/{t['token']}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    assert qr.text.lstrip().startswith("<?xml") and "<svg" in qr.text
    assert kiosk.get("/api/tickets/t/nope/qr.svg").status_code == 404
    snapshot = ok(kiosk.get("/api/snapshot"))
    assert snapshot["hall"]["timezone"] == "Asia/Shanghai" and snapshot["hall"]["recall_cap"] == 2
    assert all(s["open_now"] for s in snapshot["services"])
    boss = server.login("boss")
    ok(boss.post("/api/services/capped/open", json={"open": False, "message": "维护"}))
    capped = next(s for s in ok(kiosk.get("/api/services"))["services"] if s["id"] == "capped")
    assert capped["open_now"] is False
    english = server.client("en").post("/api/tickets", json={"service": "capped"})
    assert english.json()["error"]["message"] == "Capped Service is not taking tickets now: 维护"


def test_a_windows_waiting_list_holds_what_it_may_call_in_call_order(server: HallServer) -> None:
    kiosk = server.client()
    take(kiosk)  # A001
    take(kiosk, "social")  # B001
    take(kiosk)  # A002
    li, zhao = server.login("li"), server.login("zhao")
    act(li, 2, "sign-in")
    act(zhao, 5, "sign-in")
    assert act(li, 2, "call-next")["ticket"]["number"] == "B001"  # window 2 prefers social
    act(li, 2, "transfer", window=5)  # B001 is sent to window 5 only
    listed = lambda n, c: [t["number"] for t in ok(c.get(f"/api/windows/{n}/waiting"))["tickets"]]  # noqa: E731
    assert listed(2, li) == ["A001", "A002"]  # B001 no longer belongs to window 2
    assert listed(5, zhao) == ["B001", "A001", "A002"]  # sent to window 5: first in line


def test_hostile_input_gets_a_clear_4xx_never_a_500(server: HallServer) -> None:
    kiosk, boss = server.client(), server.login("boss")
    huge = kiosk.post("/api/tickets", content=b'{"service": "' + b"x" * 100_000 + b'"}')
    assert huge.status_code == 413 and "过大" in huge.json()["error"]["message"]
    nested = kiosk.post("/api/tickets", content=b"[" * 100_000 + b"]" * 100_000)
    assert nested.status_code in (400, 413)
    assert boss.get("/api/tickets/99999999999999999999999").status_code == 404
    r = kiosk.post("/api/evaluations", json={"ticket": 10**30, "rating": 5, "channel": "qr"})
    assert r.status_code == 422
    assert boss.get("/api/evaluations?to=9999-12-31").status_code == 422
    assert boss.get("/api/reports/ratings?from=0001-01-01").status_code == 422
    assert kiosk.post("/api/tickets", json={"service": "business"}).status_code == 201
