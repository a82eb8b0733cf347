"""Calls out loud: the hall file's [speech] section, and an Announcer that gives every call
its audio, named at once (so the event can carry the URL) and made right after."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from display.playback import CallPlayer
from display.speech import Speaker
from display.speech_settings import SpeechSettings
from display.tts import SpeechError

log = logging.getLogger("hallcall.speech")

SHIPPED_PACKS = Path(__file__).with_name("voicepacks")
_KEYS = {
    "enabled",
    "voice",
    "rate",
    "template",
    "english_template",
    "english_voice",
    "chime",
    "voice_pack",
    "play_on_server",
    "player",
    "catch_up_seconds",
}


@dataclass(frozen=True, slots=True)
class SpeechOptions:
    """How a hall speaks its calls."""

    enabled: bool = True
    settings: SpeechSettings = field(default_factory=SpeechSettings)
    play_on_server: bool = False  # for halls whose loudspeakers hang on the server PC
    player: str | None = None  # the command that plays a WAV; found by itself when None
    catch_up_seconds: float = 30.0  # a screen back online speaks only calls this recent


def speech_options(section: Mapping[str, Any], max_window: int, base: Path) -> SpeechOptions:
    """Read [speech]; ValueError names the key. A voice pack path is relative to the hall file,
    or the name of a pack shipped with HallCall (e.g. "espeak-cmn")."""
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise ValueError(f"speech.{unknown[0]}: unknown key (expected one of {sorted(_KEYS)})")

    def typed(key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        value = section.get(key, default)
        # TOML's true is an int to Python: only a bool setting takes a bool.
        if value is not None and (
            not isinstance(value, kind) or (kind is not bool and isinstance(value, bool))
        ):
            raise ValueError(f"speech.{key}: {value!r} is not a {getattr(kind, '__name__', kind)}")
        return value

    pack = typed("voice_pack", str, None)
    pack_path = None
    if pack is not None:
        shipped = SHIPPED_PACKS / pack
        pack_path = shipped if shipped.is_dir() else (base / pack)
    kwargs: dict[str, Any] = {
        "template": typed("template", str, SpeechSettings.template),
        "english_template": typed("english_template", str, None),
        "chime": typed("chime", bool, True),
        "rate": typed("rate", int, None),
        "voice_pack": pack_path,
        "max_window": max(1, min(999, max_window)),
    }
    for key in ("voice", "english_voice"):
        if key in section:
            kwargs[key] = typed(key, str, None)
    try:
        settings = SpeechSettings(**kwargs)
    except ValueError as exc:
        raise ValueError(f"speech: {exc}") from exc
    catch_up = typed("catch_up_seconds", (int, float), 30)
    return SpeechOptions(
        enabled=typed("enabled", bool, True),
        settings=settings,
        play_on_server=typed("play_on_server", bool, False),
        player=typed("player", str, None),
        catch_up_seconds=float(catch_up),
    )


class Announcer:
    """Gives each call an audio URL at once and makes the file in the background."""

    def __init__(self, options: SpeechOptions, cache_dir: Path) -> None:
        self.options = options
        self.speaker = Speaker(options.settings, cache_dir)
        self.player = CallPlayer(options.player) if options.play_on_server else None
        self._making: dict[str, asyncio.Task[Path]] = {}
        self._named: dict[str, tuple[str, int]] = {}  # named for an event, not yet committed

    async def start(self) -> None:
        """Check the voice and start the speech worker: a wrong voice stops the start-up."""
        await asyncio.to_thread(self.speaker.start)
        if self.player is not None:
            await self.player.start()

    async def close(self) -> None:
        for task in self._making.values():
            task.cancel()
        if self.player is not None:
            await self.player.close()
        await asyncio.to_thread(self.speaker.close)

    def audio_for(self, number: str, window: int) -> str:
        """The URL this call's audio will have; nothing is made or played until the call
        is committed (see `called`), so a call that fails to commit is never heard."""
        name = self.speaker.audio_name(number, window)
        self._named[name] = (number, window)
        return f"/audio/{name}"

    def called(self, name: str) -> None:
        """A call is committed: make its audio (once) and, on the server, play it."""
        if name not in self._making:
            number, window = self._named.pop(name)
            self._making[name] = asyncio.create_task(self._make(number, window, name))
        elif self.player is not None:
            self._making[name].add_done_callback(self._play_done)  # a recall: speak it again

    async def _make(self, number: str, window: int, name: str) -> Path:
        try:
            path = await self.speaker.call_audio(number, window)
        except (SpeechError, ValueError):
            log.exception("could not make the audio of %s to window %d", number, window)
            self._making.pop(name, None)
            raise
        if self.player is not None:
            self.player.play(path)
        if len(self._making) > 2000:  # made files stay on disk; the index need not grow forever
            for old in [k for k, t in self._making.items() if t.done()][:1000]:
                del self._making[old]
        return path

    def _play_done(self, task: asyncio.Task[Path]) -> None:
        if self.player is not None and not task.cancelled() and task.exception() is None:
            self.player.play(task.result())

    async def file(self, name: str) -> Path | None:
        """The audio file for a URL's name, waiting for it if it is still being made."""
        if name in self._named and name not in self._making:  # asked before the hook ran
            self.called(name)
        task = self._making.get(name)
        if task is not None:
            with contextlib.suppress(SpeechError, ValueError):
                return await asyncio.shield(task)
            return None
        return self.speaker.audio_path(name)
