"""Spoken calls: a Speaker that renders each call to a cached WAV, off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import logging
import os
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from display.phrases import call_phrases, call_segments, required_texts
from display.speech_settings import SpeechSettings
from display.tts import SpeechError, TtsWorker
from display.voicepack import (
    Clip,
    VoicePack,
    VoicePackError,
    chime,
    join,
    read_clip,
    silence,
    summarise,
)
from display.voicepack import write_clip as _write_clip

log = logging.getLogger(__name__)

AUDIO_NAME = re.compile(r"[0-9a-f]{20}\.wav")
LINE_GAP = 0.5  # seconds between the Chinese and the English line


@dataclass(frozen=True)
class _Job:
    name: str  # the cache file name, also the served name
    chinese: str
    segments: tuple[str, ...]  # the Chinese line for a voice pack
    english: str | None


class Speaker:
    """Renders calls to WAV files in `cache_dir`, one synthesis at a time, off the event loop."""

    def __init__(self, settings: SpeechSettings, cache_dir: Path, *, max_cached: int = 500):
        self.settings = settings
        self.cache_dir = cache_dir
        self._max_cached = max_cached
        self._tmp_dir = cache_dir / "tmp"
        self._pack: VoicePack | None = None
        self._tts: TtsWorker | None = None
        # The one thread that talks to the speech worker and writes files.
        self._executor: ThreadPoolExecutor | None = None
        self._inflight: dict[str, Future[Path]] = {}
        self._lock = threading.Lock()
        self._chimes: dict[int, Clip] = {}
        self._temp_names = itertools.count()
        self._cached = 0
        self.rendered = 0  # call files made since start; a cache hit makes none
        self.cache_hits = 0

    def __enter__(self) -> Speaker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Check the voice (or voice pack) and start the speech worker; blocks for ~0.1 s."""
        if self._executor is not None:
            return
        settings = self.settings
        self._tmp_dir.mkdir(parents=True, exist_ok=True)
        for stale in self._tmp_dir.iterdir():
            stale.unlink(missing_ok=True)
        try:
            if settings.voice_pack is not None:
                self._pack = _load_pack(settings)
            if self._pack is None or settings.english_template is not None:
                self._tts = TtsWorker(settings.rate)
                if self._pack is None:
                    self._check_voice(settings.voice)
                if settings.english_template is not None:
                    rate = self._check_voice(settings.english_voice)
                    if self._pack is not None and self._pack.rate != rate:
                        raise SpeechError(
                            f"voice pack {self._pack.root} is {self._pack.rate} Hz but the English "
                            f"voice speaks at {rate} Hz; convert the pack (sox IN -r {rate} OUT)"
                        )
        except BaseException:
            self.close()
            raise
        self._cached = len(self._cache_files())
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="hallcall-speech")
        source = f"voice pack {self._pack.root}" if self._pack else f"voice {settings.voice}"
        log.info("speech ready: %s, cache %s", source, self.cache_dir)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._tts is not None:
            self._tts.close()
            self._tts = None

    async def call_audio(self, number: str, window: int) -> Path:
        """The WAV for a call (chime, Chinese line, English line); a recall gets the same file."""
        executor = self._executor
        if executor is None:
            raise SpeechError("the Speaker is not running: call start() first")
        job = self._job(number, window)
        path = self.cache_dir / job.name
        with contextlib.suppress(FileNotFoundError):
            os.utime(path)  # the cache evicts by age, so a hit counts as fresh
            self.cache_hits += 1
            return path
        with self._lock:
            future = self._inflight.get(job.name)
            if future is None:
                future = executor.submit(self._render, job, path)
                self._inflight[job.name] = future
        # One caller giving up must not cancel the synthesis others are waiting for.
        return await asyncio.shield(asyncio.wrap_future(future))

    def audio_name(self, number: str, window: int) -> str:
        """The file name a call's audio has (or will have), without making it."""
        return self._job(number, window).name

    def audio_path(self, name: str) -> Path | None:
        """The cached file for a served name, or None; names outside the cache never resolve."""
        if not AUDIO_NAME.fullmatch(name):
            return None
        path = self.cache_dir / name
        return path if path.is_file() else None

    def _job(self, number: str, window: int) -> _Job:
        settings, pack = self.settings, self._pack
        phrases = call_phrases(settings, number, window)
        segments = tuple(call_segments(settings, number, window)) if pack else ()
        key = {
            "format": 1,
            "voice": None if pack else settings.voice,
            "english_voice": settings.english_voice if settings.english_template else None,
            "rate": settings.rate,
            "template": settings.template,
            "english_template": settings.english_template,
            "chime": settings.chime,
            "pack": pack.fingerprint if pack else None,
            "text": phrases,
        }
        digest = hashlib.sha256(json.dumps(key, ensure_ascii=False, sort_keys=True).encode())
        english = phrases[1] if len(phrases) > 1 else None
        return _Job(digest.hexdigest()[:20] + ".wav", phrases[0], segments, english)

    def _render(self, job: _Job, path: Path) -> Path:
        try:
            if self._pack is not None:
                speech = join(self._pack.clips(job.segments))
            else:
                speech = self._synthesise(job.chinese, self.settings.voice)
            parts = [self._chime(speech.rate)] if self.settings.chime else []
            parts.append(speech)
            if job.english is not None:
                english = self._synthesise(job.english, self.settings.english_voice)
                parts += [silence(LINE_GAP, speech.rate), english]
            _write_clip(path, join(parts))
        except (VoicePackError, ValueError) as exc:
            raise SpeechError(f"cannot render the call {job.chinese!r}: {exc}") from exc
        finally:
            with self._lock:
                del self._inflight[job.name]
        self.rendered += 1
        self._cached += 1
        if self._cached > self._max_cached:
            self._prune()
        return path

    def _synthesise(self, text: str, voice: str) -> Clip:
        assert self._tts is not None
        target = self._tmp_dir / f"{next(self._temp_names)}.wav"
        try:
            got = self._tts.say(text, voice, target)
            if got.casefold() != voice.casefold():
                raise SpeechError(f"the speech engine spoke with voice {got!r}, not {voice!r}")
            return read_clip(target)
        finally:
            target.unlink(missing_ok=True)

    def _check_voice(self, voice: str) -> int:
        """pyttsx3 ignores a voice it does not know: check the voice set is the voice used."""
        assert self._tts is not None
        probe = self._tmp_dir / "probe.wav"
        try:
            got = self._tts.say("1", voice, probe)
            if got.casefold() != voice.casefold():
                raise SpeechError(_voice_message(voice, got, self._tts.voices()))
            return read_clip(probe).rate
        except ValueError as exc:
            raise SpeechError(f"speech voice {voice!r} gives unusable audio: {exc}") from exc
        finally:
            probe.unlink(missing_ok=True)

    def _chime(self, rate: int) -> Clip:
        recorded = self._pack.chime if self._pack is not None else None
        if recorded is not None and recorded.rate == rate:
            return recorded
        if rate not in self._chimes:
            self._chimes[rate] = chime(rate)
        return self._chimes[rate]

    def _cache_files(self) -> list[Path]:
        return [p for p in self.cache_dir.iterdir() if AUDIO_NAME.fullmatch(p.name)]

    def _prune(self) -> None:
        # Evict the least recently used tenth, so pruning runs once per many calls.
        files = sorted(self._cache_files(), key=lambda p: p.stat().st_mtime_ns)
        keep = self._max_cached * 9 // 10
        for path in files[: max(0, len(files) - keep)]:
            path.unlink(missing_ok=True)
        self._cached = min(len(files), keep)


def _load_pack(settings: SpeechSettings) -> VoicePack:
    assert settings.voice_pack is not None
    try:
        pack = VoicePack.load(settings.voice_pack)
    except VoicePackError as exc:
        raise SpeechError(str(exc)) from exc
    missing = pack.missing(required_texts(settings))
    if missing:
        raise SpeechError(
            f"voice pack {pack.name!r} ({pack.root}) cannot say what calls up to window "
            f"{settings.max_window} need: {summarise(missing)}"
        )
    return pack


def _voice_message(wanted: str, got: str, available: list[str]) -> str:
    tokens = {t for t in re.split(r"[\\/_.\-]", wanted.casefold()) if len(t) >= 2}
    similar = sorted(available, key=lambda v: -sum(t in v.casefold() for t in tokens))
    return (
        f"speech voice {wanted!r} is not available (the engine kept {got!r}); "
        f"some voices here: {', '.join(similar[:8])} ({len(available)} in all)"
    )
