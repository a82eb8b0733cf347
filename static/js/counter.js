// The counter page (窗口叫号): staff log in, sign in at a window, and call and serve tickets.
import { act, get, request } from "./api.js";
import { askOutcome, askPauseReason, askTransfer, isOpen, setUpDialogs } from "./counter-dialogs.js";
import { startStaffFeed, stopStaffFeed } from "./counter-help.js";
import { allowed, mine, serviceById, state } from "./counter-state.js";
import { drawAll, drawWindowList, drawWork, handlers, showView, tickClocks } from "./counter-view.js";
import { $ } from "./dom.js";
import { mountLangSwitch, onLangChange, t, translate } from "./i18n.js";
import { Live } from "./live.js";
import { setTimeZone } from "./time.js";

const MESSAGE_MS = { ok: 6000, info: 8000, error: 15000 };

const KEYS = {
  F1: "call-next",
  " ": "call-next",
  F2: "recall",
  F3: "start",
  F4: "finish",
  F5: "no-show",
  F6: "transfer",
  F7: "park",
  F8: "pause-or-resume",
};

// -- messages ------------------------------------------------------------------------------

let msgTimer = null;

function say(kind, text) {
  const el = $("#msg");
  el.className = `msg msg-${kind}`;
  el.textContent = text;
  el.hidden = false;
  clearTimeout(msgTimer);
  msgTimer = setTimeout(() => {
    el.hidden = true;
  }, MESSAGE_MS[kind]);
}

function clearMessage() {
  $("#msg").hidden = true;
}

// -- talking to the server -----------------------------------------------------------------

function handleError(err) {
  if (err.status === 401) {
    enterLogin();
    say("error", err.message);
    return;
  }
  say("error", err.message);
  if (err.status === 403 || err.code === "window_not_signed_in") restore();
}

let queueTimer = null;
let queueLoading = false;
let queueStale = false;

async function refreshQueue() {
  if (!state.windowNo) return;
  queueLoading = true;
  queueStale = false;
  try {
    const data = await get(`/api/windows/${state.windowNo}/waiting`);
    state.queue = data.tickets ?? [];
    state.queueTotal = data.total ?? state.queue.length; // the server sends the first rows only
    drawWork();
  } catch (err) {
    if (err.status === 401) handleError(err);
    // Otherwise keep the last list; the next event refreshes it.
  } finally {
    queueLoading = false;
    if (queueStale) refreshQueueSoon();
  }
}

/** Refresh the waiting list soon: a burst of events is one request, and none is missed. */
function refreshQueueSoon() {
  if (queueLoading) {
    queueStale = true; // the answer on its way may predate this change: ask again after it
    return;
  }
  if (queueTimer) return;
  queueTimer = setTimeout(() => {
    queueTimer = null;
    refreshQueue();
  }, 120);
}

async function loadWindow(n) {
  const w = await get(`/api/windows/${n}`);
  state.windowNo = n;
  state.win = w;
  Object.assign(state.waiting, w.waiting ?? {});
  showView("work");
  drawWork();
  await refreshQueue();
}

/** Ask the server who we are and where we sit, and show the right view. */
async function restore() {
  try {
    const me = await get("/api/me");
    state.user = me.user;
    startStaffFeed(me.user, say);
    if (me.window) {
      await loadWindow(me.window);
    } else {
      enterWindows();
    }
  } catch (err) {
    if (err.status === 401) enterLogin();
    else say("error", err.message);
  }
}

function enterLogin() {
  stopStaffFeed();
  state.user = null;
  state.windowNo = null;
  state.win = null;
  showView("login");
  $("#password").value = "";
  $("#username").focus();
}

async function enterWindows() {
  state.windowNo = null;
  state.win = null;
  showView("windows");
  try {
    state.windows = (await get("/api/windows")).windows;
  } catch (err) {
    say("error", err.message);
  }
  drawWindowList();
}

async function login(e) {
  e.preventDefault();
  const btn = $("#login-btn");
  if (btn.disabled) return;
  btn.disabled = true;
  try {
    const body = { username: $("#username").value.trim(), password: $("#password").value };
    const res = await request("POST", "/api/login", { body });
    state.user = res.user;
    clearMessage();
    await restore();
  } catch (err) {
    say("error", err.message);
    $("#password").select();
  } finally {
    btn.disabled = false;
  }
}

