"""What every browser-facing answer carries: same-origin checks on anything that changes
state (and on websockets), and the security headers.

The session cookie is SameSite=Strict, but "same site" includes other ports of the same
host: a page served from another port of the hall's server could still post with it. So a
request that changes state must come from the hall's own pages: its Origin names this
very host and port (or an origin the hall file allows). Clients that are not browsers send
no Origin and no Sec-Fetch-Site, carry no cookie a page could borrow, and pass.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hall.errors import DomainError
from server.http import language
from server.settings import ServerSettings

log = logging.getLogger("hallcall")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SERVER_ERROR = ("服务器出错，本次操作未生效", "Server error; nothing was changed")
WS_POLICY_VIOLATION = 1008
# No inline or foreign scripts; styles may be set inline (the charts draw with them).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class Protect:
    def __init__(self, app: ASGIApp, settings: ServerSettings) -> None:
        self.app = app
        self.allowed = frozenset(settings.allowed_origins)
        self.headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if settings.secure_cookies:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            if not self.same_origin(scope):
                await receive()  # the handshake; closing before accepting answers 403
                await send({"type": "websocket.close", "code": WS_POLICY_VIOLATION})
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS and not self.same_origin(scope):
            await self.refuse(scope, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    headers.setdefault(name.decode(), value.decode())
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Answered here rather than by Starlette's last-resort handler, which re-raises
            # and so makes the server drop the keep-alive connection with every 500.
            if started:
                raise
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            await self.answer(scope, send, 500, "server_error")

    def same_origin(self, scope: Scope) -> bool:
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:  # older browsers on a same-origin request, or not a browser
            return headers.get("sec-fetch-site") in (None, "same-origin", "none")
        if origin.rstrip("/").lower() in self.allowed:
            return True
        host = headers.get("host", "").lower()
        return bool(host) and urlsplit(origin).netloc.lower() == host

    async def refuse(self, scope: Scope, send: Send) -> None:
        await self.answer(scope, send, 403, "cross_origin")

    async def answer(self, scope: Scope, send: Send, status: int, code: str) -> None:
        lang = language(HTTPConnection(scope))
        if code == "cross_origin":
            origin = Headers(scope=scope).get("origin", "?")
            err = DomainError("cross_origin", origin=origin[:100])
            error = {"code": err.code, "message": err.message(lang), "params": err.params}
        else:
            message = SERVER_ERROR[lang == "en"]
            error = {"code": code, "message": message}
        body = json.dumps({"error": error}, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *self.headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
