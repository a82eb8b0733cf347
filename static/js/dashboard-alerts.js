// The dashboard's alerts panel (预警): each open alert with its kind, message and time, who
// acknowledged it, and the 确认 / 解决 buttons; and the sound a new alert makes.
import { act } from "./api.js";
import { $, h, syncKeyed } from "./dom.js";
import { lang, pick, t } from "./i18n.js";
import { nameOf } from "./manager-page.js";
import { fill, say } from "./manager-ui.js";
import { clockTime, elapsed } from "./time.js";

const NEW_MS = 15000; // how long a new alert stays highlighted
const KIND_CLASS = {
  long_wait: "red",
  slow_service: "orange",
  window_idle: "orange",
  window_paused: "orange",
  long_queue: "red",
  printer: "orange",
  bad_review: "red",
  help_call: "red",
  work_order_overdue: "red",
};

/** What the panel draws from: the open alerts, and names to show for services and points. */
export const alertState = {
  alerts: [],
  loaded: false, // the first draw highlights nothing: those alerts are not new to us
  fresh: new Map(), // id -> when it was first drawn (0: on the first draw)
  services: new Map(), // id -> service (for English messages)
  points: new Map(), // help point id -> name
  onError: (err) => say("error", err.message),
};

/** The alert's message: the server writes Chinese; in English we rebuild it from its data. */
function message(a) {
  if (lang() !== "en") return a.message;
  const d = a.data ?? {};
  const service = alertState.services.get(d.service);
  const params = {
    ...d,
    service: service ? pick(service) : d.service,
    point: alertState.points.get(d.point) ?? d.point,
    deadline: d.deadline === "call_back" ? "call back" : "fix",
  };
  const text = t(`alert.en.${a.kind}`, params);
  return text && !/\{\w+\}/.test(text) ? text : a.message;
}

async function step(a, action, button) {
  button.disabled = true;
  try {
    await act(`/api/alerts/${a.id}/${action}`);
    say("ok", t(action === "acknowledge" ? "dash.acked" : "dash.resolved"));
  } catch (err) {
    alertState.onError(err);
  } finally {
    button.disabled = false;
  }
}

function createItem() {
  const li = h("li", { class: "alert" });
  li.ackButton = h("button", { type: "button", class: "btn btn-small btn-primary act" }, "");
  li.resolveButton = h("button", { type: "button", class: "btn btn-small act" }, "");
  li.ackButton.addEventListener("click", () => step(li.alert, "acknowledge", li.ackButton));
  li.resolveButton.addEventListener("click", () => step(li.alert, "resolve", li.resolveButton));
  return li;
}

function orderLink(a) {
  const id = a.data?.work_order;
  if (!id) return null;
  return h("a", { class: "btn btn-small btn-quiet act", href: `/workorders?id=${id}` }, t("dash.open_order"));
}

function updateItem(li, a) {
  li.alert = a;
  const acked = a.acknowledged_at !== null && a.acknowledged_at !== undefined;
  const firstSeen = alertState.fresh.get(a.id);
  const isNew = firstSeen !== undefined && Date.now() - firstSeen < NEW_MS && !acked;
  li.className = `alert kind-${KIND_CLASS[a.kind] ?? "red"}${acked ? " is-acked" : ""}${isNew ? " is-new" : ""}`;
  li.dataset.id = a.id;
  li.dataset.kind = a.kind;
  li.ackButton.textContent = t("dash.ack");
  li.resolveButton.textContent = t("dash.resolve");
  fill(
    li,
    h(
      "div",
      { class: "alert-top" },
      h("span", { class: `pill alert-kind` }, t(`alert.${a.kind}`)),
      h(
        "span",
        { class: "alert-time" },
        t("dash.raised_at", { time: clockTime(a.raised_at) }),
        h("span", { class: "num", "data-since": a.raised_at }, elapsed(a.raised_at)),
      ),
    ),
    h("p", { class: "alert-message" }, message(a)),
    acked
      ? h(
          "p",
          { class: "alert-acked" },
          t("dash.acked_by", { name: nameOf(a.acknowledged_by), time: clockTime(a.acknowledged_at) }),
        )
      : null,
    h("div", { class: "alert-actions" }, acked ? null : li.ackButton, li.resolveButton, orderLink(a)),
  );
}

/** Unacknowledged first, then the newest. */
function ordered(alerts) {
  return [...alerts].sort((x, y) => {
    const ax = x.acknowledged_at ? 1 : 0;
    const ay = y.acknowledged_at ? 1 : 0;
    return ax - ay || y.raised_at - x.raised_at;
  });
}

export function drawAlerts() {
  const list = $("#alerts");
  const alerts = ordered(alertState.alerts);
  for (const a of alerts) {
    if (!alertState.fresh.has(a.id)) alertState.fresh.set(a.id, alertState.loaded ? Date.now() : 0);
  }
  alertState.loaded = true;
  if (!alerts.length) {
    list.replaceChildren(h("li", { class: "alert-none" }, t("dash.alerts_none")));
  } else {
    if (list.querySelector(".alert-none")) list.replaceChildren();
    syncKeyed(list, alerts, (a) => a.id, createItem, updateItem);
  }
  const open = alerts.filter((a) => !a.acknowledged_at).length;
  const badge = $("#alert-count");
  badge.textContent = String(alerts.length);
  badge.className = `pill ${open ? "pill-solid-red" : ""}`;
}

// -- sound ---------------------------------------------------------------------------------

/** A short two-tone beep through WebAudio; browsers allow it only after one click. */
export const sound = {
  context: null,
  on: false,

  /** Call from a click: unlocks audio, and rings once so the manager hears it works. */
  async enable() {
    const Context = globalThis.AudioContext ?? globalThis.webkitAudioContext;
    if (!Context) return false;
    this.context ??= new Context();
    await this.context.resume();
    this.on = this.context.state === "running";
    if (this.on) this.beep();
    return this.on;
  },

  disable() {
    this.on = false;
  },

  beep() {
    if (!this.on || !this.context) return;
    const c = this.context;
    const start = c.currentTime + 0.02;
    [880, 660, 880].forEach((freq, i) => {
      const osc = c.createOscillator();
      const gain = c.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      const at = start + i * 0.22;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
      osc.connect(gain).connect(c.destination);
      osc.start(at);
      osc.stop(at + 0.2);
    });
    document.body.dataset.beeps = String(Number(document.body.dataset.beeps ?? 0) + 1);
  },
};
