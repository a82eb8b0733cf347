// The admin page's services and windows (业务与窗口设置): the hall's services and windows as
// set up now, an edit dialog for each, adding a window, and the history of run-time changes.
// Administrators change them (takes effect at once on the server); managers see them.
import { request, uuid } from "./api.js";
import "./admin-texts.js";
import { $, h } from "./dom.js";
import { pick, t, windowName } from "./i18n.js";
import { can, handleError, nameOf, session } from "./manager-page.js";
import { DASH, field, fill, formDialog, say } from "./manager-ui.js";
import { dateTime } from "./time.js";

const KINDS = ["general", "dedicated", "coordination"];
const HOURS_EXAMPLE = "mon-fri 09:00-12:00";

const setup = { services: [], windows: [], changes: [], loaded: false };
let afterChange = () => {};

const isAdmin = () => can(session.user, "admin");

const serviceById = (id) => setup.services.find((s) => s.id === id);
const serviceName = (id) => {
  const s = serviceById(id);
  return s ? pick(s) : id;
};
const kindName = (kind) => (KINDS.includes(kind) ? t(`set.kind_${kind}`) : kind);

/** One change to the set-up: a PUT with a fresh Idempotency-Key; answers the new set-up. */
async function put(path, body) {
  const next = await request("PUT", path, { body, key: uuid() });
  take(next);
  draw();
  afterChange();
}

function take(data) {
  setup.services = data.services ?? [];
  setup.windows = data.windows ?? [];
  setup.changes = data.changes ?? [];
  setup.loaded = true;
}

// -- tables --------------------------------------------------------------------------------

function headRow(keys) {
  return h(
    "thead",
    {},
    h(
      "tr",
      {},
      keys.filter(Boolean).map((k) => h("th", { class: k.endsWith("_n") ? "n" : null }, t(k))),
    ),
  );
}

function editButton(label, onclick) {
  return h("td", {}, h("button", { type: "button", class: "btn btn-small", onclick }, label));
}

function drawServices() {
  const admin = isAdmin();
  const head = headRow([
    "set.col_prefix",
    "set.col_service",
    "set.col_cap_n",
    "set.col_hours",
    "set.col_standard_n",
    "set.col_alert_n",
    admin ? "adm.col_actions" : null,
  ]);
  const rows = setup.services.map((s) =>
    h(
      "tr",
      { dataset: { service: s.id } },
      h("td", { class: "num" }, s.prefix),
      h("td", {}, h("b", {}, pick(s)), h("br"), h("small", { class: "field-hint" }, s.id)),
      h("td", { class: "n", dataset: { field: "cap" } }, s.daily_cap ?? t("set.no_cap")),
      h(
        "td",
        { dataset: { field: "hours" } },
        // Shown in the reader's language; the editor keeps the hall file's own form.
        s.hours.length
          ? pick(s, "hours_shown").map((line, i) => [i ? h("br") : null, line])
          : t("set.always_open"),
      ),
      h("td", { class: "n" }, t("mgr.minutes", { n: s.standard_minutes })),
      h("td", { class: "n" }, t("mgr.minutes", { n: s.wait_alert_minutes })),
      admin ? editButton(t("set.edit"), () => editService(s)) : null,
    ),
  );
  fill($("#setup-services"), head, h("tbody", {}, rows));
}

function drawWindows() {
  const admin = isAdmin();
  const head = headRow([
    "set.col_number",
    "set.col_window_name",
    "set.col_kind",
    "set.col_serves",
    admin ? "adm.col_actions" : null,
  ]);
  const rows = setup.windows.map((w) =>
    h(
      "tr",
      { dataset: { window: w.number } },
      h("td", { class: "num" }, t("mgr.window_n", { n: w.number })),
      h("td", {}, windowName(w) || h("span", { class: "field-hint" }, DASH)),
      h("td", {}, h("span", { class: "pill pill-blue" }, kindName(w.kind))),
      h(
        "td",
        { dataset: { field: "services" } },
        h(
          "ol",
          { class: "set-order" },
          w.services.map((id) => h("li", {}, serviceName(id))),
        ),
      ),
      admin ? editButton(t("set.edit"), () => editWindow(w)) : null,
    ),
  );
  fill($("#setup-windows"), head, h("tbody", {}, rows));
}

const FIELD_KEYS = {
  name: "set.f_name",
  name_en: "set.f_name_en",
  daily_cap: "set.f_cap",
  hours: "set.f_hours",
  standard_minutes: "set.f_standard",
  wait_alert_minutes: "set.f_alert",
  services: "set.f_services",
  kind: "set.f_kind",
};

function fieldValue(name, value) {
  if (value === null) return t("set.back_to_default");
  if (name === "services" && Array.isArray(value)) return value.map(serviceName).join(" › ");
  if (name === "kind") return kindName(value);
  if (Array.isArray(value)) return value.length ? value.join("; ") : t("set.always_open");
  return String(value);
}

