"""The manager's API: the live dashboard, alerts, help calls, moving tickets, messages to
windows, and staff accounts."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hall.actors import Actor, Role
from hall.errors import DomainError
from hall.events import EventType
from hall.payloads import UserChange, WindowMessage
from hall.people.accounts import UserView
from hall.people.devices import DeviceKind
from hall.watch.dashboard import dashboard
from server.http import (
    JSON,
    Body,
    answer,
    client_address,
    day_range,
    dispatch,
    idempotent,
    once,
)
from server.parts import Parts, device, parts


async def get_dashboard(request: Request) -> Response:
    """
    summary: "The hall now: per service waiting, longest and average wait, estimate, taken and
      served today; per window state since when, staff, served and average handling."
    responses:
      200: {description: "{services, windows, alerts}"}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    view = dashboard(p.hall)
    return JSON({**view, "alerts": [a.view() for a in p.alerts.open.values()]})


async def list_alerts(request: Request) -> Response:
    """
    summary: Open alerts, or the history of a date range (?history=1&from&to).
    responses:
      200: {description: "{alerts: [...]}"}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    if request.query_params.get("history") == "1":
        start, end = day_range(request, parts(request).hall)
        found = await asyncio.to_thread(p.alerts.history, start, end)
    else:
        found = list(p.alerts.open.values())
    return JSON({"alerts": [a.view() for a in found]})


@idempotent
async def alert_step(request: Request) -> Response:
    """
    summary: Acknowledge (who, when) or resolve an alert.
    responses:
      200: {description: The alert.}
      404: {description: No such open alert.}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.MANAGER)
    step = dispatch(request, {"acknowledge": p.alerts.acknowledge, "resolve": p.alerts.resolve})
    return JSON(step(request.path_params["id"], actor).view())


async def help_point(request: Request) -> Response:
    """
    summary: A help point's name and its open call, for the point's own screen (no login).
    responses:
      200: {description: "{point, name, call}"}
    """
    desk = parts(request).help
    point = desk.point(request.path_params["point"])
    return JSON({"point": point.id, "name": point.name, "call": desk.current(point.id)})


@idempotent
async def press_help(request: Request) -> Response:
    """
    summary: "Press the 呼叫帮办 button; pressing again while the call is open is the same call.
      Only the point's own paired button, a kiosk, staff, or a page on the hall's kiosk
      networks may press it: a phone on the Wi-Fi cannot raise alerts."
    responses:
      200: {description: The call, with its state (waiting, on_the_way).}
      403: {description: Not this help point's button.}
      404: {description: No such help point.}
    """
    p = parts(request)
    point = request.path_params["point"]
    p.help.point(point)  # 404 first for a wrong id
    paired = device(request)
    allowed = (
        (paired is not None and paired.kind is DeviceKind.HELP_POINT and paired.place == point)
        or (paired is not None and paired.kind is DeviceKind.KIOSK)
        or p.sessions.actor(request) is not None
        or p.desk.limits.settings.on_kiosk_network(client_address(request))
    )
    if not allowed:
        raise DomainError("help_point_not_paired", point=point)
    return JSON(p.help.call(point))


async def list_help_points(request: Request) -> Response:
    """
    summary: The help points and who helps at each (staff).
    responses:
      200: {description: "{points: [{id, name, helpers}]}"}
    """
    p = parts(request)
    p.sessions.require(request)
    points = [
        {"id": h.id, "name": h.name, "helpers": list(h.helpers)} for h in p.help.points.values()
    ]
    return JSON({"points": points})


async def list_help_calls(request: Request) -> Response:
    """
    summary: Open help calls (?open=1, the default) or those of a date range.
    responses:
      200: {description: "{calls: [...]}"}
    """
    p = parts(request)
    p.sessions.require(request)
    if request.query_params.get("open", "1") == "1":
        return JSON({"calls": p.help.calls(0, 0, open_only=True)})
    start, end = day_range(request, parts(request).hall)
    return JSON({"calls": p.help.calls(start, end)})


