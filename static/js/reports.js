// The reports page (统计报表): a date range (today by default), the queue report by hour, day,
// service, department, window or staff, three charts, the 好差评 figures, help calls, and the
// server's CSV / Excel / provincial JSON exports.
import { get } from "./api.js";
import { $, h } from "./dom.js";
import { t } from "./i18n.js";
import { handleError, session, startPage } from "./manager-page.js";
import { dayDate, download, isoDay, say } from "./manager-ui.js";
import { drawCharts, resizeCharts } from "./reports-charts.js";
import { QUEUE_BY, RATINGS_BY, drawHelp, drawQueue, drawRatings, drawSummary } from "./reports-tables.js";
import "./reports-texts.js";
import { serverNow } from "./time.js";

const COUNT_RECORDS_MAX_DAYS = 62; // counting records lists them: not for a year

const report = {
  from: null,
  to: null,
  queueBy: "service",
  ratingsBy: "service",
  data: {}, // the last answers, to redraw after a language switch
};

/** Today in the hall's time zone, by the server's clock. */
function today() {
  const tz = session.hall?.timezone ?? "Asia/Shanghai";
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(serverNow()),
  );
}

function quickRange(which) {
  const end = today();
  const d = dayDate(end);
  if (which === "week") d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); // back to Monday
  if (which === "month") d.setUTCDate(1);
  if (which === "year") d.setUTCMonth(0, 1);
  return [isoDay(d), end];
}

const range = () => `from=${report.from}&to=${report.to}`;

function remember() {
  const q = new URLSearchParams(location.search);
  q.set("from", report.from);
  q.set("to", report.to);
  q.set("queue", report.queueBy);
  q.set("ratings", report.ratingsBy);
  history.replaceState(null, "", `${location.pathname}?${q}`);
}

function markQuick() {
  for (const b of document.querySelectorAll("#quick [data-quick]")) {
    const [from, to] = quickRange(b.dataset.quick);
    b.setAttribute("aria-pressed", String(from === report.from && to === report.to));
  }
  $("#from").value = report.from;
  $("#to").value = report.to;
  $("#range-text").textContent = t("rep.range_text", { from: report.from, to: report.to });
}

function tabs(container, options, current, onPick) {
  container.replaceChildren(
    ...options.map((by) =>
      h(
        "button",
        { type: "button", "aria-pressed": String(by === current), dataset: { by }, onclick: () => onPick(by) },
        t(`rep.by_${by}`),
      ),
    ),
  );
}

function drawTabs() {
  tabs($("#queue-by"), QUEUE_BY, report.queueBy, (by) => {
    report.queueBy = by;
    drawTabs();
    loadQueue();
  });
  tabs($("#ratings-by"), RATINGS_BY, report.ratingsBy, (by) => {
    report.ratingsBy = by;
    drawTabs();
    loadRatings();
  });
}

async function loadQueue() {
  remember();
  try {
    const [hall, rows] = await Promise.all([
      get(`/api/reports/queue?by=hall&${range()}`),
      get(`/api/reports/queue?by=${report.queueBy}&${range()}`),
    ]);
    report.data.hall = hall.rows[0] ?? null;
    report.data.queue = rows;
    drawSummary(report.data.hall);
    drawQueue(rows.by, rows.rows, report.data.hall);
  } catch (err) {
    handleError(err);
  }
}

async function loadRatings() {
  remember();
  try {
    const data = await get(`/api/reports/ratings?by=${report.ratingsBy}&${range()}`);
    report.data.ratings = data;
    drawRatings(data.by, data.groups);
  } catch (err) {
    handleError(err);
  }
}

async function loadCharts() {
  try {
    report.data.charts = await get(`/api/reports/charts?${range()}`);
    drawCharts(report.data.charts);
  } catch (err) {
    handleError(err);
  }
}

async function loadHelp() {
  try {
    const [summary, calls] = await Promise.all([
      get(`/api/reports/help?${range()}`),
      get(`/api/help-calls?open=0&${range()}`),
    ]);
    report.data.help = [summary.points, calls.calls];
    drawHelp(summary.points, calls.calls);
  } catch (err) {
    handleError(err);
  }
}

function days() {
  return Math.round((dayDate(report.to) - dayDate(report.from)) / 86400000) + 1;
}

async function loadRecordCount() {
  const el = $("#eval-count");
  report.data.records = null;
  el.textContent = "";
  if (days() > COUNT_RECORDS_MAX_DAYS) return;
  try {
    const { evaluations } = await get(`/api/evaluations?${range()}`);
    report.data.records = evaluations.length;
    el.textContent = t("rep.eval_count", { n: evaluations.length });
  } catch (err) {
    handleError(err);
  }
}

async function loadAll() {
  markQuick();
  document.body.classList.add("is-loading");
  await Promise.all([loadQueue(), loadRatings(), loadCharts(), loadHelp(), loadRecordCount()]);
  document.body.classList.remove("is-loading");
  document.body.dataset.loaded = `${report.from}/${report.to}`;
}

function setRange(from, to) {
  if (!from || !to) return;
  if (to < from) {
    say("error", t("mgr.bad_range"));
    return;
  }
  report.from = from;
  report.to = to;
  loadAll();
}

function exportUrl(kind, format) {
  if (kind === "queue") return `/api/reports/queue?by=${report.queueBy}&${range()}&format=${format}`;
  if (kind === "ratings") return `/api/reports/ratings?by=${report.ratingsBy}&${range()}&format=${format}`;
  const bad = $("#eval-bad").checked ? "&bad=1" : "";
  return `/api/evaluations/export?${range()}&format=${format}${bad}`;
}

async function exportFile(button) {
  if (button.disabled) return;
  button.disabled = true;
  try {
    const name = await download(exportUrl(button.dataset.export, button.dataset.format));
    say("ok", t("mgr.downloaded", { name }));
  } catch (err) {
    handleError(err);
  } finally {
    button.disabled = false;
  }
}

function redraw() {
  drawTabs();
  markQuick();
  const d = report.data;
  drawSummary(d.hall);
  if (d.queue) drawQueue(d.queue.by, d.queue.rows, d.hall);
  if (d.ratings) drawRatings(d.ratings.by, d.ratings.groups);
  if (d.charts) drawCharts(d.charts);
  if (d.help) drawHelp(...d.help);
  if (d.records !== null && d.records !== undefined)
    $("#eval-count").textContent = t("rep.eval_count", { n: d.records });
}

function enter() {
  const q = new URLSearchParams(location.search);
  const valid = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s ?? "");
  const [from, to] = valid(q.get("from")) && valid(q.get("to")) ? [q.get("from"), q.get("to")] : quickRange("today");
  if (QUEUE_BY.includes(q.get("queue"))) report.queueBy = q.get("queue");
  if (RATINGS_BY.includes(q.get("ratings"))) report.ratingsBy = q.get("ratings");
  drawTabs();
  setRange(from, to);
}

for (const b of document.querySelectorAll("#quick [data-quick]")) {
  b.addEventListener("click", () => setRange(...quickRange(b.dataset.quick)));
}
$("#range").addEventListener("submit", (e) => {
  e.preventDefault();
  setRange($("#from").value, $("#to").value);
});
for (const b of document.querySelectorAll("[data-export]")) b.addEventListener("click", () => exportFile(b));
addEventListener("resize", resizeCharts);

startPage({ role: "manager", enter, redraw });
