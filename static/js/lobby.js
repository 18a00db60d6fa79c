import { Live, PACING, postJSON } from "./live.js";
import { esc } from "./pieces.js";

const list = document.getElementById("room-list");
const count = document.getElementById("rooms-count");
const conn = document.getElementById("conn");

const PHASES = {
  WAITING: "Waiting for players", PREPARATION: "Dealing", DECLARATION: "Declaring",
  TURN: "Playing", SCORING: "Scoring", GAME_OVER: "Game over",
};

function seatChip(s) {
  if (!s.name) return `<li class="seat-chip free">free</li>`;
  const mark = s.is_bot ? `<span class="tag bot" title="Bot">bot</span>` : s.away ? `<span class="tag away" title="Disconnected">away</span>` : "";
  return `<li class="seat-chip${s.is_bot ? " is-bot" : ""}">${esc(s.name)}${mark}</li>`;
}

function render(rooms) {
  count.textContent = rooms.length ? `${rooms.length} room${rooms.length > 1 ? "s" : ""}` : "";
  if (!rooms.length) {
    list.innerHTML = `<li class="empty">No open rooms yet — create one!</li>`;
    return;
  }
  list.innerHTML = rooms.map((r) => {
    const seats = [0, 1, 2, 3].map((i) => r.seats.find((s) => s.seat === i) || { seat: i });
    const joinable = r.free_seats > 0 && (r.phase === "WAITING" || r.phase === "GAME_OVER");
    const phase = PHASES[r.phase] || r.phase;
    const round = r.round && r.phase !== "WAITING" ? ` · round ${r.round}` : "";
    return `<li class="room-item" data-code="${esc(r.code)}">
      <div class="room-main">
        <div class="room-title"><span class="room-name">${esc(r.name)}</span> <span class="code">${esc(r.code)}</span></div>
        <div class="room-meta"><span class="phase-badge phase-${esc(r.phase)}">${esc(phase)}${round}</span>
          <span>${r.humans} player${r.humans === 1 ? "" : "s"} · ${r.bots} bot${r.bots === 1 ? "" : "s"} · ${r.free_seats} free</span>
          ${r.target_score ? `<span>to ${r.target_score}</span>` : ""}</div>
        <ul class="seat-chips" aria-label="Seats">${seats.map(seatChip).join("")}</ul>
      </div>
      <div class="room-actions">
        ${joinable ? `<a class="btn primary small" href="/r/${esc(r.code)}/?sit=1">Join</a>` : ""}
        <a class="btn small" href="/r/${esc(r.code)}/">Watch</a>
      </div>
    </li>`;
  }).join("");
}

const live = new Live("/ws/lobby/", {
  onMessage: (msg) => { if (msg.type === "rooms") render(msg.rooms); },
  onStatus: (status, info) => {
    conn.dataset.state = status;
    conn.textContent = status === "online" ? "Live" : status === "reconnecting"
      ? `Reconnecting${info && info.retryAt ? ` in ${Math.max(1, Math.round((info.retryAt - Date.now()) / 1000))} s` : "…"}`
      : "Connecting…";
  },
});
live.connect();

// Create a room
document.getElementById("create-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const err = document.getElementById("create-error");
  err.textContent = "";
  const target = Number(document.getElementById("target-score").value);
  if (!Number.isInteger(target) || target < 1 || target > 1000) {
    err.textContent = "Target score must be a whole number from 1 to 1000.";
    document.getElementById("target-score").focus();
    return;
  }
  const btn = document.getElementById("create-btn");
  btn.disabled = true;
  try {
    const room = await postJSON("/api/rooms", {
      name: document.getElementById("room-name").value.trim(),
      is_public: document.getElementById("is-public").checked,
      settings: {
        target_score: target,
        action_time_limit: Number(document.getElementById("time-limit").value),
        redeal_window: Number(document.getElementById("redeal-window").value),
        ...PACING[document.getElementById("pacing").value],
      },
    });
    location.assign(room.url);
  } catch (e) {
    err.textContent = e.message;
    btn.disabled = false;
  }
});

// Join by code or link
document.getElementById("join-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const err = document.getElementById("join-error");
  err.textContent = "";
  const raw = document.getElementById("join-code").value.trim();
  const m = raw.match(/\/r\/([A-Za-z0-9]+)/) || raw.match(/^([A-Za-z0-9]{3,12})$/);
  if (!m) {
    err.textContent = "Enter a room code like ABC123 or paste an invite link.";
    return;
  }
  const code = m[1].toUpperCase();
  const res = await fetch(`/api/rooms/${encodeURIComponent(code)}`);
  if (!res.ok) {
    err.textContent = `There is no room with code ${code}.`;
    return;
  }
  location.assign(`/r/${code}/?sit=1`);
});
