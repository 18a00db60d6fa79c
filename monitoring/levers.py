"""Emergency levers as every process sees them (maintenance, read-only, ...).

``current_levers()`` is what services and consumers consult on each write.
The levers live in one database row (``monitoring.models.LeverSettings``,
edited by staff in the admin), so every server process and Celery worker
sees the same values. Each process caches the row for at most
``CACHE_SECONDS``: a change takes effect everywhere within two seconds,
without a restart, for the price of one primary-key query per process every
two seconds. Saving in the admin also calls ``forget_cached_levers()`` so the
process that served the admin sees the change at once.

If the row cannot be read (tables not migrated yet, database down) the
settings' defaults apply: the levers never turn a database outage into a
second failure.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

CACHE_SECONDS = 2.0


class AddressBlockList(frozenset):
    """The blocked addresses: exact entries, plus CIDR networks.

    A ``frozenset`` of the entries as typed (so ``addr in levers.blocked_addresses``
    keeps working for callers that test membership), whose membership test also
    matches an address inside a listed network such as ``203.0.113.0/24``.

    >>> blocked = AddressBlockList.parse("10.0.0.7\\n192.0.2.0/24  # scanner")
    >>> "10.0.0.7" in blocked, "192.0.2.99" in blocked, "192.0.3.1" in blocked
    (True, True, False)
    """

    _networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    def __new__(cls, entries: Any = ()) -> AddressBlockList:
        self = super().__new__(cls, entries)
        nets = []
        for entry in self:
            if "/" in entry:
                try:
                    nets.append(ipaddress.ip_network(entry, strict=False))
                except ValueError:
                    continue
        self._networks = tuple(nets)
        return self

    @classmethod
    def parse(cls, text: str) -> AddressBlockList:
        """One entry per line (commas and spaces also separate); ``#`` starts a comment."""
        entries = []
        for line in (text or "").splitlines():
            line = line.split("#", 1)[0]
            entries.extend(part for part in line.replace(",", " ").split() if part)
        return cls(entries)

    def __contains__(self, address: object) -> bool:
        if frozenset.__contains__(self, address):
            return True
        if not self._networks or not isinstance(address, str) or not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip.version == net.version and ip in net for net in self._networks)


def invalid_block_entries(text: str) -> list[str]:
    """Entries of a block list that are neither an IP address nor a network (for the admin form)."""
    bad = []
    for entry in AddressBlockList.parse(text):
        try:
            if "/" in entry:
                ipaddress.ip_network(entry, strict=False)
            else:
                ipaddress.ip_address(entry)
        except ValueError:
            bad.append(entry)
    return sorted(bad)


@dataclass(frozen=True)
class Levers:
    maintenance_mode: bool = False
    read_only: bool = False
    blocked_addresses: frozenset[str] = field(default_factory=AddressBlockList)
    rate_limit_per_connection: int = 20
    rate_limit_per_address: int = 60


_lock = threading.Lock()
_cached: tuple[float, Levers] | None = None


def _defaults() -> Levers:
    conf = settings.LIAPTUI
    return Levers(
        rate_limit_per_connection=conf["RATE_LIMIT_PER_CONNECTION"],
        rate_limit_per_address=conf["RATE_LIMIT_PER_ADDRESS"],
    )


def _from_row(row: Any) -> Levers:
    defaults = _defaults()
    return Levers(
        maintenance_mode=bool(row.maintenance_mode),
        read_only=bool(row.read_only),
        blocked_addresses=AddressBlockList.parse(row.blocked_addresses),
        rate_limit_per_connection=row.rate_limit_per_connection
        or defaults.rate_limit_per_connection,
        rate_limit_per_address=row.rate_limit_per_address or defaults.rate_limit_per_address,
    )


FAILURE_BACKOFF = 30.0  # seconds before retrying a read that failed (database down)
_loading = threading.Lock()


def _load() -> tuple[Levers, bool]:
    """Read the levers row: (levers, read ok). Defaults when there is no row."""
    try:
        from monitoring.models import LeverSettings

        row = LeverSettings.objects.filter(pk=LeverSettings.SINGLETON_PK).first()
    except Exception:  # noqa: BLE001 - no table yet / database down / DB access not allowed
        return _defaults(), False
    return (_defaults() if row is None else _from_row(row)), True


def current_levers() -> Levers:
    """The levers in force (read at most every ``CACHE_SECONDS`` per process).

    Never makes many requests wait on a slow or dead database: while one
    thread re-reads the row the others keep the last known levers, and a
    failed read keeps them (or the defaults) for ``FAILURE_BACKOFF`` seconds,
    so health probes still answer quickly during a database outage.
    """
    global _cached
    cached = _cached
    if cached is not None and time.monotonic() < cached[0]:
        return cached[1]
    if not _loading.acquire(blocking=cached is None):
        return cached[1]  # another thread is refreshing: the last value will do
    try:
        levers, ok = _load()
        if not ok and cached is not None:
            levers = cached[1]
        expires = time.monotonic() + (CACHE_SECONDS if ok else FAILURE_BACKOFF)
        with _lock:
            _cached = (expires, levers)
        return levers
    finally:
        _loading.release()


def fresh_cached_levers() -> Levers | None:
    """The cached levers if still fresh, else None: lets async code skip a thread hop."""
    cached = _cached
    if cached is not None and time.monotonic() < cached[0]:
        return cached[1]
    return None


def last_known_levers() -> Levers | None:
    """The cached levers even if they are due for a re-read (None before the first read)."""
    cached = _cached
    return None if cached is None else cached[1]


def forget_cached_levers() -> None:
    """Tests and the admin call this to make a change visible at once in this process."""
    global _cached
    with _lock:
        _cached = None


LEVER_FIELDS = (
    "maintenance_mode",
    "read_only",
    "blocked_addresses",
    "rate_limit_per_connection",
    "rate_limit_per_address",
)


def levers_update(*, updated_by: str = "", **changes: Any) -> Levers:
    """Change some levers (keyword per field; blocked_addresses as text or a list).

    The shared row is written at once; other processes pick the change up
    within ``CACHE_SECONDS``, this one immediately.
    """
    from monitoring.models import LeverSettings
    from monitoring.security import record_security_event

    unknown = set(changes) - set(LEVER_FIELDS)
    if unknown:
        raise ValueError(f"unknown lever(s): {', '.join(sorted(unknown))}")
    if isinstance(changes.get("blocked_addresses"), list | tuple | set | frozenset):
        changes["blocked_addresses"] = "\n".join(sorted(changes["blocked_addresses"]))
    for key in ("rate_limit_per_connection", "rate_limit_per_address"):
        if key in changes and changes[key] is not None and int(changes[key]) < 1:
            raise ValueError(f"{key} must be at least 1 (or None for the default)")
    if "blocked_addresses" in changes:
        bad = invalid_block_entries(changes["blocked_addresses"])
        if bad:
            raise ValueError(f"not an address or network: {', '.join(bad)}")
    row, _ = LeverSettings.objects.get_or_create(pk=LeverSettings.SINGLETON_PK)
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_by = updated_by[:150]
    row.save()
    forget_cached_levers()
    record_security_event("levers_changed", by=updated_by or "-", changes=sorted(changes))
    return current_levers()
