// JSON API helper and a WebSocket that reconnects with exponential backoff.

export async function postJSON(url, body) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  let data = {};
  try { data = await res.json(); } catch { /* empty body */ }
  if (!res.ok) {
    const err = new Error(data?.error?.message || `Request failed (${res.status}).`);
    err.code = data?.error?.code;
    throw err;
  }
  return data;
}

/**
 * A live socket: `onMessage(msg)` for every frame, `onStatus(status, info)`
 * with status "connecting" | "online" | "reconnecting" | "gone".
 * On every (re)connect it sends `sync`; a ping every 20 s checks the line
 * and estimates the server clock offset (`clockOffset`, ms).
 */
export class Live {
  constructor(path, { onMessage, onStatus }) {
    this.url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
    this.onMessage = onMessage;
    this.onStatus = onStatus || (() => {});
    this.attempt = 0;
    this.seq = 0;
    this.clockOffset = 0;
    this.stopped = false;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongDue = null;
    addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && (!this.ws || this.ws.readyState > 1)) this.reconnectNow();
    });
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.onStatus(this.attempt ? "reconnecting" : "connecting", { attempt: this.attempt });
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.onStatus("online");
      this.send({ type: "sync" });
      this.ping();
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.ping(), 20000);
    };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (msg.type === "pong" && typeof msg.t === "number") {
        const now = Date.now();
        this.clockOffset = msg.server_time * 1000 - (msg.t + now) / 2;
        clearTimeout(this.pongDue);
      }
      this.onMessage(msg);
    };
    ws.onclose = (ev) => {
      clearInterval(this.pingTimer);
      clearTimeout(this.pongDue);
      if (this.ws !== ws || this.stopped) return;
      if (ev.code === 4404 || ev.code === 4403) {
        this.onStatus("gone", { code: ev.code });
        return;
      }
      const delay = Math.min(15000, 500 * 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
      this.attempt += 1;
      this.onStatus("reconnecting", { attempt: this.attempt, retryAt: Date.now() + delay });
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  reconnectNow() {
    if (this.stopped) return;
    if (this.ws && this.ws.readyState <= 1) return;
    this.connect();
  }

  ping() {
    if (this.send({ type: "ping", t: Date.now() }) === null) return;
    clearTimeout(this.pongDue);
    // a silent line: drop it and reconnect
    this.pongDue = setTimeout(() => { try { this.ws.close(); } catch { /* closed */ } }, 10000);
  }

  /** Send a message with a fresh id; returns the id, or null when offline. */
  send(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return null;
    const id = `c${++this.seq}`;
    this.ws.send(JSON.stringify({ ...msg, id }));
    return id;
  }

  serverNow() { return Date.now() + this.clockOffset; }
}

/** Bot pacing presets for room settings (seconds). */
export const PACING = {
  relaxed: { bot_delay: 1, turn_pause: 2.5, round_pause: 5 },
  brisk: { bot_delay: 0.4, turn_pause: 1.2, round_pause: 3 },
  instant: { bot_delay: 0, turn_pause: 0, round_pause: 0 },
};

export function pacingOf(settings) {
  for (const [name, p] of Object.entries(PACING)) {
    if (Object.entries(p).every(([k, v]) => Number(settings[k]) === v)) return name;
  }
  return "custom";
}
