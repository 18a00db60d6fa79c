"""The pure Liap Tui rules core (rules.md). No Django import anywhere below here.

Everything other parts need is re-exported here; see docs/engine.md.
"""

from .commands import (
    ActForSeat,
    CloseRedealWindow,
    Command,
    Declare,
    Play,
    RedealDecision,
    StartGame,
    StartNextRound,
)
from .dealing import SHUFFLE_VERSION, commitment, deal_from_seed, shuffled_deck, verify_deal
from .decide import decide, decide_and_evolve
from .declarations import allowed_declarations, forbidden_declarations
from .errors import RuleViolation
from .events import EVENT_TYPES, Event
from .evolve import evolve, replay
from .pieces import DECK, GLYPHS, KINDS, POINTS, is_weak_hand, sort_pieces
from .plays import PlayType, analyse, classify, compare, play_value, resolve_turn, valid_plays
from .scoring import base_score, round_score
from .serialization import (
    canonical_json,
    command_from_dict,
    command_from_json,
    command_to_dict,
    command_to_json,
    event_from_dict,
    event_from_json,
    event_to_dict,
    event_to_json,
    state_from_dict,
    state_from_json,
    state_to_dict,
    state_to_json,
)
from .state import GameState, Phase, awaiting, pending_system_action
from .views import DECISION_KEYS, decision_view, redact_event, view

__all__ = [
    "ActForSeat", "CloseRedealWindow", "Command", "DECISION_KEYS", "DECK", "Declare",
    "EVENT_TYPES", "Event",
    "GLYPHS", "GameState", "KINDS", "POINTS", "Phase", "Play", "PlayType", "RedealDecision",
    "RuleViolation", "SHUFFLE_VERSION", "StartGame", "StartNextRound", "allowed_declarations",
    "analyse",
    "awaiting", "base_score", "canonical_json", "classify", "command_from_dict",
    "command_from_json", "command_to_dict", "command_to_json", "commitment", "compare",
    "deal_from_seed", "decide", "decide_and_evolve", "decision_view", "event_from_dict",
    "event_from_json",
    "event_to_dict", "event_to_json", "evolve", "forbidden_declarations", "is_weak_hand",
    "pending_system_action", "play_value", "redact_event", "replay", "resolve_turn", "round_score",
    "shuffled_deck", "sort_pieces", "state_from_dict", "state_from_json", "state_to_dict",
    "state_to_json", "valid_plays", "verify_deal", "view",
]
