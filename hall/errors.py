"""Domain errors: what went wrong, in Chinese and English, and how a caller should map it."""

from __future__ import annotations

from enum import Enum
from typing import Any


class ErrorKind(Enum):
    """What kind of refusal an error is; the HTTP layer maps each kind to one status code."""

    INVALID = "invalid"  # the request itself is malformed: 400/422
    NOT_FOUND = "not_found"  # 404
    CONFLICT = "conflict"  # illegal in the current state: 409
    FORBIDDEN = "forbidden"  # the caller may not do this: 403
    UNAUTHENTICATED = "unauthenticated"  # 401
    THROTTLED = "throttled"  # 429
    TOO_LARGE = "too_large"  # 413


# code -> (kind, Chinese template, English template). Templates use str.format fields.
MESSAGES: dict[str, tuple[ErrorKind, str, str]] = {
    "bad_json": (
        ErrorKind.INVALID,
        "请求内容不是有效的 JSON",
        "The request body is not valid JSON",
    ),
    "bad_field": (
        ErrorKind.INVALID,
        "字段 {field} 无效：{reason_zh}",
        "Field {field} is invalid: {reason}",
    ),
    "body_too_large": (
        ErrorKind.TOO_LARGE,
        "请求内容过大（最多 {limit} KB）",
        "The request is too large (at most {limit} KB)",
    ),
    "missing_field": (ErrorKind.INVALID, "缺少字段 {field}", "Field {field} is missing"),
    "unknown_field": (ErrorKind.INVALID, "不认识的字段 {field}", "Unknown field {field}"),
    "service_unknown": (
        ErrorKind.NOT_FOUND,
        "没有编号为 {service} 的业务",
        "There is no service {service}",
    ),
    "window_unknown": (ErrorKind.NOT_FOUND, "没有 {window} 号窗口", "There is no window {window}"),
    "ticket_unknown": (ErrorKind.NOT_FOUND, "没有号码 {ticket}", "There is no ticket {ticket}"),
    "user_unknown": (ErrorKind.NOT_FOUND, "没有用户 {username}", "There is no user {username}"),
    "kiosk_unknown": (
        ErrorKind.NOT_FOUND,
        "没有编号为 {kiosk} 的取号机，请检查取号机地址",
        "There is no kiosk {kiosk}: check the kiosk page's address",
    ),
    "printer_unknown": (
        ErrorKind.NOT_FOUND,
        "没有打印机 {printer}",
        "There is no printer {printer}",
    ),
    "service_closed": (
        ErrorKind.CONFLICT,
        "{service_name}暂停取号：{message}",
        "{service_name_en} is not taking tickets now: {message}",
    ),
    "service_outside_hours": (
        ErrorKind.CONFLICT,
        "{service_name}现在不在办理时间（{hours_zh}）",
        "{service_name_en} is outside its opening hours ({hours})",
    ),
    "service_full": (
        ErrorKind.CONFLICT,
        "{service_name}今日号码已发完（每日 {cap} 个）",
        "{service_name_en} has issued all of today's {cap} tickets",
    ),
    "illegal_transition": (
        ErrorKind.CONFLICT,
        "号码 {ticket} 当前状态为“{status_zh}”，不能{action_zh}",
        "Ticket {ticket} is {status}; it cannot be {action}",
    ),
    "recall_cap": (
        ErrorKind.CONFLICT,
        "号码 {ticket} 已重呼 {cap} 次，不能再呼叫，请办理过号",
        "Ticket {ticket} has been recalled {cap} times; mark it as a no-show instead",
    ),
    "window_busy": (
        ErrorKind.CONFLICT,
        "{window} 号窗口正在处理 {ticket}，请先办结、过号、挂起或转移",
        "Window {window} is busy with {ticket}: finish, skip, park or transfer it first",
    ),
    "window_idle": (
        ErrorKind.CONFLICT,
        "{window} 号窗口当前没有正在处理的号码",
        "Window {window} has no current ticket",
    ),
    "window_has_parked": (
        ErrorKind.CONFLICT,
        "{window} 号窗口还有挂起的号码 {tickets}，请先回呼办理或请管理员取消",
        "Window {window} still holds parked tickets {tickets}: call them back or ask a manager "
        "to cancel them",
    ),
    "window_paused": (
        ErrorKind.CONFLICT,
        "{window} 号窗口已暂停服务，请先恢复",
        "Window {window} is paused: resume it first",
    ),
    "window_not_paused": (
        ErrorKind.CONFLICT,
        "{window} 号窗口没有暂停",
        "Window {window} is not paused",
    ),
    "window_taken": (
        ErrorKind.CONFLICT,
        "{window} 号窗口已由 {staff} 签到",
        "Window {window} is already signed in by {staff}",
    ),
    "window_not_signed_in": (
        ErrorKind.CONFLICT,
        "{window} 号窗口没有人签到",
        "Nobody is signed in at window {window}",
    ),
    "staff_elsewhere": (
        ErrorKind.CONFLICT,
        "您已在 {window} 号窗口签到，请先签退",
        "You are signed in at window {window}: sign out there first",
    ),
    "not_served_here": (
        ErrorKind.CONFLICT,
        "{window} 号窗口不办理{service_name}",
        "Window {window} does not serve {service_name_en}",
    ),
    "not_parked_here": (
        ErrorKind.CONFLICT,
        "号码 {ticket} 没有挂起在 {window} 号窗口",
        "Ticket {ticket} is not parked at window {window}",
    ),
    "same_service": (
        ErrorKind.CONFLICT,
        "号码 {ticket} 已经是{service_name}",
        "Ticket {ticket} is already for {service_name_en}",
    ),
    "username_invalid": (
        ErrorKind.INVALID,
        "用户名 {username} 不符合要求：1 到 32 个字母、数字或 . _ -",
        "Username {username} is not valid: 1-32 letters, digits, '.', '_' or '-'",
    ),
    "password_short": (
        ErrorKind.INVALID,
        "密码至少需要 {length} 个字符",
        "A password needs at least {length} characters",
    ),
    "password_long": (
        ErrorKind.INVALID,
        "密码最多 {length} 个字符",
        "A password has at most {length} characters",
    ),
    "password_has_name": (
        ErrorKind.INVALID,
        "密码不能包含用户名",
        "A password must not contain the username",
    ),
    "password_weak": (
        ErrorKind.INVALID,
        "密码太容易被猜到（常见密码、重复或连续的字符、姓名或日期）：请换一个更长、更随机的密码，例如几个不相关的词",
        "This password is easy to guess (a common one, repeats or sequences, names or dates): "
        "choose a longer, more random one, e.g. a few unrelated words",
    ),
    "password_wrong": (
        ErrorKind.FORBIDDEN,
        "当前密码不正确",
        "The current password is wrong",
    ),
    "kiosk_too_fast": (
        ErrorKind.THROTTLED,
        "取号太快，请 {seconds} 秒后再取",
        "Numbers are being taken too fast here: try again in {seconds} seconds",
    ),
    "tickets_at_kiosk_only": (
        ErrorKind.FORBIDDEN,
        "本大厅只在取号机和服务台取号",
        "In this hall, numbers are taken at the kiosks and the service desk",
    ),
    "tickets_per_day": (
        ErrorKind.THROTTLED,
        "每台手机每天最多取 {limit} 个号，请到取号机或服务台取号",
        "A phone may take {limit} numbers a day: please use a kiosk or the service desk",
    ),
    "tickets_share_used": (
        ErrorKind.CONFLICT,
        "{service_name}今天可在手机上取的号已取完，请到取号机或服务台取号",
        "Today's numbers for this service that phones may take are gone: "
        "please use a kiosk or the service desk",
    ),
    "kiosk_not_paired": (
        ErrorKind.FORBIDDEN,
        "这台设备不是本大厅的取号机，不能使用取号机 {kiosk} 的打印机",
        "This device is not one of the hall's kiosks and cannot print on kiosk {kiosk}",
    ),
    "help_point_not_paired": (
        ErrorKind.FORBIDDEN,
        "只有帮办点 {point} 的呼叫按钮能发出呼叫；需要帮助请到服务台",
        "Only help point {point}'s own button can call: please ask at the service desk",
    ),
    "cross_origin": (
        ErrorKind.FORBIDDEN,
        "请从本大厅的页面操作（不接受来自 {origin} 的请求）",
        "Use the hall's own pages (requests from {origin} are not accepted)",
    ),
    "login_busy": (
        ErrorKind.THROTTLED,
        "登录的人太多，请 {seconds} 秒后再试",
        "Too many logins at once: try again in {seconds} seconds",
    ),
    "user_exists": (ErrorKind.CONFLICT, "用户 {username} 已存在", "User {username} exists already"),
    "login_failed": (
        ErrorKind.UNAUTHENTICATED,
        "用户名或密码不正确",
        "Wrong username or password",
    ),
    "login_throttled": (
        ErrorKind.THROTTLED,
        "登录失败次数过多，请 {seconds} 秒后再试",
        "Too many failed logins: try again in {seconds} seconds",
    ),
    "login_required": (ErrorKind.UNAUTHENTICATED, "请先登录", "Please log in first"),
    "not_your_window": (
        ErrorKind.FORBIDDEN,
        "您没有在 {window} 号窗口签到，不能为该窗口操作",
        "You are not signed in at window {window} and cannot act for it",
    ),
    "role_required": (
        ErrorKind.FORBIDDEN,
        "此操作需要{role_zh}权限",
        "This needs the {role} role",
    ),
    "idempotency_mismatch": (
        ErrorKind.CONFLICT,
        "同一个 Idempotency-Key 已用于另一个请求",
        "This Idempotency-Key was already used for a different request",
    ),
    "setup_invalid": (
        ErrorKind.INVALID,
        "这样修改后大厅配置不成立：{problem}",
        "That change would leave the hall set up wrongly: {problem}",
    ),
    "alert_unknown": (
        ErrorKind.NOT_FOUND,
        "没有未处理的提醒 {alert}",
        "There is no open alert {alert}",
    ),
    "help_point_unknown": (
        ErrorKind.NOT_FOUND,
        "没有编号为 {point} 的帮办点",
        "There is no help point {point}",
    ),
    "help_call_unknown": (
        ErrorKind.NOT_FOUND,
        "没有帮办呼叫 {call}",
        "There is no help call {call}",
    ),
    "help_call_closed": (
        ErrorKind.CONFLICT,
        "帮办呼叫 {call} 已处理完毕",
        "Help call {call} is resolved already",
    ),
    # 好差评: ratings, evaluation records and work orders.
    "device_unknown": (ErrorKind.NOT_FOUND, "没有设备 {device}", "There is no device {device}"),
    "device_required": (
        ErrorKind.UNAUTHENTICATED,
        "此设备尚未配对，请管理员在评价器上登录并配对窗口",
        "This device is not paired: a manager must pair it with a window",
    ),
    "rating_not_offered": (
        ErrorKind.FORBIDDEN,
        "评价器只能评价本窗口刚办结或邀请评价的号码，{ticket} 不在其中",
        "A pad rates only the service its window just finished or invited a rating for, "
        "not {ticket}",
    ),
    "nothing_to_rate": (
        ErrorKind.CONFLICT,
        "{window} 号窗口还没有办结的号码可以评价",
        "Window {window} has no finished service to rate",
    ),
    "rating_level_invalid": (
        ErrorKind.INVALID,
        "评价等级应为 1 到 5，收到 {level}",
        "A rating is a level from 1 to 5, got {level}",
    ),
    "rating_reason_required": (
        ErrorKind.INVALID,
        "“{level_zh}”属于差评，请选择或填写不满意的原因",
        "{level} is a bad review: choose or write a reason",
    ),
    "rating_reason_unknown": (
        ErrorKind.INVALID,
        "“{reason}”不是可选的差评原因（可选：{choices}）",
        "{reason!r} is not one of the bad-review reasons ({choices})",
    ),
    "rating_reason_for_good": (
        ErrorKind.INVALID,
        "“{level_zh}”是好评，不需要选择差评原因",
        "{level} is a good review: it takes no bad-review reason",
    ),
    "rating_comment_required": (
        ErrorKind.INVALID,
        "选择“{reason}”时请写明具体原因",
        "Choosing {reason!r} needs the reason written out",
    ),
    "rating_comment_too_long": (
        ErrorKind.INVALID,
        "评价内容最多 {limit} 个字，现有 {length} 个字",
        "A comment has at most {limit} characters, this one has {length}",
    ),
    "rating_not_served": (
        ErrorKind.CONFLICT,
        "号码 {ticket} 尚未办结，办结后才能评价",
        "Ticket {ticket} is not finished yet: it can be rated once served",
    ),
    "rating_already_given": (
        ErrorKind.CONFLICT,
        "号码 {ticket} 的这次服务已经评价过（一次一评），不能再次评价",
        "Ticket {ticket} has been rated already: one rating for each service",
    ),
    "rating_by_staff": (
        ErrorKind.FORBIDDEN,
        "工作人员不能代替群众评价，也不能评价自己的服务",
        "Staff may not rate on a visitor's behalf or rate their own service",
    ),
    "rating_wrong_window": (
        ErrorKind.FORBIDDEN,
        "{window} 号窗口的评价器不能评价在 {served_window} 号窗口办理的号码 {ticket}",
        "The pad of window {window} cannot rate {ticket}, served at window {served_window}",
    ),
    "rating_bad_token": (
        ErrorKind.FORBIDDEN,
        "评价二维码无效，或不属于号码 {ticket}",
        "This rating code is not valid for ticket {ticket}",
    ),
    "rating_channel_refused": (
        ErrorKind.FORBIDDEN,
        "不能通过{channel_zh}提交评价",
        "Ratings cannot be given through the {channel} channel",
    ),
    "evaluation_unknown": (
        ErrorKind.NOT_FOUND,
        "没有评价记录 {record}",
        "There is no evaluation record {record}",
    ),
    "rating_own_review": (
        ErrorKind.FORBIDDEN,
        "被评价的工作人员不能处理、答复或更正针对自己的评价",
        "Whoever was rated may not handle, answer or re-attribute their own review",
    ),
    "correction_needs_second_person": (
        ErrorKind.FORBIDDEN,
        "更正须由提出人以外的另一位管理员审核",
        "A correction must be approved by a manager other than who proposed it",
    ),
    "correction_unknown": (
        ErrorKind.NOT_FOUND,
        "没有第 {proposal} 号更正申请",
        "There is no correction proposal {proposal}",
    ),
    "correction_decided": (
        ErrorKind.CONFLICT,
        "第 {proposal} 号更正申请已审核过",
        "Correction proposal {proposal} has been decided already",
    ),
    "correction_invalid": (
        ErrorKind.INVALID,
        "更正评价记录需要写明原因，并至少更正一项归属（事项、部门、窗口或人员）",
        "A correction needs a note and at least one changed attribution "
        "(service, department, window or staff)",
    ),
    "correction_superseded": (
        ErrorKind.CONFLICT,
        "评价记录 {record} 已被更正过，请更正最新的记录",
        "Evaluation record {record} has been corrected already: correct the latest one",
    ),
    "work_order_unknown": (
        ErrorKind.NOT_FOUND,
        "没有工单 {order}",
        "There is no work order {order}",
    ),
    "work_order_illegal_step": (
        ErrorKind.CONFLICT,
        "工单 {order} 当前为“{status_zh}”，不能{action_zh}",
        "Work order {order} is {status}; it cannot take the step {action}",
    ),
    "work_order_note_required": (
        ErrorKind.INVALID,
        "{action_zh}需要填写说明",
        "The step {action} needs a note",
    ),
    "work_order_note_too_long": (
        ErrorKind.INVALID,
        "说明最多 {limit} 个字，现有 {length} 个字",
        "A note has at most {limit} characters, this one has {length}",
    ),
    "work_order_due_invalid": (
        ErrorKind.INVALID,
        "整改期限 {due} 应在今天和规定期限 {limit} 之间",
        "The fix deadline {due} must fall between today and the set limit {limit}",
    ),
    "work_order_appeal_once": (
        ErrorKind.CONFLICT,
        "工单 {order} 已申诉过一次，不能再次申诉",
        "Work order {order} has been appealed once already",
    ),
    "work_order_reviewer_conflict": (
        ErrorKind.FORBIDDEN,
        "申诉不能由被评价的工作人员或申诉人本人审核",
        "An appeal cannot be reviewed by the staff member rated or by who appealed",
    ),
    "holiday_calendar_unknown": (
        ErrorKind.CONFLICT,
        "节假日日历还没有 {year} 年的安排（已知 {first}–{last} 年），请升级 chinese-calendar",
        "The holiday calendar has no data for {year} (it knows {first}-{last}): "
        "upgrade chinese-calendar",
    ),
}


class DomainError(Exception):
    """A refused action. It carries a message code and the values its templates need."""

    def __init__(self, code: str, **params: Any) -> None:
        if code not in MESSAGES:
            raise KeyError(f"no message for error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    @property
    def kind(self) -> ErrorKind:
        return MESSAGES[self.code][0]

    def message(self, lang: str = "zh") -> str:
        _, zh, en = MESSAGES[self.code]
        return (en if lang == "en" else zh).format(**self.params)
