"""rules.md §3 dealing: fresh 32-piece deck, 8 each, verifiable from the seed."""

import hashlib
from collections import Counter

from games.engine import DECK, commitment, deal_from_seed, verify_deal


def reference_deal(seed: str) -> list[list[str]]:
    """The algorithm exactly as written in docs/engine.md, independently coded."""
    d = list(DECK)
    for c in range(31):
        i = 31 - c
        r = int.from_bytes(hashlib.sha256(f"{seed}:{c}".encode()).digest()[:8], "big")
        j = r % (i + 1)
        d[i], d[j] = d[j], d[i]
    return [d[8 * s:8 * s + 8] for s in range(4)]


def test_deal_gives_eight_each_and_conserves_the_deck() -> None:
    hands = deal_from_seed("abc")
    assert [len(h) for h in hands] == [8, 8, 8, 8]
    assert Counter(p for h in hands for p in h) == Counter(DECK)


def test_deal_is_deterministic_and_seed_dependent() -> None:
    assert deal_from_seed("abc") == deal_from_seed("abc")
    assert deal_from_seed("abc") != deal_from_seed("abd")


def test_deal_matches_the_documented_algorithm() -> None:
    for seed in ["", "x", "seed-1", "ünïcode-種子"]:
        ref = reference_deal(seed)
        assert [sorted(h) for h in deal_from_seed(seed)] == [sorted(h) for h in ref]


def test_commitment_is_sha256_hex_of_the_seed() -> None:
    assert commitment("abc") == hashlib.sha256(b"abc").hexdigest()


def test_verify_deal_accepts_the_true_deal_in_any_order() -> None:
    hands = deal_from_seed("s")
    shuffled = [list(reversed(h)) for h in hands]
    assert verify_deal("s", commitment("s"), shuffled)


def test_verify_deal_rejects_wrong_seed_commitment_or_hands() -> None:
    hands = [list(h) for h in deal_from_seed("s")]
    assert not verify_deal("t", commitment("s"), hands)
    assert not verify_deal("s", commitment("t"), hands)
    hands[0][0], hands[1][0] = hands[1][0], hands[0][0]
    if sorted(hands[0]) != sorted(deal_from_seed("s")[0]):
        assert not verify_deal("s", commitment("s"), hands)
    assert not verify_deal("s", commitment("s"), hands[:3])
