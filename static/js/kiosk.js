// The touch kiosk (取号机): department, then service, then the number on screen. Two taps.
import { act, get } from "./api.js";
import { $, h, syncKeyed } from "./dom.js";
import { lang, mountLangSwitch, onLangChange, pick, setLang, t, translate } from "./i18n.js";
import { Live } from "./live.js";
import "./texts-visitor.js";
import { dateTime, setTimeZone } from "./time.js";

const TICKET_SHOWN_S = 20; // the ticket stays on screen this long, then the kiosk starts over
const IDLE_RESET_MS = 60000; // a visitor who walked away mid-way: start over for the next one
const ERROR_SHOWN_MS = 15000;
const PARAMS = new URLSearchParams(location.search);
const HOME_LANG = PARAMS.get("lang") === "en" ? "en" : "zh";
// Which kiosk this is (/kiosk?kiosk=k1): its printer prints the slip. None: the screen only.
const KIOSK_ID = PARAMS.get("kiosk");
const CAN_PRINT = new Set(["online", "paper_near_end"]);
const PRINT_FAILED = new Set(["interrupted", "expired"]);

const state = {
  hall: null,
  services: [], // in the hall file's order
  step: "departments", // departments | services | ticket
  department: null,
  busy: null, // the service id being taken, while the request runs
  ticket: null,
  kiosk: null, // {id, name, printer, printer_status} from /api/kiosks/{id}
  print: null, // the shown ticket's slip: {job, state, status, error}
};

const els = {
  hallName: $("#hall-name"),
  conn: $("#conn"),
  loading: $("#loading"),
  stepDepartments: $("#step-departments"),
  stepServices: $("#step-services"),
  stepTicket: $("#step-ticket"),
  departments: $("#departments"),
  services: $("#services"),
  serviceTitle: $("#svc-title"),
  back: $("#back"),
  error: $("#error"),
  errorText: $("#error-text"),
  countdown: $("#countdown"),
};

// -- the hall's departments, from its services ---------------------------------------------

function departments() {
  const byId = new Map();
  for (const s of state.services) {
    let d = byId.get(s.department);
    if (!d) {
      d = { id: s.department, name: s.department_name, name_en: s.department_name_en, services: [] };
      byId.set(s.department, d);
    }
    d.services.push(s);
  }
  return [...byId.values()];
}

const onlyOneDepartment = () => departments().length === 1;

// -- drawing -------------------------------------------------------------------------------

function waitingText(n) {
  return t("kiosk.waiting", { n });
}

function choiceButton() {
  const b = h(
    "button",
    { type: "button", class: "choice" },
    h("span", { class: "choice-name" }),
    h("span", { class: "choice-sub" }),
    h("span", { class: "choice-info" }),
  );
  return b;
}

function fillChoice(b, { name, sub, info, closed, busy, action }) {
  b.querySelector(".choice-name").textContent = name;
  const subEl = b.querySelector(".choice-sub");
  subEl.textContent = sub ?? "";
  subEl.hidden = !sub;
  b.querySelector(".choice-info").textContent = info;
  b.classList.toggle("is-closed", closed);
  b.classList.toggle("is-busy", busy);
  b.classList.toggle("is-take", action === "take");
  b.disabled = closed || state.busy !== null;
  b.setAttribute("aria-busy", String(busy));
}

/** Taking numbers now: not closed by a manager, and inside its opening hours. */
const isOpen = (s) => s.open && s.open_now !== false;

function closedText(s) {
  if (s.open && s.open_now === false) return t("kiosk.outside_hours", { hours: pick(s, "hours") });
  return s.closed_message ? t("kiosk.closed_because", { message: s.closed_message }) : t("kiosk.closed");
}

function serviceInfo(s) {
  if (!isOpen(s)) return closedText(s);
  return `${waitingText(s.waiting)} · ${t("kiosk.tap_to_take")}`;
}

function drawDepartments() {
  const deps = departments();
  syncKeyed(
    els.departments,
    deps,
    (d) => d.id,
    (d) => {
      const b = choiceButton();
      b.addEventListener("click", () => chooseDepartment(d.id));
      return b;
    },
    (b, d) => {
      const open = d.services.filter(isOpen);
      const waiting = d.services.reduce((sum, s) => sum + s.waiting, 0);
      if (d.services.length === 1) {
        // One service: the department button takes the number at once.
        const s = d.services[0];
        const sameName = pick(s) === pick(d);
        fillChoice(b, {
          name: pick(d),
          sub: sameName ? null : pick(s),
          info: serviceInfo(s),
          closed: !isOpen(s),
          busy: state.busy === s.id,
          action: "take",
        });
      } else {
        fillChoice(b, {
          name: pick(d),
          sub: t("kiosk.n_services", { n: d.services.length }),
          info: open.length ? waitingText(waiting) : closedText(d.services[0]),
          closed: open.length === 0,
          busy: false,
          action: "open",
        });
      }
    },
  );
}

