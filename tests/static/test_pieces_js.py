"""The browser's copy of the play rules (static/js/pieces.js) agrees with the
engine on every multiset of up to six pieces the deck allows, and on the
points of every kind (run in Node, which this machine kind has)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from itertools import combinations_with_replacement
from pathlib import Path

import pytest

from games.engine import DECK, POINTS
from games.engine.plays import analyse

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")

RUNNER = """
import { analyse, POINTS } from "%s";
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const sets = JSON.parse(input);
  process.stdout.write(JSON.stringify({ points: POINTS, results: sets.map(analyse) }));
});
"""


def all_multisets() -> list[list[str]]:
    """Every multiset of 1..6 kinds that the deck's copies allow."""
    copies = Counter(DECK)
    kinds = sorted(copies)
    out = []
    for n in range(1, 7):
        for combo in combinations_with_replacement(kinds, n):
            if all(c <= copies[k] for k, c in Counter(combo).items()):
                out.append(list(combo))
    return out


@pytest.fixture(scope="module")
def js_results(tmp_path_factory) -> tuple[list[list[str]], dict]:
    if NODE is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is required in CI to test static/js/pieces.js")
        pytest.skip("node is not installed")
    sets = all_multisets()
    runner = tmp_path_factory.mktemp("js") / "run.mjs"
    runner.write_text(RUNNER % (ROOT / "static" / "js" / "pieces.js").as_uri())
    out = subprocess.run(
        [NODE, str(runner)], input=json.dumps(sets), capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return sets, json.loads(out.stdout)


def test_js_points_match_the_engine(js_results) -> None:
    _, js = js_results
    assert js["points"] == POINTS


def test_js_classification_matches_the_engine_for_every_multiset(js_results) -> None:
    sets, js = js_results
    assert len(sets) > 10_000
    mismatches = []
    for pieces, (js_type, js_value) in zip(sets, js["results"], strict=True):
        ptype, value = analyse(pieces)
        if (ptype.name, value) != (js_type, js_value):
            mismatches.append((pieces, (ptype.name, value), (js_type, js_value)))
    assert not mismatches, mismatches[:5]


def test_js_refuses_what_the_engine_refuses(js_results, tmp_path) -> None:
    odd = [[], ["GENERAL_RED"] * 7, ["NOT_A_PIECE"], ["GENERAL_RED", "GENERAL_BLACK"]]
    runner = tmp_path / "odd.mjs"
    runner.write_text(RUNNER % (ROOT / "static" / "js" / "pieces.js").as_uri())
    out = subprocess.run(
        [NODE, str(runner)], input=json.dumps(odd), capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)["results"]
    assert [r[0] for r in results] == [analyse(p)[0].name for p in odd] == ["INVALID"] * 4
