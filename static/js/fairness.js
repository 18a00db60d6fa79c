// Check a deal in the browser: SHA-256(seed) must equal the commitment that
// was published when the pieces were dealt, and the seed must reproduce the
// hands (docs/engine.md, "Dealing (verifiable by hand)").
import { NAMES, POINTS } from "./pieces.js";

const COPIES = { GENERAL: 1, ADVISOR: 2, ELEPHANT: 2, CHARIOT: 2, HORSE: 2, CANNON: 2, SOLDIER: 5 };
const KINDS = Object.keys(POINTS).sort((a, b) => POINTS[b] - POINTS[a]);
export const DECK = KINDS.flatMap((k) => Array(COPIES[k.slice(0, k.lastIndexOf("_"))]).fill(k));
console.assert(DECK.length === 32 && NAMES.length === 7);

const enc = new TextEncoder();
async function sha256(text) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(text)));
}
export async function sha256hex(text) {
  return [...(await sha256(text))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The four hands (each sorted strongest first) that `seed` deals with shuffle
 * `version` (the one the deal recorded; absent = 1). Version 1: one SHA-256
 * per Fisher–Yates step, r = its first 8 bytes. Version 2: four SHA-256 of
 * `${seed}:${b}` (b = 0..3), each giving eight big-endian 32-bit draws.
 */
export async function dealFromSeed(seed, version = 1) {
  const d = [...DECK];
  if (version === 1) {
    for (let c = 0; c < 31; c++) {
      const i = 31 - c;
      const h = await sha256(`${seed}:${c}`);
      let r = 0n;
      for (let b = 0; b < 8; b++) r = (r << 8n) | BigInt(h[b]);
      const j = Number(r % BigInt(i + 1));
      [d[i], d[j]] = [d[j], d[i]];
    }
  } else if (version === 2) {
    const words = [];
    for (let b = 0; b < 4; b++) {
      const view = new DataView((await sha256(`${seed}:${b}`)).buffer);
      for (let k = 0; k < 8; k++) words.push(view.getUint32(4 * k, false)); // exact in a Number
    }
    for (let c = 0; c < 31; c++) {
      const i = 31 - c;
      const j = words[c] % (i + 1);
      [d[i], d[j]] = [d[j], d[i]];
    }
  } else {
    throw new Error(`unknown shuffle version ${version}`);
  }
  return [0, 1, 2, 3].map((s) => d.slice(8 * s, 8 * s + 8).sort((a, b) => POINTS[b] - POINTS[a]));
}

const sameMultiset = (a, b) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * Verify one deal. `seenCommitment`: what this browser saw at deal time (if
 * any); `myHand`/`mySeat`: the hand this browser was dealt (if recorded);
 * `shuffle`: the deal's shuffle version (absent = 1, deals from before versions).
 */
export async function verifyDeal({ seed, commitment, seenCommitment, myHand, mySeat, shuffle = 1 }) {
  if (!crypto?.subtle) return { ok: false, lines: ["This browser cannot compute SHA-256 here (needs HTTPS or localhost)."] };
  const lines = [];
  const digest = await sha256hex(seed);
  let ok = digest === commitment;
  lines.push(ok ? "SHA-256(seed) matches the commitment." : `SHA-256(seed) is ${digest.slice(0, 16)}…, not the commitment.`);
  if (seenCommitment) {
    const same = seenCommitment === commitment;
    ok = ok && same;
    lines.push(same ? "It is the commitment shown before anyone played." : "The commitment differs from the one shown at deal time!");
  }
  if (myHand && mySeat !== null && mySeat !== undefined) {
    if (shuffle !== 1 && shuffle !== 2) {
      return { ok: false, lines: [...lines, `Unknown shuffle version ${shuffle}: this page cannot re-deal it.`] };
    }
    const hands = await dealFromSeed(seed, shuffle);
    const same = sameMultiset(hands[mySeat], myHand);
    ok = ok && same;
    lines.push(same ? "The seed reproduces the hand you were dealt." : "The seed does not reproduce the hand you were dealt!");
  }
  return { ok, lines };
}