function drawServices() {
  const d = departments().find((x) => x.id === state.department);
  if (!d) {
    goHome();
    return;
  }
  els.serviceTitle.textContent = pick(d);
  els.back.hidden = onlyOneDepartment();
  syncKeyed(
    els.services,
    d.services,
    (s) => s.id,
    (s) => {
      const b = choiceButton();
      b.addEventListener("click", () => take(s.id));
      return b;
    },
    (b, s) =>
      fillChoice(b, {
        name: pick(s),
        sub: null,
        info: serviceInfo(s),
        closed: !isOpen(s),
        busy: state.busy === s.id,
        action: "take",
      }),
  );
}

function drawTicket() {
  const tk = state.ticket;
  if (!tk) return;
  $("#t-service").textContent = pick(tk, "service_name");
  $("#t-number").textContent = tk.number;
  $("#t-ahead").textContent = t("kiosk.ahead", { n: tk.waiting_ahead ?? 0 });
  const m = tk.estimate_minutes;
  $("#t-estimate").textContent =
    m === null || m === undefined
      ? t("kiosk.estimate_unknown")
      : m === 0
        ? t("kiosk.estimate_soon")
        : t("kiosk.estimate", { m });
  $("#t-time").textContent = t("kiosk.taken_at", { time: dateTime(tk.taken_at) });
  const [title, text, printed] = printTexts();
  $("#t-print-title").textContent = title;
  $("#t-print-text").textContent = text;
  $("#t-note").classList.toggle("is-printed", printed);
  drawQr(printed);
}

/** No slip in the visitor's hand: the QR of the ticket's own link, to follow it on a phone. */
function drawQr(printed) {
  const p = state.print;
  const slipMissing = !p || p.state === "printer_down" || Boolean(p.error) || PRINT_FAILED.has(p.status);
  const show = Boolean(state.ticket?.token) && slipMissing && !printed;
  $("#t-qr").hidden = !show;
  const img = $("#t-qr-img");
  const src = show ? `/api/tickets/t/${encodeURIComponent(state.ticket.token)}/qr.svg` : "";
  if (show && img.getAttribute("src") !== src) img.src = src;
  img.alt = t("kiosk.qr_alt");
}

/** What to say about the paper slip: [title, text, printed]. */
function printTexts() {
  const p = state.print;
  if (!p) return [t("kiosk.remember"), t("kiosk.no_printer"), false];
  if (p.status === "printed") return [t("kiosk.printed"), t("kiosk.printed_text"), true];
  if (p.status === "interrupted" || p.status === "expired") {
    return [t("kiosk.remember"), t("kiosk.print_incomplete"), false];
  }
  if (p.state === "printer_down" || p.error) return [t("kiosk.remember"), t("kiosk.print_failed"), false];
  return [t("kiosk.printing"), t("kiosk.printing_text"), false];
}

function drawFooter() {
  const note = $("#printer-note");
  const status = state.kiosk?.printer ? state.kiosk.printer_status : null;
  note.hidden = !status || CAN_PRINT.has(status);
  note.textContent = t("kiosk.printer_down_note");
}

function draw() {
  els.hallName.textContent = state.hall ? pick(state.hall) : "";
  els.loading.hidden = state.services.length > 0;
  let step = state.step;
  if (step === "departments" && onlyOneDepartment()) {
    state.department = departments()[0].id;
    step = "services";
  }
  els.stepDepartments.hidden = step !== "departments";
  els.stepServices.hidden = step !== "services";
  els.stepTicket.hidden = step !== "ticket";
  if (step === "departments") drawDepartments();
  if (step === "services") drawServices();
  if (step === "ticket") drawTicket();
  drawFooter();
}

// -- what the visitor does -----------------------------------------------------------------

function chooseDepartment(id) {
  if (state.busy !== null) return;
  const d = departments().find((x) => x.id === id);
  if (!d) return;
  if (d.services.length === 1) {
    take(d.services[0].id);
    return;
  }
  state.department = id;
  state.step = "services";
  draw();
}

async function take(serviceId) {
  if (state.busy !== null) return; // a second tap while the first is on its way
  const service = state.services.find((s) => s.id === serviceId);
  if (!service || !isOpen(service)) return;
  state.busy = serviceId;
  draw();
  try {
    // act() sends one fresh Idempotency-Key per tap, and the same key on network retries.
    const body = state.kiosk ? { service: serviceId, kiosk: state.kiosk.id } : { service: serviceId };
    const ticket = await act("/api/tickets", body);
    state.ticket = ticket;
    state.print = ticket.print ? { ...ticket.print, status: "queued", error: null } : null;
    if (state.print && jobSeen.has(state.print.job)) Object.assign(state.print, jobSeen.get(state.print.job));
    state.step = "ticket";
    startCountdown();
  } catch (err) {
    showError(err.message);
  } finally {
    state.busy = null;
    draw();
  }
}