async function signIn(n) {
  if (state.busy) return;
  state.busy = true;
  drawWindowList();
  try {
    await act(`/api/windows/${n}/sign-in`);
    await loadWindow(n);
    say("ok", t("counter.signed_in", { n }));
  } catch (err) {
    handleError(err);
  } finally {
    state.busy = false;
    drawAll();
  }
}

const SUCCESS = {
  "call-next": (r) => (r.ticket ? t("counter.did_call", { number: r.ticket.number }) : null),
  call: (r) => t("counter.did_call", { number: r.ticket.number }),
  "call-back": (r) => t("counter.did_call", { number: r.ticket.number }),
  recall: (r) => t("counter.did_recall", { number: r.ticket.number, n: r.ticket.recalls }),
  start: (r) => t("counter.did_start", { number: r.ticket.number }),
  finish: (r) => t("counter.did_finish", { number: r.ticket.number }),
  "no-show": (r) => t("counter.did_no_show", { number: r.ticket.number }),
  transfer: (r) => t("counter.did_transfer", { number: r.ticket.number }),
  park: (r) => t("counter.did_park", { number: r.ticket.number }),
  pause: () => t("counter.did_pause"),
  resume: () => t("counter.did_resume"),
};

/** One staff action: one request with its own Idempotency-Key; a press while busy is dropped. */
async function run(action, body) {
  if (state.busy || !state.windowNo) return false;
  state.busy = true;
  drawWork();
  try {
    const res = await act(`/api/windows/${state.windowNo}/${action}`, body);
    if (res.window) state.win = res.window;
    if (action === "call-next" && !res.ticket) say("info", t("counter.nobody_to_call"));
    else {
      const text = SUCCESS[action]?.(res);
      if (text) say("ok", text);
    }
    if (action === "call") $("#number-input").value = "";
    return true;
  } catch (err) {
    handleError(err);
    return false;
  } finally {
    state.busy = false;
    drawWork();
    refreshQueueSoon();
  }
}

/** Why a key does nothing now (its button is greyed out): what the window is doing. */
function notNow() {
  const w = state.win;
  if (w?.paused) return t("counter.not_now_paused");
  const cur = w?.current;
  if (cur) return t("counter.not_now_busy", { number: cur.number, status: t(`status.${cur.status}`) });
  return t("counter.not_now_idle");
}

// These ask a question before anything is sent.
const ASKS_FIRST = new Set(["finish", "transfer", "pause"]);

/** The action behind a button or key; some ask a question first. */
function perform(action, body) {
  if (state.busy) return;
  const cur = state.win?.current;
  if (action === "pause-or-resume") action = state.win?.paused ? "resume" : "pause";
  if (!allowed(action)) {
    // Not allowed now (its button is greyed out). A key for a plain action is sent all the
    // same: the server refuses it and says exactly why (recalled too often, tickets still
    // parked, ...), so the page need not know the rules. One that asks a question first, or
    // a window that is not ours, is answered here.
    if (mine() && !ASKS_FIRST.has(action)) run(action, body);
    else say("info", notNow());
    return;
  }
  if (action === "finish") {
    askOutcome(cur, (outcome) => run("finish", { outcome }));
  } else if (action === "transfer") {
    askTransfer(cur, state.windowNo, state.services, state.windows, (target) => run("transfer", target));
  } else if (action === "pause") {
    askPauseReason((reason) => run("pause", { reason }));
  } else {
    run(action, body);
  }
}

async function signOut() {
  if (!allowed("sign-out")) return;
  if (await run("sign-out")) {
    say("ok", t("counter.signed_out", { n: state.windowNo }));
    state.windowNo = null;
    enterWindows();
  }
}

