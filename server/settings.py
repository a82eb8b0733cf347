"""The [server] section of the hall file: how the server meets its network."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SERVER_KEYS = frozenset(
    {
        "trusted_proxies",
        "secure_cookies",
        "allowed_origins",
        "max_sockets",
        "max_sockets_per_address",
    }
)


@dataclass(frozen=True, slots=True)
class ServerSettings:
    # Reverse proxies whose X-Forwarded-For is believed; nobody else's is.
    trusted_proxies: tuple[str, ...] = ()
    # Served over HTTPS (directly or behind a proxy): cookies only over HTTPS, and HSTS.
    secure_cookies: bool = False
    # Other sites allowed to send state-changing requests (a portal), as scheme://host[:port].
    allowed_origins: tuple[str, ...] = ()
    # Live connections (screens, pages): in all, and from one address outside the hall's
    # kiosk networks. Past either, a new one is refused and told to try again later.
    max_sockets: int = 2000
    max_sockets_per_address: int = 10


def server_settings(section: Mapping[str, Any]) -> ServerSettings:
    """Check the section; a mistake raises ValueError naming the key."""
    for key in section:
        if key not in SERVER_KEYS:
            raise ValueError(
                f"server.{key}: unknown key (expected one of: {', '.join(sorted(SERVER_KEYS))})"
            )
    proxies = section.get("trusted_proxies", [])
    if not isinstance(proxies, list) or not all(isinstance(p, str) for p in proxies):
        raise ValueError("server.trusted_proxies: must be a list of addresses")
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ValueError(f"server.trusted_proxies: {proxy!r} is not an address") from None
    secure = section.get("secure_cookies", False)
    if not isinstance(secure, bool):
        raise ValueError("server.secure_cookies: must be true or false")
    origins = section.get("allowed_origins", [])
    if not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
        raise ValueError("server.allowed_origins: must be a list of origins")
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ValueError(f"server.allowed_origins: {origin!r} is not scheme://host[:port]")
    limits = []
    for key, low, high in (("max_sockets", 10, 100_000), ("max_sockets_per_address", 1, 10_000)):
        value = section.get(key, getattr(ServerSettings(), key))
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"server.{key}: must be a whole number {low}-{high}")
        limits.append(value)
    origins_seen = tuple(o.rstrip("/").lower() for o in origins)
    return ServerSettings(tuple(proxies), secure, origins_seen, limits[0], limits[1])
