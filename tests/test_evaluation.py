"""好差评 ratings: who may rate, one rating per service, reasons, defaults, and storage."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from hall.config import ConfigError, load_config
from hall.errors import DomainError, ErrorKind
from hall.model import Lane, Ticket, TicketStatus
from hall.rating.records import (
    evaluations_finished_between,
    evaluations_for_ticket,
    get_evaluation,
    insert_evaluation,
    m004_evaluations,
    unrated_ticket_ids,
)
from hall.rating.rules import (
    Channel,
    EvaluationRecord,
    EvaluationSettings,
    Level,
    Rater,
    ServedTicket,
    correct,
    default_ratings,
    effective,
    evaluation_settings,
    needs_work_order,
    rate,
    served_ticket,
)
from hall.schema import m001_core

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 8, 10, 0, tzinfo=TZ).timestamp()
TOKEN = "k3J9-x1Qe2Lw8mZp"  # A003's own token, printed in its slip's QR code
SETTINGS = EvaluationSettings()

# A003, 商事登记 (市场监管), taken at 10:00, called at 10:20, served by 李明 at window 5.
A003 = ServedTicket(
    ticket_id=3,
    number="A003",
    service_id="business",
    service_name="商事登记",
    department_id="market",
    department_name="市场监管",
    window=5,
    staff="li",
    staff_name="李明",
    taken_at=T0,
    called_at=T0 + 1200,
    started_at=T0 + 1260,
    finished_at=T0 + 1800,
    token=TOKEN,
)
PAD_5 = Rater(Channel.PAD, window=5)


def by_pad(
    level: object,
    reason: str | None = None,
    comment: str | None = None,
    existing: Sequence[EvaluationRecord] = (),
) -> EvaluationRecord:
    """The visitor presses window 5's pad half a minute after A003 is finished."""
    return rate(
        A003,
        PAD_5,
        level,
        reason=reason,
        comment=comment,
        existing=existing,
        settings=SETTINGS,
        now=T0 + 1830,
    )


def by_pad_for(served: ServedTicket) -> EvaluationRecord:
    return rate(served, PAD_5, 5, existing=[], settings=SETTINGS, now=T0 + 1830)


def refused(code: str, fn: Callable[..., object], *args: object, **kw: object) -> DomainError:
    with pytest.raises(DomainError) as err:
        fn(*args, **kw)
    assert err.value.code == code, err.value.message("en")
    return err.value


def test_the_visitor_rates_a003_very_satisfied_on_window_5s_pad() -> None:
    r = by_pad(5)
    assert (r.level, r.level.zh, r.channel, r.is_default) == (5, "非常满意", Channel.PAD, False)
    assert (r.ticket_number, r.service_name, r.department_name) == ("A003", "商事登记", "市场监管")
    assert (r.window, r.staff, r.staff_name) == (5, "li", "李明")
    assert (r.wait_seconds, r.handling_seconds) == (1200, 540)
    assert (r.rated_at, r.corrects, r.reason) == (T0 + 1830, None, None)
    assert not needs_work_order(r)


def test_the_five_levels_have_their_national_names_and_the_last_two_are_bad() -> None:
    assert [lv.zh for lv in sorted(Level, reverse=True)] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    assert [lv.is_bad for lv in sorted(Level)] == [True, True, False, False, False]


def test_two_stars_without_a_reason_is_refused() -> None:
    err = refused("rating_reason_required", by_pad, 2)
    assert err.kind is ErrorKind.INVALID
    assert err.message("zh") == "“不满意”属于差评，请选择或填写不满意的原因"
    assert "bad review" in err.message("en")


def test_two_stars_with_a_reason_is_accepted_and_opens_a_work_order() -> None:
    r = by_pad(2, reason="办事效率低")
    assert (r.level, r.reason, r.is_bad) == (Level.DISSATISFIED, "办事效率低", True)
    assert needs_work_order(r)


def test_a_bad_review_may_be_given_in_the_visitors_own_words_alone() -> None:
    r = by_pad(1, comment="  材料要求前后说法不一  ")
    assert (r.reason, r.comment) == (None, "材料要求前后说法不一")


def test_other_needs_the_reason_written_out() -> None:
    refused("rating_comment_required", by_pad, 1, reason="其他")
    assert by_pad(1, reason="其他", comment="叫号声音太小").comment == "叫号声音太小"


def test_reasons_come_from_the_halls_list_and_only_for_bad_reviews() -> None:
    refused("rating_reason_unknown", by_pad, 2, reason="太热了")
    err = refused("rating_reason_for_good", by_pad, 4, reason="办事效率低")
    assert "满意" in err.message("zh")


