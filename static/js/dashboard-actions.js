// What a manager does from the dashboard: stop or restart tickets for a service (with a
// message for the kiosk), set the hall screens' notice, message a window, move a waiting
// ticket to another service. Each is one request with its own Idempotency-Key.
import { act, get, request, uuid } from "./api.js";
import { h } from "./dom.js";
import { pick, t } from "./i18n.js";
import { field, formDialog, limitedText, say } from "./manager-ui.js";
import { clockTime, minutesSince } from "./time.js";
import { view } from "./dashboard-view.js";

const PRESETS = ["dash.preset_full", "dash.preset_maintenance", "dash.preset_afternoon"];
const MESSAGE_MAX = 200;

export function closeService(s) {
  const [input, left] = limitedText("message", MESSAGE_MAX, { input: true });
  const presets = PRESETS.map((key) =>
    h(
      "button",
      {
        type: "button",
        class: "btn btn-small btn-quiet",
        onclick: () => {
          input.value = t(key);
          input.dispatchEvent(new Event("input"));
          input.focus();
        },
      },
      t(key),
    ),
  );
  formDialog({
    title: t("dash.close_title", { service: pick(s) }),
    body: [
      field("dash.close_label", input, { hint: null }),
      left,
      h("p", { class: "field-label" }, t("dash.close_presets")),
      h("div", { class: "btn-row" }, ...presets),
    ],
    submitText: t("dash.close_go"),
    danger: true,
    onSubmit: async () => {
      const message = input.value.trim();
      await act(`/api/services/${s.id}/open`, message ? { open: false, message } : { open: false });
      say("ok", t("dash.closed_done", { service: pick(s) }));
    },
  });
}

export async function openService(s) {
  try {
    await act(`/api/services/${s.id}/open`, { open: true });
    say("ok", t("dash.opened_done", { service: pick(s) }));
  } catch (err) {
    say("error", err.message);
  }
}

export function editNotice() {
  const [text, left] = limitedText("notice", MESSAGE_MAX, { rows: 3, value: view.notice });
  formDialog({
    title: t("dash.notice_title"),
    body: [field("dash.notice_label", text), left],
    submitText: t("mgr.save"),
    onSubmit: async () => {
      await request("PUT", "/api/notice", { body: { text: text.value.trim() }, key: uuid() });
      say("ok", t("dash.notice_saved"));
    },
  });
}

export function messageWindow(w) {
  const name = t("mgr.window_n", { n: w.number });
  const [text, left] = limitedText("text", MESSAGE_MAX, { rows: 3, required: true });
  formDialog({
    title: t("dash.message_title", { window: name }),
    body: [field("dash.message_label", text), left],
    submitText: t("mgr.send"),
    onSubmit: async () => {
      await act(`/api/windows/${w.number}/message`, { text: text.value.trim() });
      say("ok", t("dash.message_sent", { window: name }));
    },
  });
}

/** The tickets waiting for a service, in call order, read through a window that serves it. */
async function waitingFor(s) {
  const w = view.data.windows.find((x) => x.services.includes(s.id));
  if (!w) return null;
  const { tickets } = await get(`/api/windows/${w.number}/waiting`);
  return tickets.filter((x) => x.service === s.id);
}

function radio(name, value, label, { disabled = false, checked = false } = {}) {
  return h(
    "label",
    {},
    h("input", { type: "radio", name, value, disabled, checked, required: true }),
    ...[label].flat(),
  );
}

export async function moveTicket(s) {
  let tickets;
  try {
    tickets = await waitingFor(s);
  } catch (err) {
    say("error", err.message);
    return;
  }
  if (tickets === null) {
    say("info", t("dash.move_no_window"));
    return;
  }
  if (!tickets.length) {
    say("info", t("dash.move_nothing"));
    return;
  }
  const ticketChoices = h(
    "div",
    { class: "pick-grid dlg-list", role: "radiogroup" },
    tickets.map((x, i) =>
      radio(
        "ticket",
        x.id,
        [
          h("b", { class: "num" }, x.number),
          h("small", {}, t("dash.taken_waited", { time: clockTime(x.taken_at), m: minutesSince(x.taken_at) })),
        ],
        { checked: i === 0 },
      ),
    ),
  );
  const targets = view.data.services.filter((x) => x.id !== s.id);
  const serviceChoices = h(
    "div",
    { class: "pick-grid", role: "radiogroup" },
    targets.map((x) =>
      radio("service", x.id, [
        h("b", {}, x.prefix),
        " ",
        pick(x),
        x.open ? null : h("small", {}, t("dash.service_closed_mark")),
      ]),
    ),
  );
  formDialog({
    title: t("dash.move_title", { service: pick(s) }),
    wide: true,
    body: [
      h("p", { class: "field-label" }, t("dash.move_pick_ticket")),
      ticketChoices,
      h("p", { class: "field-label" }, t("dash.move_pick_service")),
      serviceChoices,
      h("p", { class: "field-hint" }, t("dash.move_keeps_time")),
    ],
    submitText: t("dash.move_go"),
    onSubmit: async (form) => {
      const data = new FormData(form);
      const id = data.get("ticket");
      const to = data.get("service");
      if (!id || !to) throw new Error(t("dash.move_need_both"));
      const res = await act(`/api/tickets/${id}/move`, { service: to });
      const target = targets.find((x) => x.id === to);
      say("ok", t("dash.move_done", { number: res.ticket.number, service: pick(target) }));
    },
  });
}
