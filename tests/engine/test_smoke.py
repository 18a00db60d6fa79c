"""A full game between strategic bots runs to GAME_OVER through the public API."""

from games.engine import GameState, Phase, StartGame, StartNextRound, awaiting, decide, evolve, view
from games.engine.bots import choose_command


def test_full_game_reaches_game_over() -> None:
    st = GameState.initial()
    for e in decide(st, StartGame(seed="smoke", target_score=20)):
        st = evolve(st, e)
    n = 0
    while st.phase is not Phase.GAME_OVER:
        n += 1
        aw = awaiting(st)
        if aw:
            cmd = choose_command(view(st, aw[0]), rng_seed=str(n))
        else:
            cmd = StartNextRound(seed=str(n))
        if aw:
            from dataclasses import replace
            cmd = replace(cmd, seed=f"s{n}")
        for e in decide(st, cmd):
            st = evolve(st, e)
    assert max(st.totals) >= 20
