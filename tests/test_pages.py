"""The kiosk, counter and hall screen pages in real Chromium against a real server."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser import Pages, screenshot
from tests.conftest import HALLS
from tests.fakeprinter import FakePrinter, Paper
from tests.serverproc import PASSWORD, HallServer, ok

HALL_TZ = ZoneInfo("Asia/Shanghai")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def take(server: HallServer, service: str) -> dict[str, Any]:
    return dict(ok(server.client().post("/api/tickets", json={"service": service})))


def act(staff: httpx.Client, window: int, action: str, **body: Any) -> dict[str, Any]:
    return dict(ok(staff.post(f"/api/windows/{window}/{action}", json=body or None)))


def waiting(server: HallServer, service: str) -> int:
    services = ok(server.client().get("/api/services"))["services"]
    return int(next(s["waiting"] for s in services if s["id"] == service))


def listen_for_calls(screen: Page) -> None:
    """Record the numbers the screen hands to its call queue (speech hooks in there)."""
    screen.evaluate(
        "window.calls = [];"
        "addEventListener('hallcall:call', e => window.calls.push(e.detail.number))"
    )


@pytest.fixture
def demo(tmp_path: Path, accounts_db: Path) -> Iterator[HallServer]:
    """The built-in demo hall (13 windows, 7 services) with the test accounts."""
    srv = HallServer(tmp_path / "demo")
    shutil.copytree(accounts_db, srv.data)
    srv.start()
    yield srv
    srv.stop()


# The smallest text (px) and the lowest button (px) on a page, over what is visible.
SMALLEST = """() => {
  const seen = [...document.querySelectorAll("body *")].filter(e => e.checkVisibility());
  const text = seen.filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.data.trim()));
  const sizes = text.map(e => parseFloat(getComputedStyle(e).fontSize));
  const buttons = seen.filter(e => e.tagName === "BUTTON");
  const heights = buttons.map(e => e.getBoundingClientRect().height);
  return {text: Math.min(...sizes), button: Math.floor(Math.min(...heights))};
}"""


def big_enough(kiosk: Page) -> None:
    """Kiosk rule: no text under 28 px, no button under 96 px tall."""
    smallest = kiosk.evaluate(SMALLEST)
    assert smallest["text"] >= 28 and smallest["button"] >= 96, smallest


# -- the kiosk ------------------------------------------------------------------------------


def test_a_visitor_takes_a_number_in_two_taps(server: HallServer, pages: Pages) -> None:
    take(server, "social")  # B001 is already waiting
    kiosk = pages.open(f"{server.url}/kiosk", fake_clock=True)
    posts: list[str | None] = []
    kiosk.on(
        "request",
        lambda r: r.method == "POST" and posts.append(r.headers.get("idempotency-key")),
    )
    expect(kiosk.locator("#hall-name")).to_have_text("测试政务服务中心")
    social = kiosk.locator("#departments .choice", has_text="社保医保")
    expect(social).to_contain_text("2 项业务")
    expect(social).to_contain_text("1 人等候")
    big_enough(kiosk)
    screenshot(kiosk, "kiosk-start")

    social.click()  # tap 1: the department
    expect(kiosk.locator("#svc-title")).to_have_text("社保医保")
    screenshot(kiosk, "kiosk-services")
    service = kiosk.locator("#services .choice", has_text="社保业务")
    big_enough(kiosk)
    service.dblclick()  # tap 2, and an impatient second tap: one ticket all the same

    expect(kiosk.locator("#t-number")).to_have_text("B002")
    expect(kiosk.locator("#t-service")).to_have_text("社保业务")
    expect(kiosk.locator("#t-ahead")).to_have_text("你前面还有 1 人在等待")
    expect(kiosk.locator("#t-estimate")).to_have_text("暂无法估计等候时间")  # no window open
    ticket = ok(server.login("li").get("/api/tickets/2"))
    taken = datetime.fromtimestamp(ticket["taken_at"], HALL_TZ)
    hall_time = (
        f"{taken.year}年{taken.month}月{taken.day}日 {taken:%H:%M}"  # not the browser's zone
    )
    expect(kiosk.locator("#t-time")).to_have_text(f"取号时间：{hall_time}")
    expect(kiosk.locator("#step-ticket")).to_contain_text("请记下您的号码")
    number_px = kiosk.locator("#t-number").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert number_px >= 150
    big_enough(kiosk)
    screenshot(kiosk, "kiosk-ticket")
    assert waiting(server, "social") == 2
    assert len(posts) == 1 and posts[0] and UUID.match(posts[0]), posts

    kiosk.clock.run_for(21_000)  # the ticket stays on screen about 20 s, then the kiosk starts over
    expect(kiosk.locator("#step-departments")).to_be_visible()
    expect(kiosk.locator("#step-ticket")).to_be_hidden()

    # The counts follow the hall live, and a one-service department takes a number at once.
    take(server, "business")
    market = kiosk.locator("#departments .choice", has_text="市场监管")
    expect(market).to_contain_text("1 人等候")
    market.click()
    expect(kiosk.locator("#t-number")).to_have_text("A002")
    kiosk.locator("#done").click()
    expect(kiosk.locator("#step-departments")).to_be_visible()


def test_the_kiosk_says_why_it_cannot_give_a_number(server: HallServer, pages: Pages) -> None:
    take(server, "capped")
    take(server, "capped")  # the capped service gives 2 a day
    kiosk = pages.open(f"{server.url}/kiosk")
    kiosk.locator("#departments .choice", has_text="社保医保").click()
    kiosk.locator("#services .choice", has_text="限号业务").click()
    expect(kiosk.locator("#error")).to_be_visible()
    expect(kiosk.locator("#error-text")).to_have_text("限号业务今日号码已发完（每日 2 个）")
    kiosk.locator("#error-ok").click()
    expect(kiosk.locator("#error")).to_be_hidden()

    # A manager closes a service: the kiosk greys it out with the message, live.
    boss = server.login("boss")
    message = "系统维护，请下午再来"
    ok(boss.post("/api/services/social/open", json={"open": False, "message": message}))
    closed = kiosk.locator("#services .choice", has_text="社保业务")
    expect(closed).to_be_disabled()
    expect(closed).to_contain_text(message)
    expect(closed).to_have_class(re.compile("is-closed"))


def test_the_english_switch_changes_the_kiosk(server: HallServer, pages: Pages) -> None:
    kiosk = pages.open(f"{server.url}/kiosk")
    expect(kiosk.locator("#dep-title")).to_have_text("请选择办理部门")
    kiosk.get_by_role("button", name="English").click()
    expect(kiosk.locator("#dep-title")).to_have_text("Choose a department")
    expect(kiosk.locator("html")).to_have_attribute("lang", "en")
    expect(kiosk.locator("#help")).to_have_text("Need help? Please ask at the information desk.")

    kiosk.reload()  # remembered on this device
    expect(kiosk.locator("#dep-title")).to_have_text("Choose a department")
    kiosk.locator("#departments .choice").nth(1).click()
    expect(kiosk.locator("#back")).to_have_text("‹ Back")
    kiosk.locator("#services .choice", has_text="Social Insurance").click()
    expect(kiosk.locator("#t-ahead")).to_have_text("People waiting ahead of you: 0")
    expect(kiosk.locator("#t-estimate")).to_have_text("The wait cannot be estimated just now")
    expect(kiosk.locator("#done")).to_contain_text("Done")

    # The next visitor is greeted in Chinese again.
    kiosk.locator("#done").click()
    expect(kiosk.locator("#dep-title")).to_have_text("请选择办理部门")


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    with FakePrinter() as fake:
        yield fake


@pytest.fixture
def printing(tmp_path: Path, accounts_db: Path, printer: FakePrinter) -> Iterator[HallServer]:
    """The small hall with kiosk k1 printing on a stand-in network printer."""
    config = tmp_path / "hall.toml"
    config.write_text(
        (HALLS / "small.toml").read_text(encoding="utf-8")
        + f"""
