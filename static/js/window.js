// The small screen above one window (窗口屏): the number called or served there, or 暂停服务.
//
// /window/5 shows window 5; /window/5?speak=1 also speaks that window's calls (off by default:
// the hall's loudspeakers usually speak them once, from the main screen); ?lang=en in English.
import { get } from "./api.js";
import { CallQueue, isCall } from "./callqueue.js";
import { $ } from "./dom.js";
import { onLangChange, t, translate, windowName } from "./i18n.js";
import { Live } from "./live.js";
import "./texts-screens.js";
import { clockTime, serverNow, setTimeZone } from "./time.js";

const FLASH_MS = 6000;
const BADGE_DELAY_MS = 1500; // a quick reconnect does not flash the badge
const CLOCK_SYNC_MS = 60 * 1000; // often: whether a call is recent enough to speak depends on it

const params = new URLSearchParams(location.search);
const number = Number(location.pathname.match(/\/window\/(\d+)/)?.[1] ?? params.get("window"));

const state = {
  loaded: false,
  window: null, // the window's view from the server, or null when the hall has no such window
  lastSeq: null,
};

/** The window's own name, or "" when it only repeats its number (N号窗口 / Window N). */
function ownName(w) {
  const name = windowName(w);
  return name === `Window ${w?.number}` ? "" : name;
}

/** What the screen shows: one of the window's modes. */
function modeOf(w) {
  if (!w) return "unknown";
  if (!w.staff_name) return "nobody"; // screens see names, never usernames
  if (w.paused) return "paused";
  if (w.current) return w.current.status === "serving" ? "serving" : "called";
  return "idle";
}

function draw() {
  const main = $("#ws-main");
  if (!state.loaded) return;
  const w = state.window;
  const mode = modeOf(w);
  main.className = `ws-main is-${mode}${main.classList.contains("flash") ? " flash" : ""}`;
  document.body.dataset.mode = mode;
  $("#ws-no").textContent = t("common.window_n", { n: number });
  $("#ws-name").textContent = ownName(w);
  const staff = w?.staff_name ? t("win.staff", { name: w.staff_name }) : t("win.no_staff");
  $("#ws-staff").textContent = w ? staff : "";
  const [label, big, sub] = {
    unknown: ["", t("win.unknown", { n: number }), t("win.unknown_more")],
    nobody: ["", t("win.paused"), t("win.nobody")],
    paused: ["", t("win.paused"), w?.pause_reason ?? ""],
    called: [t("win.calling"), w?.current?.number, t("win.calling_more")],
    serving: [t("win.serving"), w?.current?.number, ""],
    idle: ["", t("win.idle"), t("win.idle_more")],
  }[mode];
  $("#ws-label").textContent = label;
  $("#ws-big").textContent = big ?? "";
  $("#ws-big").classList.toggle("num", mode === "called" || mode === "serving");
  $("#ws-sub").textContent = sub;
}

function drawClock() {
  $("#ws-time").textContent = clockTime(serverNow() / 1000);
}

function flash() {
  const el = $("#ws-main");
  el.classList.remove("flash");
  void el.offsetWidth; // restart the animation
  el.classList.add("flash");
  clearTimeout(el.flashTimer);
  el.flashTimer = setTimeout(() => el.classList.remove("flash"), FLASH_MS);
}

const queue = new CallQueue({
  speak: params.get("speak") === "1",
  show: (ev, { stale }) => {
    if (!stale) flash();
  },
  onBlocked: (blocked) => {
    $("#speech-lock").hidden = !blocked;
  },
});

// -- live updates --------------------------------------------------------------------------

function applySnapshot(snap) {
  const seenBefore = state.lastSeq;
  state.lastSeq = snap.seq;
  queue.configure(snap.settings);
  setTimeZone(snap.hall?.timezone);
  state.window = (snap.windows ?? []).find((w) => w.number === number) ?? null;
  state.loaded = true;
  draw();
  drawClock();
  if (seenBefore === null) return;
  // Back after an outage too long to replay: this window's calls since then, oldest first.
  const missed = (snap.recent_calls ?? []).filter((ev) => ev.window === number && ev.seq > seenBefore);
  for (const ev of missed.reverse()) queue.push(ev);
}

function applyEvent(ev) {
  state.lastSeq = ev.seq;
  if (ev.window_state?.number !== number) return;
  state.window = ev.window_state;
  draw();
  if (isCall(ev)) queue.push(ev);
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
    await get("/api/services"); // the answer's Date header sets the clock
  } catch {
    // The device clock will do until the next try.
  }
}

function start() {
  translate();
  onLangChange(draw);
  draw();
  setInterval(drawClock, 1000);
  syncClock().then(drawClock);
  setInterval(syncClock, CLOCK_SYNC_MS);
  new Live({ snapshot: applySnapshot, event: applyEvent, status: connection }).start();
}

start();
