"""rules.md §5 enforced by decide."""

import pytest

from games.engine import Declare, Phase, RuleViolation, decide
from games.engine.state import play_order, replace

from .helpers import apply, started


def test_declarations_go_in_play_order_from_the_starter_then_turns_begin() -> None:
    st = started()
    order = play_order(st.round_starter)
    with pytest.raises(RuleViolation) as e:
        decide(st, Declare(seat=order[1], value=1))
    assert e.value.code == "not_your_turn"
    for s, v in zip(order, [1, 2, 3, 0], strict=True):
        st, events = apply(st, Declare(seat=s, value=v))
    assert events[-1].type == "phase_changed"
    assert events[-1].data == {"from": "DECLARATION", "to": "TURN", "leader": order[0]}
    assert st.phase is Phase.TURN and st.leader == order[0]
    assert st.declarations[order[3]] == 0


def test_last_declarer_cannot_bring_total_to_eight() -> None:
    st = started()
    order = play_order(st.round_starter)
    for s, v in zip(order[:3], [2, 2, 1], strict=True):
        st, _ = apply(st, Declare(seat=s, value=v))
    with pytest.raises(RuleViolation) as e:
        decide(st, Declare(seat=order[3], value=3))
    assert e.value.code == "forbidden_declaration"
    assert "8" in e.value.message
    st, _ = apply(st, Declare(seat=order[3], value=4))


def test_a_declarer_cannot_declare_twice() -> None:
    st = started()
    order = play_order(st.round_starter)
    st, _ = apply(st, Declare(seat=order[0], value=1))
    with pytest.raises(RuleViolation) as e:
        decide(st, Declare(seat=order[0], value=1))
    assert e.value.code == "already_declared"


def test_zero_streak_forces_at_least_one() -> None:
    st = started()
    s = st.round_starter
    st = replace(st, zero_streaks=tuple(2 if i == s else 0 for i in range(4)))
    with pytest.raises(RuleViolation) as e:
        decide(st, Declare(seat=s, value=0))
    assert e.value.code == "zero_streak"
    apply(st, Declare(seat=s, value=1))


@pytest.mark.parametrize("value", [-1, 9, True, "2"])
def test_declaration_must_be_an_integer_0_to_8(value) -> None:
    st = started()
    with pytest.raises(RuleViolation) as e:
        decide(st, Declare(seat=st.round_starter, value=value))
    assert e.value.code == "invalid_declaration"


def test_declaring_outside_the_declaration_phase_is_refused() -> None:
    st = replace(started(), phase=Phase.TURN, leader=0)
    with pytest.raises(RuleViolation) as e:
        decide(st, Declare(seat=0, value=1))
    assert e.value.code == "wrong_phase"
