"""Server-side playback: calls play one at a time, in order, with a real player process."""

from __future__ import annotations

import asyncio
import itertools
import random
import shutil
import time
import wave
from pathlib import Path

import pytest

from display.playback import CallPlayer, PlaybackError, player_command
from display.voicepack import Clip, chime, join, silence, write_clip

# Sleeps for the WAV's own length as read by soxi: a player that takes real time. The ALSA
# `null` device would be a truer audio path, but `aplay -D null` returns in ~5 ms, unpaced.
REAL_TIME_PLAYER = ["sh", "-c", 'sleep "$(soxi -D "$1")"', "sh", "{file}"]


def clips(folder: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        path = folder / f"call-{n}.wav"
        # Different lengths, so a clip cut short or started early shows in the times.
        tone = chime(22050).frames[: 2 * round(22050 * (0.12 + 0.03 * (n % 4)))]
        write_clip(path, join([Clip(22050, tone), silence(0.02, 22050)]))
        paths.append(path)
    return paths


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


@pytest.mark.skipif(shutil.which("soxi") is None, reason="needs sox (soxi)")
def test_ten_calls_within_a_second_play_in_order_and_never_overlap(tmp_path: Path) -> None:
    paths = clips(tmp_path, 10)
    pauses = random.Random(7)

    async def hall() -> CallPlayer:
        player = CallPlayer(REAL_TIME_PLAYER)
        await player.start()
        for path in paths:  # staff at ten windows call within the same second
            player.play(path)
            await asyncio.sleep(pauses.uniform(0, 0.09))
        await player.join()
        await player.close()
        return player

    begun = time.monotonic()
    played = asyncio.run(hall()).played
    assert [p.path for p in played] == paths
    assert all(p.returncode == 0 for p in played)
    for item in played:
        assert item.ended - item.started >= seconds(item.path) * 0.95  # played to the end
    for before, after in itertools.pairwise(played):
        assert after.started >= before.ended  # never two at once
    assert time.monotonic() - begun >= sum(seconds(p) for p in paths)


@pytest.mark.skipif(shutil.which("aplay") is None, reason="needs alsa-utils (aplay)")
def test_the_default_player_command_runs_aplay(tmp_path: Path) -> None:
    assert player_command() == ["aplay", "-q", "{file}"]

    async def play_to_null_device() -> CallPlayer:
        player = CallPlayer("aplay -q -D null {file}")
        await player.start()
        for path in clips(tmp_path, 3):
            player.play(path)
        await player.join()
        await player.close()
        return player

    assert [p.returncode for p in asyncio.run(play_to_null_device()).played] == [0, 0, 0]


def test_no_player_is_an_error_at_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PlaybackError, match=r"aplay.*paplay"):
        asyncio.run(CallPlayer().start())
    with pytest.raises(PlaybackError, match="not installed"):
        asyncio.run(CallPlayer("mpv --no-video {file}").start())
    with pytest.raises(PlaybackError, match=r"\{file\}"):
        player_command("aplay -q")


def test_a_failing_player_does_not_stop_the_queue(tmp_path: Path) -> None:
    async def broken_speaker() -> CallPlayer:
        player = CallPlayer(["sh", "-c", "echo no device >&2; exit 3", "sh", "{file}"])
        await player.start()
        for path in clips(tmp_path, 3):
            player.play(path)
        await player.join()
        await player.close()
        return player

    assert [p.returncode for p in asyncio.run(broken_speaker()).played] == [3, 3, 3]


def test_a_stuck_player_is_killed_and_the_next_call_plays(tmp_path: Path) -> None:
    async def stuck_then_fine() -> CallPlayer:
        player = CallPlayer(
            ["sh", "-c", 'case "$1" in *0.wav) exec sleep 30;; esac', "sh", "{file}"], overrun=0.3
        )
        await player.start()
        for path in clips(tmp_path, 2):
            player.play(path)
        await player.join()
        await player.close()
        return player

    begun = time.monotonic()
    played = asyncio.run(stuck_then_fine()).played
    assert [p.returncode for p in played] == [None, 0]
    assert time.monotonic() - begun < 5


def test_playing_before_start_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PlaybackError, match="start"):
        CallPlayer(REAL_TIME_PLAYER).play(tmp_path / "x.wav")
