"""The speech worker: a child process that owns the one pyttsx3 engine, one request a line."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

SYNTH_TIMEOUT = 15.0  # seconds before a silent speech worker is killed and restarted


class SpeechError(Exception):
    """Speech cannot be produced: a wrong voice, a broken voice pack, a dead engine."""


class TtsWorker:
    """The worker process that owns the one pyttsx3 engine; never used by two threads at once.

    A process, not a thread: pyttsx3 and espeak-ng keep process-wide state, deadlock when
    shared between threads, and the espeak driver prints to stdout for every file it saves.
    A plain subprocess rather than multiprocessing: spawn re-runs an unguarded main script.
    """

    def __init__(self, rate: int | None, timeout: float = SYNTH_TIMEOUT):
        self._rate = rate
        self._timeout = timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._replies: queue.Queue[bytes] = queue.Queue()

    def say(self, text: str, voice: str, target: Path) -> str:
        """Write `text` spoken by `voice` to `target`; returns the voice the engine used."""
        request = {"op": "say", "text": text, "voice": voice, "path": str(target.resolve())}
        return str(self._request(request))

    def voices(self) -> list[str]:
        return [str(v) for v in self._request({"op": "voices"})]

    def close(self, grace: float = 2.0) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        with contextlib.suppress(OSError):
            process.stdin.close()  # the worker exits at the end of its input
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()

    def _request(self, request: dict[str, str]) -> Any:
        message = json.dumps(request).encode() + b"\n"
        # poll() cannot promise the worker will answer: it can die at any moment after, and a
        # killed worker is not reaped (poll() still says running) until its engine thread has
        # exited too. A worker that ends without answering is replaced and asked once more.
        for attempt in (1, 2):
            process = self._running()
            line = self._exchange(process, message)
            if line:
                break
            self.close(grace=0)  # reaps it, so its exit code is known
            log.warning(
                "the speech worker exited (code %s) without answering%s",
                process.returncode,
                "; asking a new one" if attempt == 1 else "",
            )
        else:
            raise SpeechError(
                f"the speech worker exited (code {process.returncode}) twice without answering; "
                "it restarts on the next call"
            )
        reply = json.loads(line)
        if not reply["ok"]:
            raise SpeechError(f"speech synthesis failed: {reply['error']}")
        return reply["value"]

    def _exchange(self, process: subprocess.Popen[bytes], message: bytes) -> bytes:
        """Send one request and wait for its reply line; b"" if the worker ended first."""
        assert process.stdin is not None
        try:
            process.stdin.write(message)
            process.stdin.flush()
        except OSError as exc:  # a broken pipe: the worker is gone or going
            log.debug("speech worker pipe failed: %r", exc)
            return b""
        try:
            return self._replies.get(timeout=self._timeout)
        except queue.Empty:
            self.close(grace=0)  # stuck (a runAndWait with nothing to say never returns)
            raise SpeechError(
                f"the speech worker did not answer within {self._timeout:g} s; "
                "it restarts on the next call"
            ) from None

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self.close()
        # The worker imports this package, wherever the parent found it.
        root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        args = [sys.executable, "-c", "from display.tts import serve; serve()"]
        args += [] if self._rate is None else [str(self._rate)]
        process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self._replies = queue.Queue()  # a fresh queue: no stale reply from a killed worker
        assert process.stdout is not None
        reader = threading.Thread(
            target=_read_lines, args=(process.stdout, self._replies), daemon=True
        )
        reader.start()
        self._process = process
        return process


def _read_lines(stream: IO[bytes], lines: queue.Queue[bytes]) -> None:
    # A thread, so replies can be awaited with a timeout on every platform (no select on pipes).
    with contextlib.suppress(OSError, ValueError):
        for line in stream:
            lines.put(line)
    lines.put(b"")


def serve() -> None:
    """The worker process: one engine, one JSON request a line, until its input ends."""
    rate = int(sys.argv[1]) if len(sys.argv) > 1 else None
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    # pyttsx3 prints a line for every saved file: keep fd 1 away from the reply channel.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    import pyttsx3

    engine = pyttsx3.init()
    for line in sys.stdin.buffer:
        try:
            reply = {"ok": True, "value": _handle(engine, json.loads(line), rate)}
        except Exception as exc:  # reported to the caller; the worker lives on
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


def _handle(engine: Any, request: dict[str, str], rate: int | None) -> object:
    if request["op"] == "voices":
        return [str(voice.id) for voice in engine.getProperty("voices")]
    path = Path(request["path"])
    # A stale file would pass the check below; runAndWait can return before the file exists.
    path.unlink(missing_ok=True)
    engine.setProperty("voice", request["voice"])
    if rate is not None:
        engine.setProperty("rate", rate)
    engine.save_to_file(request["text"], str(path))  # one file per runAndWait: a second is lost
    engine.runAndWait()
    _wait_for_frames(path)
    return str(engine.getProperty("voice"))


def _wait_for_frames(path: Path, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with wave.open(str(path), "rb") as wav:
                if wav.getnframes() > 0:
                    return
        except (FileNotFoundError, EOFError, wave.Error):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"no audio in {path} after {timeout:g} s")
        time.sleep(0.005)
