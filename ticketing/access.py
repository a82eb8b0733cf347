"""Who may take how many numbers. A kiosk is not a stranger, and no one source (nor all
the strangers together) can use up a service's numbers for the day.

Sources:
- `staff:NAME`: a logged-in staff member at the guide desk: never limited.
- `net:ADDRESS`: a page on the hall's own kiosk networks (its wired PCs, the server
  itself): trusted like staff, never limited.
- `kiosk:ID`: a kiosk paired by a manager (it holds a device token): limited only in rate
  (a kiosk serves many visitors; the limit stops a stolen token from draining the day).
- `anon:ADDRESS`: anyone else (a phone on the hall's Wi-Fi): a few numbers a day each,
  and all of them together at most a share of a capped service's numbers.

The rules are plain values and counts over the hall's clock; the server says who asks.
"""

from __future__ import annotations

import ipaddress
import math
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hall.config import Service
from hall.errors import DomainError


class Anonymous(StrEnum):
    OPEN = "open"  # a closed network: strangers take numbers freely (rate-limited only)
    LIMITED = "limited"  # a few a day per address, a share of capped services
    OFF = "off"  # only kiosks and staff issue numbers


@dataclass(frozen=True, slots=True)
class AccessSettings:
    anonymous: Anonymous = Anonymous.LIMITED
    anonymous_per_day: int = 3  # numbers one address may take in a day, all services
    anonymous_share: float = 0.3  # of a capped service's numbers, what strangers may take
    kiosk_per_minute: int = 30  # numbers one kiosk may issue in a minute
    # Where the hall's own kiosks stand: pages from here count as kiosks without pairing.
    kiosk_networks: tuple[str, ...] = ("127.0.0.0/8", "::1/128")

    def on_kiosk_network(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in ipaddress.ip_network(n, strict=False) for n in self.kiosk_networks)


ACCESS_KEYS = frozenset(
    {"anonymous", "anonymous_per_day", "anonymous_share", "kiosk_per_minute", "kiosk_networks"}
)


def access_settings(section: Mapping[str, Any]) -> AccessSettings:
    """[access]: check it; a mistake raises ValueError naming the key."""
    for key in section:
        if key not in ACCESS_KEYS:
            raise ValueError(f"access.{key}: unknown key (known: {', '.join(sorted(ACCESS_KEYS))})")
    d = AccessSettings()
    try:
        mode = Anonymous(section.get("anonymous", d.anonymous.value))
    except ValueError:
        raise ValueError('access.anonymous: must be "open", "limited" or "off"') from None
    per_day = section.get("anonymous_per_day", d.anonymous_per_day)
    if isinstance(per_day, bool) or not isinstance(per_day, int) or not 1 <= per_day <= 100:
        raise ValueError("access.anonymous_per_day: must be a whole number 1-100")
    share = section.get("anonymous_share", d.anonymous_share)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise ValueError("access.anonymous_share: must be a number above 0 and at most 1")
    rate = section.get("kiosk_per_minute", d.kiosk_per_minute)
    if isinstance(rate, bool) or not isinstance(rate, int) or not 1 <= rate <= 600:
        raise ValueError("access.kiosk_per_minute: must be a whole number 1-600")
    networks = section.get("kiosk_networks", list(d.kiosk_networks))
    if not isinstance(networks, list) or not all(isinstance(n, str) for n in networks):
        raise ValueError("access.kiosk_networks: must be a list of networks like 10.1.0.0/24")
    for n in networks:
        try:
            ipaddress.ip_network(n, strict=False)
        except ValueError:
            raise ValueError(f"access.kiosk_networks: {n!r} is not a network") from None
    return AccessSettings(mode, per_day, float(share), rate, tuple(networks))


@dataclass(frozen=True, slots=True)
class Source:
    kind: str  # "staff", "kiosk" or "anon"
    name: str  # the username, the kiosk's id or address, the address

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"

    @classmethod
    def parse(cls, key: str) -> Source:
        kind, _, name = key.partition(":")
        return cls(kind, name)


class IssueLimits:
    """Today's counts by source, and each kiosk's last minute of numbers."""

    def __init__(self, settings: AccessSettings) -> None:
        self.settings = settings
        self.day = ""
        self.by_source: Counter[str] = Counter()  # anon:ADDRESS -> numbers today
        self.anonymous_by_service: Counter[str] = Counter()
        self.recent: dict[str, deque[float]] = {}  # kiosk:ID -> issue times, last minute

    def start_day(self, day: str, issued: Iterable[tuple[str, str, int]]) -> None:
        """A new day (or a restart): today's numbers so far, as (source, service, count)."""
        self.day = day
        self.by_source.clear()
        self.anonymous_by_service.clear()
        self.recent.clear()
        for source, service, count in issued:
            self._count(Source.parse(source), service, count)

    def check(self, source: Source, service: Service, now: float) -> None:
        """Refuse a number this source may not take now; the message says why."""
        s = self.settings
        if source.kind in ("staff", "net"):
            return
        if source.kind == "kiosk":
            times = self.recent.get(source.key)
            while times and times[0] <= now - 60:
                times.popleft()
            if times is not None and len(times) >= s.kiosk_per_minute:
                raise DomainError("kiosk_too_fast", seconds=math.ceil(times[0] + 60 - now))
            return
        if s.anonymous is Anonymous.OFF:
            raise DomainError("tickets_at_kiosk_only")
        if s.anonymous is Anonymous.LIMITED:
            if self.by_source[source.key] >= s.anonymous_per_day:
                raise DomainError("tickets_per_day", limit=s.anonymous_per_day)
            cap = service.daily_cap
            if cap is not None and self.anonymous_by_service[service.id] >= self.share_of(cap):
                raise DomainError("tickets_share_used", service_name=service.name)

    def share_of(self, cap: int) -> int:
        return max(1, math.floor(cap * self.settings.anonymous_share))

    def taken(self, source: Source, service: Service, now: float) -> None:
        """Count a number once it is issued."""
        if source.kind == "kiosk":
            self.recent.setdefault(source.key, deque()).append(now)
        self._count(source, service.id, 1)

    def _count(self, source: Source, service: str, n: int) -> None:
        if source.kind == "anon":
            self.by_source[source.key] += n
            self.anonymous_by_service[service] += n
