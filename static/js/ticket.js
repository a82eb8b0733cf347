// The visitor's own ticket on their phone (/t/TOKEN, from the slip's QR code), kept up to date;
// once the service is done, the visitor may rate it here, once (channel "qr", with the token).
import { act, get } from "./api.js";
import { $, h, syncKeyed } from "./dom.js";
import { mountLangSwitch, onLangChange, pick, t, translate, windowName } from "./i18n.js";
import { Live } from "./live.js";
import { levelLabel, reasonLabel } from "./texts-visitor.js";
import { dateTime, setTimeZone } from "./time.js";

const TOKEN = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() ?? "");
const RATED_KEY = `hallcall.rated.${TOKEN}`;
const FINAL = new Set(["done", "no_show", "cancelled"]);

const state = {
  hall: null,
  windows: [],
  ticket: null,
  settings: null, // the rating levels and reasons, asked for once the ticket is done
  rating: { level: null, reason: null, sending: false },
  rated: readRated(), // {level_name} after this phone rated; {already: true} if rated elsewhere
};

function nameOfWindow(n) {
  return windowName(state.windows.find((x) => x.number === n));
}

function draw() {
  $("#hall-name").textContent = state.hall ? pick(state.hall) : "";
  const tk = state.ticket;
  $("#card").hidden = !tk;
  if (!tk) return;
  $("#loading").hidden = true;
  $("#service").textContent = pick(tk, "service_name");
  $("#number").textContent = tk.number;
  const card = $("#card");
  card.className = `p-card is-${tk.status}`;
  let headline = t(`ticket.state_${tk.status}`, { window: tk.window });
  let detail = "";
  if (tk.status === "waiting") {
    headline = t("ticket.ahead", { n: tk.waiting_ahead ?? 0 });
    const m = tk.estimate_minutes;
    if (m === null || m === undefined) detail = t("ticket.estimate_unknown");
    else detail = m === 0 ? t("ticket.estimate_soon") : t("ticket.estimate", { m });
  } else if (tk.status === "called" || tk.status === "serving") {
    detail = nameOfWindow(tk.window);
  }
  $("#state").textContent = headline;
  $("#detail").textContent = detail;
  $("#taken").textContent = t("ticket.taken_at", { time: dateTime(tk.taken_at) });
  $("#hint").hidden = FINAL.has(tk.status);
  drawRating();
}

// -- rating (一次一评) ------------------------------------------------------------------------

function readRated() {
  try {
    return JSON.parse(localStorage.getItem(RATED_KEY) ?? "null");
  } catch {
    return null;
  }
}

function markRated(value) {
  state.rated = value;
  try {
    localStorage.setItem(RATED_KEY, JSON.stringify(value));
  } catch {
    // Not remembered: the server still refuses a second rating, and the page then says so.
  }
}

function drawRating() {
  const tk = state.ticket;
  const done = tk?.status === "done";
  const rated = state.rated ?? (tk?.rated ? { already: true } : null);
  $("#rated").hidden = !done || !rated;
  $("#rate").hidden = !done || Boolean(rated) || !state.settings;
  if (done && rated) {
    if (rated.already) {
      $("#rated-text").textContent = t("ticket.rated_already");
      $("#rated-sub").textContent = "";
    } else {
      $("#rated-text").textContent = t("rate.thanks");
      $("#rated-sub").textContent = t("ticket.rated", { level: levelLabel(rated).main });
    }
    return;
  }
  if (!done || !state.settings) return;
  const r = state.rating;
  syncKeyed(
    $("#rate-levels"),
    state.settings.levels,
    (l) => l.level,
    (l) =>
      h(
        "button",
        { type: "button", class: `p-level lv-${l.level}`, onclick: () => chooseLevel(l) },
        h("span", { class: "p-level-dot", "aria-hidden": "true" }),
        h("span", { class: "p-level-name" }),
        h("span", { class: "p-level-sub", lang: "zh-CN" }),
      ),
    (b, l) => {
      const { main, sub } = levelLabel(l);
      b.querySelector(".p-level-name").textContent = main;
      b.querySelector(".p-level-sub").textContent = sub;
      b.querySelector(".p-level-sub").hidden = !sub;
      b.setAttribute("aria-pressed", String(r.level?.level === l.level));
      b.disabled = r.sending;
    },
  );
  const bad = Boolean(r.level?.bad);
  $("#rate-reasons-box").hidden = !bad;
  if (!bad) return;
  syncKeyed(
    $("#rate-reasons"),
    state.settings.bad_reasons,
    (x) => x,
    (x) => h("button", { type: "button", class: "p-reason", onclick: () => chooseReason(x) }),
    (b, x) => {
      b.textContent = reasonLabel(x).main;
      b.setAttribute("aria-pressed", String(r.reason === x));
      b.disabled = r.sending;
    },
  );
  const needsWords = needsComment(r.reason);
  $("#rate-comment-label").textContent = needsWords ? t("rate.comment_needed") : t("rate.comment_label");
  $("#rate-comment").closest(".p-comment").classList.toggle("is-needed", needsWords);
  $("#rate-comment").maxLength = state.settings.comment_max_chars ?? 200;
  const submit = $("#rate-submit");
  submit.setAttribute("aria-disabled", String(!reasonOk() || r.sending));
  submit.textContent = r.sending ? t("rate.sending") : t("rate.submit");
}

