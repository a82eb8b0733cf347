// The hall's live event stream (/ws/display): reconnects by itself and never misses an event.
//
// The first message after connecting is a snapshot (draw everything from it); then events
// follow in sequence order. After a drop we reconnect with ?since=LAST_SEQ and get what we
// missed, or a fresh snapshot when we are too far behind. A snapshot may come at any time.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

export class Live {
  /**
   * @param {object} handlers
   * @param {(snapshot: object) => void} handlers.snapshot  redraw everything
   * @param {(event: object) => void} handlers.event        one event, in order, once
   * @param {(state: "connecting"|"open"|"down") => void} [handlers.status]
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.seq = null;
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    this.state = null;
  }

  start() {
    this.stopped = false;
    this.connect();
    // A laptop waking from sleep: reconnect now rather than after the backoff.
    addEventListener("online", () => this.reconnectSoon(0));
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000);
  }

  url() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const since = this.seq === null ? "" : `?since=${this.seq}`;
    return `${proto}//${location.host}/ws/display${since}`;
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.handlers.status?.(state);
  }

  connect() {
    clearTimeout(this.timer);
    this.setState(this.seq === null && this.attempt === 0 ? "connecting" : "down");
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.reconnectSoon();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      // A reconnect with nothing missed sends nothing: being connected is enough.
      if (ws === this.ws && this.seq !== null) this.setState("open");
    };
    ws.onmessage = (m) => {
      if (ws !== this.ws) return;
      this.receive(m.data);
    };
    ws.onclose = () => {
      if (ws !== this.ws || this.stopped) return;
      this.ws = null;
      this.setState("down");
      this.reconnectSoon();
    };
    // onerror is always followed by onclose; nothing to do there.
  }

  reconnectSoon(delay) {
    if (this.stopped) return;
    clearTimeout(this.timer);
    if (delay === undefined) {
      const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
      delay = base * (0.75 + Math.random() * 0.5); // jitter: a hall of screens must not reconnect in step
      this.attempt++;
    }
    if (this.ws) {
      const old = this.ws;
      this.ws = null;
      old.close();
    }
    this.timer = setTimeout(() => this.connect(), delay);
  }

  receive(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      console.warn("live: a message that is not JSON was ignored");
      return;
    }
    if (msg.type === "snapshot") {
      this.seq = msg.seq;
      this.attempt = 0;
      this.setState("open");
      try {
        this.handlers.snapshot(msg);
      } catch (err) {
        console.error("live: drawing the snapshot failed:", err);
      }
      return;
    }
    if (typeof msg.seq !== "number") return;
    if (this.seq !== null && msg.seq <= this.seq) return; // already seen (a replay overlap)
    this.seq = msg.seq;
    this.attempt = 0;
    this.setState("open");
    try {
      this.handlers.event(msg);
    } catch (err) {
      // One bad draw must not stop the stream; show it in the console and go on.
      console.error("live: handling", msg.type, "failed:", err);
    }
  }
}
