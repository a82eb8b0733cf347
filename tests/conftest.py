"""Fixtures: a fresh real server on a temporary database, with a few staff accounts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serverproc import HallServer

HALLS = Path(__file__).parent / "halls"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[HallServer]:
    srv = HallServer(tmp_path / "data", HALLS / "small.toml")
    srv.data.mkdir()
    for username, role, name in (
        ("li", "staff", "李明"),
        ("zhao", "staff", "赵丽"),
        ("boss", "manager", "王经理"),
    ):
        srv.add_user(username, role, name)
    srv.start()
    yield srv
    srv.stop()
