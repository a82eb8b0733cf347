"""Everything a screen, a page, a hall file or a caller relies on is written down: each list
is read from the code, so a new event type, key, error code or route without docs fails."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from starlette.routing import Mount, Route, WebSocketRoute

from display.announcer import _KEYS as SPEECH_KEYS  # display/ names it privately
from hall import config as hall_config
from hall.errors import MESSAGES
from hall.events import EventType
from hall.payloads import PAYLOADS, Snapshot
from hall.rating.rules import EVALUATION_KEYS
from hall.watch.conditions import ALERT_KEYS
from hall.watch.help import HELP_POINT_KEYS
from printers.settings import PRINTER_KEYS
from server.app import PAGES, create_app, schemas
from server.citylink import CITY_KEYS
from server.http import _STATUS
from server.settings import SERVER_KEYS
from ticketing.access import ACCESS_KEYS
from ticketing.kiosk import KIOSK_KEYS, SLIP_KEYS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HALL = Path(__file__).parent / "halls" / "small.toml"


def sections(text: str, level: int) -> dict[str, str]:
    """A markdown file's sections at one heading level: heading -> the text under it."""
    found: dict[str, str] = {}
    heading = None
    fenced = False  # inside ``` a "# " line is a comment, not a heading
    for line in text.splitlines():
        fenced ^= line.startswith("```")
        m = None if fenced else re.match(r"(#+) (.*)", line)
        if m and len(m[1]) <= level:  # a heading at this level starts one, a higher one ends it
            heading = m[2].strip() if len(m[1]) == level else None
            if heading is not None:
                found[heading] = ""
        elif heading is not None:
            found[heading] += line + "\n"
    return found


def table_rows(text: str) -> Iterator[list[str]]:
    """The cells of every table row whose first cell names something in `backticks`."""
    for line in text.splitlines():
        if line.startswith("| `"):
            yield [cell.strip() for cell in line.strip().strip("|").split("|")]


# -- events -------------------------------------------------------------------------------

EVENTS = (DOCS / "events.md").read_text(encoding="utf-8")
SHAPES = sections(EVENTS, 3)


def shapes_within(root: object, seen: dict[str, type]) -> dict[str, type]:
    """Every TypedDict a screen meets in a shape: itself and the records inside it."""
    if typing.is_typeddict(root):
        assert isinstance(root, type)
        if root.__name__ not in seen:
            seen[root.__name__] = root
            for hint in typing.get_type_hints(root).values():
                shapes_within(hint, seen)
    else:
        for arg in typing.get_args(root):
            shapes_within(arg, seen)
    return seen


ALL_SHAPES: dict[str, type] = {}
for _shape in [*PAYLOADS.values(), Snapshot]:
    shapes_within(_shape, ALL_SHAPES)


def test_every_event_type_has_its_shape() -> None:
    assert set(PAYLOADS) == set(EventType), "hall/payloads.py: PAYLOADS must name every type"


@pytest.mark.parametrize("event", list(EventType), ids=str)
def test_every_event_type_is_described_with_who_sees_it(event: EventType) -> None:
    rows = [r for r in table_rows(EVENTS) if r[0] == f"`{event.value}`"]
    assert rows, f"docs/events.md: no row for `{event.value}` in the table of events"
    _, seen_by, shape, when = rows[0]
    assert seen_by == ("public" if event.public else "staff"), (
        f"docs/events.md: `{event.value}` is {'public' if event.public else 'staff-only'}"
    )
    assert shape == f"`{PAYLOADS[event].__name__}`", f"docs/events.md: `{event.value}`'s data"
    assert when, f"docs/events.md: say when `{event.value}` happens"


@pytest.mark.parametrize("name", sorted(ALL_SHAPES))
def test_every_key_of_every_shape_is_described(name: str) -> None:
    assert name in SHAPES, f"docs/events.md: no '### {name}' section"
    described = {r[0].strip("`") for r in table_rows(SHAPES[name])}
    keys = set(typing.get_type_hints(ALL_SHAPES[name]))
    if name == "CallMessage":  # a TicketEvent as sent: only what it adds has its own rows
        keys -= set(typing.get_type_hints(ALL_SHAPES["TicketEvent"]))
    assert keys - described == set(), f"docs/events.md, {name}: keys not described"
    assert described - keys == set(), f"docs/events.md, {name}: no such keys"


