// The counter page's state, and which actions the server allows in it (the buttons follow this).
import { pick } from "./i18n.js";

export const state = {
  user: null, // {username, name, role}
  windowNo: null, // the window we are signed in at
  win: null, // its window view
  hall: null,
  services: [],
  windows: [],
  waiting: {}, // service id -> count, from the live "waiting" maps
  queue: [], // GET /api/windows/{n}/waiting: the first rows in call order
  queueTotal: 0, // how many wait for this window in all
  busy: false, // one action at a time: a second press while one runs is dropped
};

/** Whether this user is signed in at the window shown (who may act here: not a queue rule). */
export function mine() {
  const w = state.win;
  return Boolean(w && state.user && w.staff === state.user.username);
}

/**
 * Whether `action` is allowed now at our window: the server's window view lists the actions
 * its queue rules allow (`actions`, the same in GET /api/windows/{n}, action answers and live
 * events), so the page never codes the rules itself. The server has the last word all the same.
 */
export function allowed(action) {
  return mine() && (state.win.actions ?? []).includes(action);
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
