"""HTTP plumbing: reading JSON bodies, answering errors in the caller's language, and who asks."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any, TypeVar

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response

from hall.actors import Actor, Role
from hall.answers import Answer, Once
from hall.errors import DomainError, ErrorKind
from hall.hall import Hall
from hall.people.accounts import Accounts

log = logging.getLogger("hallcall.http")

SESSION_COOKIE = "hallcall_session"
IDEMPOTENCY_HEADER = "idempotency-key"
MAX_BODY = 64 * 1024  # the largest request any page sends is a few hundred bytes
MAX_INT = 2**53  # what JSON numbers and SQLite integers both hold exactly

E = TypeVar("E", bound=Enum)

_STATUS = {
    ErrorKind.INVALID: 422,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.THROTTLED: 429,
    ErrorKind.TOO_LARGE: 413,
}


def language(conn: HTTPConnection) -> str:
    """The caller's language: ?lang=, else Accept-Language, else Chinese."""
    asked = conn.query_params.get("lang")
    if asked in ("zh", "en"):
        return asked
    accept = conn.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "zh"


def client_address(conn: HTTPConnection) -> str:
    """The caller's address. X-Forwarded-For counts only from the proxies the hall file
    names in [server] trusted_proxies (uvicorn then puts the forwarded address here); from
    anyone else it is ignored, so nobody chooses the address their tries are counted by."""
    return conn.client.host if conn.client else ""


class JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def error_response(request: Request, err: DomainError) -> Response:
    status = 400 if err.code == "bad_json" else _STATUS[err.kind]
    lang = language(request)
    body = {"error": {"code": err.code, "message": err.message(lang), "params": err.params}}
    return JSON(body, status_code=status)


async def domain_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return error_response(request, exc)


async def http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    zh = {404: "没有这个地址", 405: "不支持这种请求方法"}.get(exc.status_code, "请求无法处理")
    message = exc.detail if language(request) == "en" else zh
    return JSON(
        {"error": {"code": f"http_{exc.status_code}", "message": message}},
        status_code=exc.status_code,
        headers=exc.headers,
    )


async def server_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    message = (
        "Server error; nothing was changed"
        if language(request) == "en"
        else "服务器出错，本次操作未生效"
    )
    return JSON({"error": {"code": "server_error", "message": message}}, status_code=500)


def answer(a: Answer[Any]) -> Response:
    return JSON(a.body, status_code=a.status)


