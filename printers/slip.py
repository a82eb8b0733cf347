"""The printed ticket slip: what it says, laid out once as blocks any printer can render."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TypeAlias

import qrcode


class PaperWidth(Enum):
    """A thermal paper roll width in millimetres."""

    MM58 = 58
    MM80 = 80

    @property
    def columns(self) -> int:
        """Half-width characters across one line at normal size (a hanzi takes two)."""
        return 32 if self is PaperWidth.MM58 else 48

    @property
    def dots(self) -> int:
        """Printable dots across the paper at 203 dpi."""
        return 384 if self is PaperWidth.MM58 else 576


class Align(Enum):
    """Where a line sits across the paper."""

    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class TextLine:
    """One printed line; `size` magnifies it (1-8) in both directions, like ESC/POS GS !."""

    text: str
    size: int = 1
    bold: bool = False
    align: Align = Align.CENTER


@dataclass(frozen=True)
class Rule:
    """A dashed separator across the paper."""


@dataclass(frozen=True)
class QrCode:
    """A QR code (error correction level M), centred, `module` dots per module."""

    data: str
    module: int


@dataclass(frozen=True)
class Feed:
    """Blank lines of paper."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Cut the paper: the slip ends here."""


Block: TypeAlias = TextLine | Rule | QrCode | Feed | Cut
Slip: TypeAlias = tuple[Block, ...]

DEFAULT_CLOSING_LINES = ("请在休息区等候，注意呼叫及大屏显示信息", "过号无效，请您重新取号")
DEFAULT_QR_CAPTION = "扫码查看排队进度、评价服务"
REPRINT_MARK = "【补打】"
NUMBER_MAX_SIZE = 6
TITLE_SIZE = 2
LABEL_SIZE = 2
# About 22 mm (58) and 30 mm (80) across: easy for any phone, leaves the paper calm.
QR_TARGET_DOTS = {PaperWidth.MM58: 176, PaperWidth.MM80: 240}
QR_MAX_MODULE = 8


@dataclass(frozen=True, kw_only=True)
class SlipData:
    """Everything a slip shows; `issued_at` should already be in the hall's time zone."""

    hall_name: str
    department: str
    service_name: str
    number: str
    waiting_ahead: int
    estimate_minutes: int | None
    issued_at: datetime
    qr_url: str
    label: str | None = None
    closing_lines: tuple[str, ...] = DEFAULT_CLOSING_LINES
    reprint: bool = False
    qr_caption: str = DEFAULT_QR_CAPTION

    def __post_init__(self) -> None:
        if not self.number.strip():
            raise ValueError("a slip needs a ticket number")
        if text_width(self.number) > 16:
            raise ValueError(f"ticket number {self.number!r} is too long for a slip")
        if self.waiting_ahead < 0:
            raise ValueError(f"waiting_ahead must be 0 or more, got {self.waiting_ahead}")
        if self.estimate_minutes is not None and self.estimate_minutes < 0:
            raise ValueError(f"estimate_minutes must be 0 or more, got {self.estimate_minutes}")
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be an aware datetime")


