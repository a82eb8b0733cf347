// The visitor's own ticket on their phone (/t/TOKEN, from the slip's QR code), kept up to date.
import { get } from "./api.js";
import { $ } from "./dom.js";
import { mountLangSwitch, onLangChange, pick, t, translate, windowName } from "./i18n.js";
import { Live } from "./live.js";
import { dateTime, setTimeZone } from "./time.js";

const TOKEN = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() ?? "");

const state = { hall: null, windows: [], ticket: null };

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
}

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
    draw();
  } catch (err) {
    if (err.status === 404) {
      $("#loading").hidden = true;
      $("#not-found").textContent = t("ticket.not_found");
      $("#not-found").hidden = false;
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
