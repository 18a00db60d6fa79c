// The room page: seats, the game table in every phase, results.
// Everything is rendered from the latest `state` message of /ws/rooms/<code>/.
import { Live, PACING, pacingOf } from "./live.js";
import { analyse, esc, pieceHTML, pieceName, POINTS, sortKinds, TYPE_LABELS } from "./pieces.js";
import { verifyDeal } from "./fairness.js";

const app = document.getElementById("app");
const CODE = app.dataset.code;
const $ = (id) => document.getElementById(id);

const PHASE_LABELS = {
  WAITING: "Waiting for players", PREPARATION: "Deal", DECLARATION: "Declarations",
  TURN: "Playing", SCORING: "Round scored", GAME_OVER: "Game over",
};
const POSITIONS = ["bottom", "left", "top", "right"];

let S = null; // latest state message
let sortMode = localStorage.getItem("lt-sort") || "value";
let selected = new Set(); // indices into the displayed hand
let handKey = "";
let handOrder = [];
let sending = false; // a play is on its way
let autoSit = new URLSearchParams(location.search).has("sit");
const pending = new Map(); // message id -> error slot id
const errors = new Map(); // slot id -> {message, key}
const logLines = [];
const seenCommitments = new Map(); // "round:deal" -> commitment shown while it was live
const dealtHands = new Map(); // "round:deal" -> my hand as dealt
const verifyResults = new Map(); // "round:deal" -> {ok, lines}

// ---------------------------------------------------------------- helpers
const g = () => S.game;
const mySeat = () => (S && S.you.seat !== null && S.you.seat !== undefined ? S.you.seat : null);
const nameOf = (s) => (S.room.seats[s] && S.room.seats[s].name) || (g().players && g().players[s]) || `Seat ${s + 1}`;
const who = (s) => (s === mySeat() ? "You" : esc(nameOf(s)));
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const phaseKey = () => (S ? `${g().round}:${g().phase}:${g().turn ? g().turn.number : ""}` : "");

function myAction() {
  if (!S || mySeat() === null) return "";
  const a = g().allowed;
  if (a.redeal && g().redeal && g().redeal.eligible) return "redeal";
  if (a.declare && a.declare.length) return "declare";
  if (a.play) return "play";
  return "";
}

function deadlineFor(kind, seat) {
  const d = S && S.deadline;
  if (!d || (kind && d.kind !== kind) || (seat !== undefined && d.seat !== seat)) return null;
  return d.at;
}
const countdownHTML = (at, label = "") =>
  at ? `<span class="countdown" data-at="${esc(at)}" data-label="${esc(label)}" role="timer"></span>` : "";

function errHTML(slot) {
  const e = errors.get(slot);
  const text = e && e.key === phaseKey() ? e.message : "";
  return `<p class="field-error" id="${slot}" role="alert">${esc(text)}</p>`;
}
function setError(slot, message) {
  errors.set(slot, { message, key: phaseKey() });
  const el = $(slot);
  if (el) el.textContent = message;
}
function clearError(slot) {
  errors.delete(slot);
  const el = $(slot);
  if (el) el.textContent = "";
}

/** Send a command; its error (matched by `ref`) is shown in `slot`. */
function act(msg, slot) {
  clearError(slot);
  const id = live.send(msg);
  if (!id) {
    setError(slot, "Not connected — reconnecting, try again in a moment.");
    return null;
  }
  pending.set(id, slot);
  return id;
}

function banner(html, kind = "info", sticky = false) {
  const b = $("banner");
  b.innerHTML = html;
  b.dataset.kind = kind;
  b.hidden = false;
  clearTimeout(banner.timer);
  if (!sticky) banner.timer = setTimeout(() => { b.hidden = true; }, 5000);
}

// ---------------------------------------------------------------- socket
const conn = $("conn");
let wasOffline = false;
const live = new Live(`/ws/rooms/${encodeURIComponent(CODE)}/`, {
  onMessage,
  onStatus(status, info = {}) {
    conn.dataset.state = status;
    app.dataset.conn = status;
    if (status === "online") {
      conn.textContent = "Live";
      if (wasOffline) banner("Back online — the table is up to date.", "ok");
      wasOffline = false;
    } else if (status === "reconnecting") {
      wasOffline = true;
      conn.textContent = "Reconnecting…";
      const secs = info.retryAt ? Math.max(1, Math.round((info.retryAt - Date.now()) / 1000)) : 0;
      banner(`Connection lost. Reconnecting${secs ? ` in <span class="countdown" data-at-ms="${info.retryAt}"></span>` : "…"}` +
        ` <button class="btn small" type="button" id="retry-now">Retry now</button>`, "warn", true);
      $("retry-now").addEventListener("click", () => live.reconnectNow());
    } else if (status === "gone") {
      conn.textContent = "Closed";
      banner(`This room does not exist any more. <a href="/lobby/">Back to the lobby</a>`, "error", true);
    } else {
      conn.textContent = "Connecting…";
    }
  },
});

function onMessage(msg) {
  switch (msg.type) {
    case "state":
      if (S && msg.version < S.version) return;
      {
        const prev = S;
        S = msg;
        logState(prev, msg);
      }
      remember();
      render();
      maybeAutoSit();
      break;
    case "event":
      break; // the log is derived from states (see logState)
    case "ack": {
      const slot = pending.get(msg.ref);
      pending.delete(msg.ref);
      if (slot) clearError(slot);
      break;
    }
    case "error": {
      const slot = msg.ref !== null && msg.ref !== undefined ? pending.get(msg.ref) : null;
      pending.delete(msg.ref);
      if (slot === "err-play") { sending = false; updatePlayControls(); }
      if (slot) setError(slot, msg.message);
      else banner(esc(msg.message), "error");
      break;
    }
    default:
      break;
  }
}

