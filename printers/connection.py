"""One open link to a printer: python-escpos's device for a spec, with bounded waits."""

from __future__ import annotations

import contextlib
import socket
from types import TracebackType
from typing import Any

from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError
from escpos.printer import File, Network, Serial, Usb

from printers.errors import (
    PrinterGoneError,
    PrinterSetupError,
    PrinterTimeoutError,
    PrintInterruptedError,
)
from printers.spec import ConnectionSpec, FileSpec, NetworkSpec, SerialSpec, UsbSpec

DEFAULT_TIMEOUT = 3.0
# The slowest rate, in bytes a second, at which a network printer may take in a job: once its
# input buffer is full it takes data only as fast as it prints (an 80 mm raster slip at
# 50 mm/s is about 29 KB/s), so a long job earns more time than a short one.
_NETWORK_RATE = 20_000


class Connection:
    """A printer link for one job; OS and library errors come out as PrinterErrors.

    Use it as a context manager: it opens on enter and always closes on exit, so a printer
    that went away and came back is simply reached again by the next job.
    """

    def __init__(self, spec: ConnectionSpec, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.spec = spec
        self.timeout = timeout
        self._printer: Any = None

    @property
    def answers_status(self) -> bool:
        """Whether status requests can be answered (a file never answers)."""
        return not isinstance(self.spec, FileSpec)

    def __enter__(self) -> Connection:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Connect; raise PrinterGoneError when nothing is there."""
        printer = _make_printer(self.spec, self.timeout)
        try:
            printer.open()
        except (EscposError, OSError) as e:
            raise PrinterGoneError(str(self.spec), _reason(e)) from e
        self._printer = printer

    def write(self, data: bytes) -> None:
        """Send `data`, allowing the time a slow printer needs to take it in."""
        self._set_timeout(self.timeout + len(data) / self._rate())
        try:
            self._printer._raw(data)
        except TimeoutError as e:
            raise PrinterTimeoutError(str(self.spec), "sending timed out") from e
        except (EscposError, OSError) as e:
            raise PrintInterruptedError(str(self.spec), _reason(e)) from e

    def query(self, request: bytes, backlog: int = 0) -> int | None:
        """Send a DLE EOT request; return the reply byte, or None when none comes.

        `backlog` is how many bytes were sent just before: the printer reads them first.
        """
        self._set_timeout(self.timeout + backlog / self._rate())
        try:
            self._printer._raw(request)
            reply = bytes(self._printer._read())
        except (EscposError, OSError):
            return None
        return reply[-1] if reply else None

    def close(self) -> None:
        """Close the link; safe to call twice, and never raises."""
        printer, self._printer = self._printer, None
        if printer is not None:
            with contextlib.suppress(EscposError, OSError):
                printer.close()

    def _rate(self) -> float:
        if isinstance(self.spec, SerialSpec):
            return self.spec.baudrate / 10  # 8 data bits, a start and a stop bit
        return _NETWORK_RATE

    def _set_timeout(self, seconds: float) -> None:
        device = self._printer.device
        match self.spec:
            case NetworkSpec():
                device.settimeout(seconds)
            case SerialSpec():
                device.timeout = seconds
                device.write_timeout = seconds
            case UsbSpec():
                self._printer.timeout = int(seconds * 1000)
            case FileSpec():
                pass


class _Network(Network):  # type: ignore[misc]
    """python-escpos's Network printer without its socket leak, and quick to ask status.

    Its open() leaves the socket unclosed when connecting fails: a ResourceWarning (an error
    under our test settings) for every try at a printer that is switched off.
    """

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            sock = socket.create_connection((self.host, self.port), self.timeout)
        except OSError as e:
            raise DeviceNotFoundError(f"Could not open socket for {self.host}: {e}") from e
        # A status request is 3 bytes right after a job: without this, Nagle's algorithm
        # holds it until the job is acknowledged, and delayed ACKs add ~40 ms a slip.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.device = sock


class _File(File):  # type: ignore[misc]
    """python-escpos's File printer, appending: its "wb" would wipe the last job each time."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            handle = open(self.devfile, "ab")  # noqa: SIM115 (closed by close())
        except OSError as e:
            raise DeviceNotFoundError(f"Could not open {self.devfile}: {e}") from e
        self.device = handle


def _make_printer(spec: ConnectionSpec, timeout: float) -> Any:
    match spec:
        case NetworkSpec(host, port):
            return _Network(host, port=port, timeout=timeout)
        case UsbSpec(vendor_id, product_id):
            if not Usb.is_usable():
                raise PrinterSetupError(str(spec), "USB printing needs pyusb: pip install pyusb")
            return Usb(vendor_id, product_id, timeout=int(timeout * 1000))
        case SerialSpec(device, baudrate):
            if not Serial.is_usable():
                raise PrinterSetupError(
                    str(spec), "serial printing needs pyserial: pip install pyserial"
                )
            return Serial(device, baudrate=baudrate, timeout=timeout)
        case FileSpec(path):
            return _File(path)


def _reason(error: BaseException) -> str:
    """The OS-level cause, which python-escpos folds into its own message."""
    cause = error.__cause__ or error.__context__ or error
    text = str(cause).strip().replace("\n", " ")
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__
