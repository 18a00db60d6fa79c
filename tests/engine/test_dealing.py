"""rules.md §3 dealing: fresh 32-piece deck, 8 each, verifiable from the seed.

Two shuffle versions (docs/engine.md, "Dealing"): version 1 for every deal
stored before versions existed (no ``shuffle`` field), version 2 for new deals.
"""

import hashlib
from collections import Counter

import pytest

from games.engine import (
    DECK,
    SHUFFLE_VERSION,
    Event,
    GameState,
    Play,
    StartGame,
    commitment,
    deal_from_seed,
    evolve,
    replay,
    shuffled_deck,
    sort_pieces,
    verify_deal,
    view,
)
from games.engine.state import DealRecord, Phase, replace

from .helpers import apply, find_seed, no_weak, turn_state

SEEDS = ["", "x", "seed-1", "ünïcode-種子", "a" * 200, "3f2a9c0d5e7b1a4c8d6e2f0a9b3c5d7e"]


def reference_deal_v1(seed: str) -> list[list[str]]:
    """Version 1 exactly as written in docs/engine.md, independently coded."""
    d = list(DECK)
    for c in range(31):
        i = 31 - c
        r = int.from_bytes(hashlib.sha256(f"{seed}:{c}".encode()).digest()[:8], "big")
        j = r % (i + 1)
        d[i], d[j] = d[j], d[i]
    return [d[8 * s:8 * s + 8] for s in range(4)]


