"""好差评 figures by day, window, staff, service or department, and their exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from hall.rating.rules import EvaluationRecord, Level, ServedTicket, effective
from hall.rating.work_orders import WorkOrder


class GroupBy(StrEnum):
    HALL = "hall"
    DAY = "day"  # the day the service finished, in the hall's time zone
    WINDOW = "window"
    STAFF = "staff"
    SERVICE = "service"
    DEPARTMENT = "department"


@dataclass(frozen=True, slots=True)
class Figures:
    """The counts of one group and the rates managers are judged by (None: nothing to rate)."""

    key: str
    label: str
    served: int  # finished services
    unrated: int  # of those, no rating from the visitor (a system default is no rating)
    own: int  # ratings the visitors gave, counted in the figures
    defaults: int  # system default ratings
    levels: tuple[int, int, int, int, int]  # counts of levels 1..5, defaults included
    own_good: int
    bad: int  # visitors' bad reviews
    bad_called_back: int
    bad_rectified: int
    handling_asked: int  # visitors who said how satisfied they are with the handling
    handling_satisfied: int  # 满意 or 基本满意

    @property
    def total(self) -> int:
        return self.own + self.defaults

    @property
    def good(self) -> int:
        return sum(self.levels[Level.BASIC - 1 :])

    @property
    def good_rate(self) -> float | None:
        """好评率: (非常满意 + 满意 + 基本满意) / all ratings counted, defaults included."""
        return _rate(self.good, self.total)

    @property
    def own_good_rate(self) -> float | None:
        """主动评价好评率: the same among the ratings visitors gave themselves."""
        return _rate(self.own_good, self.own)

    @property
    def unrated_rate(self) -> float | None:
        """未评率: served without a rating of the visitor's own / served."""
        return _rate(self.unrated, self.served)

    @property
    def bad_reply_rate(self) -> float | None:
        """差评回复率: bad reviews called back / bad reviews."""
        return _rate(self.bad_called_back, self.bad)

    @property
    def rectify_rate(self) -> float | None:
        """回访整改率: bad reviews rectified or explained / bad reviews."""
        return _rate(self.bad_rectified, self.bad)

    @property
    def handling_satisfaction_rate(self) -> float | None:
        """回访整改满意率: satisfied or basically satisfied with the handling / those asked."""
        return _rate(self.handling_satisfied, self.handling_asked)

    @property
    def score(self) -> float | None:
        """满意度得分 on 10 points: the mean level mapped linearly, 1 -> 0 and 5 -> 10."""
        if not self.total:
            return None
        mean = sum(n * lv for lv, n in enumerate(self.levels, start=1)) / self.total
        return (mean - 1) * 2.5


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(slots=True)
class _Tally:
    label: str
    served: int = 0
    unrated: int = 0
    own: int = 0
    defaults: int = 0
    levels: list[int] = field(default_factory=lambda: [0] * 5)
    own_good: int = 0
    bad: int = 0
    bad_called_back: int = 0
    bad_rectified: int = 0
    handling_asked: int = 0
    handling_satisfied: int = 0

    def figures(self, key: str) -> Figures:
        lv = self.levels
        return Figures(
            key, self.label, self.served, self.unrated, self.own, self.defaults,
            (lv[0], lv[1], lv[2], lv[3], lv[4]), self.own_good, self.bad, self.bad_called_back,
            self.bad_rectified, self.handling_asked, self.handling_satisfied,
        )  # fmt: skip


_Row = EvaluationRecord | ServedTicket


def _grouper(by: GroupBy, tz: tzinfo) -> Callable[[_Row], tuple[str, str]]:
    """The group key and label of a record or a served ticket."""
    days: dict[int, str] = {}  # services finish in bursts: convert each minute only once

    def day(row: _Row) -> tuple[str, str]:
        minute = int(row.finished_at or 0) // 60
        if minute not in days:
            days[minute] = datetime.fromtimestamp(minute * 60, tz).date().isoformat()
        return days[minute], days[minute]

    if by is GroupBy.DAY:
        return day
    if by is GroupBy.WINDOW:
        return lambda r: (str(r.window), f"{r.window}号窗口")
    if by is GroupBy.STAFF:
        return lambda r: (r.staff or "", r.staff_name or r.staff or "（未登记）")
    if by is GroupBy.SERVICE:
        return lambda r: (r.service_id, r.service_name)
    if by is GroupBy.DEPARTMENT:
        return lambda r: (r.department_id, r.department_name)
    return lambda r: ("all", "全部")


