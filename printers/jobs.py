"""Print jobs: every slip to print is stored first, so none is lost and none printed twice."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlite_utils

from hall.payloads import PrintJobView
from hall.storage import migrations_of
from printers.slip import SlipData


class JobStatus(StrEnum):
    QUEUED = "queued"  # waiting for its printer; also after a failure that sent nothing
    PRINTING = "printing"
    PRINTED = "printed"
    INTERRUPTED = "interrupted"  # cut off mid-job: it may or may not have come out
    EXPIRED = "expired"  # its printer came back too late: the visitor has long gone


@dataclass(frozen=True, slots=True)
class PrintJob:
    id: int
    ticket: int
    printer: str
    kiosk: str | None
    status: JobStatus
    reprint: bool
    slip: SlipData
    requested_by: str | None
    created_at: float
    attempts: int
    printed_at: float | None
    error: str | None

    def view(self) -> PrintJobView:
        return {
            "id": self.id,
            "ticket": self.ticket,
            "number": self.slip.number,
            "printer": self.printer,
            "kiosk": self.kiosk,
            "status": self.status.value,
            "reprint": self.reprint,
            "requested_by": self.requested_by,
            "created_at": self.created_at,
            "attempts": self.attempts,
            "printed_at": self.printed_at,
            "error": self.error,
        }


def slip_to_json(slip: SlipData) -> str:
    data = asdict(slip)
    data["issued_at"] = slip.issued_at.isoformat()
    data["closing_lines"] = list(slip.closing_lines)
    return json.dumps(data, ensure_ascii=False)


def slip_from_json(text: str) -> SlipData:
    data = json.loads(text)
    data["issued_at"] = datetime.fromisoformat(data["issued_at"])
    data["closing_lines"] = tuple(data["closing_lines"])
    return SlipData(**data)


def add_job(
    c: sqlite3.Connection,
    ticket: int,
    printer: str,
    kiosk: str | None,
    slip: SlipData,
    at: float,
    requested_by: str | None = None,
) -> int:
    cur = c.execute(
        "INSERT INTO print_jobs (ticket, printer, kiosk, status, reprint, slip, requested_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            ticket,
            printer,
            kiosk,
            JobStatus.QUEUED.value,
            int(slip.reprint),
            slip_to_json(slip),
            requested_by,
            at,
        ),
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


_COLUMNS = (
    "id, ticket, printer, kiosk, status, reprint, slip, requested_by, created_at, attempts, "
    "printed_at, error"
)


def _job(row: tuple[Any, ...]) -> PrintJob:
    return PrintJob(
        id=row[0],
        ticket=row[1],
        printer=row[2],
        kiosk=row[3],
        status=JobStatus(row[4]),
        reprint=bool(row[5]),
        slip=slip_from_json(row[6]),
        requested_by=row[7],
        created_at=row[8],
        attempts=row[9],
        printed_at=row[10],
        error=row[11],
    )


def job(c: sqlite3.Connection, job_id: int) -> PrintJob | None:
    row = c.execute(f"SELECT {_COLUMNS} FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
    return _job(row) if row else None


def next_job(c: sqlite3.Connection, printer: str) -> PrintJob | None:
    row = c.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE printer = ? AND status = ? ORDER BY id LIMIT 1",
        (printer, JobStatus.QUEUED.value),
    ).fetchone()
    return _job(row) if row else None


def jobs_for_ticket(c: sqlite3.Connection, ticket: int) -> list[PrintJob]:
    rows = c.execute(
        f"SELECT {_COLUMNS} FROM print_jobs WHERE ticket = ? ORDER BY id", (ticket,)
    ).fetchall()
    return [_job(r) for r in rows]


def queued_count(c: sqlite3.Connection, printer: str) -> int:
    row = c.execute(
        "SELECT COUNT(*) FROM print_jobs WHERE printer = ? AND status = ?",
        (printer, JobStatus.QUEUED.value),
    ).fetchone()
    return int(row[0])


def set_status(
    c: sqlite3.Connection,
    job_id: int,
    status: JobStatus,
    at: float,
    error: str | None = None,
    attempted: bool = False,
) -> None:
    c.execute(
        "UPDATE print_jobs SET status = ?, error = ?, attempts = attempts + ?, "
        "printed_at = CASE WHEN ? = 'printed' THEN ? ELSE printed_at END WHERE id = ?",
        (status.value, error, int(attempted), status.value, at, job_id),
    )


def cut_off_by_a_crash(c: sqlite3.Connection) -> list[int]:
    """Jobs that were printing when the server died: we cannot know whether they came out."""
    rows = c.execute(
        "SELECT id FROM print_jobs WHERE status = ?", (JobStatus.PRINTING.value,)
    ).fetchall()
    return [r[0] for r in rows]


def m003_print_jobs(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY,
            ticket INTEGER NOT NULL,
            printer TEXT NOT NULL,
            kiosk TEXT,
            status TEXT NOT NULL,
            reprint INTEGER NOT NULL DEFAULT 0,
            slip TEXT NOT NULL,
            requested_by TEXT,
            created_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            printed_at REAL,
            error TEXT
        )"""
    )
    db.execute("CREATE INDEX print_jobs_queue ON print_jobs (printer, status, id)")
    db.execute("CREATE INDEX print_jobs_ticket ON print_jobs (ticket)")


MIGRATIONS = migrations_of(m003_print_jobs)