function remember() {
  const game = g();
  for (const d of game.deals || []) {
    const key = `${game.round}:${d.deal}`;
    if (!d.seed && !seenCommitments.has(key)) seenCommitments.set(key, d.commitment);
  }
  const cur = (game.deals || [])[game.deals.length - 1];
  if (cur && game.hand && game.hand.length === 8 && ["PREPARATION", "DECLARATION"].includes(game.phase)) {
    dealtHands.set(`${game.round}:${cur.deal}`, { hand: [...game.hand], seat: mySeat() });
  }
}

function maybeAutoSit() {
  if (!autoSit) return;
  autoSit = false;
  history.replaceState(null, "", location.pathname);
  if (mySeat() !== null || !["WAITING", "GAME_OVER"].includes(g().phase)) return;
  const free = S.room.seats.find((s) => !s.occupied);
  if (free) act({ type: "take_seat", seat: free.seat }, "err-seats");
}

// ---------------------------------------------------------------- render
function render() {
  const focus = document.activeElement;
  const focusId = focus && focus.id;
  const focusIndex = focus && focus.dataset ? focus.dataset.index : undefined;

  const game = g();
  app.dataset.phase = game.phase;
  app.dataset.version = S.version;
  app.dataset.seat = mySeat() ?? "";
  app.dataset.action = myAction();
  document.title = `${myAction() ? "(Your move) " : ""}${S.room.name} — Liap Tui`;
  $("room-title").textContent = S.room.name;
  if (S.room.closed) banner(`This room was closed. <a href="/lobby/">Back to the lobby</a>`, "error", true);

  const waiting = game.phase === "WAITING" || game.phase === "GAME_OVER";
  $("waiting").hidden = !waiting;
  $("game").hidden = waiting;
  $("results").hidden = game.phase !== "GAME_OVER";
  if (waiting) renderSeats();
  if (game.phase === "GAME_OVER") renderResults();
  if (!waiting) {
    renderStatus();
    renderZones();
    renderCenter();
    renderAction();
    renderHand();
    renderScoreboard();
    renderLastRound();
  }
  renderLog();
  tick();

  if (focusId && $(focusId) && document.activeElement !== $(focusId)) $(focusId).focus();
  else if (focusIndex !== undefined) {
    const el = document.querySelector(`#hand .piece[data-index="${focusIndex}"]`);
    if (el) el.focus();
  }
}

// ----- waiting room / seats
function renderSeats() {
  const room = S.room;
  const you = S.you;
  const host = room.seats.find((s) => s.is_host);
  $("seats").innerHTML = room.seats.map((s) => {
    const tags = [
      s.is_you ? `<span class="tag you">You</span>` : "",
      s.is_host ? `<span class="tag host" title="Host">♛ Host</span>` : "",
      s.is_bot ? `<span class="tag bot">Bot</span>` : "",
      s.away ? `<span class="tag away" title="Disconnected — a bot plays for them">Away</span>` : "",
    ].join("");
    const buttons = [];
    if (!s.occupied) {
      if (you.spectator) buttons.push(`<button class="btn small primary" data-act="take_seat" data-seat="${s.seat}">Sit here</button>`);
      if (you.is_host) buttons.push(`<button class="btn small" data-act="add_bot" data-seat="${s.seat}">Add bot</button>`);
    } else if (s.is_bot) {
      if (you.is_host) buttons.push(`<button class="btn small ghost" data-act="remove_bot" data-seat="${s.seat}">Remove bot</button>`);
    } else if (s.is_you) {
      buttons.push(`<button class="btn small ghost" data-act="leave" data-seat="${s.seat}">Leave seat</button>`);
    } else if (you.is_host) {
      buttons.push(`<button class="btn small danger" data-act="kick" data-seat="${s.seat}">Kick</button>`);
    }
    return `<div class="seat-slot${s.occupied ? "" : " empty"}${s.is_you ? " is-you" : ""}" data-seat="${s.seat}">
      <div class="seat-no">Seat ${s.seat + 1}</div>
      <div class="seat-avatar${s.is_bot ? " bot" : ""}" aria-hidden="true">${s.occupied ? esc((s.name || "?").slice(0, 1).toUpperCase()) : "+"}</div>
      <div class="seat-who">${s.occupied ? esc(s.name) : `<span class="muted">Empty seat</span>`}</div>
      <div class="tags">${tags}</div>
      <div class="seat-buttons">${buttons.join("")}</div>
    </div>`;
  }).join("");
  $("err-seats").outerHTML = errHTML("err-seats");

  const full = room.seats.every((s) => s.occupied);
  const start = $("start-btn");
  const again = g().phase === "GAME_OVER";
  start.hidden = !you.is_host;
  start.disabled = !full;
  start.textContent = again ? "Play again" : "Start game";
  const free = room.seats.filter((s) => !s.occupied).length;
  $("start-hint").textContent = !full
    ? `${plural(free, "seat")} free — ${you.is_host ? "add bots or " : ""}share the invite link.`
    : you.is_host ? "Everyone is seated." : `Waiting for ${host ? host.name : "the host"} to start.`;
  if (you.spectator && free === 0) $("start-hint").textContent = "The table is full — you are watching.";
  $("err-start").outerHTML = errHTML("err-start");

  const st = room.settings;
  $("settings-summary").textContent =
    `To ${st.target_score} · ${st.action_time_limit ? `${st.action_time_limit} s per move` : "no time limit"} · ` +
    `${st.redeal_window} s to decide on a redeal · ${pacingOf(st)} pacing · ${room.is_public ? "public" : "private"}`;
  const box = $("settings-box");
  box.hidden = !you.is_host;
  if (you.is_host && !box.open) {
    $("set-target").value = st.target_score;
    $("set-time").value = String(st.action_time_limit);
    setRedealChoice(st.redeal_window);
    const pace = pacingOf(st);
    $("set-pacing").value = pace === "custom" ? "relaxed" : pace;
  }
}