class Body:
    """A JSON object from a request, read field by field with clear errors."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.seen: set[str] = set()

    @classmethod
    async def read(cls, request: Request, empty_ok: bool = False) -> Body:
        raw = await limited_body(request)
        if not raw.strip() and empty_ok:
            return cls({})
        try:
            data = json.loads(raw, parse_constant=_no_constant)
            # A lone UTF-16 surrogate ("\ud800") parses but can never be stored or answered.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except (ValueError, UnicodeError, RecursionError):
            raise DomainError("bad_json") from None
        if not isinstance(data, dict):
            raise DomainError("bad_json")
        return cls(data)

    def _get(self, name: str, required: bool) -> Any:
        self.seen.add(name)
        value = self.data.get(name)
        if value is None and required:
            raise DomainError("missing_field", field=name)
        return value

    def text(self, name: str, required: bool = True, max_len: int = 200) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise _bad(name, "应为非空文字", "must be non-empty text")
        if len(value) > max_len:
            raise _bad(name, f"最多 {max_len} 个字", f"at most {max_len} characters")
        return value.strip()

    def integer(self, name: str, required: bool = True, low: int = 0) -> int | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_INT:
            raise _bad(
                name, f"应为 {low} 到 {MAX_INT} 的整数", f"must be a whole number {low}-{MAX_INT}"
            )
        return value

    def number(self, name: str, required: bool = True) -> float | None:
        """A finite number (NaN and Infinity are refused, as JSON has neither)."""
        value = self._get(name, required)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or abs(value) > MAX_INT
        ):
            raise _bad(name, "应为一个数", "must be a number")
        return float(value)

    def boolean(self, name: str, required: bool = True) -> bool | None:
        value = self._get(name, required)
        if value is not None and not isinstance(value, bool):
            raise _bad(name, "应为 true 或 false", "must be true or false")
        return value

    def choice(self, name: str, kind: type[E], default: E | None = None) -> E:
        value = self._get(name, default is None)
        if value is None:
            assert default is not None
            return default
        try:
            return kind(value)
        except ValueError:
            options = ", ".join(str(m.value) for m in kind)
            raise _bad(name, f"应为 {options} 之一", f"must be one of {options}") from None

    def done(self) -> dict[str, object]:
        """Refuse fields nobody asked for: a typo must not be silently ignored."""
        for name in self.data:
            if name not in self.seen:
                raise DomainError("unknown_field", field=name)
        return {k: self.data[k] for k in sorted(self.seen) if k in self.data}


async def limited_body(request: Request) -> bytes:
    """The body, refused past MAX_BODY before it is all read (no one fills our memory)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise DomainError("body_too_large", limit=MAX_BODY // 1024)
    if hasattr(request, "_body"):  # read already (the idempotency check reads first)
        return bytes(request._body)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise DomainError("body_too_large", limit=MAX_BODY // 1024)
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # later readers see the same bytes
    return body


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python takes them, JSON has none


class IdConvertor(Convertor[int]):
    """A numeric id in a path: at most 15 digits. A longer one names nothing (SQLite and
    JSON hold 2^53 exactly) and is a plain 404, not a 500."""

    regex = "[0-9]{1,15}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())


def _bad(field: str, zh: str, en: str) -> DomainError:
    return DomainError("bad_field", field=field, reason_zh=zh, reason=en)


class Sessions:
    """Signed session tokens: the cookie or bearer token carries a session id, signed."""

    def __init__(self, secret: str, accounts: Accounts) -> None:
        self.signer = URLSafeSerializer(secret, salt="hallcall-session")
        self.accounts = accounts

    def token(self, session_id: str) -> str:
        return self.signer.dumps(session_id)

    def session_id(self, conn: HTTPConnection) -> str | None:
        auth = conn.headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        token = token or conn.cookies.get(SESSION_COOKIE)
        return self.session_id_of(token) if token else None

    def session_id_of(self, token: str) -> str | None:
        try:
            sid = self.signer.loads(token)
        except BadSignature:
            return None
        return sid if isinstance(sid, str) else None

    def actor(self, conn: HTTPConnection) -> Actor | None:
        sid = self.session_id(conn)
        return self.accounts.session_actor(sid) if sid else None

    def require(self, conn: HTTPConnection, role: Role = Role.STAFF) -> Actor:
        actor = self.actor(conn)
        if actor is None:
            raise DomainError("login_required")
        if not actor.can(role):
            raise DomainError("role_required", role=role.value, role_zh=role.zh)
        return actor


def once(request: Request, scope: str, action: str, body: Any) -> Once | None:
    """The request's idempotency key, if it sent one."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if not key:
        return None
    if len(key) > 200:
        raise _bad("Idempotency-Key", "最多 200 个字符", "at most 200 characters")
    return Once.of(scope, key, action, body)


Endpoint = Callable[[Request], Awaitable[Response]]


def idempotent(endpoint: Endpoint) -> Endpoint:
    """A double tap is one action: a request repeating an Idempotency-Key gets the answer
    the first one got, and the action is not done again.

    Commands on the queue remember their answer in the same transaction as the change
    (see Hall._run); the endpoints wrapped here remember it right after, so only a crash
    between the two could let a retry run again, and each of them refuses or repeats
    harmlessly (a second rating is refused, a second press is the same help call).
    """

    @functools.wraps(endpoint)
    async def wrapper(request: Request) -> Response:
        p = request.app.state.parts
        key = once(
            request,
            _scope(request, p),
            request.url.path,
            (await limited_body(request)).decode("utf-8", "replace"),
        )
        if key is not None and (seen := p.hall.remembered(key)) is not None:
            return JSON(seen.body, status_code=seen.status)
        response = await endpoint(request)
        if key is not None and 200 <= response.status_code < 300 and isinstance(response, JSON):
            body = json.loads(bytes(response.body))
            p.hall.store.remember(
                key.scope, key.key, key.fingerprint, response.status_code, body, p.hall.clock.time()
            )
        return response

    return wrapper


def _scope(request: Request, p: Any) -> str:
    actor = p.sessions.actor(request)
    if actor is not None:
        return f"user:{actor.username}"
    device = request.headers.get("authorization", "") or request.headers.get("x-device-id", "")
    host = request.client.host if request.client else ""
    return f"device:{hashlib.sha256(device.encode()).hexdigest()[:16] if device else host}"


# -- shared request helpers: date ranges, downloads, {action} dispatch -----------------------


def date_range(request: Request, hall: Hall) -> tuple[date, date]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, both included, in the hall's time zone; today by default."""
    today = hall.now().date()

    def day(name: str) -> date:
        raw = request.query_params.get(name)
        if not raw:
            return today
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise DomainError(
                "bad_field", field=name, reason_zh="日期应写作 2026-11-28", reason="use 2026-11-28"
            ) from None

    first, last = day("from"), day("to")
    for name, value in (("from", first), ("to", last)):
        if not 2000 <= value.year <= 2099:
            raise DomainError(
                "bad_field",
                field=name,
                reason_zh="应在 2000 到 2099 年之间",
                reason="must be between 2000 and 2099",
            )
    if last < first:
        raise DomainError(
            "bad_field", field="to", reason_zh="不能早于开始日期", reason="is before from"
        )
    return first, last


def day_range(request: Request, hall: Hall) -> tuple[float, float]:
    """The date range as epoch seconds: from the first day's midnight to after the last day."""
    first, last = date_range(request, hall)
    tz = hall.config.hall.timezone
    start = datetime.combine(first, time(), tz).timestamp()
    return start, datetime.combine(last + timedelta(days=1), time(), tz).timestamp()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def download(data: bytes, media: str, name: str) -> Response:
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


Handler = TypeVar("Handler")


def dispatch(request: Request, handlers: Mapping[str, Handler]) -> Handler:
    """The handler for the path's {action}: every route with actions picks them this one way,
    and an unknown action gets the same clear answer naming the known ones."""
    action: str = request.path_params["action"]
    if action not in handlers:
        known = ", ".join(handlers)
        raise DomainError(
            "bad_field",
            field="action",
            reason_zh=f"没有“{action}”操作（可用：{known}）",
            reason=f"there is no action {action!r} (known: {known})",
        )
    return handlers[action]
