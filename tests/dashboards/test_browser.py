"""Staff dashboards in Debian's Chromium against a live server.

After a few bot games (and an hour and a half of minute samples: one real
run of the sampling job plus synthetic history, so the charts have a
shape), a staff user logs in through /admin/login/, opens every dashboard
and a room's audit trail, steps the replay, and the figures on the pages
are checked against the database. A non-staff visitor is refused every
page. Screenshots go to artifacts/screenshots/ops/.

Every database read happens before Playwright starts: its sync API keeps an
event loop running in this thread, where Django refuses ORM calls.
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from eventstore.models import Event
from games.models import Room
from monitoring.dashboards import selectors
from monitoring.maintenance import (
    maintenance_sample_figures,
    maintenance_verify_integrity,
)
from monitoring.models import PerformanceSample, RecoveryAction, ResourceSample
from tests.dashboards.conftest import bot_game

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots" / "ops"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "overview": "/ops/",
    "performance": "/ops/performance/?range=6h",
    "resources": "/ops/resources/?range=6h",
    "games": "/ops/games/?range=24h",
    "alerts": "/ops/alerts/?range=6h",
    "rooms": "/ops/rooms/",
}

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.slow]


def seed_history(minutes: int = 90) -> None:
    """Minute samples for the last ``minutes``: a CPU spike over both lines, a latency bump."""
    now = timezone.now()
    sent = recv = 10_000_000
    for i in range(minutes):
        at = now - timedelta(minutes=minutes - i)
        wave = math.sin(i / 9.0)
        spike = 42.0 if 55 <= i < 63 else 0.0
        sent += int(40_000 + 25_000 * (1 + wave))
        recv += int(90_000 + 60_000 * (1 + wave))
        r = ResourceSample.objects.create(
            host="ops-web-2",
            cpu_percent=round(35 + 12 * wave + spike + (i % 5), 1),
            memory_percent=round(58 + 6 * math.sin(i / 23.0), 1),
            disk_percent=41.5,
            net_bytes_sent=sent,
            net_bytes_recv=recv,
            rooms_active=3 + i % 4,
            connections_active=12 + i % 7,
        )
        bump = 1.0 + (4.0 if 55 <= i < 63 else 0.0)
        p = PerformanceSample.objects.create(
            host="ops-web-2",
            ws_count=400 + 5 * i,
            ws_p50_ms=round(6 * bump + 2 * wave + 6, 2),
            ws_p95_ms=round(18 * bump + 5 * wave + 12, 2),
            ws_p99_ms=round(30 * bump + 9 * wave + 20, 2),
            cmd_count=120 + i,
            cmd_p50_ms=round(2.0 + 0.5 * wave + 1, 2),
            cmd_p95_ms=round(4.5 * bump + wave + 2, 2),
            cmd_p99_ms=round(8 * bump + 2 * wave + 3, 2),
            messages_in_per_second=round(6 + 2 * wave, 2),
            messages_out_per_second=round(22 + 8 * wave, 2),
            operations=2000,
            failures=0,
            error_rate_percent=0.0,
            events_appended=300,
        )
        ResourceSample.objects.filter(pk=r.pk).update(created_at=at)
        PerformanceSample.objects.filter(pk=p.pk).update(created_at=at)


def _text(page, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


@pytest.mark.django_db(transaction=True)
def test_staff_read_the_dashboards_and_step_a_replay(live_server, django_user_model) -> None:
    rooms = [bot_game(name) for name in ("Ana", "Bo", "Cy")]
    # A fourth game tampered with afterwards and caught by the integrity job (a failed check).
    tampered = bot_game("Fox")
    victim = Event.objects.filter(stream_id=tampered.stream_id, type="declared").first()
    Event.objects.filter(pk=victim.pk).update(data={**victim.data, "value": 8})
    maintenance_verify_integrity()
    running = bot_game("Dee", finish=False)
    maintenance_sample_figures()  # one real sample of this machine ...
    seed_history()  # ... and a synthetic neighbour with history
    django_user_model.objects.create_superuser("ops", "ops@example.com", "ops-pass-123")
    visitor = django_user_model.objects.create_user("visitor", "v@example.com", "visitor-pass-1")
    visitor_client = Client()
    visitor_client.force_login(visitor)
    visitor_cookie = visitor_client.cookies["sessionid"].value

    # What the pages must show, straight from the database.
    finished = sum(Room.objects.values_list("games_finished", flat=True))
    overs = list(Event.objects.filter(type="game_over").values_list("data", flat=True))
    seat_wins = [sum(1 for d in overs if seat in d["winners"]) for seat in range(4)]
    room = rooms[0]
    event_count = Event.objects.filter(stream_id=room.stream_id).count()
    dealt = list(
        Event.objects.filter(stream_id=room.stream_id, type="hands_dealt")
        .order_by("version")
        .values_list("version", "data")
    )
    first_deal_version, first_deal = dealt[0]
    rng6h = selectors.time_range("6h")
    resource_samples = ResourceSample.objects.filter(created_at__gte=rng6h.since).count()
    breaches = len(selectors.threshold_breaches(rng=rng6h))
    in_progress = Room.objects.filter(status="playing").count()
    recovery_total = RecoveryAction.objects.count()
    assert finished == 4 and in_progress == 1 and running.status == "playing"

    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            # -- refused: anonymous and non-staff ------------------------------------
            anon = browser.new_page()
            for url in [*PAGES.values(), f"/ops/rooms/{room.code}/"]:
                anon.goto(base + url)
                assert "/admin/login/" in anon.url, url
            anon.close()
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            ctx.add_cookies([{"name": "sessionid", "value": visitor_cookie, "url": base}])
            page = ctx.new_page()
            for url in [*PAGES.values(), f"/ops/rooms/{room.code}/"]:
                res = page.goto(base + url)
                assert res.status == 403, url
                assert "Staff only" in page.content() and room.name not in page.content()
            page.screenshot(path=str(SHOTS / "denied.png"))
            ctx.close()

            # -- staff log in through the admin --------------------------------------
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            ctx.set_default_timeout(8000)
            page = ctx.new_page()
            page.goto(f"{base}/admin/login/?next=/admin/")
            page.fill("#id_username", "ops")
            page.fill("#id_password", "ops-pass-123")
            page.click("input[type=submit]")
            page.wait_for_url(f"{base}/admin/")
            assert page.locator("#ops-dashboards a", has_text="System overview").count() == 1
            page.screenshot(path=str(SHOTS / "admin-index.png"), full_page=True)
            page.click("#ops-dashboards a:text('System overview')")
            page.wait_for_url(f"{base}/ops/")

            # overview
            assert _text(page, "#games-finished-total") == str(finished)
            assert _text(page, "#games-in-progress") == str(in_progress)
            assert _text(page, "#health-status").lower() in ("good", "warning", "critical")
            page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)

            # performance
            page.goto(base + PAGES["performance"])
            assert page.locator("figure.chart").count() == 4
            assert page.locator("figure.chart polyline").count() >= 6
            page.screenshot(path=str(SHOTS / "performance.png"), full_page=True)

            # resources: threshold bands and the sample count
            page.goto(base + PAGES["resources"])
            assert _text(page, "#resource-samples") == str(resource_samples)
            assert page.locator("rect.band-critical").count() >= 3
            page.screenshot(path=str(SHOTS / "resources.png"), full_page=True)

            # game analytics
            page.goto(base + PAGES["games"])
            assert _text(page, "#games-finished") == str(finished)
            for seat in range(4):
                wins = _text(page, f"#seat-wins tr[data-seat='{seat}'] .wins")
                assert wins == str(seat_wins[seat]), seat
            assert _text(page, "#kind-wins tr[data-kind='bot'] .wins") == str(sum(seat_wins))
            page.screenshot(path=str(SHOTS / "games.png"), full_page=True)

            # alerts
            page.goto(base + PAGES["alerts"])
            assert _text(page, "#breach-count") == str(breaches) and breaches >= 1
            assert _text(page, "#recovery-count") == str(recovery_total) and recovery_total >= 1
            assert _text(page, "#integrity-count") == "1"
            assert page.locator(f"#failed a[href='/ops/rooms/{tampered.id}/']").count() == 1
            page.screenshot(path=str(SHOTS / "alerts.png"), full_page=True)

            # rooms list -> audit trail
            page.goto(base + PAGES["rooms"])
            page.screenshot(path=str(SHOTS / "rooms.png"), full_page=True)
            page.click(f"#room-list a:text('{room.code}')")
            page.wait_for_url(f"{base}/ops/rooms/{room.code}/")
            assert _text(page, "#event-count") == str(event_count)
            assert _text(page, "#replay-version") == str(room.version)
            assert _text(page, "#deals-pass") == str(len(dealt))
            assert _text(page, "#deals-fail") == "0"
            assert page.locator("#timeline tbody tr[data-kind='event']").count() == event_count

            # step the replay: the first deal, with all four hands
            page.goto(f"{base}/ops/rooms/{room.code}/?version={first_deal_version}#replay")
            assert _text(page, "#replay-version") == str(first_deal_version)
            assert _text(page, "#replay-event") == "hands_dealt"
            for seat in range(4):
                kinds = page.locator(f".seat-box[data-seat='{seat}'] .hand .piece")
                assert (
                    kinds.evaluate_all("els => els.map(e => e.dataset.kind)")
                    == first_deal["hands"][seat]
                )
            page.screenshot(path=str(SHOTS / "room-audit.png"), full_page=True)
            page.click("#step-next")
            page.wait_for_url(f"**/?version={first_deal_version + 1}#replay")
            assert _text(page, "#replay-version") == str(first_deal_version + 1)
            page.keyboard.press("ArrowLeft")
            page.wait_for_url(f"**/?version={first_deal_version}#replay")
            assert _text(page, "#replay-version") == str(first_deal_version)
            page.click("#step-first")
            page.wait_for_url("**/?version=0#replay")
            assert _text(page, "#replay-version") == "0"
            assert page.locator(".seat-box .hand .piece").count() == 0
            page.click("#step-last")
            page.wait_for_url(f"**/?version={room.version}#replay")
            assert _text(page, "#replay-version") == str(room.version)
            assert _text(page, "#replay-phase") == "GAME_OVER"
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(f"{base}/ops/rooms/{room.code}/?version={first_deal_version + 6}#replay")
            page.screenshot(path=str(SHOTS / "room-audit-phone.png"), full_page=False)
            ctx.close()
        finally:
            browser.close()
