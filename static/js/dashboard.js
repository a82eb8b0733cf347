// The dashboard (大厅监控): the hall now, for a manager's PC or a wall screen. Live over
// /ws/staff with no polling: each event re-reads /api/dashboard (a burst of events is one
// read), and the clocks tick locally between events.
import { get } from "./api.js";
import { closeService, editNotice, messageWindow, moveTicket, openService } from "./dashboard-actions.js";
import { alertState, drawAlerts, sound } from "./dashboard-alerts.js";
import "./dashboard-texts.js";
import { actions, drawDashboard, drawNotice, tick, view } from "./dashboard-view.js";
import { $ } from "./dom.js";
import { t } from "./i18n.js";
import { StaffLive, debounced } from "./manager-live.js";
import { handleError, session, showConnection, startPage } from "./manager-page.js";
import { say } from "./manager-ui.js";
import { clockSeconds, serverNow, setTimeZone } from "./time.js";

const WALL_KEY = "hallcall.dashboard.wall";
// Events that change nothing the dashboard shows.
const QUIET = new Set(["print.job", "evaluation.invited", "window.message"]);

let live = null;
let ticker = null;

async function load() {
  try {
    const data = await get("/api/dashboard");
    view.data = data;
    alertState.alerts = data.alerts ?? [];
    for (const s of data.services) alertState.services.set(s.id, s);
    draw();
  } catch (err) {
    handleError(err);
  }
}

const reload = debounced(load, 250);

function draw() {
  drawDashboard();
  drawAlerts();
  tick();
}

function applySnapshot(snap) {
  setTimeZone(snap.hall?.timezone);
  view.notice = snap.notice ?? "";
  view.meta = new Map((snap.services ?? []).map((s) => [s.id, s]));
  drawNotice();
  reload();
}

function applyEvent(ev) {
  if (ev.type === "hall.notice") {
    view.notice = ev.notice ?? "";
    drawNotice();
  }
  if (ev.type === "service.opened" || ev.type === "service.closed") {
    const meta = view.meta.get(ev.service);
    if (meta) Object.assign(meta, { open: ev.open, closed_message: ev.message ?? null });
  }
  if (ev.type === "alert.raised") sound.beep();
  if (!QUIET.has(ev.type)) reload();
}

/** A refused websocket may be a session that ended: then log in again, else keep retrying. */
async function checkSession() {
  try {
    await get("/api/me");
  } catch (err) {
    if (err.status === 401) handleError(err);
  }
}

async function loadHelpPoints() {
  try {
    const { points } = await get("/api/help-points");
    alertState.points = new Map(points.map((p) => [p.id, p.name]));
  } catch {
    // Only for English alert texts; the Chinese message names the point already.
  }
}

function drawSound() {
  $("#sound-hint").hidden = sound.on;
  const b = $("#sound");
  b.hidden = false;
  b.textContent = t(sound.on ? "dash.sound_on" : "dash.sound_enable");
  b.setAttribute("aria-pressed", String(sound.on));
  b.classList.toggle("is-off", !sound.on);
}

async function toggleSound() {
  if (sound.on) sound.disable();
  else if (await sound.enable()) say("ok", t("dash.sound_enabled"));
  drawSound();
}

function setWall(on) {
  document.body.classList.toggle("wall", on);
  document.documentElement.classList.toggle("wall", on); // rem sizes grow too
  $("#wall").setAttribute("aria-pressed", String(on));
  try {
    localStorage.setItem(WALL_KEY, on ? "1" : "0");
  } catch {
    // not remembered
  }
}

function wallWanted() {
  const asked = new URLSearchParams(location.search).get("wall");
  if (asked !== null) return asked === "1";
  try {
    return localStorage.getItem(WALL_KEY) === "1";
  } catch {
    return false;
  }
}

function enter() {
  $("#wall").hidden = false;
  drawSound();
  loadHelpPoints();
  if (session.snapshot) applySnapshot(session.snapshot);
  live?.stop();
  live = new StaffLive({
    snapshot: applySnapshot,
    event: applyEvent,
    status: (s) => {
      showConnection(s);
      document.body.classList.toggle("is-offline", s === "down");
      if (s === "down") checkSession();
    },
  }).start();
  clearInterval(ticker);
  ticker = setInterval(() => {
    $("#clock").textContent = clockSeconds(serverNow());
    tick();
  }, 1000);
}

function leave() {
  live?.stop();
  live = null;
  clearInterval(ticker);
  showConnection("stopped");
  $("#sound").hidden = true;
  $("#wall").hidden = true;
}

Object.assign(actions, { closeService, openService, moveTicket, messageWindow });
alertState.onError = handleError;
$("#notice-edit").addEventListener("click", editNotice);
$("#sound").addEventListener("click", toggleSound);
$("#wall").addEventListener("click", () => setWall(!document.body.classList.contains("wall")));
setWall(wallWanted());

startPage({
  role: "manager",
  enter,
  leave,
  redraw: () => {
    drawSound();
    draw();
  },
});
