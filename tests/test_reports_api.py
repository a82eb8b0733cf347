"""Queue reports through the API: a small day made through the real server, counted by hand."""

from __future__ import annotations

import io

import openpyxl

from tests.serverproc import HallServer, ok


def test_the_queue_report_of_a_small_day_matches_a_hand_count(server: HallServer) -> None:
    kiosk, li, boss = server.client(), server.login("li"), server.login("boss")
    ok(li.post("/api/windows/1/sign-in"))
    for service in ("business", "business", "social", "business"):
        ok(kiosk.post("/api/tickets", json={"service": service}))
    # A001 served on the spot, A002 accepted for later, A003 a no-show; B001 still waiting.
    for outcome in ("on_the_spot", "accepted"):
        ok(li.post("/api/windows/1/call-next"))
        ok(li.post("/api/windows/1/start"))
        ok(li.post("/api/windows/1/finish", json={"outcome": outcome}))
    ok(li.post("/api/windows/1/call-next"))
    ok(li.post("/api/windows/1/no-show"))

    rows = {r["key"]: r for r in ok(boss.get("/api/reports/queue?by=service"))["rows"]}
    business, social = rows["business"], rows["social"]
    assert (business["taken"], business["served"], business["no_shows"]) == (3, 2, 1)
    assert business["on_the_spot"] == 1 and business["on_the_spot_rate"] == 0.5
    assert business["wait_avg_minutes"] is not None and business["wait_avg_minutes"] < 1
    assert (social["taken"], social["served"], social["still_open"]) == (1, 0, 1)
    (hall,) = ok(boss.get("/api/reports/queue?by=hall"))["rows"]
    assert (hall["taken"], hall["served"]) == (4, 2)
    by_window = ok(boss.get("/api/reports/queue?by=window"))["rows"]
    assert [(r["key"], r["served"]) for r in by_window if r["key"] == "1"] == [("1", 2)]

    charts = ok(boss.get("/api/reports/charts"))
    assert len(charts["arrivals"]["hours"]) == 24 and sum(charts["arrivals"]["taken"]) == 4
    assert sum(charts["arrivals"]["served"]) == 2
    assert charts["waits"]["buckets"][0] == "0-5" and sum(charts["waits"]["counts"]) == 3
    assert [w["served"] for w in charts["windows"] if w["window"] == 1] == [2]

    xlsx = boss.get("/api/reports/queue?by=service&format=xlsx")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.max_row == 3
    csv = boss.get("/api/reports/queue?by=service&format=csv")
    assert "商事登记" in csv.content.decode("utf-8-sig")
    assert boss.get("/api/reports/queue?by=moon").status_code == 422
    assert boss.get("/api/reports/queue?from=2026-12-01&to=2026-11-01").status_code == 422
    assert li.get("/api/reports/queue").status_code == 403
