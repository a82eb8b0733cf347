"""Server-side playback: calls played through the server PC's loudspeakers, one at a time."""

from __future__ import annotations

import asyncio
import logging
import shlex
import shutil
import time
import wave
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FILE = "{file}"  # where the WAV path goes in a player command
DEFAULT_PLAYERS = ("aplay -q {file}", "paplay {file}")
OVERRUN = 10.0  # seconds a player may run past the clip's length before it is killed


class PlaybackError(Exception):
    """No usable audio player, or the player was used before start()."""


@dataclass(frozen=True)
class Played:
    """One clip played: monotonic times around the player process, and how it ended."""

    path: Path
    started: float
    ended: float
    returncode: int | None  # None: killed for running far past the clip's length


def player_command(command: str | Sequence[str] | None = None) -> list[str]:
    """The player as argv holding {file}: the one given, else aplay, else paplay."""
    candidates = DEFAULT_PLAYERS if command is None else (command,)
    for candidate in candidates:
        argv = shlex.split(candidate) if isinstance(candidate, str) else list(candidate)
        if not argv or not any(FILE in arg for arg in argv):
            raise PlaybackError(f"player command {candidate!r} must hold {FILE}")
        if shutil.which(argv[0]):
            return argv
    if command is not None:
        raise PlaybackError(f"audio player {candidates[0]!r} is not installed or not on PATH")
    raise PlaybackError(
        "no audio player found: install alsa-utils (aplay) or pulseaudio-utils (paplay), "
        "or configure a player command"
    )


def _seconds(path: Path) -> float:
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / wav.getframerate()
    except (OSError, EOFError, wave.Error):
        return 0.0


class CallPlayer:
    """Plays WAV files strictly in order, never two at once, never cutting one off."""

    def __init__(self, command: str | Sequence[str] | None = None, *, overrun: float = OVERRUN):
        self._command = command
        self._overrun = overrun
        self._argv: list[str] = []
        self._queue: asyncio.Queue[Path] | None = None
        self._task: asyncio.Task[None] | None = None
        self._played: deque[Played] = deque(maxlen=500)  # the latest, for checks and tests

    @property
    def played(self) -> Sequence[Played]:
        return tuple(self._played)

    async def start(self) -> None:
        """Find the player (an error if there is none) and start the playing task."""
        if self._task is not None:
            return
        self._argv = player_command(self._command)
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name="hallcall-playback")
        log.info("call playback through %s", shlex.join(self._argv))

    def play(self, path: Path) -> None:
        """Queue a clip behind those already waiting; returns at once."""
        if self._queue is None:
            raise PlaybackError("CallPlayer.start() has not been called")
        self._queue.put_nowait(path)

    async def join(self) -> None:
        """Wait until every queued clip has been played."""
        if self._queue is not None:
            await self._queue.join()

    async def close(self) -> None:
        """Stop at once: the clip playing now is cut off, the queued ones are dropped."""
        task, self._task, self._queue = self._task, None, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _run(self) -> None:
        assert self._queue is not None
        queue = self._queue
        while True:
            path = await queue.get()
            try:
                self._played.append(await self._play(path))
            except OSError as exc:
                log.error("cannot run the audio player for %s: %s", path, exc)
            finally:
                queue.task_done()

    async def _play(self, path: Path) -> Played:
        argv = [arg.replace(FILE, str(path)) for arg in self._argv]
        limit = _seconds(path) + self._overrun
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        returncode: int | None = None
        try:
            _, errors = await asyncio.wait_for(process.communicate(), limit)
            returncode = process.returncode
        except TimeoutError:
            errors = b"killed: ran %.1f s past the clip" % self._overrun
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        ended = time.monotonic()
        if returncode != 0:
            message = errors.decode(errors="replace").strip()
            log.warning("audio player failed on %s (exit %s): %s", path, returncode, message)
        return Played(path, started, ended, returncode)
