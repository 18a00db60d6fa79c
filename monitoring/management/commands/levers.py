"""Show or set the emergency levers from the shell (when the admin is out of reach)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from monitoring.levers import current_levers, forget_cached_levers, levers_update


def _on_off(value: str) -> bool:
    if value.lower() in ("on", "1", "true", "yes"):
        return True
    if value.lower() in ("off", "0", "false", "no"):
        return False
    raise ValueError(f"expected on or off, got {value!r}")


class Command(BaseCommand):
    help = "Show the levers, or set them: --maintenance on|off --read-only on|off --block ADDR ..."

    def add_arguments(self, parser):
        parser.add_argument("--maintenance", type=_on_off)
        parser.add_argument("--read-only", dest="read_only", type=_on_off)
        parser.add_argument("--block", action="append", default=[], help="add an address/network")
        parser.add_argument("--unblock", action="append", default=[], help="remove an entry")
        parser.add_argument("--rate-per-connection", type=int)
        parser.add_argument("--rate-per-address", type=int)

    def handle(self, *args, **o):
        changes = {}
        if o["maintenance"] is not None:
            changes["maintenance_mode"] = o["maintenance"]
        if o["read_only"] is not None:
            changes["read_only"] = o["read_only"]
        if o["block"] or o["unblock"]:
            forget_cached_levers()
            entries = set(current_levers().blocked_addresses) | set(o["block"])
            changes["blocked_addresses"] = sorted(entries - set(o["unblock"]))
        if o["rate_per_connection"] is not None:
            changes["rate_limit_per_connection"] = o["rate_per_connection"]
        if o["rate_per_address"] is not None:
            changes["rate_limit_per_address"] = o["rate_per_address"]
        if changes:
            try:
                levers_update(updated_by="manage.py levers", **changes)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        forget_cached_levers()
        levers = current_levers()
        self.stdout.write(
            json.dumps(
                {
                    "maintenance_mode": levers.maintenance_mode,
                    "read_only": levers.read_only,
                    "blocked_addresses": sorted(levers.blocked_addresses),
                    "rate_limit_per_connection": levers.rate_limit_per_connection,
                    "rate_limit_per_address": levers.rate_limit_per_address,
                },
                indent=2,
            )
        )