// A window set through the API (any 0-600 s) shows as its own choice
// rather than being silently changed to a listed one on the next save.
function setRedealChoice(seconds) {
  const sel = $("set-redeal");
  const value = String(seconds);
  if (![...sel.options].some((o) => o.value === value)) sel.add(new Option(`${value} s`, value));
  sel.value = value;
}

$("seats").addEventListener("click", (ev) => {
  const btn = ev.target.closest("button[data-act]");
  if (!btn) return;
  const type = btn.dataset.act;
  const msg = type === "leave" ? { type } : { type, seat: Number(btn.dataset.seat) };
  act(msg, "err-seats");
});
$("start-btn").addEventListener("click", () => act({ type: "start" }, "err-start"));
$("settings-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const target = Number($("set-target").value);
  if (!Number.isInteger(target) || target < 1 || target > 1000) {
    setError("err-settings", "Target score must be a whole number from 1 to 1000.");
    return;
  }
  act({ type: "settings", settings: { target_score: target, action_time_limit: Number($("set-time").value), redeal_window: Number($("set-redeal").value), ...PACING[$("set-pacing").value] } }, "err-settings");
  $("settings-box").open = false;
});
$("copy-invite").addEventListener("click", async () => {
  const input = $("invite-link");
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    document.execCommand("copy");
  }
  $("copy-invite").textContent = "Copied!";
  setTimeout(() => { $("copy-invite").textContent = "Copy invite link"; }, 1600);
});
$("invite-link").value = `${location.origin}/r/${CODE}/`;

// ----- status bar
function renderStatus() {
  const game = g();
  const m = game.multiplier;
  $("status-bar").innerHTML =
    `<span class="stat"><span class="k">Round</span> <b id="round-no">${game.round}</b></span>` +
    `<span class="stat mult${m > 1 ? " hot" : ""}" title="Round scores are multiplied by this (each redeal adds 1)"><span class="k">Multiplier</span> <b id="multiplier">×${m}</b></span>` +
    `<span class="stat"><span class="k">Target</span> <b>${game.target_score}</b></span>` +
    `<span class="stat phase"><b>${PHASE_LABELS[game.phase] || game.phase}</b></span>` +
    (S.you.spectator ? `<span class="stat"><span class="tag">Watching</span></span>` : "");
}

// ----- seats around the table
function showingResult() {
  const game = g();
  if (game.phase === "SCORING") return !!game.last_turn;
  return game.phase === "TURN" && game.turn && game.turn.plays.length === 0 && game.turn.number > 1 && !!game.last_turn;
}

function currentBest(plays) {
  if (!plays.length) return null;
  const [leadType, leadValue] = analyse(plays[0].pieces);
  let best = 0;
  let bestValue = leadValue;
  plays.forEach((p, i) => {
    if (i === 0) return;
    const [t, v] = analyse(p.pieces);
    if (t === leadType && v > bestValue) { best = i; bestValue = v; }
  });
  return plays[best].seat;
}

function pilesHTML(d, a) {
  const n = Math.max(d ?? 0, a, 1);
  let pips = "";
  for (let i = 0; i < Math.max(n, d ?? 0); i++) {
    const cls = i < a ? (d !== null && i >= d ? "pip won over" : "pip won") : "pip";
    if (i < a || (d !== null && i < d)) pips += `<i class="${cls}"></i>`;
  }
  return `<span class="pips" aria-hidden="true">${pips}</span>`;
}

