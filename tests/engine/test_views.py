"""view(): own hand only, spectators see no hands, seeds hidden until scored."""

import json

from games.engine import DECISION_KEYS, Declare, Phase, Play, awaiting, decision_view, view
from games.engine.bots import choose_command
from games.engine.state import replace

from .helpers import apply, bot_step, find_seed, started, turn_state, weak_seats
from .view_checks import as_json, assert_view_is_safe

SEEDLIKE = "very-secret-seed-0"


def test_a_seat_sees_its_own_sorted_hand_and_only_sizes_of_others() -> None:
    st = started()
    for seat in range(4):
        v = view(st, seat)
        assert v["hand"] == list(st.hands[seat])
        assert v["hand_sizes"] == [8, 8, 8, 8]
        assert_view_is_safe(st, seat, v)


def test_spectator_sees_no_hand_and_no_allowed_actions() -> None:
    st = started()
    v = view(st, None)
    assert v["hand"] is None and v["seat"] is None
    assert v["allowed"] == {"redeal": False, "declare": [], "declare_forbidden": {},
                            "play": None}
    assert_view_is_safe(st, None, v)


def test_the_current_seed_is_hidden_until_the_round_is_scored() -> None:
    st = started()
    v = json.dumps(view(st, 0))
    assert st.deals[0].seed not in v.replace(st.deals[0].commitment, "")
    assert view(st, 0)["deals"][0] == {"deal": 1, "commitment": st.deals[0].commitment,
                                       "seed": None, "shuffle": 2}


def test_allowed_declarations_with_reasons_for_the_last_declarer() -> None:
    st = started()
    order = [(st.round_starter + i) % 4 for i in range(4)]
    for s, v in zip(order[:3], [3, 3, 1], strict=True):
        st, _ = apply(st, Declare(seat=s, value=v))
    v = view(st, order[3])
    assert 1 not in v["allowed"]["declare"] and "1" in v["allowed"]["declare_forbidden"]
    assert view(st, order[0])["allowed"]["declare"] == []
    assert v["declarations"][order[0]] == 3 and v["declarations"][order[3]] is None


def test_play_allowance_for_leader_and_follower_and_current_turn() -> None:
    st = turn_state([["SOLDIER_RED"] * 2 + ["GENERAL_RED"], ["HORSE_RED"] * 2 + ["CANNON_RED"],
                     ["HORSE_BLACK"] * 2 + ["CANNON_BLACK"], ["SOLDIER_BLACK"] * 3])
    assert view(st, 0)["allowed"]["play"] == {"count": None, "lead": True}
    st, _ = apply(st, Play(seat=0, pieces=("SOLDIER_RED", "SOLDIER_RED")))
    v = view(st, 1)
    assert v["allowed"]["play"] == {"count": 2, "lead": False}
    assert v["turn"]["plays"] == [{"seat": 0, "pieces": ["SOLDIER_RED", "SOLDIER_RED"],
                                   "play_type": "PAIR", "value": 4}]
    assert view(st, 2)["allowed"]["play"] is None
    assert_view_is_safe(st, 1, v)


def test_redeal_offer_shows_public_info_and_own_eligibility() -> None:
    seed = find_seed(lambda h: 1 <= len(weak_seats(h)) <= 3)
    from games.engine import GameState, StartGame
    st, _ = apply(GameState.initial(), StartGame(seed=seed))
    w = st.weak_seats[0]
    strong = next(s for s in range(4) if s not in st.weak_seats)
    v = view(st, w)
    assert v["redeal"]["eligible"] and v["allowed"]["redeal"]
    assert v["redeal"]["weak_seats"] == list(st.weak_seats)
    assert not view(st, strong)["redeal"]["eligible"]
    assert view(st, strong)["pending_system_action"] == "close_redeal_window"
    assert st.phase is Phase.PREPARATION


