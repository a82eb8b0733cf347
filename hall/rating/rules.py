"""好差评 rules: the five national levels, who may rate, one rating per service, default ratings."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

from hall.config import ConfigError
from hall.errors import DomainError
from hall.model import TicketStatus

if TYPE_CHECKING:
    from hall.config import HallConfig
    from hall.model import Ticket

DEFAULT_BAD_REASONS = ("办事效率低", "服务态度差", "办事指南不清晰", "多次跑动", "其他")
DAY_SECONDS = 86400


class Level(IntEnum):
    """The five levels of 国办发〔2019〕51号, 5 down to 1."""

    VERY_SATISFIED = 5
    SATISFIED = 4
    BASIC = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1

    @property
    def zh(self) -> str:
        return _LEVEL_ZH[self]

    @property
    def is_bad(self) -> bool:
        """不满意 and 非常不满意 are 差评; the other three are 好评."""
        return self <= Level.DISSATISFIED


_LEVEL_ZH = {
    Level.VERY_SATISFIED: "非常满意",
    Level.SATISFIED: "满意",
    Level.BASIC: "基本满意",
    Level.DISSATISFIED: "不满意",
    Level.VERY_DISSATISFIED: "非常不满意",
}


class Channel(StrEnum):
    PAD = "pad"  # the rating pad (评价器) of the window that served
    QR = "qr"  # the rating QR code on the visitor's slip, on their phone
    KIOSK = "kiosk"  # a kiosk where the visitor scans that same QR code
    PAPER = "paper"  # a paper form: not entered through HallCall (see authorize_rating)
    DEFAULT = "default"  # the system's default rating for a service left unrated

    @property
    def zh(self) -> str:
        return _CHANNEL_ZH[self]


_CHANNEL_ZH = {
    Channel.PAD: "窗口评价器",
    Channel.QR: "二维码",
    Channel.KIOSK: "自助终端",
    Channel.PAPER: "纸质评价表",
    Channel.DEFAULT: "系统默认评价",
}


@dataclass(frozen=True, slots=True)
class EvaluationSettings:
    """The hall file's [evaluation] section; every local rule is here, with its default."""

    bad_reasons: tuple[str, ...] = DEFAULT_BAD_REASONS
    other_reason: str = "其他"  # choosing it needs the reason written out
    comment_max_chars: int = 200
    default_after_days: int | None = None  # Guangdong: 7 (calendar days after finishing)
    default_level: Level = Level.BASIC
    callback_working_days: int = 1  # 回访 within
    fix_working_days: int = 5  # 整改 within; 5 to 15 by province
    pad_idle_seconds: int = 60  # an unanswered pad goes back to idle; the service stays unrated


EVALUATION_KEYS = frozenset(EvaluationSettings.__dataclass_fields__)  # what [evaluation] accepts


def evaluation_settings(
    section: Mapping[str, Any], source: str = "<hall file>"
) -> EvaluationSettings:
    """Read and check the hall file's [evaluation] section."""
    d = EvaluationSettings()

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{source}: evaluation.{key}: {problem}")

    def whole(key: str, default: int, low: int, high: int) -> int:
        value = section.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(key, f"must be a whole number {low}-{high}, got {value!r}")
        return value

    for key in section:
        if key not in EVALUATION_KEYS:
            raise fail(key, f"unknown key (expected one of: {', '.join(sorted(EVALUATION_KEYS))})")
    reasons = section.get("bad_reasons", list(d.bad_reasons))
    if (
        not isinstance(reasons, list)
        or not reasons
        or not all(isinstance(r, str) and r.strip() for r in reasons)
    ):
        raise fail("bad_reasons", "must be a non-empty list of texts")
    reasons = [r.strip() for r in reasons]
    other = section.get("other_reason", d.other_reason)
    if not isinstance(other, str) or (other.strip() and other.strip() not in reasons):
        raise fail("other_reason", "must be one of bad_reasons, or empty")
    # TOML has no null: 0 (or leaving the key out) turns default ratings off.
    after = whole("default_after_days", 0, 0, 90)
    return EvaluationSettings(
        bad_reasons=tuple(reasons),
        other_reason=other.strip(),
        comment_max_chars=whole("comment_max_chars", d.comment_max_chars, 1, 2000),
        default_after_days=after or None,
        # A default is never a bad review: there is nobody to call back.
        default_level=Level(whole("default_level", int(d.default_level), 3, 5)),
        callback_working_days=whole("callback_working_days", d.callback_working_days, 1, 30),
        fix_working_days=whole("fix_working_days", d.fix_working_days, 1, 30),
        pad_idle_seconds=whole("pad_idle_seconds", d.pad_idle_seconds, 10, 600),
    )


