"""The hall screen and the window screens in real Chromium against a real server: each call is
shown and spoken to its end, one at a time and in order; a browser that blocks sound asks for
one click; a screen back from an outage shows every missed call but speaks only recent ones.

The speech is the server's real espeak-ng WAV (about 4 s a call). To keep the burst short,
some tests play it at 4x through the page's test hook (window.hallcallTest.playbackRate): the
clips, their order and their `ended` events are real, only faster.
"""

from __future__ import annotations

import io
import itertools
import json
import shutil
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, WebSocketRoute, expect

from tests.browser import CHROMIUM, CHROMIUM_ARGS, Pages, screenshot, wait_true
from tests.conftest import HALLS
from tests.serverproc import HallServer, ok

CLIP_WAIT_MS = 15_000  # a real clip is about 4 s; its WAV is made on the first request


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loud_browser(browser: Browser) -> Iterator[Browser]:
    """Chromium as a hall PC in kiosk mode runs it: sound allowed without a click."""
    args = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    yield b
    b.close()


@pytest.fixture
def loud(loud_browser: Browser) -> Iterator[Pages]:
    p = Pages(loud_browser)
    yield p
    try:
        p.check()
    finally:
        p.close()


@pytest.fixture
def quick_catch_up(tmp_path: Path, accounts_db: Path) -> Iterator[HallServer]:
    """The small hall, whose screens speak only calls of the last 3 seconds after an outage."""
    config = tmp_path / "hall.toml"
    text = (HALLS / "small.toml").read_text(encoding="utf-8")
    config.write_text(text + "\n[speech]\ncatch_up_seconds = 3\n", encoding="utf-8")
    srv = HallServer(tmp_path / "data", config)
    shutil.copytree(accounts_db, srv.data)
    srv.start()
    yield srv
    srv.stop()


# -- helpers -------------------------------------------------------------------------------


def take(server: HallServer, service: str) -> dict[str, Any]:
    return dict(ok(server.client().post("/api/tickets", json={"service": service})))


def act(staff: httpx.Client, window: int, action: str, **body: Any) -> dict[str, Any]:
    return dict(ok(staff.post(f"/api/windows/{window}/{action}", json=body or None)))


# Every clip the page plays, seen from the media element's own events, not the queue's books.
AUDIO_LOG = """
window.audioLog = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  if (this.src.includes("/audio/")) {
    const entry = {src: this.src, start: null, end: null, duration: null};
    window.audioLog.push(entry);
    this.addEventListener("playing", () => { entry.start ??= Date.now(); });
    this.addEventListener("ended", () => {
      entry.end = Date.now();
      entry.duration = this.duration;
    });
  }
  return play.call(this);
};
"""


def open_screen(
    pages: Pages,
    url: str,
    width: int = 1920,
    height: int = 1080,
    rate: float = 1,
    load_timeout_ms: int | None = None,
    before: Any = None,
) -> Page:
    """Open a screen with the audio log (and test hooks) in place before its scripts run."""
    page = pages.open("about:blank", width=width, height=height)
    hooks: dict[str, Any] = {"playbackRate": rate}
    if load_timeout_ms:
        hooks["loadTimeoutMs"] = load_timeout_ms
    page.add_init_script(f"window.hallcallTest = {json.dumps(hooks)};\n{AUDIO_LOG}")
    page.add_init_script(
        "window.heard = [];addEventListener('hallcall:call', e => window.heard.push(e.detail.seq));"
    )
    if before:
        before(page)
    page.goto(url)
    return page


