"""Shared builders for engine tests (not a conftest: plain imports)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace as dc_replace

from games.engine import (
    Event,
    GameState,
    Phase,
    StartGame,
    StartNextRound,
    awaiting,
    deal_from_seed,
    decide,
    evolve,
    is_weak_hand,
    view,
)
from games.engine.bots import choose_command
from games.engine.state import replace


def apply(state: GameState, command) -> tuple[GameState, list[Event]]:
    events = decide(state, command)
    for e in events:
        state = evolve(state, e)
    return state, events


def find_seed(pred: Callable[[tuple], bool], prefix: str = "seed") -> str:
    """First seed prefix-N whose deal satisfies pred (deterministic)."""
    for i in range(100_000):
        seed = f"{prefix}-{i}"
        if pred(deal_from_seed(seed)):
            return seed
    raise AssertionError("no seed found")


def no_weak(hands) -> bool:
    return not any(is_weak_hand(h) for h in hands)


def weak_seats(hands) -> list[int]:
    return [i for i, h in enumerate(hands) if is_weak_hand(h)]


def started(seed: str | None = None, target: int = 50) -> GameState:
    """A game whose first deal has no weak hand: phase DECLARATION."""
    seed = seed or find_seed(no_weak)
    st, _ = apply(GameState.initial(), StartGame(seed=seed, target_score=target))
    return st


def turn_state(hands: Iterable[Iterable[str]], leader: int = 0,
               declarations=(2, 2, 2, 1), **kw) -> GameState:
    """A hand-built TURN state with the given hands (for turn-rule tests)."""
    base = started()
    return replace(base, phase=Phase.TURN, hands=tuple(tuple(h) for h in hands),
                   declarations=tuple(declarations), round_starter=leader, leader=leader,
                   turn_number=1, turn_plays=(), required_count=None, **kw)


def bot_step(state: GameState, n: int,
             strategies=("random",) * 4) -> tuple[GameState, list[Event], object]:
    """One step of a bot-driven game: a seat's bot move, or the next round."""
    aw = awaiting(state)
    if aw:
        seat = aw[0]
        cmd = choose_command(view(state, seat), strategies[seat], rng_seed=f"b{n}")
        cmd = dc_replace(cmd, seed=f"d{n}")
    else:
        cmd = StartNextRound(seed=f"r{n}")
    new, events = apply(state, cmd)
    return new, events, cmd