function renderZones() {
  const game = g();
  const me = mySeat() ?? 0;
  const result = showingResult();
  const plays = result ? game.last_turn.plays : game.turn ? game.turn.plays : [];
  const winner = result ? game.last_turn.winner : null;
  const best = !result && plays.length > 1 ? currentBest(plays) : null;
  const acting = new Set(["PREPARATION", "DECLARATION", "TURN"].includes(game.phase) ? game.awaiting : []);
  for (let s = 0; s < 4; s++) {
    const pos = POSITIONS[(s - me + 4) % 4];
    const zone = document.querySelector(`.zone[data-pos="${pos}"]`);
    const seat = S.room.seats[s];
    const d = game.declarations[s];
    const a = game.captured[s];
    const play = plays.find((p) => p.seat === s);
    const tags = [
      seat.is_host ? `<span class="tag host" title="Host">♛</span>` : "",
      seat.is_bot ? `<span class="tag bot">Bot</span>` : "",
      seat.away ? `<span class="tag away" title="Disconnected — a bot plays for them">Away</span>` : "",
      game.round_starter === s || (game.phase === "PREPARATION" && game.prospective_starter === s)
        ? `<span class="tag starter" title="Starts this round">Starts</span>` : "",
    ].join("");
    let status = "";
    if (acting.has(s)) {
      const at = deadlineFor("timeout", s);
      const botAt = deadlineFor(null, s);
      status = `<span class="acting">${s === mySeat() ? "Your move" : seat.is_bot || seat.away ? "Thinking…" : "To move"}</span>` +
        (at ? countdownHTML(at) : botAt && S.deadline.kind === "timeout" ? countdownHTML(botAt) : "");
    }
    if (game.phase === "PREPARATION" && game.redeal && game.redeal.weak_seats.includes(s)) {
      const dec = game.redeal.decisions[s];
      status = `<span class="acting">${dec === null ? "Weak hand — deciding" : dec ? "Asked for a redeal" : "Keeps the hand"}</span>`;
    }
    const declText = d === null || d === undefined ? (game.phase === "DECLARATION" ? "declaring…" : "—") : `${a} of ${d}`;
    zone.innerHTML = `
      <div class="seat-card${s === mySeat() ? " is-you" : ""}${acting.has(s) ? " to-act" : ""}${winner === s ? " winner" : ""}" data-seat="${s}">
        <div class="seat-top"><span class="seat-name">${esc(nameOf(s))}${s === mySeat() ? ` <span class="muted">(you)</span>` : ""}</span>${tags}
          <span class="seat-total" title="Game total"><b class="total">${game.totals[s]}</b><span class="k"> pts</span></span></div>
        <div class="seat-line" title="Piles captured of piles declared">
          ${pilesHTML(d ?? null, a)}<span class="decl"><span class="k">Piles</span> <b>${declText}</b></span>
          <span class="hand-count" title="Pieces in hand">${game.hand_sizes[s]}<span class="k"> pcs</span></span>
        </div>
        ${status ? `<div class="seat-status">${status}</div>` : ""}
      </div>
      <div class="seat-play${winner === s ? " winner" : ""}${best === s ? " best" : ""}" aria-label="${esc(nameOf(s))} played">
        ${play ? play.pieces.map((k) => pieceHTML(k, { size: "sm" })).join("") +
          `<span class="play-label">${esc(TYPE_LABELS[play.play_type] || play.play_type)}${play.play_type !== "INVALID" ? ` ${play.value}` : ""}${winner === s ? ` · wins ${plural(game.last_turn.piles, "pile")}` : best === s ? " · best so far" : ""}</span>` : ""}
      </div>`;
  }
}

function renderCenter() {
  const game = g();
  let html = "";
  if (game.phase === "PREPARATION") {
    html = game.redeal
      ? `<div class="center-title">Weak hand${game.redeal.weak_seats.length > 1 ? "s" : ""}!</div><div>${game.redeal.weak_seats.map(who).join(", ")} may ask for a redeal.</div>`
      : `<div class="center-title">Dealing…</div>`;
  } else if (game.phase === "DECLARATION") {
    const sum = game.declarations.reduce((t, v) => t + (v ?? 0), 0);
    const cur = game.current_seat;
    html = `<div class="center-title">Declarations</div><div>Total so far <b>${sum}</b> of 8 piles</div>` +
      (cur !== null ? `<div class="muted">${cur === mySeat() ? "Your turn to declare" : `${who(cur)} is declaring`}</div>` : "");
  } else if (game.phase === "TURN") {
    const t = game.turn;
    if (showingResult()) {
      const lt = game.last_turn;
      const wp = lt.plays.find((p) => p.seat === lt.winner);
      html = `<div class="center-title win">${who(lt.winner)} ${lt.winner === mySeat() ? "win" : "wins"} ${plural(lt.piles, "pile")}</div>` +
        `<div class="muted">with ${esc(TYPE_LABELS[wp.play_type] || "")} ${wp.value} · turn ${lt.turn}</div>`;
    } else {
      const lead = t.plays.length === 0;
      html = `<div class="center-title">Turn ${t.number}</div>` +
        (lead ? `<div>${who(game.current_seat)} ${game.current_seat === mySeat() ? "lead" : "leads"}</div>`
          : `<div><b>${t.required_count}</b> piece${t.required_count > 1 ? "s" : ""} each · ${esc(TYPE_LABELS[t.plays[0].play_type])} led</div>`) +
        (!lead && game.current_seat !== null ? `<div class="muted">${game.current_seat === mySeat() ? "Your turn" : `${who(game.current_seat)} to play`}</div>` : "");
    }
  } else if (game.phase === "SCORING") {
    html = `<div class="center-title">Round ${game.round} over</div>`;
  }
  $("center").innerHTML = html;
}

// ----- action panel (what you can do now)
function renderAction() {
  const game = g();
  const me = mySeat();
  const el = $("action");
  el.dataset.kind = game.phase;
  if (game.phase === "SCORING") {
    const at = deadlineFor("start_next_round");
    el.innerHTML = `<div class="action-head"><h2>Round ${game.last_round ? game.last_round.round : game.round} results</h2>` +
      `${at ? `<span class="muted">Next round in ${countdownHTML(at)}</span>` : ""}</div>` +
      (game.last_round ? roundTableHTML(game.last_round) : "");
    return;
  }
  if (me === null) {
    el.innerHTML = `<p class="muted">You are watching this game. Hands stay hidden; plays appear as they are made.</p>`;
    return;
  }
  if (game.phase === "PREPARATION") el.innerHTML = redealHTML();
  else if (game.phase === "DECLARATION") el.innerHTML = declareHTML();
  else if (game.phase === "TURN") {
    el.innerHTML = playHTML();
    updatePlayControls();
  } else el.innerHTML = "";
}