@dataclass(frozen=True, slots=True)
class ServedTicket:
    """A finished service, in plain values: what a rating is about."""

    ticket_id: int
    number: str
    service_id: str
    service_name: str
    department_id: str
    department_name: str
    window: int
    staff: str | None  # the username of who served, when known
    staff_name: str | None
    taken_at: float  # epoch seconds
    called_at: float
    started_at: float
    finished_at: float | None  # None: not finished (or a no-show), so not ratable
    token: str = ""  # the ticket's own unguessable token, printed in the slip's QR code
    applicant_name: str | None = None  # where the visitor gave a real name (appointments)
    applicant_id_number: str | None = None
    applicant_phone: str | None = None


@dataclass(frozen=True, slots=True)
class Rater:
    """Who is rating, as the server saw the request."""

    channel: Channel
    window: int | None = None  # channel pad: the window the pad belongs to
    token: str | None = None  # channel qr or kiosk: the token read from the slip's QR code
    staff_user: str | None = None  # a logged-in user sent this: staff never rate


@dataclass(frozen=True, slots=True)
class EvaluationRecord:
    """One rating, never edited: a correction is a new record pointing at the old one."""

    id: str
    ticket_id: int
    ticket_number: str
    service_id: str
    service_name: str
    department_id: str
    department_name: str
    window: int
    staff: str | None
    staff_name: str | None
    channel: Channel
    level: Level
    reason: str | None  # one of the settings' bad_reasons
    comment: str | None  # the visitor's own words
    taken_at: float
    called_at: float
    started_at: float
    finished_at: float
    rated_at: float
    wait_seconds: float  # taken -> called
    handling_seconds: float  # started -> finished
    corrects: str | None = None  # the id of the record this one corrects
    is_default: bool = False  # a system default, never shown as the visitor's own rating
    corrected_by: str | None = None
    correction_note: str | None = None
    applicant_name: str | None = None
    applicant_id_number: str | None = None
    applicant_phone: str | None = None

    @property
    def is_bad(self) -> bool:
        return self.level.is_bad

    @property
    def is_real_name(self) -> bool:
        """A real-name review: the hall can reach the visitor (every one is called back)."""
        return bool(self.applicant_phone or self.applicant_id_number)


def new_record_id() -> str:
    """Globally unique, so records from many halls meet on one provincial platform."""
    return uuid.uuid4().hex


def authorize_rating(served: ServedTicket, rater: Rater) -> None:
    """Only the pad of the window that served, or the holder of the ticket's QR code."""
    if rater.staff_user is not None:
        raise DomainError("rating_by_staff")
    if rater.channel is Channel.PAD:
        if rater.window != served.window:
            raise DomainError(
                "rating_wrong_window",
                window=rater.window,
                served_window=served.window,
                ticket=served.number,
            )
    elif rater.channel in (Channel.QR, Channel.KIOSK):
        given, own = (rater.token or "").encode(), served.token.encode()
        if not own or not hmac.compare_digest(given, own):
            raise DomainError("rating_bad_token", ticket=served.number)
    else:
        # Paper forms are typed in by someone else, and defaults come from the system only.
        raise DomainError(
            "rating_channel_refused", channel=rater.channel.value, channel_zh=rater.channel.zh
        )


def check_not_rated(served: ServedTicket, existing: Iterable[EvaluationRecord]) -> None:
    """一次一评: a served ticket has one rating, its own or the system's default."""
    if served.finished_at is None:
        raise DomainError("rating_not_served", ticket=served.number)
    if any(r.ticket_id == served.ticket_id for r in existing):
        raise DomainError("rating_already_given", ticket=served.number)


def validate_rating(
    level: object, reason: str | None, comment: str | None, settings: EvaluationSettings
) -> tuple[Level, str | None, str | None]:
    """The level, the chosen reason and the comment, checked and tidied."""
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise DomainError("rating_level_invalid", level=level)
    lv = Level(level)
    reason = (reason or "").strip() or None
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > settings.comment_max_chars:
        raise DomainError(
            "rating_comment_too_long", limit=settings.comment_max_chars, length=len(comment)
        )
    names = {"level": lv.name.lower().replace("_", " "), "level_zh": lv.zh}
    if not lv.is_bad:
        if reason is not None:
            raise DomainError("rating_reason_for_good", **names)
        return lv, None, comment
    if reason is None and comment is None:
        raise DomainError("rating_reason_required", **names)
    if reason is not None and reason not in settings.bad_reasons:
        raise DomainError(
            "rating_reason_unknown", reason=reason, choices="、".join(settings.bad_reasons)
        )
    if reason is not None and reason == settings.other_reason and comment is None:
        raise DomainError("rating_comment_required", reason=reason)
    return lv, reason, comment


