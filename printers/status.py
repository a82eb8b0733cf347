"""What a printer says about itself: the status enum and DLE EOT real-time status replies."""

from __future__ import annotations

from enum import Enum

from escpos.constants import RT_STATUS_ONLINE, RT_STATUS_PAPER

QUERY_PRINTER: bytes = RT_STATUS_ONLINE  # DLE EOT 1: printer status
QUERY_PAPER: bytes = RT_STATUS_PAPER  # DLE EOT 4: paper roll sensor status

# Every DLE EOT reply has bits 1 and 4 set and bits 0 and 7 clear; anything else is not a
# status reply (noise, or a device on the port that is not an ESC/POS printer).
_FIXED_MASK = 0x93
_FIXED_BITS = 0x12
_OFFLINE = 0x08  # DLE EOT 1, bit 3
_NEAR_END = 0x0C  # DLE EOT 4, bits 2-3
_PAPER_END = 0x60  # DLE EOT 4, bits 5-6


class PrinterStatus(Enum):
    """A printer's state as the hall sees it."""

    ONLINE = "online"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    OFFLINE = "offline"
    GONE = "gone"

    @property
    def can_print(self) -> bool:
        """Whether a slip sent now comes out."""
        return self in (PrinterStatus.ONLINE, PrinterStatus.PAPER_NEAR_END)

    @property
    def description(self) -> str:
        """A short Chinese and English text for screens and logs."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    PrinterStatus.ONLINE: "正常 / online",
    PrinterStatus.PAPER_NEAR_END: "纸将用完，请准备换纸 / paper near end",
    PrinterStatus.PAPER_OUT: "缺纸，请装纸 / out of paper",
    PrinterStatus.OFFLINE: "脱机：纸仓盖打开或故障 / offline: cover open or error",
    PrinterStatus.GONE: "无法连接或无响应 / unreachable or not answering",
}


def is_status_reply(byte: int) -> bool:
    """Whether `byte` has the fixed bits of a DLE EOT reply."""
    return byte & _FIXED_MASK == _FIXED_BITS


def decode_status(printer: int | None, paper: int | None) -> PrinterStatus:
    """The status from the replies to DLE EOT 1 and DLE EOT 4 (None: no reply).

    No reply is GONE, never "probably fine": a printer that does not answer may be off, and a
    slip sent to it is lost without a word.
    """
    if printer is None or paper is None:
        return PrinterStatus.GONE
    if not (is_status_reply(printer) and is_status_reply(paper)):
        return PrinterStatus.GONE
    # Out of paper takes a printer offline too; name the cause the staff can fix.
    if paper & _PAPER_END:
        return PrinterStatus.PAPER_OUT
    if printer & _OFFLINE:
        return PrinterStatus.OFFLINE
    if paper & _NEAR_END:
        return PrinterStatus.PAPER_NEAR_END
    return PrinterStatus.ONLINE
