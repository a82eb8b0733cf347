// The help point's screen (呼叫帮办) by the self-service kiosks: one big button; once pressed it
// says staff were told, then who is on the way, and goes back to the button when resolved.
import { act, get } from "./api.js";
import { $ } from "./dom.js";
import { lang, mountLangSwitch, onLangChange, pick, setLang, t, translate } from "./i18n.js";
import { Live } from "./live.js";
import "./texts-visitor.js";

const POINT = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() ?? "");
const HOME_LANG = new URLSearchParams(location.search).get("lang") === "en" ? "en" : "zh";
const IDLE_RESET_MS = 60000; // a visitor who switched to English and left: back to Chinese

const state = {
  hall: null,
  name: "", // the point's name
  loaded: false,
  call: null, // the open call {id, state: waiting|on_the_way, acknowledged_by_name}, or null
  pressing: false,
};

function draw() {
  $("#hall-name").textContent = state.hall ? pick(state.hall) : "";
  $("#point-name").textContent = state.name;
  $("#loading").hidden = state.loaded || !$("#problem").hidden;
  const view = !state.loaded ? null : !state.call ? "idle" : state.call.state === "on_the_way" ? "coming" : "waiting";
  for (const v of ["idle", "waiting", "coming"]) $(`#view-${v}`).hidden = v !== view;
  document.body.dataset.view = view ?? "loading";
  $("#call").disabled = state.pressing;
  if (view === "coming") {
    $("#coming-text").textContent = t("help.on_the_way", {
      name: state.call.acknowledged_by_name || t("help.someone"),
    });
  }
}

function problem(text) {
  $("#problem").textContent = text;
  $("#problem").hidden = !text;
  draw();
}

function setCall(call) {
  const was = state.call;
  state.call = call && call.state !== "resolved" ? call : null;
  if (was && !state.call && lang() !== HOME_LANG) setLang(HOME_LANG); // the next visitor
  draw();
}

let loading = false;
let again = false;

/** The point and its open call, on load and after every (re)connect. */
async function load() {
  if (loading) {
    again = true; // an answer on its way may be older than what just happened
    return;
  }
  loading = true;
  try {
    const res = await get(`/api/help/${encodeURIComponent(POINT)}`);
    state.name = res.name;
    state.loaded = true;
    problem("");
    setCall(res.call);
  } catch (err) {
    // An unknown point: say what is wrong and what to do, for whoever set the screen up.
    if (!err.isNetwork) problem(t("help.unknown_point", { message: err.message }));
  } finally {
    loading = false;
    if (again) {
      again = false;
      load();
    }
  }
}

async function press() {
  if (state.pressing || state.call) return;
  state.pressing = true;
  draw();
  try {
    setCall(await act(`/api/help/${encodeURIComponent(POINT)}/call`));
    problem("");
  } catch (err) {
    problem(err.isNetwork ? t("help.failed") : err.message);
  } finally {
    state.pressing = false;
    draw();
  }
}

function applyEvent(ev) {
  if (!ev.type.startsWith("help.") || ev.point !== POINT) return;
  if (loading) again = true;
  setCall(ev);
}

let idleTimer = null;

function noteActivity() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (!state.call && lang() !== HOME_LANG) setLang(HOME_LANG);
  }, IDLE_RESET_MS);
}

function start() {
  if (lang() !== HOME_LANG) setLang(HOME_LANG);
  mountLangSwitch($("#lang"));
  translate();
  onLangChange(draw);
  $("#call").addEventListener("click", press);
  document.addEventListener("pointerdown", noteActivity, { capture: true });
  document.addEventListener("contextmenu", (e) => e.preventDefault());
  draw();
  load();
  new Live({
    snapshot: (snap) => {
      state.hall = snap.hall;
      load();
    },
    event: applyEvent,
    status: (s) => {
      $("#conn").hidden = s !== "down";
    },
  }).start();
}

start();
