// The reports page's three charts, drawn with Apache ECharts (static/vendor/echarts, loaded
// by a plain <script> tag: window.echarts): arrivals against services finished by hour, the
// wait distribution, and each window's load.
import { t } from "./i18n.js";

const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif';
const BLUE = "#0b3a82";
const RED = "#c8102e";
const ORANGE = "#e06a00";
const GREY = "#5a6270";
const DAY_HOURS = [8, 18]; // always shown, so a quiet day still reads as a working day

const charts = new Map(); // element id -> echarts instance

function chart(id) {
  let c = charts.get(id);
  if (!c) {
    c = globalThis.echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    charts.set(id, c);
  }
  return c;
}

function base() {
  return {
    animation: false,
    textStyle: { fontFamily: FONT, fontSize: 13, color: GREY },
    grid: { left: 48, right: 24, top: 40, bottom: 36 },
    tooltip: { trigger: "axis", textStyle: { fontFamily: FONT } },
    legend: { top: 0, right: 0, textStyle: { fontFamily: FONT, fontSize: 13 } },
  };
}

const valueAxis = (extra = {}) => ({
  type: "value",
  minInterval: 1,
  splitLine: { lineStyle: { color: "#edf0f4" } },
  axisLabel: { color: GREY },
  ...extra,
});

function arrivals(series) {
  const busy = series.hours.filter((hr, i) => series.taken[i] || series.served[i]);
  const first = Math.min(DAY_HOURS[0], ...busy);
  const last = Math.max(DAY_HOURS[1], ...busy);
  const shown = series.hours.map((hr, i) => i).filter((i) => series.hours[i] >= first && series.hours[i] <= last);
  return {
    ...base(),
    xAxis: {
      type: "category",
      data: shown.map((i) => t("rep.axis_hour", { h: series.hours[i] })),
      axisLabel: { color: GREY },
    },
    yAxis: valueAxis(),
    series: [
      {
        name: t("rep.series_taken"),
        type: "bar",
        data: shown.map((i) => series.taken[i]),
        itemStyle: { color: BLUE },
        barMaxWidth: 28,
      },
      {
        name: t("rep.series_served"),
        type: "line",
        data: shown.map((i) => series.served[i]),
        itemStyle: { color: RED },
        lineStyle: { width: 3 },
        symbolSize: 7,
      },
    ],
  };
}

function waits(series) {
  return {
    ...base(),
    legend: { show: false },
    grid: { left: 48, right: 24, top: 30, bottom: 52 },
    xAxis: {
      type: "category",
      data: series.buckets,
      name: t("rep.axis_minutes"),
      nameLocation: "middle",
      nameGap: 30,
      axisLabel: { color: GREY },
    },
    yAxis: valueAxis(),
    series: [
      {
        name: t("rep.series_people"),
        type: "bar",
        data: series.counts,
        itemStyle: { color: BLUE },
        label: { show: true, position: "top", color: GREY, formatter: (p) => (p.value ? String(p.value) : "") },
        barMaxWidth: 30,
      },
    ],
  };
}


function windows(rows) {
  return {
    ...base(),
    grid: { left: 48, right: 56, top: 40, bottom: 48 },
    // Thirteen "N号窗口" labels overlap: the axis says 窗口 once and each bar its number.
    xAxis: {
      type: "category",
      name: t("rep.axis_window"),
      data: rows.map((row) => String(row.window)),
      axisLabel: { color: GREY, interval: 0 },
    },
    yAxis: [valueAxis(), valueAxis({ splitLine: { show: false } })],
    series: [
      {
        name: t("rep.series_window_served"),
        type: "bar",
        data: rows.map((r) => r.served),
        itemStyle: { color: BLUE },
        barMaxWidth: 28,
      },
      {
        name: t("rep.series_handling"),
        type: "bar",
        yAxisIndex: 1,
        data: rows.map((r) => r.handling_minutes),
        itemStyle: { color: ORANGE },
        barMaxWidth: 28,
      },
    ],
  };
}

/** Draw the three charts from GET /api/reports/charts. */
export function drawCharts(data) {
  if (!globalThis.echarts) return; // the library failed to load: the tables still work
  chart("chart-arrivals").setOption(arrivals(data.arrivals), true);
  chart("chart-waits").setOption(waits(data.waits), true);
  chart("chart-windows").setOption(windows(data.windows), true);
}

export function resizeCharts() {
  for (const c of charts.values()) c.resize();
}