function redealHTML() {
  const game = g();
  const r = game.redeal;
  const at = deadlineFor("close_redeal_window");
  if (!r) return `<div class="action-head"><h2>Dealing…</h2></div>`;
  const next = game.multiplier + 1;
  const decisions = r.weak_seats.map((s) => {
    const d = r.decisions[s];
    return `<li>${who(s)}: ${d === null ? "deciding…" : d ? "asks for a redeal" : "keeps the hand"}</li>`;
  }).join("");
  if (r.eligible) {
    return `<div class="action-head"><h2>Weak hand — ask for a redeal?</h2>${at ? `<span class="muted">Decide within ${countdownHTML(at)}</span>` : ""}</div>
      <p>None of your pieces is worth more than 9. If you ask (and you are the first in play order to ask),
      all hands are dealt again, <b>you start the round</b> and the round's multiplier goes from
      <b>×${game.multiplier}</b> to <b>×${next}</b> — every score this round counts ${next} times.</p>
      <div class="row">
        <button class="btn primary" type="button" id="redeal-yes">Ask for a redeal (×${next})</button>
        <button class="btn" type="button" id="redeal-no">Keep this hand</button>
      </div>
      ${errHTML("err-redeal")}`;
  }
  return `<div class="action-head"><h2>Redeal offer</h2>${at ? `<span class="muted">Closes in ${countdownHTML(at)}</span>` : ""}</div>
    <p>Current multiplier <b>×${game.multiplier}</b>. A redeal would make it <b>×${next}</b>.</p>
    <ul class="decisions">${decisions}</ul>${errHTML("err-redeal")}`;
}

function declareHTML() {
  const game = g();
  const a = game.allowed;
  const mine = a.declare.length > 0;
  const cur = game.current_seat;
  const forbidden = a.declare_forbidden || {};
  const at = deadlineFor("timeout", mySeat());
  const mineDone = game.declarations[mySeat()] !== null;
  const buttons = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((v) => {
    const why = forbidden[String(v)];
    const ok = mine && a.declare.includes(v);
    return `<button class="btn declare-btn${why ? " forbidden" : ""}" type="button" data-value="${v}" ${ok ? "" : "disabled"}
      ${why ? `aria-describedby="why-${v}" title="${esc(why)}"` : ""}>${v}</button>`;
  }).join("");
  const reasons = Object.entries(forbidden).map(([v, why]) => `<li id="why-${v}"><b>${v}</b> is not allowed: ${esc(why)}</li>`).join("");
  const title = mine ? "How many piles will you capture?"
    : mineDone ? `You declared ${game.declarations[mySeat()]}` : `Waiting for ${who(cur)} to declare`;
  return `<div class="action-head"><h2>${title}</h2>${mine && at ? `<span class="muted">${countdownHTML(at)} left</span>` : ""}</div>
    <div class="declare-grid" role="group" aria-label="Declaration">${buttons}</div>
    ${reasons ? `<ul class="reasons">${reasons}</ul>` : ""}
    ${mine ? `<p class="hint">Exactly right scores declared + 5 (× the multiplier); every pile off costs one point.</p>` : ""}
    ${errHTML("err-declare")}`;
}

function playHTML() {
  const game = g();
  const p = game.allowed.play;
  const at = deadlineFor("timeout", mySeat());
  let title;
  let hint;
  if (p) {
    title = p.lead ? "Your lead" : `Your turn: play ${plural(p.count, "piece")}`;
    hint = p.lead
      ? "Lead any valid play (single, pair, straight, three/four/five soldiers…). Its size binds everyone this turn."
      : `Any ${p.count} piece${p.count > 1 ? "s" : ""}: only a stronger ${esc(TYPE_LABELS[game.turn.plays[0].play_type].toLowerCase())} can win; anything else is a discard.`;
  } else {
    title = game.current_seat !== null ? `Waiting for ${who(game.current_seat)}` : "Turn over";
    hint = "You can plan your next play: select pieces to see what they make.";
  }
  return `<div class="action-head"><h2>${title}</h2>${p && at ? `<span class="muted">${countdownHTML(at)} left</span>` : ""}</div>
    <p class="hint">${hint}</p>
    <div class="play-row">
      <div class="preview" id="preview" aria-live="polite"></div>
      <button class="btn ghost" type="button" id="clear-btn">Clear</button>
      <button class="btn primary" type="button" id="play-btn" disabled>Play</button>
    </div>
    ${errHTML("err-play")}`;
}

function selectedKinds() {
  return [...selected].sort((a, b) => a - b).map((i) => handOrder[i]);
}