@idempotent
async def help_call_step(request: Request) -> Response:
    """
    summary: A staff member answers a help call (acknowledge = on my way) or closes it.
    responses:
      200: {description: The call.}
      409: {description: The call is closed already.}
    """
    p = parts(request)
    actor = p.sessions.require(request)
    step = dispatch(request, {"acknowledge": p.help.acknowledge, "resolve": p.help.resolve})
    return JSON(step(request.path_params["id"], actor))


async def help_report(request: Request) -> Response:
    """
    summary: Help calls per point over a date range, with response and resolution times.
    responses:
      200: {description: "{points: [...]}"}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    start, end = day_range(request, parts(request).hall)
    return JSON({"points": p.help.report(start, end)})


async def move_ticket(request: Request) -> Response:
    """
    summary: Move a waiting ticket to another service; it keeps its time (manager).
    requestBody:
      content:
        application/json:
          schema: {type: object, required: [service], properties: {service: {type: string}}}
    responses:
      200: {description: "{ticket}"}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.MANAGER)
    body = await Body.read(request)
    service = body.text("service", max_len=40)
    fields = body.done()
    assert service is not None
    tid = request.path_params["id"]
    key = once(request, f"user:{actor.username}", f"move:{tid}", fields)
    return answer(p.hall.act(lambda now: p.hall.queue.move(tid, service, now), actor, key))


@idempotent
async def message_window(request: Request) -> Response:
    """
    summary: Send a message to a window's counter page (manager).
    requestBody:
      content:
        application/json:
          schema: {type: object, required: [text], properties: {text: {type: string}}}
    responses:
      200: {description: The message as sent.}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.MANAGER)
    n = request.path_params["n"]
    p.hall.queue.window(n)
    body = await Body.read(request)
    text = body.text("text", max_len=200)
    body.done()
    assert text is not None
    to = p.hall.queue.window(n).staff  # who is at that window now: only they see it
    data: WindowMessage = {
        "window": n,
        "text": text,
        "from": actor.username,
        "from_name": actor.name,
        "to": to,
    }
    p.hall.record(EventType.WINDOW_MESSAGE, data, actor.username)
    return JSON(data)


async def list_users(request: Request) -> Response:
    """
    summary: Staff accounts (manager).
    responses:
      200: {description: "{users: [{username, name, role, active}]}"}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    return JSON({"users": p.accounts.list()})


@idempotent
async def add_user(request: Request) -> Response:
    """
    summary: Create a staff account (admin).
    responses:
      201: {description: The account.}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.ADMIN)
    body = await Body.read(request)
    username = body.text("username", max_len=32)
    name = body.text("name", max_len=40)
    role = body.choice("role", Role)
    password = body.text("password", max_len=200)
    body.done()
    assert username is not None and name is not None and password is not None
    password_hash = await p.hashes.run(lambda: p.accounts.hash_password(password, username, name))
    p.accounts.add_hashed(username, name, role, password_hash)
    data: UserView = {"username": username, "name": name, "role": role.value, "active": True}
    added: UserChange = {
        "change": "added",
        "username": username,
        "name": name,
        "role": role.value,
        "active": True,
    }
    p.hall.record(EventType.USER_CHANGED, added, actor.username)
    return JSON(data, status_code=201)


@idempotent
async def change_user(request: Request) -> Response:
    """
    summary: Set a new password {password} or enable/disable {active} an account (admin).
    responses:
      200: {description: The account.}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.ADMIN)
    username = request.path_params["username"]
    body = await Body.read(request)
    password = body.text("password", required=False, max_len=200)
    active = body.boolean("active", required=False)
    body.done()
    if password is not None:
        new = password
        password_hash = await p.hashes.run(lambda: p.accounts.hash_password(new, username))
        p.accounts.set_password_hash(username, password_hash)
    if active is not None:
        p.accounts.set_active(username, active)
    change: UserChange = {"change": "changed", "username": username}
    if active is False:
        change.update(_sign_out_disabled(p, username, actor))
    if active is not None:
        change["active"] = active
    if password is not None:
        change["password"] = "reset"
    p.hall.record(EventType.USER_CHANGED, change, actor.username)
    user = next((u for u in p.accounts.list() if u["username"] == username), None)
    return JSON(user)


