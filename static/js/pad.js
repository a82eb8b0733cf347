// The window's rating pad (评价器): idle, it shows the window and who serves there; when a
// service there finishes (or staff invite a rating) it shows the five national levels.
//
// The pad holds only its own device token (Authorization: Device TOKEN), never a staff login:
// staff may not rate, so every request here is sent without cookies, and the manager who
// pairs the pad is logged out as soon as the token is given.
import { request } from "./api.js";
import { $, h, syncKeyed } from "./dom.js";
import { lang, mountLangSwitch, onLangChange, pick, setLang, t, translate, windowName } from "./i18n.js";
import { Live } from "./live.js";
import { levelLabel, reasonLabel } from "./texts-visitor.js";
import { serverNow, setTimeZone } from "./time.js";

const TOKEN_KEY = "hallcall.pad.token";
const THANKS_MS = 5000; // the thanks stay this long, then the pad is idle for the next visitor
const ERROR_MS = 10000;
const HOME_LANG = new URLSearchParams(location.search).get("lang") === "en" ? "en" : "zh";
const VIEWS = ["checking", "pair", "idle", "levels", "reasons", "thanks", "error"];

const state = {
  token: readToken(),
  device: null, // {window, name, ...} from /api/devices/me
  hall: null,
  windows: [],
  settings: null, // snapshot.settings.rating_pad: {levels, bad_reasons, other_reason, ...}
  view: "checking",
  rating: null, // {ticket, number, staffName, level, reason, sending, triedOnce}
  pairSession: null, // the manager's session token, only while pairing
  errorBack: "idle", // where the error's button leads
};

// -- requests: no cookies, the device token when there is one -------------------------------

function readToken() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function saveToken(token) {
  state.token = token;
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Not kept across a reload: the manager pairs again then.
  }
}

/** One request through api.js, never with cookies (see the top), with `auth` when given. */
const call = (method, path, { body, auth } = {}) => request(method, path, { body, auth, cookies: false });

const asDevice = () => `Device ${state.token}`;

// -- views ---------------------------------------------------------------------------------

function show(view) {
  state.view = view;
  for (const v of VIEWS) $(`#view-${v}`).hidden = v !== view;
  document.body.dataset.view = view;
  armTimer();
  draw();
}

function myWindow() {
  return state.windows.find((w) => w.number === state.device?.window) ?? null;
}

function draw() {
  $("#hall-name").textContent = state.hall ? pick(state.hall) : "";
  if (state.view === "idle") drawIdle();
  if (state.view === "levels") drawLevels();
  if (state.view === "reasons") drawReasons();
  if (state.view === "pair") drawPairWindows();
}

function drawIdle() {
  const n = state.device?.window;
  const w = myWindow();
  $("#idle-window").textContent = n ? t("common.window_n", { n }) : "";
  const name = windowName(w);
  $("#idle-window-name").textContent = name;
  $("#idle-window-name").hidden = !name;
  const staff = w?.staff_name ?? null;
  $("#idle-staff-label").hidden = !staff || w?.paused;
  $("#idle-staff").textContent = w?.paused ? t("pad.paused") : staff || t("pad.nobody");
  $("#idle-staff").classList.toggle("is-nobody", !staff || Boolean(w?.paused));
}

/** A face drawn from constants (never from data): colour and mouth by level. */
const FACES = {
  5: ["#1b7a3e", 60, 26],
  4: ["#3f9a4c", 62, 16],
  3: ["#2f6fb0", 66, 4],
  2: ["#d86400", 72, -12],
  1: ["#c8102e", 74, -22],
};

