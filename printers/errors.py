"""Errors a printer raises, each with a message in Chinese for staff and English for logs."""

from __future__ import annotations

from typing import ClassVar

from printers.status import PrinterStatus


class PrinterError(Exception):
    """A slip could not be printed; `status` is what the printer is now known to be."""

    status: ClassVar[PrinterStatus] = PrinterStatus.GONE
    zh: ClassVar[str] = "打印机出错"
    en: ClassVar[str] = "printer error"

    def __init__(self, printer: str, detail: str = "") -> None:
        self.printer = printer
        self.detail = detail
        super().__init__(str(self))

    def __str__(self) -> str:
        tail = f": {self.detail}" if self.detail else ""
        return f"{self.zh}（{self.printer}） / {self.en} ({self.printer}){tail}"


class PrinterGoneError(PrinterError):
    """Nothing answers at the printer's address: off, unplugged, or a wrong address."""

    zh = "无法连接打印机，请检查电源、网线和地址"
    en = "cannot reach the printer; check its power, cable and address"


class PrinterTimeoutError(PrinterError):
    """The printer took the connection but did not answer or take data in time."""

    zh = "打印机无响应，请检查打印机后重试"
    en = "the printer did not answer in time; check it and retry"


class PrintInterruptedError(PrinterError):
    """The connection dropped while a slip was being sent: it may be cut short."""

    zh = "打印中连接断开，票据可能不完整，请补打"
    en = "the connection dropped while printing; the slip may be incomplete, reprint it"


class PaperOutError(PrinterError):
    """The paper sensor reports no paper; nothing was sent."""

    status = PrinterStatus.PAPER_OUT
    zh = "打印机缺纸，请装纸后重试"
    en = "the printer is out of paper; load a roll and retry"


class PrinterOfflineError(PrinterError):
    """The printer answers but will not print (cover open, cutter jam, overheating)."""

    status = PrinterStatus.OFFLINE
    zh = "打印机脱机，请检查纸仓盖是否合上"
    en = "the printer is offline; check that its cover is closed"


class PrinterSetupError(PrinterError):
    """This machine cannot drive the printer (a library or font is missing)."""

    zh = "打印机配置不完整"
    en = "printer set-up is incomplete"
