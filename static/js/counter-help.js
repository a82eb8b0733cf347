// The counter page's staff feed, live over /ws/staff: help calls (呼叫帮办) at the points this
// person helps at, with 我去处理 and 已解决; and a manager's messages to this window, shown
// until dismissed. Runs beside the page's own screen feed, from login to logout.
import { act, get } from "./api.js";
import "./counter-help-texts.js";
import { state } from "./counter-state.js";
import { $, h } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import { StaffLive } from "./manager-live.js";
import { clockTime, elapsed } from "./time.js";

const feed = {
  live: null,
  user: null,
  points: new Map(), // point id -> {id, name, helpers}
  calls: new Map(), // call id -> call view, open calls only
  messages: [], // window.message events for this window, oldest first
  busy: new Set(), // call ids with a request on its way
  say: () => {},
};

/** Whether this user is told of a point's calls: its helpers, or everyone when it names none. */
function helpsAt(pointId) {
  const point = feed.points.get(pointId);
  if (!point) return false;
  return point.helpers.length === 0 || point.helpers.includes(feed.user?.username);
}

async function load() {
  try {
    const [{ points }, { calls }] = await Promise.all([get("/api/help-points"), get("/api/help-calls")]);
    feed.points = new Map(points.map((p) => [p.id, p]));
    feed.calls = new Map(calls.map((c) => [c.id, c]));
  } catch {
    // The next event or reconnect loads them again.
  }
  draw();
}

async function answer(call, action) {
  if (feed.busy.has(call.id)) return;
  feed.busy.add(call.id);
  draw();
  try {
    const updated = await act(`/api/help-calls/${call.id}/${action}`);
    if (updated.state === "resolved") {
      feed.calls.delete(call.id);
      feed.say("ok", t("counter.help_closed", { point: call.point_name }));
    } else {
      feed.calls.set(call.id, updated);
      feed.say("ok", t("counter.help_went", { point: call.point_name }));
    }
  } catch (err) {
    feed.say("error", err.message);
    if (err.status === 409) feed.calls.delete(call.id); // someone else closed it
  } finally {
    feed.busy.delete(call.id);
    draw();
  }
}

function helpBanner(call) {
  const coming = call.state === "on_the_way";
  const busy = feed.busy.has(call.id);
  return h(
    "div",
    { class: `help-call ${coming ? "is-coming" : "is-waiting"}`, dataset: { call: call.id }, role: "alert" },
    h("span", { class: "help-badge" }, t("counter.help_title")),
    h(
      "div",
      { class: "help-text" },
      h("b", { class: "help-point" }, call.point_name),
      coming
        ? h(
            "span",
            { class: "help-meta" },
            t("counter.help_coming", {
              name: call.acknowledged_by_name || call.acknowledged_by,
              time: clockTime(call.acknowledged_at),
            }),
          )
        : h(
            "span",
            { class: "help-meta" },
            t("counter.help_waiting", { time: clockTime(call.raised_at) }),
            h("span", { class: "num", "data-since": call.raised_at }, elapsed(call.raised_at)),
          ),
    ),
    h(
      "div",
      { class: "help-actions" },
      coming
        ? null
        : h(
            "button",
            { type: "button", class: "btn help-go", disabled: busy, onclick: () => answer(call, "acknowledge") },
            t("counter.help_go"),
          ),
      h(
        "button",
        { type: "button", class: "btn help-done", disabled: busy, onclick: () => answer(call, "resolve") },
        t("counter.help_done"),
      ),
    ),
  );
}

function messagePanel(m) {
  return h(
    "div",
    { class: "win-msg", role: "alert", dataset: { seq: m.seq } },
    h(
      "div",
      { class: "win-msg-head" },
      h("b", {}, t("counter.message_title")),
      h("span", {}, t("counter.message_from", { name: m.from_name || m.from, time: clockTime(m.at) })),
    ),
    h("p", { class: "win-msg-text" }, m.text),
    h(
      "button",
      {
        type: "button",
        class: "btn btn-primary win-msg-ok",
        onclick: () => {
          feed.messages = feed.messages.filter((x) => x !== m);
          draw();
        },
      },
      t("counter.message_ok"),
    ),
  );
}

export function draw() {
  const calls = feed.user ? [...feed.calls.values()].filter((c) => helpsAt(c.point)) : [];
  $("#help-calls").replaceChildren(...calls.map(helpBanner));
  $("#window-messages").replaceChildren(...(feed.user ? feed.messages.map(messagePanel) : []));
}

function onEvent(ev) {
  if (ev.type === "help.called" || ev.type === "help.acknowledged") {
    feed.calls.set(ev.id, ev);
    draw();
  } else if (ev.type === "help.resolved") {
    feed.calls.delete(ev.id);
    draw();
  } else if (ev.type === "window.message" && ev.window === state.windowNo) {
    feed.messages.push(ev);
    draw();
  }
}

/** Follow the staff feed as `user` (after login); `say(kind, text)` shows a message. */
export function startStaffFeed(user, say) {
  feed.say = say;
  if (feed.live && feed.user?.username === user.username) return;
  stopStaffFeed();
  feed.user = user;
  feed.live = new StaffLive({ snapshot: load, event: onEvent }).start();
}

/** Stop at logout: nothing of the last user's stays on screen. */
export function stopStaffFeed() {
  feed.live?.stop();
  feed.live = null;
  feed.user = null;
  feed.calls.clear();
  feed.messages = [];
  draw();
}

onLangChange(draw);
