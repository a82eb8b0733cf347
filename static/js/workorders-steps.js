// The next steps of a work order, as forms: which steps its state allows (mirroring
// hall/workorders.py; the server has the last word), who may take them, and what each asks.
import { act } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { can, session } from "./manager-page.js";
import { field, limitedText } from "./manager-ui.js";
import { serverNow } from "./time.js";

const NOTE_MAX = 1000; // the server takes notes up to 1000 characters

/** Which steps each state allows. */
const NEXT = {
  opened: ["call-back", "appeal"],
  called_back: ["fix-now", "plan-fix", "explain", "appeal"],
  rectifying: ["complete-fix", "appeal"],
  rectified: ["tell", "appeal"],
  explained: ["tell", "appeal"],
  told: ["satisfaction", "close"],
  rated: ["close"],
  appealed: ["review-appeal"],
  closed: [],
};

const HINTS = {
  "call-back": "wo.hint_call_back",
  "plan-fix": "wo.hint_plan_fix",
  explain: "wo.hint_explain",
  tell: "wo.hint_tell",
  close: "wo.hint_close",
  appeal: "wo.hint_appeal",
};

/** The steps `user` may take on `order` now. */
export function nextSteps(order, user) {
  let steps = NEXT[order.status] ?? [];
  if (order.appeal_accepted === false) steps = steps.filter((s) => s !== "appeal"); // once
  if (!can(user, "manager")) steps = steps.filter((s) => s === "appeal" && order.staff === user.username);
  return steps;
}

function radios(name, values, textKey, { first = true } = {}) {
  return h(
    "div",
    { class: "choices", role: "radiogroup" },
    values.map((v, i) =>
      h(
        "label",
        {},
        h("input", { type: "radio", name, value: v, required: true, checked: first && i === 0 }),
        t(`${textKey}.${v}`),
      ),
    ),
  );
}

function note(required) {
  const [area, left] = limitedText("note", NOTE_MAX, { rows: 2, required });
  return [field(required ? "wo.note_required" : "wo.note", area), left];
}

/** "2026-10-13": a day in the hall's time zone. */
function hallDay(epochSeconds) {
  const tz = session.hall?.timezone ?? "Asia/Shanghai";
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(epochSeconds * 1000),
  );
}

/** The fields each step asks for. */
function fields(step, order) {
  switch (step) {
    case "call-back":
      return [
        field("wo.result", radios("result", ["reached", "no_answer", "declined", "no_contact"], "wo.contact")),
        ...note(false),
      ];
    case "fix-now":
    case "complete-fix":
    case "explain":
      return note(true);
    case "plan-fix": {
      const [plan, left] = limitedText("plan", NOTE_MAX, { rows: 2, required: true });
      const limit = hallDay(order.fix_due);
      const due = h("input", { type: "date", name: "due", min: hallDay(serverNow() / 1000), max: limit, value: limit });
      return [
        field("wo.plan", plan),
        left,
        h("label", { class: "field" }, h("span", {}, t("wo.due", { day: limit })), due),
      ];
    }
    case "tell":
    case "close":
      return note(false);
    case "satisfaction":
      return [
        field(
          "wo.satisfaction_label",
          radios("satisfaction", ["satisfied", "basic", "dissatisfied"], "wo.satisfaction"),
        ),
        ...note(false),
      ];
    case "appeal":
      return [field("wo.ground", radios("ground", ["mistaken", "malicious"], "wo.ground")), ...note(true)];
    case "review-appeal": {
      const me = session.user?.username;
      const conflict = me === order.staff || me === order.appeal_by;
      return [
        field(
          "wo.decision",
          h(
            "div",
            { class: "choices", role: "radiogroup" },
            h(
              "label",
              {},
              h("input", { type: "radio", name: "accepted", value: "true", required: true }),
              t("wo.accept"),
            ),
            h(
              "label",
              {},
              h("input", { type: "radio", name: "accepted", value: "false", required: true }),
              t("wo.reject"),
            ),
          ),
        ),
        ...note(true),
        conflict ? h("p", { class: "field-hint late" }, t("wo.no_self_review")) : null,
      ];
    }
    default:
      return [];
  }
}

/** The request body from a step's form: empty fields are left out (the server refuses ""). */
function body(form) {
  const out = {};
  for (const [name, value] of new FormData(form)) {
    const v = String(value).trim();
    if (!v) continue;
    out[name] = name === "accepted" ? v === "true" : v;
  }
  return out;
}

/** One form per step allowed now; `done(order)` runs with the order after a step. */
export function stepForms(order, user, done, fail) {
  return nextSteps(order, user).map((step) => {
    const submit = h("button", { type: "submit", class: `btn ${step === "appeal" ? "" : "btn-primary"}` }, t("wo.go"));
    const form = h(
      "form",
      { class: `step-form ${step === "appeal" || step === "review-appeal" ? "is-appeal" : ""}`, dataset: { step } },
      h("h3", {}, t(`wo.step.${step}`)),
      HINTS[step] ? h("p", { class: "field-hint" }, t(HINTS[step])) : null,
      ...fields(step, order),
      h("div", { class: "step-form-foot" }, submit),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (submit.disabled) return;
      submit.disabled = true;
      try {
        const updated = await act(`/api/work-orders/${order.id}/${step}`, body(form));
        done(updated, step);
      } catch (err) {
        fail(err);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  });
}
