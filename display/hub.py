"""The live hub: every committed event goes to every connected screen and page, in order.

Each client has its own bounded queue and sender task, so a slow screen never holds up the
others; one that falls too far behind is disconnected and catches up when it reconnects.
A client that reconnects says the last sequence it saw and gets what it missed from a ring
buffer of recent events, or a fresh snapshot when it is too far behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from hall.events import Event

Send = Callable[[str], Awaitable[None]]
Snapshot = Callable[[], dict[str, Any]]

REPLAY_EVENTS = 5000
CLIENT_BACKLOG = 2000  # messages a client may fall behind before it is dropped


@dataclass(eq=False)
class Client:
    send: Send
    staff: bool = False  # logged-in staff also get the events not meant for public screens
    queue: asyncio.Queue[str | None] = field(
        default_factory=lambda: asyncio.Queue(maxsize=CLIENT_BACKLOG)
    )
    overflowed: bool = False

    def offer(self, text: str) -> None:
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            self.overflowed = True
            self.queue = asyncio.Queue(maxsize=1)
            self.queue.put_nowait(None)  # tells the sender to close; the client reconnects


class Hub:
    def __init__(self, last_seq: int, snapshot: Snapshot) -> None:
        self.clients: set[Client] = set()
        self.recent: deque[tuple[int, str, bool]] = deque(maxlen=REPLAY_EVENTS)
        self.last_seq = last_seq
        self.snapshot = snapshot

    def publish(self, event: Event) -> None:
        """Called on the event loop right after the event's transaction committed."""
        text = json.dumps(event.as_message(), ensure_ascii=False, separators=(",", ":"))
        public = event.type.public
        self.recent.append((event.seq, text, public))
        self.last_seq = event.seq
        for client in self.clients:
            if public or client.staff:
                client.offer(text)

    def redraw(self) -> None:
        """Send every client a fresh snapshot: the hall's set-up itself changed."""
        snap = {"type": "snapshot", "seq": self.last_seq, **self.snapshot()}
        text = json.dumps(snap, ensure_ascii=False, separators=(",", ":"))
        for client in self.clients:
            client.offer(text)

    def attach(
        self, send: Send, since: int | None, staff: bool = False
    ) -> tuple[Client, list[str]]:
        """Register a client and return what it must get first.

        Registering and taking the backlog happen with no await in between, so no event can
        fall into the gap between the two.
        """
        client = Client(send, staff)
        backlog = self._backlog(since, staff)
        self.clients.add(client)
        return client, backlog

    def _backlog(self, since: int | None, staff: bool) -> list[str]:
        if since is not None:
            if since == self.last_seq:
                return []
            oldest = self.recent[0][0] if self.recent else self.last_seq + 1
            if oldest - 1 <= since < self.last_seq:
                return [t for seq, t, public in self.recent if seq > since and (public or staff)]
        # New, too far behind, or ahead of us (a screen that saw another database): redraw.
        snap = {"type": "snapshot", "seq": self.last_seq, **self.snapshot()}
        return [json.dumps(snap, ensure_ascii=False, separators=(",", ":"))]

    def preload(self, events: list[Event]) -> None:
        """Fill the replay buffer from storage at start-up, so reconnects survive a restart."""
        for event in events:
            text = json.dumps(event.as_message(), ensure_ascii=False, separators=(",", ":"))
            self.recent.append((event.seq, text, event.type.public))

    def detach(self, client: Client) -> None:
        self.clients.discard(client)

    async def run(self, client: Client, backlog: list[str]) -> None:
        """Send the backlog, then every new message, until the client goes or overflows."""
        try:
            for text in backlog:
                await client.send(text)
            while (message := await client.queue.get()) is not None:
                await client.send(message)
        finally:
            self.detach(client)

    async def close_all(self) -> None:
        for client in list(self.clients):
            with contextlib.suppress(asyncio.QueueFull):
                client.queue.put_nowait(None)