def test_levels_outside_1_to_5_and_long_comments_are_refused() -> None:
    for level in (0, 6, "5", True, None, 4.5):
        refused("rating_level_invalid", by_pad, level)
    err = refused("rating_comment_too_long", by_pad, 5, comment="好" * 201)
    assert err.message("zh") == "评价内容最多 200 个字，现有 201 个字"


def test_a_second_rating_of_the_same_service_is_refused() -> None:
    first = by_pad(5)
    err = refused("rating_already_given", by_pad, 1, reason="服务态度差", existing=[first])
    assert err.kind is ErrorKind.CONFLICT
    assert err.message("zh") == "号码 A003 的这次服务已经评价过（一次一评），不能再次评价"
    # Nor through the QR code on the slip.
    qr = Rater(Channel.QR, token=TOKEN)
    with pytest.raises(DomainError, match="rated already"):
        rate(A003, qr, 4, existing=[first], settings=SETTINGS, now=T0 + 2000)


def test_staff_cannot_rate_their_own_service_nor_anyone_elses() -> None:
    for user in ("li", "zhao", "boss"):
        rater = Rater(Channel.QR, token=TOKEN, staff_user=user)
        err = refused(
            "rating_by_staff",
            rate,
            A003,
            rater,
            5,
            existing=[],
            settings=SETTINGS,
            now=T0,
        )
        assert err.kind is ErrorKind.FORBIDDEN
    # Even from the pad of the window that served.
    refused(
        "rating_by_staff",
        rate,
        A003,
        Rater(Channel.PAD, window=5, staff_user="li"),
        5,
        existing=[],
        settings=SETTINGS,
        now=T0,
    )


def test_only_the_pad_of_the_window_that_served_may_rate() -> None:
    err = refused(
        "rating_wrong_window",
        rate,
        A003,
        Rater(Channel.PAD, window=3),
        5,
        existing=[],
        settings=SETTINGS,
        now=T0,
    )
    assert err.message("zh") == "3 号窗口的评价器不能评价在 5 号窗口办理的号码 A003"


def test_only_the_holder_of_the_tickets_qr_code_may_rate_by_phone_or_kiosk() -> None:
    def by(rater: Rater) -> EvaluationRecord:
        return rate(A003, rater, 4, existing=[], settings=SETTINGS, now=T0)

    assert by(Rater(Channel.QR, token=TOKEN)).channel is Channel.QR
    assert by(Rater(Channel.KIOSK, token=TOKEN)).channel is Channel.KIOSK
    for token in (None, "", "k3J9-x1Qe2Lw8mZq", TOKEN.lower(), "号码A003"):
        refused("rating_bad_token", by, Rater(Channel.QR, token=token))
    untokened = replace(A003, token="")  # a ticket from before tokens: no QR rating at all
    refused(
        "rating_bad_token",
        rate,
        untokened,
        Rater(Channel.QR, token=""),
        4,
        existing=[],
        settings=SETTINGS,
        now=T0,
    )


def test_paper_and_default_cannot_be_submitted() -> None:
    for channel in (Channel.PAPER, Channel.DEFAULT):
        err = refused(
            "rating_channel_refused",
            rate,
            A003,
            Rater(channel),
            3,
            existing=[],
            settings=SETTINGS,
            now=T0,
        )
        assert channel.zh in err.message("zh")


def test_a_ticket_not_finished_yet_cannot_be_rated() -> None:
    serving = replace(A003, finished_at=None)
    refused(
        "rating_not_served",
        rate,
        serving,
        PAD_5,
        5,
        existing=[],
        settings=SETTINGS,
        now=T0,
    )


def test_a_finished_ticket_of_the_hall_becomes_a_served_ticket_a_no_show_does_not() -> None:
    config = load_config(Path(__file__).parent / "halls" / "small.toml")
    done = Ticket(
        id=3, day="2026-10-08", number="A003", service="business", lane=Lane.NORMAL,
        status=TicketStatus.DONE, taken_at=T0, queued_at=T0, called_at=T0 + 1200,
        started_at=T0 + 1260, finished_at=T0 + 1800, window=5, staff="li", token=TOKEN,
    )  # fmt: skip
    assert served_ticket(done, config, "李明") == replace(
        A003, service_name="商事登记", department_name="市场监管"
    )
    gone = replace(done, status=TicketStatus.NO_SHOW, started_at=None)
    refused("rating_not_served", by_pad_for, served_ticket(gone, config, "李明"))


def test_default_ratings_are_off_unless_the_hall_sets_them() -> None:
    assert default_ratings([A003], SETTINGS, now=T0 + 30 * 86400) == []


def test_guangdong_services_unrated_for_7_days_count_as_basically_satisfied() -> None:
    gd = evaluation_settings({"default_after_days": 7})
    a004 = replace(A003, ticket_id=4, number="A004", finished_at=T0 + 3 * 86400)
    made = default_ratings([A003, a004], gd, now=T0 + 1800 + 7 * 86400 + 1)
    assert [(r.ticket_number, r.level, r.channel, r.is_default) for r in made] == [
        ("A003", Level.BASIC, Channel.DEFAULT, True)
    ]
    assert not needs_work_order(made[0])
    # Once the default is given, the visitor's own rating is refused: one rating a service.
    refused("rating_already_given", by_pad, 5, existing=made)


