"""Paired devices: rating pads at windows, kiosks and help points, each with its own token."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hall.actors import Role
from hall.errors import DomainError
from hall.people.devices import DeviceKind
from server.http import JSON, Body, idempotent
from server.parts import device, parts


@idempotent
async def pair_device(request: Request) -> Response:
    """
    summary: "Pair a device (manager): a rating pad with a window {window}, a kiosk or a help
      point with its id in the hall file {kind, place}. Answers its token, shown this once:
      the device sends it as 'Authorization: Device TOKEN'."
    requestBody:
      content:
        application/json:
          schema:
            type: object
            properties:
              kind: {type: string, enum: [pad, kiosk, help_point], default: pad}
              window: {type: integer, description: "pad: the window it rates"}
              place: {type: string, description: "kiosk or help point: its id"}
              name: {type: string}
    responses:
      201: {description: "{device, token}"}
      403: {description: Not a manager.}
      404: {description: No such window, kiosk or help point.}
      422: {description: A field is missing or wrong.}
    """
    p = parts(request)
    actor = p.sessions.require(request, Role.MANAGER)
    body = await Body.read(request)
    kind = body.choice("kind", DeviceKind, DeviceKind.PAD)
    window = body.integer("window", required=kind is DeviceKind.PAD, low=1)
    place = body.text("place", required=kind is not DeviceKind.PAD, max_len=40)
    name = body.text("name", required=False, max_len=40)
    body.done()
    if kind is DeviceKind.PAD:
        assert window is not None
        p.hall.queue.window(window)
        default_name, place = f"{window}号窗口评价器", None
    elif kind is DeviceKind.KIOSK:
        assert place is not None
        default_name, window = p.desk.kiosk(place).name, None
    else:
        assert place is not None
        default_name, window = p.help.point(place).name, None
    made, token = p.devices.pair(kind, window, name or default_name, actor.username, place)
    return JSON({"device": made.view(), "token": token}, status_code=201)


async def list_devices(request: Request) -> Response:
    """
    summary: Paired devices (manager).
    responses:
      200: {description: "{devices: [...]}"}
      403: {description: Not a manager.}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    return JSON({"devices": [d.view() for d in p.devices.all()]})


@idempotent
async def revoke_device(request: Request) -> Response:
    """
    summary: Unpair a device (manager); its token stops working at once.
    responses:
      200: {description: "{revoked: true}"}
      404: {description: No such device.}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    if not p.devices.revoke(request.path_params["id"]):
        raise DomainError("device_unknown", device=request.path_params["id"])
    return JSON({"revoked": True})


async def this_device(request: Request) -> Response:
    """
    summary: The device this token belongs to (a pad asks which window it serves).
    responses:
      200: {description: "{device}"}
      401: {description: Not a paired device.}
    """
    found = device(request)
    if found is None:
        raise DomainError("device_required")
    return JSON({"device": found.view()})


routes = [
    Route("/api/devices", pair_device, methods=["POST"]),
    Route("/api/devices", list_devices, methods=["GET"]),
    Route("/api/devices/me", this_device, methods=["GET"]),
    Route("/api/devices/{id:str}/revoke", revoke_device, methods=["POST"]),
]