def figures(
    records: Iterable[EvaluationRecord],
    served: Iterable[ServedTicket],
    orders: Iterable[WorkOrder],
    by: GroupBy,
    tz: tzinfo,
) -> list[Figures]:
    """The figures of each group, from the records (corrections included), the services
    finished in the same period and the work orders of their bad reviews.

    A correction replaces what it corrects; a review whose appeal was accepted is left out
    of every figure, though its ticket still counts as rated.
    """
    records = list(records)
    ticket_of = {r.id: r.ticket_id for r in records}
    order_of = {ticket_of[o.evaluation_id]: o for o in orders if o.evaluation_id in ticket_of}
    own_rated = {r.ticket_id for r in records if not r.is_default}
    key_of = _grouper(by, tz)
    tallies: dict[str, _Tally] = {}

    def tally(row: _Row) -> _Tally:
        key, label = key_of(row)
        found = tallies.get(key)
        if found is None:
            found = tallies[key] = _Tally(label)
        return found

    for s in served:
        if s.finished_at is None:
            continue
        t = tally(s)
        t.served += 1
        t.unrated += s.ticket_id not in own_rated
    for r in effective(records):
        order = order_of.get(r.ticket_id)
        if order is not None and order.excluded:
            continue
        t = tally(r)
        t.levels[r.level - 1] += 1
        if r.is_default:
            t.defaults += 1
            continue
        t.own += 1
        t.own_good += not r.is_bad
        if r.is_bad:
            t.bad += 1
            if order is not None:
                t.bad_called_back += order.called_back
                t.bad_rectified += order.rectified
                if order.satisfaction is not None:
                    t.handling_asked += 1
                    t.handling_satisfied += order.satisfaction.is_satisfied
    keys = sorted(tallies, key=lambda k: (int(k) if by is GroupBy.WINDOW else 0, k))
    return [tallies[k].figures(k) for k in keys]


# -- masking --------------------------------------------------------------------------------


def mask_name(name: str | None) -> str | None:
    """张三 -> 张*: the family name stays, so a caller can address the visitor."""
    return None if not name else name[0] + "*" * (len(name) - 1)


def mask_id_number(number: str | None) -> str | None:
    """110101199003071234 -> 110***********1234 (the region's first digits and the last 4)."""
    if not number:
        return None
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str | None) -> str | None:
    """13812345678 -> 138****5678."""
    if not phone:
        return None
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


# -- tables: CSV and XLSX -------------------------------------------------------------------


class Percent(float):
    """A rate shown as a percentage in both formats."""


def _local(ts: float, tz: tzinfo) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M:%S")


def _pct(x: float | None) -> Percent | str:
    return "" if x is None else Percent(x)


_RecordColumn = tuple[str, Callable[[EvaluationRecord, tzinfo], Any]]
# One line per column, the header beside its value; identities are masked.
RECORD_COLUMNS: tuple[_RecordColumn, ...] = (
    ("评价编号", lambda r, tz: r.id),
    ("更正的评价", lambda r, tz: r.corrects or ""),
    ("号码", lambda r, tz: r.ticket_number),
    ("事项编码", lambda r, tz: r.service_id),
    ("事项名称", lambda r, tz: r.service_name),
    ("部门编码", lambda r, tz: r.department_id),
    ("部门", lambda r, tz: r.department_name),
    ("窗口", lambda r, tz: r.window),
    ("工作人员账号", lambda r, tz: r.staff or ""),
    ("工作人员", lambda r, tz: r.staff_name or ""),
    ("评价渠道", lambda r, tz: r.channel.zh),
    ("评价等级", lambda r, tz: int(r.level)),
    ("等级名称", lambda r, tz: r.level.zh),
    ("差评原因", lambda r, tz: r.reason or ""),
    ("评价内容", lambda r, tz: r.comment or ""),
    ("系统默认评价", lambda r, tz: "是" if r.is_default else "否"),
    ("取号时间", lambda r, tz: _local(r.taken_at, tz)),
    ("叫号时间", lambda r, tz: _local(r.called_at, tz)),
    ("开始办理时间", lambda r, tz: _local(r.started_at, tz)),
    ("办结时间", lambda r, tz: _local(r.finished_at, tz)),
    ("评价时间", lambda r, tz: _local(r.rated_at, tz)),
    ("等候秒数", lambda r, tz: round(r.wait_seconds)),
    ("办理秒数", lambda r, tz: round(r.handling_seconds)),
    ("申请人", lambda r, tz: mask_name(r.applicant_name) or ""),
    ("证件号码", lambda r, tz: mask_id_number(r.applicant_id_number) or ""),
    ("联系电话", lambda r, tz: mask_phone(r.applicant_phone) or ""),
)
FIGURE_COLUMNS: tuple[tuple[str, Callable[[Figures], Any]], ...] = (
    ("分组", lambda f: f.key),
    ("名称", lambda f: f.label),
    ("办件量", lambda f: f.served),
    ("评价数", lambda f: f.total),
    ("主动评价数", lambda f: f.own),
    ("默认评价数", lambda f: f.defaults),
    ("未评数", lambda f: f.unrated),
    *((lv.zh, lambda f, i=int(lv) - 1: f.levels[i]) for lv in sorted(Level)),
    ("好评率", lambda f: _pct(f.good_rate)),
    ("主动评价好评率", lambda f: _pct(f.own_good_rate)),
    ("未评率", lambda f: _pct(f.unrated_rate)),
    ("差评数", lambda f: f.bad),
    ("差评回复率", lambda f: _pct(f.bad_reply_rate)),
    ("回访整改率", lambda f: _pct(f.rectify_rate)),
    ("回访整改满意率", lambda f: _pct(f.handling_satisfaction_rate)),
    ("满意度得分", lambda f: "" if f.score is None else round(f.score, 2)),
)


