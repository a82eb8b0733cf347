"""The spooler: one task per printer prints its stored jobs in order and watches its status.

Device calls block (sockets with timeouts), so they run on a thread pool of the spooler's
own, never on the event loop and never in the pool that checks passwords. Each job's state
is committed with an event before and after printing: a job is never silently printed twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypedDict

from hall.events import EventType
from hall.hall import Hall
from hall.payloads import PrinterStatusEvent, PrintJobView
from printers import jobs
from printers.errors import PrinterError, PrintInterruptedError
from printers.jobs import JobStatus, PrintJob
from printers.slip import PaperWidth, Slip, build_slip
from printers.status import PrinterStatus

log = logging.getLogger("hallcall.printers")


class PrintTarget(Protocol):
    """A printer as the spooler uses it: a local device or one behind a printer agent."""

    @property
    def paper(self) -> PaperWidth: ...

    def print_slip(self, slip: Slip) -> PrinterStatus: ...

    def status(self) -> PrinterStatus: ...


class PrinterView(TypedDict):
    """A printer as staff pages list it."""

    name: str
    status: str  # a PrinterStatus, or "unknown" before the first check
    description: str
    paper: int  # mm
    queued: int
    last_error: str | None


class Spooler:
    def __init__(
        self,
        hall: Hall,
        targets: Mapping[str, PrintTarget],
        poll_seconds: float = 2.0,
        max_age_seconds: float = 300.0,
    ) -> None:
        self.hall = hall
        self.targets = dict(targets)
        self.poll_seconds = poll_seconds
        self.max_age_seconds = max_age_seconds
        self.statuses: dict[str, PrinterStatus | None] = dict.fromkeys(targets)
        self.errors: dict[str, str | None] = dict.fromkeys(targets)
        self._wake = {name: asyncio.Event() for name in targets}
        self._pool = ThreadPoolExecutor(max(1, min(16, len(targets))), "printer")
        self._tasks: list[asyncio.Task[None]] = []

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        self._settle_crashed_jobs()
        self._tasks = [
            asyncio.create_task(self._run(name), name=f"printer {name}") for name in self.targets
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._pool.shutdown(wait=False, cancel_futures=True)

    def wake(self, printer: str) -> None:
        """A job was queued: print it now rather than at the next poll."""
        if printer in self._wake:
            self._wake[printer].set()

    # -- reading ---------------------------------------------------------------------------

    def view(self) -> list[PrinterView]:
        c = self.hall.store.conn
        out: list[PrinterView] = []
        for name, target in self.targets.items():
            status = self.statuses[name]
            out.append(
                {
                    "name": name,
                    "status": status.value if status else "unknown",
                    "description": status.description if status else "尚未检测 / not checked yet",
                    "paper": target.paper.value,
                    "queued": jobs.queued_count(c, name),
                    "last_error": self.errors[name],
                }
            )
        return out

    # -- the work --------------------------------------------------------------------------

    async def _run(self, name: str) -> None:
        await self._poll(name)
        while True:
            try:
                job = jobs.next_job(self.hall.store.conn, name)
                status = self.statuses[name]
                if (
                    job is not None
                    and self.hall.clock.time() - job.created_at > self.max_age_seconds
                ):
                    self._set_job(job, JobStatus.EXPIRED, "打印机恢复时已超时 / too late to print")
                    continue
                if job is not None and status is not None and status.can_print:
                    await self._print(name, job)
                    continue
                wake = self._wake[name]
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self.poll_seconds)
                if not wake.is_set() or job is not None:
                    await self._poll(name)  # idle, or a job waits for its printer to return
                wake.clear()
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug in one printer's loop must not stop its printing for good
                log.exception("printer %s: spooler error", name)
                await asyncio.sleep(self.poll_seconds)

    async def _poll(self, name: str) -> None:
        loop = asyncio.get_running_loop()
        status = await loop.run_in_executor(self._pool, self.targets[name].status)
        self._set_status(name, status)

    async def _print(self, name: str, job: PrintJob) -> None:
        target = self.targets[name]
        self._set_job(job, JobStatus.PRINTING)
        loop = asyncio.get_running_loop()
        try:
            slip = build_slip(job.slip, target.paper)
            status = await loop.run_in_executor(self._pool, target.print_slip, slip)
        except PrintInterruptedError as err:  # some bytes went out: a human must decide
            self._set_job(job, JobStatus.INTERRUPTED, str(err), attempted=True)
            self._set_status(name, err.status, str(err))
        except PrinterError as err:  # nothing was sent: keep it queued for when it is back
            self._set_job(job, JobStatus.QUEUED, str(err), attempted=True)
            self._set_status(name, err.status, str(err))
        except Exception as err:  # a bug or a broken font: never leave a job "printing" for good
            log.exception("printer %s: job %d failed", name, job.id)
            note = f"打印出错，请补打 / printing failed, reprint it: {type(err).__name__}: {err}"
            self._set_job(job, JobStatus.INTERRUPTED, note, attempted=True)
            self.errors[name] = note
        else:
            self._set_job(job, JobStatus.PRINTED, attempted=True)
            self._set_status(name, status)

    def _set_job(
        self, job: PrintJob, status: JobStatus, error: str | None = None, attempted: bool = False
    ) -> None:
        at = self.hall.clock.time()

        def write(c: sqlite3.Connection) -> None:
            jobs.set_status(c, job.id, status, at, error, attempted)

        data: PrintJobView = {**job.view(), "status": status.value, "error": error}
        if status is JobStatus.PRINTED:
            data["printed_at"] = at
        self.hall.record(EventType.PRINT_JOB, data, job.requested_by, write)

    def _set_status(self, name: str, status: PrinterStatus, error: str | None = None) -> None:
        if error is not None or status.can_print:
            self.errors[name] = error
        if self.statuses[name] is status:
            return
        self.statuses[name] = status
        data = PrinterStatusEvent(printer=name, status=status.value, description=status.description)
        self.hall.record(EventType.PRINTER_STATUS, data, None)
        if not status.can_print:
            log.warning("printer %s: %s", name, status.description)

    def _settle_crashed_jobs(self) -> None:
        c = self.hall.store.conn
        for job_id in jobs.cut_off_by_a_crash(c):
            found = jobs.job(c, job_id)
            if found is not None:
                note = "打印中服务器重启，可能未打出，如需请补打 / cut off by a restart: reprint"
                self._set_job(found, JobStatus.INTERRUPTED, note)
