"""Slip printers: ESC/POS devices on the network, USB, a serial port or a file."""

from printers.device import PrinterDevice, PrinterProfile, PrintMode
from printers.errors import (
    PaperOutError,
    PrinterError,
    PrinterGoneError,
    PrinterOfflineError,
    PrinterSetupError,
    PrinterTimeoutError,
    PrintInterruptedError,
)
from printers.imagemode import render_image, render_png
from printers.settings import load_printers
from printers.spec import ConnectionSpec, parse_connection
from printers.status import PrinterStatus
from printers.textmode import render_text

__all__ = [
    "ConnectionSpec",
    "PaperOutError",
    "PrintInterruptedError",
    "PrintMode",
    "PrinterDevice",
    "PrinterError",
    "PrinterGoneError",
    "PrinterOfflineError",
    "PrinterProfile",
    "PrinterSetupError",
    "PrinterStatus",
    "PrinterTimeoutError",
    "load_printers",
    "parse_connection",
    "render_image",
    "render_png",
    "render_text",
]