def test_game_over_and_last_round_in_view() -> None:
    st = turn_state([["GENERAL_RED"], ["SOLDIER_BLACK"], ["SOLDIER_RED"], ["CANNON_BLACK"]],
                    declarations=(1, 0, 0, 2), target_score=3)
    st = replace(st, turn_number=8)
    for s in range(4):
        st, _ = apply(st, Play(seat=s, pieces=st.hands[s]))
    v = view(st, 2)
    assert v["phase"] == "GAME_OVER"
    assert v["game_over"] == {"ranking": [0, 1, 2, 3], "winners": [0]}
    assert v["last_round"]["seats"][0]["score"] == 6
    assert v["deals"][0]["seed"] == st.deals[0].seed  # revealed after scoring
    assert v["stats"][0] == {"perfect_rounds": 1, "turns_won": 1, "piles_captured": 1}
    assert v["last_turn"]["winner"] == 0
    assert_view_is_safe(st, 2, v)


def test_redact_event_hides_seed_and_other_hands() -> None:
    from games.engine import GameState, StartGame, decide, redact_event
    ev = next(e for e in decide(GameState.initial(), StartGame(seed="hid")) if
              e.type == "hands_dealt")
    r = redact_event(ev.type, ev.data, 2)
    assert "seed" not in r and r["commitment"] == ev.data["commitment"]
    assert r["hands"][2] == ev.data["hands"][2]
    assert r["shuffle"] == 2  # public: a verifier needs it once the seed is revealed
    assert r["hands"][0] is None and r["hands"][1] is None and r["hands"][3] is None
    assert redact_event(ev.type, ev.data, None)["hands"] == [None] * 4
    assert redact_event("declared", {"seat": 1, "value": 2}, 0) == {"seat": 1, "value": 2}


def test_the_decision_view_is_the_views_decision_keys_in_every_state_of_real_games() -> None:
    checked = 0
    for strategies in (("random",) * 4, ("strategic",) * 4):
        st = started("dv-games", target=15)
        for n in range(3000):
            for seat in (0, 1, 2, 3, None):
                full = view(st, seat)
                part = decision_view(st, seat)
                assert as_json(part) == {k: full[k] for k in DECISION_KEYS}
                assert_view_is_safe(st, seat, part)
                checked += 1
            if st.phase is Phase.GAME_OVER:
                break
            st, _, _ = bot_step(st, n, strategies)
        assert st.phase is Phase.GAME_OVER
    assert checked > 1000


def test_the_decision_view_shares_the_states_tuples_and_the_full_view_copies_them() -> None:
    st = started()
    seat = awaiting(st)[0]
    part = decision_view(st, seat)
    assert part["hand"] is st.hands[seat]
    assert part["declarations"] is st.declarations
    assert part["played_this_round"] is st.played_this_round
    full = view(st, seat)
    assert full["hand"] == list(st.hands[seat]) and full["hand"] is not part["hand"]
    full["hand"].clear()
    full["declarations"][0] = 99
    assert st.hands[seat] and st.declarations[0] != 99  # the state is untouched


def test_bots_choose_the_same_command_from_the_decision_view_as_from_the_full_view() -> None:
    for strategy in ("random", "strategic"):
        st = started("dv-bots", target=15)
        for n in range(3000):
            if st.phase is Phase.GAME_OVER:
                break
            for seat in awaiting(st):
                assert choose_command(decision_view(st, seat), strategy, f"s{n}") == \
                    choose_command(view(st, seat), strategy, f"s{n}")
            st, _, _ = bot_step(st, n, (strategy,) * 4)


def test_the_decision_view_of_a_spectator_has_no_hand_and_nothing_allowed() -> None:
    part = decision_view(started(), None)
    assert part["hand"] is None and part["seat"] is None
    assert part["allowed"] == {"redeal": False, "declare": [], "declare_forbidden": {},
                               "play": None}


def test_bot_commands_carry_the_seed_they_were_drawn_from() -> None:
    st = started()
    seat = awaiting(st)[0]
    for strategy in ("random", "strategic"):
        assert choose_command(decision_view(st, seat), strategy, "seed-7").seed == "seed-7"