def test_a_correction_is_a_new_record_pointing_at_the_old_one() -> None:
    old = by_pad(2, reason="服务态度差")
    new = correct(
        old, existing=[old], by="boss", note="当时窗口由赵丽办理", now=T0, staff=("zhao", "赵丽")
    )
    assert (new.corrects, new.staff, new.staff_name, new.corrected_by) == (
        old.id,
        "zhao",
        "赵丽",
        "boss",
    )
    assert (new.level, new.reason, new.rated_at) == (old.level, old.reason, old.rated_at)
    assert new.id != old.id and old.staff == "li"  # the old record is untouched
    assert effective([old, new]) == [new]
    assert not needs_work_order(new)  # the original's work order carries on
    again = {"existing": [old, new], "by": "boss", "now": T0}
    refused("correction_superseded", correct, old, note="再改", window=6, **again)
    refused("correction_invalid", correct, new, note="无变化", staff=("zhao", "赵丽"), **again)
    refused("correction_invalid", correct, new, note=" ", window=6, **again)


def test_the_hall_file_section_is_read_and_checked() -> None:
    assert evaluation_settings({}) == EvaluationSettings()
    s = evaluation_settings(
        {"bad_reasons": ["排队太久", "其他"], "fix_working_days": 10, "default_after_days": 7}
    )
    assert (s.bad_reasons, s.fix_working_days, s.default_after_days) == (
        ("排队太久", "其他"),
        10,
        7,
    )
    for bad, key in (
        ({"colour": "red"}, "evaluation.colour"),
        ({"default_level": 2}, "evaluation.default_level"),
        ({"fix_working_days": 0}, "evaluation.fix_working_days"),
        ({"bad_reasons": []}, "evaluation.bad_reasons"),
        ({"bad_reasons": ["慢"], "other_reason": "其他"}, "evaluation.other_reason"),
    ):
        with pytest.raises(ConfigError, match=key):
            evaluation_settings(bad, "hall.toml")


# -- stored ---------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(tmp_path / "hall.db", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    migrations = sqlite_utils.Migrations("hallcall-test")
    migrations()(m001_core)
    migrations()(m004_evaluations)
    migrations.apply(sqlite_utils.Database(conn))
    return conn


def test_records_are_stored_and_read_back_whole(db: sqlite3.Connection) -> None:
    r = replace(
        by_pad(1, reason="其他", comment="材料清单不清楚"),
        applicant_name="张三",
        applicant_id_number="110101199003071234",
        applicant_phone="13812345678",
    )
    insert_evaluation(db, r)
    assert get_evaluation(db, r.id) == r
    assert evaluations_for_ticket(db, 3) == [r]
    assert evaluations_finished_between(db, T0, T0 + 3600) == [r]
    assert evaluations_finished_between(db, T0 + 3600, T0 + 7200) == []
    assert get_evaluation(db, "nope") is None


def test_the_database_keeps_one_rating_per_ticket_and_never_rewrites_one(
    db: sqlite3.Connection,
) -> None:
    first = by_pad(5)
    insert_evaluation(db, first)
    with pytest.raises(sqlite3.IntegrityError):
        insert_evaluation(db, by_pad(4))  # two requests racing past the rule
    for sql in ("UPDATE evaluations SET level = 1", "DELETE FROM evaluations"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql)
    fixed = correct(first, existing=[first], by="boss", note="窗口号录错", now=T0, window=6)
    insert_evaluation(db, fixed)
    assert evaluations_for_ticket(db, 3) == [first, fixed]
    again = correct(first, existing=[], by="boss", note="再改一次", now=T0, window=7)
    with pytest.raises(sqlite3.IntegrityError):
        insert_evaluation(db, again)  # a record is corrected once: corrections form a chain


def test_served_tickets_without_any_rating_are_found_for_defaults(db: sqlite3.Connection) -> None:
    for tid, status, finished in ((3, "done", T0), (4, "done", T0), (5, "no_show", T0)):
        db.execute(
            "INSERT INTO tickets (id, day, number, service, lane, status, taken_at, queued_at, "
            "finished_at) VALUES (?, '2026-10-08', ?, 'business', 'normal', ?, ?, ?, ?)",
            (tid, f"A00{tid}", status, T0, T0, finished),
        )
    insert_evaluation(db, by_pad(5))
    assert unrated_ticket_ids(db, finished_before=T0 + 1) == [4]
    assert unrated_ticket_ids(db, finished_before=T0) == []