def build_slip(data: SlipData, paper: PaperWidth) -> Slip:
    """Lay out one slip for `paper`; every line fits the paper at its size."""
    columns = paper.columns
    blocks: list[Block] = []

    def add(text: str, size: int = 1, bold: bool = False) -> None:
        blocks.extend(TextLine(part, size, bold) for part in wrap(_clean(text), columns // size))

    if data.reprint:
        add(REPRINT_MARK, size=2, bold=True)
    add(data.hall_name, size=TITLE_SIZE, bold=True)
    add(" · ".join(p for p in (_clean(data.department), _clean(data.service_name)) if p))
    blocks.append(Rule())
    number = _clean(data.number)
    blocks.append(TextLine(number, _number_size(number, columns), bold=True))
    if data.label and _clean(data.label):
        add(f"【{_clean(data.label)}】", size=LABEL_SIZE, bold=True)
    for line in waiting_lines(data.waiting_ahead, data.estimate_minutes):
        add(line)
    add(f"取号时间 {data.issued_at:%Y-%m-%d %H:%M}")
    blocks.append(Rule())
    if data.qr_url.strip():
        url = data.qr_url.strip()
        blocks.append(QrCode(url, qr_module(url, paper)))
        add(data.qr_caption)
    for line in data.closing_lines:
        add(line)
    blocks.extend((Feed(1), Cut()))
    return tuple(blocks)


def waiting_lines(waiting_ahead: int, estimate_minutes: int | None) -> list[str]:
    """What the slip says about the wait."""
    if waiting_ahead == 0:
        return ["你前面没有人在等待", "请留意呼叫，马上为你办理"]
    lines = [f"你前面还有 {waiting_ahead} 人在等待"]
    if estimate_minutes is None:
        lines.append("等候时间以现场呼叫为准")
    elif estimate_minutes < 1:
        lines.append("预计等候不到 1 分钟")
    else:
        lines.append(f"预计等候约 {estimate_minutes} 分钟")
    return lines


def char_width(char: str) -> int:
    """Columns one character takes on a GB18030 printer.

    Only ASCII is single-byte in GB18030; every other character, East Asian wide or not
    ("·", "—", "“"), prints in a full-width cell.
    """
    return 1 if " " <= char <= "~" else 2


def text_width(text: str) -> int:
    """Columns `text` takes at normal size."""
    return sum(char_width(c) for c in text)


def check_fits(slip: Slip, paper: PaperWidth) -> None:
    """Raise ValueError if a line of `slip` is wider than `paper` (a slip built for 80 mm)."""
    for block in slip:
        if isinstance(block, TextLine) and text_width(block.text) * block.size > paper.columns:
            raise ValueError(f"line {block.text!r} at size {block.size} overflows {paper.value} mm")


def qr_module(data: str, paper: PaperWidth) -> int:
    """Dots per module so the code comes out near its target width on `paper`."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    modules: int = code.modules_count
    quiet = modules + 8  # the printer leaves 4 modules of white on each side
    return max(1, min(QR_MAX_MODULE, QR_TARGET_DOTS[paper] // modules, paper.dots // quiet))


# A line may not start with closing punctuation nor end with opening punctuation (禁则).
_NO_LINE_START = frozenset("，。、；：！？）》」』】〕〉…—～·％,.;:!?)]}%")
_NO_LINE_END = frozenset("（《「『【〔〈‘“([{")
_TOKEN = re.compile(r"[!-~]+| +|.", re.DOTALL)


def wrap(text: str, columns: int) -> list[str]:
    """Break `text` into lines of at most `columns`, keeping ASCII words whole when they fit."""
    if columns < 2:
        raise ValueError("need at least 2 columns to wrap text")
    lines: list[list[str]] = [[]]
    for token in _TOKEN.findall(text):
        pieces = list(token) if text_width(token) > columns else [token]
        for piece in pieces:
            _place(lines, piece, columns)
    result = ["".join(line).rstrip() for line in lines]
    return [line for line in result if line]


def _place(lines: list[list[str]], token: str, columns: int) -> None:
    line = lines[-1]
    if token.isspace() and not line:
        return
    if text_width("".join(line)) + text_width(token) <= columns:
        line.append(token)
        return
    carry: list[str] = []
    if token[0] in _NO_LINE_START and len(line) > 1:
        carry.append(line.pop())
    while len(line) > 1 and line[-1] in _NO_LINE_END:
        carry.insert(0, line.pop())
    while line and line[-1].isspace():
        line.pop()
    if text_width("".join([*carry, token])) > columns:
        line.extend(carry)  # the rule cannot be kept on so narrow a line: keep the text instead
        carry = []
    lines.append([t for t in carry if not t.isspace()])
    if not token.isspace():
        lines[-1].append(token)


def _number_size(number: str, columns: int) -> int:
    return max(1, min(NUMBER_MAX_SIZE, columns // text_width(number)))


def _clean(text: str) -> str:
    """Turn control characters (line breaks, a stray ESC from settings) into spaces."""
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return re.sub(" +", " ", cleaned).strip()
