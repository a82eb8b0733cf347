// The hall's main screen (综合屏): latest calls, every window's number, queues, the notice.
import { get } from "./api.js";
import { CallQueue, isCall } from "./callqueue.js";
import { $, h, syncKeyed } from "./dom.js";
import { mountLangSwitch, onLangChange, pick, t, translate, windowName } from "./i18n.js";
import { Live } from "./live.js";
import "./texts-screens.js";
import { clockSeconds, longDate, serverNow, setTimeZone } from "./time.js";

const RECENT_SHOWN = 6; // older calls listed under the newest one
const FLASH_MS = 6000;
const BADGE_DELAY_MS = 1500; // a quick reconnect does not flash the badge
const CLOCK_SYNC_MS = 60 * 1000; // often: whether a call is recent enough to speak depends on it
const NOTICE_PX_PER_S = 0.11; // scroll speed, in screen heights (widths on a portrait TV) per second

const state = {
  hall: null,
  services: [],
  windows: [],
  calls: [], // newest first: {seq, at, number, ticketId, window, windowState}
  notice: "",
  timeZone: "Asia/Shanghai",
  lastSeq: null, // the last sequence seen, to tell calls missed across a snapshot
};

// -- the call queue --------------------------------------------------------------------------

const callListeners = [];

/**
 * Register `fn(event)` to hear every call: speech, chimes and the per-window screens hook in
 * here. See onCall for what is passed and when.
 */
export function addCallListener(fn) {
  callListeners.push(fn);
}

/**
 * Called once per ticket.called / ticket.recalled event, in sequence order, as it arrives
 * live, and for calls missed while disconnected (replayed on reconnect, or newer than the last
 * seen in a catch-up snapshot: check `event.at`, epoch seconds, to skip stale ones). Not
 * called for the history in a first snapshot. `event` is the hub's message: {type, seq, at,
 * ticket, number, service, window, window_name, window_state, waiting, audio}. A listener
 * that throws does not stop the others or the screen. The screen's own call queue (shown
 * one at a time, spoken in Mandarin) hears every call first.
 */
function onCall(event) {
  queue.push(event);
  for (const fn of callListeners) {
    try {
      fn(event);
    } catch (err) {
      console.error("call listener failed:", err);
    }
  }
  window.dispatchEvent(new CustomEvent("hallcall:call", { detail: event }));
}

// Let plain scripts (and tests) hook in without importing the module.
window.hallcallScreen = { addCallListener };

/** The window's own name, or "" when it only repeats its number (N号窗口 / Window N). */
function ownName(w) {
  const name = windowName(w);
  return name === `Window ${w?.number}` ? "" : name;
}

// -- dates ---------------------------------------------------------------------------------

/** Today's service day in the hall's time zone, as tickets carry it (YYYY-MM-DD). */
function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: state.timeZone }).format(new Date(serverNow()));
}

// -- calls ---------------------------------------------------------------------------------

function callOf(ev) {
  return {
    seq: ev.seq,
    at: ev.at,
    number: ev.number ?? ev.ticket?.number,
    ticketId: ev.ticket?.id,
    day: ev.ticket?.day,
    window: ev.window,
    windowState: ev.window_state,
  };
}

function addCall(call) {
  // A recall moves the ticket back to the top rather than listing it twice.
  state.calls = [call, ...state.calls.filter((c) => c.ticketId !== call.ticketId)].slice(0, RECENT_SHOWN + 1);
}

function windowLabel(call) {
  return t("common.window_n", { n: call.window });
}

function drawCalls() {
  const [latest, ...older] = state.calls;
  const box = $("#latest");
  box.classList.toggle("is-empty", !latest);
  if (latest) {
    $("#latest-number").textContent = latest.number;
    $("#latest-window").textContent = windowLabel(latest);
    const w = state.windows.find((x) => x.number === latest.window) ?? latest.windowState;
    $("#latest-window-name").textContent = ownName(w);
  }
  syncKeyed(
    $("#recent"),
    older,
    (c) => c.ticketId ?? c.seq,
    () =>
      h(
        "li",
        {},
        h("span", { class: "r-number num" }),
        h("span", { class: "r-arrow", "aria-hidden": "true" }, "→"),
        h("span", { class: "r-window" }),
      ),
    (li, c) => {
      li.querySelector(".r-number").textContent = c.number;
      li.querySelector(".r-window").textContent = windowLabel(c);
    },
  );
  fitRecent();
}