const needsComment = (reason) => Boolean(state.settings?.other_reason) && reason === state.settings.other_reason;

function reasonOk() {
  const r = state.rating;
  return Boolean(r.reason) && !(needsComment(r.reason) && !$("#rate-comment").value.trim());
}

function rateError(text) {
  $("#rate-error").textContent = text;
  $("#rate-error").hidden = !text;
}

function chooseLevel(level) {
  const r = state.rating;
  if (r.sending) return;
  r.level = level;
  r.reason = null;
  rateError("");
  $("#rate-hint").textContent = "";
  if (level.bad) {
    drawRating();
    $("#rate-reasons-box").scrollIntoView({ behavior: "smooth", block: "nearest" });
    return;
  }
  send();
}

function chooseReason(reason) {
  if (state.rating.sending) return;
  state.rating.reason = reason;
  $("#rate-hint").textContent = "";
  drawRating();
  if (needsComment(reason)) $("#rate-comment").focus();
}

function submitReasons() {
  const r = state.rating;
  if (r.sending || !r.level) return;
  if (!r.reason) {
    $("#rate-hint").textContent = t("rate.pick_reason_first");
    return;
  }
  if (!reasonOk()) {
    $("#rate-hint").textContent = t("rate.write_comment_first", { reason: reasonLabel(r.reason).main });
    $("#rate-comment").focus();
    return;
  }
  send();
}

async function send() {
  const r = state.rating;
  const tk = state.ticket;
  const body = { ticket: tk.id, level: r.level.level, channel: "qr", token: TOKEN };
  if (r.level.bad) {
    body.reason = r.reason;
    const words = $("#rate-comment").value.trim();
    if (words) body.comment = words;
  }
  r.sending = true;
  drawRating();
  try {
    await act("/api/evaluations", body);
    markRated({ level: r.level.level, name: r.level.name });
  } catch (err) {
    if (err.code === "rating_already_given") markRated({ already: true });
    else rateError(err.message);
  } finally {
    r.sending = false;
    draw();
  }
}

async function loadSettings() {
  if (state.settings) return;
  try {
    state.settings = await get("/api/evaluations/settings");
    draw();
  } catch {
    // Asked again with the next update of the ticket.
  }
}

// -- the ticket ----------------------------------------------------------------------------

let loading = false;
let again = false;

async function load() {
  if (loading) {
    again = true; // the answer on its way may be older than what just happened
    return;
  }
  loading = true;
  try {
    const before = state.ticket?.status;
    state.ticket = await get(`/api/tickets/t/${encodeURIComponent(TOKEN)}`);
    $("#not-found").hidden = true;
    if (state.ticket.status === "called" && before && before !== "called") navigator.vibrate?.([300, 150, 300]);
    if (state.ticket.status === "done") loadSettings();
    draw();
  } catch (err) {
    if (err.status === 404) {
      $("#loading").hidden = true;
      $("#not-found").textContent = t("ticket.not_found");
      $("#not-found").hidden = false;
      $("#hint").hidden = true; // nothing will update: do not promise it
    }
    // Otherwise keep what is shown; the next event tries again.
  } finally {
    loading = false;
    if (again) {
      again = false;
      load();
    }
  }
}

function concernsMe(ev) {
  const tk = state.ticket;
  if (!tk) return false;
  if (ev.ticket?.id === tk.id) return true;
  // Someone ahead moved: the count of people ahead changes.
  return tk.status === "waiting" && Boolean(ev.waiting) && ev.service === tk.service;
}

function start() {
  mountLangSwitch($("#lang"));
  translate();
  onLangChange(draw);
  $("#rate-submit").addEventListener("click", submitReasons);
  $("#rate-comment").addEventListener("input", () => {
    $("#rate-hint").textContent = "";
    drawRating();
  });
  load();
  new Live({
    snapshot: (snap) => {
      state.hall = snap.hall;
      setTimeZone(snap.hall?.timezone);
      state.windows = snap.windows ?? [];
      load();
    },
    event: (ev) => {
      if (ev.window_state) {
        const i = state.windows.findIndex((w) => w.number === ev.window);
        if (i >= 0) state.windows[i] = ev.window_state;
      }
      if (concernsMe(ev)) load();
    },
    status: (s) => {
      $("#conn").hidden = s !== "down";
    },
  }).start();
}

start();
