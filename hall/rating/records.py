"""SQLite for 好差评: append-only evaluation records, work orders and their steps.

Every function takes a connection and runs inside the caller's transaction; none commits.
Columns are named after the dataclass fields they hold.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

import sqlite_utils

from hall.rating.rules import Channel, EvaluationRecord, Level
from hall.rating.work_orders import (
    Action,
    AppealGround,
    ContactResult,
    HandlingSatisfaction,
    OrderStatus,
    Step,
    WorkOrder,
)
from hall.storage import migrations_of


def m004_evaluations(db: sqlite_utils.Database) -> None:
    """Evaluations, work orders and their steps. Needs m001's tickets table for defaults."""
    db.execute(
        """CREATE TABLE evaluations (
            id TEXT PRIMARY KEY,
            ticket_id INTEGER NOT NULL,
            ticket_number TEXT NOT NULL,
            service_id TEXT NOT NULL,
            service_name TEXT NOT NULL,
            department_id TEXT NOT NULL,
            department_name TEXT NOT NULL,
            window INTEGER NOT NULL,
            staff TEXT,
            staff_name TEXT,
            channel TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
            reason TEXT,
            comment TEXT,
            taken_at REAL NOT NULL,
            called_at REAL NOT NULL,
            started_at REAL NOT NULL,
            finished_at REAL NOT NULL,
            rated_at REAL NOT NULL,
            wait_seconds REAL NOT NULL,
            handling_seconds REAL NOT NULL,
            corrects TEXT REFERENCES evaluations (id),
            is_default INTEGER NOT NULL DEFAULT 0,
            corrected_by TEXT,
            correction_note TEXT,
            applicant_name TEXT,
            applicant_id_number TEXT,
            applicant_phone TEXT
        )"""
    )
    # 一次一评 holds even against two requests racing: one original record per ticket,
    # and each record corrected at most once, so corrections form a single chain.
    db.execute(
        "CREATE UNIQUE INDEX evaluations_one_per_ticket ON evaluations (ticket_id) "
        "WHERE corrects IS NULL"
    )
    db.execute(
        "CREATE UNIQUE INDEX evaluations_corrected_once ON evaluations (corrects) "
        "WHERE corrects IS NOT NULL"
    )
    db.execute("CREATE INDEX evaluations_finished ON evaluations (finished_at)")
    db.execute(
        """CREATE TABLE work_orders (
            id INTEGER PRIMARY KEY,
            evaluation_id TEXT NOT NULL UNIQUE REFERENCES evaluations (id),
            ticket_number TEXT NOT NULL,
            level INTEGER NOT NULL,
            reason TEXT,
            comment TEXT,
            staff TEXT,
            staff_name TEXT,
            department_id TEXT NOT NULL,
            department_name TEXT NOT NULL,
            managers TEXT NOT NULL,
            status TEXT NOT NULL,
            opened_at REAL NOT NULL,
            callback_due REAL NOT NULL,
            fix_due REAL NOT NULL,
            deadlines_estimated INTEGER NOT NULL DEFAULT 0,
            called_back_at REAL,
            contact_result TEXT,
            resolution TEXT,
            plan TEXT,
            plan_due REAL,
            rectified_at REAL,
            told_at REAL,
            satisfaction TEXT,
            closed_at REAL,
            appeal_ground TEXT,
            appeal_by TEXT,
            appeal_accepted INTEGER,
            resumes TEXT
        )"""
    )
    db.execute("CREATE INDEX work_orders_open ON work_orders (status) WHERE status != 'closed'")
    db.execute(
        """CREATE TABLE work_order_steps (
            order_id INTEGER NOT NULL REFERENCES work_orders (id),
            seq INTEGER NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            at REAL NOT NULL,
            note TEXT,
            value TEXT,
            PRIMARY KEY (order_id, seq)
        )"""
    )
    # Records and steps are history: the database itself refuses to rewrite them.
    for table in ("evaluations", "work_order_steps"):
        for op in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
            )


_EVAL_COLUMNS = tuple(f.name for f in fields(EvaluationRecord))
_ORDER_COLUMNS = tuple(f.name for f in fields(WorkOrder) if f.name != "steps")
_STEP_COLUMNS = ("order_id", "seq", "action", "actor", "at", "note", "value")


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _rows(cur: sqlite3.Cursor) -> list[sqlite3.Row]:
    """The rows, read by column name."""
    cur.row_factory = sqlite3.Row
    return cur.fetchall()


