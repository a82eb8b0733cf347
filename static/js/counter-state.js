// The counter page's state, and which actions are legal in it (the buttons follow this).
import { pick } from "./i18n.js";

export const state = {
  user: null, // {username, name, role}
  windowNo: null, // the window we are signed in at
  win: null, // its window view
  hall: null,
  services: [],
  windows: [],
  waiting: {}, // service id -> count, from the live "waiting" maps
  queue: [], // GET /api/windows/{n}/waiting
  busy: false, // one action at a time: a second press while one runs is dropped
};

/** Which window actions the current state allows; the server has the last word. */
export function legal() {
  const w = state.win;
  const cur = w?.current ?? null;
  const status = cur?.status;
  const mine = w && w.staff === state.user?.username;
  const idle = mine && !cur && !w.paused;
  return {
    "call-next": idle,
    call: idle,
    "call-back": idle,
    recall: mine && status === "called",
    start: mine && status === "called",
    finish: mine && status === "serving",
    "no-show": mine && status === "called",
    transfer: mine && (status === "called" || status === "serving"),
    park: mine && (status === "called" || status === "serving"),
    pause: mine && !cur && !w.paused,
    resume: mine && w.paused,
    "sign-out": mine && !cur,
  };
}

export const serviceById = (id) => state.services.find((s) => s.id === id);

/** A service's name in the current language, from its id or from a ticket view. */
export function serviceName(ticketOrId) {
  if (typeof ticketOrId === "string") {
    const s = serviceById(ticketOrId);
    return s ? pick(s) : ticketOrId;
  }
  return pick(ticketOrId, "service_name");
}
