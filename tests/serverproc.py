"""A real HallCall server in a child process on a loopback port, for tests and benches."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-9"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class HallServer:
    data: Path
    config: Path | None = None
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def _base(self) -> list[str]:
        cmd = [sys.executable, str(ROOT / "run.py"), "--data", str(self.data)]
        if self.config:
            cmd += ["--config", str(self.config)]
        return cmd

    def add_user(self, username: str, role: str, name: str | None = None) -> None:
        cmd = [*self._base(), "user", "add", username, "--role", role, "--password-stdin"]
        if name:
            cmd += ["--name", name]
        subprocess.run(cmd, input=f"{PASSWORD}\n".encode(), check=True, capture_output=True)

    def start(self) -> HallServer:
        self.log = self.data / f"server-{self.port}.log"
        cmd = [
            *self._base(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
        ]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                httpx.get(f"{self.url}/api/services", timeout=1).close()
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        self.kill()  # not left running behind the failure
        raise RuntimeError(f"server did not start in 45 s: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: the crash the hall must survive."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        for c in self.clients:
            c.close()
        self.clients.clear()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def client(self, lang: str = "zh") -> httpx.Client:
        c = httpx.Client(base_url=self.url, timeout=10, headers={"Accept-Language": lang})
        self.clients.append(c)
        return c

    def login(self, username: str, password: str = PASSWORD) -> httpx.Client:
        c = self.client()
        r = c.post("/api/login", json={"username": username, "password": password})
        r.raise_for_status()
        c.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return c


def ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, f"{response.status_code}: {response.text}"
    return response.json()


def next_message(ws: Any, type_: str, timeout: float = 5.0, **match: Any) -> dict[str, Any]:
    """The next websocket message of type `type_` whose fields equal `match`, in `timeout`."""
    import json

    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        message = json.loads(ws.recv(timeout=left))
        if message["type"] == type_ and all(message.get(k) == v for k, v in match.items()):
            return dict(message)
    raise AssertionError(f"no {type_} {match} within {timeout} s")