# -- evaluations ----------------------------------------------------------------------------


def insert_evaluation(c: sqlite3.Connection, record: EvaluationRecord) -> None:
    values = [getattr(record, name) for name in _EVAL_COLUMNS]
    values = [v.value if isinstance(v, Channel | Level) else v for v in values]
    c.execute(_insert_sql("evaluations", _EVAL_COLUMNS), values)


def _record(row: sqlite3.Row) -> EvaluationRecord:
    return EvaluationRecord(
        **{
            **dict(row),
            "channel": Channel(row["channel"]),
            "level": Level(row["level"]),
            "is_default": bool(row["is_default"]),
        }
    )


def _select_evaluations(c: sqlite3.Connection, where: str, params: Any) -> list[EvaluationRecord]:
    sql = f"SELECT {', '.join(_EVAL_COLUMNS)} FROM evaluations WHERE {where} ORDER BY rowid"
    return [_record(r) for r in _rows(c.execute(sql, params))]


def get_evaluation(c: sqlite3.Connection, record_id: str) -> EvaluationRecord | None:
    found = _select_evaluations(c, "id = ?", (record_id,))
    return found[0] if found else None


def evaluations_for_ticket(c: sqlite3.Connection, ticket_id: int) -> list[EvaluationRecord]:
    """Every record of a ticket, the original first, then its corrections in order."""
    return _select_evaluations(c, "ticket_id = ?", (ticket_id,))


def evaluations_finished_between(
    c: sqlite3.Connection, start: float, end: float
) -> list[EvaluationRecord]:
    """Records of services finished in [start, end), corrections included (for reports)."""
    return _select_evaluations(c, "finished_at >= ? AND finished_at < ?", (start, end))


def unrated_ticket_ids(c: sqlite3.Connection, finished_before: float) -> list[int]:
    """Served tickets finished before a time with no rating at all: candidates for defaults."""
    rows = c.execute(
        "SELECT t.id FROM tickets t WHERE t.status = 'done' AND t.finished_at < ? "
        "AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.ticket_id = t.id) ORDER BY t.id",
        (finished_before,),
    ).fetchall()
    return [int(r[0]) for r in rows]


# -- work orders ----------------------------------------------------------------------------


def next_work_order_id(c: sqlite3.Connection) -> int:
    """Safe inside the caller's BEGIN IMMEDIATE: no other writer can take the same id."""
    return int(c.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM work_orders").fetchone()[0])


def save_work_order(c: sqlite3.Connection, order: WorkOrder) -> None:
    """Store the order's current state and append the steps not stored yet."""
    stored = c.execute(
        "SELECT COUNT(*) FROM work_order_steps WHERE order_id = ?", (order.id,)
    ).fetchone()[0]
    if stored > len(order.steps):
        raise RuntimeError(f"work order {order.id} is stale: {stored} steps are stored already")
    values = [_plain(getattr(order, name)) for name in _ORDER_COLUMNS]
    updates = ", ".join(f"{n} = excluded.{n}" for n in _ORDER_COLUMNS if n != "id")
    c.execute(
        f"{_insert_sql('work_orders', _ORDER_COLUMNS)} ON CONFLICT (id) DO UPDATE SET {updates}",
        values,
    )
    c.executemany(
        _insert_sql("work_order_steps", _STEP_COLUMNS),
        [
            (order.id, seq, s.action.value, s.by, s.at, s.note, s.value)
            for seq, s in enumerate(order.steps[stored:], start=stored + 1)
        ],
    )


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Level):
        return int(value)
    return value.value if isinstance(value, OrderStatus | Action) else value


def _load_orders(c: sqlite3.Connection, where: str, params: Any) -> list[WorkOrder]:
    cols = ", ".join(f"o.{n}" for n in _ORDER_COLUMNS)
    rows = _rows(c.execute(f"SELECT {cols} FROM work_orders o WHERE {where} ORDER BY o.id", params))
    if not rows:
        return []
    steps: dict[int, list[Step]] = {r["id"]: [] for r in rows}
    for s in _rows(
        c.execute(
            "SELECT s.order_id, s.action, s.actor, s.at, s.note, s.value FROM work_order_steps s "
            f"JOIN work_orders o ON o.id = s.order_id WHERE {where} ORDER BY s.order_id, s.seq",
            params,
        )
    ):
        step = Step(Action(s["action"]), s["actor"], s["at"], s["note"], s["value"])
        steps[s["order_id"]].append(step)
    return [_order(r, tuple(steps[r["id"]])) for r in rows]


