"""Fixtures: a fresh real server on a temporary database, with a few staff accounts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import browser_fixture, pages_fixture  # noqa: F401  (one browser per session)
from tests.serverproc import HallServer

HALLS = Path(__file__).parent / "halls"
STAFF = (("li", "staff", "李明"), ("zhao", "staff", "赵丽"), ("boss", "manager", "王经理"))


@pytest.fixture(scope="session")
def accounts_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the test accounts, made once through the real command line."""
    template = HallServer(tmp_path_factory.mktemp("template"), HALLS / "small.toml")
    for username, role, name in STAFF:
        template.add_user(username, role, name)
    return template.data


@pytest.fixture
def server(tmp_path: Path, accounts_db: Path) -> Iterator[HallServer]:
    srv = HallServer(tmp_path / "data", HALLS / "small.toml")
    shutil.copytree(accounts_db, srv.data)
    srv.start()
    yield srv
    srv.stop()
