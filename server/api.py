"""The JSON API: a thin translation from HTTP requests to the hall's commands."""

from __future__ import annotations

import io

import qrcode
from qrcode.image.svg import SvgPathImage
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hall.actors import Actor, Role
from hall.errors import DomainError
from hall.events import EventType
from hall.model import Lane
from hall.payloads import UserChange
from hall.people.devices import DeviceKind
from server.http import JSON, SESSION_COOKIE, Body, answer, client_address, idempotent, once
from server.parts import caller_scope, device, for_caller, parts
from ticketing.access import Source


async def list_services(request: Request) -> Response:
    """
    summary: The services a visitor can take a ticket for, with queue lengths.
    responses:
      200:
        description: "{services: [{id, name, name_en, prefix, department, open, waiting}]}"
    """
    return JSON({"services": parts(request).hall.services()})


async def hall_snapshot(request: Request) -> Response:
    """
    summary: The whole hall as a screen draws it (services, windows, recent calls, notice).
    responses:
      200:
        description: A snapshot.
    """
    return JSON(for_caller(request, parts(request).hall.snapshot()))


async def issue_ticket(request: Request) -> Response:
    """
    summary: Take a number. Send an Idempotency-Key header so that a double tap is one ticket.
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [service]
            properties:
              service: {type: string, description: "a service id"}
              lane:
                type: string
                enum: [normal, priority, appointment]
                description: priority and appointment need a staff login
    responses:
      201:
        description: "The ticket: {id, number, service, status, waiting_ahead, estimate_minutes}"
      404: {description: Unknown service}
      409: {description: The service is closed, outside its hours or full for today}
      422: {description: A field is missing or wrong}
    """
    p = parts(request)
    body = await Body.read(request)
    service = body.text("service")
    lane = body.choice("lane", Lane, Lane.NORMAL)
    kiosk = body.text("kiosk", required=False, max_len=40)
    fields = body.done()
    actor = p.sessions.actor(request)
    if lane is not Lane.NORMAL and (actor is None or not actor.can(Role.STAFF)):
        raise DomainError("role_required", role=Role.STAFF.value, role_zh=Role.STAFF.zh)
    assert service is not None
    source, kiosk = ticket_source(request, actor, kiosk)
    key = once(request, caller_scope(request, actor), "issue", fields)
    who = actor.username if actor else None
    return answer(p.desk.take(service, lane, kiosk, who, key, str(request.base_url), source))


def ticket_source(
    request: Request, actor: Actor | None, kiosk: str | None
) -> tuple[Source, str | None]:
    """Who takes this number, and at which kiosk: staff; a paired kiosk (its own printer,
    whatever the body says); a page on the hall's kiosk networks; or a stranger, who may
    not make a kiosk print."""
    p = parts(request)
    if actor is not None and actor.can(Role.STAFF):
        return Source("staff", actor.username), kiosk
    paired = device(request)
    if paired is not None and paired.kind is DeviceKind.KIOSK:
        return Source("kiosk", paired.place or paired.id), paired.place
    address = client_address(request)
    if p.desk.limits.settings.on_kiosk_network(address):
        return Source("net", address), kiosk
    if kiosk is not None:
        raise DomainError("kiosk_not_paired", kiosk=kiosk)
    return Source("anon", address), None


@idempotent
async def reprint_ticket(request: Request) -> Response:
    """
    summary: Print a ticket's slip again, marked 补打 and logged (staff).
    requestBody:
      content:
        application/json:
          schema: {type: object, properties: {printer: {type: string}}}
    responses:
      200: {description: "{job}: the new print job's id"}
      404: {description: No such ticket or printer.}
    """
    p = parts(request)
    actor = p.sessions.require(request)
    body = await Body.read(request, empty_ok=True)
    printer = body.text("printer", required=False, max_len=40)
    body.done()
    tid = request.path_params["id"]
    job = p.desk.reprint(tid, printer, actor.username, str(request.base_url))
    return JSON({"job": job})


async def list_printers(request: Request) -> Response:
    """
    summary: Every printer's status (online, paper near end, paper out, offline, gone) and queue.
    responses:
      200: {description: "{printers: [{name, status, description, paper, queued, last_error}]}"}
    """
    p = parts(request)
    p.sessions.require(request)
    return JSON({"printers": p.spooler.view()})