let countdownTimer = null;

function startCountdown() {
  let left = TICKET_SHOWN_S;
  clearInterval(countdownTimer);
  els.countdown.textContent = `(${left})`;
  countdownTimer = setInterval(() => {
    left -= 1;
    els.countdown.textContent = `(${left})`;
    if (left <= 0) goHome();
  }, 1000);
}

/** Start over for the next visitor, in the kiosk's own language. */
function goHome() {
  clearInterval(countdownTimer);
  countdownTimer = null;
  state.step = "departments";
  state.department = null;
  state.ticket = null;
  state.print = null;
  hideError();
  if (lang() !== HOME_LANG) setLang(HOME_LANG);
  draw();
}

let errorTimer = null;

function showError(message) {
  els.errorText.textContent = message;
  els.error.hidden = false;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(hideError, ERROR_SHOWN_MS);
  $("#error-ok").focus();
}

function hideError() {
  els.error.hidden = true;
  clearTimeout(errorTimer);
}

let idleTimer = null;

function noteActivity() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    const atHome = state.step === "departments" || (state.step === "services" && onlyOneDepartment());
    if (state.step !== "ticket" && (!atHome || lang() !== HOME_LANG || !els.error.hidden)) goHome();
  }, IDLE_RESET_MS);
}

// -- the hall's live state -----------------------------------------------------------------

let liveDrawn = false;
const jobSeen = new Map(); // print job id -> {status, error}, the last few seen

function applySnapshot(snap, fromLive = true) {
  // The first HTTP snapshot may answer after the live one: never draw older over newer.
  if (!fromLive && liveDrawn) return;
  liveDrawn ||= fromLive;
  if (fromLive) loadKiosk(); // tried again with each snapshot until the server answers
  state.hall = snap.hall;
  setTimeZone(snap.hall?.timezone);
  state.services = snap.services ?? [];
  draw();
}

function updateService(id, change) {
  const s = state.services.find((x) => x.id === id);
  if (s) Object.assign(s, change);
}

function applyEvent(ev) {
  if (ev.waiting) {
    for (const [id, n] of Object.entries(ev.waiting)) updateService(id, { waiting: n });
  }
  if (ev.type === "service.opened" || ev.type === "service.closed") {
    updateService(ev.service, { open: ev.open, closed_message: ev.message ?? null });
  }
  if (ev.type === "service.hours") updateService(ev.service, { open_now: ev.open_now });
  if (ev.type === "print.job") {
    // A fast printer may report before the ticket's answer arrives: remember recent jobs.
    jobSeen.set(ev.id, { status: ev.status, error: ev.error ?? null });
    if (jobSeen.size > 50) jobSeen.delete(jobSeen.keys().next().value);
  }
  if (ev.type === "print.job" && state.print && ev.id === state.print.job) {
    state.print.status = ev.status;
    state.print.error = ev.error ?? null;
    draw();
  }
  if (ev.type === "printer.status" && state.kiosk && ev.printer === state.kiosk.printer) {
    state.kiosk.printer_status = ev.status;
    draw();
  }
  if (ev.waiting || ev.type.startsWith("service.")) draw();
}

/** Learn this kiosk's printer; until then (or with no ?kiosk=) tickets are shown on screen only. */
async function loadKiosk() {
  if (!KIOSK_ID || state.kiosk) return;
  try {
    state.kiosk = await get(`/api/kiosks/${encodeURIComponent(KIOSK_ID)}`);
    $("#setup-note").hidden = true;
  } catch (err) {
    // Shown small at the bottom for the staff who set the kiosk up; visitors still get numbers.
    $("#setup-note").textContent = err.message;
    $("#setup-note").hidden = false;
  }
  draw();
}

// -- start ---------------------------------------------------------------------------------

function start() {
  mountLangSwitch($("#lang"));
  translate();
  onLangChange(draw);
  els.back.addEventListener("click", goHome);
  $("#done").addEventListener("click", goHome);
  $("#error-ok").addEventListener("click", hideError);
  document.addEventListener("pointerdown", noteActivity, { capture: true });
  document.addEventListener("contextmenu", (e) => e.preventDefault()); // a long press is not a menu
  noteActivity();
  draw();
  get("/api/snapshot")
    .then((snap) => applySnapshot(snap, false))
    .catch(() => {
      // The live stream's snapshot will draw the kiosk as soon as the server answers.
      els.loading.textContent = t("kiosk.loading_failed");
    });
  new Live({
    snapshot: applySnapshot,
    event: applyEvent,
    status: (s) => {
      els.conn.hidden = s !== "down";
    },
  }).start();
}

start();
