// The counter page's drawing: the current ticket, the buttons, the queues, the window list.
import { pauseReasonText } from "./counter-dialogs.js";
import { allowed, serviceById, serviceName, state } from "./counter-state.js";
import { $, h } from "./dom.js";
import { pick, t, windowName } from "./i18n.js";
import { clockTime, elapsed, minutesSince } from "./time.js";

const QUEUE_ROWS = 60; // the waiting list shows this many; the rest are counted

/** What the drawn buttons do; the controller (counter.js) fills these in. */
export const handlers = {
  callBack: () => {}, // (ticket id)
  pickWindow: () => {}, // (window number)
};

export function showView(name) {
  for (const v of ["login", "windows", "work"]) $(`#view-${v}`).hidden = v !== name;
  $("#logout").hidden = name === "login";
  drawWho();
}

export function drawWho() {
  const parts = [];
  if (state.user) parts.push(state.user.name || state.user.username);
  if (state.windowNo) parts.push(t("common.window_n", { n: state.windowNo }));
  $("#who").textContent = parts.join(" · ");
  $("#hall-name").textContent = state.hall ? pick(state.hall) : "";
}

export function drawCurrent() {
  const box = $("#current");
  const w = state.win;
  if (!w) {
    box.replaceChildren();
    return;
  }
  if (w.paused) {
    box.className = "card current is-paused";
    box.replaceChildren(
      h("p", { class: "cur-state" }, t("counter.paused")),
      h("p", { class: "cur-big" }, pauseReasonText(w.pause_reason)),
      h(
        "p",
        { class: "cur-meta" },
        t("counter.paused_since", { time: clockTime(w.paused_at) }),
        " · ",
        h("span", { class: "num", "data-since": w.paused_at }, elapsed(w.paused_at)),
      ),
      h("p", { class: "cur-hint" }, t("counter.hint_resume")),
    );
    return;
  }
  const cur = w.current;
  if (!cur) {
    const next = state.queue.find((x) => x.next);
    box.className = "card current is-idle";
    box.replaceChildren(
      h("p", { class: "cur-state" }, t("counter.no_current")),
      h("p", { class: "cur-hint" }, t("counter.hint_call")),
      h(
        "p",
        { class: "cur-meta" },
        next
          ? t("counter.next_is", { number: next.number, service: serviceName(next) })
          : t("counter.nobody_waiting"),
      ),
    );
    return;
  }
  const serving = cur.status === "serving";
  const since = serving ? cur.started_at : cur.called_at;
  box.className = `card current ${serving ? "is-serving" : "is-called"}`;
  const badges = [];
  const badge = (kind, text) => badges.push(h("span", { class: `badge ${kind}` }, text));
  if (cur.lane === "priority") badge("badge-green", t("counter.lane_priority"));
  if (cur.lane === "appointment") badge("badge-blue", t("counter.lane_appointment"));
  if (cur.transfers) badge("", t("counter.transferred_n", { n: cur.transfers }));
  box.replaceChildren(
    h(
      "div",
      { class: "cur-left" },
      h(
        "div",
        { class: "cur-head" },
        h("span", { class: `status status-${cur.status}` }, t(`status.${cur.status}`)),
        ...badges,
      ),
      h("p", { id: "cur-number", class: "cur-number num" }, cur.number),
      h("p", { class: "cur-service" }, serviceName(cur)),
    ),
    h(
      "div",
      { class: "cur-right" },
      h("p", { class: "cur-clock-label" }, t(serving ? "counter.serving_for" : "counter.called_for")),
      h("p", { class: "cur-clock num", "data-since": since }, elapsed(since)),
      h(
        "p",
        { class: "cur-meta" },
        t(serving ? "counter.started_at" : "counter.called_at", { time: clockTime(since) }),
      ),
      h("p", { class: "cur-meta" }, t("counter.taken_at", { time: clockTime(cur.taken_at) })),
      cur.recalls ? h("p", { class: "cur-meta cur-recalls" }, t("counter.recalls_n", { n: cur.recalls })) : null,
    ),
  );
}

