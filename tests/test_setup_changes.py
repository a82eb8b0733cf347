"""Services and windows changed at run time by an admin: at once, logged, kept across a
restart, and refused when they would leave the hall set up wrongly."""

from __future__ import annotations

from websockets.sync.client import connect

from tests.serverproc import HallServer, next_message, ok


def test_an_admin_changes_services_and_windows_without_a_restart(server: HallServer) -> None:
    server.add_user("root", "admin", "管理员")
    admin, li, kiosk = server.login("root"), server.login("li"), server.client()
    ok(kiosk.post("/api/tickets", json={"service": "social"}))
    ok(li.post("/api/windows/5/sign-in"))
    assert ok(li.post("/api/windows/5/call-next"))["ticket"] is None  # 5 serves business only

    with connect(f"{server.ws_url}/ws/display") as screen:
        next_message(screen, "snapshot")
        r = admin.put(
            "/api/setup/windows/5", json={"services": ["business", "social"], "name": "综合窗口"}
        )
        assert r.status_code == 200, r.text
        redraw = next_message(screen, "snapshot")  # every screen redraws with the new set-up
        five = next(w for w in redraw["windows"] if w["number"] == 5)
        assert five["services"] == ["business", "social"] and five["name"] == "综合窗口"
    assert ok(li.post("/api/windows/5/call-next"))["ticket"]["number"] == "B001"  # at once

    added = admin.put("/api/setup/windows/7", json={"services": ["capped"], "name": "新窗口"})
    assert added.status_code == 200, added.text
    ok(server.login("zhao").post("/api/windows/7/sign-in"))
    ok(admin.put("/api/setup/services/business", json={"daily_cap": 1}))
    ok(kiosk.post("/api/tickets", json={"service": "business"}))
    assert kiosk.post("/api/tickets", json={"service": "business"}).status_code == 409

    wrong = admin.put("/api/setup/windows/5", json={"services": ["passport"]})
    assert wrong.status_code == 422
    assert "passport" in wrong.json()["error"]["message"]
    assert admin.put("/api/setup/services/business", json={"colour": "red"}).status_code == 422
    boss = server.login("boss")
    assert boss.put("/api/setup/windows/5", json={"name": "x"}).status_code == 403

    setup = ok(boss.get("/api/setup"))
    assert [(c["kind"], c["key"], c["by"]) for c in setup["changes"]] == [
        ("service", "business", "root"),
        ("window", "7", "root"),
        ("window", "5", "root"),
    ]

    server.stop()  # the changes are kept: a restart starts from the file plus the changes
    server.start()
    after = ok(server.login("boss").get("/api/setup"))
    five = next(w for w in after["windows"] if w["number"] == 5)
    assert five["services"] == ["business", "social"]
    assert next(s for s in after["services"] if s["id"] == "business")["daily_cap"] == 1
    assert any(w["number"] == 7 for w in after["windows"])