function drawChanges() {
  const head = headRow(["set.col_when", "set.col_who", "set.col_what", "set.col_fields"]);
  const rows = setup.changes.length
    ? setup.changes.map((c) =>
        h(
          "tr",
          { dataset: { change: c.id } },
          h("td", { class: "num" }, dateTime(c.at)),
          h("td", {}, nameOf(c.by)),
          h(
            "td",
            {},
            c.kind === "window"
              ? t("mgr.window_n", { n: c.key })
              : t("set.service_x", { name: serviceName(c.key) }),
          ),
          h(
            "td",
            {},
            Object.entries(c.fields).map(([name, value], i) => [
              i ? h("br") : null,
              h("small", { class: "field-hint" }, `${FIELD_KEYS[name] ? t(FIELD_KEYS[name]) : name}: `),
              fieldValue(name, value),
            ]),
          ),
        ),
      )
    : [h("tr", {}, h("td", { colspan: 4, class: "empty" }, t("set.no_changes")))];
  fill($("#setup-changes"), head, h("tbody", {}, rows));
}

/** Draw the section from what was loaded last (also after a language switch). */
export function draw() {
  $("#setup-view-only").hidden = isAdmin();
  $("#setup-add-window").hidden = !isAdmin();
  if (!setup.loaded) return;
  drawServices();
  drawWindows();
  drawChanges();
}

export async function load() {
  try {
    take(await request("GET", "/api/setup"));
    draw();
  } catch (err) {
    handleError(err);
  }
}

/** `fn` runs after every saved change (the page refreshes what depends on windows). */
export function onChange(fn) {
  afterChange = fn;
}

// -- dialogs -------------------------------------------------------------------------------

function textInput(name, value, attrs = {}) {
  return h("input", { name, value: value ?? "", maxlength: 40, autocomplete: "off", ...attrs });
}

function numberInput(name, value, attrs = {}) {
  return h("input", { name, type: "number", value: value ?? "", inputmode: "decimal", ...attrs });
}

/** Opening hours as editable lines in the hall file's form, one span a line. */
function hoursEditor(lines) {
  const list = h("div", { class: "set-hours" });
  const addLine = (value = "") => {
    const input = h("input", {
      name: "hours",
      value,
      placeholder: HOURS_EXAMPLE,
      autocomplete: "off",
      spellcheck: "false",
      "aria-label": t("set.f_hours"),
    });
    const row = h(
      "div",
      { class: "set-line" },
      input,
      h(
        "button",
        {
          type: "button",
          class: "btn btn-small btn-quiet",
          "aria-label": t("set.remove_line"),
          title: t("set.remove_line"),
          onclick: () => row.remove(),
        },
        "✕",
      ),
    );
    list.append(row);
    return input;
  };
  for (const line of lines) addLine(line);
  const add = h(
    "button",
    { type: "button", class: "btn btn-small set-add-line", onclick: () => addLine().focus() },
    t("set.add_line"),
  );
  const values = () => [...list.querySelectorAll("input")].map((i) => i.value.trim()).filter(Boolean);
  return { element: [list, add], values };
}

const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A number field's value: "" -> null (the hall file's default), else a number. */
function numberOf(input) {
  const text = input.value.trim();
  return text === "" ? null : Number(text);
}

function editService(s) {
  const name = textInput("name", s.name, { required: true });
  const nameEn = textInput("name_en", s.name_en, { lang: "en" });
  const cap = numberInput("daily_cap", s.daily_cap, { min: 1, step: 1 });
  const hours = hoursEditor(s.hours);
  const standard = numberInput("standard_minutes", s.standard_minutes, { min: 0.5, step: "any" });
  const alert = numberInput("wait_alert_minutes", s.wait_alert_minutes, { min: 0.05, step: "any" });
  formDialog({
    title: t("set.service_title", { name: pick(s) }),
    wide: true,
    body: [
      h("div", { class: "set-pair" }, field("set.f_name", name), field("set.f_name_en", nameEn, { optional: true })),
      field("set.f_cap", cap, { hint: t("set.cap_hint") }),
      h(
        "div",
        { class: "field" },
        h("span", { class: "field-label" }, t("set.f_hours")),
        h("small", { class: "field-hint" }, t("set.hours_hint", { example: HOURS_EXAMPLE })),
        hours.element,
      ),
      h(
        "div",
        { class: "set-pair" },
        field("set.f_standard", standard, { hint: t("set.standard_hint") }),
        field("set.f_alert", alert, { hint: t("set.alert_hint") }),
      ),
    ],
    submitText: t("mgr.save"),
    onSubmit: async () => {
      const body = {};
      if (name.value.trim() !== s.name) body.name = name.value.trim();
      if (nameEn.value.trim() !== (s.name_en ?? "")) body.name_en = nameEn.value.trim() || null;
      if (numberOf(cap) !== (s.daily_cap ?? null)) body.daily_cap = numberOf(cap);
      const lines = hours.values();
      if (!sameList(lines, s.hours)) body.hours = lines.length ? lines : null;
      if (numberOf(standard) !== s.standard_minutes) body.standard_minutes = numberOf(standard);
      if (numberOf(alert) !== s.wait_alert_minutes) body.wait_alert_minutes = numberOf(alert);
      if (!Object.keys(body).length) return;
      await put(`/api/setup/services/${encodeURIComponent(s.id)}`, body);
      say("ok", t("set.service_saved", { name: serviceName(s.id) }));
    },
  });
}

