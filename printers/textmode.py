"""Text mode: a slip as ESC/POS commands for printers with a built-in Chinese (GB18030) font."""

from __future__ import annotations

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy

from printers.slip import Cut, Feed, PaperWidth, QrCode, Rule, Slip, TextLine, check_fits

# FS &: select Chinese (double-byte) character mode. python-escpos has no command for it.
CHINESE_MODE_ON = b"\x1c\x26"
ENCODING = "gb18030"


def render_text(slip: Slip, paper: PaperWidth) -> bytes:
    """The print job for `slip`: Chinese mode, GB18030 text, the printer's own QR command."""
    check_fits(slip, paper)
    printer = Dummy()
    printer.hw("INIT")
    printer._raw(CHINESE_MODE_ON)
    for block in slip:
        match block:
            case TextLine(text, size, bold, align):
                printer.set(align=align.value, bold=bold, custom_size=True, width=size, height=size)
                printer._raw(encode(text) + b"\n")
            case Rule():
                printer.set(align="left", bold=False, custom_size=True, width=1, height=1)
                printer._raw(b"-" * paper.columns + b"\n")
            case QrCode(data, module):
                # ESC a applies to 2D codes too, so centring needs no help from the library
                # (whose qr(center=True) refuses native codes).
                printer.print_and_feed(1)  # a quiet zone above: not every printer leaves one
                printer.set(align="center")
                printer.qr(data, ec=QR_ECLEVEL_M, size=module, native=True)
                printer._raw(b"\n")
            case Feed(lines):
                printer.print_and_feed(lines)
            case Cut():
                # GS V B 0: feed to the cutter, then cut. Sent whatever the profile claims,
                # since a printer without a cutter just ignores it.
                printer.cut(feed=False)
    job: bytes = printer.output
    return job


def encode(text: str) -> bytes:
    """GB18030 bytes for `text`.

    Not python-escpos's text(): it falls back to "?" for lines holding only full-width
    punctuation or digits ("，。", "￥12.00") and for hanzi outside U+4E00-U+9FA5.
    """
    return text.encode(ENCODING, errors="replace")