export function drawActions() {
  const paused = Boolean(state.win?.paused);
  for (const b of document.querySelectorAll("#actions [data-action]")) {
    b.disabled = state.busy || !allowed(b.dataset.action);
  }
  document.querySelector("[data-action=pause]").hidden = paused;
  document.querySelector("[data-action=resume]").hidden = !paused;
  $("#call-number-btn").disabled = state.busy || !allowed("call");
  $("#sign-out").disabled = state.busy || !allowed("sign-out");
}

export function drawCounts() {
  const services = state.win?.services ?? [];
  $("#waiting-counts").replaceChildren(
    ...services.map((id) => {
      const s = serviceById(id);
      const n = state.waiting[id] ?? 0;
      return h(
        "li",
        { dataset: { service: id }, class: s && !s.open ? "is-closed" : "" },
        h("span", { class: "prefix" }, s?.prefix ?? ""),
        h("span", { class: "count-name" }, serviceName(id)),
        h("span", { class: "count num" }, t("counter.n_waiting", { n })),
      );
    }),
  );
}

export function drawParked() {
  const parked = state.win?.parked ?? [];
  const ok = allowed("call-back") && !state.busy;
  $("#parked").replaceChildren(
    ...(parked.length
      ? parked.map((p) =>
          h(
            "li",
            {},
            h("span", { class: "num parked-number" }, p.number),
            h("span", { class: "parked-service" }, serviceName(p)),
            h(
              "button",
              { type: "button", class: "btn btn-small", disabled: !ok, onclick: () => handlers.callBack(p.id) },
              t("counter.call_back"),
            ),
          ),
        )
      : [h("li", { class: "empty" }, t("counter.none"))]),
  );
}

export function drawQueue() {
  const rows = state.queue.slice(0, QUEUE_ROWS).map((x) =>
    h(
      "tr",
      { class: x.next ? "is-next" : "" },
      h(
        "td",
        { class: "num" },
        x.number,
        x.next ? h("span", { class: "badge badge-red" }, t("counter.next")) : null,
        x.lane === "priority" ? h("span", { class: "badge badge-green" }, t("counter.lane_priority")) : null,
      ),
      h("td", {}, serviceName(x)),
      h("td", { class: "num" }, clockTime(x.taken_at)),
      h("td", { class: "num" }, t("counter.minutes", { n: minutesSince(x.taken_at) })),
    ),
  );
  const note = (text) => rows.push(h("tr", {}, h("td", { colspan: 4, class: "empty" }, text)));
  const shown = Math.min(state.queue.length, QUEUE_ROWS);
  const total = state.queueTotal ?? state.queue.length;
  if (total > shown) note(t("counter.more", { n: total - shown }));
  if (!state.queue.length) note(t("counter.nobody_waiting"));
  $("#queue").replaceChildren(...rows);
}

export function drawWork() {
  if ($("#view-work").hidden) return;
  drawCurrent();
  drawActions();
  drawCounts();
  drawParked();
  drawQueue();
}

export function drawWindowList() {
  const me = state.user?.username;
  $("#window-list").replaceChildren(
    ...state.windows.map((w) => {
      const taken = w.staff && w.staff !== me;
      const names = w.services.map((id) => serviceName(id)).join("、");
      return h(
        "button",
        {
          type: "button",
          class: `card window-pick ${taken ? "is-taken" : ""}`,
          disabled: taken || state.busy,
          dataset: { window: w.number },
          onclick: () => handlers.pickWindow(w.number),
        },
        h("span", { class: "wp-number" }, t("common.window_n", { n: w.number })),
        h("span", { class: "wp-name" }, windowName(w)),
        h("span", { class: "wp-services" }, names),
        h(
          "span",
          { class: `wp-state ${taken ? "is-taken" : ""}` },
          taken ? t("counter.window_taken_by", { name: w.staff_name || w.staff }) : t("counter.window_free"),
        ),
      );
    }),
  );
}

export function drawAll() {
  drawWho();
  if (!$("#view-windows").hidden) drawWindowList();
  drawWork();
}

/** Move the "since" clocks on, without redrawing anything else; called every second. */
export function tickClocks() {
  for (const el of document.querySelectorAll("[data-since]")) el.textContent = elapsed(Number(el.dataset.since));
}
