// The work order page (差评工单): open bad-review work orders, or those of a date range; each
// opens to its details and the forms of its next steps. Managers see every order, staff their
// own (and may appeal). Live over /ws/staff: a new order or step shows at once.
import { get } from "./api.js";
import { $, h } from "./dom.js";
import { t } from "./i18n.js";
import { StaffLive, debounced } from "./manager-live.js";
import { can, handleError, session, showConnection, startPage } from "./manager-page.js";
import { fill, say } from "./manager-ui.js";
import { serverNow } from "./time.js";
import { stepForms } from "./workorders-steps.js";
import "./workorders-texts.js";
import { detail, listItem } from "./workorders-view.js";

const wo = {
  mode: "open", // or "range"
  from: null,
  to: null,
  orders: [],
  selected: null, // order id
  order: null, // its details
  live: null,
};

function today() {
  const tz = session.hall?.timezone ?? "Asia/Shanghai";
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(serverNow()),
  );
}

function listUrl() {
  return wo.mode === "open"
    ? "/api/work-orders?status=open"
    : `/api/work-orders?status=all&from=${wo.from}&to=${wo.to}`;
}

function drawList() {
  const list = $("#wo-list");
  $("#wo-count").textContent = t("wo.count", { n: wo.orders.length });
  if (!wo.orders.length) {
    fill(list, h("li", { class: "empty" }, t(wo.mode === "open" ? "wo.none_open" : "wo.none_range")));
    return;
  }
  const ordered = [...wo.orders].sort(
    (a, b) => (b.overdue?.length ?? 0) - (a.overdue?.length ?? 0) || b.opened_at - a.opened_at,
  );
  fill(
    list,
    ordered.map((o) => listItem(o, o.id === wo.selected, select)),
  );
}

async function loadList() {
  try {
    wo.orders = (await get(listUrl())).work_orders;
    drawList();
  } catch (err) {
    handleError(err);
  }
}

const reloadList = debounced(loadList, 250);

function drawDetail() {
  const box = $("#wo-detail");
  if (!wo.order) {
    fill(box, h("div", { class: "card placeholder" }, t("wo.pick")));
    return;
  }
  const user = session.user;
  const forms = stepForms(wo.order, user, stepped, handleError);
  fill(box, detail(wo.order, forms, !can(user, "manager")));
}

function stepped(order, step) {
  wo.order = { ...order, evaluation: wo.order?.evaluation };
  say("ok", t("wo.done", { step: t(`wo.step.${step}`) }));
  drawDetail();
  reloadList();
}

async function loadDetail() {
  if (!wo.selected) return;
  try {
    wo.order = await get(`/api/work-orders/${wo.selected}`);
  } catch (err) {
    wo.order = null;
    handleError(err);
  }
  drawDetail();
}

function select(id) {
  wo.selected = id;
  const q = new URLSearchParams(location.search);
  q.set("id", id);
  history.replaceState(null, "", `${location.pathname}?${q}`);
  drawList();
  loadDetail();
}

function setMode(mode) {
  wo.mode = mode;
  $("#tab-open").setAttribute("aria-pressed", String(mode === "open"));
  $("#tab-range").setAttribute("aria-pressed", String(mode === "range"));
  $("#wo-range").hidden = mode !== "range";
  loadList();
}

function onEvent(ev) {
  if (ev.type !== "work_order.opened" && ev.type !== "work_order.step") return;
  reloadList();
  if (ev.work_order === wo.selected) loadDetail();
}

function enter() {
  wo.to = today();
  const start = new Date(`${wo.to}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - 30);
  wo.from = start.toISOString().slice(0, 10);
  $("#wo-from").value = wo.from;
  $("#wo-to").value = wo.to;
  const asked = Number(new URLSearchParams(location.search).get("id"));
  wo.selected = Number.isInteger(asked) && asked > 0 ? asked : null;
  setMode("open");
  loadDetail();
  wo.live?.stop();
  wo.live = new StaffLive({
    snapshot: () => {
      reloadList();
      loadDetail();
    },
    event: onEvent,
    status: (s) => {
      showConnection(s);
    },
  }).start();
}

function leave() {
  wo.live?.stop();
  wo.live = null;
  wo.order = null;
  wo.selected = null;
  showConnection("stopped");
}

$("#tab-open").addEventListener("click", () => setMode("open"));
$("#tab-range").addEventListener("click", () => setMode("range"));
$("#wo-range").addEventListener("submit", (e) => {
  e.preventDefault();
  const from = $("#wo-from").value;
  const to = $("#wo-to").value;
  if (!from || !to || to < from) {
    say("error", t("mgr.bad_range"));
    return;
  }
  Object.assign(wo, { from, to });
  loadList();
});

startPage({
  role: "staff",
  loginTitle: "mgr.staff_login_title",
  enter,
  leave,
  redraw: () => {
    drawList();
    drawDetail();
  },
});
