"""The composition root: one place builds storage, the hall, the hub and the web app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.schemas import SchemaGenerator
from starlette.staticfiles import StaticFiles

from display.announcer import Announcer, SpeechOptions, speech_options
from display.hub import REPLAY_EVENTS, Hub
from display.playback import PlaybackError
from display.tts import SpeechError
from hall import schema as hall_schema
from hall import setup_changes
from hall.clock import Clock, SystemClock
from hall.config import ConfigError, HallConfig
from hall.errors import DomainError
from hall.events import Event, EventType
from hall.hall import Hall
from hall.payloads import TicketEvent
from hall.people import schema as people_schema
from hall.people.accounts import Accounts
from hall.people.devices import Devices
from hall.rating import records
from hall.rating.desk import Ratings
from hall.rating.rules import EvaluationSettings, evaluation_settings
from hall.reports import rollups
from hall.reports.rollups import build_rollups
from hall.setup_changes import SetupEditor, with_stored_changes
from hall.storage import Migration, Store, connect
from hall.watch import schema as watch_schema
from hall.watch.alert_book import AlertBook
from hall.watch.conditions import AlertSettings, alert_settings
from hall.watch.dashboard import conditions
from hall.watch.help import HelpDesk, HelpPoint, help_points
from printers import PrinterDevice, jobs, load_printers
from printers.agent import AgentPrinter
from printers.spooler import Spooler
from server import (
    agents,
    api,
    devices_api,
    live,
    manager_api,
    ratings_api,
    reports_api,
    sources_api,
    windows_api,
)
from server.citylink import CityLink, CitySettings, city_settings
from server.http import (
    JSON,
    Sessions,
    domain_error_handler,
    http_error_handler,
    server_error_handler,
)
from server.live import SocketLimits
from server.parts import Parts
from server.protect import Protect
from server.settings import ServerSettings, server_settings
from server.throttle import HashGate, LoginGuard
from ticketing.access import AccessSettings, access_settings
from ticketing.kiosk import Kiosk, SlipTexts, TicketDesk, load_kiosks, load_slip_texts

log = logging.getLogger("hallcall")

# Every room's tables, gathered here so that the core's storage knows no feature.
MIGRATIONS: tuple[Migration, ...] = (
    *hall_schema.MIGRATIONS,
    *people_schema.MIGRATIONS,
    *jobs.MIGRATIONS,
    *records.MIGRATIONS,
    *rollups.MIGRATIONS,
    *watch_schema.MIGRATIONS,
    *setup_changes.MIGRATIONS,
)


def open_store(path: Path) -> Store:
    """The hall's database with every room's schema, migrated to the newest."""
    return Store(path, MIGRATIONS)


STATIC = Path(__file__).resolve().parent.parent / "static"
PAGES = {
    "/": "index.html",
    "/kiosk": "kiosk.html",
    "/counter": "counter.html",
    "/screen": "screen.html",
    "/t/{token}": "ticket.html",
    "/pad": "pad.html",
    "/window/{n}": "window.html",
    "/workorders": "workorders.html",
    "/admin": "admin.html",
    "/help/{point}": "help.html",
    "/dashboard": "dashboard.html",
    "/reports": "reports.html",
}

schemas = SchemaGenerator(
    {
        "openapi": "3.0.3",
        "info": {"title": "HallCall API", "version": "1"},
    }
)


def _stringify_keys(value: Any) -> Any:
    """YAML docstrings give status codes as ints; JSON and OpenAPI want strings."""
    if isinstance(value, dict):
        return {str(k): _stringify_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify_keys(v) for v in value]
    return value


async def _speaker(options: SpeechOptions, data_dir: Path, hall: Hall) -> Announcer | None:
    """Start speech (a wrong voice stops the start-up) and give every call its audio URL."""
    if not options.enabled:
        return None
    announcer = Announcer(options, data_dir / "audio")
    try:
        await announcer.start()
    except (SpeechError, PlaybackError) as exc:
        log.error("speech: %s", exc)
        raise

    def add_audio(event: EventType, data: TicketEvent) -> None:
        if event.is_call:
            data["audio"] = announcer.audio_for(data["number"], data["window"])

    def speak(event: Event) -> None:
        audio = event.data.get("audio")
        if event.type.is_call and isinstance(audio, str):
            announcer.called(audio.rsplit("/", 1)[-1])

    hall.enrichers.append(add_audio)
    hall.after.append(speak)
    hall.screen_settings["speech"] = {
        "enabled": True,
        "catch_up_seconds": options.catch_up_seconds,
        "server_plays": options.play_on_server,
    }
    return announcer


async def audio(request: Request) -> Response:
    """`/audio/NAME`: a call's WAV, as named in its event's `audio` (screens play it)."""
    announcer: Announcer | None = request.app.state.announcer
    path = await announcer.file(request.path_params["name"]) if announcer else None
    if path is None:
        raise HTTPException(404)
    return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "max-age=86400"})


# Events after which the alerts are checked at once rather than at the next tick.
_ALERTING_EVENTS = frozenset(
    {
        EventType.PRINTER_STATUS,
        EventType.HELP_CALLED,
        EventType.HELP_ACKNOWLEDGED,
        EventType.HELP_RESOLVED,
        EventType.WORK_ORDER_OPENED,
        EventType.WORK_ORDER_STEP,
        EventType.WINDOW_PAUSED,
        EventType.WINDOW_RESUMED,
    }
)


def _publish(hubs: list[Hub], nudges: list[Callable[[], None]], event: Event) -> None:
    # The hall closes yesterday's leftovers while it is built, before the hub exists: those
    # events are committed, and the hub's replay buffer is filled from the database.
    for hub in hubs:
        hub.publish(event)
    if event.type in _ALERTING_EVENTS:
        for nudge in nudges:
            nudge()


async def _watch_alerts(
    hall: Hall,
    book: AlertBook,
    settings: AlertSettings,
    spooler: Spooler,
    help_desk: HelpDesk,
    nudged: asyncio.Event,
) -> None:
    """Check every few seconds, and at once after an event that may raise an alert."""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(nudged.wait(), settings.check_seconds)
        nudged.clear()
        try:
            book.sync(conditions(hall, settings, spooler.statuses, help_desk))
        except Exception:  # the next check tries again
            log.exception("checking alerts failed")


HOUSEKEEPING_SECONDS = 30


def _forget_old_answers(hall: Hall) -> Callable[[], object]:
    return lambda: hall.store.forget_old_answers(hall.clock.time() - 86400)


ROLLUP_SECONDS = 3600


async def _roll_up(store: Store, config: HallConfig, clock: Clock) -> None:
    """Keep the report rollups built (at start-up, then hourly: cheap when nothing changed),
    on a connection of their own in a worker thread."""

    def build() -> int:
        conn = connect(store.path)
        try:
            return build_rollups(conn, config, date.max, now=clock.now())  # up to yesterday
        finally:
            conn.close()

    while True:
        try:
            built = await asyncio.to_thread(build)
            if built:
                log.info("report rollups: %d days built", built)
        except Exception:
            log.exception("building report rollups failed")
        await asyncio.sleep(ROLLUP_SECONDS)


async def _housekeeping(hall: Hall, ratings: Ratings) -> None:
    """The hall's clockwork: close yesterday soon after midnight, give default ratings where
    the hall's rules say so. Each task failing alone is retried at the next tick."""
    ticks = 0
    while True:
        await asyncio.sleep(HOUSEKEEPING_SECONDS)
        ticks += 1
        jobs: list[tuple[str, Callable[[], object]]] = [
            ("closing the previous day", hall.close_previous_days),
            ("announcing opening hours", hall.check_hours),
        ]
        if ticks % 120 == 1:  # about hourly
            jobs.append(("giving default ratings", ratings.give_default_ratings))
            jobs.append(("forgetting old idempotency keys", _forget_old_answers(hall)))
        for name, job in jobs:
            try:
                job()
            except Exception:
                log.exception("%s failed", name)