# -- the hall file --------------------------------------------------------------------------

HALL_FILE = sections((DOCS / "hall-file.md").read_text(encoding="utf-8"), 2)

# Each table of the hall file and the keys its reader accepts.
HALL_FILE_KEYS: Mapping[str, frozenset[str]] = {
    "hall": hall_config.HALL_KEYS,
    "departments": hall_config.DEPARTMENT_KEYS,
    "services": hall_config.SERVICE_KEYS,
    "windows": hall_config.WINDOW_KEYS,
    "printers": PRINTER_KEYS,
    "kiosks": KIOSK_KEYS,
    "slip": SLIP_KEYS,
    "speech": frozenset(SPEECH_KEYS),
    "evaluation": EVALUATION_KEYS,
    "alerts": ALERT_KEYS,
    "help_points": HELP_POINT_KEYS,
    "server": SERVER_KEYS,
    "access": ACCESS_KEYS,
    "city": CITY_KEYS,
}


def test_every_section_of_the_hall_file_has_its_keys_here() -> None:
    assert set(hall_config.SECTIONS) == set(HALL_FILE_KEYS), "a new section: list its keys here"


@pytest.mark.parametrize("section", hall_config.SECTIONS)
def test_every_key_of_the_hall_file_is_described(section: str) -> None:
    marks = (f"[{section}]", f"[[{section}]]", f"[{section}.")
    text = "".join(body for head, body in HALL_FILE.items() if any(m in head for m in marks))
    assert text, f"docs/hall-file.md: no '## [{section}]' section"
    missing = {
        key
        for key in HALL_FILE_KEYS[section]
        if f"`{key}`" not in text and not re.search(rf"^{key}\s*=", text, re.MULTILINE)
    }
    assert missing == set(), f"docs/hall-file.md, [{section}]: keys not described"


# -- errors ---------------------------------------------------------------------------------

# The catalogue's rows: code, HTTP status, Chinese, English.
ERRORS = {
    r[0].strip("`"): r
    for r in table_rows((DOCS / "errors.md").read_text(encoding="utf-8"))
    if len(r) == 4
}


@pytest.mark.parametrize("code", list(MESSAGES))
def test_every_error_code_is_listed_with_its_status_and_messages(code: str) -> None:
    assert code in ERRORS, f"docs/errors.md: no row for `{code}`"
    kind, zh, en = MESSAGES[code]
    status = 400 if code == "bad_json" else _STATUS[kind]  # as server.http.error_response
    assert ERRORS[code][1:] == [str(status), zh, en], f"docs/errors.md: `{code}` differs"


def test_no_error_listed_that_the_hall_does_not_give() -> None:
    assert set(ERRORS) - set(MESSAGES) == set()


# -- routes ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> list[Route | WebSocketRoute]:
    """Every route the app is built with, pages and static files aside; the app never starts."""
    app = create_app(hall_config.load_config(HALL), tmp_path_factory.mktemp("data"))
    found = []
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path == "/static", f"{route.path}: a new mount; check its routes here"
        elif isinstance(route, Route | WebSocketRoute) and route.path not in PAGES:
            found.append(route)
    assert len(found) >= 10
    return found


def test_every_api_route_has_a_summary_in_the_openapi_schema(
    routes: list[Route | WebSocketRoute],
) -> None:
    paths = schemas.get_schema(routes=list(routes))["paths"]
    missing = [
        f"{method} {route.path}"
        for route in routes
        if isinstance(route, Route) and route.include_in_schema
        for method in sorted((route.methods or set()) - {"HEAD"})
        if not paths.get(route.path_format, {}).get(method.lower(), {}).get("summary")
    ]
    assert missing == [], "routes whose docstring has no OpenAPI summary"


def test_every_route_outside_the_schema_says_what_it_is(
    routes: list[Route | WebSocketRoute],
) -> None:
    """Websockets, the schema itself, audio: not in OpenAPI, but each has its docstring."""
    outside = [r for r in routes if not isinstance(r, Route) or not r.include_in_schema]
    assert {r.path for r in outside} >= {"/ws/display", "/ws/staff", "/ws/printer-agent"}
    undocumented = [r.path for r in outside if not (r.endpoint.__doc__ or "").strip()]
    assert undocumented == []
