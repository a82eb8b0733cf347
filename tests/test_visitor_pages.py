"""The visitor's pages in real Chromium against a real server: the window's rating pad, rating
on the phone, the help point's button, and the kiosk's QR code when no slip prints."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser import Pages, screenshot, wait_true
from tests.conftest import HALLS
from tests.fakeprinter import FakePrinter, Paper
from tests.serverproc import PASSWORD, HallServer, ok

LEVEL_NAMES = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
HALL = (
    (HALLS / "small.toml").read_text(encoding="utf-8")
    + """
[help_points.selfservice]
name = "24小时自助区"
helpers = ["li"]
"""
)


@pytest.fixture
def hall(tmp_path: Path, accounts_db: Path) -> Iterator[HallServer]:
    """The small hall with a help point by its self-service kiosks."""
    config = tmp_path / "hall.toml"
    config.write_text(HALL, encoding="utf-8")
    srv = HallServer(tmp_path / "data", config)
    shutil.copytree(accounts_db, srv.data)
    srv.start()
    yield srv
    srv.stop()


def take(server: HallServer, service: str = "business") -> dict[str, Any]:
    return dict(ok(server.client().post("/api/tickets", json={"service": service})))


def act(staff: httpx.Client, window: int, action: str, **body: Any) -> dict[str, Any]:
    return dict(ok(staff.post(f"/api/windows/{window}/{action}", json=body or None)))


def serve(server: HallServer, staff: httpx.Client, window: int = 1) -> dict[str, Any]:
    """A visitor takes a number and is served at `window` from call to finish."""
    ticket = take(server)
    assert act(staff, window, "call-next")["ticket"]["number"] == ticket["number"]
    act(staff, window, "start")
    act(staff, window, "finish")
    return ticket


def shows(page: Page, view: str, text: str) -> None:
    """The view is on screen (its texts are in the page all along) and says `text`."""
    expect(page.locator(view)).to_be_visible()
    expect(page.locator(view)).to_contain_text(text)


def evaluations(boss: httpx.Client) -> list[dict[str, Any]]:
    return list(ok(boss.get("/api/evaluations"))["evaluations"])


def pair_pad(server: HallServer, pages: Pages, window: int) -> Page:
    """A manager pairs a tablet with a window in its browser; the pad keeps only its token."""
    pad = pages.open(f"{server.url}/pad", width=1280, height=800, fake_clock=True)
    expect(pad.locator("#view-pair")).to_be_visible()
    pad.locator("#username").fill("boss")
    pad.locator("#password").fill(PASSWORD)
    screenshot(pad, "pad-pair")
    with pad.expect_response("**/api/login") as login:
        pad.locator("#login-btn").click()
    manager = {"Authorization": f"Bearer {login.value.json()['token']}"}
    pad.locator(".pair-window", has_text=f"{window}号窗口").first.click()
    expect(pad.locator("#idle-window")).to_have_text(f"{window}号窗口")
    assert pad.context.cookies() == []  # no staff login left on the pad
    assert server.client().get("/api/me", headers=manager).status_code == 401  # logged out
    assert pad.evaluate("localStorage.getItem('hallcall.pad.token')")
    return pad


def test_the_window_pad_takes_one_rating_per_service(hall: HallServer, pages: Pages) -> None:
    boss = hall.login("boss")
    pad = pair_pad(hall, pages, 1)
    assert [d["window"] for d in ok(boss.get("/api/devices"))["devices"]] == [1]
    expect(pad.locator("#idle-staff")).to_have_text("本窗口暂无工作人员")
    li = hall.login("li")
    act(li, 1, "sign-in")
    expect(pad.locator("#idle-staff")).to_have_text("李明")  # live, from the window's event
    shows(pad, "#view-idle", "欢迎对我们的服务进行评价")
    screenshot(pad, "pad-idle")

    # A001 is finished at window 1: the pad asks for its rating with the five national levels.
    serve(hall, li)
    expect(pad.locator("#levels .level-name")).to_have_text(LEVEL_NAMES)
    expect(pad.locator("#levels-ticket")).to_have_text("号码 A001 · 工作人员 李明")
    screenshot(pad, "pad-levels")
    pad.get_by_role("button", name="满意", exact=True).click()
    shows(pad, "#view-thanks", "感谢您的评价")
    [first] = evaluations(boss)
    assert (first["ticket_number"], first["level"], first["channel"]) == ("A001", 4, "pad")
    assert first["staff"] == "li"
    pad.clock.run_for(6_000)  # the thanks stay a few seconds, then the pad is idle again
    expect(pad.locator("#view-idle")).to_be_visible()

    # A002: 不满意 needs a reason before it is accepted, and opens a work order.
    serve(hall, li)
    pad.get_by_role("button", name="不满意", exact=True).click()
    expect(pad.locator("#reasons .reason")).to_have_count(5)
    submit = pad.locator("#reasons-submit")
    expect(submit).to_have_attribute("aria-disabled", "true")
    submit.click(force=True)
    expect(pad.locator("#reasons-hint")).to_have_text("请先选择一个原因")
    pad.locator(".reason", has_text="其他").click()  # 其他 needs the words too
    submit.click(force=True)
    expect(pad.locator("#reasons-hint")).to_have_text("选择“其他”时，请写明具体原因")
    assert len(evaluations(boss)) == 1
    screenshot(pad, "pad-reasons")
    pad.locator(".reason", has_text="服务态度差").click()
    expect(submit).to_have_attribute("aria-disabled", "false")
    submit.click()
    shows(pad, "#view-thanks", "感谢您的评价")
    screenshot(pad, "pad-thanks-bad")
    bad = next(e for e in evaluations(boss) if e["ticket_number"] == "A002")
    assert (bad["level"], bad["reason"], bad["channel"]) == (2, "服务态度差", "pad")
    [order] = ok(boss.get("/api/work-orders"))["work_orders"]
    assert (order["ticket_number"], order["staff"], order["status"]) == ("A002", "li", "opened")
    pad.clock.run_for(6_000)

    # A003 is left unanswered: the pad goes back to idle and the service stays unrated.
    a003 = serve(hall, li)
    expect(pad.locator("#view-levels")).to_be_visible()
    pad.clock.run_for(61_000)  # settings.rating_pad.idle_seconds is 60
    expect(pad.locator("#view-idle")).to_be_visible()
    assert [e["ticket_number"] for e in evaluations(boss)] == ["A001", "A002"]

    # li invites a rating of A003; meanwhile the visitor rated it on the phone: 一次一评.
    ok(li.post("/api/windows/1/invite-rating"))
    expect(pad.locator("#view-levels")).to_be_visible()
    qr = {"ticket": a003["id"], "level": 5, "channel": "qr", "token": a003["token"]}
    ok(hall.client().post("/api/evaluations", json=qr))
    pad.get_by_role("button", name="非常满意", exact=True).click()
    shows(pad, "#view-error", "一次一评")
    screenshot(pad, "pad-error")
    pad.locator("#error-ok").click()
    expect(pad.locator("#view-idle")).to_be_visible()


def test_the_pad_speaks_english_on_request_and_back_in_chinese(
    hall: HallServer, pages: Pages
) -> None:
    pad = pair_pad(hall, pages, 5)
    li = hall.login("li")
    act(li, 5, "sign-in")
    serve(hall, li, window=5)
    pad.get_by_role("button", name="English").click()
    expect(pad.locator("#levels .level-name").first).to_have_text("Very satisfied")
    expect(pad.locator("#levels .level-sub").first).to_have_text("非常满意")  # the exact name stays
    screenshot(pad, "pad-levels-en")
    pad.get_by_role("button", name="Very satisfied 非常满意", exact=True).click()
    shows(pad, "#view-thanks", "Thank you for your rating")
    pad.clock.run_for(6_000)
    shows(pad, "#view-idle", "欢迎对我们的服务进行评价")


def test_a_visitor_rates_on_the_phone_once(hall: HallServer, pages: Pages) -> None:
    mine = take(hall)
    phone = pages.open(f"{hall.url}/t/{mine['token']}", width=390, height=844)
    expect(phone.locator("#state")).to_have_text("你前面还有 0 人在等待")
    expect(phone.locator("#rate")).to_be_hidden()
    screenshot(phone, "phone-waiting")
    li = hall.login("li")
    act(li, 1, "sign-in")
    act(li, 1, "call-next")
    act(li, 1, "start")
    act(li, 1, "finish")
    expect(phone.locator("#state")).to_have_text("已办结，感谢您的耐心等候")
    expect(phone.locator("#rate-levels .p-level-name")).to_have_text(LEVEL_NAMES)
    phone.get_by_role("button", name="不满意", exact=True).click()
    expect(phone.locator("#rate-reasons .p-reason")).to_have_count(5)
    expect(phone.locator("#rate-submit")).to_have_attribute("aria-disabled", "true")
    phone.locator("#rate-submit").scroll_into_view_if_needed()
    screenshot(phone, "phone-rating")
    phone.get_by_role("button", name="非常满意", exact=True).click()  # changed their mind
    expect(phone.locator("#rated")).to_contain_text("感谢您的评价")
    expect(phone.locator("#rated")).to_contain_text("您已评价：非常满意")
    screenshot(phone, "phone-rated")
    [record] = evaluations(hall.login("boss"))
    assert (record["ticket_number"], record["level"], record["channel"]) == ("A001", 5, "qr")

    phone.reload()  # this phone remembers
    expect(phone.locator("#rated")).to_contain_text("您已评价：非常满意")
    expect(phone.locator("#rate")).to_be_hidden()
    other = pages.open(f"{hall.url}/t/{mine['token']}", width=390, height=844)
    # Another phone knows at once that the service is rated, and offers no second rating.
    expect(other.locator("#rated-text")).to_have_text("这次服务已经评价过了（一次一评）")
    expect(other.locator("#rate")).to_be_hidden()


def test_the_help_button_says_who_is_coming(hall: HallServer, pages: Pages) -> None:
    point = pages.open(f"{hall.url}/help/selfservice", width=1280, height=800)
    expect(point.locator("#point-name")).to_have_text("24小时自助区")
    call = point.get_by_role("button", name="呼叫帮办")
    expect(call).to_be_visible()
    screenshot(point, "help-idle")
    call.click()
    shows(point, "#view-waiting", "已通知工作人员，请稍候")
    screenshot(point, "help-waiting")
    li = hall.login("li")
    [open_call] = ok(li.get("/api/help-calls"))["calls"]
    assert open_call["point"] == "selfservice"
    ok(li.post(f"/api/help-calls/{open_call['id']}/acknowledge"))
    expect(point.locator("#coming-text")).to_have_text("李明 正在赶来")
    screenshot(point, "help-on-the-way")
    point.reload()  # a screen that restarts shows the open call again
    expect(point.locator("#coming-text")).to_have_text("李明 正在赶来")
    ok(li.post(f"/api/help-calls/{open_call['id']}/resolve"))
    expect(call).to_be_visible()
    expect(point.locator("#view-coming")).to_be_hidden()


def test_the_kiosk_shows_the_ticket_qr_when_nothing_prints(hall: HallServer, pages: Pages) -> None:
    kiosk = pages.open(f"{hall.url}/kiosk")  # no ?kiosk=: a screen without a printer
    with kiosk.expect_response("**/api/tickets") as answer:
        kiosk.locator("#departments .choice", has_text="市场监管").click()
    token = answer.value.json()["token"]
    expect(kiosk.locator("#t-number")).to_have_text("A001")
    qr = kiosk.locator("#t-qr")
    expect(qr).to_contain_text("扫码在手机上查看排队进度")
    image = kiosk.locator("#t-qr-img")
    expect(image).to_have_attribute("src", f"/api/tickets/t/{token}/qr.svg")
    wait_true(kiosk, "document.querySelector('#t-qr-img').naturalWidth > 0")
    caption_px = qr.locator("p").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert caption_px >= 28  # the kiosk's smallest text
    screenshot(kiosk, "kiosk-ticket-qr")


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    with FakePrinter() as fake:
        fake.set_paper(Paper.OUT)  # the kiosk's printer is out of paper from the start
        yield fake


@pytest.fixture
def printing(tmp_path: Path, accounts_db: Path, printer: FakePrinter) -> Iterator[HallServer]:
    """The hall with kiosk k1 printing on a stand-in network printer."""
    config = tmp_path / "hall.toml"
    kiosk = f"""
[printers.p1]
connection = "{printer.address}"
timeout = 2

[kiosks.k1]
name = "一楼取号机"
printer = "p1"
"""
    config.write_text(HALL + kiosk, encoding="utf-8")
    srv = HallServer(tmp_path / "data", config)
    shutil.copytree(accounts_db, srv.data)
    srv.start()
    yield srv
    srv.stop()


def test_the_kiosk_shows_the_qr_while_its_printer_is_down(
    printing: HallServer, pages: Pages, printer: FakePrinter
) -> None:
    kiosk = pages.open(f"{printing.url}/kiosk?kiosk=k1")
    expect(kiosk.locator("#printer-note")).to_be_visible(timeout=10_000)
    kiosk.locator("#departments .choice", has_text="市场监管").click()
    expect(kiosk.locator("#t-note")).to_contain_text("打印机暂时无法出票")
    expect(kiosk.locator("#t-qr")).to_be_visible()
    printer.set_paper(Paper.OK)  # the slip comes out after all: no need for the QR
    expect(kiosk.locator("#t-note")).to_contain_text("号票已打印", timeout=10_000)
    expect(kiosk.locator("#t-qr")).to_be_hidden()