/** The services a window serves: every service with a checkbox, in order of preference. */
function serviceChecklist(chosen) {
  const order = [...chosen, ...setup.services.map((s) => s.id).filter((id) => !chosen.includes(id))];
  const list = h("ol", { class: "set-checklist dlg-list" });
  const move = (row, step) => {
    if (step < 0 && row.previousElementSibling) list.insertBefore(row, row.previousElementSibling);
    if (step > 0 && row.nextElementSibling) list.insertBefore(row.nextElementSibling, row);
    renumber();
  };
  const renumber = () => {
    const rows = [...list.children];
    rows.forEach((row, i) => {
      row.querySelector("[data-move=up]").disabled = i === 0;
      row.querySelector("[data-move=down]").disabled = i === rows.length - 1;
    });
  };
  for (const id of order) {
    const name = serviceName(id);
    const row = h(
      "li",
      { dataset: { service: id } },
      h(
        "label",
        {},
        h("input", { type: "checkbox", name: "services", value: id, checked: chosen.includes(id) }),
        h("span", {}, name),
        h("small", { class: "field-hint" }, id),
      ),
      h(
        "span",
        { class: "btn-row" },
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small btn-quiet",
            dataset: { move: "up" },
            "aria-label": t("set.move_up", { name }),
            title: t("set.move_up", { name }),
            onclick: () => move(row, -1),
          },
          "▲",
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small btn-quiet",
            dataset: { move: "down" },
            "aria-label": t("set.move_down", { name }),
            title: t("set.move_down", { name }),
            onclick: () => move(row, 1),
          },
          "▼",
        ),
      ),
    );
    list.append(row);
  }
  renumber();
  const values = () => [...list.querySelectorAll("input[type=checkbox]:checked")].map((c) => c.value);
  return { element: list, values };
}

function editWindow(w) {
  const adding = !w;
  const nextNumber = Math.max(0, ...setup.windows.map((x) => x.number)) + 1;
  const number = numberInput("number", adding ? nextNumber : w.number, { min: 1, step: 1, required: true });
  const name = textInput("name", adding ? "" : w.name);
  const nameEn = textInput("name_en", adding ? "" : w.name_en, { lang: "en" });
  const kind = h(
    "select",
    { name: "kind" },
    KINDS.map((k) => h("option", { value: k, selected: (w?.kind ?? "general") === k }, kindName(k))),
  );
  const services = serviceChecklist(adding ? [] : w.services);
  formDialog({
    title: adding ? t("set.add_window") : t("set.window_title", { n: w.number }),
    wide: true,
    body: [
      adding ? field("set.col_number", number) : null,
      h(
        "div",
        { class: "set-pair" },
        field("set.f_name", name, { optional: true }),
        field("set.f_name_en", nameEn, { optional: true }),
      ),
      field("set.f_kind", kind),
      h(
        "div",
        { class: "field" },
        h("span", { class: "field-label" }, t("set.f_services")),
        h("small", { class: "field-hint" }, t("set.services_hint")),
        services.element,
      ),
    ].filter(Boolean),
    submitText: adding ? t("set.add_window_go") : t("mgr.save"),
    onSubmit: async () => {
      const chosen = services.values();
      const body = {};
      let n = w?.number;
      if (adding) {
        n = Number(number.value);
        if (!Number.isInteger(n) || n < 1) throw new Error(t("set.bad_number"));
        if (setup.windows.some((x) => x.number === n)) throw new Error(t("set.number_taken", { n }));
        body.services = chosen;
        body.kind = kind.value;
        if (name.value.trim()) body.name = name.value.trim();
        if (nameEn.value.trim()) body.name_en = nameEn.value.trim();
      } else {
        if (name.value.trim() !== w.name) body.name = name.value.trim() || null;
        if (nameEn.value.trim() !== (w.name_en ?? "")) body.name_en = nameEn.value.trim() || null;
        if (kind.value !== w.kind) body.kind = kind.value;
        if (!sameList(chosen, w.services)) body.services = chosen;
        if (!Object.keys(body).length) return;
      }
      await put(`/api/setup/windows/${n}`, body);
      say("ok", t(adding ? "set.window_added" : "set.window_saved", { n }));
    },
  });
}

$("#setup-add-window").addEventListener("click", () => editWindow(null));
