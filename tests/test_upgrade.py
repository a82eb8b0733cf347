"""A hall's database made by an older release opens with today's code, data untouched."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from server.app import open_store
from tests.inproc import hall_config, in_process_hall

OLD = Path(__file__).parent / "data" / "hallcall-1f90f79.db"
OLD_MIGRATIONS = [
    "m001_core",
    "m002_ticket_token",
    "m003_print_jobs",
    "m004_evaluations",
    "m005_devices",
    "m006_report_rollups",
    "m007_alerts_and_help",
    "m008_setup_changes",
]
# The afternoon the old database was made (it holds that day's tickets).
AFTERNOON = datetime(2026, 12, 3, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def old_hall(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(OLD, data / "hallcall.db")
    return data


def applied(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as c:
        return c.execute(
            "SELECT name, applied_at FROM _sqlite_migrations ORDER BY rowid"
        ).fetchall()


def test_old_migrations_are_kept_and_only_new_ones_run(tmp_path: Path) -> None:
    data = old_hall(tmp_path)
    before = applied(data / "hallcall.db")
    assert [name for name, _ in before] == OLD_MIGRATIONS
    open_store(data / "hallcall.db").close()
    after = applied(data / "hallcall.db")
    assert after[: len(before)] == before  # not run again, not renamed
    assert [name for name, _ in after[len(before) :]] == [
        "m001_people",
        "m009_hashed_sessions",
        "m010_ticket_source",
        "m011_device_place",
        "m012_rating_corrections",
    ]
    with sqlite3.connect(data / "hallcall.db") as c:
        ids = [r[0] for r in c.execute("SELECT id FROM sessions")]
    assert ids and all(len(i) == 64 and int(i, 16) >= 0 for i in ids)  # digests only


def test_a_new_database_gets_the_same_tables_as_an_upgraded_one(tmp_path: Path) -> None:
    def tables(db: Path) -> dict[str, str]:
        with sqlite3.connect(db) as c:
            rows = c.execute(
                "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index') "
                "AND name NOT LIKE 'sqlite_%' AND name != '_sqlite_migrations'"
            ).fetchall()
        return {
            name: " ".join(sql.replace("IF NOT EXISTS ", "").split()) for name, sql in rows if sql
        }

    data = old_hall(tmp_path)
    open_store(data / "hallcall.db").close()
    open_store(tmp_path / "new.db").close()
    assert tables(tmp_path / "new.db") == tables(data / "hallcall.db")


def test_the_old_hall_goes_on_working(tmp_path: Path) -> None:
    data = old_hall(tmp_path)
    extra = f"""
[help_points.lobby]
name = "自助区"
helpers = ["li"]

[printers.p1]
connection = "file:{tmp_path / "slips.bin"}"
paper = 80
mode = "text"

[kiosks.k1]
printer = "p1"
"""
    with in_process_hall(data, hall_config(extra=extra), start=AFTERNOON, accounts=()) as hall:
        boss, li = hall.login("boss"), hall.login("li")
        [order] = boss.get("/api/work-orders").json()["work_orders"]
        assert (order["ticket_number"], order["level"], order["staff"]) == ("A001", 1, "li")
        window = li.get("/api/windows/1").json()
        assert window["staff"] == "li"
        assert [t["number"] for t in window["parked"]] == ["B001"]
        assert hall.anonymous().get("/api/snapshot").json()["notice"] == "今日系统升级"
        names = {
            s["id"]: s["name"] for s in hall.anonymous().get("/api/services").json()["services"]
        }
        assert names["social"] == "社保业务办理"
        alerts = {a["id"]: a["kind"] for a in boss.get("/api/alerts").json()["alerts"]}
        assert (alerts[1], alerts[2]) == ("bad_review", "help_call")  # the old day's alerts
        # Numbering goes on from the old day's counters.
        r = hall.anonymous().post("/api/tickets", json={"service": "business"})
        assert r.status_code == 201, r.text
        assert r.json()["number"] == "A002"
