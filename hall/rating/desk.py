"""好差评 at work: a rating is stored with the work order it opens, in one transaction,
then announced; work orders step forward by who is allowed; daily jobs give default
ratings and flag overdue work orders."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any, TypedDict

from hall.actors import Actor, Role
from hall.errors import DomainError
from hall.events import Event, EventType
from hall.hall import Hall
from hall.model import TicketStatus
from hall.payloads import Rating, RatingCorrection, RatingInvitation, WorkOrderEvent
from hall.people.accounts import managers, staff_name, staff_names
from hall.rating import records as records
from hall.rating import work_orders as wo
from hall.rating.rules import (
    Channel,
    EvaluationRecord,
    EvaluationSettings,
    Level,
    Rater,
    ServedTicket,
    correct,
    default_ratings,
    needs_work_order,
    rate,
    served_ticket,
)
from hall.rating.views import LevelChoice, PadSettings, RatingAnswer, record_view
from hall.rating.work_orders import AppealGround, ContactResult, HandlingSatisfaction, WorkOrder


class StepFields(TypedDict, total=False):
    """What a work-order step says beside its note, by step."""

    note: str | None
    result: str  # call-back: a ContactResult
    plan: str | None  # plan-fix
    due: str | None  # plan-fix: YYYY-MM-DD
    satisfaction: str  # satisfaction: a HandlingSatisfaction
    ground: str  # appeal: an AppealGround
    accepted: bool | None  # review-appeal


# A pad's offer stays open this much longer than the pad shows it, for a slow network.
OFFER_GRACE_SECONDS = 30


class Ratings:
    def __init__(self, hall: Hall, settings: EvaluationSettings) -> None:
        self.hall = hall
        self.settings = settings
        # window -> (ticket id, when): what that window's pad is asking the visitor to rate.
        # A pad rates only this, so whoever holds the pad cannot rate other tickets.
        self.offers: dict[int, tuple[int, float]] = {}

    def observe(self, event: Event) -> None:
        """Called after every committed event: a finished service or an invitation puts the
        five levels on that window's pad."""
        if event.type in (EventType.TICKET_FINISHED, EventType.RATING_INVITED):
            window, about = event.data.get("window"), event.data.get("ticket")
            ticket = about.get("id") if isinstance(about, dict) else None
            if isinstance(window, int) and isinstance(ticket, int):
                self.offers[window] = (ticket, event.at)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.hall.store.conn

    # -- rating ----------------------------------------------------------------------------

    def served(self, ticket_id: int) -> ServedTicket:
        ticket = self.hall.queue.tickets.get(ticket_id) or self.hall.store.ticket(ticket_id)
        if ticket is None:
            raise DomainError("ticket_unknown", ticket=ticket_id)
        return served_ticket(ticket, self.hall.config, staff_name(self.conn, ticket.staff))

    def rate(
        self,
        ticket_id: int,
        rater: Rater,
        level: object,
        reason: str | None,
        comment: str | None,
    ) -> RatingAnswer:
        served = self.served(ticket_id)
        existing = records.evaluations_for_ticket(self.conn, ticket_id)
        now = self.hall.clock.time()
        if rater.channel is Channel.PAD and rater.staff_user is None:
            if existing:  # a second tap: say 一次一评, the clearest answer
                raise DomainError("rating_already_given", ticket=served.number)
            offered = self.offers.get(rater.window or 0)
            limit = self.settings.pad_idle_seconds + OFFER_GRACE_SECONDS
            if offered is None or offered[0] != ticket_id or now - offered[1] > limit:
                raise DomainError("rating_not_offered", ticket=served.number)
        record = rate(
            served,
            rater,
            level,
            reason=reason,
            comment=comment,
            existing=existing,
            settings=self.settings,
            now=now,
        )
        order: WorkOrder | None = None

        def write(c: sqlite3.Connection) -> None:
            nonlocal order
            records.insert_evaluation(c, record)
            if needs_work_order(record):
                order = wo.open_work_order(
                    record,
                    records.next_work_order_id(c),
                    self.managers(),
                    self.settings,
                    self.hall.config.hall.timezone,
                    now,
                )
                records.save_work_order(c, order)

        data: Rating = {
            "evaluation": record.id,
            "ticket": {"id": record.ticket_id},
            "number": record.ticket_number,
            "window": record.window,
            "staff": record.staff,
            "level": int(record.level),
            "level_name": record.level.zh,
            "channel": record.channel.value,
        }
        self.hall.record(EventType.RATED, data, None, write)
        if rater.channel is Channel.PAD:
            self.offers.pop(record.window, None)
        if order is not None:
            self._announce_order(EventType.WORK_ORDER_OPENED, order, None)
        return {"evaluation": record_view(record), "work_order": order.id if order else None}

    def propose_correction(
        self,
        record_id: str,
        actor: Actor,
        note: str,
        service: str | None = None,
        window: int | None = None,
        staff: str | None = None,
    ) -> dict[str, Any]:
        """A manager proposes whom or what a rating should be attributed to; nothing changes
        until another manager approves. Whoever was rated may not propose."""
        original, fixed = self._corrected(record_id, actor, note, service, window, staff)
        changes = {"service": service, "window": window, "staff": staff}
        with self.hall.store.transaction() as c:
            step = records.CorrectionStep(
                records.next_correction_id(c),
                1,
                "proposed",
                actor.username,
                self.hall.clock.time(),
                original.id,
                fixed.correction_note or note,
                changes,
            )
            records.add_correction_step(c, step)
        return self._proposal_view([step])

    def decide_correction(self, proposal: int, actor: Actor, approve: bool) -> dict[str, Any]:
        """Another manager approves (the new record is written) or rejects a proposal. The
        proposer and whoever was rated may not decide it."""
        steps = records.correction_steps(self.conn, proposal)
        if not steps:
            raise DomainError("correction_unknown", proposal=proposal)
        first = steps[0]
        if len(steps) > 1:
            raise DomainError("correction_decided", proposal=proposal)
        if actor.username == first.actor:
            raise DomainError("correction_needs_second_person")
        ch = first.changes
        original, fixed = self._corrected(
            first.record_id, actor, first.note, ch.get("service"), ch.get("window"), ch.get("staff")
        )
        fixed = replace(fixed, corrected_by=first.actor)  # who proposed; the approval is a step
        decision = records.CorrectionStep(
            proposal,
            2,
            "approved" if approve else "rejected",
            actor.username,
            self.hall.clock.time(),
            original.id,
            first.note,
            {"evaluation": fixed.id} if approve else {},
        )

        def write(c: sqlite3.Connection) -> None:
            records.add_correction_step(c, decision)
            if approve:
                records.insert_evaluation(c, fixed)

        if approve:
            data: RatingCorrection = {
                "evaluation": fixed.id,
                "corrects": original.id,
                "number": fixed.ticket_number,
                "staff": fixed.staff,
                "window": fixed.window,
                "proposal": proposal,
                "approved_by": actor.username,
            }
            self.hall.record(EventType.RATING_CORRECTED, data, actor.username, write)
        else:
            with self.hall.store.transaction() as c:
                write(c)
        return self._proposal_view([first, decision])

    def corrections(self) -> list[dict[str, Any]]:
        """Every proposal with its decision, newest first."""
        by_proposal: dict[int, list[records.CorrectionStep]] = {}
        for step in records.correction_steps(self.conn):
            by_proposal.setdefault(step.proposal, []).append(step)
        return [self._proposal_view(s) for _, s in sorted(by_proposal.items(), reverse=True)]

    @staticmethod
    def _proposal_view(steps: list[records.CorrectionStep]) -> dict[str, Any]:
        first, last = steps[0], steps[-1]
        return {
            "id": first.proposal,
            "record": first.record_id,
            "note": first.note,
            "changes": first.changes,
            "proposed_by": first.actor,
            "proposed_at": first.at,
            "state": "open" if len(steps) == 1 else last.action,
            "decided_by": last.actor if len(steps) > 1 else None,
            "decided_at": last.at if len(steps) > 1 else None,
            "evaluation": last.changes.get("evaluation"),
        }

    def _corrected(
        self,
        record_id: str,
        actor: Actor,
        note: str,
        service: str | None,
        window: int | None,
        staff: str | None,
    ) -> tuple[EvaluationRecord, EvaluationRecord]:
        """The record and its corrected version, checked by the rules (not stored)."""
        original = records.get_evaluation(self.conn, record_id)
        if original is None:
            raise DomainError("evaluation_unknown", record=record_id)
        if actor.username == original.staff:
            raise DomainError("rating_own_review")
        config = self.hall.config
        service_pair = department_pair = staff_pair = None
        if service is not None:
            spec = self.hall.queue.service(service)
            dep = config.departments[spec.department]
            service_pair, department_pair = (spec.id, spec.name), (dep.id, dep.name)
        if window is not None:
            self.hall.queue.window_spec(window)
        if staff is not None:
            name = self.names().get(staff)
            if name is None:
                raise DomainError("user_unknown", username=staff)
            staff_pair = (staff, name)
        existing = records.evaluations_for_ticket(self.conn, original.ticket_id)
        fixed = correct(
            original,
            existing=existing,
            by=actor.username,
            note=note,
            now=self.hall.clock.time(),
            service=service_pair,
            department=department_pair,
            window=window,
            staff=staff_pair,
        )
        return original, fixed

    def names(self) -> dict[str, str]:
        return staff_names(self.conn)

    def is_rated(self, ticket_id: int) -> bool:
        return bool(records.evaluations_for_ticket(self.conn, ticket_id))

    def invite(self, window: int, actor: Actor) -> RatingInvitation:
        """The staff member asks the visitor to rate the service just finished at the window."""
        w = self.hall.queue.window(window)
        row = self.conn.execute(
            "SELECT id FROM tickets WHERE window = ? AND status = ? ORDER BY finished_at DESC "
            "LIMIT 1",
            (w.number, TicketStatus.DONE.value),
        ).fetchone()
        if row is None:
            raise DomainError("nothing_to_rate", window=window)
        served = self.served(row[0])
        if records.evaluations_for_ticket(self.conn, served.ticket_id):
            raise DomainError("rating_already_given", ticket=served.number)
        data: RatingInvitation = {
            "window": window,
            "ticket": {"id": served.ticket_id},
            "number": served.number,
            "staff_name": served.staff_name,
        }
        self.hall.record(EventType.RATING_INVITED, data, actor.username)
        return data

    def managers(self) -> tuple[str, ...]:
        return managers(self.conn)

    # -- work orders -----------------------------------------------------------------------

    def order(self, order_id: int) -> WorkOrder:
        found = records.get_work_order(self.conn, order_id)
        if found is None:
            raise DomainError("work_order_unknown", order=order_id)
        return found

    def step(self, order_id: int, action: str, actor: Actor, fields: StepFields) -> WorkOrder:
        """Take one step on a work order. Managers take every step; the staff member who
        served may appeal their own review."""
        order = self.order(order_id)
        now = self.hall.clock.time()
        by = actor.username
        is_manager = actor.can(Role.MANAGER)
        if order.staff == by and action != "appeal":  # 谁办理谁负责, but not for their own
            raise DomainError("rating_own_review")
        if not is_manager and not (action == "appeal" and order.staff == by):
            raise DomainError("role_required", role=Role.MANAGER.value, role_zh=Role.MANAGER.zh)
        note = fields.get("note")
        new = self._take(order, action, by, now, note, fields)

        def write(c: sqlite3.Connection) -> None:
            records.save_work_order(c, new)

        self._announce_order(EventType.WORK_ORDER_STEP, new, by, write)
        return new

    def _take(
        self,
        o: WorkOrder,
        action: str,
        by: str,
        now: float,
        note: str | None,
        f: StepFields,
    ) -> WorkOrder:
        tz = self.hall.config.hall.timezone
        if action == "call-back":
            return wo.call_back(o, by, now, ContactResult(f["result"]), note)
        if action == "fix-now":
            return wo.fix_now(o, by, now, note or "")
        if action == "plan-fix":
            due_text = f.get("due")
            due = date.fromisoformat(due_text) if due_text else None
            return wo.plan_fix(o, by, now, f.get("plan") or "", due, tz)
        if action == "complete-fix":
            return wo.complete_fix(o, by, now, note or "")
        if action == "explain":
            return wo.explain(o, by, now, note or "")
        if action == "tell":
            return wo.tell_visitor(o, by, now, note)
        if action == "satisfaction":
            return wo.record_satisfaction(o, by, now, HandlingSatisfaction(f["satisfaction"]), note)
        if action == "close":
            return wo.close(o, by, now, note)
        if action == "appeal":
            return wo.appeal(o, by, now, AppealGround(f["ground"]), note or "")
        if action == "review-appeal":
            return wo.review_appeal(o, by, now, bool(f["accepted"]), note or "")
        raise DomainError(
            "bad_field",
            field="action",
            reason_zh=f"没有“{action}”步骤",
            reason=f"there is no step {action!r}",
        )

    def _announce_order(
        self,
        event: EventType,
        order: WorkOrder,
        by: str | None,
        write: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        data: WorkOrderEvent = {
            "work_order": order.id,
            "number": order.ticket_number,
            "status": order.status.value,
            "status_name": order.status.zh,
            "staff": order.staff,
            "staff_name": order.staff_name,
            "level": int(order.level),
            "callback_due": order.callback_due,
            "fix_due": order.fix_due,
        }
        self.hall.record(event, data, by, write)

    # -- daily jobs ------------------------------------------------------------------------

    def give_default_ratings(self) -> int:
        """Services left unrated past the hall's limit get its default rating, marked so."""
        days = self.settings.default_after_days
        if days is None:
            return 0
        now = self.hall.clock.time()
        unrated = records.unrated_ticket_ids(self.conn, now - days * 86400)
        served = [self.served(tid) for tid in unrated]
        made = default_ratings(served, self.settings, now)
        if made:
            with self.hall.store.transaction() as c:
                records.insert_evaluations(c, made)
        return len(made)

    def level_choices(self) -> list[LevelChoice]:
        return [
            {"level": int(level), "name": level.zh, "bad": level.is_bad}
            for level in sorted(Level, reverse=True)
        ]

    def pad_settings(self) -> PadSettings:
        return {
            "levels": self.level_choices(),
            "bad_reasons": list(self.settings.bad_reasons),
            "other_reason": self.settings.other_reason,
            "comment_max_chars": self.settings.comment_max_chars,
            "idle_seconds": self.settings.pad_idle_seconds,
        }

    def channel_of(self, raw: str) -> Channel:
        try:
            channel = Channel(raw)
        except ValueError:
            raise DomainError("rating_channel_refused", channel=raw, channel_zh=raw) from None
        return channel