async function logout() {
  if (state.busy) return;
  // Leave the window first; when the server refuses (a ticket in hand, parked tickets), it
  // says why and we stay logged in.
  if (state.windowNo && mine() && !(await run("sign-out"))) return;
  try {
    await request("POST", "/api/logout");
  } catch (err) {
    if (!err.isNetwork) say("error", err.message);
  }
  enterLogin();
  say("info", t("counter.logged_out"));
}

// -- keyboard ------------------------------------------------------------------------------

function typing(el) {
  return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT");
}

function onKey(e) {
  if ($("#view-work").hidden || isOpen()) return;
  const action = KEYS[e.key];
  if (!action) return;
  if (e.key === " " && typing(e.target)) return;
  if (e.ctrlKey || e.altKey || e.metaKey) return;
  e.preventDefault(); // F1 help, F5 reload, F3 find, Space scrolling or pressing a focused button
  if (e.repeat) return; // a held key is one press
  perform(action);
}

// A focused button would also "click" on Space's keyup: keep Space for call-next only.
function onKeyUp(e) {
  if (e.key === " " && !typing(e.target) && !$("#view-work").hidden && !isOpen()) e.preventDefault();
}

// -- live ----------------------------------------------------------------------------------

function applySnapshot(snap) {
  state.hall = snap.hall;
  setTimeZone(snap.hall?.timezone);
  state.services = snap.services ?? [];
  state.windows = snap.windows ?? [];
  for (const s of state.services) state.waiting[s.id] = s.waiting;
  if (state.windowNo) {
    const mine = state.windows.find((w) => w.number === state.windowNo);
    if (mine) state.win = mine;
    refreshQueueSoon();
  }
  drawAll();
}

function touchesMe(ev) {
  const mine = state.win?.services ?? [];
  if (ev.window === state.windowNo) return true;
  if (ev.service && mine.includes(ev.service)) return true;
  if (ev.from_service && mine.includes(ev.from_service)) return true;
  return ev.ticket?.directed_window === state.windowNo;
}

function applyEvent(ev) {
  if (ev.waiting) Object.assign(state.waiting, ev.waiting);
  if (ev.window_state) {
    const i = state.windows.findIndex((w) => w.number === ev.window);
    if (i >= 0) state.windows[i] = ev.window_state;
    if (ev.window === state.windowNo) {
      state.win = ev.window_state;
      if (ev.type === "window.signed_out" && ev.staff === state.user?.username && !state.busy) {
        // Signed out from elsewhere (a manager, or this user in another tab).
        say("info", t("counter.signed_out", { n: ev.window }));
        enterWindows();
        return;
      }
    }
  }
  if (ev.type === "service.opened" || ev.type === "service.closed") {
    const s = serviceById(ev.service);
    if (s) Object.assign(s, { open: ev.open, closed_message: ev.message ?? null });
  }
  if (ev.type.startsWith("ticket.") && state.windowNo && touchesMe(ev)) refreshQueueSoon();
  drawAll();
}

// -- start ---------------------------------------------------------------------------------

function start() {
  mountLangSwitch($("#lang"));
  translate();
  setUpDialogs();
  onLangChange(() => {
    clearMessage(); // it was written in the other language
    drawAll();
  });
  handlers.callBack = (ticket) => run("call-back", { ticket });
  handlers.pickWindow = signIn;
  setInterval(tickClocks, 1000);
  $("#login-form").addEventListener("submit", login);
  $("#logout").addEventListener("click", logout);
  $("#sign-out").addEventListener("click", signOut);
  for (const b of document.querySelectorAll("#actions [data-action]")) {
    b.addEventListener("click", () => {
      b.blur(); // so that Space next time means call-next, not this button
      perform(b.dataset.action);
    });
  }
  $("#call-number").addEventListener("submit", (e) => {
    e.preventDefault();
    const number = $("#number-input").value.trim().toUpperCase();
    if (!number) {
      say("error", t("counter.type_a_number"));
      $("#number-input").focus();
      return;
    }
    perform("call", { number });
  });
  document.addEventListener("keydown", onKey);
  document.addEventListener("keyup", onKeyUp);
  new Live({
    snapshot: applySnapshot,
    event: applyEvent,
    status: (s) => {
      $("#conn").hidden = s !== "down";
    },
  }).start();
  restore();
}

start();
