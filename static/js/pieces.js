// Pieces, their points and glyphs, and play classification (rules.md §1, §6).
// Mirrors games/engine/pieces.py and plays.py; the server stays the judge.

export const NAMES = ["GENERAL", "ADVISOR", "ELEPHANT", "CHARIOT", "HORSE", "CANNON", "SOLDIER"];
const RED_POINTS = { GENERAL: 14, ADVISOR: 12, ELEPHANT: 10, CHARIOT: 8, HORSE: 6, CANNON: 4, SOLDIER: 2 };
const RED_GLYPHS = { GENERAL: "帥", ADVISOR: "仕", ELEPHANT: "相", CHARIOT: "俥", HORSE: "傌", CANNON: "炮", SOLDIER: "兵" };
const BLACK_GLYPHS = { GENERAL: "將", ADVISOR: "士", ELEPHANT: "象", CHARIOT: "車", HORSE: "馬", CANNON: "砲", SOLDIER: "卒" };

export const POINTS = {};
export const GLYPHS = {};
for (const n of NAMES) {
  POINTS[`${n}_RED`] = RED_POINTS[n];
  POINTS[`${n}_BLACK`] = RED_POINTS[n] - 1;
  GLYPHS[`${n}_RED`] = RED_GLYPHS[n];
  GLYPHS[`${n}_BLACK`] = BLACK_GLYPHS[n];
}

export const split = (kind) => {
  const i = kind.lastIndexOf("_");
  return [kind.slice(0, i), kind.slice(i + 1)];
};
export const colourOf = (kind) => split(kind)[1];
const title = (s) => s.charAt(0) + s.slice(1).toLowerCase();
export const pieceName = (kind) => {
  const [n, c] = split(kind);
  return `${title(c)} ${title(n)}`;
};

export const TYPE_LABELS = {
  SINGLE: "Single", PAIR: "Pair", THREE_OF_A_KIND: "Three of a kind", STRAIGHT: "Straight",
  FOUR_OF_A_KIND: "Four of a kind", EXTENDED_STRAIGHT: "Extended straight",
  EXTENDED_STRAIGHT_5: "Extended straight (5)", FIVE_OF_A_KIND: "Five of a kind",
  DOUBLE_STRAIGHT: "Double straight", INVALID: "Not a play",
};

const GROUPS = [["GENERAL", "ADVISOR", "ELEPHANT"], ["CHARIOT", "HORSE", "CANNON"]];
const SOLDIER_TYPES = { 3: "THREE_OF_A_KIND", 4: "FOUR_OF_A_KIND", 5: "FIVE_OF_A_KIND" };
const sameSet = (a, b) => a.size === b.length && b.every((x) => a.has(x));

/** [type, value] of a set of kinds; order does not matter; INVALID has value 0. */
export function analyse(kinds) {
  const n = kinds.length;
  if (n === 0 || n > 6 || kinds.some((k) => !(k in POINTS))) return ["INVALID", 0];
  const total = kinds.reduce((s, k) => s + POINTS[k], 0);
  if (n === 1) return ["SINGLE", total];
  const colours = new Set(kinds.map(colourOf));
  if (colours.size !== 1) return ["INVALID", 0];
  const names = new Map();
  for (const k of kinds) names.set(split(k)[0], (names.get(split(k)[0]) || 0) + 1);
  const nameSet = new Set(names.keys());
  if (n === 2) return nameSet.size === 1 ? ["PAIR", total] : ["INVALID", 0];
  if (nameSet.size === 1 && nameSet.has("SOLDIER")) {
    return SOLDIER_TYPES[n] ? [SOLDIER_TYPES[n], total] : ["INVALID", 0];
  }
  if (!GROUPS.some((g) => sameSet(nameSet, g))) return ["INVALID", 0];
  const shape = [...names.values()].sort().join("");
  const distinct = [...new Set(kinds)].reduce((s, k) => s + POINTS[k], 0);
  if (shape === "111") return ["STRAIGHT", total];
  if (shape === "112") return ["EXTENDED_STRAIGHT", distinct];
  if (shape === "122") return ["EXTENDED_STRAIGHT_5", distinct];
  if (shape === "222" && nameSet.has("CHARIOT")) return ["DOUBLE_STRAIGHT", total];
  return ["INVALID", 0];
}

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ESC[c]);

/** HTML of one piece (a span, or a button when opts.button). */
export function pieceHTML(kind, opts = {}) {
  const colour = colourOf(kind).toLowerCase();
  const tag = opts.button ? "button" : "span";
  const attrs = opts.button
    ? ` type="button" aria-pressed="${opts.selected ? "true" : "false"}" data-index="${opts.index}"`
    : ` role="img"`;
  const size = opts.size ? ` piece-${opts.size}` : "";
  return `<${tag} class="piece ${colour}${size}${opts.selected ? " selected" : ""}" data-kind="${kind}"` +
    `${attrs} aria-label="${pieceName(kind)}, ${POINTS[kind]} points" title="${pieceName(kind)} (${POINTS[kind]})">` +
    `<span class="glyph" aria-hidden="true">${GLYPHS[kind]}</span>` +
    `<span class="pts" aria-hidden="true">${POINTS[kind]}</span></${tag}>`;
}

/** Sort kinds strongest first, or by colour (red first) then strength. */
export function sortKinds(kinds, mode = "value") {
  const out = [...kinds];
  if (mode === "colour") {
    out.sort((a, b) => (colourOf(a) === colourOf(b) ? POINTS[b] - POINTS[a] : colourOf(a) === "RED" ? -1 : 1));
  } else {
    out.sort((a, b) => POINTS[b] - POINTS[a]);
  }
  return out;
}
