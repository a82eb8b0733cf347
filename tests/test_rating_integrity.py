"""好差评 integrity: whoever was rated never handles, answers or re-attributes their own
review; a correction of attribution takes a second manager; every step is kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.inproc import As, InProcessHall, in_process_hall

PEOPLE = (
    ("li", "staff", "李明"),
    ("zhao", "staff", "赵丽"),
    ("wang", "manager", "王芳"),  # a manager who also serves at a window
    ("boss", "manager", "王经理"),
    ("chen", "manager", "陈主任"),
)


@pytest.fixture
def hall(tmp_path: Path):
    with in_process_hall(tmp_path / "data", accounts=PEOPLE) as h:
        yield h


def served_and_rated(h: InProcessHall, server: As, window: int, level: int) -> dict:
    """A visitor is served at `window` and rates it on the window's pad."""
    boss = h.login("boss")
    token = boss.post("/api/devices", json={"window": window}).json()["token"]
    pad = As(h.client, {"Authorization": f"Device {token}"})
    ticket = h.anonymous().post("/api/tickets", json={"service": "business"}).json()
    assert server.post(f"/api/windows/{window}/sign-in").status_code == 200
    for action in ("call-next", "start", "finish"):
        assert server.post(f"/api/windows/{window}/{action}").status_code == 200
    body = {"ticket": ticket["id"], "rating": level, "channel": "pad", "reason": "服务态度差"}
    rated = pad.post("/api/evaluations", json=body)
    assert rated.status_code == 201, rated.text
    return rated.json()


def test_a_manager_rated_badly_cannot_touch_her_own_review(hall: InProcessHall) -> None:
    wang = hall.login("wang")
    rated = served_and_rated(hall, wang, 1, 1)
    order = rated["work_order"]
    for action, body in (
        ("call-back", {"result": "reached"}),
        ("fix-now", {"note": "已整改"}),
        ("explain", {"note": "误会"}),
        ("close", {}),
    ):
        r = wang.post(f"/api/work-orders/{order}/{action}", json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (403, "rating_own_review"), action
    moved = wang.post(
        f"/api/evaluations/{rated['evaluation']['id']}/correct",
        json={"staff": "zhao", "note": "其实是赵丽办理的"},
    )
    assert (moved.status_code, moved.json()["error"]["code"]) == (403, "rating_own_review")
    steps = hall.login("boss").get(f"/api/work-orders/{order}").json()["steps"]
    assert [s["action"] for s in steps] == ["open"]  # nothing she tried took effect
    # She may still appeal: that is reviewed by someone else.
    appeal = wang.post(
        f"/api/work-orders/{order}/appeal", json={"ground": "malicious", "note": "恶意差评"}
    )
    assert appeal.status_code == 200, appeal.text


def test_a_correction_needs_a_second_manager_and_never_changes_the_rating(
    hall: InProcessHall,
) -> None:
    li, boss, chen, wang = (hall.login(u) for u in ("li", "boss", "chen", "wang"))
    rated = served_and_rated(hall, li, 1, 2)
    record = rated["evaluation"]
    path = f"/api/evaluations/{record['id']}/correct"
    assert boss.post(path, json={"staff": "zhao"}).status_code == 422  # a note is required
    proposed = boss.post(path, json={"staff": "zhao", "note": "当时由赵丽办理，系统签到有误"})
    assert proposed.status_code == 202, proposed.text
    proposal = proposed.json()
    assert (proposal["state"], proposal["proposed_by"]) == ("open", "boss")
    decide = f"/api/evaluation-corrections/{proposal['id']}"
    mine = boss.post(f"{decide}/approve")
    assert (mine.status_code, mine.json()["error"]["code"]) == (
        403,
        "correction_needs_second_person",
    )
    assert li.post(f"{decide}/approve").status_code == 403  # staff, and the one rated
    listed = boss.get("/api/evaluations").json()["evaluations"]
    assert [r["staff"] for r in listed] == ["li"]  # nothing changed yet
    approved = chen.post(f"{decide}/approve")
    assert approved.status_code == 200, approved.text
    assert (approved.json()["state"], approved.json()["decided_by"]) == ("approved", "chen")
    new_id = approved.json()["evaluation"]
    records = {r["id"]: r for r in boss.get("/api/evaluations").json()["evaluations"]}
    new = records[new_id]
    assert (new["corrects"], new["staff"], new["staff_name"]) == (record["id"], "zhao", "赵丽")
    assert (new["level"], new["reason"]) == (2, "服务态度差")  # the visitor's words stay
    assert record["id"] in records  # nothing is edited or removed
    again = wang.post(f"{decide}/reject")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "correction_decided")
    stale = boss.post(path, json={"staff": "li", "note": "再改"})
    assert stale.status_code == 409  # correct the latest record instead
    history = boss.get("/api/evaluation-corrections").json()["corrections"]
    assert [(c["proposed_by"], c["state"], c["decided_by"]) for c in history] == [
        ("boss", "approved", "chen")
    ]


def test_the_log_of_steps_cannot_be_rewritten(hall: InProcessHall) -> None:
    li, boss, chen = hall.login("li"), hall.login("boss"), hall.login("chen")
    rated = served_and_rated(hall, li, 1, 1)
    proposal = boss.post(
        f"/api/evaluations/{rated['evaluation']['id']}/correct",
        json={"window": 2, "note": "窗口记错"},
    ).json()
    chen.post(f"/api/evaluation-corrections/{proposal['id']}/reject")
    boss.post(f"/api/work-orders/{rated['work_order']}/call-back", json={"result": "reached"})
    with sqlite3.connect(hall.data / "hallcall.db") as c:
        for sql in (
            "UPDATE rating_correction_steps SET actor = 'nobody'",
            "DELETE FROM rating_correction_steps",
            "UPDATE work_order_steps SET actor = 'nobody'",
            "DELETE FROM evaluations",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                c.execute(sql)
