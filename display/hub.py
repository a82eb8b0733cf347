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
from hall.payloads import Snapshot as HallSnapshot
from hall.views import without_usernames

Send = Callable[[str], Awaitable[None]]
Snapshot = Callable[[], HallSnapshot]

REPLAY_EVENTS = 5000
CLIENT_BACKLOG = 2000  # messages a client may fall behind before it is dropped


# Who may see an event: None for everyone; else the usernames it concerns, plus managers.
Audience = frozenset[str] | None
PUBLIC: Audience = None


@dataclass(frozen=True, slots=True)
class Viewer:
    """A logged-in person following /ws/staff."""

    username: str
    manager: bool  # managers and admins see every event


def _texts(message: dict[str, Any]) -> tuple[str, str]:
    """The message as staff see it, and as public screens see it (no usernames). Each is
    serialised once, however many screens follow."""
    full = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    public = without_usernames(message)
    if public == message:
        return full, full
    return full, json.dumps(public, ensure_ascii=False, separators=(",", ":"))


def audience(event: Event) -> Audience:
    """Public events for all; a staff-only event for managers and the staff it names (the
    one rated or given a work order, the one a window message is for)."""
    if event.type.public:
        return PUBLIC
    named = (event.data.get("staff"), event.data.get("to"))
    return frozenset(n for n in named if isinstance(n, str))


@dataclass(eq=False)
class Client:
    send: Send
    viewer: Viewer | None = None  # None: a public screen
    queue: asyncio.Queue[str | None] = field(
        default_factory=lambda: asyncio.Queue(maxsize=CLIENT_BACKLOG)
    )
    overflowed: bool = False

    def sees(self, who: Audience) -> bool:
        if who is None:  # public
            return True
        v = self.viewer
        return v is not None and (v.manager or v.username in who)

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
        # (seq, (text for staff, text for public screens), who may see it)
        self.recent: deque[tuple[int, tuple[str, str], Audience]] = deque(maxlen=REPLAY_EVENTS)
        self.last_seq = last_seq
        self.snapshot = snapshot

    def publish(self, event: Event) -> None:
        """Called on the event loop right after the event's transaction committed."""
        texts = _texts(event.as_message())
        who = audience(event)
        self.recent.append((event.seq, texts, who))
        self.last_seq = event.seq
        for client in self.clients:
            if client.sees(who):
                client.offer(texts[client.viewer is None])

    def redraw(self) -> None:
        """Send every client a fresh snapshot: the hall's set-up itself changed."""
        texts = self._snapshot_texts()
        for client in self.clients:
            client.offer(texts[client.viewer is None])

    def _snapshot_texts(self) -> tuple[str, str]:
        return _texts({"type": "snapshot", "seq": self.last_seq, **self.snapshot()})

    def attach(
        self, send: Send, since: int | None, viewer: Viewer | None = None
    ) -> tuple[Client, list[str]]:
        """Register a client and return what it must get first.

        Registering and taking the backlog happen with no await in between, so no event can
        fall into the gap between the two.
        """
        client = Client(send, viewer)
        backlog = self._backlog(since, client)
        self.clients.add(client)
        return client, backlog

    def _backlog(self, since: int | None, client: Client) -> list[str]:
        if since is not None:
            if since == self.last_seq:
                return []
            oldest = self.recent[0][0] if self.recent else self.last_seq + 1
            if oldest - 1 <= since < self.last_seq:
                public = client.viewer is None
                return [
                    t[public] for seq, t, who in self.recent if seq > since and client.sees(who)
                ]
        # New, too far behind, or ahead of us (a screen that saw another database): redraw.
        return [self._snapshot_texts()[client.viewer is None]]

    def preload(self, events: list[Event]) -> None:
        """Fill the replay buffer from storage at start-up, so reconnects survive a restart."""
        for event in events:
            self.recent.append((event.seq, _texts(event.as_message()), audience(event)))

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