class Speech:
    """A screen's call queue as its console tells it. The blocked-sound test must not query the
    page before its click: every Playwright evaluate, locator or expect counts as a user
    gesture in Chromium and would unlock the sound by itself."""

    PREFIX = "hallcall-speech "
    SCRIPT = (
        "addEventListener('hallcall:speech', "
        f"e => console.log({json.dumps(PREFIX)} + JSON.stringify(e.detail)));"
    )

    def __init__(self, pages: Pages, url: str, width: int = 1920, height: int = 1080) -> None:
        self.events: list[dict[str, Any]] = []
        self.page = pages.open("about:blank", width=width, height=height)
        self.page.on("console", self._heard)
        self.page.add_init_script(self.SCRIPT)
        self.page.goto(url)

    def _heard(self, message: ConsoleMessage) -> None:
        if message.text.startswith(self.PREFIX):
            self.events.append(json.loads(message.text.removeprefix(self.PREFIX)))

    def kinds(self) -> list[tuple[str, str | None]]:
        return [(e["kind"], e.get("number")) for e in self.events]

    def wait_for(self, kind: str, number: str | None = None, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while (kind, number) not in self.kinds():
            assert time.monotonic() < deadline, f"no {kind} {number or ''} in {self.kinds()}"
            self.page.wait_for_timeout(100)


def calls(page: Page, what: str) -> list[dict[str, Any]]:
    return list(page.evaluate(f"window.hallcallCalls.{what}"))


def wait_played(page: Page, n: int, timeout: float = CLIP_WAIT_MS) -> list[dict[str, Any]]:
    wait_true(page, f"window.hallcallCalls.played.length >= {n}", timeout)
    return calls(page, "played")


def clips(page: Page) -> list[dict[str, Any]]:
    """The clips that played, in the order they started."""
    log = page.evaluate("window.audioLog")
    return sorted((c for c in log if c["start"] is not None), key=lambda c: c["start"])


def assert_one_at_a_time(played: list[dict[str, Any]]) -> None:
    for before, after in itertools.pairwise(played):
        assert before["end"] is not None, f"{before} never ended"
        assert after["start"] >= before["end"], f"{after} started over {before}"


def wav_seconds(server: HallServer, url: str) -> float:
    data = httpx.get(server.url + url, timeout=10).content
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate()


# Anything cut off: the page scrolls, or a box holds more than it shows.
OVERFLOW = """(selector) => {
  const root = document.scrollingElement;
  if (root.scrollHeight > innerHeight + 1 || root.scrollWidth > innerWidth + 1) return "page";
  for (const el of document.querySelectorAll(selector)) {
    if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
      return el.dataset.window || el.dataset.service || el.id || el.className;
  }
  return null;
}"""
HALL_BOXES = ".w-cell, .q-cell, #latest, #recent"
WINDOW_BOXES = ".ws-head, .ws-main, .ws-foot"


def font_px(page: Page, selector: str) -> float:
    return float(page.locator(selector).evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


# -- tests ---------------------------------------------------------------------------------


def test_a_call_is_shown_on_the_hall_and_window_screens_and_spoken_to_its_end(
    server: HallServer, loud: Pages
) -> None:
    for service in ("business", "business", "social", "social", "capped"):
        take(server, service)
    li, zhao = server.login("li"), server.login("zhao")
    act(li, 5, "sign-in")
    act(zhao, 2, "sign-in")
    act(zhao, 2, "call-next")  # B001 at window 2, before the screens open
    act(zhao, 2, "start")
    screen = open_screen(loud, f"{server.url}/screen")
    bar = open_screen(loud, f"{server.url}/window/5", width=1280, height=720)
    speaking_bar = open_screen(loud, f"{server.url}/window/5?speak=1", width=1920, height=540)
    expect(screen.locator("#latest-number")).to_have_text("B001")
    expect(bar.locator("#ws-big")).to_have_text("欢迎办理")

    act(li, 5, "call-next")  # A001 to window 5
    expect(screen.locator("#latest-number")).to_have_text("A001")
    expect(screen.locator("#latest-window")).to_have_text("5号窗口")
    expect(screen.locator("#latest-window-name")).to_have_text("商事登记窗口")
    expect(screen.locator(".w-cell[data-window='5'] .w-number")).to_have_text("A001")
    expect(screen.locator("#recent li").first).to_contain_text("B001")
    expect(screen.locator(".q-cell[data-service='business'] .q-count")).to_have_text("1")
    expect(bar.locator("#ws-big")).to_have_text("A001")
    expect(bar.locator("#ws-label")).to_have_text("正在呼叫")
    expect(bar.locator("#ws-no")).to_have_text("5号窗口")
    expect(bar.locator("#ws-name")).to_have_text("商事登记窗口")
    expect(bar.locator("#ws-staff")).to_have_text("工作人员：李明")
    expect(speaking_bar.locator("#ws-big")).to_have_text("A001")

    # The hall screen speaks it, at its real length, to its `ended`.
    [played] = wait_played(screen, 1)
    assert (played["number"], played["window"]) == ("A001", 5)
    [clip] = clips(screen)
    length = wav_seconds(server, played["audio"])
    assert length > 2.5  # chime + 请A零零一号到5号窗口办理
    assert abs((clip["end"] - clip["start"]) / 1000 - length) < 0.6
    assert abs(clip["duration"] - length) < 0.05
    # The window screen speaks its own calls only when asked to (?speak=1).
    assert [p["number"] for p in wait_played(speaking_bar, 1)] == ["A001"]
    bar.wait_for_timeout(500)
    assert calls(bar, "played") == [] and bar.evaluate("window.audioLog") == []
    assert screen.evaluate("window.heard") == [played["seq"]]

    # Readable from 8 m: the newest number about 190 px on 1080p, the bar's about 300 px.
    assert font_px(screen, "#latest-number") >= 180
    assert font_px(bar, "#ws-big") >= 280
    screen.wait_for_timeout(3300)  # let the flash end for the pictures
    assert not screen.evaluate(OVERFLOW, HALL_BOXES)
    screenshot(screen, "screens-hall-1080p")
    screen.set_viewport_size({"width": 1080, "height": 1920})
    screen.wait_for_timeout(300)
    assert not screen.evaluate(OVERFLOW, HALL_BOXES), "something spills over in portrait"
    assert font_px(screen, "#latest-number") >= 180
    latest = screen.locator("#latest").bounding_box()
    windows = screen.locator("#windows").bounding_box()
    assert latest and windows and latest["y"] + latest["height"] <= windows["y"]
    screenshot(screen, "screens-hall-portrait")
    assert not bar.evaluate(OVERFLOW, WINDOW_BOXES)
    screenshot(bar, "screens-window-calling-720p")
    assert not speaking_bar.evaluate(OVERFLOW, WINDOW_BOXES)
    screenshot(speaking_bar, "screens-window-calling-1920x540")


def test_a_burst_of_ten_calls_is_spoken_in_order_never_over_each_other(
    server: HallServer, loud: Pages
) -> None:
    for service in ("business",) * 6 + ("social",) * 4:
        take(server, service)
    staff = {1: server.login("li"), 2: server.login("zhao"), 5: server.login("boss")}
    for n, client in staff.items():
        act(client, n, "sign-in")
    screen = open_screen(loud, f"{server.url}/screen", rate=4)
    expect(screen.locator("#latest-empty")).to_be_visible()

    started = time.monotonic()
    for action in ("call-next", "recall", "recall"):
        for n, client in staff.items():
            act(client, n, action)
    act(staff[1], 1, "no-show")
    act(staff[1], 1, "call-next")
    assert time.monotonic() - started < 1.0  # ten calls within a second

    played = wait_played(screen, 10, timeout=40_000)
    heard = screen.evaluate("window.heard")
    assert len(heard) == 10 and heard == sorted(heard)
    assert [p["seq"] for p in played] == heard  # every call spoken, in the order of seq
    assert_one_at_a_time(played)
    log = clips(screen)
    assert len(log) == 10 and all(c["end"] for c in log)
    assert_one_at_a_time(log)  # the browser's own events agree: no clip over another
    assert calls(screen, "skipped") == []
    assert [p["number"] for p in played[:3]] == ["A001", "B001", "A002"]
    assert played[-1]["number"] == "A003"
    expect(screen.locator("#latest-number")).to_have_text("A003")


def test_a_broken_or_hung_clip_is_skipped_and_the_next_call_still_speaks(
    server: HallServer, loud: Pages
) -> None:
    for _ in range(3):
        take(server, "business")
    li = server.login("li")
    act(li, 1, "sign-in")
    seen: list[str] = []

    def audio(route: Route) -> None:
        url = route.request.url
        if url not in seen:
            seen.append(url)
        if url == seen[0]:
            route.fulfill(status=404, body="gone")
        elif url == seen[1]:
            return  # never answers: the queue must give up on it by itself
        else:
            route.continue_()

    screen = open_screen(
        loud,
        f"{server.url}/screen",
        rate=4,
        load_timeout_ms=1500,
        before=lambda page: page.route("**/audio/*", audio),
    )
    expect(screen.locator("#latest-empty")).to_be_visible()
    for _ in range(3):
        act(li, 1, "call-next")
        act(li, 1, "no-show")
    [played] = wait_played(screen, 1)
    assert played["number"] == "A003"
    skipped = calls(screen, "skipped")
    assert [(s["number"], s["reason"]) for s in skipped] == [("A001", "error"), ("A002", "timeout")]


def test_a_browser_that_blocks_sound_asks_for_one_click(server: HallServer, pages: Pages) -> None:
    take(server, "business")
    li = server.login("li")
    act(li, 1, "sign-in")
    hall = Speech(pages, f"{server.url}/screen")  # Chromium's default: no sound before a click
    hall.wait_for("blocked")  # found out at start-up, before any call
    act(li, 1, "call-next")
    hall.wait_for("shown", "A001")  # shown even while it cannot be heard
    hall.page.wait_for_timeout(1000)
    assert hall.kinds() == [("blocked", None), ("shown", "A001")]  # not played, not skipped

    # Only now look at the page (each look counts as a gesture, but the call stays waiting
    # for the click: the queue speaks it on the click, not on its own).
    screen = hall.page
    lock = screen.locator("#speech-lock")
    expect(lock).to_be_visible()
    expect(lock).to_contain_text("一次点击启用语音")
    expect(lock).to_contain_text("Click once to turn on speech")
    expect(screen.locator("#latest-number")).to_have_text("A001")
    assert font_px(screen, "#speech-lock strong") >= 48  # 5 % of the screen's height
    assert not screen.evaluate(OVERFLOW, HALL_BOXES)
    screenshot(screen, "screens-hall-speech-locked")
    assert calls(screen, "played") == []

    screen.mouse.click(960, 700)  # anywhere
    hall.wait_for("unblocked")
    hall.wait_for("played", "A001", timeout=CLIP_WAIT_MS / 1000)
    expect(lock).to_be_hidden()

    # A window screen asked to speak says the same; one that does not speak never asks.
    speaking = Speech(pages, f"{server.url}/window/1?speak=1", width=1280, height=720)
    speaking.wait_for("blocked")
    expect(speaking.page.locator("#speech-lock")).to_contain_text("一次点击启用语音")
    quiet = pages.open(f"{server.url}/window/1", width=1280, height=720)
    expect(quiet.locator("#ws-big")).to_have_text("A001")
    quiet.wait_for_timeout(500)
    expect(quiet.locator("#speech-lock")).to_be_hidden()


def test_a_screen_back_online_shows_what_it_missed_and_speaks_only_recent_calls(
    quick_catch_up: HallServer, loud: Pages
) -> None:
    server = quick_catch_up
    for _ in range(4):
        take(server, "business")
    li = server.login("li")
    act(li, 1, "sign-in")
    link: dict[str, Any] = {"mode": "up", "open": []}

    def websocket(ws: WebSocketRoute) -> None:
        """The screen's network: passes everything through, drops the connection, or plays a
        hub that finds the screen too far behind and sends a snapshot instead of a replay."""
        if link["mode"] == "down":
            ws.close()
            return
        hub = ws.connect_to_server()
        link["open"] += [ws, hub]
        if link["mode"] == "snapshot":
            snap = ok(server.client().get("/api/snapshot"))
            seq = snap["recent_calls"][0]["seq"]  # the last event is a call
            sent = json.dumps({"type": "snapshot", "seq": seq, **snap}, ensure_ascii=False)
            hub.on_message(lambda m: ws.send(sent) if json.loads(m)["seq"] == seq else None)

    def down() -> None:
        link["mode"] = "down"
        for side in link["open"]:
            side.close()
        link["open"].clear()

    def up(mode: str = "up") -> None:
        link["mode"] = mode
        screen.evaluate("dispatchEvent(new Event('online'))")  # as a network coming back does

    screen = open_screen(
        loud,
        f"{server.url}/screen",
        rate=4,
        before=lambda page: page.route_web_socket("**/ws/display*", websocket),
    )
    expect(screen.locator("#latest-empty")).to_be_visible()
    act(li, 1, "call-next")  # A001, live
    wait_played(screen, 1)

    down()
    expect(screen.locator("#conn")).to_be_visible()  # the screen knows it is offline
    act(li, 1, "no-show")
    act(li, 1, "call-next")  # A002: older than 3 s when the screen is back
    # Well past the 3 s catch-up: the page knows the server clock only to the second.
    screen.wait_for_timeout(6000)
    act(li, 1, "no-show")
    act(li, 1, "call-next")  # A003: recent
    up()
    expect(screen.locator("#latest-number")).to_have_text("A003")
    expect(screen.locator("#recent li").first).to_contain_text("A002")
    played = wait_played(screen, 2)
    assert [p["number"] for p in played] == ["A001", "A003"]
    shown = calls(screen, "shown")
    assert [(s["number"], s["stale"]) for s in shown] == [
        ("A001", False),
        ("A002", True),
        ("A003", False),
    ]
    assert [(s["number"], s["reason"]) for s in calls(screen, "silent")] == [("A002", "stale")]

    # Too far behind for a replay: the snapshot's newer calls are spoken, its history is not.
    down()
    expect(screen.locator("#conn")).to_be_visible()
    act(li, 1, "no-show")
    act(li, 1, "call-next")  # A004
    up("snapshot")
    expect(screen.locator("#latest-number")).to_have_text("A004")
    played = wait_played(screen, 3)
    assert [p["number"] for p in played] == ["A001", "A003", "A004"]
    screen.wait_for_timeout(500)
    assert len(calls(screen, "played")) == 3
    assert_one_at_a_time(clips(screen))


def test_a_window_screen_says_when_the_window_is_paused_or_unstaffed(
    server: HallServer, pages: Pages
) -> None:
    bar = pages.open(f"{server.url}/window/2", width=1280, height=720)
    big, sub = bar.locator("#ws-big"), bar.locator("#ws-sub")
    expect(big).to_have_text("暂停服务")
    expect(sub).to_have_text("暂无人员")
    expect(bar.locator("#ws-no")).to_have_text("2号窗口")
    expect(bar.locator("#ws-staff")).to_have_text("本窗口暂无工作人员")
    screenshot(bar, "screens-window-nobody-720p")

    zhao = server.login("zhao")
    act(zhao, 2, "sign-in")
    expect(big).to_have_text("欢迎办理")
    expect(bar.locator("#ws-staff")).to_have_text("工作人员：赵丽")
    act(zhao, 2, "pause", reason="午间休息")
    expect(big).to_have_text("暂停服务")
    expect(sub).to_have_text("午间休息")
    assert not bar.evaluate(OVERFLOW, WINDOW_BOXES)
    screenshot(bar, "screens-window-paused-720p")
    bar.set_viewport_size({"width": 1920, "height": 540})
    assert not bar.evaluate(OVERFLOW, WINDOW_BOXES)
    screenshot(bar, "screens-window-paused-1920x540")

    take(server, "social")
    act(zhao, 2, "resume")
    act(zhao, 2, "call-next")
    expect(big).to_have_text("B001")
    act(zhao, 2, "start")
    expect(bar.locator("#ws-label")).to_have_text("正在办理")

    english = pages.open(f"{server.url}/window/2?lang=en", width=1280, height=720)
    expect(english.locator("#ws-no")).to_have_text("Window 2")
    expect(english.locator("#ws-label")).to_have_text("Now serving")
    nowhere = pages.open(f"{server.url}/window/9", width=1280, height=720)
    expect(nowhere.locator("#ws-big")).to_have_text("没有9号窗口")
