"""The typed shapes are the real ones: a morning at the hall, and every event it sends and
every view it answers with carries only keys its TypedDict declares (docs/events.md)."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hall.actors import Actor, Role
from hall.clock import ManualClock
from hall.config import parse_config
from hall.events import Event, EventType
from hall.hall import Hall
from hall.model import Lane, Outcome
from hall.payloads import PAYLOADS, Snapshot
from hall.queue import Move
from hall.rating.desk import Ratings
from hall.rating.records import evaluations_for_ticket
from hall.rating.rules import Channel, EvaluationSettings, Rater
from hall.rating.views import EvaluationView, WorkOrderView, order_view, record_view
from hall.setup_changes import SetupEditor
from hall.views import IssuedTicket, TicketAnswer, TicketNow
from hall.watch.alert_book import AlertBook
from hall.watch.conditions import AlertKind, Condition
from hall.watch.dashboard import Dashboard, dashboard
from hall.watch.help import HelpDesk, HelpPoint, PointFigures
from printers.status import PrinterStatus
from server.app import open_store
from ticketing.access import Source
from ticketing.kiosk import Kiosk, SlipTexts, TicketDesk

HALL = Path(__file__).parent / "halls" / "small.toml"
MORNING = datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LI = Actor("li", "李明", Role.STAFF)
BOSS = Actor("boss", "王经理", Role.ADMIN)
CHEN = Actor("chen", "陈主任", Role.MANAGER)  # a second manager approves corrections


def undeclared(value: object, shape: object, path: str = "") -> Iterator[str]:
    """Keys in a JSON value that its type does not declare, as paths (`ticket.window_x`)."""
    if typing.is_typeddict(shape):
        hints = typing.get_type_hints(shape)
        assert isinstance(value, dict), f"{path or 'the value'}: expected an object"
        for key, item in value.items():
            if key not in hints:
                yield f"{path}{key}"
            else:
                yield from undeclared(item, hints[key], f"{path}{key}.")
    elif isinstance(value, list) and typing.get_origin(shape) is list:
        for item in value:
            yield from undeclared(item, typing.get_args(shape)[0], path)
    elif value is not None:
        for arg in typing.get_args(shape):  # X | None: check against the TypedDict in it
            if typing.is_typeddict(arg):
                yield from undeclared(value, arg, path)


class Printers:
    """The spooler as the ticket desk sees it: one printer, online."""

    def __init__(self) -> None:
        self.statuses: dict[str, PrinterStatus | None] = {"p1": PrinterStatus.ONLINE}

    def wake(self, printer: str) -> None:
        pass


def test_a_morning_sends_only_the_keys_its_shapes_declare(tmp_path: Path) -> None:
    events: list[Event] = []
    hall = Hall(
        parse_config(HALL.read_text(encoding="utf-8"), str(HALL)),
        open_store(tmp_path / "hallcall.db"),
        ManualClock(MORNING),
        events.append,
    )
    ratings = Ratings(hall, EvaluationSettings())
    hall.after.append(ratings.observe)
    desk = TicketDesk(hall, {"k1": Kiosk("k1", "一楼取号机", "p1")}, SlipTexts(), Printers())
    answers: list[tuple[object, object]] = []

    def act(command: Callable[[datetime], Move]) -> None:
        answers.append((hall.act(command, LI, None).body, TicketAnswer))

    taken = desk.take("business", Lane.NORMAL, "k1", None, None, "http://hall")
    answers.append((taken.body, IssuedTicket))
    second = hall.issue("social", Lane.NORMAL, None, None).body
    act(lambda now: hall.queue.sign_in(1, LI.username, LI.name, now))
    answers.append((hall.call_next(1, LI, None).body, TicketAnswer))
    act(lambda now: hall.queue.recall(1, now))
    act(lambda now: hall.queue.park(1, now))
    act(lambda now: hall.queue.call_back(1, taken.body["id"], LI.username, now))
    act(lambda now: hall.queue.start(1, now))
    act(lambda now: hall.queue.finish(1, Outcome.ON_THE_SPOT, now))
    act(lambda now: hall.queue.move(second["id"], "business", now))
    answers.append((hall.call_next(1, LI, None).body, TicketAnswer))
    act(lambda now: hall.queue.transfer(1, now, to_service="social", note="材料"))
    act(lambda now: hall.queue.call_number(1, second["number"], LI.username, now))
    act(lambda now: hall.queue.no_show(1, now))
    third = hall.issue("social", Lane.NORMAL, None, None).body
    answers.append((hall.ticket(third["id"]), TicketNow))
    act(lambda now: hall.queue.cancel(third["id"], "走了", now))
    act(lambda now: hall.queue.pause(1, "午休", now))
    act(lambda now: hall.queue.resume(1, now))
    act(lambda now: hall.queue.sign_out(1, now))
    act(lambda now: hall.queue.set_service_open("capped", False, "系统维护"))
    act(lambda now: hall.queue.set_service_open("capped", True, None))
    hall.set_notice("请保管好随身物品", BOSS)
    desk.reprint(taken.body["id"], None, BOSS.username, "http://hall")
    burst = desk.take(
        "social", Lane.NORMAL, None, None, None, "http://hall", Source("anon", "10.0.0.9")
    )
    desk.cancel_burst("anon:10.0.0.9", 0, hall.clock.time(), "批量取号已取消", BOSS)
    assert hall.queue.tickets.get(burst.body["id"]) is None

    ratings.invite(1, LI)
    rated = ratings.rate(taken.body["id"], Rater(Channel.PAD, window=1), 1, "办事效率低", None)
    order = ratings.step(rated["work_order"] or 0, "call-back", BOSS, {"result": "reached"})
    proposal = ratings.propose_correction(rated["evaluation"]["id"], BOSS, "窗口记错了", window=2)
    decided = ratings.decide_correction(proposal["id"], CHEN, approve=True)
    [fixed] = [r for r in evaluations_for_ticket(hall.store.conn, taken.body["id"]) if r.corrects]
    assert fixed.id == decided["evaluation"]
    answers.append((record_view(fixed), EvaluationView))
    answers.append((order_view(order, hall.clock.time(), {"li": "李明"}), WorkOrderView))

    help_desk = HelpDesk(hall, {"self": HelpPoint("self", "自助区", ())})
    call = help_desk.call("self")
    help_desk.resolve(call["id"], LI)  # acknowledged on the way
    answers.append((help_desk.report(0, hall.clock.time() + 1), list[PointFigures]))

    book = AlertBook(hall)
    book.sync([Condition("long_queue:social", AlertKind.LONG_QUEUE, "排队", {"waiting": 9})])
    alert = next(iter(book.open.values()))
    book.acknowledge(alert.id, BOSS)
    book.sync([])  # cleared by itself
    SetupEditor(hall).change_service("business", {"name": "商事登记（新）"}, BOSS)
    answers.append((dashboard(hall), Dashboard))
    answers.append((hall.snapshot(), Snapshot))

    sent = {e.type for e in events}
    assert sent >= set(EventType) - {
        EventType.SERVICE_HOURS,  # the test hall ignores hours
        EventType.PRINTER_STATUS,  # the spooler's
        EventType.WINDOW_MESSAGE,  # made by the server: see tests of the API
        EventType.USER_CHANGED,
    }
    for e in events:
        assert list(undeclared(e.data, PAYLOADS[e.type])) == [], f"{e.type}"
    for body, shape in answers:
        assert list(undeclared(body, shape)) == [], f"{shape}"
