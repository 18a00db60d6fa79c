"""HTML pages: home (pick a name), lobby, room. Thin: data comes from selectors.

Everything live (rooms list, seats, the game) arrives over WebSockets; the
pages only hand the browser who it is and which room it opened.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from games import selectors


def _safe_next(request: HttpRequest) -> str:
    nxt = request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()})
    if nxt and safe and nxt.startswith("/"):
        return nxt
    return "/lobby/"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Pick a display name; with one already, a short welcome and the way on."""
    player = selectors.player_from_session(request.session)
    return render(
        request,
        "games/home.html",
        {
            "player": player,
            "next_url": _safe_next(request),
            "rename": "rename" in request.GET,
        },
    )


@require_GET
def lobby(request: HttpRequest) -> HttpResponse:
    player = selectors.player_from_session(request.session)
    if player is None:
        return redirect(f"/?{urlencode({'next': '/lobby/'})}")
    return render(request, "games/lobby.html", {"player": player, "rooms": selectors.lobby_rooms()})


@require_GET
def room(request: HttpRequest, code: str) -> HttpResponse:
    player = selectors.player_from_session(request.session)
    room_obj = selectors.room_by_code(code)
    if room_obj is not None and code != room_obj.code:
        return redirect(f"/r/{room_obj.code}/")
    if player is None:
        return redirect(f"/?{urlencode({'next': request.path})}")
    if room_obj is None:
        context = {"player": player, "code": code[:12]}
        return render(request, "games/room_missing.html", context, status=404)
    return render(request, "games/room.html", {"player": player, "room": room_obj})
