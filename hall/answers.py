"""Answers to commands: the status and body a caller gets, and the idempotency key that
gives a retried request the answer the first one got."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

B = TypeVar("B")  # the body: hall.views.TicketAnswer, IssuedTicket, ...


@dataclass(frozen=True, slots=True)
class Once:
    """An idempotency key: the same key from the same caller is one action, not two."""

    scope: str  # who asked: a username or a device
    key: str
    fingerprint: str  # what was asked; the same key for something else is refused

    @staticmethod
    def of(scope: str, key: str, action: str, body: Any) -> Once:
        digest = hashlib.sha256(
            json.dumps([action, body], sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        return Once(scope, key, digest)


@dataclass(frozen=True, slots=True)
class Answer(Generic[B]):
    """What a command answers: an HTTP-like status and its JSON body."""

    status: int
    body: B
