"""A stand-in network printer for tests, and a decoder of the ESC/POS bytes it receives."""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from types import TracebackType
from typing import TypeAlias

# DLE EOT replies: bits 1 and 4 always set; see printers/status.py for the meaning.
PRINTER_ONLINE = 0x12
PRINTER_OFFLINE = 0x1A
PAPER_OK = 0x12
PAPER_NEAR_END = 0x1E
PAPER_OUT = 0x7E

_STATUS_QUERY = re.compile(rb"\x10\x04([\x01-\x04])")


class Paper(Enum):
    """What the fake printer's paper sensors report."""

    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"


class FakePrinter:
    """A TCP "printer" on 127.0.0.1: records every connection's bytes as one job.

    It answers DLE EOT n from `replies[n]` the moment it reads the request, as a real
    printer does, wherever the request sits in the stream.
    """

    def __init__(self) -> None:
        self.replies: dict[int, int] = {1: PRINTER_ONLINE, 2: 0x12, 3: 0x12, 4: PAPER_OK}
        self.silent = False  # accept connections but never answer
        self.jobs: list[bytearray] = []
        self.queries: list[int] = []
        self.port = 0
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._vanish_at: int | None = None
        self.start()

    @property
    def address(self) -> str:
        """The connection spec to reach this printer."""
        return f"127.0.0.1:{self.port}"

    @property
    def received(self) -> bytes:
        """Every byte received, all connections in order."""
        with self._lock:
            return b"".join(bytes(job) for job in self.jobs)

    def wait_for(self, done: Callable[[bytes], bool], timeout: float = 2.0) -> bytes:
        """Every byte received, once `done` says they are enough; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while not done(data := self.received):
            if time.monotonic() > deadline:
                raise AssertionError(f"the printer got only {len(data)} bytes")
            time.sleep(0.01)
        return data

    def set_paper(self, paper: Paper) -> None:
        """Make the paper sensors report `paper`; out of paper also takes it offline."""
        self.replies[4] = {Paper.OK: PAPER_OK, Paper.NEAR_END: PAPER_NEAR_END}.get(paper, PAPER_OUT)
        self.replies[1] = PRINTER_OFFLINE if paper is Paper.OUT else PRINTER_ONLINE

    def start(self) -> None:
        """Listen (again) on the same port."""
        previous = self._acceptor
        if previous is not None:
            previous.join(timeout=5)  # the old listener must be closed to take its port
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(8)
        self.port = listener.getsockname()[1]
        acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        acceptor.start()
        with self._lock:
            self._listener, self._acceptor = listener, acceptor

    come_back = start

    def vanish_after(self, nbytes: int) -> None:
        """Vanish once a connection has brought `nbytes` bytes: a printer lost mid-job."""
        self._vanish_at = nbytes

    def vanish(self) -> None:
        """Stop listening and drop every connection at once (reset, not a polite close)."""
        with self._lock:
            listener, self._listener = self._listener, None
            acceptor = self._acceptor
            connections = dict(self._connections)
        if listener is not None:
            _stop(listener)
        for conn in connections:
            _stop(conn, reset=True)
        me = threading.current_thread()
        for thread in [acceptor, *connections.values()]:
            # A handler may be registered a moment before it starts; it then sees the
            # socket shut down and ends on its own.
            if thread is not None and thread is not me and thread.ident is not None:
                thread.join(timeout=5)

    def close(self) -> None:
        """Shut down for good."""
        self.vanish()

    def __enter__(self) -> FakePrinter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _accept(self, listener: socket.socket) -> None:
        try:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                job = bytearray()
                handler = threading.Thread(target=self._serve, args=(conn, job), daemon=True)
                with self._lock:
                    self.jobs.append(job)
                    self._connections[conn] = handler
                handler.start()
        finally:
            listener.close()

    def _serve(self, conn: socket.socket, job: bytearray) -> None:
        tail = b""
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                with self._lock:
                    job.extend(chunk)
                    vanish = self._vanish_at is not None and len(job) >= self._vanish_at
                if vanish:
                    self._vanish_at = None
                    self.vanish()
                    return
                seen = tail + chunk
                asked = [m[0] for m in _STATUS_QUERY.findall(seen)]
                tail = seen[-2:]
                self.queries.extend(asked)
                if asked and not self.silent:
                    conn.sendall(bytes(self.replies[n] for n in asked))
        except OSError:
            return
        finally:
            with self._lock:
                self._connections.pop(conn, None)
            conn.close()


def _stop(sock: socket.socket, reset: bool = False) -> None:
    """shutdown() before close(): it wakes a thread blocked on the socket and frees the port.

    With `reset`, the close that follows sends RST, as a printer switched off mid-job does
    when the next packet reaches it.
    """
    try:
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by its own thread


# ---- decoding ESC/POS -------------------------------------------------------------------


@dataclass(frozen=True)
class Init:
    """ESC @."""


@dataclass(frozen=True)
class ChineseMode:
    """FS & (on) or FS . (off)."""

    on: bool


@dataclass(frozen=True)
class Text:
    """A printed line (or part of one), with the style in force."""

    text: str
    width: int = 1
    height: int = 1
    bold: bool = False
    align: str = "left"


@dataclass(frozen=True)
class Qr:
    """A QR code printed with GS ( k."""

    data: str
    module: int
    error_level: int


@dataclass(frozen=True)
class Raster:
    """A GS v 0 raster image; `dots` has a set bit per black dot."""

    width: int
    height: int
    dots: bytes = field(repr=False)


@dataclass(frozen=True)
class Feed:
    """ESC d n."""

    lines: int


@dataclass(frozen=True)
class Cut:
    """GS V."""

    partial: bool


@dataclass(frozen=True)
class StatusQuery:
    """DLE EOT n."""

    n: int


Item: TypeAlias = Init | ChineseMode | Text | Qr | Raster | Feed | Cut | StatusQuery
_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
_IGNORED_ESC = {ord(c): 1 for c in "-M{G3J"} | {ord("2"): 0}


class DecodeError(ValueError):
    """Bytes a printer would not take as intended."""


def decode(data: bytes) -> list[Item]:
    """What a GB18030 ESC/POS printer would do with `data`, item by item.

    Empty lines are left out. Bytes above 0x7F outside Chinese mode are an error: a real
    printer would print them from its single-byte code page, as garbage.
    """
    return _Decoder(data).run()


def texts(items: list[Item]) -> list[str]:
    """The text of each printed line."""
    return [item.text for item in items if isinstance(item, Text)]


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.items: list[Item] = []
        self.line = bytearray()
        self.qr_data = b""
        self.qr_module = 3
        self.qr_level = 0
        self._reset()

    def _reset(self) -> None:
        self.width = self.height = 1
        self.bold = False
        self.align = "left"
        self.chinese = False

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise DecodeError(f"command cut short at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def flush(self) -> None:
        if self.line:
            text = bytes(self.line).decode("gb18030")
            self.items.append(Text(text, self.width, self.height, self.bold, self.align))
            self.line.clear()

    def run(self) -> list[Item]:
        while self.pos < len(self.data):
            byte = self.take(1)[0]
            if byte == 0x0A:
                self.flush()
            elif byte == 0x1B:
                self.esc(self.take(1)[0])
            elif byte == 0x1C:
                self.fs(self.take(1)[0])
            elif byte == 0x1D:
                self.gs(self.take(1)[0])
            elif byte == 0x10 and self.take(1) == b"\x04":
                self.items.append(StatusQuery(self.take(1)[0]))
            elif byte < 0x20:
                raise DecodeError(f"unknown control byte {byte:#04x} at {self.pos - 1}")
            else:
                self.character(byte)
        self.flush()
        return self.items

    def character(self, byte: int) -> None:
        if byte < 0x80:
            self.line.append(byte)
            return
        if not self.chinese:
            raise DecodeError(f"byte {byte:#04x} at {self.pos - 1} outside Chinese mode")
        second = self.take(1)
        rest = self.take(2) if 0x30 <= second[0] <= 0x39 else b""
        self.line += bytes([byte]) + second + rest

    def restyle(self) -> None:
        self.flush()  # a style change mid-line starts a new item

    def esc(self, command: int) -> None:
        if command == ord("@"):
            self.flush()
            self._reset()
            self.items.append(Init())
        elif command == ord("E"):
            self.restyle()
            self.bold = bool(self.take(1)[0] & 1)
        elif command == ord("a"):
            self.restyle()
            self.align = _ALIGN[self.take(1)[0]]
        elif command == ord("!"):
            self.restyle()
            mode = self.take(1)[0]
            self.width, self.height = 1 + bool(mode & 0x20), 1 + bool(mode & 0x10)
            self.bold = bool(mode & 0x08)
        elif command == ord("d"):
            self.flush()
            self.items.append(Feed(self.take(1)[0]))
        elif command in _IGNORED_ESC:
            self.take(_IGNORED_ESC[command])
        else:
            raise DecodeError(f"unknown command ESC {command:#04x} at {self.pos - 2}")

    def fs(self, command: int) -> None:
        if command not in (ord("&"), ord(".")):
            raise DecodeError(f"unknown command FS {command:#04x} at {self.pos - 2}")
        self.restyle()
        self.chinese = command == ord("&")
        self.items.append(ChineseMode(self.chinese))

    def gs(self, command: int) -> None:
        if command == ord("!"):
            self.restyle()
            size = self.take(1)[0]
            self.width, self.height = (size >> 4) + 1, (size & 0x0F) + 1
        elif command == ord("V"):
            self.flush()
            mode = self.take(1)[0]
            if mode in (65, 66, 97, 98, 103, 104):
                self.take(1)
            self.items.append(Cut(partial=mode in (1, 49, 66, 98, 104)))
        elif command == ord("(") and self.take(1) == b"k":
            low, high = self.take(2)
            self.code_2d(self.take(low + 256 * high))
        elif command == ord("v") and self.take(1) == b"0":
            self.flush()
            _, xl, xh, yl, yh = self.take(5)
            width, height = xl + 256 * xh, yl + 256 * yh
            self.items.append(Raster(width * 8, height, self.take(width * height)))
        elif command == ord("B"):
            self.take(1)
        else:
            raise DecodeError(f"unknown command GS {command:#04x} at {self.pos - 2}")

    def code_2d(self, body: bytes) -> None:
        symbol, function, args = body[0], body[1], body[2:]
        if symbol != ord("1"):
            raise DecodeError(f"2D code type {symbol:#04x} is not QR")
        if function == 67:
            self.qr_module = args[0]
        elif function == 69:
            self.qr_level = args[0] - 48
        elif function == 80:
            self.qr_data = args[1:]
        elif function == 81:
            self.flush()
            self.items.append(Qr(self.qr_data.decode("utf-8"), self.qr_module, self.qr_level))