def rate(
    served: ServedTicket,
    rater: Rater,
    level: object,
    *,
    reason: str | None = None,
    comment: str | None = None,
    existing: Sequence[EvaluationRecord],
    settings: EvaluationSettings,
    now: float,
    record_id: str | None = None,
) -> EvaluationRecord:
    """A visitor's rating of a served ticket, or DomainError: staff never; then a service not
    finished yet (a pad has no window to match it against); then who; then once; then what.

    `existing` holds the records already stored for this ticket.
    """
    if rater.staff_user is None and served.finished_at is None:
        raise DomainError("rating_not_served", ticket=served.number)
    authorize_rating(served, rater)
    check_not_rated(served, existing)
    lv, reason, comment = validate_rating(level, reason, comment, settings)
    return _record(served, record_id or new_record_id(), rater.channel, lv, reason, comment, now)


def served_ticket(ticket: Ticket, config: HallConfig, staff_name: str | None) -> ServedTicket:
    """What a rating needs to know of a ticket; only a finished one (not a no-show) is ratable."""
    service = config.services[ticket.service]
    department = config.department_of(ticket.service)
    return ServedTicket(
        ticket_id=ticket.id,
        number=ticket.number,
        service_id=service.id,
        service_name=service.name,
        department_id=department.id,
        department_name=department.name,
        window=ticket.window or 0,
        staff=ticket.staff,
        staff_name=staff_name,
        taken_at=ticket.taken_at,
        called_at=ticket.called_at or ticket.taken_at,
        started_at=ticket.started_at or ticket.called_at or ticket.taken_at,
        finished_at=ticket.finished_at if ticket.status is TicketStatus.DONE else None,
        token=ticket.token,
    )


def _record(
    s: ServedTicket,
    record_id: str,
    channel: Channel,
    level: Level,
    reason: str | None,
    comment: str | None,
    now: float,
) -> EvaluationRecord:
    assert s.finished_at is not None
    return EvaluationRecord(
        id=record_id,
        ticket_id=s.ticket_id,
        ticket_number=s.number,
        service_id=s.service_id,
        service_name=s.service_name,
        department_id=s.department_id,
        department_name=s.department_name,
        window=s.window,
        staff=s.staff,
        staff_name=s.staff_name,
        channel=channel,
        level=level,
        reason=reason,
        comment=comment,
        taken_at=s.taken_at,
        called_at=s.called_at,
        started_at=s.started_at,
        finished_at=s.finished_at,
        rated_at=now,
        wait_seconds=max(0.0, s.called_at - s.taken_at),
        handling_seconds=max(0.0, s.finished_at - s.started_at),
        is_default=channel is Channel.DEFAULT,
        applicant_name=s.applicant_name,
        applicant_id_number=s.applicant_id_number,
        applicant_phone=s.applicant_phone,
    )


def default_ratings(
    unrated: Iterable[ServedTicket],
    settings: EvaluationSettings,
    now: float,
    new_id: Callable[[], str] = new_record_id,
) -> list[EvaluationRecord]:
    """System default ratings for services left unrated past the set days (off by default).

    `unrated` holds served tickets with no record yet; those still inside the period wait.
    """
    if settings.default_after_days is None:
        return []
    cutoff = now - settings.default_after_days * DAY_SECONDS
    return [
        _record(s, new_id(), Channel.DEFAULT, settings.default_level, None, None, now)
        for s in unrated
        if s.finished_at is not None and s.finished_at <= cutoff
    ]


def needs_work_order(record: EvaluationRecord) -> bool:
    """Each visitor's bad review opens one work order; a correction keeps the original's."""
    return record.is_bad and not record.is_default and record.corrects is None


def correct(
    original: EvaluationRecord,
    *,
    existing: Iterable[EvaluationRecord],
    by: str,
    note: str,
    now: float,
    service: tuple[str, str] | None = None,
    department: tuple[str, str] | None = None,
    window: int | None = None,
    staff: tuple[str, str] | None = None,
    record_id: str | None = None,
) -> EvaluationRecord:
    """A new record fixing who or what a rating is attributed to; the rating itself stays.

    Nobody may change a visitor's level, reason or words, so only attribution is corrected:
    service (id, name), department (id, name), window, staff (username, name).
    """
    if any(r.corrects == original.id for r in existing):
        raise DomainError("correction_superseded", record=original.id)
    note = note.strip()
    fixed = original
    if service is not None:
        fixed = replace(fixed, service_id=service[0], service_name=service[1])
    if department is not None:
        fixed = replace(fixed, department_id=department[0], department_name=department[1])
    if window is not None:
        fixed = replace(fixed, window=window)
    if staff is not None:
        fixed = replace(fixed, staff=staff[0], staff_name=staff[1])
    if not note or fixed == original:  # nothing to correct
        raise DomainError("correction_invalid")
    return replace(
        fixed,
        id=record_id or new_record_id(),
        corrects=original.id,
        corrected_by=by,
        correction_note=note,
    )


def effective(records: Iterable[EvaluationRecord]) -> list[EvaluationRecord]:
    """The records that count: each correction replaces the record it corrects."""
    records = list(records)
    replaced = {r.corrects for r in records if r.corrects is not None}
    return [r for r in records if r.id not in replaced]
