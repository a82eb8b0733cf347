"""Logins, sessions and browser protections against someone on the hall's Wi-Fi."""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from starlette.websockets import WebSocketDisconnect

from hall.people.accounts import session_digest
from tests.inproc import PASSWORD, InProcessHall, in_process_hall


@pytest.fixture
def hall(tmp_path: Path):
    with in_process_hall(tmp_path / "data") as h:
        yield h


def login(hall: InProcessHall, username: str, password: str, **headers: str):
    return hall.client.post(
        "/api/login", json={"username": username, "password": password}, headers=headers
    )


def test_parallel_guesses_reach_the_password_check_five_times_at_most(hall: InProcessHall) -> None:
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda i: login(hall, "li", f"guess-{i}"), range(60)))
    codes = [a.json()["error"]["code"] for a in answers]
    assert codes.count("login_failed") <= 5  # only these were checked against the hash
    assert codes.count("login_throttled") >= 55
    assert login(hall, "li", PASSWORD).status_code == 429  # the name is locked, right or not
    hall.clock.advance(seconds=61)
    assert login(hall, "li", PASSWORD).status_code == 200


def test_one_password_across_many_names_is_slowed_by_address(hall: InProcessHall) -> None:
    codes = [login(hall, f"user{i}", "Winter2026!").json()["error"]["code"] for i in range(25)]
    assert codes[:20] == ["login_failed"] * 20
    assert set(codes[20:]) == {"login_throttled"}
    hall.clock.advance(minutes=11)
    assert login(hall, "zhao", PASSWORD).status_code == 200


def test_the_forwarded_address_is_not_believed_in_process(hall: InProcessHall) -> None:
    for i in range(5):
        r = login(hall, "zhao", "wrong-one", **{"X-Forwarded-For": f"10.0.0.{i}"})
        assert r.json()["error"]["code"] == "login_failed"
    assert login(hall, "zhao", PASSWORD, **{"X-Forwarded-For": "10.9.9.9"}).status_code == 429


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("11111111", "password_short"),
        ("1111111111", "password_weak"),
        ("password123", "password_weak"),
        ("qwertyuiop", "password_weak"),
        ("liming2024abc", "password_has_name"),
        ("woaini1314520", "password_weak"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(tmp_path: Path, password: str, code: str) -> None:
    admin = (("root", "admin", "管理员"),)
    with in_process_hall(tmp_path / "data", accounts=admin) as hall:
        root = hall.login("root")
        body = {"username": "liming", "name": "李明", "role": "staff", "password": password}
        r = root.post("/api/users", json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (422, code)
        assert "密码" in r.json()["error"]["message"]
        assert [u["username"] for u in root.get("/api/users").json()["users"]] == ["root"]
        body["password"] = "lantern-orbit-57"
        assert root.post("/api/users", json=body).status_code == 201


def test_staff_change_their_own_password(hall: InProcessHall) -> None:
    li = hall.login("li")
    other = hall.login("li")  # signed in on a second PC too
    wrong = li.post("/api/me/password", json={"current": "not-it-at-all", "new": "x"})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "password_wrong")
    weak = li.post("/api/me/password", json={"current": PASSWORD, "new": "1234567890"})
    assert (weak.status_code, weak.json()["error"]["code"]) == (422, "password_weak")
    assert li.get("/api/me").status_code == 200  # a refused change ends nothing
    r = li.post("/api/me/password", json={"current": PASSWORD, "new": "copper-kettle-93"})
    assert r.status_code == 200, r.text
    assert other.get("/api/me").status_code == 401  # every old session ended
    li.headers["Authorization"] = f"Bearer {r.json()['token']}"
    assert li.get("/api/me").status_code == 200
    assert login(hall, "li", "copper-kettle-93").status_code == 200


def test_the_database_keeps_only_digests_of_sessions(hall: InProcessHall) -> None:
    r = login(hall, "li", PASSWORD)
    sid = hall.client.app.state.parts.sessions.session_id_of(r.json()["token"])
    with sqlite3.connect(hall.data / "hallcall.db") as c:
        ids = [row[0] for row in c.execute("SELECT id FROM sessions")]
    assert sid not in ids
    assert session_digest(sid) in ids


def test_a_disabled_account_is_signed_out_of_its_window_and_everywhere(tmp_path: Path) -> None:
    accounts = (("li", "staff", "李明"), ("root", "admin", "管理员"))
    with in_process_hall(tmp_path / "data", accounts=accounts) as hall:
        li, root = hall.login("li"), hall.login("root")
        assert li.post("/api/windows/1/sign-in").status_code == 200
        r = root.post("/api/users/li", json={"active": False})
        assert r.status_code == 200, r.text
        assert li.get("/api/me").status_code == 401
        assert hall.anonymous().get("/api/windows/1").json()["staff_name"] is None
        assert login(hall, "li", PASSWORD).status_code == 401


def test_state_changes_from_another_origin_are_refused(hall: InProcessHall) -> None:
    boss = hall.login("boss")
    for headers in (
        {"Origin": "http://hall.test:8081"},  # another port of the same host
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "same-site"},  # no Origin, but the browser says: not this page
    ):
        r = boss.post("/api/services/business/open", json={"open": False}, headers=headers)
        assert (r.status_code, r.json()["error"]["code"]) == (403, "cross_origin")
    services = hall.anonymous().get("/api/services").json()["services"]
    assert all(s["open"] for s in services)  # nothing changed
    ok = boss.post(
        "/api/services/business/open", json={"open": False}, headers={"Origin": "http://hall.test"}
    )
    assert ok.status_code == 200
    en = hall.anonymous("en").post(
        "/api/tickets", json={"service": "social"}, headers={"Origin": "http://x"}
    )
    assert "hall's own pages" in en.json()["error"]["message"]