def secret_key(data_dir: Path) -> str:
    """The key that signs sessions: made once per hall and kept beside its database."""
    path = data_dir / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class HallSetup:
    """What the hall file says beyond the queue (devices, speech, ratings), checked first."""

    printers: dict[str, PrinterDevice | AgentPrinter]
    kiosks: dict[str, Kiosk]
    slip: SlipTexts
    speech: SpeechOptions
    evaluation: EvaluationSettings
    alerts: AlertSettings
    help_points: dict[str, HelpPoint]
    server: ServerSettings
    access: AccessSettings
    city: CitySettings | None

    @classmethod
    def of(cls, config: HallConfig) -> HallSetup:
        sections = config.sections
        try:
            printers = load_printers(sections.get("printers", {}))
            kiosks = load_kiosks(sections.get("kiosks", {}), printers)
            slip = load_slip_texts(sections.get("slip", {}))
            speech = speech_options(
                sections.get("speech", {}), max(config.windows), Path(config.source).parent
            )
            alerts = alert_settings(sections.get("alerts", {}))
            points = help_points(sections.get("help_points", {}))
            server = server_settings(sections.get("server", {}))
            access = access_settings(sections.get("access", {}))
            city = city_settings(sections.get("city", {}), Path(config.source).parent)
        except ValueError as exc:
            raise ConfigError(f"{config.source}: {exc}") from exc
        evaluation = evaluation_settings(sections.get("evaluation", {}), config.source)
        return cls(printers, kiosks, slip, speech, evaluation, alerts, points, server, access, city)


