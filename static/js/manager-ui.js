// Small pieces every manager page uses: the message line, figures as text, a form dialog
// and file downloads. Hall data always goes in as text (dom.js h()), never as HTML.
import { ApiError, getFile } from "./api.js";
import { $, h } from "./dom.js";
import { t, translate } from "./i18n.js";
import "./texts-manager.js";

const MESSAGE_MS = { ok: 6000, info: 8000, error: 15000 };
let msgTimer = null;

/** Show a short message under the header (ok, info or error). */
export function say(kind, text) {
  const el = $("#msg");
  if (!el) return;
  el.className = `msg msg-${kind}`;
  el.textContent = text;
  el.hidden = false;
  clearTimeout(msgTimer);
  msgTimer = setTimeout(() => {
    el.hidden = true;
  }, MESSAGE_MS[kind] ?? 8000);
}

export function clearMessage() {
  const el = $("#msg");
  if (el) el.hidden = true;
}

export const DASH = "—";

/** 0.625 -> "62.5%"; nothing to divide by -> "—" (never 0% or 100%). */
export function pct(rate) {
  if (rate === null || rate === undefined) return DASH;
  return `${Number((rate * 100).toFixed(1))}%`;
}

/** A number of minutes with one decimal, or "—". */
export function minutes(m) {
  if (m === null || m === undefined) return DASH;
  return t("mgr.minutes", { n: Number(m.toFixed(1)) });
}

/** Seconds as "3分12秒" / "3 min 12 s", or "—". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return DASH;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t("mgr.seconds", { n: s });
  if (s < 3600) return t("mgr.min_sec", { m: Math.floor(s / 60), s: s % 60 });
  return t("mgr.hours_min", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/** A count, or "—" when there is none to show. */
export const count = (n) => (n === null || n === undefined ? DASH : String(n));

export const roleName = (role) => (role ? t(`mgr.role_${role}`) : DASH);

/** A labelled form field: <label><span>text</span>control</label>. */
export function field(labelKey, control, { optional = false, hint = null } = {}) {
  return h(
    "label",
    { class: "field" },
    h("span", { class: "field-label" }, t(labelKey), optional ? h("small", {}, t("mgr.optional")) : null),
    control,
    hint ? h("small", { class: "field-hint" }, hint) : null,
  );
}

/** A textarea (or input) with a live "N characters left" line under it. */
export function limitedText(name, max, { rows = 3, value = "", required = false, input = false } = {}) {
  const control = input
    ? h("input", { name, maxlength: max, value, required, autocomplete: "off" })
    : h("textarea", { name, maxlength: max, rows, required });
  if (!input) control.value = value;
  const left = h("small", { class: "field-hint" });
  const update = () => {
    left.textContent = t("mgr.chars_left", { n: max - control.value.length });
  };
  control.addEventListener("input", update);
  update();
  return [control, left];
}

/**
 * A modal form. `onSubmit(form)` runs on submit; what it throws (an ApiError's message) is
 * shown inside the dialog and the form stays open; when it returns, the dialog closes.
 */
export function formDialog({ title, body, submitText, onSubmit, wide = false, danger = false }) {
  const error = h("p", { class: "dlg-error", role: "alert", hidden: true });
  const submit = h(
    "button",
    { type: "submit", class: `btn ${danger ? "btn-danger" : "btn-primary"}` },
    submitText ?? t("mgr.confirm"),
  );
  const form = h(
    "form",
    { class: "dlg-form" },
    h("h2", {}, title),
    ...body,
    error,
    h(
      "div",
      { class: "dlg-foot" },
      h("button", { type: "button", class: "btn btn-quiet", "data-close": true }, t("mgr.cancel")),
      submit,
    ),
  );
  const dialog = h("dialog", { class: `dlg ${wide ? "dlg-wide" : ""}` }, form);
  const close = () => dialog.close();
  form.querySelector("[data-close]").addEventListener("click", close);
  dialog.addEventListener("close", () => dialog.remove());
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    error.hidden = true;
    try {
      await onSubmit(form);
      close();
    } catch (err) {
      error.textContent = err instanceof ApiError || err?.message ? err.message : String(err);
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  document.body.append(dialog);
  translate(dialog);
  dialog.showModal();
  form.querySelector("input:not([type=hidden]):not([type=radio]), textarea, select, button[type=submit]")?.focus();
  return dialog;
}

/** Download a file the server makes (an export): errors come back as messages, not files. */
export async function download(url, fallbackName = "export") {
  const { blob, name } = await getFile(url, fallbackName);
  const link = h("a", { href: URL.createObjectURL(blob), download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  return name;
}

/** "2026-11-28" for a Date holding a calendar day in UTC. */
export const isoDay = (d) => d.toISOString().slice(0, 10);

/** A calendar day string as a UTC Date (date arithmetic without time zones). */
export const dayDate = (s) => new Date(`${s}T00:00:00Z`);

/** replaceChildren without the null and false that conditional children leave behind. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}
