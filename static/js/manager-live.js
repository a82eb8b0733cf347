// The staff event stream (/ws/staff): every event, alerts and ratings included, for logged-in
// pages. The same reconnecting client as the screens (live.js), on the staff address; the
// login cookie goes with the websocket, and a closed session ends in a refused connection.
import { Live } from "./live.js";

export class StaffLive extends Live {
  url() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const since = this.seq === null ? "" : `?since=${this.seq}`;
    return `${proto}//${location.host}/ws/staff${since}`;
  }
}

/**
 * Call `fn` soon after the last of a burst of calls, never twice at once: a burst of events
 * is one request, and a call during a request runs once more after it (nothing is missed).
 */
export function debounced(fn, delayMs = 250) {
  let timer = null;
  let running = false;
  let again = false;
  const run = async () => {
    timer = null;
    running = true;
    again = false;
    try {
      await fn();
    } finally {
      running = false;
      if (again) schedule();
    }
  };
  const schedule = () => {
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(run, delayMs);
  };
  return schedule;
}