function faceSrc(level) {
  const [fill, y, curve] = FACES[level] ?? FACES[3];
  const svg =
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'>" +
    `<circle cx='50' cy='50' r='46' fill='${fill}'/>` +
    "<circle cx='34' cy='40' r='6.5' fill='#fff'/><circle cx='66' cy='40' r='6.5' fill='#fff'/>" +
    `<path d='M28 ${y} Q50 ${y + curve} 72 ${y}' stroke='#fff' stroke-width='7' fill='none' stroke-linecap='round'/>` +
    "</svg>";
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

function levelButton(level) {
  return h(
    "button",
    { type: "button", class: `level lv-${level.level}`, onclick: () => chooseLevel(level) },
    h("img", { class: "level-face", src: faceSrc(level.level), alt: "" }),
    h(
      "span",
      { class: "level-words" },
      h("span", { class: "level-name" }),
      h("span", { class: "level-sub", lang: "zh-CN" }),
    ),
  );
}

function drawLevels() {
  const r = state.rating;
  if (!r) return;
  $("#levels-ticket").textContent = r.staffName
    ? t("rate.ticket_staff", { number: r.number, name: r.staffName })
    : t("rate.ticket", { number: r.number });
  syncKeyed($("#levels"), state.settings.levels, (l) => l.level, levelButton, (b, l) => {
    const { main, sub } = levelLabel(l);
    b.querySelector(".level-name").textContent = main;
    b.querySelector(".level-sub").textContent = sub;
    b.querySelector(".level-sub").hidden = !sub;
    b.disabled = r.sending;
    b.classList.toggle("is-busy", r.sending && r.level?.level === l.level);
  });
}

function reasonOk(r) {
  const other = state.settings.other_reason;
  if (!r.reason) return false;
  return !(other && r.reason === other && !$("#comment").value.trim());
}

function drawReasons() {
  const r = state.rating;
  if (!r) return;
  const { main } = levelLabel(r.level);
  const chosen = $("#reasons-level");
  chosen.textContent = main;
  chosen.className = `reasons-level lv-${r.level.level}`;
  syncKeyed(
    $("#reasons"),
    state.settings.bad_reasons,
    (x) => x,
    (x) =>
      h(
        "button",
        { type: "button", class: "reason", onclick: () => chooseReason(x) },
        h("span", { class: "reason-name" }),
        h("span", { class: "reason-sub", lang: "zh-CN" }),
      ),
    (b, x) => {
      const { main: name, sub } = reasonLabel(x);
      b.querySelector(".reason-name").textContent = name;
      b.querySelector(".reason-sub").textContent = sub;
      b.querySelector(".reason-sub").hidden = !sub;
      b.setAttribute("aria-pressed", String(r.reason === x));
      b.disabled = r.sending;
    },
  );
  const needsWords = Boolean(state.settings.other_reason) && r.reason === state.settings.other_reason;
  $("#comment-label").textContent = needsWords ? t("rate.comment_needed") : t("rate.comment_label");
  $("#comment").maxLength = state.settings.comment_max_chars ?? 200;
  $("#comment").disabled = r.sending;
  $("#comment").closest(".comment").classList.toggle("is-needed", needsWords);
  const submit = $("#reasons-submit");
  submit.setAttribute("aria-disabled", String(!reasonOk(r) || r.sending));
  submit.textContent = r.sending ? t("rate.sending") : t("rate.submit");
  $("#reasons-back").disabled = r.sending;
}

// -- rating --------------------------------------------------------------------------------

/** A finished service at this window: ask for its rating (a newer one replaces an older). */
function invite({ ticket, number, staffName }) {
  if (!state.device || !state.settings || !ticket) return;
  const r = state.rating;
  if (r && r.ticket === ticket) {
    // The same service again (finished, then invited): keep what the visitor has chosen.
    if (state.view === "levels" || state.view === "reasons") armTimer();
    return;
  }
  if (r?.sending) return; // never pull the screen from under a rating on its way
  state.rating = { ticket, number, staffName, level: null, reason: null, sending: false, triedOnce: false };
  $("#comment").value = "";
  $("#reasons-hint").textContent = "";
  show("levels");
}

function chooseLevel(level) {
  const r = state.rating;
  if (!r || r.sending) return;
  r.level = level;
  if (level.bad) {
    r.reason = null;
    $("#comment").value = "";
    $("#reasons-hint").textContent = "";
    show("reasons");
    return;
  }
  send();
}

function chooseReason(reason) {
  const r = state.rating;
  if (!r || r.sending) return;
  r.reason = reason;
  $("#reasons-hint").textContent = "";
  drawReasons();
  if (reason === state.settings.other_reason) $("#comment").focus();
}

function submitReasons() {
  const r = state.rating;
  if (!r || r.sending) return;
  if (!r.reason) {
    $("#reasons-hint").textContent = t("rate.pick_reason_first");
    return;
  }
  if (!reasonOk(r)) {
    $("#reasons-hint").textContent = t("rate.write_comment_first", { reason: reasonLabel(r.reason).main });
    $("#comment").focus();
    return;
  }
  send();
}

async function send() {
  const r = state.rating;
  const body = { ticket: r.ticket, level: r.level.level, channel: "pad" };
  if (r.level.bad) body.reason = r.reason;
  const words = $("#comment").value.trim();
  if (r.level.bad && words) body.comment = words;
  r.sending = true;
  draw();
  try {
    await call("POST", "/api/evaluations", { body, auth: asDevice() });
    thank(r.level.bad);
  } catch (err) {
    r.sending = false;
    // A first try lost on the network may have arrived: "rated already" then means ours.
    if (err.code === "rating_already_given" && r.triedOnce) {
      thank(r.level.bad);
      return;
    }
    r.triedOnce ||= err.isNetwork;
    fail(err);
  }
}

function thank(bad) {
  state.rating = null;
  $("#thanks-sub").textContent = bad ? t("rate.thanks_bad") : "";
  show("thanks");
}

/** Say what went wrong, plainly; a refusal that stands ends this rating, a hiccup may be retried. */
function fail(err) {
  const retry = err.isNetwork || err.status >= 500 || err.status === 422;
  $("#error-text").textContent = err.message;
  state.errorBack = retry ? (state.rating?.level?.bad ? "reasons" : "levels") : "idle";
  $("#error-ok").textContent = retry ? t("rate.retry") : t("rate.ok");
  if (!retry) state.rating = null;
  show("error");
  if (err.status === 401 || err.status === 403) checkDevice(); // unpaired meanwhile?
}

function goIdle() {
  state.rating = null;
  if (lang() !== HOME_LANG) setLang(HOME_LANG);
  show(state.device ? "idle" : "pair");
  checkDevice(); // still paired? and the server's clock again, which fresh() relies on
}

// -- timers: an unanswered pad returns to idle, the service stays unrated -------------------

let timer = null;

function armTimer() {
  clearTimeout(timer);
  const idleMs = (state.settings?.idle_seconds ?? 60) * 1000;
  const after = { levels: idleMs, reasons: idleMs, thanks: THANKS_MS, error: ERROR_MS }[state.view];
  if (after) timer = setTimeout(goIdle, after);
}

/** An event replayed after a reconnect may be long past: a visitor no longer stands there. */
function fresh(ev) {
  const idle = state.settings?.idle_seconds ?? 60;
  return typeof ev.at !== "number" || serverNow() / 1000 - ev.at < idle;
}

// -- pairing -------------------------------------------------------------------------------

async function checkDevice() {
  if (!state.token) {
    state.device = null;
    if (state.view !== "pair") show("pair");
    return;
  }
  try {
    const res = await call("GET", "/api/devices/me", { auth: asDevice() });
    state.device = res.device;
    if (state.view === "checking" || state.view === "pair") show("idle");
    else draw();
  } catch (err) {
    if (err.status === 401 || err.status === 404) {
      saveToken(null);
      state.device = null;
      state.rating = null;
      pairNote(t("pad.unpaired"));
      show("pair");
    }
    // A network hiccup: keep the pad as it is; the next snapshot asks again.
  }
}

function pairNote(text) {
  $("#pair-note").textContent = text;
  $("#pair-note").hidden = !text;
}

async function login(e) {
  e.preventDefault();
  const btn = $("#login-btn");
  if (btn.disabled) return;
  btn.disabled = true;
  pairNote("");
  try {
    const body = { username: $("#username").value.trim(), password: $("#password").value };
    const res = await call("POST", "/api/login", { body });
    state.pairSession = res.token;
    $("#password").value = "";
    if (!["manager", "admin"].includes(res.user?.role)) {
      await endPairSession(); // staff may not pair: say so now, not after picking a window
      pairNote(t("pad.staff_cannot_pair"));
      return;
    }
    $("#pair-login").hidden = true;
    $("#pair-windows-box").hidden = false;
    drawPairWindows();
  } catch (err) {
    pairNote(err.message);
    $("#password").select();
  } finally {
    btn.disabled = false;
  }
}

function drawPairWindows() {
  if ($("#pair-windows-box").hidden) return;
  syncKeyed(
    $("#pair-windows"),
    state.windows,
    (w) => w.number,
    (w) =>
      h(
        "button",
        { type: "button", class: "pair-window", onclick: () => pair(w.number) },
        h("span", { class: "pair-window-n num" }),
        h("span", { class: "pair-window-name" }),
      ),
    (b, w) => {
      b.querySelector(".pair-window-n").textContent = t("common.window_n", { n: w.number });
      b.querySelector(".pair-window-name").textContent = windowName(w);
    },
  );
}

let pairing = false;

async function pair(n) {
  if (pairing || !state.pairSession) return;
  pairing = true;
  pairNote("");
  const auth = `Bearer ${state.pairSession}`;
  try {
    const res = await call("POST", "/api/devices", { body: { window: n }, auth });
    saveToken(res.token);
    state.device = res.device;
    await endPairSession();
    await checkDevice();
  } catch (err) {
    pairNote(err.message);
    if (err.status === 401 || err.status === 403) await endPairSession(); // not a manager
  } finally {
    pairing = false;
  }
}

/** Log the manager out: from here on the pad holds only its device token. */
async function endPairSession() {
  const session = state.pairSession;
  state.pairSession = null;
  $("#pair-login").hidden = false;
  $("#pair-windows-box").hidden = true;
  if (!session) return;
  try {
    await call("POST", "/api/logout", { auth: `Bearer ${session}` });
  } catch {
    // The session lapses by itself; the pad has already forgotten it.
  }
}

// -- the hall's live state -----------------------------------------------------------------

async function loadSettingsIfMissing() {
  if (state.settings) return;
  try {
    state.settings = await call("GET", "/api/evaluations/settings");
  } catch {
    // Asked again with the next snapshot.
  }
}

function applySnapshot(snap) {
  state.hall = snap.hall;
  setTimeZone(snap.hall?.timezone);
  state.windows = snap.windows ?? [];
  if (snap.settings?.rating_pad) state.settings = snap.settings.rating_pad;
  else loadSettingsIfMissing();
  checkDevice(); // also notices a pad unpaired while it was away
  draw();
}

function applyEvent(ev) {
  if (ev.window_state) {
    const i = state.windows.findIndex((w) => w.number === ev.window_state.number);
    if (i >= 0) state.windows[i] = ev.window_state;
    else state.windows.push(ev.window_state);
  }
  const mine = state.device && ev.window === state.device.window;
  if (mine && ev.type === "ticket.finished" && fresh(ev)) {
    invite({ ticket: ev.ticket?.id, number: ev.ticket?.number ?? ev.number, staffName: ev.window_state?.staff_name });
  } else if (mine && ev.type === "evaluation.invited" && fresh(ev)) {
    invite({ ticket: ev.ticket?.id, number: ev.number, staffName: ev.staff_name });
  } else if (ev.window_state) {
    draw();
  }
}

// -- start ---------------------------------------------------------------------------------

function start() {
  if (lang() !== HOME_LANG) setLang(HOME_LANG);
  mountLangSwitch($("#lang"));
  translate();
  onLangChange(draw);
  $("#pair-login").addEventListener("submit", login);
  $("#pair-cancel").addEventListener("click", endPairSession);
  $("#reasons-back").addEventListener("click", () => {
    if (!state.rating || state.rating.sending) return;
    state.rating.reason = null;
    show("levels");
  });
  $("#reasons-submit").addEventListener("click", submitReasons);
  $("#comment").addEventListener("input", () => {
    $("#reasons-hint").textContent = "";
    drawReasons();
  });
  $("#error-ok").addEventListener("click", () => {
    if (state.errorBack !== "idle" && state.rating) show(state.errorBack);
    else goIdle();
  });
  // Any touch keeps a rating on screen: the visitor is still there.
  for (const type of ["pointerdown", "keydown", "input"]) {
    document.addEventListener(type, () => armTimer(), { capture: true });
  }
  document.addEventListener("contextmenu", (e) => e.preventDefault());
  show(state.token ? "checking" : "pair");
  new Live({
    snapshot: applySnapshot,
    event: applyEvent,
    status: (s) => {
      $("#conn").hidden = s !== "down";
    },
  }).start();
}

start();
