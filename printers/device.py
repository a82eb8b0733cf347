"""A configured slip printer: renders a slip its way, checks the paper, prints, reports status."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum

from printers.connection import DEFAULT_TIMEOUT, Connection
from printers.errors import (
    PaperOutError,
    PrinterError,
    PrinterOfflineError,
    PrinterTimeoutError,
    PrintInterruptedError,
)
from printers.imagemode import render_image
from printers.slip import PaperWidth, Slip
from printers.spec import ConnectionSpec, parse_connection
from printers.status import QUERY_PAPER, QUERY_PRINTER, PrinterStatus, decode_status
from printers.textmode import render_text


class PrintMode(Enum):
    """How a slip reaches the paper."""

    TEXT = "text"  # the printer's own GB18030 font and QR command: small, fast jobs
    IMAGE = "image"  # a picture of the slip: any ESC/POS printer, Chinese font or not


@dataclass(frozen=True, kw_only=True)
class PrinterProfile:
    """What a hall sets for one printer besides where it is."""

    paper: PaperWidth = PaperWidth.MM80
    mode: PrintMode = PrintMode.TEXT
    # Some cheap printers never answer DLE EOT; with False they are taken as ready, and
    # paper out goes unnoticed.
    query_status: bool = True


class PrinterDevice:
    """One slip printer. Synchronous and thread-safe; every call ends within seconds.

    Each job opens its own connection and closes it: a network printer serves one
    connection at a time, and a printer that was switched off and on again just works at
    the next slip.
    """

    def __init__(
        self,
        connection: str | ConnectionSpec,
        profile: PrinterProfile | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.spec = parse_connection(connection) if isinstance(connection, str) else connection
        self.profile = profile or PrinterProfile()
        self.timeout = timeout
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        p = self.profile
        return f"PrinterDevice({str(self.spec)!r}, {p.paper.value} mm, {p.mode.value})"

    @property
    def paper(self) -> PaperWidth:
        return self.profile.paper

    def render(self, slip: Slip) -> bytes:
        """The print job for `slip` on this printer."""
        if self.profile.mode is PrintMode.IMAGE:
            return render_image(slip, self.profile.paper)
        return render_text(slip, self.profile.paper)

    def status(self) -> PrinterStatus:
        """Ask the printer how it is; GONE when it cannot be reached or does not answer."""
        with self._lock:
            try:
                with self._connect() as link:
                    return self._ask(link)
            except PrinterError:
                return PrinterStatus.GONE

    def print_slip(self, slip: Slip) -> PrinterStatus:
        """Print `slip` and return the printer's status after it (ONLINE, PAPER_NEAR_END...).

        Checks first and sends nothing unless the printer can print; afterwards asks again,
        which also proves every byte reached the printer. Raises a PrinterError.
        """
        job = self.render(slip)
        with self._lock, self._connect() as link:
            before = self._ask(link)
            if not before.can_print:
                raise self._refusal(before)
            link.write(job)
            if not self._queries(link):
                return before
            after = self._ask(link, backlog=len(job))
            if after is PrinterStatus.GONE:
                raise PrintInterruptedError(str(self.spec), "no status reply after the slip")
            return after

    def _connect(self) -> Connection:
        return Connection(self.spec, self.timeout)

    def _queries(self, link: Connection) -> bool:
        return link.answers_status and self.profile.query_status

    def _ask(self, link: Connection, backlog: int = 0) -> PrinterStatus:
        if not self._queries(link):
            return PrinterStatus.ONLINE  # connected is all that can be known
        printer = link.query(QUERY_PRINTER, backlog)
        paper = link.query(QUERY_PAPER) if printer is not None else None
        return decode_status(printer, paper)

    def _refusal(self, status: PrinterStatus) -> PrinterError:
        name = str(self.spec)
        if status is PrinterStatus.PAPER_OUT:
            return PaperOutError(name)
        if status is PrinterStatus.OFFLINE:
            return PrinterOfflineError(name)
        return PrinterTimeoutError(name, "no valid reply to DLE EOT status requests")