def test_websockets_from_another_origin_are_refused(hall: InProcessHall) -> None:
    with (
        pytest.raises(WebSocketDisconnect),
        hall.client.websocket_connect(
            "/ws/display", headers={"Origin": "http://evil.example"}
        ) as ws,
    ):
        ws.receive_json()
    # Starlette's test client connects websockets to ws://testserver.
    with hall.client.websocket_connect(
        "/ws/display", headers={"Origin": "http://testserver"}
    ) as ws:
        assert ws.receive_json()["type"] == "snapshot"


def test_every_answer_carries_the_security_headers(hall: InProcessHall) -> None:
    for path in ("/kiosk", "/api/services", "/static/js/api.js", "/nowhere"):
        h = hall.client.get(path).headers
        assert "script-src 'self'" in h["content-security-policy"], path
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in h  # plain http unless the hall says HTTPS


def test_the_public_sees_staff_names_never_usernames(hall: InProcessHall) -> None:
    li = hall.login("li")
    origin = {"Origin": "http://testserver"}
    with hall.client.websocket_connect("/ws/display", headers=origin) as screen:
        assert screen.receive_json()["type"] == "snapshot"
        assert li.post("/api/windows/1/sign-in").status_code == 200
        event = screen.receive_json()
        assert event["type"] == "window.signed_in"
        assert event["window_state"]["staff_name"] == "李明"
        assert '"li"' not in json.dumps(event)
    public = [
        hall.anonymous().get("/api/windows").text,
        hall.anonymous().get("/api/windows/1").text,
        hall.anonymous().get("/api/snapshot").text,
    ]
    assert all("李明" in text and '"li"' not in text for text in public)
    with hall.client.websocket_connect("/ws/display", headers=origin) as screen:
        assert '"li"' not in json.dumps(screen.receive_json())  # the snapshot too
    # Staff still see who is signed in where (the counter needs it).
    assert li.get("/api/windows/1").json()["staff"] == "li"