def _sign_out_disabled(p: Parts, username: str, actor: Actor) -> UserChange:
    """A disabled account leaves its window at once when the window is free; with a visitor
    or parked tickets still there, a manager finishes them at that window (managers may act
    at any window) and the answer says so."""
    change: UserChange = {"change": "changed", "username": username}
    w = next((w for w in p.hall.queue.windows.values() if w.staff == username), None)
    if w is None:
        return change
    if w.current is None and not w.parked:
        p.hall.act(lambda now: p.hall.queue.sign_out(w.number, now), actor, None)
        change["signed_out_of"] = w.number
    else:
        change["still_at_window"] = w.number
    return change


async def get_setup(request: Request) -> Response:
    """
    summary: The services and windows as set up now (the hall file plus changes), and the
      changes made at run time with who and when (manager).
    responses:
      200: {description: "{services, windows, changes}"}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    config = p.hall.config
    services = [
        {
            "id": s.id,
            "name": s.name,
            "name_en": s.name_en,
            "department": s.department,
            "prefix": s.prefix,
            "daily_cap": s.daily_cap,
            "hours": [h.strip() for h in s.hours_text.split(",")] if s.hours_text else [],
            "hours_shown": [span.text("zh") for span in s.hours],  # for reading, not editing
            "hours_shown_en": [span.text("en") for span in s.hours],
            "standard_minutes": s.standard_minutes,
            "wait_alert_minutes": s.wait_alert_minutes,
        }
        for s in config.services.values()
    ]
    windows = [
        {
            "number": w.number,
            "name": w.name,
            "name_en": w.name_en,
            "services": list(w.services),
            "kind": w.kind,
        }
        for w in config.windows.values()
    ]
    return JSON({"services": services, "windows": windows, "changes": p.setup.history()})


@idempotent
async def change_setup(request: Request) -> Response:
    """
    summary: "Change a service (name, name_en, daily_cap, hours, standard_minutes,
      wait_alert_minutes) or a window (name, name_en, services in order of preference, kind),
      or add a window with a new number; takes effect at once, logged (admin). A field set to
      null goes back to the hall file's default."
    responses:
      200: {description: The set-up after the change.}
      422: {description: The change would leave the hall set up wrongly.}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.ADMIN)
    body = await Body.read(request)
    kind, key = request.path_params["kind"], request.path_params["key"]
    if kind == "services":
        p.setup.change_service(key, body.data, actor)
    elif kind == "windows" and key.isdigit():
        p.setup.change_window(int(key), body.data, actor)
    else:
        raise DomainError(
            "bad_field",
            field="kind",
            reason_zh="应为 services 或 windows/编号",
            reason="must be services/ID or windows/NUMBER",
        )
    return await get_setup(request)


routes = [
    Route("/api/setup", get_setup, methods=["GET"]),
    Route("/api/setup/{kind:str}/{key:str}", change_setup, methods=["PUT"]),
    Route("/api/dashboard", get_dashboard, methods=["GET"]),
    Route("/api/alerts", list_alerts, methods=["GET"]),
    Route("/api/alerts/{id:id}/{action:str}", alert_step, methods=["POST"]),
    Route("/api/help/{point:str}", help_point, methods=["GET"]),
    Route("/api/help/{point:str}/call", press_help, methods=["POST"]),
    Route("/api/help-points", list_help_points, methods=["GET"]),
    Route("/api/help-calls", list_help_calls, methods=["GET"]),
    Route("/api/help-calls/{id:id}/{action:str}", help_call_step, methods=["POST"]),
    Route("/api/reports/help", help_report, methods=["GET"]),
    Route("/api/tickets/{id:id}/move", move_ticket, methods=["POST"]),
    Route("/api/windows/{n:id}/message", message_window, methods=["POST"]),
    Route("/api/users", list_users, methods=["GET"]),
    Route("/api/users", add_user, methods=["POST"]),
    Route("/api/users/{username:str}", change_user, methods=["POST"]),
]
