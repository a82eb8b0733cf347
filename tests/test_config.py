"""The hall file: a wrong one is refused with the file, the key and what is wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hall.config import ConfigError, load_config, parse_config
from tests.serverproc import ROOT

GOOD = (Path(__file__).parent / "halls" / "small.toml").read_text(encoding="utf-8")


def test_the_demo_hall_looks_like_a_city_centre() -> None:
    demo = load_config()
    assert demo.hall.timezone.key == "Asia/Shanghai"
    assert [s.prefix for s in demo.services.values()][:5] == ["A", "B", "C", "D", "E"]
    assert len(demo.windows) >= 12
    general = [w for w in demo.windows.values() if len(w.services) >= 4]
    assert len(general) >= 3  # several general windows (一窗受理)
    assert any(w.kind == "coordination" for w in demo.windows.values())


@pytest.mark.parametrize(
    ("change", "where", "what"),
    [
        (('prefix = "A"', 'prefix = "AB"'), "services[0].prefix", "one capital letter"),
        (
            ('department = "market"', 'department = "nowhere"'),
            "services[0].department",
            "unknown department",
        ),
        (
            ('services = ["capped"]', 'services = ["ghost"]'),
            "windows[2].services",
            "unknown service 'ghost'",
        ),
        (("number = 5", "number = 1"), "windows[3].number", "duplicate window number 1"),
        (('prefix = "B"', 'prefix = "A"'), "services[1].prefix", "already the prefix"),
        (("recall_cap = 2", "recall_cap = -1"), "hall.recall_cap", "0-99"),
        (
            ('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"'),
            "hall.timezone",
            "unknown time zone",
        ),
        (("daily_cap = 2", "daily_cap = 2\ncolour = 1"), "services[2].colour", "unknown key"),
        (
            ('prefix = "C"', 'prefix = "C"\nhours = ["mon-fri 17:00-09:00"]'),
            "services[2].hours",
            "end must come after",
        ),
        (
            ('prefix = "C"', 'prefix = "C"\nhours = ["weekdays 9-5"]'),
            "services[2].hours",
            "cannot read",
        ),
    ],
)
def test_a_wrong_hall_file_names_the_key(change: tuple[str, str], where: str, what: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(ConfigError) as err:
        parse_config(GOOD.replace(old, new, 1), "myhall.toml")
    message = str(err.value)
    assert message.startswith(f"myhall.toml: {where}: "), message
    assert what in message


def test_bad_toml_names_the_line() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config('[hall]\nname = "x"\nname_en = \n', "myhall.toml")
    assert "myhall.toml" in str(err.value) and "line 3" in str(err.value)


def test_opening_hours_parse() -> None:
    config = parse_config(
        GOOD.replace(
            'prefix = "C"', 'prefix = "C"\nhours = ["sat-mon 09:00-12:00", "mon-fri 13:30-24:00"]'
        )
    )
    spans = config.services["capped"].hours
    assert spans[0].weekdays == frozenset({5, 6, 0})
    assert spans[1].weekdays == frozenset(range(5))


def test_the_server_does_not_start_half_configured(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('prefix = "B"', 'prefix = "b"'), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "run.py"),
            "--data",
            str(tmp_path / "d"),
            "--config",
            str(bad),
            "serve",
            "--port",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert f"{bad}: services[1].prefix: must be one capital letter, got 'b'" in result.stderr
    assert not (tmp_path / "d" / "hallcall.db").exists()
    check = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "check-config", str(bad)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert check.returncode == 2 and "services[1].prefix" in check.stderr


def test_a_service_outside_its_hours_says_so_in_the_visitors_language(
    tmp_path: Path, accounts_db: Path
) -> None:
    import shutil
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.serverproc import HallServer, ok

    other_day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[
        (datetime.now(ZoneInfo("Asia/Shanghai")).weekday() + 3) % 7
    ]
    hall = GOOD.replace("ignore_hours = true", "ignore_hours = false").replace(
        'prefix = "C"', f'prefix = "C"\nhours = ["{other_day} 09:00-10:00"]'
    )
    (tmp_path / "h.toml").write_text(hall, encoding="utf-8")
    srv = HallServer(tmp_path / "data", tmp_path / "h.toml")
    shutil.copytree(accounts_db, srv.data)
    srv.start()
    try:
        kiosk = srv.client()
        capped = next(s for s in ok(kiosk.get("/api/services"))["services"] if s["id"] == "capped")
        assert capped["open"] is True and capped["open_now"] is False
        assert capped["hours"].endswith("09:00-10:00") and capped["hours"].startswith("周")
        zh = kiosk.post("/api/tickets", json={"service": "capped"}).json()["error"]["message"]
        assert zh.startswith("限号业务现在不在办理时间（周") and "mon" not in zh
        en = srv.client("en").post("/api/tickets", json={"service": "capped"})
        assert en.json()["error"]["message"].startswith("Capped Service is outside its opening")
    finally:
        srv.stop()
