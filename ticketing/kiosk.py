"""Kiosks: where visitors take numbers, each with its printer, and what its slip says."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from hall.actors import Actor
from hall.answers import Answer, Once
from hall.errors import DomainError
from hall.events import EventType
from hall.hall import Hall
from hall.model import Lane, Ticket, TicketStatus
from hall.payloads import BurstCancelled, PrintJobView
from hall.views import IssuedTicket
from printers import jobs
from printers.slip import DEFAULT_CLOSING_LINES, DEFAULT_QR_CAPTION, SlipData
from printers.status import PrinterStatus
from ticketing.access import AccessSettings, IssueLimits, Source

STAFF_DESK = Source("staff", "")  # the guide desk and other callers that limits never slow
_LANE_LABELS = {Lane.PRIORITY: "绿色通道", Lane.APPOINTMENT: "网上预约"}
KIOSK_KEYS = frozenset({"name", "printer"})  # the keys [kiosks.ID] accepts
SLIP_KEYS = frozenset({"closing_lines", "qr_caption", "public_url"})  # the keys [slip] accepts


@dataclass(frozen=True, slots=True)
class Kiosk:
    id: str
    name: str
    printer: str | None  # None: the ticket is shown on screen only


@dataclass(frozen=True, slots=True)
class SlipTexts:
    """The hall's own words on every slip, and where phones reach the ticket's page."""

    closing_lines: tuple[str, ...] = DEFAULT_CLOSING_LINES
    qr_caption: str = DEFAULT_QR_CAPTION
    public_url: str | None = None  # e.g. "http://192.168.1.10:8000"; else the kiosk's own view


def load_kiosks(section: Mapping[str, Any], printers: Mapping[str, object]) -> dict[str, Kiosk]:
    """[kiosks.ID] tables: name = "一楼取号机", printer = "NAME" (optional)."""
    out = {}
    for kid, table in section.items():
        where = f"kiosks.{kid}"
        if not isinstance(table, Mapping):
            raise ValueError(f"{where}: expected a table like [kiosks.{kid}]")
        unknown = sorted(set(table) - KIOSK_KEYS)
        if unknown:
            raise ValueError(f"{where}: unknown key {unknown[0]!r} (known: name, printer)")
        printer = table.get("printer")
        if printer is not None and printer not in printers:
            raise ValueError(f"{where}.printer: no printer {printer!r} in [printers]")
        name = table.get("name", kid)
        if not isinstance(name, str):
            raise ValueError(f"{where}.name: expected text")
        out[kid] = Kiosk(kid, name, printer)
    return out


def load_slip_texts(section: Mapping[str, Any]) -> SlipTexts:
    """[slip]: closing_lines = [...], qr_caption = "...", public_url = "http://..."."""
    unknown = sorted(set(section) - SLIP_KEYS)
    if unknown:
        raise ValueError(f"slip: unknown key {unknown[0]!r}")
    lines = section.get("closing_lines", list(DEFAULT_CLOSING_LINES))
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise ValueError("slip.closing_lines: expected a list of text lines")
    caption = section.get("qr_caption", DEFAULT_QR_CAPTION)
    url = section.get("public_url")
    if not isinstance(caption, str):
        raise ValueError("slip.qr_caption: expected text")
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("http://", "https://"))
    ):
        raise ValueError('slip.public_url: expected an address like "http://192.168.1.10:8000"')
    return SlipTexts(tuple(lines), caption, url.rstrip("/") if url else None)


class PrintQueue(Protocol):
    """What the desk needs of the spooler."""

    statuses: dict[str, PrinterStatus | None]  # every configured printer, by name

    def wake(self, printer: str) -> None: ...


class TicketDesk:
    """Takes numbers at kiosks and at the guide desk; queues the slip with the ticket."""

    def __init__(
        self,
        hall: Hall,
        kiosks: Mapping[str, Kiosk],
        texts: SlipTexts,
        printing: PrintQueue,
        access: AccessSettings | None = None,
    ) -> None:
        self.hall = hall
        self.kiosks = dict(kiosks)
        self.texts = texts
        self.printing = printing
        self.limits = IssueLimits(access or AccessSettings())

    def kiosk(self, kiosk_id: str) -> Kiosk:
        try:
            return self.kiosks[kiosk_id]
        except KeyError:
            raise DomainError("kiosk_unknown", kiosk=kiosk_id) from None

    def take(
        self,
        service: str,
        lane: Lane,
        kiosk_id: str | None,
        actor: str | None,
        once: Once | None,
        base_url: str,
        source: Source = STAFF_DESK,
    ) -> Answer[IssuedTicket]:
        """Take a number for `source`, within its limits (a repeated request is answered as
        the first was, and counts once)."""
        if (seen := self.hall.remembered(once)) is not None:
            seen.body["link"] = self.link(seen.body["token"], base_url)
            return seen
        spec = self.hall.queue.service(service)
        self._start_day()
        now = self.hall.clock.time()
        self.limits.check(source, spec, now)
        kiosk = self.kiosk(kiosk_id) if kiosk_id else None
        printer = kiosk.printer if kiosk else None
        also = None
        if printer is not None:

            def also(c: sqlite3.Connection, ticket: Ticket, body: IssuedTicket) -> None:
                slip = self.slip(ticket, body["waiting_ahead"], body["estimate_minutes"], base_url)
                job_id = jobs.add_job(c, ticket.id, printer, kiosk_id, slip, self.hall.clock.time())
                status = self.printing.statuses.get(printer)
                body["print"] = {
                    "job": job_id,
                    "printer": printer,
                    "printer_status": status.value if status else "unknown",
                    "state": "queued" if status is None or status.can_print else "printer_down",
                }

        answer = self.hall.issue(service, lane, actor, once, also, source.key)
        self.limits.taken(source, spec, now)
        answer.body["link"] = self.link(answer.body["token"], base_url)
        if printer is not None:
            self.printing.wake(printer)
        return answer

    def cancel_burst(
        self, source: str, start: float, end: float, reason: str, actor: Actor
    ) -> list[str]:
        """Cancel every waiting number `source` took between two times, in one action: each
        ticket with its own event, then the burst itself logged with who cancelled it."""
        hall = self.hall
        burst = sorted(
            (
                t
                for t in hall.queue.tickets.values()
                if t.status is TicketStatus.WAITING
                and t.source == source
                and start <= t.taken_at <= end
            ),
            key=lambda t: t.id,
        )
        for t in burst:
            hall.act(functools.partial(hall.queue.cancel, t.id, reason), actor, None)
        numbers = [t.number for t in burst]
        summary: BurstCancelled = {
            "source": source,
            "from": start,
            "to": end,
            "reason": reason,
            "count": len(numbers),
            "numbers": numbers,
        }
        hall.record(EventType.TICKETS_BURST_CANCELLED, summary, actor.username)
        return numbers

    def _start_day(self) -> None:
        today = self.hall.now().date().isoformat()
        if self.limits.day != today:
            self.limits.start_day(today, self.hall.store.issued_by_source(today))

    def reprint(self, ticket_id: int, printer: str | None, actor: str, base_url: str) -> int:
        """Print a ticket's slip again, marked 补打; logged with who asked."""
        ticket = self.hall.queue.tickets.get(ticket_id) or self.hall.store.ticket(ticket_id)
        if ticket is None:
            raise DomainError("ticket_unknown", ticket=ticket_id)
        before = jobs.jobs_for_ticket(self.hall.store.conn, ticket_id)
        target = printer or (before[-1].printer if before else None)
        if target is None:
            raise DomainError("missing_field", field="printer")
        if target not in self.printing.statuses:
            raise DomainError("printer_unknown", printer=target)
        view = self.hall.ticket(ticket_id)
        slip = self.slip(
            ticket,
            view.get("waiting_ahead", 0),
            view.get("estimate_minutes"),
            base_url,
            reprint=True,
        )

        def write(c: sqlite3.Connection) -> PrintJobView:
            job_id = jobs.add_job(c, ticket.id, target, None, slip, self.hall.clock.time(), actor)
            found = jobs.job(c, job_id)
            assert found is not None
            return found.view()  # the event carries the job as stored

        job = self.hall.record_made(EventType.PRINT_JOB, actor, write)
        self.printing.wake(target)
        return job["id"]

    def link(self, token: str, base_url: str) -> str:
        return f"{self.texts.public_url or base_url.rstrip('/')}/t/{token}"

    def slip(
        self,
        ticket: Ticket,
        ahead: int,
        estimate: int | None,
        base_url: str,
        reprint: bool = False,
    ) -> SlipData:
        config = self.hall.config
        service = config.services[ticket.service]
        tz = config.hall.timezone
        return SlipData(
            hall_name=config.hall.name,
            department=config.departments[service.department].name,
            service_name=service.name,
            number=ticket.number,
            waiting_ahead=ahead,
            estimate_minutes=estimate,
            issued_at=datetime.fromtimestamp(ticket.taken_at, tz),
            qr_url=self.link(ticket.token, base_url),
            label=_LANE_LABELS.get(ticket.lane),
            closing_lines=self.texts.closing_lines,
            reprint=reprint,
            qr_caption=self.texts.qr_caption,
        )
