"""The hall's link to its city hub: it pushes the hall's event log in order over a websocket
the hall opens (halls sit behind NAT), resuming after the last event the hub committed.

The hall never waits for the hub: the link runs beside the hall and retries with a growing
pause while the hub is away; a hall offline for a day catches up on its own. What leaves
the hall is masked by default: the visitors' own words and links stay home.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import websockets

from hall.events import Event
from hall.storage import Store

log = logging.getLogger("hallcall.city")

BATCH = 500
# Fields that can identify or quote a visitor: kept in the hall unless it allows otherwise.
CITY_KEYS = frozenset({"url", "key_file", "share_personal"})
PERSONAL = frozenset({"comment", "token", "link", "contact", "phone", "id_number", "visitor"})


@dataclass(frozen=True, slots=True)
class CitySettings:
    url: str  # the hub, e.g. "wss://city.example.gov.cn" (the hall connects out)
    key: str  # made on the hub: `run.py city --pg DSN hall add ID NAME`
    share_personal: bool = False


def city_settings(section: Mapping[str, Any], base: Path) -> CitySettings | None:
    """[city]: url, key_file (beside the hall file), share_personal. None when absent."""
    if not section:
        return None
    unknown = sorted(set(section) - CITY_KEYS)
    if unknown:
        raise ValueError(f"city.{unknown[0]}: unknown key (known: url, key_file, share_personal)")
    url = section.get("url")
    if not isinstance(url, str) or not url.startswith(("ws://", "wss://")):
        raise ValueError('city.url: expected the hub\'s address, like "wss://city.example"')
    key_file = section.get("key_file")
    if not isinstance(key_file, str):
        raise ValueError("city.key_file: expected the file holding the hall's key")
    try:
        key = (base / key_file).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(f"city.key_file: cannot read {key_file}: {exc.strerror}") from None
    share = section.get("share_personal", False)
    if not isinstance(share, bool):
        raise ValueError("city.share_personal: must be true or false")
    return CitySettings(url.rstrip("/"), key, share)


def shareable(event: Event, share_personal: bool) -> dict[str, Any]:
    data = event.data if share_personal else _masked(event.data)
    return {"seq": event.seq, "type": event.type.value, "at": event.at, "data": data}


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items() if k not in PERSONAL}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


class CityLink:
    def __init__(self, settings: CitySettings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.wake = asyncio.Event()
        self.acked = 0  # the last event the hub has committed
        self.connected = False

    def nudge(self, _event: Event) -> None:
        """An event was committed: send it now rather than at the next look."""
        self.wake.set()

    async def run(self) -> None:
        pause = 1.0
        while True:
            try:
                await self._session()
                pause = 1.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the hub is away or refused: try again, later each time
                log.warning("city hub: %s; trying again in %.0f s", exc, pause)
            self.connected = False
            await asyncio.sleep(pause)
            pause = min(pause * 2, 60.0)

    async def _session(self) -> None:
        headers = {"Authorization": f"Hall {self.settings.key}"}
        url = f"{self.settings.url}/ws/city/push"
        async with websockets.connect(url, additional_headers=headers, open_timeout=10) as ws:
            hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
            after = int(hello["after"])
            self.connected = True
            while True:
                batch = self.store.events_since(after, BATCH)
                if not batch:
                    self.wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.wake.wait(), 5)
                    continue
                events = [shareable(e, self.settings.share_personal) for e in batch]
                await ws.send(json.dumps({"type": "events", "events": events}, ensure_ascii=False))
                ack = json.loads(await asyncio.wait_for(ws.recv(), 30))
                after = self.acked = int(ack["seq"])
