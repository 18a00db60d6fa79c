"""Each dashboard figure from its selector, checked against the database (no browser)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from eventstore.models import Event
from eventstore.selectors import event_read
from games import services
from games.engine import RuleViolation
from games.models import RejectedCommand, Room
from games.room_rules import Actor, DeclareValue
from monitoring.dashboards import selectors
from monitoring.models import PerformanceSample, RecoveryAction, ResourceSample
from tests.dashboards.conftest import bot_game

pytestmark = pytest.mark.django_db


def _events(room: Room, type_: str) -> list:
    return [e for e in event_read(stream_id=room.stream_id) if e.type == type_]


def _at(model, rows: list[dict], *, minutes_ago_start: int, step_minutes: float = 1.0) -> None:
    """Create sample rows backdated one ``step`` apart, oldest first."""
    now = timezone.now()
    for i, row in enumerate(rows):
        obj = model.objects.create(**row)
        at = now - timedelta(minutes=minutes_ago_start - i * step_minutes)
        model.objects.filter(pk=obj.pk).update(created_at=at)


# --- time range -----------------------------------------------------------------


def test_time_range_names_and_default() -> None:
    assert selectors.time_range("1h").seconds == 3600
    assert selectors.time_range("7d").seconds == 7 * 86400
    rng = selectors.time_range("nonsense")
    assert rng.key == selectors.DEFAULT_RANGE and rng.until - rng.since == timedelta(hours=24)


def test_duration_text_reads_like_a_person_would() -> None:
    assert selectors.duration_text(4.25) == "4.2s"
    assert selectors.duration_text(125) == "2m 5s"
    assert selectors.duration_text(3 * 3600 + 120) == "3h 2m"
    assert selectors.duration_text(None) == "–"


# --- game analytics -----------------------------------------------------------------


def test_game_analytics_match_the_event_streams() -> None:
    rooms = [bot_game("Ana"), bot_game("Bo")]
    a = selectors.game_analytics(rng=selectors.time_range("1h"))
    assert a["games_finished"] == 2 == sum(r.games_finished for r in Room.objects.all())
    assert a["games_started"] == 2
    overs = [e for r in rooms for e in _events(r, "game_over")]
    for seat in range(4):
        wins = sum(1 for e in overs if seat in e.data["winners"])
        assert a["seats"][seat]["wins"] == wins
        assert a["seats"][seat]["win_rate"] == round(100 * wins / 2, 1)
    # every seat was a bot at game over (the hosts left mid-game)
    kinds = {k["kind"]: k for k in a["kinds"]}
    assert kinds["bot"]["seat_games"] == 8 and kinds["human"]["seat_games"] == 0
    assert kinds["bot"]["wins"] == sum(len(e.data["winners"]) for e in overs)
    scored = [e for r in rooms for e in _events(r, "round_scored")]
    pairs = [(s["declared"], s["captured"]) for e in scored for s in e.data["seats"]]
    assert a["rounds"]["total"] == len(scored)
    assert a["declarations"]["total"] == len(pairs)
    assert a["declarations"]["exact"] == sum(1 for d, c in pairs if d == c)
    deals = [e for r in rooms for e in _events(r, "hands_dealt")]
    assert a["redeals"]["total"] == sum(1 for e in deals if e.data["deal"] > 1)
    actions = sum(
        1
        for r in rooms
        for e in event_read(stream_id=r.stream_id)
        if e.type in ("declared", "played", "redeal_decided")
    )
    assert a["actions"]["total"] == actions and a["actions"]["per_minute"] > 0
    hour = timezone.localtime(timezone.now()).hour
    assert a["popular"]["by_hour"][hour] == 2 and sum(a["popular"]["by_weekday"]) == 2
    assert a["duration"]["avg_seconds"] is not None


def test_a_human_who_stays_counts_as_human() -> None:
    bot_game("Cy", all_bots=False)  # the host stays (played for by a bot only if away)
    a = selectors.game_analytics(rng=selectors.time_range("1h"))
    kinds = {k["kind"]: k for k in a["kinds"]}
    assert kinds["human"]["seat_games"] == 1 and kinds["bot"]["seat_games"] == 3


def test_games_outside_the_range_are_not_counted() -> None:
    room = bot_game("Di")
    Event.objects.filter(stream_id=room.stream_id).update(
        recorded_at=timezone.now() - timedelta(hours=3)
    )
    assert selectors.game_analytics(rng=selectors.time_range("1h"))["games_finished"] == 0
    assert selectors.game_analytics(rng=selectors.time_range("6h"))["games_finished"] == 1


def test_games_from_events_splits_play_again_games() -> None:
    def ev(type_, **data):
        return SimpleNamespace(type=type_, data=data, recorded_at=timezone.now(), version=0)

    events = [
        ev("bot_added", seat=1),
        ev("game_started"),
        ev("hands_dealt", deal=1),
        ev("declared", seat=0, value=1),
        ev("round_scored", seats=[{"declared": 1, "captured": 1}, {"declared": 2, "captured": 0}]),
        ev("game_over", winners=[0]),
        ev("game_started"),
        ev("hands_dealt", deal=1),
        ev("hands_dealt", deal=2),
        ev("round_scored", seats=[]),
        ev("game_over", winners=[1, 2]),
    ]
    games = selectors.games_from_events("s", events)
    assert [g.rounds for g in games] == [1, 1]
    assert games[0].declarations == [(1, 1), (2, 0)] and games[0].actions == 1
    assert games[1].redeals == 1 and games[1].winners == (1, 2)
    assert games[0].bots == (False, True, False, False)


# --- room audit -----------------------------------------------------------------------


def test_every_finished_deal_passes_the_fairness_check() -> None:
    room = bot_game("Ed")
    audit = selectors.room_audit(room=room)
    dealt = _events(room, "hands_dealt")
    assert len(audit["deals"]) == len(dealt) > 0
    assert {d["status"] for d in audit["deals"]} == {"pass"}
    assert {d["shuffle"] for d in audit["deals"]} == {2}  # new deals use shuffle version 2
    assert all(e.data["shuffle"] == 2 for e in dealt)
    assert audit["chain"]["ok"] and audit["event_count"] == room.version == audit["head"]


def test_a_deal_of_a_round_not_yet_scored_is_pending() -> None:
    room = bot_game("Fay", finish=False)
    checks = selectors.room_audit(room=room)["deals"]
    assert checks and checks[-1]["status"] == "pending" and checks[-1]["seed"] is None


def test_a_revealed_seed_that_does_not_deal_those_hands_fails() -> None:
    room = bot_game("Gus")
    events = [
        SimpleNamespace(type=e.type, version=e.version, data=dict(e.data))
        for e in event_read(stream_id=room.stream_id)
    ]
    first = next(e for e in events if e.type == "hands_dealt")
    hands = [list(h) for h in first.data["hands"]]
    i = next(i for i in range(8) if hands[0][i] != hands[1][i])
    hands[0][i], hands[1][i] = hands[1][i], hands[0][i]  # a different deal than the seed's
    first.data["hands"] = hands
    statuses = [c["status"] for c in selectors.deal_checks(events)]
    assert statuses[0] == "fail" and set(statuses[1:]) <= {"pass"}


def _stream(hands_dealt: dict, reveal: dict) -> list[SimpleNamespace]:
    """A hand-built stream of one dealt and scored round."""
    return [
        SimpleNamespace(type="game_started", version=1, data={}),
        SimpleNamespace(type="hands_dealt", version=2, data=hands_dealt),
        SimpleNamespace(type="round_scored", version=3, data={"round": 1, "deals": [reveal]}),
    ]


@pytest.mark.parametrize(
    "dealt_with,recorded,revealed,status",
    [
        (1, None, None, "pass"),  # stored before shuffle versions: version 1
        (1, 1, 1, "pass"),
        (2, 2, 2, "pass"),
        (2, None, None, "fail"),  # a version 2 deal checked as version 1
        (1, 2, 2, "fail"),
        (2, 2, 1, "fail"),  # the reveal names another version than the deal
        (2, 3, 3, "fail"),  # a version nobody knows cannot pass
    ],
)
def test_deals_are_checked_with_the_shuffle_version_they_recorded(
    dealt_with: int, recorded: int | None, revealed: int | None, status: str
) -> None:
    from games.engine import commitment, deal_from_seed

    seed = "3f2a9c0d5e7b1a4c8d6e2f0a9b3c5d7e"
    c = commitment(seed)
    hands = [list(h) for h in deal_from_seed(seed, dealt_with)]
    dealt = {"round": 1, "deal": 1, "seed": seed, "commitment": c, "hands": hands, "starter": 0}
    reveal = {"deal": 1, "seed": seed, "commitment": c}
    if recorded is not None:
        dealt["shuffle"] = recorded
    if revealed is not None:
        reveal["shuffle"] = revealed
    (check,) = selectors.deal_checks(_stream(dealt, reveal))
    assert check["status"] == status and check["shuffle"] == (recorded or 1)


def test_replay_shows_all_four_hands_at_a_version() -> None:
    room = bot_game("Hal")
    dealt = _events(room, "hands_dealt")[0]
    audit = selectors.room_audit(room=room, version=dealt.version)
    table = audit["table"]
    assert table["version"] == dealt.version and table["event"]["type"] == "hands_dealt"
    assert [[p["kind"] for p in s["hand"]] for s in table["seats"]] == dealt.data["hands"]
    assert audit["nav"] == {
        "first": 0,
        "prev": dealt.version - 1,
        "next": dealt.version + 1,
        "last": room.version,
        "version": dealt.version,
    }
    start = selectors.room_audit(room=room, version=0)
    assert start["table"]["version"] == 0 and start["nav"]["prev"] is None
    assert all(not s["hand"] for s in start["table"]["seats"])


def test_timeline_has_actors_correlation_ids_and_refused_commands() -> None:
    room = bot_game("Ivy", finish=False, all_bots=False)
    host = room.host
    from liaptui.correlation import bound_correlation_id

    with bound_correlation_id("cid-refused-1"), pytest.raises(RuleViolation):
        services.room_command(
            room=room, actor=Actor(str(host.id), host.name), command=DeclareValue(value=99)
        )
    timeline = selectors.room_audit(room=room)["timeline"]
    refused = [i for i in timeline if i["kind"] == "rejected"]
    assert len(refused) == RejectedCommand.objects.filter(room=room).count() == 1
    assert refused[0]["correlation_id"] == "cid-refused-1" and refused[0]["actor"] == "Ivy"
    created = next(i for i in timeline if i["type"] == "room_created")
    assert created["actor"] == "Ivy" and created["source"] == "http"
    assert [i["version"] for i in timeline if i["kind"] == "event"] == list(
        range(1, room.version + 1)
    )


# --- resources, performance, alerts ----------------------------------------------------


def _resource(cpu: float, sent: int = 0, recv: int = 0, host: str = "h1") -> dict:
    return {
        "host": host,
        "cpu_percent": cpu,
        "memory_percent": 40.0,
        "disk_percent": 50.0,
        "net_bytes_sent": sent,
        "net_bytes_recv": recv,
    }


def test_resources_history_series_and_network_rates() -> None:
    _at(ResourceSample, [_resource(10, 0, 0), _resource(30, 6000, 12000)], minutes_ago_start=5)
    r = selectors.resources_history(rng=selectors.time_range("1h"))
    assert r["samples"] == 2 and [v for _, v in r["series"]["cpu"]] == [10, 30]
    assert r["series"]["net_sent"][0][1] == pytest.approx(100.0, rel=0.01)
    assert r["series"]["net_recv"][0][1] == pytest.approx(200.0, rel=0.01)
    assert r["summary"]["cpu"] == {"avg": 20.0, "max": 30.0}
    assert r["thresholds"]["cpu_percent"] == {"warning": 60.0, "critical": 80.0}


def test_threshold_breaches_are_runs_of_samples_over_the_warning_line() -> None:
    _at(ResourceSample, [_resource(v) for v in (10, 70, 90, 20, 65)], minutes_ago_start=10)
    breaches = [
        b
        for b in selectors.threshold_breaches(rng=selectors.time_range("1h"))
        if b["metric"] == "cpu_percent"
    ]
    assert len(breaches) == 2
    ongoing, past = breaches  # newest first
    assert ongoing["ongoing"] and ongoing["level"] == "warning" and ongoing["samples"] == 1
    assert not past["ongoing"] and past["level"] == "critical" and past["peak"] == 90
    assert past["samples"] == 2 and past["limit"] == 80.0


def test_performance_history_from_samples_and_the_sampling_job() -> None:
    from monitoring.maintenance import maintenance_sample_figures

    summary = maintenance_sample_figures()
    assert PerformanceSample.objects.filter(pk=summary["performance_sample_id"]).exists()
    _at(
        PerformanceSample,
        [
            {"ws_p95_ms": 40.0, "error_rate_percent": 0.0},
            {"ws_p95_ms": 250.0, "error_rate_percent": 2.0},
        ],
        minutes_ago_start=3,
    )
    p = selectors.performance_report(rng=selectors.time_range("1h"))
    assert p["samples"] == 3
    assert p["peaks"]["ws_p95_ms"] == 250.0 and p["peaks"]["error_rate_percent"] == 2.0
    breaches = selectors.threshold_breaches(rng=selectors.time_range("1h"))
    assert {b["metric"] for b in breaches} >= {"websocket_latency_ms", "error_rate_percent"}


def test_alerts_report_lists_recovery_and_integrity_failures() -> None:
    room = bot_game("Jo", finish=False)
    RecoveryAction.objects.create(action="advance_overdue", target=str(room.id), outcome="ok")
    RecoveryAction.objects.create(
        action="verify_stream", target=room.stream_id, outcome="failed", error="hash mismatch"
    )
    RecoveryAction.objects.create(action="job:prune", target="prune", outcome="failed", error="x")
    old = RecoveryAction.objects.create(action="advance_overdue", target="old", outcome="ok")
    RecoveryAction.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    a = selectors.alerts_report(rng=selectors.time_range("24h"))
    assert a["recovery"]["total"] == 3 and a["recovery"]["failed"] == 2
    assert a["broken_streams"] == [room.stream_id]
    assert a["integrity_failures"][0]["audit"] == str(room.id)
    assert [f["action"] for f in a["failed_actions"]] == ["job:prune"]


def test_security_events_in_range_are_listed(settings) -> None:
    import uuid

    from monitoring.security import record_security_event

    settings.MONITORING_NAMESPACE = f"test-dash:{uuid.uuid4().hex}"
    record_security_event("access_denied", path="/ops/", reason="staff only")
    a = selectors.alerts_report(rng=selectors.time_range("1h"))
    assert [e["kind"] for e in a["security_events"]] == ["access_denied"]
    assert a["security_by_kind"] == [("access_denied", 1)]


def test_current_alerts_from_a_health_report() -> None:
    health = {
        "resources": {"cpu": {"value": 85.0}, "memory": {"value": 72.0}, "disk": {"value": 10.0}},
        "error_rates": {"error_rate_percent": 0.0},
        "websocket_latency": {"p95_ms": None},
        "connections": {"usage": {"value": 1.0}},
        "components": {
            "database": {"status": "up"},
            "redis": {"status": "down", "critical": True, "error": "ConnectionError"},
        },
    }
    alerts = {a["metric"]: a for a in selectors.current_alerts(health)}
    assert alerts["cpu_percent"]["level"] == "critical" and alerts["cpu_percent"]["limit"] == 80.0
    assert alerts["memory_percent"]["level"] == "warning"
    assert alerts["redis"]["level"] == "critical"
    assert "disk_percent" not in alerts and "database" not in alerts


def test_system_overview_counts_games_and_rooms() -> None:
    bot_game("Kim")
    bot_game("Lu", finish=False)
    o = selectors.system_overview()
    assert o["games_finished"] == 1 and o["games_in_progress"] == 1
    assert o["rooms_by_status"]["finished"] == 1 and o["status"] in ("good", "warning", "critical")
    assert {c["name"] for c in o["components"]} >= {"database", "event_store"}
