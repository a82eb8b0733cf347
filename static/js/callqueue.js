// A screen's call queue: each call is shown, then spoken to its end, one at a time, in order.
//
// Calls never play over each other and are never cut off: the next call starts only after the
// previous clip's `ended` (plus a short gap). A call that comes back after an outage is shown
// but spoken only if it is recent (settings.speech.catch_up_seconds). A browser that blocks
// sound until a click is reported through `onBlocked`, so the screen can say so; the first
// click anywhere unlocks it and speaks the calls that were waiting. A broken or missing clip is
// skipped after its error or a timeout, so one bad file never stalls the hall.
//
// Tests read `window.hallcallCalls` (what was shown, played, skipped, left silent), or listen
// for the `hallcall:speech` events that tell the same as it happens ({kind, number, ...}), and
// may set `window.hallcallTest = {playbackRate, loadTimeoutMs}` before the page loads.
import { serverNow } from "./time.js";

const LOAD_TIMEOUT_MS = 15000; // a clip that has not started playing by then is skipped
const OVERRUN_MS = 4000; // a started clip still not ended this long after its length is skipped
const UNKNOWN_LENGTH_MS = 30000; // the limit for a started clip whose length is unknown
const GAP_MS = 600; // silence between two spoken calls
const SHOW_MS = 2500; // a call not spoken stays the newest at least this long while others wait
const DEFAULT_CATCH_UP_S = 30;
const HISTORY = 200; // entries kept in each list of window.hallcallCalls

export const CALL_TYPES = new Set(["ticket.called", "ticket.recalled"]);
export const isCall = (event) => CALL_TYPES.has(event?.type);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A short silent WAV, to learn whether the browser lets this page make a sound. */
function silentWav(ms = 120, rate = 8000) {
  const samples = Math.round((rate * ms) / 1000);
  const buf = new ArrayBuffer(44 + samples * 2);
  const v = new DataView(buf);
  const ascii = (at, s) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  v.setUint32(4, 36 + samples * 2, true);
  ascii(8, "WAVEfmt ");
  v.setUint32(16, 16, true); // PCM header size
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  ascii(36, "data");
  v.setUint32(40, samples * 2, true);
  return URL.createObjectURL(new Blob([buf], { type: "audio/wav" }));
}


export class CallQueue {
  /**
   * @param {object} options
   * @param {(event: object, how: {spoken: boolean, stale: boolean}) => void} options.show
   *        draw the call as the newest (stale: a missed call shown in passing, no highlight)
   * @param {(blocked: boolean) => void} [options.onBlocked]  the browser blocks sound / no more
   * @param {boolean} [options.speak]  this page may speak at all (the hall's settings decide too)
   */
  constructor({ show, onBlocked = () => {}, speak = true }) {
    this.show = show;
    this.onBlocked = onBlocked;
    this.pageSpeaks = speak;
    this.audioOn = false;
    this.catchUpS = DEFAULT_CATCH_UP_S;
    this.items = [];
    this.unspoken = []; // calls the browser would not play; spoken after the unlocking click
    this.running = false;
    this.blocked = false;
    this.probed = null;
    this.nextAt = 0; // performance.now() before which the next call waits
    this.silent = null;
    const test = window.hallcallTest ?? {};
    this.rate = Number(test.playbackRate) || 1;
    this.loadTimeoutMs = Number(test.loadTimeoutMs) || LOAD_TIMEOUT_MS;
    this.state = { shown: [], played: [], skipped: [], silent: [], blocked: false, pending: 0 };
    window.hallcallCalls = this.state;
    for (const type of ["pointerdown", "keydown", "touchend"]) {
      addEventListener(type, () => this.unlock(), { capture: true });
    }
  }

  /** Take the hall's speech settings from a snapshot (`snapshot.settings`). */
  configure(settings) {
    const speech = settings?.speech;
    this.audioOn = Boolean(this.pageSpeaks && speech?.enabled && !speech.server_plays);
    const catchUp = Number(speech?.catch_up_seconds);
    this.catchUpS = Number.isFinite(catchUp) && catchUp >= 0 ? catchUp : DEFAULT_CATCH_UP_S;
    this.state.audio = this.audioOn;
    if (this.audioOn && !this.probed) this.probed = this.probe();
    if (!this.audioOn) {
      // Speech turned off (or over to the server's loudspeakers): nothing is waiting for a click.
      this.unspoken = [];
      this.setBlocked(false);
    }
  }

  /** Add a ticket.called / ticket.recalled event; calls must come in sequence order. */
  push(event) {
    const stale = this.isStale(event);
    const speak = this.audioOn && !stale && Boolean(event.audio);
    this.items.push({ event, stale, speak });
    this.state.pending = this.items.length;
    this.run();
  }

  isStale(event) {
    return typeof event.at === "number" && serverNow() / 1000 - event.at > this.catchUpS;
  }

