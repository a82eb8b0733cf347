"""The hall file: a TOML description of the hall, read and checked before anything starts."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hall.model import QueuePolicy

DEMO_CONFIG = Path(__file__).with_name("demo.toml")
MAX_DAILY_CAP = 9999  # numbers a service may issue in a day (A0001 to A9999)

# Sections owned by other packages: kept raw here, checked by their owners at start-up.
ADAPTER_SECTIONS = (
    "speech",
    "printers",
    "kiosks",
    "slip",
    "alerts",
    "evaluation",
    "help_points",
    "server",
    "access",
    "city",
)

# The keys each table of the hall file accepts (docs/hall-file.md describes every one).
HALL_KEYS = frozenset(
    {"name", "name_en", "timezone", "queue_policy", "recall_cap", "ignore_hours", "notice"}
)
DEPARTMENT_KEYS = frozenset({"id", "name", "name_en"})
SERVICE_KEYS = frozenset(
    {
        "id",
        "name",
        "name_en",
        "department",
        "prefix",
        "daily_cap",
        "hours",
        "standard_minutes",
        "wait_alert_minutes",
    }
)
WINDOW_KEYS = frozenset({"number", "name", "name_en", "services", "kind"})
SECTIONS = ("hall", "departments", "services", "windows", *ADAPTER_SECTIONS)

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_HOURS_RE = re.compile(
    r"^(?:(?P<d1>[a-z]{3})(?:-(?P<d2>[a-z]{3}))?\s+)?(?P<h1>\d{2}:\d{2})-(?P<h2>\d{2}:\d{2})$"
)


class ConfigError(Exception):
    """The hall file is wrong; the message names the file, the key and what is wrong."""


@dataclass(frozen=True, slots=True)
class OpeningSpan:
    weekdays: frozenset[int]  # 0 = Monday
    start: time
    end: time  # 24:00 is written as time.max

    def contains(self, local: datetime) -> bool:
        return local.weekday() in self.weekdays and self.start <= local.time() < self.end

    def text(self, lang: str) -> str:
        """周一至周五 09:00-12:00 / Mon-Fri 09:00-12:00"""
        names = _DAYS_ZH if lang == "zh" else _DAYS_EN
        joiner = "至" if lang == "zh" else "-"
        days = sorted(self.weekdays)
        runs: list[list[int]] = []
        for d in days:
            if runs and d == runs[-1][-1] + 1:
                runs[-1].append(d)
            else:
                runs.append([d])
        parts = [
            names[r[0]] if len(r) == 1 else f"{names[r[0]]}{joiner}{names[r[-1]]}" for r in runs
        ]
        end = "24:00" if self.end == time.max else f"{self.end:%H:%M}"
        return f"{'、'.join(parts) if lang == 'zh' else ', '.join(parts)} {self.start:%H:%M}-{end}"


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    name: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    name: str
    name_en: str
    department: str
    prefix: str
    daily_cap: int | None = None
    hours: tuple[OpeningSpan, ...] = ()  # empty: open whenever the hall is
    hours_text: str = ""
    standard_minutes: float = 10.0  # expected handling time; seeds the wait estimate
    wait_alert_minutes: float = 30.0  # 超时预警 threshold

    def hours_in(self, lang: str) -> str:
        return (
            "；".join(s.text(lang) for s in self.hours)
            if lang == "zh"
            else "; ".join(s.text(lang) for s in self.hours)
        )

    def open_at(self, local: datetime) -> bool:
        return not self.hours or any(span.contains(local) for span in self.hours)


@dataclass(frozen=True, slots=True)
class Window:
    number: int
    name: str
    name_en: str
    services: tuple[str, ...]  # in order of preference
    kind: str = "general"


@dataclass(frozen=True, slots=True)
class HallSettings:
    name: str
    name_en: str
    timezone: ZoneInfo
    queue_policy: QueuePolicy = QueuePolicy.PREFERENCE
    recall_cap: int = 5
    ignore_hours: bool = False  # demo halls take tickets at any hour
    notice: str = ""


@dataclass(frozen=True)
class HallConfig:
    source: str
    hall: HallSettings
    departments: Mapping[str, Department]
    services: Mapping[str, Service]  # in the file's order
    windows: Mapping[int, Window]
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)  # as read: for overlays

    def department_of(self, service_id: str) -> Department:
        return self.departments[self.services[service_id].department]


def load_config(path: Path | None = None) -> HallConfig:
    """Read and check a hall file; the built-in demo hall when no path is given."""
    path = path or DEMO_CONFIG
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the hall file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the hall file is not UTF-8 text") from exc
    return parse_config(text, str(path))


def config_from_data(data: dict[str, Any], source: str) -> HallConfig:
    """Check already-parsed hall data (a hall file with changes made at run time)."""
    return _Reader(source).hall_config(data)


def parse_config(text: str, source: str = "<hall file>") -> HallConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    return _Reader(source).hall_config(data)


class _Reader:
    """Walks the parsed TOML, checking each key and naming its path in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.source}: {key}: {problem}")

    def table(self, value: Any, key: str, allowed: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        allowed = frozenset(allowed)
        for name in value:
            if name not in allowed:
                raise self.fail(
                    f"{key}.{name}" if key else name,
                    f"unknown key (expected one of: {', '.join(sorted(allowed))})",
                )
        return value

    def text(self, table: dict[str, Any], key: str, path: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if value is None:
            raise self.fail(f"{path}.{key}", "is required")
        if not isinstance(value, str) or (not value.strip() and default is None):
            raise self.fail(f"{path}.{key}", f"must be non-empty text, got {value!r}")
        return value.strip()

    def number(
        self, table: dict[str, Any], key: str, path: str, default: float | None, low: float
    ) -> float | None:
        value = table.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
            raise self.fail(f"{path}.{key}", f"must be a number of at least {low}, got {value!r}")
        return float(value)

    def hall_config(self, data: dict[str, Any]) -> HallConfig:
        self.table(data, "", SECTIONS)
        for name in ("hall", "departments", "services", "windows"):
            if name not in data:
                raise self.fail(name, "is required")
        hall = self.hall_settings(data["hall"])
        departments = self.departments(data["departments"])
        services = self.services(data["services"], departments)
        windows = self.windows(data["windows"], services)
        sections = {}
        for name in ADAPTER_SECTIONS:
            if name in data:
                if not isinstance(data[name], dict):
                    raise self.fail(name, "must be a table")
                sections[name] = data[name]
        return HallConfig(self.source, hall, departments, services, windows, sections, data)

    def hall_settings(self, raw: Any) -> HallSettings:
        t = self.table(raw, "hall", HALL_KEYS)
        tz_name = self.text(t, "timezone", "hall", "Asia/Shanghai")
        try:
            tz = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise self.fail("hall.timezone", f"unknown time zone {tz_name!r}") from exc
        policy = t.get("queue_policy", QueuePolicy.PREFERENCE.value)
        try:
            queue_policy = QueuePolicy(policy)
        except ValueError as exc:
            choices = ", ".join(p.value for p in QueuePolicy)
            raise self.fail("hall.queue_policy", f"must be one of {choices}") from exc
        cap = t.get("recall_cap", 5)
        if isinstance(cap, bool) or not isinstance(cap, int) or not 0 <= cap <= 99:
            raise self.fail("hall.recall_cap", f"must be a whole number 0-99, got {cap!r}")
        ignore = t.get("ignore_hours", False)
        if not isinstance(ignore, bool):
            raise self.fail("hall.ignore_hours", "must be true or false")
        name = self.text(t, "name", "hall")
        return HallSettings(
            name=name,
            name_en=self.text(t, "name_en", "hall", name),
            timezone=tz,
            queue_policy=queue_policy,
            recall_cap=cap,
            ignore_hours=ignore,
            notice=self.text(t, "notice", "hall", ""),
        )

    def departments(self, raw: Any) -> dict[str, Department]:
        if not isinstance(raw, list) or not raw:
            raise self.fail("departments", "must be a non-empty list of [[departments]] tables")
        out: dict[str, Department] = {}
        for i, item in enumerate(raw):
            path = f"departments[{i}]"
            t = self.table(item, path, DEPARTMENT_KEYS)
            dep_id = self.identifier(t, path)
            if dep_id in out:
                raise self.fail(f"{path}.id", f"duplicate department id {dep_id!r}")
            name = self.text(t, "name", path)
            out[dep_id] = Department(dep_id, name, self.text(t, "name_en", path, name))
        return out

    def identifier(self, t: dict[str, Any], path: str) -> str:
        value = self.text(t, "id", path)
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", value):
            raise self.fail(
                f"{path}.id", f"must be lower-case letters, digits, - or _ (got {value!r})"
            )
        return value

    def services(self, raw: Any, departments: dict[str, Department]) -> dict[str, Service]:
        if not isinstance(raw, list) or not raw:
            raise self.fail("services", "must be a non-empty list of [[services]] tables")
        out: dict[str, Service] = {}
        for i, item in enumerate(raw):
            path = f"services[{i}]"
            t = self.table(item, path, SERVICE_KEYS)
            sid = self.identifier(t, path)
            if sid in out:
                raise self.fail(f"{path}.id", f"duplicate service id {sid!r}")
            dep = self.text(t, "department", path)
            if dep not in departments:
                raise self.fail(f"{path}.department", f"unknown department {dep!r}")
            prefix = self.text(t, "prefix", path)
            if not re.fullmatch(r"[A-Z]", prefix):
                raise self.fail(f"{path}.prefix", f"must be one capital letter, got {prefix!r}")
            taken = next((s.id for s in out.values() if s.prefix == prefix), None)
            if taken:  # numbers run per prefix: two services sharing one would share numbers
                raise self.fail(f"{path}.prefix", f"{prefix!r} is already the prefix of {taken!r}")
            cap = t.get("daily_cap")
            if cap is not None and (
                isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= MAX_DAILY_CAP
            ):
                raise self.fail(
                    f"{path}.daily_cap", f"must be a whole number 1-{MAX_DAILY_CAP}, got {cap!r}"
                )
            hours, hours_text = self.hours(t.get("hours", []), f"{path}.hours")
            name = self.text(t, "name", path)
            out[sid] = Service(
                id=sid,
                name=name,
                name_en=self.text(t, "name_en", path, name),
                department=dep,
                prefix=prefix,
                daily_cap=cap,
                hours=hours,
                hours_text=hours_text,
                standard_minutes=self.number(t, "standard_minutes", path, 10.0, 0.5) or 10.0,
                wait_alert_minutes=self.number(t, "wait_alert_minutes", path, 30.0, 0.05) or 30.0,
            )
        return out

    def hours(self, raw: Any, path: str) -> tuple[tuple[OpeningSpan, ...], str]:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise self.fail(path, 'must be a list like ["mon-fri 09:00-12:00"]')
        spans = []
        for text in raw:
            m = _HOURS_RE.match(text.strip().lower())
            if not m:
                raise self.fail(path, f'cannot read {text!r}; write it like "mon-fri 09:00-17:00"')
            d1, d2 = m["d1"] or "mon", m["d2"] or (m["d1"] or "sun")
            if d1 not in _DAYS or d2 not in _DAYS:
                raise self.fail(path, f"unknown weekday in {text!r} (use {', '.join(_DAYS)})")
            a, b = _DAYS.index(d1), _DAYS.index(d2)
            days = (
                frozenset(range(a, b + 1)) if a <= b else frozenset([*range(a, 7), *range(b + 1)])
            )
            start, end = self.clock(m["h1"], path, text), self.clock(m["h2"], path, text)
            if end <= start:
                raise self.fail(path, f"in {text!r} the end must come after the start")
            spans.append(OpeningSpan(days, start, end))
        return tuple(spans), ", ".join(raw)

    def clock(self, hhmm: str, path: str, text: str) -> time:
        hours, minutes = int(hhmm[:2]), int(hhmm[3:])
        if (hours, minutes) == (24, 0):
            return time.max
        if hours > 23 or minutes > 59:
            raise self.fail(path, f"{hhmm!r} in {text!r} is not a time of day")
        return time(hours, minutes)

    def windows(self, raw: Any, services: dict[str, Service]) -> dict[int, Window]:
        if not isinstance(raw, list) or not raw:
            raise self.fail("windows", "must be a non-empty list of [[windows]] tables")
        out: dict[int, Window] = {}
        for i, item in enumerate(raw):
            path = f"windows[{i}]"
            t = self.table(item, path, WINDOW_KEYS)
            number = t.get("number")
            if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 999:
                raise self.fail(f"{path}.number", f"must be a whole number 1-999, got {number!r}")
            if number in out:
                raise self.fail(f"{path}.number", f"duplicate window number {number}")
            served = t.get("services")
            if not isinstance(served, list) or not served:
                raise self.fail(f"{path}.services", "must list at least one service id")
            for sid in served:
                if sid not in services:
                    raise self.fail(f"{path}.services", f"unknown service {sid!r}")
            if len(set(served)) != len(served):
                raise self.fail(f"{path}.services", "lists a service twice")
            kind = self.text(t, "kind", path, "general")
            if kind not in ("general", "dedicated", "coordination"):
                raise self.fail(f"{path}.kind", "must be general, dedicated or coordination")
            name = self.text(t, "name", path, f"{number}号窗口")
            out[number] = Window(
                number=number,
                name=name,
                name_en=self.text(t, "name_en", path, f"Window {number}"),
                services=tuple(served),
                kind=kind,
            )
        return out
