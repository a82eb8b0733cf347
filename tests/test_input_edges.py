"""Input at the edges: huge ids, broken JSON strings, NaN, absurd settings, options in any
order. Each gets a clear 4xx or a clear message, never a 500 or a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hall.config import ConfigError, parse_config
from run import _hoist_globals
from tests.inproc import InProcessHall, in_process_hall

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def hall(tmp_path: Path):
    with in_process_hall(tmp_path / "data") as h:
        yield h


def test_ids_past_what_sqlite_holds_are_not_found(hall: InProcessHall) -> None:
    boss = hall.login("boss")
    huge = "9" * 20
    for path in (
        f"/api/tickets/{huge}",
        f"/api/work-orders/{huge}",
        f"/api/windows/{huge}",
        f"/api/tickets/{2**63}",
    ):
        r = boss.get(path)
        assert r.status_code == 404, (path, r.status_code, r.text)
        assert r.json()["error"]["code"] in ("http_404", "ticket_unknown")
    r = boss.post(f"/api/alerts/{huge}/acknowledge")
    assert r.status_code == 404


@pytest.mark.parametrize(
    "raw",
    [
        b'{"service": "\\ud800"}',  # a lone UTF-16 surrogate
        b'{"service": "business", "lane": NaN}',
        b'{"service": Infinity}',
        b'{"open": -Infinity}',
    ],
)
def test_json_no_server_could_store_is_refused(hall: InProcessHall, raw: bytes) -> None:
    r = hall.anonymous().post(
        "/api/tickets", content=raw, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "bad_json"
    assert hall.anonymous().get("/api/services").json()["services"][0]["waiting"] == 0


def test_a_daily_cap_past_four_digits_is_refused() -> None:
    text = (ROOT / "tests" / "halls" / "small.toml").read_text()
    assert parse_config(text).services["capped"].daily_cap == 2
    absurd = text.replace("daily_cap = 2", "daily_cap = 1000000000000000000000000000000")
    with pytest.raises(ConfigError, match=r"daily_cap: must be a whole number 1-9999"):
        parse_config(absurd, "small.toml")


def test_global_options_may_come_anywhere(tmp_path: Path) -> None:
    assert _hoist_globals(["--port", "9000", "--data", "/x"]) == ["--data", "/x", "--port", "9000"]
    assert _hoist_globals(["serve", "--config=h.toml", "--port", "1"]) == [
        "--config=h.toml",
        "serve",
        "--port",
        "1",
    ]
    r = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "user", "list", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
