"""What the server must do next on its own in a room, and when.

Bots, away humans, silent humans (action time limit), the redeal window and
the pause after a round all become one "due action": an engine command with
the time it falls due. The in-process scheduler and the maintenance sweep
both use this, so a move is never lost when the process that planned it dies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from games import engine
from games.engine import Phase
from games.room_state import RoomState


@dataclass(frozen=True)
class DueAction:
    due_at: datetime
    kind: str  # bot | disconnected | timeout | close_redeal_window | start_next_round
    seat: int | None

    def command(self, seed: str) -> engine.Command:
        if self.kind == "close_redeal_window":
            return engine.CloseRedealWindow(seed=seed)
        if self.kind == "start_next_round":
            return engine.StartNextRound(seed=seed)
        assert self.seat is not None
        return engine.ActForSeat(seat=self.seat, reason=self.kind, seed=seed)


def _after(start: datetime, seconds: float) -> datetime:
    return start + timedelta(seconds=max(0.0, seconds))


def due_action(state: RoomState) -> DueAction | None:
    """The earliest automatic action of this room, or None when it waits on nobody."""
    if state.closed or state.last_event_at is None:
        return None
    game = state.game
    settings = state.settings
    since = state.last_event_at
    if game.phase is Phase.SCORING:
        return DueAction(_after(since, settings.round_pause), "start_next_round", None)
    waiting = engine.awaiting(game)
    if not waiting:
        return None
    pause = settings.bot_delay
    if state.last_game_event == "turn_won":
        pause += settings.turn_pause
    candidates: list[DueAction] = []
    for seat in waiting:
        info = state.seats[seat]
        if info.bot_controlled:
            kind = "bot" if info.is_bot else "disconnected"
            candidates.append(DueAction(_after(since, pause), kind, seat))
    if game.phase is Phase.PREPARATION:
        opened = state.redeal_offered_at or since
        candidates.append(
            DueAction(_after(opened, settings.redeal_window), "close_redeal_window", None)
        )
    elif not candidates and settings.action_time_limit > 0:
        candidates.append(
            DueAction(_after(since, settings.action_time_limit), "timeout", waiting[0])
        )
    if not candidates:
        return None
    return min(candidates, key=lambda d: d.due_at)
