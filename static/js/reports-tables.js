// The reports page's tables: the summary figures, the queue report, the 好差评 figures and
// the help calls. Group names are drawn here from the hall's own data where we have it, so
// they follow the language switch; the server's label is the fallback.
import { $, h } from "./dom.js";
import { lang, pick, t, windowName } from "./i18n.js";
import { DASH, duration, fill, pct } from "./manager-ui.js";
import { nameOf, session } from "./manager-page.js";
import { dateTime } from "./time.js";

export const QUEUE_BY = ["hour", "day", "service", "department", "window", "staff"];
export const RATINGS_BY = ["hall", "day", "window", "staff", "service", "department"];

const minutesCell = (m) => (m === null || m === undefined ? DASH : Number(m.toFixed(1)).toString());
const wholeCell = (m) => (m === null || m === undefined ? DASH : String(m));

/** A group's name in the current language. */
export function groupLabel(by, key, label) {
  const snap = session.snapshot;
  if (by === "hall") return t("rep.total");
  if (by === "hour") return `${key}:00-${String(Number(key) + 1).padStart(2, "0")}:00`;
  if (by === "day") {
    const day = new Date(`${key}T00:00:00Z`);
    if (Number.isNaN(day.getTime())) return label;
    const weekday = new Intl.DateTimeFormat(lang() === "en" ? "en-GB" : "zh-CN", {
      weekday: "short",
      timeZone: "UTC",
    }).format(day);
    return `${key}（${weekday}）`;
  }
  if (by === "service") {
    const s = snap?.services?.find((x) => x.id === key);
    return s ? pick(s) : label;
  }
  if (by === "department") {
    const s = snap?.services?.find((x) => x.department === key);
    return s ? pick(s, "department_name") : label;
  }
  if (by === "window") {
    if (key === "") return t("rep.no_window");
    const w = snap?.windows?.find((x) => String(x.number) === key);
    if (!w) return label;
    const name = windowName(w);
    const number = t("mgr.window_n", { n: w.number });
    return name && name !== number && name !== `Window ${w.number}` ? `${number} ${name}` : number;
  }
  if (by === "staff") return key === "" ? t("rep.no_group") : label || nameOf(key);
  return label;
}

function table(el, columns, rows, { total = null, empty = t("rep.no_data") } = {}) {
  const head = h(
    "thead",
    {},
    h(
      "tr",
      {},
      columns.map((c) => h("th", { class: c.n ? "n" : "" }, t(c.key))),
    ),
  );
  const line = (row, cls) =>
    h(
      "tr",
      { class: cls, dataset: { key: row.key ?? "" } },
      columns.map((c) => h("td", { class: c.n ? "n" : "", dataset: { field: c.field } }, c.value(row))),
    );
  const body = h(
    "tbody",
    {},
    rows.length
      ? rows.map((r) => line(r, ""))
      : h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, empty)),
    total && rows.length ? line(total, "is-total") : null,
  );
  fill(el, head, body);
}

// -- summary -------------------------------------------------------------------------------

export function drawSummary(hall) {
  const r = hall ?? {};
  const cards = [
    ["rep.sum_taken", r.taken ?? 0, "taken"],
    ["rep.sum_served", r.served ?? 0, "served"],
    ["rep.sum_no_shows", r.no_shows ?? 0, "no_shows"],
    [
      "rep.sum_wait",
      r.wait_avg_minutes === null || r.wait_avg_minutes === undefined
        ? DASH
        : t("mgr.minutes", { n: Number(r.wait_avg_minutes.toFixed(1)) }),
      "wait",
    ],
    [
      "rep.sum_handling",
      r.handling_avg_minutes === null || r.handling_avg_minutes === undefined
        ? DASH
        : t("mgr.minutes", { n: Number(r.handling_avg_minutes.toFixed(1)) }),
      "handling",
    ],
    ["rep.sum_on_the_spot", pct(r.on_the_spot_rate), "on_the_spot"],
    ["rep.sum_good", pct(r.good_rate), "good"],
  ];
  fill(
    $("#summary"),
    cards.map(([key, value, field]) =>
      h(
        "div",
        { class: "card stat", dataset: { field } },
        h("span", { class: "stat-label" }, t(key)),
        h("b", { class: "stat-value num" }, String(value)),
      ),
    ),
  );
}

// -- queue ---------------------------------------------------------------------------------