/** Show only the recent calls that fit whole in their panel, whatever the screen. */
function fitRecent() {
  const list = $("#recent");
  for (const li of list.children) li.hidden = false;
  const bottom = list.clientHeight;
  for (const li of list.children) li.hidden = li.offsetTop + li.offsetHeight > bottom + 1;
}

/** The call queue shows a call: it becomes the newest, highlighted while it is spoken. */
function showCall(ev, { stale }) {
  addCall(callOf(ev));
  drawCalls();
  if (stale) return; // a call missed while offline takes its place without a flash
  flash($("#latest"));
  const cell = document.querySelector(`.w-cell[data-window="${ev.window}"]`);
  if (cell) flash(cell);
}

function drawSpeechLock(blocked) {
  $("#speech-lock").hidden = !blocked;
  document.body.classList.toggle("is-speech-locked", blocked);
}

const queue = new CallQueue({ show: showCall, onBlocked: drawSpeechLock });

function flash(el) {
  el.classList.remove("flash");
  void el.offsetWidth; // restart the animation
  el.classList.add("flash");
  clearTimeout(el.flashTimer);
  el.flashTimer = setTimeout(() => el.classList.remove("flash"), FLASH_MS);
}

// -- windows and services ------------------------------------------------------------------

/** Columns and rows that give n cells of about `aspect` (w/h) the largest size in a box. */
function fit(n, width, height, aspect) {
  let best = { cols: 1, rows: n, size: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const size = Math.min(width / cols / aspect, height / rows);
    if (size > best.size) best = { cols, rows, size };
  }
  return best;
}

function layoutGrid(grid, n, aspect) {
  if (!n) return;
  const { cols, rows } = fit(n, grid.clientWidth, grid.clientHeight, aspect);
  grid.style.gridTemplateColumns = `repeat(${cols}, minmax(0, 1fr))`;
  grid.style.gridTemplateRows = `repeat(${rows}, minmax(0, 1fr))`;
}

function layout() {
  layoutGrid($("#windows"), state.windows.length, 1.45);
  layoutGrid($("#services"), state.services.length, 1.9);
}

function windowCell() {
  return h(
    "div",
    { class: "w-cell" },
    h("div", { class: "w-head" }, h("span", { class: "w-no" })),
    h("div", { class: "w-name" }),
    h("div", { class: "w-body" }, h("span", { class: "w-number num" }), h("span", { class: "w-state" })),
  );
}

function fillWindow(cell, w) {
  const cur = w.current;
  let mode = "idle";
  if (!w.staff_name) mode = "closed"; // screens see names, never usernames
  else if (w.paused) mode = "paused";
  else if (cur) mode = cur.status === "serving" ? "serving" : "called";
  cell.className = `w-cell is-${mode}${cell.classList.contains("flash") ? " flash" : ""}`;
  cell.dataset.window = w.number;
  cell.querySelector(".w-no").textContent = t("common.window_n", { n: w.number });
  cell.querySelector(".w-name").textContent = ownName(w);
  cell.querySelector(".w-number").textContent = mode === "called" || mode === "serving" ? cur.number : "";
  const stateText = {
    closed: t("screen.no_staff"),
    paused: t("screen.paused"),
    idle: t("screen.idle"),
    called: t("screen.calling"),
    serving: t("screen.serving"),
  }[mode];
  cell.querySelector(".w-state").textContent = stateText;
}

function drawWindows() {
  syncKeyed($("#windows"), state.windows, (w) => w.number, windowCell, fillWindow);
}

function serviceCell() {
  return h(
    "div",
    { class: "q-cell" },
    h("div", { class: "q-head" }, h("span", { class: "q-prefix" }), h("span", { class: "q-name" })),
    h("div", { class: "q-body" }, h("span", { class: "q-count num" }), h("span", { class: "q-unit" })),
  );
}

function fillService(cell, s) {
  cell.classList.toggle("is-closed", !s.open);
  cell.dataset.service = s.id;
  cell.querySelector(".q-prefix").textContent = s.prefix;
  cell.querySelector(".q-name").textContent = pick(s);
  cell.querySelector(".q-count").textContent = s.open ? String(s.waiting) : "";
  cell.querySelector(".q-unit").textContent = s.open ? t("screen.people") : t("screen.closed");
}

