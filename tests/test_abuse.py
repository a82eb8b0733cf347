"""A stranger on the hall's Wi-Fi: cannot drain the day's numbers, make a kiosk print, raise
help alerts or open endless sockets; a manager cancels a burst in one action; a flood of
waiting tickets keeps the counters' lists cheap."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import WebSocketDenialResponse

from hall.config import Service
from tests.inproc import InProcessHall, hall_config, in_process_hall
from ticketing.access import AccessSettings, Anonymous, IssueLimits, Source

EXTRA = """
[[services]]
id = "estate"
name = "不动产登记"
department = "market"
prefix = "D"
daily_cap = 200

[help_points.lobby]
name = "自助区"
helpers = ["li"]

[kiosks.k1]
name = "一楼取号机"
"""


def hall_with(tmp_path: Path, more: str = "", client: str = "192.168.50.23"):
    return in_process_hall(
        tmp_path / "data", hall_config(extra=EXTRA + more), client=(client, 40000)
    )


def take(h: InProcessHall, service: str = "estate", **headers: str):
    return h.anonymous().post("/api/tickets", json={"service": service}, headers=headers)


def test_a_phone_takes_a_few_numbers_and_the_day_stays_for_everyone(tmp_path: Path) -> None:
    with hall_with(tmp_path) as h:
        answers = [take(h) for _ in range(300)]
        assert [a.status_code for a in answers[:3]] == [201, 201, 201]
        assert {a.status_code for a in answers[3:]} == {429}
        assert answers[3].json()["error"]["code"] == "tickets_per_day"
        assert "每台手机每天最多取 3 个号" in answers[3].json()["error"]["message"]
        boss = h.login("boss")
        assert boss.post("/api/tickets", json={"service": "estate"}).json()["number"] == "D004"
        # The next day the phone may take numbers again.
        h.clock.advance(hours=24)
        assert take(h).status_code == 201


def test_strangers_together_take_only_their_share_of_a_capped_service() -> None:
    estate = Service("estate", "不动产登记", "", "market", "D", daily_cap=10)
    limits = IssueLimits(AccessSettings(Anonymous.LIMITED, anonymous_per_day=3))
    limits.start_day("2026-12-03", [])
    phones = [Source("anon", f"10.0.0.{i}") for i in range(10)]
    taken = 0
    for phone in phones:
        try:
            limits.check(phone, estate, 0.0)
        except Exception as refused:
            assert getattr(refused, "code", "") == "tickets_share_used"
            continue
        limits.taken(phone, estate, 0.0)
        taken += 1
    assert taken == 3  # 30 % of 10: the other seven numbers stay for kiosks and the desk
    limits.check(Source("kiosk", "k1"), estate, 0.0)  # kiosks are not strangers
    # A restart counts what today already holds.
    again = IssueLimits(AccessSettings())
    again.start_day("2026-12-03", [("anon:10.0.0.1", "estate", 3)])
    with pytest.raises(Exception, match=r"share|numbers"):
        again.check(Source("anon", "10.0.0.9"), estate, 0.0)


def test_a_paired_kiosk_is_limited_only_in_rate(tmp_path: Path) -> None:
    with hall_with(tmp_path) as h:
        boss = h.login("boss")
        paired = boss.post("/api/devices", json={"kind": "kiosk", "place": "k1"})
        assert paired.status_code == 201, paired.text
        assert paired.json()["device"]["name"] == "一楼取号机"
        kiosk = {"Authorization": f"Device {paired.json()['token']}"}
        codes = [take(h, **kiosk).status_code for _ in range(31)]
        assert codes == [201] * 30 + [429]
        h.clock.advance(seconds=61)
        ticket = take(h, **kiosk)
        assert ticket.status_code == 201
        sources = boss.get("/api/tickets/sources").json()["sources"]
        assert sources[0] == {
            "source": "kiosk:k1",
            "waiting": 31,
            "first_taken_at": sources[0]["first_taken_at"],
            "last_taken_at": ticket.json()["taken_at"],
        }


def test_a_stranger_cannot_make_a_kiosk_print_or_press_a_help_button(tmp_path: Path) -> None:
    with hall_with(tmp_path) as h:
        r = h.anonymous().post("/api/tickets", json={"service": "social", "kiosk": "k1"})
        assert (r.status_code, r.json()["error"]["code"]) == (403, "kiosk_not_paired")
        assert h.anonymous().post("/api/help/lobby/call").json()["error"]["code"] == (
            "help_point_not_paired"
        )
        boss = h.login("boss")
        assert boss.get("/api/alerts").json()["alerts"] == []
        button = boss.post("/api/devices", json={"kind": "help_point", "place": "lobby"}).json()
        pressed = h.anonymous().post(
            "/api/help/lobby/call", headers={"Authorization": f"Device {button['token']}"}
        )
        assert pressed.status_code == 200, pressed.text
        assert h.anonymous().get("/api/windows").json()["windows"][0]["number"] == 1


def test_pages_on_the_kiosk_network_are_the_halls_own(tmp_path: Path) -> None:
    more = '\n[access]\nkiosk_networks = ["10.20.0.0/16"]\n'
    with hall_with(tmp_path, more, client="10.20.3.4") as h:
        assert [take(h).status_code for _ in range(40)] == [201] * 40
        r = h.anonymous().post("/api/tickets", json={"service": "social", "kiosk": "k1"})
        assert r.status_code == 201


def test_a_manager_cancels_a_burst_from_one_source(tmp_path: Path) -> None:
    more = '\n[access]\nanonymous = "open"\n'
    with hall_with(tmp_path, more) as h:
        boss = h.login("boss")
        mine = boss.post("/api/tickets", json={"service": "estate"}).json()
        burst = [take(h).json() for _ in range(50)]
        h.clock.advance(minutes=5)
        later = take(h).json()  # the same phone, later: not part of the burst
        source = "anon:192.168.50.23"
        listed = boss.get("/api/tickets/sources").json()["sources"]
        assert (listed[0]["source"], listed[0]["waiting"]) == (source, 51)
        r = boss.post(
            "/api/tickets/cancel-burst",
            json={"source": source, "from": burst[0]["taken_at"], "to": burst[-1]["taken_at"]},
        )
        assert r.status_code == 200, r.text
        assert r.json()["count"] == 50
        assert r.json()["cancelled"] == [t["number"] for t in burst]
        services = {s["id"]: s for s in h.anonymous().get("/api/services").json()["services"]}
        assert services["estate"]["waiting"] == 2  # the desk's ticket and the later one
        for t in (mine, later):
            assert boss.get(f"/api/tickets/{t['id']}").json()["status"] == "waiting"
        li = h.login("li")
        refused = li.post("/api/tickets/cancel-burst", json={"source": source, "from": 0, "to": 1})
        assert refused.status_code == 403


def test_sockets_per_address_are_capped_and_freed(tmp_path: Path) -> None:
    more = "\n[server]\nmax_sockets_per_address = 2\n"
    with hall_with(tmp_path, more) as h:
        origin = {"Origin": "http://testserver"}
        with h.client.websocket_connect("/ws/display", headers=origin) as a:
            assert a.receive_json()["type"] == "snapshot"
            with h.client.websocket_connect("/ws/display", headers=origin) as b:
                assert b.receive_json()["type"] == "snapshot"
                with (
                    pytest.raises(WebSocketDenialResponse) as refused,
                    h.client.websocket_connect("/ws/display", headers=origin),
                ):
                    pass
                assert refused.value.status_code == 429  # at the handshake: nothing opened
                assert refused.value.json() == {
                    "type": "refused",
                    "reason": "too_many_from_address",
                }
        with h.client.websocket_connect("/ws/display", headers=origin) as again:
            assert again.receive_json()["type"] == "snapshot"


def test_a_flood_of_waiting_tickets_keeps_the_counter_list_short(tmp_path: Path) -> None:
    more = '\n[access]\nanonymous = "open"\n'
    with hall_with(tmp_path, more) as h:
        hall = h.client.app.state.parts.hall
        from hall.model import Lane

        for _ in range(3000):
            hall.issue("business", Lane.NORMAL, None, None)
        li = h.login("li")
        li.post("/api/windows/1/sign-in")
        listed = li.get("/api/windows/1/waiting").json()
        assert listed["total"] == 3000
        assert [t["number"] for t in listed["tickets"]] == [f"A{i:03d}" for i in range(1, 61)]
        assert listed["tickets"][0]["next"] is True
        assert len(li.get("/api/windows/1/waiting?limit=500").json()["tickets"]) == 500
        bad = li.get("/api/windows/1/waiting?limit=100000")
        assert bad.status_code == 422