const QUEUE_COLUMNS = [
  { key: "rep.col_taken", field: "taken", n: true, value: (r) => String(r.taken) },
  { key: "rep.col_served", field: "served", n: true, value: (r) => String(r.served) },
  { key: "rep.col_no_shows", field: "no_shows", n: true, value: (r) => String(r.no_shows) },
  { key: "rep.col_transfers", field: "transfers", n: true, value: (r) => String(r.transfers) },
  { key: "rep.col_cancelled", field: "cancelled", n: true, value: (r) => String(r.cancelled) },
  { key: "rep.col_wait_avg", field: "wait_avg", n: true, value: (r) => minutesCell(r.wait_avg_minutes) },
  { key: "rep.col_wait_p50", field: "wait_p50", n: true, value: (r) => wholeCell(r.wait_p50_minutes) },
  { key: "rep.col_wait_p90", field: "wait_p90", n: true, value: (r) => wholeCell(r.wait_p90_minutes) },
  { key: "rep.col_handling_avg", field: "handling_avg", n: true, value: (r) => minutesCell(r.handling_avg_minutes) },
  { key: "rep.col_handling_p50", field: "handling_p50", n: true, value: (r) => wholeCell(r.handling_p50_minutes) },
  { key: "rep.col_handling_p90", field: "handling_p90", n: true, value: (r) => wholeCell(r.handling_p90_minutes) },
  { key: "rep.col_on_the_spot_rate", field: "on_the_spot_rate", n: true, value: (r) => pct(r.on_the_spot_rate) },
  { key: "rep.col_good_rate", field: "good_rate", n: true, value: (r) => pct(r.good_rate) },
];

export function drawQueue(by, rows, hall) {
  const columns = [
    {
      key: "rep.col_group",
      field: "label",
      value: (r) => (r.key === "all" ? t("rep.total") : groupLabel(by, r.key, r.label)),
    },
    ...QUEUE_COLUMNS,
  ];
  table($("#queue-table"), columns, rows, { total: hall });
}

// -- 好差评 ---------------------------------------------------------------------------------

const RATING_COLUMNS = [
  { key: "rep.col_served", field: "served", n: true, value: (g) => String(g.served) },
  { key: "rep.col_rated", field: "rated", n: true, value: (g) => String(g.own + g.defaults) },
  { key: "rep.col_own", field: "own", n: true, value: (g) => String(g.own) },
  { key: "rep.col_bad", field: "bad", n: true, value: (g) => String(g.bad) },
  { key: "rep.col_r_good_rate", field: "good_rate", n: true, value: (g) => pct(g.good_rate) },
  { key: "rep.col_own_good_rate", field: "own_good_rate", n: true, value: (g) => pct(g.own_good_rate) },
  { key: "rep.col_unrated_rate", field: "unrated_rate", n: true, value: (g) => pct(g.unrated_rate) },
  { key: "rep.col_bad_reply_rate", field: "bad_reply_rate", n: true, value: (g) => pct(g.bad_reply_rate) },
  { key: "rep.col_rectify_rate", field: "rectify_rate", n: true, value: (g) => pct(g.rectify_rate) },
  {
    key: "rep.col_handling_satisfaction_rate",
    field: "handling_satisfaction_rate",
    n: true,
    value: (g) => pct(g.handling_satisfaction_rate),
  },
  {
    key: "rep.col_score",
    field: "score",
    n: true,
    value: (g) => (g.score === null || g.score === undefined ? DASH : g.score.toFixed(2)),
  },
];

export function drawRatings(by, groups) {
  const columns = [
    { key: "rep.col_group", field: "label", value: (g) => groupLabel(by, g.key, g.label) },
    ...RATING_COLUMNS,
  ];
  table($("#ratings-table"), columns, groups);
}

// -- help calls ----------------------------------------------------------------------------

export function drawHelp(points, calls) {
  table(
    $("#help-table"),
    [
      { key: "rep.col_point", field: "point", value: (p) => p.point_name },
      { key: "rep.col_calls", field: "calls", n: true, value: (p) => String(p.calls) },
      { key: "rep.col_open", field: "open", n: true, value: (p) => String(p.open) },
      { key: "rep.col_response_avg", field: "response_avg", n: true, value: (p) => duration(p.response_avg_seconds) },
      { key: "rep.col_response_max", field: "response_max", n: true, value: (p) => duration(p.response_max_seconds) },
      {
        key: "rep.col_resolution_avg",
        field: "resolution_avg",
        n: true,
        value: (p) => duration(p.resolution_avg_seconds),
      },
      {
        key: "rep.col_resolution_max",
        field: "resolution_max",
        n: true,
        value: (p) => duration(p.resolution_max_seconds),
      },
    ],
    points.map((p) => ({ ...p, key: p.point })),
    { empty: t("rep.no_points") },
  );
  const answered = (who, seconds) =>
    seconds === null || seconds === undefined
      ? DASH
      : t("rep.answered_by", { name: nameOf(who), t: duration(seconds) });
  table(
    $("#help-calls"),
    [
      { key: "rep.col_called_at", field: "raised_at", value: (c) => dateTime(c.raised_at) },
      { key: "rep.col_point", field: "point", value: (c) => c.point_name },
      { key: "rep.col_answered", field: "answered", value: (c) => answered(c.acknowledged_by, c.response_seconds) },
      { key: "rep.col_resolved", field: "resolved", value: (c) => answered(c.resolved_by, c.resolution_seconds) },
    ],
    [...calls].reverse().map((c) => ({ ...c, key: String(c.id) })),
  );
}
