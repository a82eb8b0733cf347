// The dashboard's drawing: one row per service (queues and today's figures) and one card per
// window (what it does since when, who is on duty, today's figures). Clocks tick locally.
import { $, h, syncKeyed } from "./dom.js";
import { pick, t, windowName } from "./i18n.js";
import { pauseReasonText } from "./counter-dialogs.js";
import { DASH, duration, fill } from "./manager-ui.js";
import { clockTime, elapsed, serverNow } from "./time.js";

/** What the controller fills in: the buttons' actions. */
export const actions = {
  closeService: () => {},
  openService: () => {},
  moveTicket: () => {},
  messageWindow: () => {},
};

export const view = {
  data: null, // GET /api/dashboard
  meta: new Map(), // service id -> the snapshot's service (department, closed message)
  notice: "",
};

/** m:ss, or h:mm:ss, for a number of seconds. */
function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return hh ? `${hh}:${String(mm).padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
}

// -- services ------------------------------------------------------------------------------

function serviceRow() {
  const tr = h("tr", { class: "svc" });
  tr.cells_ = {
    name: h("td", { class: "svc-name" }),
    state: h("td", { class: "svc-state" }),
    waiting: h("td", { class: "n svc-waiting" }),
    longest: h("td", { class: "n svc-longest" }),
    average: h("td", { class: "n" }),
    estimate: h("td", { class: "n" }),
    taken: h("td", { class: "n" }),
    served: h("td", { class: "n" }),
    windows: h("td", { class: "n" }),
    actions: h("td", { class: "act svc-actions" }),
  };
  tr.toggle = h("button", { type: "button", class: "btn btn-small" });
  tr.toggle.addEventListener("click", () => (tr.svc.open ? actions.closeService(tr.svc) : actions.openService(tr.svc)));
  tr.move = h("button", { type: "button", class: "btn btn-small btn-quiet" });
  tr.move.addEventListener("click", () => actions.moveTicket(tr.svc));
  tr.cells_.actions.append(h("div", { class: "btn-row" }, tr.toggle, tr.move));
  tr.append(...Object.values(tr.cells_));
  return tr;
}

function updateServiceRow(tr, s) {
  tr.svc = s;
  const c = tr.cells_;
  const meta = view.meta.get(s.id);
  tr.dataset.service = s.id;
  tr.classList.toggle("is-closed", !s.open);
  fill(
    c.name,
    h(
      "div",
      { class: "svc-name-in" },
      h("span", { class: "prefix" }, s.prefix ?? ""),
      h(
        "span",
        { class: "svc-label" },
        h("b", {}, pick(s)),
        meta ? h("small", {}, pick(meta, "department_name")) : null,
      ),
    ),
  );
  const closedMessage = meta?.closed_message;
  fill(
    c.state,
    h("span", { class: `pill ${s.open ? "pill-green" : "pill-solid-red"}` }, t(s.open ? "dash.open" : "dash.closed")),
    !s.open && closedMessage ? h("small", { class: "svc-closed-msg" }, closedMessage) : null,
  );
  c.waiting.textContent = String(s.waiting);
  c.waiting.classList.toggle("is-zero", s.waiting === 0);
  if (s.longest_wait_seconds === null || s.longest_wait_seconds === undefined) {
    c.longest.textContent = DASH;
    delete c.longest.dataset.from;
    c.longest.classList.remove("late");
  } else {
    c.longest.dataset.from = String(view.data.at - s.longest_wait_seconds);
    c.longest.dataset.limit = String(s.wait_alert_minutes * 60);
  }
  c.longest.title = t("dash.threshold", { n: Number(s.wait_alert_minutes.toFixed(2)) });
  c.average.textContent = duration(s.average_wait_seconds);
  c.estimate.textContent =
    s.estimate_minutes === null || s.estimate_minutes === undefined
      ? DASH
      : t("dash.about_minutes", { n: s.estimate_minutes });
  c.taken.textContent = String(s.taken);
  c.served.textContent = String(s.served);
  c.windows.textContent = String(s.windows_open);
  tr.toggle.textContent = t(s.open ? "dash.close_service" : "dash.open_service");
  tr.toggle.className = `btn btn-small ${s.open ? "" : "btn-primary"}`;
  tr.move.textContent = t("dash.move_ticket");
  tr.move.disabled = s.waiting === 0;
}

function drawServices() {
  syncKeyed($("#services"), view.data.services, (s) => s.id, serviceRow, updateServiceRow);
}

// -- windows -------------------------------------------------------------------------------

const STATE_PILL = {
  closed: "",
  idle: "pill-green",
  called: "pill-solid-red",
  serving: "pill-blue",
  paused: "pill-orange",
};

function windowCard() {
  const card = h("article", { class: "win" });
  card.message = h("button", { type: "button", class: "btn btn-small btn-quiet act" });
  card.message.addEventListener("click", () => actions.messageWindow(card.win));
  return card;
}

/** The big line of a window: its number now, its pause reason, or 空闲. */
function windowMain(w) {
  if (w.state === "paused") {
    return h("span", { class: "win-big is-paused" }, pauseReasonText(w.pause_reason) || t("dash.win_paused"));
  }
  if (w.current) return h("span", { class: "win-big num" }, w.current.number);
  return h("span", { class: "win-big is-none" }, t("dash.win_idle"));
}

function updateWindowCard(card, w) {
  card.win = w;
  card.className = `win state-${w.state}`;
  card.dataset.window = w.number;
  const name = windowName(w) === `Window ${w.number}` ? "" : windowName(w);
  card.message.textContent = t("dash.win_message");
  const head = h(
    "div",
    { class: "win-head" },
    h("span", { class: "win-number" }, t("mgr.window_n", { n: w.number })),
    name ? h("span", { class: "win-name" }, name) : null,
    h("span", { class: `pill win-state ${STATE_PILL[w.state] ?? ""}` }, t(`dash.win_${w.state}`)),
  );
  const stats = h(
    "p",
    { class: "win-stats" },
    t("dash.win_served", { n: w.served }),
    w.average_handling_seconds !== null && w.average_handling_seconds !== undefined
      ? ` · ${t("dash.win_handling", { t: clock(w.average_handling_seconds) })}`
      : "",
  );
  if (w.state === "closed") {
    fill(card, head, stats);
    return;
  }
  const sub = [
    w.current ? pick(w.current, "service_name") : null,
    w.since ? t("dash.win_since", { time: clockTime(w.since) }) : null,
  ];
  fill(
    card,
    head,
    h(
      "div",
      { class: "win-main" },
      windowMain(w),
      w.since ? h("span", { class: "win-clock num", "data-since": w.since }, elapsed(w.since)) : null,
    ),
    h("p", { class: "win-sub" }, sub.filter(Boolean).join(" · ")),
    h("div", { class: "win-foot" }, h("span", { class: "win-staff" }, w.staff_name || w.staff), card.message),
    stats,
  );
}

function drawWindows() {
  const windows = view.data.windows;
  syncKeyed($("#windows"), windows, (w) => w.number, windowCard, updateWindowCard);
  const n = (state) => windows.filter((w) => w.state === state).length;
  $("#window-summary").textContent = t("dash.win_summary", {
    on: windows.length - n("closed"),
    busy: n("called") + n("serving"),
    idle: n("idle"),
    paused: n("paused"),
  });
}

export function drawNotice() {
  const el = $("#notice");
  el.textContent = view.notice || t("dash.notice_none");
  el.classList.toggle("is-none", !view.notice);
}

export function drawDashboard() {
  drawNotice();
  if (!view.data) return;
  $("#day").textContent = t("dash.day", { day: view.data.day });
  drawServices();
  drawWindows();
}

/** Move every clock on by the server's time; the longest waits turn red past their limit. */
export function tick() {
  const now = serverNow() / 1000;
  for (const el of document.querySelectorAll("[data-since]")) el.textContent = elapsed(Number(el.dataset.since));
  for (const el of document.querySelectorAll("td[data-from]")) {
    const waited = now - Number(el.dataset.from);
    el.textContent = clock(waited);
    el.classList.toggle("late", waited >= Number(el.dataset.limit));
  }
}