  async run() {
    if (this.running) return;
    this.running = true;
    try {
      while (this.items.length) {
        const item = this.items.shift();
        this.state.pending = this.items.length;
        await this.play(item);
      }
    } finally {
      this.running = false;
    }
  }

  async play({ event, stale, speak }) {
    const call = { seq: event.seq, number: event.number, window: event.window };
    if (stale) {
      // Missed while offline and too old to announce: it takes its place in the list at once.
      this.note("shown", { ...call, stale: true, at: Date.now() });
      if (this.audioOn) this.note("silent", { ...call, reason: "stale" });
      this.safeShow(event, { spoken: false, stale: true });
      return;
    }
    const wait = this.nextAt - performance.now();
    if (wait > 0) await sleep(wait);
    this.note("shown", { ...call, stale: false, at: Date.now() });
    this.safeShow(event, { spoken: speak, stale: false });
    if (!speak) {
      this.nextAt = performance.now() + SHOW_MS;
      return;
    }
    await this.probed;
    const outcome = await this.sound(event, call);
    if (outcome === "blocked") {
      this.unspoken = [...this.dropStale(this.unspoken), event];
      this.setBlocked(true);
      this.nextAt = performance.now() + SHOW_MS;
    } else {
      this.nextAt = performance.now() + GAP_MS;
    }
  }

  safeShow(event, how) {
    try {
      this.show(event, how);
    } catch (err) {
      console.error("call queue: showing a call failed:", err);
    }
  }

  /** Play one clip to its end. Resolves to "ended", "blocked", "error" or "timeout". */
  sound(event, call) {
    return new Promise((resolve) => {
      const audio = new Audio();
      audio.preload = "auto";
      audio.src = event.audio;
      audio.playbackRate = this.rate;
      audio.defaultPlaybackRate = this.rate;
      let start = null;
      let timer = null;
      let settled = false;
      const deadline = (ms) => {
        clearTimeout(timer);
        if (!settled) timer = setTimeout(() => done("timeout"), ms);
      };
      const done = (outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const end = Date.now();
        if (outcome === "ended") {
          this.note("played", { ...call, audio: event.audio, start, end });
        } else if (outcome !== "blocked") {
          // Stop a late clip for good, so it can never sound over the next call.
          audio.pause();
          audio.removeAttribute("src");
          audio.load();
          this.note("skipped", { ...call, audio: event.audio, reason: outcome });
          console.info(`call queue: skipped the audio of ${call.number} (${outcome})`);
        }
        resolve(outcome);
      };
      audio.addEventListener("playing", () => {
        if (start !== null) return;
        start = Date.now();
        if (this.blocked) this.setBlocked(false);
        const length = audio.duration;
        deadline(Number.isFinite(length) ? (length * 1000) / this.rate + OVERRUN_MS : UNKNOWN_LENGTH_MS);
      });
      audio.addEventListener("ended", () => done("ended"));
      audio.addEventListener("error", () => done("error"));
      deadline(this.loadTimeoutMs);
      audio.play().catch((err) => done(err?.name === "NotAllowedError" ? "blocked" : "error"));
    });
  }

  /** Try a silent clip at start-up: a screen that cannot make a sound says so before any call. */
  async probe() {
    this.silent ??= new Audio(silentWav());
    try {
      await this.silent.play();
    } catch (err) {
      if (err?.name === "NotAllowedError") this.setBlocked(true);
    }
  }

  /** Keep what happened for tests and tools: in window.hallcallCalls and as an event. */
  note(kind, entry) {
    const list = this.state[kind];
    if (Array.isArray(list)) {
      list.push(entry);
      if (list.length > HISTORY) list.splice(0, list.length - HISTORY);
    }
    window.dispatchEvent(new CustomEvent("hallcall:speech", { detail: { kind, ...entry } }));
  }

  setBlocked(blocked) {
    if (blocked === this.blocked) return;
    this.blocked = blocked;
    this.state.blocked = blocked;
    this.note(blocked ? "blocked" : "unblocked", {});
    try {
      this.onBlocked(blocked);
    } catch (err) {
      console.error("call queue: onBlocked failed:", err);
    }
  }

  /** The calls still recent enough to speak; the others are noted as left silent. */
  dropStale(events) {
    const recent = events.filter((ev) => !this.isStale(ev));
    for (const ev of events) {
      if (!recent.includes(ev)) {
        this.note("silent", { seq: ev.seq, number: ev.number, window: ev.window, reason: "stale" });
      }
    }
    return recent;
  }

  /** A click or key press: sound is allowed now; speak the calls still recent enough. */
  unlock() {
    if (!this.blocked) return;
    // Playing inside the gesture unlocks sound in every browser, not only in Chromium.
    this.silent?.play().catch(() => {});
    this.setBlocked(false);
    const waiting = this.dropStale(this.unspoken);
    this.unspoken = [];
    const again = waiting.map((event) => ({ event, stale: false, speak: true }));
    this.items = [...again, ...this.items.filter((item) => !waiting.includes(item.event))];
    this.state.pending = this.items.length;
    this.run();
  }
}
