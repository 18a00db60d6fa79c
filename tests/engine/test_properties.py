"""Hypothesis properties over whole bot-driven games (target score 10).

One game run checks, at every step: deck conservation, replay == live state,
no view leaks a hand or an unrevealed seed, JSON round-trips, and that a
rejected random command changes nothing. At the end: piles per round sum to 8
and the game reached GAME_OVER.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace as dc_replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from games.engine import (
    DECISION_KEYS,
    DECK,
    KINDS,
    ActForSeat,
    CloseRedealWindow,
    Declare,
    GameState,
    Phase,
    Play,
    RedealDecision,
    RuleViolation,
    StartGame,
    StartNextRound,
    awaiting,
    command_from_dict,
    command_to_dict,
    decide,
    decide_and_evolve,
    decision_view,
    event_from_dict,
    event_to_dict,
    evolve,
    replay,
    state_from_json,
    state_to_json,
    view,
)
from games.engine.bots import choose_command

from .view_checks import as_json, assert_view_is_safe

MAX_STEPS = 20_000


def random_command(rng: random.Random):
    """A random command, usually illegal, to probe rejection."""
    seat = rng.randrange(4)
    pieces = tuple(rng.choice(KINDS) for _ in range(rng.randrange(0, 8)))
    return rng.choice([
        Declare(seat=seat, value=rng.randrange(-1, 10)),
        Play(seat=seat, pieces=pieces, seed="p"),
        RedealDecision(seat=seat, accept=rng.random() < 0.5, seed="r"),
        StartNextRound(seed="n"),
        StartGame(seed="g"),
        CloseRedealWindow(seed="c"),
        ActForSeat(seat=seat, seed="a"),
    ])


def run_game(seed: str, strategies, target: int, deep_checks: bool):
    rng = random.Random(seed)
    live = GameState.initial()
    folded = GameState.initial()
    log = []
    cmd = StartGame(seed=f"{seed}:start", target_score=target)
    for n in range(MAX_STEPS):
        events, live = decide_and_evolve(live, cmd)
        for e in events:
            folded = evolve(folded, e)
            log.append(e)
        assert folded == live  # incremental replay equals the live state
        hands = [p for h in live.hands for p in h]
        assert Counter(hands) + Counter(live.played_this_round) == Counter(DECK)
        if deep_checks:
            for s in (0, 1, 2, 3, None):
                full = view(live, s)
                assert_view_is_safe(live, s, full)
                assert as_json(decision_view(live, s)) == {k: full[k] for k in DECISION_KEYS}
            assert state_from_json(state_to_json(live)) == live
            for e in events:
                assert event_from_dict(event_to_dict(e)) == e
            probe = random_command(rng)
            before = state_to_json(live)
            try:
                decide(live, probe)
            except RuleViolation:
                pass
            assert state_to_json(live) == before
            assert command_from_dict(command_to_dict(probe)) == probe
        if live.phase is Phase.GAME_OVER:
            return live, log
        aw = awaiting(live)
        if aw:
            seat = rng.choice(aw)
            strategy = strategies[seat]
            if strategy == "act":
                cmd = ActForSeat(seat=seat, reason="bot", seed=f"{seed}:{n}")
            else:
                cmd = choose_command(view(live, seat), strategy, rng_seed=f"{seed}:{n}")
                cmd = dc_replace(cmd, seed=f"{seed}:{n}")
        else:
            cmd = StartNextRound(seed=f"{seed}:{n}")
    raise AssertionError("game did not end")


STRATS = hs.sampled_from(["random", "strategic", "act"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=hs.text(min_size=1, max_size=12), strategies=hs.tuples(STRATS, STRATS, STRATS, STRATS))
def test_any_bot_game_is_consistent_private_and_reaches_game_over(seed, strategies) -> None:
    final, log = run_game(seed, strategies, target=10, deep_checks=True)
    assert final.phase is Phase.GAME_OVER
    assert max(final.totals) >= 10
    assert replay(log) == final
    # piles of every round total 8
    for e in log:
        if e.type == "round_scored":
            assert sum(r["captured"] for r in e.data["seats"]) == 8


@settings(max_examples=40, deadline=None)
@given(seed=hs.integers(0, 10**9))
def test_random_legal_play_always_reaches_game_over(seed) -> None:
    final, log = run_game(str(seed), ("random",) * 4, target=10, deep_checks=False)
    assert final.phase is Phase.GAME_OVER
    assert set(final.winners) == {s for s in range(4) if final.totals[s] == max(final.totals)}