def create_app(
    config: HallConfig,
    data_dir: Path,
    clock: Clock | None = None,
) -> Starlette:
    setup = HallSetup.of(config)
    data_dir.mkdir(parents=True, exist_ok=True)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = open_store(data_dir / "hallcall.db")
        hall_clock = clock or SystemClock()
        live_config = with_stored_changes(config, store.conn)
        hub_ref: list[Hub] = []
        nudges: list[Callable[[], None]] = []
        hall = Hall(
            live_config,
            store,
            hall_clock,
            publish=lambda event: _publish(hub_ref, nudges, event),
        )
        last = store.last_seq()
        hub = Hub(last, hall.snapshot)
        hub.preload(store.events_since(max(0, last - REPLAY_EVENTS), REPLAY_EVENTS))
        hub_ref.append(hub)
        hall.on_reconfigure.append(hub.redraw)
        accounts = Accounts(store, hall_clock)
        announcer = await _speaker(setup.speech, data_dir, hall)
        spooler = Spooler(hall, setup.printers)
        spooler.start()
        desk = TicketDesk(hall, setup.kiosks, setup.slip, spooler, setup.access)
        sessions = Sessions(secret_key(data_dir), accounts)
        ratings = Ratings(hall, setup.evaluation)
        hall.after.append(ratings.observe)
        hall.screen_settings["rating_pad"] = ratings.pad_settings()
        help_desk = HelpDesk(hall, setup.help_points)
        alert_book = AlertBook(hall)
        hashes = HashGate()
        app.state.parts = Parts(
            hall,
            accounts,
            sessions,
            desk,
            spooler,
            ratings,
            Devices(store, hall_clock),
            alert_book,
            help_desk,
            SetupEditor(hall),
            LoginGuard(hall_clock.time),
            hashes,
            secure_cookies=setup.server.secure_cookies,
        )
        watch = asyncio.Event()
        nudges.append(watch.set)
        alarm = asyncio.create_task(
            _watch_alerts(hall, alert_book, setup.alerts, spooler, help_desk, watch)
        )
        app.state.hub = hub
        app.state.sockets = SocketLimits(
            setup.server.max_sockets,
            setup.server.max_sockets_per_address,
            setup.access.on_kiosk_network,
        )
        app.state.announcer = announcer
        log.info(
            "%s is open: %d services, %d windows",
            config.hall.name,
            len(config.services),
            len(config.windows),
        )
        clockwork = asyncio.create_task(_housekeeping(hall, ratings))
        link = CityLink(setup.city, store) if setup.city else None
        if link is not None:  # the hall works alone whenever the hub is away
            hall.after.append(link.nudge)
        linking = asyncio.create_task(link.run()) if link else None
        app.state.city_link = link
        rollups = asyncio.create_task(_roll_up(store, config, hall_clock))
        try:
            yield
        finally:
            clockwork.cancel()
            if linking is not None:
                linking.cancel()
            rollups.cancel()
            alarm.cancel()
            await spooler.stop()
            if announcer is not None:
                await announcer.close()
            await hub.close_all()
            hashes.close()
            store.close()

    async def openapi(request: Request) -> Response:
        """`/openapi.json`: this API described, from the routes' docstrings."""
        return JSON(_stringify_keys(schemas.get_schema(routes=request.app.routes)))

    def page(name: str) -> Callable[[Request], FileResponse]:
        def serve(request: Request) -> FileResponse:
            if not (STATIC / name).is_file():
                raise HTTPException(404)
            return FileResponse(STATIC / name, headers={"Cache-Control": "no-cache"})

        return serve

    routes = [
        *ratings_api.routes,
        *devices_api.routes,
        *sources_api.routes,
        *manager_api.routes,
        *reports_api.routes,
        *api.routes,
        *windows_api.routes,
        *live.routes,
        *agents.routes,
        Route("/openapi.json", openapi, include_in_schema=False),
        Route("/audio/{name:str}", audio, include_in_schema=False),
        *(Route(path, page(name), include_in_schema=False) for path, name in PAGES.items()),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(Protect, settings=setup.server)],
        exception_handlers={
            DomainError: domain_error_handler,
            HTTPException: http_error_handler,
            Exception: server_error_handler,
        },
    )
