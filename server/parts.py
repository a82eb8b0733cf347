"""What every route works with: the hall's parts, built once by the app's lifespan, and who
is asking (a user, a paired device, or an anonymous address)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, cast

from starlette.requests import Request

from hall.actors import Actor
from hall.hall import Hall
from hall.people.accounts import Accounts
from hall.people.devices import Devices
from hall.rating.desk import Ratings
from hall.setup_changes import SetupEditor
from hall.views import without_usernames
from hall.watch.alert_book import AlertBook
from hall.watch.help import HelpDesk
from printers.spooler import Spooler
from server.http import Sessions
from server.throttle import HashGate, LoginGuard
from ticketing.kiosk import TicketDesk

T = TypeVar("T")


@dataclass
class Parts:
    """What the API works with; built once by the app's lifespan."""

    hall: Hall
    accounts: Accounts
    sessions: Sessions
    desk: TicketDesk
    spooler: Spooler
    ratings: Ratings
    devices: Devices
    alerts: AlertBook
    help: HelpDesk
    setup: SetupEditor
    throttle: LoginGuard
    hashes: HashGate
    secure_cookies: bool = False


def parts(request: Request) -> Parts:
    p = request.app.state.parts
    assert isinstance(p, Parts)
    return p


def caller_scope(request: Request, actor: Actor | None) -> str:
    """Who a request's idempotency key belongs to: a user, else the device's address."""
    if actor is not None:
        return f"user:{actor.username}"
    device = request.headers.get("x-device-id") or (request.client.host if request.client else "")
    return f"device:{device}"


DEVICE_PREFIX = "device "


def device(request: Request) -> Any:
    """The paired device this request comes from (Authorization: Device TOKEN), if any."""
    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith(DEVICE_PREFIX):
        return None
    return parts(request).devices.by_token(auth[len(DEVICE_PREFIX) :].strip())


def for_caller(request: Request, view: T) -> T:
    """A view as this caller may see it: staff see usernames, the public only names."""
    if parts(request).sessions.actor(request) is not None:
        return view
    return cast(T, without_usernames(view))
