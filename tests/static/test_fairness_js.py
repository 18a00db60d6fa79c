"""The browser's deal check (static/js/fairness.js) re-deals exactly what the
engine deals, for both shuffle versions (run in Node, whose global ``crypto``
is the same WebCrypto the browser uses)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from games.engine import commitment, deal_from_seed

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
SEEDS = ["", "x", "seed-1", "ünïcode-種子", "a" * 200, "3f2a9c0d5e7b1a4c8d6e2f0a9b3c5d7e"] + [
    f"s{n}" for n in range(20)
]

RUNNER = """
import { dealFromSeed, verifyDeal } from "%s";
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const { seeds, checks } = JSON.parse(input);
  const deals = {};
  for (const v of [1, 2]) deals[v] = await Promise.all(seeds.map((s) => dealFromSeed(s, v)));
  const unknown = await dealFromSeed("x", 3).then(() => "dealt", (e) => String(e.message));
  const verified = await Promise.all(checks.map((c) => verifyDeal(c).then((r) => r.ok)));
  process.stdout.write(JSON.stringify({ deals, unknown, verified }));
});
"""


def run_node(tmp_path: Path, payload: dict) -> dict:
    if NODE is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is required in CI to test static/js/fairness.js")
        pytest.skip("node is not installed")
    runner = tmp_path / "fair.mjs"
    runner.write_text(RUNNER % (ROOT / "static" / "js" / "fairness.js").as_uri())
    out = subprocess.run(
        [NODE, str(runner)], input=json.dumps(payload), capture_output=True, text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_js_deals_what_the_engine_deals_for_both_versions(tmp_path) -> None:
    js = run_node(tmp_path, {"seeds": SEEDS, "checks": []})
    for v in (1, 2):
        for seed, hands in zip(SEEDS, js["deals"][str(v)], strict=True):
            # exact order too: both sort strongest first
            assert hands == [list(h) for h in deal_from_seed(seed, v)], (v, seed)
    assert deal_from_seed(SEEDS[-1], 1) != deal_from_seed(SEEDS[-1], 2)
    assert "unknown shuffle version 3" in js["unknown"]


def test_js_verify_deal_uses_the_recorded_shuffle_version(tmp_path) -> None:
    seed = "3f2a9c0d5e7b1a4c8d6e2f0a9b3c5d7e"
    v1, v2 = deal_from_seed(seed, 1), deal_from_seed(seed, 2)
    seat = next(s for s in range(4) if sorted(v1[s]) != sorted(v2[s]))

    def check(hands, **kw) -> dict:
        return {"seed": seed, "commitment": commitment(seed), "myHand": list(hands[seat]),
                "mySeat": seat, **kw}

    checks = [
        check(v2, shuffle=2),  # a new deal
        check(v1, shuffle=1),  # a stored deal
        check(v1),  # no shuffle recorded: version 1
        check(v1, shuffle=2),  # the wrong version does not reproduce the hand
        check(v2, shuffle=1),
        check(v2),
        check(v2, shuffle=7),  # unknown version
    ]
    js = run_node(tmp_path, {"seeds": [], "checks": checks})
    assert js["verified"] == [True, True, True, False, False, False, False]