function playCheck() {
  const kinds = selectedKinds();
  const [type, value] = analyse(kinds);
  const p = S && g().allowed.play;
  const n = kinds.length;
  if (!n) return { ok: false, text: "Select pieces from your hand", cls: "" };
  const label = type === "INVALID" ? "Not a valid play" : `${TYPE_LABELS[type]} · value ${value}`;
  if (!p) return { ok: false, text: `${label}`, cls: type === "INVALID" ? "bad" : "good" };
  if (p.lead) {
    if (type === "INVALID") return { ok: false, text: `${label} — a lead must be a valid play`, cls: "bad" };
    return { ok: true, text: `${label} · ${plural(n, "piece")}`, cls: "good" };
  }
  const need = p.count;
  if (n !== need) return { ok: false, text: `${n} of ${need} selected · ${label}`, cls: "bad" };
  const plays = g().turn.plays;
  const [leadType] = analyse(plays[0].pieces);
  let bestValue = -1;
  for (const pl of plays) {
    const [t, v] = analyse(pl.pieces);
    if (t === leadType && v > bestValue) bestValue = v;
  }
  const wins = type === leadType && value > bestValue;
  return { ok: true, text: `${label} · ${wins ? "beats the table so far" : "will not win (discard)"}`, cls: wins ? "good" : "" };
}

function updatePlayControls() {
  const btn = $("play-btn");
  if (!btn) return;
  const c = playCheck();
  const pv = $("preview");
  pv.textContent = c.text;
  pv.className = `preview ${c.cls}`;
  btn.disabled = !c.ok || sending;
  btn.textContent = sending ? "Playing…" : "Play";
  $("clear-btn").disabled = selected.size === 0;
}

$("action").addEventListener("click", (ev) => {
  const t = ev.target.closest("button");
  if (!t || t.disabled) return;
  if (t.classList.contains("declare-btn")) {
    act({ type: "declare", value: Number(t.dataset.value) }, "err-declare");
  } else if (t.id === "redeal-yes" || t.id === "redeal-no") {
    act({ type: "redeal", accept: t.id === "redeal-yes" }, "err-redeal");
  } else if (t.id === "play-btn") {
    playSelected();
  } else if (t.id === "clear-btn") {
    selected.clear();
    updateHandSelection();
  }
});

function playSelected() {
  if (!playCheck().ok || sending) return;
  const id = act({ type: "play", pieces: selectedKinds() }, "err-play");
  if (id) { sending = true; updatePlayControls(); }
}

// ----- hand
function renderHand() {
  const game = g();
  const area = $("hand-area");
  area.hidden = !game.hand || (game.hand.length === 0 && game.phase !== "TURN");
  if (area.hidden) return;
  handOrder = sortKinds(game.hand, sortMode);
  const key = `${sortMode}|${game.round}|${handOrder.join(",")}`;
  if (key !== handKey) {
    handKey = key;
    selected = new Set();
    sending = false;
    $("hand").innerHTML = handOrder.map((k, i) => pieceHTML(k, { button: true, index: i, size: "lg" })).join("");
  }
  sending = sending && !!game.allowed.play;
  const total = game.hand.reduce((t, k) => t + POINTS[k], 0);
  $("hand-note").innerHTML = game.hand.length
    ? `${plural(game.hand.length, "piece")} · ${total} points<span class="key-hint"> · ←/→ move, Enter/Space select, P plays, Esc clears</span>`
    : "Your hand is empty";
  $("sort-btn").textContent = `Sort: ${sortMode === "value" ? "by value" : "by colour"}`;
  updateHandSelection();
}

function updateHandSelection() {
  document.querySelectorAll("#hand .piece").forEach((b) => {
    const on = selected.has(Number(b.dataset.index));
    b.classList.toggle("selected", on);
    b.setAttribute("aria-pressed", on ? "true" : "false");
  });
  updatePlayControls();
}

$("hand").addEventListener("click", (ev) => {
  const b = ev.target.closest(".piece");
  if (!b) return;
  const i = Number(b.dataset.index);
  if (selected.has(i)) selected.delete(i);
  else selected.add(i);
  updateHandSelection();
});
$("hand").addEventListener("keydown", (ev) => {
  const pieces = [...document.querySelectorAll("#hand .piece")];
  const i = pieces.indexOf(document.activeElement);
  if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
    ev.preventDefault();
    const j = i < 0 ? 0 : (i + (ev.key === "ArrowRight" ? 1 : -1) + pieces.length) % pieces.length;
    pieces[j].focus();
  }
});
document.addEventListener("keydown", (ev) => {
  if (ev.target.matches("input, select, textarea") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === "Escape" && selected.size) {
    selected.clear();
    updateHandSelection();
  } else if ((ev.key === "p" || ev.key === "P") && $("play-btn") && !$("game").hidden) {
    playSelected();
  }
});
$("sort-btn").addEventListener("click", () => {
  sortMode = sortMode === "value" ? "colour" : "value";
  localStorage.setItem("lt-sort", sortMode);
  renderHand();
});

// ----- scoreboard, round tables, fairness
function renderScoreboard() {
  const game = g();
  const rows = [0, 1, 2, 3].map((s) => {
    const d = game.declarations[s];
    return `<tr class="${s === mySeat() ? "is-you" : ""}${game.current_seat === s ? " to-act" : ""}">
      <th scope="row">${esc(nameOf(s))}</th><td>${d ?? "–"}</td><td>${game.captured[s]}</td><td class="total">${game.totals[s]}</td></tr>`;
  }).join("");
  $("scoreboard").innerHTML = `<h2>Round ${game.round} <span class="muted">· ×${game.multiplier}</span></h2>
    <table class="mini-table"><thead><tr><th scope="col">Player</th><th scope="col" title="Declared piles">Decl.</th>
    <th scope="col" title="Captured piles">Won</th><th scope="col">Total</th></tr></thead><tbody>${rows}</tbody></table>
    <p class="muted small">First to ${game.target_score} ends the game.</p>`;
}

