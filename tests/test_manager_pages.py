"""The manager's pages (dashboard, reports, work orders, admin) and the counter page's help
calls and messages, in real Chromium against a real server."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser import Pages, screenshot
from tests.conftest import HALLS
from tests.serverproc import PASSWORD, HallServer, ok

# The small hall with fast alerts: B tickets alert after 3 s, checked twice a second; and a
# self-service help point that only li helps at.
HALL = (
    (HALLS / "small.toml")
    .read_text(encoding="utf-8")
    .replace('prefix = "B"', 'prefix = "B"\nwait_alert_minutes = 0.05')
    + """
[alerts]
check_seconds = 0.5

[help_points.selfservice]
name = "24小时自助区"
helpers = ["li"]
"""
)
CLOCK = re.compile(r"\d\d:\d\d")


@pytest.fixture
def hall(tmp_path: Path, accounts_db: Path) -> Iterator[HallServer]:
    config = tmp_path / "hall.toml"
    config.write_text(HALL, encoding="utf-8")
    srv = HallServer(tmp_path / "data", config)
    shutil.copytree(accounts_db, srv.data)
    srv.start()
    yield srv
    srv.stop()


def log_in(page: Page, username: str) -> None:
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-btn").click()
    expect(page.locator("#view-main")).to_be_visible()


def take(server: HallServer, service: str) -> dict[str, Any]:
    return dict(ok(server.client().post("/api/tickets", json={"service": service})))


def act(staff: httpx.Client, window: int, action: str, **body: Any) -> dict[str, Any]:
    return dict(ok(staff.post(f"/api/windows/{window}/{action}", json=body or None)))


def serve(staff: httpx.Client, window: int, outcome: str = "on_the_spot") -> dict[str, Any]:
    """Call the next ticket at a window, start and finish it."""
    ticket = act(staff, window, "call-next")["ticket"]
    act(staff, window, "start")
    act(staff, window, "finish", outcome=outcome)
    return dict(ticket)


def rate(server: HallServer, ticket: dict[str, Any], level: int, reason: str | None = None) -> None:
    body: dict[str, Any] = {"ticket": ticket["id"], "rating": level, "channel": "qr"}
    body["token"] = ticket["token"]
    if reason:
        body["reason"] = reason
    ok(server.client().post("/api/evaluations", json=body))


def test_a_long_wait_raises_an_alert_live_and_a_manager_acknowledges_it(
    hall: HallServer, pages: Pages
) -> None:
    li, zhao = hall.login("li"), hall.login("zhao")
    a001 = take(hall, "business")
    for _ in range(2):
        take(hall, "business")
    act(li, 1, "sign-in")
    serve(li, 1)
    act(li, 1, "call-next")
    act(zhao, 5, "sign-in")
    act(zhao, 5, "pause", reason="业务培训")

    dash = pages.open(f"{hall.url}/dashboard")
    log_in(dash, "boss")
    dash.evaluate("window.notReloaded = true")
    business = dash.locator("#services tr[data-service=business]")
    expect(business.locator("td.svc-waiting")).to_have_text("1")  # A003 waits
    expect(business.locator("td").nth(6)).to_have_text("3")  # taken today
    expect(business.locator("td").nth(7)).to_have_text("1")  # served today
    expect(dash.locator("#windows .win[data-window='1']")).to_contain_text("A002")
    expect(dash.locator("#windows .win[data-window='1']")).to_contain_text("李明")
    expect(dash.locator("#windows .win[data-window='5']")).to_contain_text("业务培训")
    expect(dash.locator("#windows .win[data-window='2']")).to_contain_text("未签到")
    expect(dash.locator("#alerts")).to_contain_text("目前没有预警")
    dash.locator("#sound").click()  # the one click a browser needs before it plays sound
    expect(dash.locator("#sound")).to_have_text("提示音已开启")

    b001 = take(hall, "social")  # waits past its 3 s threshold
    alert = dash.locator("#alerts .alert[data-kind=long_wait]")
    expect(alert).to_contain_text("B001（社保业务）已等候", timeout=10_000)
    expect(alert).to_contain_text("等候超时")
    social = dash.locator("#services tr[data-service=social]")
    expect(social.locator("td.svc-longest")).to_have_class(re.compile("late"))
    assert dash.evaluate("window.notReloaded") is True  # live, not a reload
    assert int(dash.evaluate("document.body.dataset.beeps")) >= 2  # the test ring, then the alert

    alert.get_by_role("button", name="确认").click()
    expect(alert).to_contain_text(re.compile(r"已确认：王经理 \d\d:\d\d"))
    expect(alert.get_by_role("button", name="确认")).to_have_count(0)
    (saved,) = ok(hall.login("boss").get("/api/dashboard"))["alerts"]
    assert saved["acknowledged_by"] == "boss"

    # More alerts arrive: a help call and a bad review (with a link to its work order).
    ok(hall.client().post("/api/help/selfservice/call"))
    rate(hall, a001, 1, "服务态度差")
    expect(dash.locator("#alerts .alert")).to_have_count(3)
    bad = dash.locator("#alerts .alert[data-kind=bad_review]")
    expect(bad).to_contain_text("A001 差评（非常不满意）：服务态度差")
    expect(bad.get_by_role("link", name="查看工单")).to_have_attribute("href", "/workorders?id=1")
    screenshot(dash, "dashboard-alerts")

    small = pages.open(f"{hall.url}/dashboard", width=1366, height=768)
    log_in(small, "boss")
    expect(small.locator("#alerts .alert")).to_have_count(3)
    # Every column of the queues fits on a 1366 px screen, the actions included.
    fits = small.evaluate(
        "() => { const w = document.querySelector('.services .table-wrap');"
        " return w.scrollWidth <= w.clientWidth; }"
    )
    assert fits
    screenshot(small, "dashboard-1366")

    # Moving the waiting ticket to another service, picked from the service's queue: B001
    # now waits under business's 30 minute threshold, so its alert resolves by itself.
    social.get_by_role("button", name="转移号码…").click()
    dialog = dash.locator("dialog[open]")
    expect(dialog).to_contain_text("B001")
    dialog.get_by_text("商事登记").click()
    dialog.get_by_role("button", name="确定转移").click()
    expect(dash.locator("#msg")).to_have_text("B001 已转到“商事登记”")
    expect(business.locator("td.svc-waiting")).to_have_text("2")
    expect(alert).to_have_count(0)
    assert ok(hall.login("boss").get(f"/api/tickets/{b001['id']}"))["service"] == "business"

    # A resolved alert leaves the panel of every dashboard.
    small.locator("#alerts .alert[data-kind=help_call]").get_by_role("button", name="解决").click()
    expect(dash.locator("#alerts .alert")).to_have_count(1)


def test_a_help_call_and_a_message_reach_the_counter_page(hall: HallServer, pages: Pages) -> None:
    li = hall.login("li")
    act(li, 1, "sign-in")
    counter = pages.open(f"{hall.url}/counter")
    log_in_counter(counter, "li")
    expect(counter.locator("#view-work")).to_be_visible()
    other = pages.open(f"{hall.url}/counter", width=1280, height=800)
    log_in_counter(other, "zhao")  # not a helper at this point

    call = ok(hall.client().post("/api/help/selfservice/call"))
    banner = counter.locator("#help-calls .help-call")
    expect(banner).to_contain_text("24小时自助区")
    expect(banner).to_contain_text("呼叫帮办")
    banner.get_by_role("button", name="我去处理").click()
    expect(banner).to_contain_text(re.compile(r"李明 正在前往（\d\d:\d\d）"))
    expect(other.locator("#help-calls .help-call")).to_have_count(0)
    counter.wait_for_timeout(1100)  # a response and a resolution one second apart
    banner.get_by_role("button", name="已解决").click()
    expect(counter.locator("#help-calls .help-call")).to_have_count(0)
    closed = hall.login("boss").get("/api/help-calls?open=0").json()["calls"]
    assert [(c["id"], c["state"], c["acknowledged_by"]) for c in closed] == [
        (call["id"], "resolved", "li")
    ]

    # A manager's message from the dashboard shows on the window's page until dismissed.
    dash = pages.open(f"{hall.url}/dashboard")
    log_in(dash, "boss")
    dash.locator("#windows .win[data-window='1']").get_by_role("button", name="发消息").click()
    dash.locator("dialog[open] textarea").fill("请到3号窗口协助办理")
    dash.locator("dialog[open]").get_by_role("button", name="发送").click()
    expect(dash.locator("#msg")).to_have_text("消息已发送到1号窗口")
    message = counter.locator("#window-messages .win-msg")
    expect(message).to_contain_text("请到3号窗口协助办理")
    expect(message).to_contain_text("王经理")
    counter.wait_for_timeout(500)
    expect(message).to_be_visible()  # it stays until dismissed
    message.get_by_role("button", name="知道了").click()
    expect(message).to_have_count(0)
    expect(other.locator("#window-messages .win-msg")).to_have_count(0)  # not zhao's window

    # The help report shows the call and how long it took.
    reports = pages.open(f"{hall.url}/reports")
    log_in(reports, "boss")
    row = reports.locator("#help-table tr[data-key=selfservice]")
    expect(row.locator("[data-field=calls]")).to_have_text("1")
    expect(row.locator("[data-field=open]")).to_have_text("0")
    expect(row.locator("[data-field=resolution_avg]")).to_have_text(re.compile(r"^[1-9]\d* 秒$"))
    calls = reports.locator("#help-calls tbody tr")
    expect(calls).to_have_count(1)
    expect(calls.locator("[data-field=answered]")).to_contain_text("李明")
    expect(calls.locator("[data-field=resolved]")).to_contain_text(
        re.compile(r"李明，[1-9]\d* 秒后")
    )


def log_in_counter(page: Page, username: str) -> None:
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-btn").click()
    expect(page.locator("#view-login")).to_be_hidden()


def test_a_service_closed_from_the_dashboard_refuses_tickets_on_the_kiosk(
    hall: HallServer, pages: Pages
) -> None:
    kiosk = pages.open(f"{hall.url}/kiosk")
    dash = pages.open(f"{hall.url}/dashboard")
    log_in(dash, "boss")
    row = dash.locator("#services tr[data-service=capped]")
    row.get_by_role("button", name="暂停取号…").click()
    dialog = dash.locator("dialog[open]")
    dialog.locator("input[name=message]").fill("今日名额已满，请明日再来")
    dialog.get_by_role("button", name="暂停取号").click()
    expect(row).to_contain_text("暂停取号")
    expect(row).to_contain_text("今日名额已满，请明日再来")

    kiosk.locator("#departments .choice", has_text="社保医保").click()
    capped = kiosk.locator("#services .choice", has_text="限号业务")
    expect(capped).to_be_disabled()
    expect(capped).to_contain_text("暂停取号：今日名额已满，请明日再来")
    refused = hall.client().post("/api/tickets", json={"service": "capped"})
    assert refused.status_code == 409 and "请明日再来" in refused.json()["error"]["message"]

    row.get_by_role("button", name="恢复取号").click()
    expect(capped).to_be_enabled()
    expect(capped).to_contain_text("0 人等候")

    # The notice line, set from the dashboard, reaches the hall's screens.
    dash.locator("#notice-edit").click()
    dash.locator("dialog[open] textarea").fill("今天下午三点系统维护")
    dash.locator("dialog[open]").get_by_role("button", name="保存").click()
    expect(dash.locator("#notice")).to_have_text("今天下午三点系统维护")
    assert ok(hall.client().get("/api/snapshot"))["notice"] == "今天下午三点系统维护"


def test_the_reports_match_a_hand_count_of_a_small_day(hall: HallServer, pages: Pages) -> None:
    li, zhao = hall.login("li"), hall.login("zhao")
    a = [take(hall, "business") for _ in range(3)]  # A001-A003
    b = [take(hall, "social") for _ in range(2)]  # B001, B002
    act(li, 5, "sign-in")  # window 5 serves business only
    act(zhao, 2, "sign-in")  # window 2 prefers social
    assert serve(li, 5)["number"] == "A001"  # 即办
    act(li, 5, "call-next")  # A002 does not come
    act(li, 5, "no-show")
    assert serve(zhao, 2, outcome="accepted")["number"] == "B001"  # 承诺件
    rate(hall, a[0], 5)
    rate(hall, b[0], 2, "办事效率低")  # a bad review: a work order opens
    # By hand: business took 3, served 1, 1 no-show; social took 2, served 1; A003 and B002
    # still wait. One of two served on the spot; one of two ratings good.
    page = pages.open(f"{hall.url}/reports")
    log_in(page, "boss")
    expect(page.locator("#quick [data-quick=today]")).to_have_attribute("aria-pressed", "true")
    summary = page.locator("#summary")
    expect(summary.locator("[data-field=taken] .stat-value")).to_have_text("5")
    expect(summary.locator("[data-field=served] .stat-value")).to_have_text("2")
    expect(summary.locator("[data-field=no_shows] .stat-value")).to_have_text("1")
    expect(summary.locator("[data-field=on_the_spot] .stat-value")).to_have_text("50%")
    expect(summary.locator("[data-field=good] .stat-value")).to_have_text("50%")

    queue = page.locator("#queue-table")
    cells = {
        key: [queue.locator(f"tr[data-key={key}] td[data-field={f}]") for f in FIELDS]
        for key in ("business", "social")
    }
    for key, want in {"business": ("3", "1", "1", "100%"), "social": ("2", "1", "0", "0%")}.items():
        for cell, value in zip(cells[key], want, strict=True):
            expect(cell).to_have_text(value)
    expect(queue.locator("tr.is-total td[data-field=taken]")).to_have_text("5")
    page.locator("#queue-by [data-by=window]").click()
    expect(queue.locator("tr[data-key='5'] td[data-field=label]")).to_have_text(
        "5号窗口 商事登记窗口"
    )
    expect(queue.locator("tr[data-key='2'] td[data-field=served]")).to_have_text("1")

    ratings = page.locator("#ratings-table")
    page.locator("#ratings-by [data-by=hall]").click()
    total = ratings.locator("tr[data-key=all]")
    for field, value in {
        "served": "2",
        "rated": "2",
        "bad": "1",
        "good_rate": "50%",
        "unrated_rate": "0%",
        "bad_reply_rate": "0%",
        "score": "6.25",  # levels 5 and 2: (mean 3.5 - 1) x 2.5
    }.items():
        expect(total.locator(f"td[data-field={field}]")).to_have_text(value)

    # The charts are drawn from the same tickets: 5 taken and 2 served across the hours.
    expect(page.locator("#chart-arrivals canvas")).to_have_count(1)
    series = page.evaluate(
        "() => ['chart-arrivals', 'chart-waits', 'chart-windows'].map(id =>"
        " echarts.getInstanceByDom(document.getElementById(id)).getOption().series"
        ".map(s => s.data.reduce((x, y) => x + y, 0)))"
    )
    assert series[0] == [5, 2]  # taken, served
    assert series[1] == [3]  # A001, A002 and B001 were called: three waits
    assert series[2][0] == 2  # served, over all windows
    screenshot(page, "reports")

    # The exports are the server's files.
    with page.expect_download() as got:
        page.locator("[data-export=queue][data-format=csv]").click()
    data = Path(got.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Chinese
    by_window = {r[0]: r[2:5] for r in csv.reader(io.StringIO(data.decode("utf-8-sig")))}
    assert by_window["5"] == ["2", "1", "1"] and by_window["2"] == ["1", "1", "0"]  # the table's
    with page.expect_download() as got:
        page.locator("[data-export=ratings][data-format=xlsx]").click()
    assert got.value.suggested_filename == "ratings-by-hall.xlsx"
    with page.expect_download() as got:
        page.locator("[data-export=evaluations][data-format=json]").click()
    exported = json.loads(Path(got.value.path()).read_bytes())
    assert exported["count"] == 2 and {r["level"] for r in exported["records"]} == {5, 2}
    expect(page.locator("#eval-count")).to_have_text("该期间共有 2 条评价记录")

    # The bad review's work order: a manager calls back; the staff member may only appeal.
    orders = pages.open(f"{hall.url}/workorders")
    log_in(orders, "boss")
    item = orders.locator("#wo-list .wo-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("B001")
    expect(item).to_contain_text("不满意")
    item.click()
    detail = orders.locator("#wo-detail")
    expect(detail).to_contain_text("办事效率低")
    expect(detail).to_contain_text("赵丽")
    expect(detail.locator(".steps li")).to_have_count(1)
    form = detail.locator("form[data-step=call-back]")
    form.get_by_label("已联系上并核实").check()
    form.locator("textarea").fill("已电话联系群众，核实为等候时间较长")
    form.get_by_role("button", name="提交").click()
    expect(detail.locator(".steps li[data-action=call_back]")).to_contain_text("王经理")
    expect(detail.locator(".steps li[data-action=call_back]")).to_contain_text("已联系上并核实")
    expect(detail.locator("form[data-step=fix-now]")).to_be_visible()
    expect(detail.locator("form[data-step=plan-fix]")).to_be_visible()
    expect(item).to_contain_text("已回访")  # the list follows
    screenshot(orders, "workorders")

    own = pages.open(f"{hall.url}/workorders")
    log_in(own, "zhao")
    own.locator("#wo-list .wo-item").click()
    forms = own.locator("#wo-detail form")
    expect(forms).to_have_count(1)
    expect(forms.first).to_have_attribute("data-step", "appeal")


FIELDS = ("taken", "served", "no_shows", "on_the_spot_rate")


def test_admin_manages_accounts_and_pads(server: HallServer, pages: Pages) -> None:
    server.add_user("root", "admin", "系统管理员")
    page = pages.open(f"{server.url}/admin")
    log_in(page, "root")
    users = page.locator("#users")
    expect(users.locator("tr[data-username=li]")).to_contain_text("窗口人员")
    form = page.locator("#add-user")
    form.locator("input[name=username]").fill("wu")
    form.locator("input[name=name]").fill("吴敏")
    form.locator("select[name=role]").select_option("staff")
    form.locator("input[name=password]").fill("a-long-password")
    form.get_by_role("button", name="新增").click()
    expect(users.locator("tr[data-username=wu]")).to_contain_text("吴敏")
    assert (
        server.client()
        .post("/api/login", json={"username": "wu", "password": "a-long-password"})
        .is_success
    )

    users.locator("tr[data-username=wu]").get_by_role("button", name="停用").click()
    page.locator("dialog[open]").get_by_role("button", name="停用").click()
    expect(users.locator("tr[data-username=wu] [data-field=state]")).to_have_text("已停用")
    assert (
        server.client()
        .post("/api/login", json={"username": "wu", "password": "a-long-password"})
        .status_code
        == 401
    )

    pair = page.locator("#pair")
    pair.locator("select[name=window]").select_option("5")
    pair.get_by_role("button", name="配对").click()
    expect(page.locator("#pair-token code")).to_have_text(re.compile(r"\S{20,}"))
    expect(page.locator("#pads tbody tr")).to_have_count(1)
    expect(page.locator("#pads")).to_contain_text("5号窗口评价器")
    screenshot(page, "admin")

    page.locator("#pads").get_by_role("button", name="撤销配对").click()
    page.locator("dialog[open]").get_by_role("button", name="撤销配对").click()
    expect(page.locator("#pads")).to_contain_text("还没有配对的评价器")

    # A manager sees the accounts, not the buttons that change them.
    view = pages.open(f"{server.url}/admin?lang=en")
    log_in(view, "boss")
    expect(view.locator("#view-only")).to_be_visible()
    expect(view.locator("#users tr[data-username=wu]")).to_contain_text("Disabled")
    expect(view.locator("#add-card")).to_be_hidden()
    expect(view.locator("#users button")).to_have_count(0)


def test_the_dashboard_reconnects_by_itself(server: HallServer, pages: Pages) -> None:
    pages.allow(r"WebSocket connection to .* failed|ERR_CONNECTION_REFUSED")
    dash = pages.open(f"{server.url}/dashboard")
    log_in(dash, "boss")
    waiting = dash.locator("#services tr[data-service=business] td.svc-waiting")
    expect(waiting).to_have_text("0")
    expect(dash.locator("#conn")).to_be_hidden()
    server.kill()
    expect(dash.locator("#conn")).to_be_visible()  # 连接中断，正在重连
    expect(dash.locator("#conn")).to_have_text("连接中断，正在重连")
    server.start()
    take(server, "business")  # while the page is still reconnecting
    expect(dash.locator("#conn")).to_be_hidden(timeout=15_000)
    expect(waiting).to_have_text("1")


def test_admin_changes_a_window_and_sees_it_in_the_history(
    server: HallServer, pages: Pages
) -> None:
    server.add_user("root", "admin", "系统管理员")
    page = pages.open(f"{server.url}/admin")
    log_in(page, "root")
    window = page.locator("#setup-windows tr[data-window='5']")
    expect(window.locator("[data-field=services] li")).to_have_text(["商事登记"])
    expect(page.locator("#setup-changes")).to_contain_text("尚无修改")

    # Window 5 also takes 社保业务, first in its order of preference.
    window.get_by_role("button", name="修改…").click()
    dialog = page.locator("dialog[open]")
    social = dialog.locator("li[data-service=social]")
    social.get_by_role("checkbox").check()
    social.get_by_role("button", name="“社保业务”上移").click()
    expect(dialog.locator("li input:checked")).to_have_count(2)
    screenshot(page, "admin-setup-window")
    dialog.get_by_role("button", name="保存").click()
    expect(dialog).to_have_count(0)
    expect(window.locator("[data-field=services] li")).to_have_text(["社保业务", "商事登记"])

    admin = server.login("root")
    setup = ok(admin.get("/api/setup"))
    five = next(w for w in setup["windows"] if w["number"] == 5)
    assert five["services"] == ["social", "business"]
    change = setup["changes"][0]
    assert (change["kind"], change["key"], change["by"]) == ("window", "5", "root")
    assert change["fields"] == {"services": ["social", "business"]}
    history = page.locator("#setup-changes tbody tr")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("5号窗口")
    expect(history.first).to_contain_text("系统管理员")
    expect(history.first).to_contain_text("社保业务 › 商事登记")

    # Hours the hall file cannot read: the server's own Chinese message; the dialog stays.
    page.locator("#setup-services tr[data-service=business]").get_by_role(
        "button", name="修改…"
    ).click()
    dialog = page.locator("dialog[open]")
    dialog.get_by_role("button", name="＋ 增加一段时间").click()
    dialog.locator("input[name=hours]").last.fill("周一至周五 9点到12点")
    dialog.get_by_role("button", name="保存").click()
    refused = admin.put("/api/setup/services/business", json={"hours": ["周一至周五 9点到12点"]})
    assert refused.status_code == 422
    message = refused.json()["error"]["message"]
    assert message.startswith("这样修改后大厅配置不成立")
    expect(dialog.locator(".dlg-error")).to_have_text(message)
    screenshot(page, "admin-setup-dialog")
    assert len(ok(admin.get("/api/setup"))["changes"]) == 1

    # Written in the hall file's form, the hours are saved and shown.
    dialog.locator("input[name=hours]").last.fill("mon-fri 09:00-12:00")
    dialog.get_by_role("button", name="＋ 增加一段时间").click()
    dialog.locator("input[name=hours]").last.fill("sat 09:00-12:00")
    dialog.get_by_role("button", name="保存").click()
    expect(dialog).to_have_count(0)
    hours = page.locator("#setup-services tr[data-service=business] [data-field=hours]")
    expect(hours).to_contain_text("周一至周五 09:00-12:00")  # shown in the reader's language
    expect(hours).to_contain_text("周六 09:00-12:00")
    business = ok(admin.get("/api/setup"))["services"][0]
    assert business["hours"] == ["mon-fri 09:00-12:00", "sat 09:00-12:00"]
    expect(history).to_have_count(2)

    page.evaluate("document.querySelector('#setup').scrollIntoView()")
    screenshot(page, "admin-setup")

    # A manager sees the set-up and its history, not the buttons that change it.
    view = pages.open(f"{server.url}/admin?lang=en")
    log_in(view, "boss")
    expect(view.locator("#setup-view-only")).to_be_visible()
    expect(view.locator("#setup-windows tr[data-window='5']")).to_contain_text("Social Insurance")
    expect(view.locator("#setup-add-window")).to_be_hidden()
    expect(view.locator("#setup button:visible")).to_have_count(0)
    expect(view.locator("#setup-changes tbody tr")).to_have_count(2)