def _order(r: sqlite3.Row, steps: tuple[Step, ...]) -> WorkOrder:
    def opt(kind: Any, name: str) -> Any:
        return None if r[name] is None else kind(r[name])

    return WorkOrder(
        **{
            **dict(r),
            "level": Level(r["level"]),
            "managers": tuple(json.loads(r["managers"])),
            "status": OrderStatus(r["status"]),
            "deadlines_estimated": bool(r["deadlines_estimated"]),
            "contact_result": opt(ContactResult, "contact_result"),
            "resolution": opt(Action, "resolution"),
            "satisfaction": opt(HandlingSatisfaction, "satisfaction"),
            "appeal_ground": opt(AppealGround, "appeal_ground"),
            "appeal_accepted": opt(bool, "appeal_accepted"),
            "resumes": opt(OrderStatus, "resumes"),
            "steps": steps,
        }
    )


def get_work_order(c: sqlite3.Connection, order_id: int) -> WorkOrder | None:
    found = _load_orders(c, "o.id = ?", (order_id,))
    return found[0] if found else None


def work_order_for_evaluation(c: sqlite3.Connection, evaluation_id: str) -> WorkOrder | None:
    found = _load_orders(c, "o.evaluation_id = ?", (evaluation_id,))
    return found[0] if found else None


def open_work_orders(c: sqlite3.Connection) -> list[WorkOrder]:
    """Orders not closed yet: the ones to check for overdue deadlines."""
    return _load_orders(c, "o.status != 'closed'", ())


def work_orders_finished_between(
    c: sqlite3.Connection, start: float, end: float
) -> list[WorkOrder]:
    """Orders of the reviews of services finished in [start, end), to match the records."""
    return _load_orders(
        c,
        "o.evaluation_id IN "
        "(SELECT id FROM evaluations WHERE finished_at >= ? AND finished_at < ?)",
        (start, end),
    )


def insert_evaluations(c: sqlite3.Connection, records: Iterable[EvaluationRecord]) -> None:
    """Many records at once (default ratings at night)."""
    for record in records:
        insert_evaluation(c, record)


def m012_rating_corrections(db: sqlite_utils.Database) -> None:
    """Corrections of whom a rating is about: proposed by one manager, approved or rejected
    by another, every step kept and never rewritten."""
    db.execute(
        """CREATE TABLE rating_correction_steps (
            proposal INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            at REAL NOT NULL,
            record_id TEXT NOT NULL,
            note TEXT NOT NULL,
            changes TEXT NOT NULL,
            PRIMARY KEY (proposal, seq)
        )"""
    )
    for op in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER rating_correction_steps_no_{op.lower()} BEFORE {op} "
            "ON rating_correction_steps "
            "BEGIN SELECT RAISE(ABORT, 'rating_correction_steps are append-only'); END"
        )


@dataclass(frozen=True, slots=True)
class CorrectionStep:
    proposal: int
    seq: int
    action: str  # proposed, approved, rejected
    actor: str
    at: float
    record_id: str
    note: str
    changes: dict[str, Any]


def add_correction_step(c: sqlite3.Connection, step: CorrectionStep) -> None:
    c.execute(
        "INSERT INTO rating_correction_steps VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            step.proposal,
            step.seq,
            step.action,
            step.actor,
            step.at,
            step.record_id,
            step.note,
            json.dumps(step.changes, ensure_ascii=False),
        ),
    )


def next_correction_id(c: sqlite3.Connection) -> int:
    row = c.execute("SELECT COALESCE(MAX(proposal), 0) + 1 FROM rating_correction_steps")
    return int(row.fetchone()[0])


def correction_steps(c: sqlite3.Connection, proposal: int | None = None) -> list[CorrectionStep]:
    """Every step of one proposal, or of all of them, oldest first."""
    where, params = ("WHERE proposal = ?", (proposal,)) if proposal is not None else ("", ())
    rows = c.execute(
        "SELECT proposal, seq, action, actor, at, record_id, note, changes "
        f"FROM rating_correction_steps {where} ORDER BY proposal, seq",
        params,
    ).fetchall()
    return [
        CorrectionStep(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7])) for r in rows
    ]


MIGRATIONS = migrations_of(m004_evaluations, m012_rating_corrections)