[printers.p1]
connection = "{printer.address}"
timeout = 2

[kiosks.k1]
name = "一楼取号机"
printer = "p1"
""",
        encoding="utf-8",
    )
    srv = HallServer(tmp_path / "data", config)
    shutil.copytree(accounts_db, srv.data)
    srv.start()
    yield srv
    srv.stop()


def test_the_kiosk_says_whether_the_slip_came_out(
    printing: HallServer, pages: Pages, printer: FakePrinter
) -> None:
    kiosk = pages.open(f"{printing.url}/kiosk?kiosk=k1")
    kiosk.locator("#departments .choice", has_text="市场监管").click()
    expect(kiosk.locator("#t-number")).to_have_text("A001")
    expect(kiosk.locator("#t-note")).to_contain_text("号票已打印，请取走")
    printer.wait_for(lambda data: b"A001" in data)

    # Out of paper: the visitor is told before and after taking a number, and still gets one.
    kiosk.locator("#done").click()
    printer.set_paper(Paper.OUT)
    expect(kiosk.locator("#printer-note")).to_have_text(
        "打印机暂停出票，取号后请记下屏幕上的号码", timeout=10_000
    )
    kiosk.locator("#departments .choice", has_text="市场监管").click()
    expect(kiosk.locator("#t-number")).to_have_text("A002")
    expect(kiosk.locator("#t-note")).to_contain_text("请记下您的号码")
    expect(kiosk.locator("#t-note")).to_contain_text("打印机暂时无法出票")
    printer.set_paper(Paper.OK)  # paper loaded: the waiting slip comes out, and the kiosk says so
    expect(kiosk.locator("#t-note")).to_contain_text("号票已打印，请取走", timeout=10_000)


def test_a_visitor_follows_the_ticket_on_a_phone(server: HallServer, pages: Pages) -> None:
    take(server, "business")
    mine = take(server, "business")  # A002: its slip's QR code leads to /t/TOKEN
    phone = pages.open(f"{server.url}/t/{mine['token']}", width=390, height=844)
    expect(phone.locator("#number")).to_have_text("A002")
    expect(phone.locator("#state")).to_have_text("你前面还有 1 人在等待")
    li = server.login("li")
    act(li, 1, "sign-in")
    act(li, 1, "call-next")  # A001: one fewer ahead
    expect(phone.locator("#state")).to_have_text("你前面还有 0 人在等待")
    act(li, 1, "no-show")
    act(li, 1, "call-next")  # A002: the phone says where to go
    expect(phone.locator("#state")).to_have_text("请到 1号窗口办理")
    expect(phone.locator("#detail")).to_have_text("")  # the small hall's windows have no names
    screenshot(phone, "phone-called")

    nobody = pages.open(f"{server.url}/t/not-a-ticket", width=390, height=844)
    expect(nobody.locator("#not-found")).to_have_text(
        "没有找到这个号码，请确认二维码或链接是否完整。"
    )


# -- the counter and the hall screen --------------------------------------------------------


def test_staff_call_at_the_counter_and_the_screen_shows_it(
    server: HallServer, pages: Pages
) -> None:
    take(server, "business")  # A001
    take(server, "capped")  # C001: window 1 does not serve it
    take(server, "social")
    take(server, "social")
    screen = pages.open(f"{server.url}/screen")
    listen_for_calls(screen)
    expect(screen.locator("#latest-empty")).to_be_visible()

    counter = pages.open(f"{server.url}/counter", width=1600, height=900)
    counter.locator("#username").fill("li")
    counter.locator("#password").fill(PASSWORD)
    counter.locator("#login-btn").click()
    counter.locator("[data-window='1']").click()
    expect(counter.locator("#who")).to_have_text("李明 · 1号窗口")
    expect(counter.locator("#queue")).to_contain_text("A001")
    finish = counter.locator("[data-action=finish]")
    expect(finish).to_be_disabled()

    counter.keyboard.press("F1")  # call next
    expect(counter.locator("#cur-number")).to_have_text("A001")
    expect(counter.locator("#current")).to_contain_text("已呼叫")
    expect(finish).to_be_disabled()  # no finishing before starting
    expect(counter.locator("[data-action=start]")).to_be_enabled()

    # The screen shows the call live, without a reload.
    expect(screen.locator("#latest-number")).to_have_text("A001")
    expect(screen.locator("#latest-window")).to_have_text("1号窗口")
    expect(screen.locator(".w-cell[data-window='1'] .w-number")).to_have_text("A001")
    expect(screen.locator(".q-cell[data-service='business'] .q-count")).to_have_text("0")

    # Refused by the server: its Chinese message, not a code.
    for n in (1, 2):
        counter.keyboard.press("F2")
        expect(counter.locator("#msg")).to_have_text(f"已重呼 A001（第 {n} 次）")
    counter.keyboard.press("F2")  # the small hall allows 2 recalls
    expect(counter.locator("#msg")).to_have_text("号码 A001 已重呼 2 次，不能再呼叫，请办理过号")
    expect(counter.locator("#msg")).to_have_class(re.compile("msg-error"))
    assert screen.evaluate("window.calls") == ["A001", "A001", "A001"]

    counter.keyboard.press("F3")
    expect(counter.locator("#current")).to_contain_text("办理中")
    expect(finish).to_be_enabled()
    screenshot(counter, "counter-work")
    counter.keyboard.press("F4")
    expect(counter.locator("#dlg-finish")).to_be_visible()
    counter.keyboard.press("2")  # 承诺件
    expect(counter.locator("#current")).to_contain_text("当前没有号码")
    li = server.login("li")
    ticket = ok(li.get("/api/tickets/1"))
    assert (ticket["status"], ticket["outcome"]) == ("done", "accepted")

    # C001 is not served at window 1: the server says so, in Chinese.
    counter.locator("#number-input").fill("c001")
    counter.locator("#number-input").press("Enter")
    expect(counter.locator("#msg")).to_have_text("1 号窗口不办理限号业务")


def test_the_hall_screen_fits_a_full_hall_and_reconnects(demo: HallServer, pages: Pages) -> None:
    for service, n in (("business", 5), ("social", 8), ("realestate", 3), ("tax", 2)):
        for _ in range(n):
            take(demo, service)
    for service in ("fund", "enquiry", "help"):
        take(demo, service)
    staff = {n: demo.login(user) for n, user in ((1, "li"), (2, "zhao"), (9, "boss"))}
    for n, c in staff.items():
        act(c, n, "sign-in")
        act(c, n, "call-next")
    act(staff[9], 9, "start")
    act(staff[2], 2, "no-show")
    act(staff[2], 2, "pause", reason="休息")

    screen = pages.open(f"{demo.url}/screen")
    expect(screen.locator("#latest-number")).to_have_text("C001")
    expect(screen.locator(".w-cell")).to_have_count(13)
    expect(screen.locator(".q-cell")).to_have_count(7)
    listen_for_calls(screen)
    act(staff[1], 1, "no-show")
    act(staff[1], 1, "call-next")
    expect(screen.locator("#latest-number")).to_have_text("A002")
    expect(screen.locator("#latest-window")).to_have_text("1号窗口")
    expect(screen.locator("#recent li").first).to_contain_text("C001")
    expect(screen.locator(".w-cell[data-window='2']")).to_contain_text("暂停服务")
    expect(screen.locator(".w-cell[data-window='3']")).to_contain_text("暂无人员")
    expect(screen.locator(".q-cell[data-service='business'] .q-count")).to_have_text("3")
    latest_px = screen.locator("#latest-number").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert latest_px >= 160  # digits about 120 px tall on a 1080p screen
    screen.wait_for_timeout(700)  # let the flash settle for the picture
    screenshot(screen, "screen-1080p")
    for width, height in ((1920, 1080), (1280, 720)):
        screen.set_viewport_size({"width": width, "height": height})
        assert not screen.evaluate(OVERFLOW), f"something spills over at {width}x{height}"
    screenshot(screen, "screen-720p")

    # The server goes away: a small badge, then it catches up by itself when it is back.
    pages.allow(r"WebSocket connection to .* failed|ERR_CONNECTION_REFUSED")
    demo.kill()
    expect(screen.locator("#conn")).to_be_visible(timeout=10_000)
    expect(screen.locator("#conn")).to_have_text("连接中断，正在重连")
    demo.start()
    act(staff[1], 1, "no-show")  # may happen before the screen is back: it is replayed
    act(staff[1], 1, "call-next")
    expect(screen.locator("#latest-number")).to_have_text("A003", timeout=20_000)
    expect(screen.locator("#conn")).to_be_hidden()
    assert screen.evaluate("window.calls") == ["A002", "A003"]


# Anything cut off: the page scrolls, or a window or queue cell holds more than it shows.
OVERFLOW = """() => {
  const root = document.scrollingElement;
  if (root.scrollHeight > innerHeight + 1 || root.scrollWidth > innerWidth + 1) return "page";
  for (const cell of document.querySelectorAll(".w-cell, .q-cell, #latest, #recent")) {
    if (cell.scrollHeight > cell.clientHeight + 1 || cell.scrollWidth > cell.clientWidth + 1)
      return cell.dataset.window || cell.dataset.service || cell.id;
  }
  return null;
}"""


def test_the_home_page_links_every_page(server: HallServer, pages: Pages) -> None:
    home = pages.open(f"{server.url}/")
    for path, zh in (("/kiosk", "自助取号机"), ("/counter", "窗口叫号"), ("/screen", "大厅综合屏")):
        expect(home.locator(f"a[href='{path}']")).to_contain_text(zh)
