"""JSON endpoints for players and rooms, and the staff audit trail of a room.

Player/room creation accept JSON only (a cross-site form cannot send it),
so scripts and tests need no CSRF token; the seat is bound to the session.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from eventstore import selectors as es_selectors
from games import selectors, services
from games.engine import RuleViolation
from games.loading import room_state_at, room_state_load
from games.models import RejectedCommand
from games.room_state import room_state_to_dict
from liaptui.ops_auth import ops_required

EVENTS_PAGE = 500


def _error(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _json_body(request: HttpRequest) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise RuleViolation("bad_request", "Send a JSON body with Content-Type: application/json.")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise RuleViolation("bad_json", "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise RuleViolation("bad_request", "The body must be a JSON object.")
    return body


def _status_for(code: str) -> int:
    return {"read_only": 503, "maintenance": 503, "no_player": 403}.get(code, 400)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def players(request: HttpRequest) -> JsonResponse:
    """POST {"name"}: become (or rename) the session's guest player. GET: who am I."""
    player = selectors.player_from_session(request.session)
    if request.method == "GET":
        if player is None:
            return _error("no_player", "No player in this session yet.", 404)
        return JsonResponse({"player_id": str(player.id), "name": player.name})
    try:
        body = _json_body(request)
        if player is None:
            player = services.player_create(
                name=body.get("name"), user=request.user if request.user.is_authenticated else None
            )
        else:
            player = services.player_rename(player=player, name=body.get("name"))
    except RuleViolation as exc:
        return _error(exc.code, exc.message, _status_for(exc.code))
    request.session[selectors.SESSION_KEY] = str(player.id)
    return JsonResponse({"player_id": str(player.id), "name": player.name}, status=201)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def rooms(request: HttpRequest) -> JsonResponse:
    """GET: open public rooms. POST {"name", "is_public", "settings"}: create one, sit as host."""
    if request.method == "GET":
        return JsonResponse({"rooms": selectors.lobby_rooms()})
    player = selectors.player_from_session(request.session)
    if player is None:
        return _error("no_player", "Pick a name first (POST /api/players).", 403)
    try:
        body = _json_body(request)
        room = services.room_create(
            player=player,
            name=body.get("name", ""),
            is_public=body.get("is_public", True),
            settings=body.get("settings") or {},
        )
    except RuleViolation as exc:
        return _error(exc.code, exc.message, _status_for(exc.code))
    return JsonResponse(
        {"room_id": str(room.id), "code": room.code, "name": room.name, "url": f"/r/{room.code}/"},
        status=201,
    )


@require_GET
def room_detail(request: HttpRequest, code: str) -> JsonResponse:
    room = selectors.room_by_code(code)
    if room is None:
        return _error("room_not_found", f"There is no room with code {code[:12]!r}.", 404)
    return JsonResponse(
        {
            "room_id": str(room.id),
            "code": room.code,
            "name": room.name,
            "status": room.status,
            "phase": room.phase,
            "version": room.version,
        }
    )


def _stored_event_dict(ev: Any) -> dict[str, Any]:
    return {
        "kind": "event",
        "version": ev.version,
        "position": ev.position,
        "type": ev.type,
        "data": ev.data,
        "metadata": ev.metadata,
        "recorded_at": ev.recorded_at.isoformat(),
        "hash": ev.hash,
    }


@require_GET
@ops_required
def room_events(request: HttpRequest, room_id: str) -> JsonResponse:
    """The room's chronological audit trail: stored events plus refused commands."""
    room = selectors.room_by_ref(room_id)
    if room is None:
        return _error("room_not_found", "No such room.", 404)
    try:
        after = int(request.GET.get("after", "0"))
        if after < 0:
            raise ValueError
    except ValueError:
        return _error("bad_request", "'after' must be a non-negative version number.")
    events = es_selectors.event_read(stream_id=room.stream_id, after_version=after)
    page = events[:EVENTS_PAGE]
    last = page[-1].version if page else after
    items = [_stored_event_dict(e) for e in page]
    rejections = RejectedCommand.objects.filter(
        room=room, at_version__gte=after, at_version__lte=last
    )
    for r in rejections:
        items.append(
            {
                "kind": "rejected_command",
                "version": r.at_version,
                "type": "command_rejected",
                "data": {
                    "command": r.command,
                    "code": r.code,
                    "message": r.message,
                    "player_id": str(r.player_id) if r.player_id else None,
                },
                "metadata": {
                    "correlation_id": r.correlation_id,
                    "actor": str(r.player_id) if r.player_id else None,
                },
                "recorded_at": r.created_at.isoformat(),
            }
        )
    items.sort(key=lambda i: (i["recorded_at"], i["version"]))
    return JsonResponse(
        {
            "room_id": str(room.id),
            "code": room.code,
            "stream_id": room.stream_id,
            "version": room.version,
            "after": after,
            "count": len(items),
            "next_after": last if len(events) > EVENTS_PAGE else None,
            "events": items,
        }
    )


@require_GET
@ops_required
def room_state(request: HttpRequest, room_id: str) -> JsonResponse:
    """The room rebuilt from its events (``?version=N`` for any past version)."""
    room = selectors.room_by_ref(room_id)
    if room is None:
        return _error("room_not_found", "No such room.", 404)
    raw = request.GET.get("version")
    if raw is None:
        state = room_state_load(room.stream_id, use_cache=False)
    else:
        try:
            version = int(raw)
            if version < 0 or version > room.version:
                raise ValueError
        except ValueError:
            return _error("bad_request", f"'version' must be between 0 and {room.version}.")
        state = room_state_at(room.stream_id, version)
    return JsonResponse(
        {
            "room_id": str(room.id),
            "code": room.code,
            "version": state.version,
            "state": room_state_to_dict(state),
        }
    )