function renderLastRound() {
  const game = g();
  const lr = game.last_round;
  const el = $("last-round");
  el.hidden = !lr || game.phase === "SCORING";
  if (el.hidden) return;
  const wasOpen = el.querySelector("details")?.open;
  el.innerHTML = `<details${wasOpen ? " open" : ""}><summary>Round ${lr.round} results</summary>${roundTableHTML(lr)}</details>`;
}

function roundTableHTML(lr) {
  const rows = lr.seats.map((x) => `<tr class="${x.seat === mySeat() ? "is-you" : ""}${x.declared > 0 && x.declared === x.captured ? " perfect" : ""}">
      <th scope="row">${esc(nameOf(x.seat))}</th><td>${x.declared}</td><td>${x.captured}</td>
      <td>${x.base > 0 ? "+" : ""}${x.base}</td><td>×${x.multiplier}</td>
      <td class="score ${x.score >= 0 ? "pos" : "neg"}">${x.score > 0 ? "+" : ""}${x.score}</td><td class="total">${x.total}</td></tr>`).join("");
  const deals = lr.deals.map((d) => {
    const key = `${lr.round}:${d.deal}`;
    const res = verifyResults.get(key);
    return `<li class="deal" data-key="${key}">
      <div><span class="k">Deal ${d.deal}${lr.deals.length > 1 && d.deal < lr.deals.length ? " (thrown in)" : ""}</span></div>
      <div class="mono"><span class="k">Commitment</span> <code>${esc(d.commitment)}</code></div>
      <div class="mono"><span class="k">Seed</span> <code>${esc(d.seed)}</code></div>
      <div class="mono"><span class="k">Shuffle</span> <code>v${esc(d.shuffle ?? 1)}</code></div>
      <button class="btn small verify-btn" type="button" data-seed="${esc(d.seed)}" data-commitment="${esc(d.commitment)}" data-shuffle="${esc(d.shuffle ?? 1)}" data-key="${key}">Verify</button>
      <div class="verify-out ${res ? (res.ok ? "ok" : "bad") : ""}" role="status">${res ? `${res.ok ? "✓" : "✗"} ${res.lines.map(esc).join(" ")}` : ""}</div>
    </li>`;
  }).join("");
  return `<div class="table-wrap"><table class="score-table">
      <thead><tr><th scope="col">Player</th><th scope="col" title="Declared piles">Decl.</th><th scope="col" title="Captured piles">Capt.</th>
      <th scope="col" title="Base score">Base</th><th scope="col" title="Redeal multiplier">Mult.</th><th scope="col" title="Round score = base × multiplier">Round</th><th scope="col">Total</th></tr></thead><tbody>${rows}</tbody></table></div>
    <details class="fairness"><summary>Fair deal check</summary>
      <p class="muted small">Before play, the server published SHA-256 of a secret seed; the seed alone decides the shuffle.
      Now the seed is public: check it matches and reproduces your hand.</p>
      <ul class="deals">${deals}</ul></details>`;
}

document.addEventListener("click", async (ev) => {
  const b = ev.target.closest(".verify-btn");
  if (!b) return;
  const key = b.dataset.key;
  const dealt = dealtHands.get(key);
  b.disabled = true;
  const res = await verifyDeal({
    seed: b.dataset.seed, commitment: b.dataset.commitment, seenCommitment: seenCommitments.get(key),
    myHand: dealt && dealt.hand, mySeat: dealt && dealt.seat, shuffle: Number(b.dataset.shuffle || 1),
  });
  verifyResults.set(key, res);
  document.querySelectorAll(`.deal[data-key="${key}"] .verify-out`).forEach((out) => {
    out.className = `verify-out ${res.ok ? "ok" : "bad"}`;
    out.textContent = `${res.ok ? "✓" : "✗"} ${res.lines.join(" ")}`;
  });
  b.disabled = false;
});

// ----- game over
function renderResults() {
  const game = g();
  const go = game.game_over;
  if (!go) return;
  const winners = go.winners.map(who).join(" and ");
  const iWon = go.winners.includes(mySeat());
  const ranking = go.ranking.map((s, i) => {
    const st = game.stats[s];
    return `<li class="${go.winners.includes(s) ? "winner" : ""}${s === mySeat() ? " is-you" : ""}">
      <span class="place">${i + 1}</span><span class="rname">${esc(nameOf(s))}${go.winners.includes(s) ? ` <span class="tag win">Winner</span>` : ""}</span>
      <span class="rtotal">${game.totals[s]}</span>
      <span class="rstats muted">${plural(st.perfect_rounds, "perfect round")} · ${plural(st.turns_won, "turn")} won · ${plural(st.piles_captured, "pile")}</span></li>`;
  }).join("");
  const host = S.you.is_host;
  $("results").innerHTML = `<div class="results-head"><h2 id="results-title">Game over</h2>
      <p class="big-line">${iWon ? "♛ You win" : `♛ ${winners} ${go.winners.length > 1 ? "win" : "wins"}`}${go.winners.length > 1 && iWon ? ` (shared with ${go.winners.filter((s) => s !== mySeat()).map(who).join(", ")})` : ""}!</p></div>
    <ol class="ranking" id="ranking">${ranking}</ol>
    ${game.last_round ? `<h3>Final round (${game.last_round.round})</h3>${roundTableHTML(game.last_round)}` : ""}
    <div class="row end">
      ${host ? `<button class="btn primary big" type="button" id="again-btn">Play again</button>` : `<span class="muted">The host can start another game in this room.</span>`}
      <a class="btn" href="/lobby/">Back to lobby</a>
    </div>${errHTML("err-again")}`;
  const again = $("again-btn");
  if (again) {
    again.disabled = !S.room.seats.every((s) => s.occupied);
    again.addEventListener("click", () => act({ type: "start" }, "err-again"));
  }
  $("start-btn").hidden = true;
}

