// Drawing work orders: a list item per order, and an order's details (the review, who
// served, the deadlines with what is late in red, every step with who and when).
import { h } from "./dom.js";
import { pick, t } from "./i18n.js";
import { nameOf, session } from "./manager-page.js";
import { DASH } from "./manager-ui.js";
import { clockTime, dateTime } from "./time.js";

export const levelName = (level) => t(`wo.level.${level}`);

/** A service's or department's name in the current language, from the hall's own data. */
function serviceName(id, fallback) {
  const s = session.snapshot?.services?.find((x) => x.id === id);
  return s ? pick(s) : fallback;
}

function departmentName(id, fallback) {
  const s = session.snapshot?.services?.find((x) => x.department === id);
  return s ? pick(s, "department_name") : fallback;
}
export const statusName = (status) => t(`wo.status.${status}`);

const STATUS_PILL = {
  opened: "pill-solid-red",
  appealed: "pill-orange",
  rectifying: "pill-orange",
  closed: "",
};

export function statusPill(order) {
  return h("span", { class: `pill wo-status ${STATUS_PILL[order.status] ?? "pill-blue"}` }, statusName(order.status));
}

function overduePills(order) {
  return (order.overdue ?? []).map((late) => h("span", { class: "pill pill-solid-red" }, t(`wo.overdue_${late}`)));
}

/** The next deadline the order is working to, for the list. */
function nextDeadline(order) {
  if (order.status === "closed") return null;
  if (!order.called_back_at) return t("wo.callback_due_short", { time: dateTime(order.callback_due) });
  if (!order.rectified_at) return t("wo.fix_due_short", { time: dateTime(order.plan_due ?? order.fix_due) });
  return null;
}

export function listItem(order, selected, onPick) {
  const late = (order.overdue ?? []).length > 0;
  const deadline = nextDeadline(order);
  return h(
    "li",
    {},
    h(
      "button",
      {
        type: "button",
        class: `wo-item ${order.status === "closed" ? "is-closed" : ""}`,
        "aria-current": selected ? "true" : "false",
        dataset: { order: order.id },
        onclick: () => onPick(order.id),
      },
      h(
        "div",
        { class: "wo-item-top" },
        h("span", { class: "wo-item-num num" }, order.ticket_number),
        h("span", { class: "level-bad" }, levelName(order.level)),
        statusPill(order),
        ...overduePills(order),
      ),
      h(
        "div",
        { class: "wo-item-meta" },
        t("wo.order_n", { id: order.id }),
        " · ",
        order.staff_name || order.staff || DASH,
        " · ",
        departmentName(order.department_id, order.department_name),
      ),
      deadline ? h("div", { class: `wo-item-meta ${late ? "late" : ""}` }, deadline) : null,
    ),
  );
}

function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs
      .filter(([, value]) => value !== null && value !== undefined && value !== "")
      .map(([key, value, cls]) => h("div", { class: cls ?? "" }, h("dt", {}, t(key)), h("dd", {}, value))),
  );
}

function review(order) {
  const e = order.evaluation;
  const applicant = e
    ? [e.applicant_name, e.applicant_id_number, e.applicant_phone].filter(Boolean).join(" · ") || t("wo.anonymous")
    : null;
  return h(
    "section",
    { class: "card" },
    h("h2", {}, t("wo.review")),
    facts([
      ["wo.f_number", order.ticket_number],
      [
        "wo.f_level",
        h("span", { class: "level-bad" }, t("wo.level_with", { name: levelName(order.level), n: order.level })),
      ],
      ["wo.f_reason", order.reason],
      ["wo.f_service", e ? serviceName(e.service_id, e.service_name) : null],
      ["wo.f_department", departmentName(order.department_id, order.department_name)],
      ["wo.f_window", e?.window ? t("mgr.window_n", { n: e.window }) : null],
      ["wo.f_staff", order.staff_name || order.staff],
      ["wo.f_channel", e ? t(`wo.channel.${e.channel}`) : null],
      [
        "wo.f_served",
        e?.started_at ? t("wo.served_span", { from: dateTime(e.started_at), to: clockTime(e.finished_at) }) : null,
      ],
      ["wo.f_rated_at", e ? dateTime(e.rated_at) : null],
      ["wo.f_applicant", applicant],
    ]),
    order.comment ? h("blockquote", { class: "review-quote" }, order.comment) : null,
  );
}

function deadline(dueKey, due, doneAt, late) {
  if (doneAt) {
    return [
      dueKey,
      h("span", {}, dateTime(due), h("small", { class: "done-note" }, t("wo.done_on", { time: dateTime(doneAt) }))),
    ];
  }
  return [dueKey, h("span", { class: late ? "late" : "" }, dateTime(due), late ? ` · ${t(`wo.overdue_${late}`)}` : "")];
}

function deadlines(order) {
  const late = new Set(order.overdue ?? []);
  return h(
    "section",
    { class: "card" },
    h("h2", {}, t("wo.deadlines")),
    facts([
      ["wo.f_opened", dateTime(order.opened_at)],
      deadline(
        "wo.f_callback_due",
        order.callback_due,
        order.called_back_at,
        late.has("call_back") ? "call_back" : null,
      ),
      deadline("wo.f_fix_due", order.plan_due ?? order.fix_due, order.rectified_at, late.has("fix") ? "fix" : null),
      ["wo.f_told", order.told_at ? dateTime(order.told_at) : null],
      ["wo.f_closed", order.closed_at ? dateTime(order.closed_at) : null],
    ]),
    order.deadlines_estimated ? h("p", { class: "field-hint" }, t("wo.estimated")) : null,
  );
}

/** A step's chosen value in words: a contact result, satisfaction, appeal ground or date. */
function valueText(step) {
  const v = step.value;
  if (!v) return null;
  const kinds = {
    call_back: "wo.contact",
    call_attempt: "wo.contact",
    record_satisfaction: "wo.satisfaction",
    appeal: "wo.ground",
  };
  return kinds[step.action] ? t(`${kinds[step.action]}.${v}`) : v;
}

function steps(order) {
  return h(
    "section",
    { class: "card" },
    h("h2", {}, t("wo.steps")),
    h(
      "ol",
      { class: "steps" },
      order.steps.map((s) =>
        h(
          "li",
          { dataset: { action: s.action } },
          h(
            "div",
            { class: "step-head" },
            h("span", { class: "step-action" }, t(`wo.action.${s.action}`)),
            valueText(s) ? h("span", { class: "pill pill-blue" }, valueText(s)) : null,
            h("span", { class: "step-meta" }, t("wo.step_by", { name: nameOf(s.by), time: dateTime(s.at) })),
          ),
          s.note ? h("p", { class: "step-note" }, s.note) : null,
        ),
      ),
    ),
  );
}

/** The whole detail view; `forms` are the next steps' forms (workorders-steps.js). */
export function detail(order, forms, staffOnly) {
  return [
    h(
      "div",
      { class: "wo-title" },
      h("h1", {}, t("wo.order_n", { id: order.id })),
      statusPill(order),
      ...overduePills(order),
    ),
    review(order),
    deadlines(order),
    steps(order),
    h(
      "section",
      { class: "card" },
      h("h2", {}, t("wo.next")),
      staffOnly ? h("p", { class: "note" }, t("wo.staff_only_appeal")) : null,
      forms.length
        ? h("div", { class: "next-steps" }, forms)
        : h("p", { class: "empty" }, order.status === "closed" ? t("wo.no_next") : DASH),
    ),
  ];
}
