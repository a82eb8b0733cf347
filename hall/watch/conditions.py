"""Alert rules: which conditions in the hall need a manager now. Pure: the queue, today's
figures and the time in; a list of conditions out, each with a stable key so the same
condition is raised once and resolved when it clears."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from hall.config import HallConfig
from hall.model import TicketStatus
from hall.payloads import AlertFigures
from hall.queue import Queue


class AlertKind(StrEnum):
    LONG_WAIT = "long_wait"  # 超时预警: a ticket waiting past its service's threshold
    SLOW_SERVICE = "slow_service"  # a service taking far longer than its standard time
    WINDOW_IDLE = "window_idle"  # idle too long while people wait for its services
    WINDOW_PAUSED = "window_paused"  # paused too long while people wait for its services
    LONG_QUEUE = "long_queue"  # a service's queue passes a length
    PRINTER = "printer"
    BAD_REVIEW = "bad_review"
    HELP_CALL = "help_call"
    WORK_ORDER_OVERDUE = "work_order_overdue"

    @property
    def zh(self) -> str:
        return _KIND_ZH[self]


_KIND_ZH = {
    AlertKind.LONG_WAIT: "等候超时",
    AlertKind.SLOW_SERVICE: "办理超时",
    AlertKind.WINDOW_IDLE: "窗口空闲",
    AlertKind.WINDOW_PAUSED: "窗口暂停过久",
    AlertKind.LONG_QUEUE: "排队过长",
    AlertKind.PRINTER: "打印机故障",
    AlertKind.BAD_REVIEW: "差评",
    AlertKind.HELP_CALL: "呼叫帮办",
    AlertKind.WORK_ORDER_OVERDUE: "工单逾期",
}


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """The hall file's [alerts]; no national limits exist, so each is the hall's to set.
    The long-wait threshold is per service (services[].wait_alert_minutes)."""

    queue_length: int = 30
    idle_minutes: float = 10.0
    paused_minutes: float = 30.0
    slow_factor: float = 2.0  # serving longer than this many times the standard time
    check_seconds: float = 5.0


ALERT_KEYS = frozenset(AlertSettings.__dataclass_fields__)  # the keys [alerts] accepts


def alert_settings(section: Mapping[str, object]) -> AlertSettings:
    """Read [alerts]; ValueError names the key."""
    d = AlertSettings()
    for key in section:
        if key not in ALERT_KEYS:
            raise ValueError(f"alerts.{key}: unknown key (expected one of {sorted(ALERT_KEYS)})")

    def positive(key: str) -> float:
        value = section.get(key, getattr(d, key))
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"alerts.{key}: must be a positive number, got {value!r}")
        return float(value)

    return AlertSettings(
        queue_length=int(positive("queue_length")),
        idle_minutes=positive("idle_minutes"),
        paused_minutes=positive("paused_minutes"),
        slow_factor=positive("slow_factor"),
        check_seconds=positive("check_seconds"),
    )


@dataclass(frozen=True, slots=True)
class Condition:
    key: str  # stable while the condition lasts: "long_wait:ticket:42"
    kind: AlertKind
    message: str  # Chinese, for the dashboard; the data carries the figures for any language
    data: AlertFigures


def queue_conditions(
    queue: Queue, config: HallConfig, settings: AlertSettings, now: float
) -> list[Condition]:
    """What the queue itself shows: long waits, slow services, idle or paused windows, long
    queues."""
    found: list[Condition] = []
    waiting_by_service = queue.waiting_counts()
    for t in queue.tickets.values():
        service = config.services[t.service]
        if t.status is TicketStatus.WAITING:
            minutes = (now - t.queued_at) / 60
            if minutes >= service.wait_alert_minutes:
                found.append(
                    Condition(
                        f"long_wait:ticket:{t.id}",
                        AlertKind.LONG_WAIT,
                        f"{t.number}（{service.name}）已等候 {minutes:.0f} 分钟",
                        {
                            "ticket": t.id,
                            "number": t.number,
                            "service": t.service,
                            "minutes": round(minutes),
                        },
                    )
                )
        elif t.status is TicketStatus.SERVING and t.started_at is not None:
            minutes = (now - t.started_at) / 60
            if minutes >= service.standard_minutes * settings.slow_factor:
                found.append(
                    Condition(
                        f"slow_service:ticket:{t.id}",
                        AlertKind.SLOW_SERVICE,
                        f"{t.window} 号窗口办理 {t.number} 已 {minutes:.0f} 分钟"
                        f"（标准 {service.standard_minutes:g} 分钟）",
                        {
                            "ticket": t.id,
                            "number": t.number,
                            "window": t.window,
                            "minutes": round(minutes),
                        },
                    )
                )
    for number, w in queue.windows.items():
        people = sum(waiting_by_service[s] for s in config.windows[number].services)
        if people == 0 or w.staff is None:
            continue
        if w.paused and w.paused_at is not None:
            minutes = (now - w.paused_at) / 60
            if minutes >= settings.paused_minutes:
                found.append(
                    Condition(
                        f"window_paused:{number}:{w.paused_at:.0f}",
                        AlertKind.WINDOW_PAUSED,
                        f"{number} 号窗口暂停（{w.pause_reason}）已 {minutes:.0f} 分钟，"
                        f"{people} 人在等候",
                        {"window": number, "minutes": round(minutes), "waiting": people},
                    )
                )
        elif w.current is None and w.idle_since is not None:
            minutes = (now - w.idle_since) / 60
            if minutes >= settings.idle_minutes:
                found.append(
                    Condition(
                        f"window_idle:{number}:{w.idle_since:.0f}",
                        AlertKind.WINDOW_IDLE,
                        f"{number} 号窗口已空闲 {minutes:.0f} 分钟，{people} 人在等候",
                        {"window": number, "minutes": round(minutes), "waiting": people},
                    )
                )
    for sid, waiting in waiting_by_service.items():
        if waiting >= settings.queue_length:
            found.append(
                Condition(
                    f"long_queue:{sid}",
                    AlertKind.LONG_QUEUE,
                    f"{config.services[sid].name}排队 {waiting} 人",
                    {"service": sid, "waiting": waiting},
                )
            )
    return found