function drawServices() {
  syncKeyed($("#services"), state.services, (s) => s.id, serviceCell, fillService);
}

// -- the notice line -----------------------------------------------------------------------

function drawNotice(force = false) {
  const el = $("#notice");
  const text = state.notice || t("screen.default_notice");
  if (!force && el.textContent === text && el.style.animationName) return;
  el.textContent = text;
  // The same speed whatever the length: the time is the distance over the speed.
  const distance = el.offsetWidth; // its padding puts the text's start at the right edge
  const seconds = Math.max(8, distance / (NOTICE_PX_PER_S * Math.min(innerWidth, innerHeight)));
  el.style.animation = "none";
  void el.offsetWidth;
  el.style.animation = `notice-scroll ${seconds.toFixed(1)}s linear infinite`;
}

// -- drawing everything --------------------------------------------------------------------

function drawHead() {
  $("#hall-name").textContent = state.hall ? pick(state.hall) : "";
}

function drawClock() {
  const now = serverNow();
  $("#date").textContent = longDate(now);
  $("#time").textContent = clockSeconds(now);
}

function drawAll() {
  drawHead();
  drawClock();
  drawWindows();
  drawServices();
  layout();
  drawCalls();
  drawNotice();
}

// -- live updates --------------------------------------------------------------------------

function applySnapshot(snap) {
  const seenBefore = state.lastSeq;
  state.lastSeq = snap.seq;
  queue.configure(snap.settings);
  state.hall = snap.hall;
  if (snap.hall?.timezone) state.timeZone = snap.hall.timezone;
  setTimeZone(state.timeZone);
  state.services = snap.services ?? [];
  state.windows = snap.windows ?? [];
  state.notice = snap.notice ?? "";
  const day = today();
  state.calls = [];
  // recent_calls is newest first; add oldest first so the newest ends on top. After an
  // outage, the calls newer than the last one seen go through the call queue instead.
  const missed = [];
  for (const ev of [...(snap.recent_calls ?? [])].reverse()) {
    const call = callOf(ev);
    if (call.day && call.day !== day) continue;
    if (seenBefore !== null && ev.seq > seenBefore) missed.push(ev);
    else addCall(call);
  }
  drawAll();
  for (const ev of missed) onCall(ev);
}

function setWindow(ws) {
  const i = state.windows.findIndex((w) => w.number === ws.number);
  if (i >= 0) state.windows[i] = ws;
  else state.windows.push(ws);
}

function applyEvent(ev) {
  state.lastSeq = ev.seq;
  if (ev.waiting) {
    for (const s of state.services) if (s.id in ev.waiting) s.waiting = ev.waiting[s.id];
  }
  if (ev.window_state) setWindow(ev.window_state);
  if (ev.type === "service.opened" || ev.type === "service.closed") {
    const s = state.services.find((x) => x.id === ev.service);
    if (s) Object.assign(s, { open: ev.open, closed_message: ev.message ?? null });
  }
  if (ev.type === "hall.notice") {
    state.notice = ev.notice ?? "";
    drawNotice();
  }
  drawWindows();
  drawServices();
  if (isCall(ev)) onCall(ev); // shown and spoken by the call queue, one at a time
}

let badgeTimer = null;

function connection(status) {
  clearTimeout(badgeTimer);
  if (status === "down") {
    badgeTimer = setTimeout(() => {
      $("#conn").hidden = false;
    }, BADGE_DELAY_MS);
  } else {
    $("#conn").hidden = true;
  }
  if (status === "open") syncClock(); // a device clock may have jumped while we were away
}

async function syncClock() {
  try {
    await get("/api/services"); // the answer's Date header sets the clock; TVs rarely have NTP
  } catch {
    // The device clock will do until the next try.
  }
}

// -- start ---------------------------------------------------------------------------------

function start() {
  mountLangSwitch($("#lang"));
  translate();
  onLangChange(() => {
    drawAll();
    document.title = t("screen.title");
  });
  drawAll();
  setInterval(drawClock, 1000);
  syncClock().then(drawClock);
  setInterval(syncClock, CLOCK_SYNC_MS);
  new ResizeObserver(() => {
    layout();
    fitRecent();
    drawNotice(true);
  }).observe(document.body);
  new Live({ snapshot: applySnapshot, event: applyEvent, status: connection }).start();
}

start();