def record_rows(records: Iterable[EvaluationRecord], tz: tzinfo) -> list[list[Any]]:
    return [[get(r, tz) for _, get in RECORD_COLUMNS] for r in records]


def figure_rows(groups: Iterable[Figures]) -> list[list[Any]]:
    return [[get(f) for _, get in FIGURE_COLUMNS] for f in groups]


def _safe(value: Any) -> Any:
    """Visitors type comments: CSV text that a spreadsheet would run as a formula stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([f"{v * 100:.2f}%" if isinstance(v, Percent) else _safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    wb = Workbook(write_only=True)  # streams rows: a year of records fits in little memory
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    ws.append(list(header))
    for row in rows:
        ws.append([_xlsx_cell(ws, v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_cell(ws: Any, value: Any) -> Any:
    if isinstance(value, Percent):
        cell = WriteOnlyCell(ws, value=float(value))
        cell.number_format = "0.00%"
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # a visitor's "=..." is text, never a formula
        return cell
    return value


_RECORD_HEADER = [h for h, _ in RECORD_COLUMNS]
_FIGURE_HEADER = [h for h, _ in FIGURE_COLUMNS]


def records_csv(records: Iterable[EvaluationRecord], tz: tzinfo) -> bytes:
    return to_csv(_RECORD_HEADER, record_rows(records, tz))


def records_xlsx(records: Iterable[EvaluationRecord], tz: tzinfo) -> bytes:
    return to_xlsx("评价记录", _RECORD_HEADER, record_rows(records, tz))


def figures_csv(groups: Iterable[Figures]) -> bytes:
    return to_csv(_FIGURE_HEADER, figure_rows(groups))


def figures_xlsx(groups: Iterable[Figures]) -> bytes:
    return to_xlsx("好差评统计", _FIGURE_HEADER, figure_rows(groups))


# -- forwarding to a provincial platform ----------------------------------------------------


class ProvinceAdapter(Protocol):
    """One province's interface, versioned. A new province is one file with one such class."""

    name: str
    version: str

    def export(self, records: Sequence[EvaluationRecord]) -> bytes: ...


class GenericV1:
    """generic-v1: every record as JSON, identities masked (layout in docs/evaluation.md)."""

    name = "generic-v1"
    version = "1"

    def __init__(self, hall_code: str, hall_name: str, tz: tzinfo) -> None:
        self.hall_code = hall_code
        self.hall_name = hall_name
        self.tz = tz

    def export(self, records: Sequence[EvaluationRecord]) -> bytes:
        body = {
            "format": "hallcall-evaluations",
            "adapter": self.name,
            "version": self.version,
            "hall": {"code": self.hall_code, "name": self.hall_name},
            "count": len(records),
            "records": [self._record(r) for r in records],
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def _record(self, r: EvaluationRecord) -> dict[str, Any]:
        def when(ts: float) -> str:
            return datetime.fromtimestamp(ts, self.tz).isoformat(timespec="seconds")

        applicant = None
        if r.applicant_name or r.applicant_id_number or r.applicant_phone:
            applicant = {
                "name": mask_name(r.applicant_name),
                "id_number": mask_id_number(r.applicant_id_number),
                "phone": mask_phone(r.applicant_phone),
            }
        return {
            "id": r.id,
            "corrects": r.corrects,
            "ticket": {"id": r.ticket_id, "number": r.ticket_number},
            "matter": {"code": r.service_id, "name": r.service_name},
            "department": {"code": r.department_id, "name": r.department_name},
            "window": r.window,
            "staff": {"id": r.staff, "name": r.staff_name},
            "channel": r.channel.value,
            "level": int(r.level),
            "level_name": r.level.zh,
            "bad": r.is_bad,
            "reason": r.reason,
            "comment": r.comment,
            "default": r.is_default,
            "times": {
                "taken": when(r.taken_at),
                "called": when(r.called_at),
                "started": when(r.started_at),
                "finished": when(r.finished_at),
                "rated": when(r.rated_at),
            },
            "wait_seconds": round(r.wait_seconds),
            "handling_seconds": round(r.handling_seconds),
            "applicant": applicant,
        }


# The provinces' adapters by name: add a province's class here, one line per version.
ADAPTERS: dict[str, Callable[[str, str, tzinfo], ProvinceAdapter]] = {"generic-v1": GenericV1}


def province_adapter(name: str, hall_code: str, hall_name: str, tz: tzinfo) -> ProvinceAdapter:
    try:
        make = ADAPTERS[name]
    except KeyError:
        raise ValueError(
            f"no province adapter {name!r} (known: {', '.join(sorted(ADAPTERS))})"
        ) from None
    return make(hall_code, hall_name, tz)