// ----- log: derived from successive states, so it is complete whatever
// events a socket did or did not receive (and after a reconnect).
const logged = new Set();
function addLog(key, line) {
  if (logged.has(key)) return;
  logged.add(key);
  logLines.push(line);
  if (logLines.length > 80) logLines.shift();
}
const miniPieces = (pieces) => pieces.map((k) => `<span class="mini ${k.endsWith("RED") ? "red" : "black"}" title="${pieceName(k)}">${POINTS[k]}</span>`).join("");
const playLine = (p) => `${who(p.seat)} played ${miniPieces(p.pieces)}${p.play_type !== "INVALID" ? ` (${esc(TYPE_LABELS[p.play_type])} ${p.value})` : ""}.`;

function logState(prev, cur) {
  const gp = prev ? prev.game : null;
  const gc = cur.game;
  if (prev) {
    cur.room.seats.forEach((s, i) => {
      const o = prev.room.seats[i];
      if (s.name !== o.name) {
        addLog(`seat:${cur.version}:${i}`, s.occupied ? `${esc(s.name)} sat at seat ${i + 1}.` : `${esc(o.name)} left seat ${i + 1}.`);
      } else if (s.away !== o.away) {
        addLog(`away:${cur.version}:${i}`, s.away ? `${esc(s.name)} disconnected — a bot plays for now.` : `${esc(s.name)} is back.`);
      }
    });
  }
  if (gc.phase === "WAITING") return;
  const r = gc.round;
  if (r && (!gp || gp.round !== r)) addLog(`round:${r}:${gc.totals.join()}`, `<b>Round ${r}</b> — hands dealt.`);
  if (gc.redeal) {
    gc.redeal.decisions.forEach((d, s) => {
      if (d !== null) addLog(`redeal:${r}:${gc.deals.length}:${s}`, `${who(s)} ${d ? "asked for a redeal" : "kept the hand"}.`);
    });
  }
  if (gp && gp.round === r && gc.multiplier > gp.multiplier) addLog(`mult:${r}:${gc.multiplier}`, `Redeal! Multiplier now <b>×${gc.multiplier}</b>.`);
  gc.declarations.forEach((d, s) => { if (d !== null) addLog(`decl:${r}:${s}`, `${who(s)} declared <b>${d}</b>.`); });
  const lt = gc.last_turn;
  const ltKey = lt ? `${r}:${lt.turn}:${lt.plays.map((p) => p.pieces.join("+")).join("/")}` : null;
  if (lt && ["TURN", "SCORING", "GAME_OVER"].includes(gc.phase) && (!gp || !gp.last_turn || gp.last_turn.turn !== lt.turn || gp.round !== r) && !logged.has(`won:${ltKey}`)
      && (gc.turn ? gc.turn.number === lt.turn + 1 : true)) {
    for (const p of lt.plays) addLog(`play:${r}:${lt.turn}:${p.seat}`, playLine(p));
    addLog(`won:${ltKey}`, `${who(lt.winner)} won turn ${lt.turn}: <b>${plural(lt.piles, "pile")}</b>.`);
  }
  if (gc.turn) for (const p of gc.turn.plays) addLog(`play:${r}:${gc.turn.number}:${p.seat}`, playLine(p));
  const lr = gc.last_round;
  if (lr && (!gp || !gp.last_round || gp.last_round.round !== lr.round || gp.phase === "GAME_OVER")) {
    addLog(`scored:${lr.round}:${lr.seats.map((x) => x.total).join()}`, `Round ${lr.round} scored: ${lr.seats.map((x) => `${who(x.seat)} ${x.score > 0 ? "+" : ""}${x.score}`).join(", ")}.`);
  }
  if (gc.game_over) addLog(`over:${gc.totals.join()}:${r}`, `<b>Game over.</b> ${gc.game_over.winners.map(who).join(" and ")} won.`);
}

function renderLog() {
  const el = $("log");
  if (!el) return;
  el.innerHTML = logLines.slice(-40).reverse().map((l) => `<li>${l}</li>`).join("") || `<li class="muted">Moves appear here.</li>`;
}

// ----- countdowns
function tick() {
  const now = live.serverNow();
  document.querySelectorAll(".countdown").forEach((el) => {
    const left = el.dataset.atMs ? Number(el.dataset.atMs) - Date.now() : Date.parse(el.dataset.at) - now;
    const secs = Math.max(0, Math.ceil(left / 1000));
    el.textContent = `${secs} s`;
    el.classList.toggle("urgent", secs <= 10);
  });
}
setInterval(tick, 250);

// test and debugging hook (read-only picture of the latest state)
Object.defineProperty(window, "liaptui", { value: { get state() { return S; }, send: (m) => live.send(m) } });

live.connect();