async def get_kiosk(request: Request) -> Response:
    """
    summary: A kiosk's name, its printer and the printer's status, for the kiosk page.
    responses:
      200: {description: "{id, name, printer, printer_status}"}
      404: {description: No such kiosk.}
    """
    p = parts(request)
    k = p.desk.kiosk(request.path_params["id"])
    status = p.spooler.statuses.get(k.printer) if k.printer else None
    return JSON(
        {
            "id": k.id,
            "name": k.name,
            "printer": k.printer,
            "printer_status": status.value if status else None,
        }
    )


async def get_ticket(request: Request) -> Response:
    """
    summary: One ticket by id, with its history (staff).
    responses:
      200: {description: "The ticket, with waiting_ahead and estimate_minutes while it waits."}
      404: {description: No such ticket.}
    """
    p = parts(request)
    p.sessions.require(request)
    view = p.hall.ticket(request.path_params["id"])
    return JSON({**view, "history": p.hall.store.ticket_history(view["id"])})


async def ticket_qr(request: Request) -> Response:
    """
    summary: The QR code of a ticket's own link, as SVG, for kiosks to show when nothing prints.
    responses:
      200: {description: An SVG image.}
      404: {description: No such ticket.}
    """
    p = parts(request)
    view = p.hall.ticket_by_token(request.path_params["token"])  # 404 for a wrong token
    link = p.desk.link(request.path_params["token"], str(request.base_url))
    image = qrcode.make(link, image_factory=SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    headers = {"Cache-Control": "private, max-age=86400", "X-Ticket-Number": view["number"]}
    return Response(buffer.getvalue(), media_type="image/svg+xml", headers=headers)


async def get_own_ticket(request: Request) -> Response:
    """
    summary: A visitor's own ticket, by the token printed in its QR code (no login).
    responses:
      200: {description: "The ticket, with waiting_ahead and estimate_minutes while it waits."}
      404: {description: No such ticket.}
    """
    p = parts(request)
    view = p.hall.ticket_by_token(request.path_params["token"])
    return JSON({**view, "rated": p.ratings.is_rated(view["id"])})  # on the pad or another phone


async def cancel_ticket(request: Request) -> Response:
    """
    summary: Cancel a waiting ticket (manager).
    responses:
      200: {description: The cancelled ticket.}
      409: {description: The ticket is not waiting.}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.MANAGER)
    body = await Body.read(request, empty_ok=True)
    reason = body.text("reason", required=False) or "管理员取消"
    fields = body.done()
    tid = request.path_params["id"]
    key = once(request, caller_scope(request, actor), f"cancel:{tid}", fields)
    return answer(p.hall.act(lambda now: p.hall.queue.cancel(tid, reason, now), actor, key))


async def login(request: Request) -> Response:
    """
    summary: Log in; answers a token (also set as a cookie) and the user.
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [username, password]
            properties:
              username: {type: string}
              password: {type: string}
    responses:
      200: {description: "{token, user: {username, name, role}}"}
      401: {description: Wrong username or password}
    """
    p = parts(request)
    body = await Body.read(request)
    username = body.text("username", max_len=64)
    password = body.text("password", max_len=200)
    body.done()
    assert username is not None and password is not None
    attempt = p.throttle.begin(username, client_address(request))
    actor, stored = p.accounts.lookup(username)
    ok = await p.hashes.run(lambda: p.accounts.check(stored, password))
    if actor is None or not ok:
        p.throttle.failed(attempt)
        raise DomainError("login_failed")
    p.throttle.succeeded(attempt)
    token = p.sessions.token(p.accounts.open_session(actor))
    response = JSON(
        {
            "token": token,
            "user": {
                "username": actor.username,
                "name": actor.name,
                "role": actor.role.value if actor.role else None,
            },
        }
    )
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict", secure=p.secure_cookies
    )
    return response


async def logout(request: Request) -> Response:
    """
    summary: End this session.
    responses:
      200: {description: Logged out.}
    """
    p = parts(request)
    sid = p.sessions.session_id(request)
    if sid:
        p.accounts.close_session(sid)
    response = JSON({"ok": True})
    response.delete_cookie(SESSION_COOKIE)
    return response


async def me(request: Request) -> Response:
    """
    summary: Who is logged in, and the window they are signed in at.
    responses:
      200: {description: "{user, window}"}
      401: {description: Not logged in.}
    """
    p = parts(request)
    actor = p.sessions.require(request)
    window = next(
        (w.number for w in p.hall.queue.windows.values() if w.staff == actor.username), None
    )
    role = actor.role.value if actor.role else None
    return JSON(
        {"user": {"username": actor.username, "name": actor.name, "role": role}, "window": window}
    )


async def change_own_password(request: Request) -> Response:
    """
    summary: Change your own password {current, new}. Every session of yours ends, this one
      gets a new token (also set as a cookie).
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [current, new]
            properties:
              current: {type: string}
              new: {type: string, description: "at least 10 characters, hard to guess"}
    responses:
      200: {description: "{token}"}
      401: {description: Not logged in.}
      403: {description: The current password is wrong.}
      422: {description: The new password is refused by the policy.}
      429: {description: Too many wrong passwords; try later.}
    """
    p = parts(request)
    actor = p.sessions.require(request)
    body = await Body.read(request)
    current = body.text("current", max_len=200)
    new = body.text("new", max_len=200)
    body.done()
    assert current is not None and new is not None
    attempt = p.throttle.begin(actor.username, client_address(request))
    _, stored = p.accounts.lookup(actor.username)
    if not await p.hashes.run(lambda: p.accounts.check(stored, current)):
        p.throttle.failed(attempt)
        raise DomainError("password_wrong")
    p.throttle.succeeded(attempt)
    new_hash = await p.hashes.run(lambda: p.accounts.hash_password(new, actor.username, actor.name))
    p.accounts.set_password_hash(actor.username, new_hash)  # ends every session of theirs
    change: UserChange = {
        "change": "changed",
        "username": actor.username,
        "password": "changed by the user",
    }
    p.hall.record(EventType.USER_CHANGED, change, actor.username)
    token = p.sessions.token(p.accounts.open_session(actor))
    response = JSON({"token": token})
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict", secure=p.secure_cookies
    )
    return response


async def set_service_open(request: Request) -> Response:
    """
    summary: Open or close a service for new tickets, with a message for the kiosk (manager).
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [open]
            properties:
              open: {type: boolean}
              message: {type: string}
    responses:
      200: {description: The service's new state.}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.MANAGER)
    body = await Body.read(request)
    is_open = body.boolean("open")
    assert is_open is not None  # required: missing raises
    message = body.text("message", required=False)
    fields = body.done()
    sid = request.path_params["id"]
    hall = p.hall
    key = once(request, caller_scope(request, actor), f"service:{sid}", fields)
    hall.act(lambda now: hall.queue.set_service_open(sid, is_open, message), actor, key)
    return JSON({"service": next(s for s in hall.services() if s["id"] == sid)})


@idempotent
async def set_notice(request: Request) -> Response:
    """
    summary: Set the notice line shown on the hall screens (manager).
    requestBody:
      content:
        application/json:
          schema: {type: object, required: [text], properties: {text: {type: string}}}
    responses:
      200: {description: "{notice}"}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.MANAGER)
    body = await Body.read(request)
    text = body.data.get("text")
    body.seen.add("text")
    body.done()
    if not isinstance(text, str) or len(text) > 200:
        raise DomainError(
            "bad_field",
            field="text",
            reason_zh="应为不超过 200 字的文字",
            reason="must be text of at most 200 characters",
        )
    return answer(p.hall.set_notice(text.strip(), actor))


routes = [
    Route("/api/services", list_services, methods=["GET"]),
    Route("/api/snapshot", hall_snapshot, methods=["GET"]),
    Route("/api/tickets", issue_ticket, methods=["POST"]),
    Route("/api/tickets/{id:id}", get_ticket, methods=["GET"]),
    Route("/api/tickets/t/{token:str}", get_own_ticket, methods=["GET"]),
    Route("/api/tickets/t/{token:str}/qr.svg", ticket_qr, methods=["GET"]),
    Route("/api/tickets/{id:id}/cancel", cancel_ticket, methods=["POST"]),
    Route("/api/tickets/{id:id}/reprint", reprint_ticket, methods=["POST"]),
    Route("/api/printers", list_printers, methods=["GET"]),
    Route("/api/kiosks/{id:str}", get_kiosk, methods=["GET"]),
    Route("/api/login", login, methods=["POST"]),
    Route("/api/logout", logout, methods=["POST"]),
    Route("/api/me", me, methods=["GET"]),
    Route("/api/me/password", change_own_password, methods=["POST"]),
    Route("/api/services/{id:str}/open", set_service_open, methods=["POST"]),
    Route("/api/notice", set_notice, methods=["PUT"]),
]
