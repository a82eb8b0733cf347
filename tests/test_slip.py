"""The slip layout: what a visitor's ticket says on 58 mm and 80 mm paper."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from printers.slip import (
    Cut,
    Feed,
    PaperWidth,
    QrCode,
    Rule,
    SlipData,
    TextLine,
    build_slip,
    check_fits,
    text_width,
    wrap,
)

BEIJING = timezone(timedelta(hours=8))
URL = "https://hall.example.gov.cn/t/20261128-A001?k=8f3a9c"


def visitor_slip(**changes: object) -> SlipData:
    """A visitor takes A001 for 养老保险 at 09:05 with twelve people ahead."""
    data = SlipData(
        hall_name="杭州市上城区政务服务中心",
        department="社保医保",
        service_name="养老保险参保登记与转移接续",
        number="A001",
        waiting_ahead=12,
        estimate_minutes=35,
        issued_at=datetime(2026, 11, 28, 9, 5, tzinfo=BEIJING),
        qr_url=URL,
        label="绿色通道",
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def lines(data: SlipData, paper: PaperWidth) -> list[TextLine]:
    return [b for b in build_slip(data, paper) if isinstance(b, TextLine)]


def test_an_80mm_slip_reads_top_to_bottom() -> None:
    slip = build_slip(visitor_slip(), PaperWidth.MM80)
    assert slip == (
        TextLine("杭州市上城区政务服务中心", size=2, bold=True),
        TextLine("社保医保 · 养老保险参保登记与转移接续"),
        Rule(),
        TextLine("A001", size=6, bold=True),
        TextLine("【绿色通道】", size=2, bold=True),
        TextLine("你前面还有 12 人在等待"),
        TextLine("预计等候约 35 分钟"),
        TextLine("取号时间 2026-11-28 09:05"),
        Rule(),
        QrCode(URL, module=7),
        TextLine("扫码查看排队进度、评价服务"),
        TextLine("请在休息区等候，注意呼叫及大屏显示信息"),
        TextLine("过号无效，请您重新取号"),
        Feed(1),
        Cut(),
    )


@pytest.mark.parametrize("paper", list(PaperWidth))
def test_no_line_is_wider_than_the_paper(paper: PaperWidth) -> None:
    for line in lines(visitor_slip(), paper):
        assert text_width(line.text) * line.size <= paper.columns, line
    check_fits(build_slip(visitor_slip(), paper), paper)


def test_58mm_wraps_long_lines_and_keeps_every_character() -> None:
    texts = [line.text for line in lines(visitor_slip(), PaperWidth.MM58)]
    assert texts[:3] == ["杭州市上城区政务", "服务中心", "社保医保 · 养老保险参保登记与转"]
    assert "请在休息区等候，注意呼叫及大屏显示信息" not in texts  # 19 hanzi: it wrapped
    joined = "".join(texts)
    for original in ("请在休息区等候，注意呼叫及大屏显示信息", "过号无效，请您重新取号"):
        assert original in joined


def test_the_number_is_the_biggest_and_bold() -> None:
    for paper in PaperWidth:
        slip_lines = lines(visitor_slip(), paper)
        biggest = max(slip_lines, key=lambda line: line.size)
        assert biggest.text == "A001" and biggest.bold
        assert all(line.size < biggest.size for line in slip_lines if line is not biggest)


def test_a_long_number_shrinks_to_fit_58mm() -> None:
    number = next(
        line
        for line in lines(visitor_slip(number="VIP-A1001"), PaperWidth.MM58)
        if line.text == "VIP-A1001"
    )
    assert number.size == 3 and text_width(number.text) * number.size <= 32


def test_full_width_punctuation_survives() -> None:
    slip_lines = lines(visitor_slip(closing_lines=("，。：！？", "￥12.00")), PaperWidth.MM58)
    assert [line.text for line in slip_lines][-2:] == ["，。：！？", "￥12.00"]


def test_nobody_ahead_and_an_unknown_estimate_read_sensibly() -> None:
    alone = [line.text for line in lines(visitor_slip(waiting_ahead=0), PaperWidth.MM80)]
    assert "你前面没有人在等待" in alone and not any("预计" in t for t in alone)
    unknown = visitor_slip(waiting_ahead=3, estimate_minutes=None)
    assert "等候时间以现场呼叫为准" in [line.text for line in lines(unknown, PaperWidth.MM80)]
    soon = visitor_slip(waiting_ahead=1, estimate_minutes=0)
    assert "预计等候不到 1 分钟" in [line.text for line in lines(soon, PaperWidth.MM80)]


def test_a_reprint_is_marked_and_an_original_is_not() -> None:
    reprint = lines(visitor_slip(reprint=True), PaperWidth.MM58)
    assert reprint[0] == TextLine("【补打】", size=2, bold=True)
    assert not any("补打" in line.text for line in lines(visitor_slip(), PaperWidth.MM58))


def test_no_label_and_no_qr_leave_no_gap() -> None:
    slip = build_slip(visitor_slip(label=None, qr_url=""), PaperWidth.MM80)
    assert not any(isinstance(b, QrCode) for b in slip)
    assert not any("【" in b.text for b in slip if isinstance(b, TextLine))
    assert "扫码查看排队进度、评价服务" not in [b.text for b in slip if isinstance(b, TextLine)]


def test_control_characters_from_settings_never_reach_the_printer() -> None:
    slip_lines = lines(visitor_slip(hall_name="政务\x1b@服务\n中心"), PaperWidth.MM80)
    assert slip_lines[0].text == "政务 @服务 中心"


def test_the_qr_code_carries_the_url_and_fits() -> None:
    for paper in PaperWidth:
        (qr,) = [b for b in build_slip(visitor_slip(), paper) if isinstance(b, QrCode)]
        assert qr.data == URL
        assert 33 * qr.module <= paper.dots  # version 4 at level M holds this URL


def test_an_80mm_slip_does_not_fit_58mm() -> None:
    with pytest.raises(ValueError, match="overflows 58 mm"):
        check_fits(build_slip(visitor_slip(), PaperWidth.MM80), PaperWidth.MM58)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"issued_at": datetime(2026, 11, 28, 9, 5)}, "aware"),
        ({"waiting_ahead": -1}, "waiting_ahead"),
        ({"estimate_minutes": -5}, "estimate_minutes"),
        ({"number": " "}, "number"),
        ({"number": "A" * 17}, "too long"),
    ],
)
def test_impossible_slips_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        visitor_slip(**changes)


def test_widths_count_every_non_ascii_character_as_two_columns() -> None:
    assert text_width("A001") == 4
    assert text_width("你好，") == 6
    assert text_width("·—“") == 6


def test_wrapping_keeps_punctuation_off_the_start_of_a_line() -> None:
    assert wrap("请在休息区等候注，意呼叫", 16) == ["请在休息区等候", "注，意呼叫"]
    assert wrap("一二三四五六七【绿色通道】", 16) == ["一二三四五六七", "【绿色通道】"]


def test_wrapping_keeps_latin_words_whole() -> None:
    assert wrap("Please wait in the rest area, thank you", 16) == [
        "Please wait in",
        "the rest area,",
        "thank you",
    ]
    assert wrap("x" * 40, 16) == ["x" * 16, "x" * 16, "x" * 8]