def reference_deck_v2(seed: str) -> list[str]:
    """Version 2 exactly as written in docs/engine.md: one hashlib call per draw."""
    d = list(DECK)
    for c in range(31):
        i = 31 - c
        h = hashlib.sha256((seed + ":" + str(c // 8)).encode("utf-8")).digest()
        k = 4 * (c % 8)
        r = int.from_bytes(h[k:k + 4], "big")
        j = r % (i + 1)
        d[i], d[j] = d[j], d[i]
    return d


# Golden deals of one seed: v1 as the engine dealt it before version 2 existed
# (kept so stored deals keep verifying), v2 from reference_deck_v2.
GOLDEN_SEED = "golden-seed-v1"
GOLDEN_V1 = (
    ("GENERAL_BLACK", "ELEPHANT_BLACK", "CHARIOT_RED", "CHARIOT_RED", "HORSE_RED", "CANNON_RED",
     "SOLDIER_BLACK", "SOLDIER_BLACK"),
    ("ELEPHANT_RED", "ELEPHANT_BLACK", "HORSE_BLACK", "CANNON_BLACK", "SOLDIER_RED", "SOLDIER_RED",
     "SOLDIER_RED", "SOLDIER_BLACK"),
    ("GENERAL_RED", "ADVISOR_RED", "ADVISOR_BLACK", "ELEPHANT_RED", "HORSE_RED", "CANNON_BLACK",
     "SOLDIER_RED", "SOLDIER_BLACK"),
    ("ADVISOR_RED", "ADVISOR_BLACK", "CHARIOT_BLACK", "CHARIOT_BLACK", "HORSE_BLACK",
     "CANNON_RED", "SOLDIER_RED", "SOLDIER_BLACK"),
)
GOLDEN_V2 = (
    ("GENERAL_RED", "GENERAL_BLACK", "ADVISOR_RED", "ADVISOR_BLACK", "ADVISOR_BLACK",
     "ELEPHANT_BLACK", "HORSE_RED", "CANNON_RED"),
    ("ADVISOR_RED", "ELEPHANT_RED", "CHARIOT_BLACK", "CHARIOT_BLACK", "HORSE_BLACK",
     "HORSE_BLACK", "SOLDIER_RED", "SOLDIER_BLACK"),
    ("CHARIOT_RED", "CHARIOT_RED", "CANNON_RED", "SOLDIER_RED", "SOLDIER_RED", "SOLDIER_RED",
     "SOLDIER_RED", "SOLDIER_BLACK"),
    ("ELEPHANT_RED", "ELEPHANT_BLACK", "HORSE_RED", "CANNON_BLACK", "CANNON_BLACK",
     "SOLDIER_BLACK", "SOLDIER_BLACK", "SOLDIER_BLACK"),
)


@pytest.mark.parametrize("version", [1, 2])
def test_deal_gives_eight_each_and_conserves_the_deck(version: int) -> None:
    hands = deal_from_seed("abc", version)
    assert [len(h) for h in hands] == [8, 8, 8, 8]
    assert Counter(p for h in hands for p in h) == Counter(DECK)
    assert all(h == sort_pieces(h) for h in hands)  # strongest first


def test_deal_is_deterministic_and_seed_dependent() -> None:
    assert deal_from_seed("abc") == deal_from_seed("abc")
    assert deal_from_seed("abc") != deal_from_seed("abd")


def test_new_deals_use_version_2_by_default() -> None:
    assert SHUFFLE_VERSION == 2
    assert deal_from_seed(GOLDEN_SEED) == deal_from_seed(GOLDEN_SEED, 2) == GOLDEN_V2
    assert shuffled_deck(GOLDEN_SEED) == shuffled_deck(GOLDEN_SEED, 2)


def test_version_1_deals_exactly_what_it_always_dealt() -> None:
    assert deal_from_seed(GOLDEN_SEED, 1) == GOLDEN_V1
    assert deal_from_seed(GOLDEN_SEED, version=1) != deal_from_seed(GOLDEN_SEED, version=2)


def test_version_1_matches_the_documented_algorithm() -> None:
    for seed in SEEDS:
        ref = reference_deal_v1(seed)
        assert [sorted(h) for h in deal_from_seed(seed, 1)] == [sorted(h) for h in ref]


def test_version_2_matches_the_documented_algorithm_for_many_seeds() -> None:
    assert tuple(map(sort_pieces, (reference_deck_v2(GOLDEN_SEED)[8 * s:8 * s + 8]
                                   for s in range(4)))) == GOLDEN_V2
    for seed in SEEDS + [f"s{n}" for n in range(300)]:
        ref = reference_deck_v2(seed)
        assert shuffled_deck(seed, 2) == ref, seed
        assert deal_from_seed(seed, 2) == tuple(sort_pieces(ref[8 * s:8 * s + 8])
                                                for s in range(4))


@pytest.mark.parametrize("version", [0, 3, "2", None, True])
def test_an_unknown_version_is_a_value_error(version) -> None:
    with pytest.raises(ValueError, match="unknown shuffle version"):
        deal_from_seed("abc", version)


def test_commitment_is_sha256_hex_of_the_seed() -> None:
    assert commitment("abc") == hashlib.sha256(b"abc").hexdigest()


@pytest.mark.parametrize("version", [1, 2])
def test_verify_deal_accepts_the_true_deal_in_any_order(version: int) -> None:
    hands = deal_from_seed("s", version)
    shuffled = [list(reversed(h)) for h in hands]
    assert verify_deal("s", commitment("s"), shuffled, version)
    assert verify_deal("s", commitment("s").upper(), shuffled, version=version)


def test_verify_deal_needs_the_version_the_deal_was_dealt_with() -> None:
    for seed in ("s", GOLDEN_SEED, "3f2a9c0d5e7b1a4c8d6e2f0a9b3c5d7e"):
        v1, v2 = deal_from_seed(seed, 1), deal_from_seed(seed, 2)
        assert v1 != v2
        assert verify_deal(seed, commitment(seed), v1, 1)
        assert not verify_deal(seed, commitment(seed), v1, 2)
        assert verify_deal(seed, commitment(seed), v2, 2)
        assert not verify_deal(seed, commitment(seed), v2, 1)
    with pytest.raises(TypeError):  # no default: a caller must say which algorithm
        verify_deal("s", commitment("s"), v2)  # type: ignore[call-arg]


@pytest.mark.parametrize("version", [0, 3, "2", None, True])
def test_verify_deal_with_an_unknown_version_is_false(version) -> None:
    hands = deal_from_seed("s")
    assert not verify_deal("s", commitment("s"), hands, version)


@pytest.mark.parametrize("version", [1, 2])
def test_verify_deal_rejects_wrong_seed_commitment_or_hands(version: int) -> None:
    hands = [list(h) for h in deal_from_seed("s", version)]
    assert not verify_deal("t", commitment("s"), hands, version)
    assert not verify_deal("s", commitment("t"), hands, version)
    i = next(i for i in range(8) if hands[0][i] != hands[1][i])
    hands[0][i], hands[1][i] = hands[1][i], hands[0][i]
    assert not verify_deal("s", commitment("s"), hands, version)
    assert not verify_deal("s", commitment("s"), hands[:3], version)
    assert not verify_deal("s", commitment("s"), [["NOT_A_PIECE"] * 8] * 4, version)


# ---- the version travels with the deal ---------------------------------------------


def _old_hands_dealt(seed: str) -> Event:
    """A ``hands_dealt`` as stored before shuffle versions: no "shuffle", a v1 deal."""
    hands = deal_from_seed(seed, 1)
    return Event("hands_dealt", {
        "round": 1, "deal": 1, "seed": seed, "commitment": commitment(seed),
        "hands": [list(h) for h in hands], "starter": 0,
    })


def test_an_old_event_without_shuffle_folds_to_version_1_and_verifies_with_it() -> None:
    seed = "old-0"
    ev = _old_hands_dealt(seed)
    st = replay([Event("game_started", {"players": ["a", "b", "c", "d"], "target_score": 50}),
                 Event("round_started", {"round": 1}), ev])
    assert "shuffle" not in ev.data
    assert st.deals == (DealRecord(1, seed, commitment(seed), 1),)
    d = st.deals[0]
    assert verify_deal(d.seed, d.commitment, ev.data["hands"], d.shuffle)
    assert not verify_deal(d.seed, d.commitment, ev.data["hands"], 2)
    assert view(st, 0)["deals"] == [{"deal": 1, "commitment": d.commitment, "seed": None,
                                     "shuffle": 1}]


def test_an_old_round_scored_without_shuffle_gives_version_1_deal_records() -> None:
    st = turn_state([["GENERAL_RED"], ["SOLDIER_BLACK"], ["SOLDIER_RED"], ["CANNON_BLACK"]])
    old = Event("round_scored", {
        "round": 1, "multiplier": 1,
        "seats": [{"seat": s, "declared": 1, "captured": 0, "base": -1, "multiplier": 1,
                   "score": -1, "total": -1, "perfect": False, "zero_streak": 0}
                  for s in range(4)],
        "deals": [{"deal": 1, "seed": "old", "commitment": commitment("old")}],
    })
    st = evolve(st, old)
    assert st.last_round.deals == (DealRecord(1, "old", commitment("old"), 1),)
    assert view(st, 0)["last_round"]["deals"] == [
        {"deal": 1, "seed": "old", "commitment": commitment("old"), "shuffle": 1}]


def test_new_games_record_version_2_in_events_state_views_and_the_round_result() -> None:
    seed = find_seed(no_weak)
    st, events = apply(GameState.initial(), StartGame(seed=seed))
    dealt = next(e for e in events if e.type == "hands_dealt")
    assert dealt.data["shuffle"] == 2
    assert dealt.data["hands"] == [list(h) for h in deal_from_seed(seed, 2)]
    assert verify_deal(seed, dealt.data["commitment"], dealt.data["hands"], 2)
    assert st.deals[0].shuffle == 2
    assert view(st, 1)["deals"] == [{"deal": 1, "commitment": commitment(seed), "seed": None,
                                     "shuffle": 2}]
    # jump to a hand-built last turn of this round and play it out
    st = replace(st, phase=Phase.TURN, hands=(("GENERAL_RED",), ("SOLDIER_BLACK",),
                                              ("SOLDIER_RED",), ("CANNON_BLACK",)),
                 declarations=(1, 0, 0, 2), round_starter=0, leader=0, turn_number=8,
                 turn_plays=(), required_count=None)
    scored = []
    for s in range(4):
        st, ev = apply(st, Play(seat=s, pieces=st.hands[s]))
        scored += [e for e in ev if e.type == "round_scored"]
    (rs,) = scored
    assert rs.data["deals"] == [{"deal": 1, "seed": seed, "commitment": commitment(seed),
                                 "shuffle": 2}]
    assert st.last_round.deals == (DealRecord(1, seed, commitment(seed), 2),)
    v = view(st, 3)
    assert v["last_round"]["deals"] == rs.data["deals"]
    assert v["deals"] == [{"deal": 1, "commitment": commitment(seed), "seed": seed,
                           "shuffle": 2}]
