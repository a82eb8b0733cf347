"""The 好差评 figures of a small seeded day, worked out by hand, and their exports."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from hall.rating import work_orders as wo
from hall.rating.report import (
    Figures,
    GroupBy,
    figures,
    figures_csv,
    figures_xlsx,
    mask_id_number,
    mask_name,
    mask_phone,
    province_adapter,
    records_csv,
    records_xlsx,
)
from hall.rating.rules import (
    Channel,
    EvaluationRecord,
    EvaluationSettings,
    Rater,
    ServedTicket,
    correct,
    default_ratings,
    rate,
)
from hall.rating.work_orders import AppealGround, ContactResult, HandlingSatisfaction, WorkOrder

TZ = ZoneInfo("Asia/Shanghai")
SETTINGS = EvaluationSettings(default_after_days=7)


def at(hh: int, mm: int = 0, day: int = 8) -> float:
    return datetime(2026, 10, day, hh, mm, tzinfo=TZ).timestamp()


def ticket(number: str, minute: int) -> ServedTicket:
    """Thursday 8 October 2026: A tickets at window 1 (李明), B tickets at window 2 (赵丽)."""
    a = number[0] == "A"
    start = at(9, minute) if number != "A001" else at(7, 40)  # A001: the early-hours desk
    return ServedTicket(
        ticket_id=int(number[1:]) + (0 if a else 100),
        number=number,
        service_id="business" if a else "social",
        service_name="商事登记" if a else "社保医保业务",
        department_id="market" if a else "social",
        department_name="市场监管" if a else "社保医保",
        window=1 if a else 2,
        staff="li" if a else "zhao",
        staff_name="李明" if a else "赵丽",
        taken_at=start - 600,
        called_at=start - 60,
        started_at=start,
        finished_at=start + 900,
    )


SERVED = [ticket(f"{p}00{n}", 10 * n) for p in "AB" for n in range(1, 6)]
T = {s.number: s for s in SERVED}


def by_pad(number: str, level: int, reason: str | None = None) -> EvaluationRecord:
    s = T[number]
    return rate(
        s,
        Rater(Channel.PAD, window=s.window),
        level,
        reason=reason,
        existing=[],
        settings=SETTINGS,
        now=(s.finished_at or 0) + 30,
        record_id=f"e-{number}",
    )


def seeded_day() -> tuple[list[EvaluationRecord], list[WorkOrder]]:
    """Ten services; A004 is never rated and B004 gets the default a week later."""
    b001_wrong = replace(by_pad("B001", 5), staff="li", staff_name="李明")
    b001 = correct(
        b001_wrong, existing=[], by="boss", note="评价器串号", now=at(18), staff=("zhao", "赵丽")
    )
    records = [
        by_pad("A001", 5),
        by_pad("A002", 4),
        by_pad("A003", 2, "办事效率低"),  # called back, fixed, told, satisfied
        by_pad("A005", 1, "服务态度差"),  # nobody has called back yet
        b001_wrong,
        b001,
        by_pad("B002", 3),
        by_pad("B003", 2, "多次跑动"),  # appealed as malicious, appeal accepted
        by_pad("B005", 1, "办事指南不清晰"),  # called back, explained, told, dissatisfied
        *default_ratings([T["B004"]], SETTINGS, now=at(10, day=15), new_id=lambda: "e-B004"),
    ]
    r = {rec.ticket_number: rec for rec in records if rec.corrects is None}

    def order(number: str, n: int) -> WorkOrder:
        return wo.open_work_order(r[number], n, ("boss",), SETTINGS, TZ, at(12))

    a003 = wo.call_back(order("A003", 1), "boss", at(14), ContactResult.REACHED)
    a003 = wo.fix_now(a003, "li", at(14, 30), "当场补办营业执照")
    a003 = wo.tell_visitor(a003, "boss", at(15))
    a003 = wo.record_satisfaction(a003, "boss", at(15), HandlingSatisfaction.SATISFIED)
    a003 = wo.close(a003, "boss", at(15, 5))
    a005 = order("A005", 2)
    b003 = wo.appeal(order("B003", 3), "zhao", at(13), AppealGround.MALICIOUS, "同一人连续差评")
    b003 = wo.review_appeal(b003, "boss", at(16), True, "核实属实")
    b005 = wo.call_back(order("B005", 4), "boss", at(14), ContactResult.REACHED)
    b005 = wo.explain(b005, "zhao", at(14, 20), "该事项须本人到场，已解释政策")
    b005 = wo.tell_visitor(b005, "boss", at(14, 30))
    b005 = wo.record_satisfaction(b005, "boss", at(14, 30), HandlingSatisfaction.DISSATISFIED)
    return records, [a003, a005, b003, b005]


def day_figures(by: GroupBy) -> list[Figures]:
    records, orders = seeded_day()
    return figures(records, SERVED, orders, by, TZ)


def test_the_halls_day_worked_out_by_hand() -> None:
    [f] = day_figures(GroupBy.HALL)
    assert (f.served, f.own, f.defaults, f.total, f.unrated) == (10, 7, 1, 8, 2)
    # B003 is out (appeal accepted); B001 counts once, as corrected.
    assert f.levels == (
        2,
        1,
        2,
        1,
        2,
    )  # levels 1..5: A005 B005 | A003 | B002 B004 | A002 | A001 B001
    assert f.good_rate == 5 / 8  # 好评率: 基本满意 and up, the default included
    assert f.own_good_rate == 4 / 7  # 主动评价好评率: A001 A002 B001 B002 of the 7 own
    assert f.unrated_rate == 2 / 10  # 未评率: A004, and B004 which only has a default
    assert f.bad == 3  # A003 A005 B005
    assert f.bad_reply_rate == 2 / 3  # 差评回复率: A003 and B005 called back
    assert f.rectify_rate == 2 / 3  # 回访整改率: A003 fixed, B005 explained
    assert f.handling_satisfaction_rate == 1 / 2  # 回访整改满意率: A003 yes, B005 no
    assert f.score == 5.0  # mean level 24 / 8 = 3.0 -> (3 - 1) * 2.5


def test_by_staff_the_correction_moves_b001_to_zhao() -> None:
    li, zhao = day_figures(GroupBy.STAFF)
    assert (li.key, li.label, zhao.label) == ("li", "李明", "赵丽")
    assert (li.served, li.own, li.defaults, li.levels) == (5, 4, 0, (1, 1, 0, 1, 1))
    assert (li.good_rate, li.own_good_rate, li.unrated_rate) == (0.5, 0.5, 0.2)
    assert (li.bad, li.bad_reply_rate, li.rectify_rate, li.handling_satisfaction_rate) == (
        2,
        0.5,
        0.5,
        1.0,
    )
    assert (zhao.served, zhao.own, zhao.defaults, zhao.levels) == (5, 3, 1, (1, 0, 2, 0, 1))
    assert (zhao.good_rate, zhao.own_good_rate, zhao.unrated_rate) == (0.75, 2 / 3, 0.2)
    assert (zhao.bad, zhao.bad_reply_rate, zhao.rectify_rate) == (1, 1.0, 1.0)
    assert zhao.handling_satisfaction_rate == 0.0
    assert li.score == zhao.score == 5.0


def test_by_window_service_department_and_day() -> None:
    w1, w2 = day_figures(GroupBy.WINDOW)
    assert (w1.label, w1.total, w2.label, w2.total) == ("1号窗口", 4, "2号窗口", 4)
    assert [f.label for f in day_figures(GroupBy.SERVICE)] == ["商事登记", "社保医保业务"]
    assert [f.label for f in day_figures(GroupBy.DEPARTMENT)] == ["市场监管", "社保医保"]
    # A001 finished at 07:55 in Beijing, still 7 October in UTC: days are the hall's days.
    [day] = day_figures(GroupBy.DAY)
    assert (day.key, day.served, day.total) == ("2026-10-08", 10, 8)


def test_nothing_to_rate_gives_no_rate_rather_than_zero() -> None:
    [f] = figures([], SERVED[:1], [], GroupBy.HALL, TZ)
    assert (f.served, f.unrated_rate, f.good_rate, f.bad_reply_rate, f.score) == (
        1,
        1.0,
        None,
        None,
        None,
    )


def test_identities_are_masked() -> None:
    assert mask_id_number("110101199003071234") == "110***********1234"
    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧***"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name(None) is None and mask_id_number("12345") == "*****"


def with_applicant(r: EvaluationRecord) -> EvaluationRecord:
    return replace(
        r,
        applicant_name="张三",
        applicant_id_number="110101199003071234",
        applicant_phone="13812345678",
        comment='=HYPERLINK("http://x")',
    )


def test_records_csv_opens_in_excel_masked_and_formula_free() -> None:
    records, _ = seeded_day()
    data = records_csv([with_applicant(records[0]), *records[1:]], TZ)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(records)
    first = rows[0]
    assert (first["号码"], first["等级名称"], first["评价渠道"]) == (
        "A001",
        "非常满意",
        "窗口评价器",
    )
    assert (first["申请人"], first["证件号码"], first["联系电话"]) == (
        "张*",
        "110***********1234",
        "138****5678",
    )
    assert first["评价内容"].startswith("'=")
    assert first["办结时间"] == "2026-10-08 07:55:00"
    assert [r["系统默认评价"] for r in rows].count("是") == 1


def test_figures_csv_and_xlsx_show_rates_as_percentages() -> None:
    groups = day_figures(GroupBy.STAFF)
    rows = list(csv.DictReader(io.StringIO(figures_csv(groups).decode("utf-8-sig"))))
    assert [(r["名称"], r["好评率"], r["未评率"], r["满意度得分"]) for r in rows] == [
        ("李明", "50.00%", "20.00%", "5.0"),
        ("赵丽", "75.00%", "20.00%", "5.0"),
    ]
    ws = openpyxl.load_workbook(io.BytesIO(figures_xlsx(groups))).active
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=3, column=header.index("好评率") + 1)
    assert (ws.title, cell.value, cell.number_format) == ("好差评统计", 0.75, "0.00%")


def test_records_xlsx_keeps_a_visitors_formula_as_text() -> None:
    records, _ = seeded_day()
    ws = openpyxl.load_workbook(io.BytesIO(records_xlsx([with_applicant(records[0])], TZ))).active
    header = [c.value for c in ws[1]]
    comment = ws.cell(row=2, column=header.index("评价内容") + 1)
    assert (comment.value, comment.data_type) == ('=HYPERLINK("http://x")', "s")
    assert ws.cell(row=2, column=header.index("证件号码") + 1).value == "110***********1234"


def test_generic_v1_forwards_every_record_masked_in_one_layout() -> None:
    records, _ = seeded_day()
    adapter = province_adapter("generic-v1", "440100-001", "示范市政务服务中心", TZ)
    assert (adapter.name, adapter.version) == ("generic-v1", "1")
    body = json.loads(adapter.export([with_applicant(records[2]), *records[3:]]))
    assert (body["format"], body["adapter"], body["count"]) == (
        "hallcall-evaluations",
        "generic-v1",
        len(records) - 2,
    )
    assert body["hall"] == {"code": "440100-001", "name": "示范市政务服务中心"}
    a003 = body["records"][0]
    assert (a003["ticket"]["number"], a003["level"], a003["level_name"], a003["bad"]) == (
        "A003",
        2,
        "不满意",
        True,
    )
    assert a003["matter"] == {"code": "business", "name": "商事登记"}
    assert a003["staff"] == {"id": "li", "name": "李明"}
    assert a003["times"]["rated"] == "2026-10-08T09:45:30+08:00"
    assert a003["applicant"] == {
        "name": "张*",
        "id_number": "110***********1234",
        "phone": "138****5678",
    }
    corrected = [r for r in body["records"] if r["corrects"]]
    assert [(r["corrects"], r["staff"]["id"]) for r in corrected] == [("e-B001", "zhao")]
    with pytest.raises(ValueError, match="generic-v1"):
        province_adapter("guangdong-v9", "x", "x", TZ)
