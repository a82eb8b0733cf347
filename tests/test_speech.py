"""Spoken calls: the words, and real espeak-ng speech through pyttsx3 (no mocks)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from display.phrases import (
    DIGITS_ZH,
    call_phrases,
    call_segments,
    speak_number_en,
    speak_number_zh,
    window_zh,
)
from display.speech import AUDIO_NAME, Speaker
from display.speech_settings import SpeechSettings
from display.tts import SpeechError
from display.voicepack import VoicePack, read_clip

SHIPPED_PACK = Path(__file__).resolve().parent.parent / "display" / "voicepacks" / "espeak-cmn"
ENGLISH = "Number {number}, please go to window {window}"


@pytest.fixture(scope="module")
def speaker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Speaker]:
    with Speaker(SpeechSettings(), tmp_path_factory.mktemp("speech-cache")) as started:
        yield started


def call(speaker: Speaker, number: str, window: int) -> Path:
    return asyncio.run(speaker.call_audio(number, window))


# The words of a call


def test_ticket_digits_are_read_one_by_one() -> None:
    assert speak_number_zh("A012") == "A 零 一 二"
    assert speak_number_zh("b100") == "B 一 零 零"
    assert speak_number_en("A012") == "A, 0 1 2"


@pytest.mark.parametrize(
    ("window", "spoken"),
    [(1, "一"), (5, "五"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九"),
     (100, "一百"), (105, "一百零五"), (110, "一百一十"), (999, "九百九十九")],
)  # fmt: skip
def test_the_window_is_read_as_a_number(window: int, spoken: str) -> None:
    assert window_zh(window) == spoken


def _numeral_value(text: str) -> int:
    value, digit = 0, 0
    for char in text:
        if char == "百":
            value, digit = value + digit * 100, 0
        elif char == "十":
            value, digit = value + (digit or 1) * 10, 0
        else:
            digit = DIGITS_ZH.index(char)
    return value + digit


@given(st.integers(min_value=1, max_value=999))
def test_every_window_numeral_reads_back_as_its_number(window: int) -> None:
    assert _numeral_value(window_zh(window)) == window


def test_a_call_says_the_default_template() -> None:
    settings = SpeechSettings(english_template=ENGLISH)
    assert call_phrases(settings, "A001", 5) == [
        "请A 零 零 一号到五号窗口办理",
        "Number A, 0 0 1, please go to window 5",
    ]
    assert call_segments(settings, "A001", 12) == [
        "请", "A", "零", "零", "一", "号到", "十二", "号窗口办理"
    ]  # fmt: skip


@pytest.mark.parametrize("number", ["", "A-01", "A 01", "Ａ01"])
def test_a_malformed_ticket_number_is_refused(number: str) -> None:
    with pytest.raises(ValueError, match="ticket number"):
        speak_number_zh(number)


@pytest.mark.parametrize("window", [0, -3, 1000])
def test_a_window_out_of_range_is_refused(window: int) -> None:
    with pytest.raises(ValueError, match="window"):
        window_zh(window)


@pytest.mark.parametrize(
    "template", ["请{number}号", "请{number}号到{win}号窗口", "{number:>4}{window}"]
)
def test_a_template_without_exactly_number_and_window_is_refused(template: str) -> None:
    with pytest.raises(ValueError, match="template"):
        SpeechSettings(template=template)


# Real speech


def test_a_call_is_a_chime_and_mandarin_speech(speaker: Speaker) -> None:
    path = call(speaker, "A001", 5)
    assert AUDIO_NAME.fullmatch(path.name)
    assert speaker.audio_path(path.name) == path
    clip = read_clip(path)  # refuses anything but mono 16-bit
    assert clip.rate == 22050
    assert 2.0 <= clip.seconds <= 6.0


def test_the_speech_is_the_pinyin_voice_reading_hanzi(tmp_path: Path) -> None:
    # The plain `cmn` voice spells hanzi as English pinyin and takes ~27% longer: a call
    # as long as espeak-ng's own cmn-latn-pinyin rendering is that voice reading the hanzi.
    settings = SpeechSettings(chime=False, rate=200)
    text = call_phrases(settings, "A001", 5)[0]
    lengths = {}
    for voice in ("cmn-latn-pinyin", "cmn"):
        reference = tmp_path / f"{voice}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "200", "-w", reference, text], check=True)
        lengths[voice] = read_clip(reference).seconds
    with Speaker(settings, tmp_path / "cache") as speaker:
        spoken = read_clip(call(speaker, "A001", 5)).seconds
    assert spoken == pytest.approx(lengths["cmn-latn-pinyin"], abs=0.02)
    assert lengths["cmn"] > spoken * 1.15


def test_a_recall_gets_the_same_file_without_synthesis(speaker: Speaker) -> None:
    first = call(speaker, "B007", 3)
    inode, rendered = first.stat().st_ino, speaker.rendered
    again = call(speaker, "B007", 3)
    assert again == first
    assert again.stat().st_ino == inode  # a new synthesis would have replaced the file
    assert speaker.rendered == rendered
    assert call(speaker, "B007", 4) != first


def test_twenty_concurrent_calls_all_get_their_audio_without_blocking(speaker: Speaker) -> None:
    async def burst() -> tuple[list[Path], float]:
        done, worst = asyncio.Event(), 0.0

        async def ticker() -> None:  # how late the loop runs a 5 ms tick
            nonlocal worst
            while not done.is_set():
                begun = time.perf_counter()
                await asyncio.sleep(0.005)
                worst = max(worst, time.perf_counter() - begun - 0.005)

        tick = asyncio.create_task(ticker())
        paths = await asyncio.gather(*(speaker.call_audio(f"C{n:03d}", 7) for n in range(20)))
        done.set()
        await tick
        return paths, worst

    paths, worst_lag = asyncio.run(burst())
    assert len(set(paths)) == 20
    assert worst_lag < 0.1  # synthesis of 20 calls takes ~0.25 s, all of it off the loop
    assert all(2.0 <= read_clip(path).seconds <= 6.0 for path in paths)


def test_concurrent_requests_for_one_call_synthesise_once(speaker: Speaker) -> None:
    async def same_call() -> list[Path]:
        return await asyncio.gather(*(speaker.call_audio("D042", 9) for _ in range(10)))

    rendered = speaker.rendered
    assert len(set(asyncio.run(same_call()))) == 1
    assert speaker.rendered == rendered + 1


def test_the_english_line_follows_the_chinese_one(tmp_path: Path) -> None:
    settings = SpeechSettings(english_template=ENGLISH)
    with Speaker(settings, tmp_path) as speaker:
        both = read_clip(call(speaker, "A001", 5)).seconds
    with Speaker(SpeechSettings(), tmp_path) as speaker:
        chinese = read_clip(call(speaker, "A001", 5)).seconds
    assert both > chinese + 1.5


def test_an_unknown_voice_is_an_error_at_start(tmp_path: Path) -> None:
    speaker = Speaker(SpeechSettings(voice="sit/cmn-pinyin"), tmp_path)
    with pytest.raises(SpeechError, match=r"'sit/cmn-pinyin' is not available.*cmn-latn-pinyin"):
        speaker.start()


def test_bad_input_and_foreign_names_are_refused(speaker: Speaker) -> None:
    with pytest.raises(ValueError, match="ticket number"):
        call(speaker, "A/01", 5)
    assert speaker.audio_path("../../etc/passwd") is None
    assert speaker.audio_path("0" * 20 + ".wav") is None


def test_a_speaker_not_running_says_so(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="start"):
        call(Speaker(SpeechSettings(), tmp_path), "A001", 1)
    with Speaker(SpeechSettings(voice_pack=SHIPPED_PACK), tmp_path) as speaker:
        pass
    with pytest.raises(SpeechError, match="not running"):
        call(speaker, "A001", 1)


# Voice packs


def test_a_voice_pack_call_joins_its_clips_in_order(tmp_path: Path) -> None:
    pack = VoicePack.load(SHIPPED_PACK)
    settings = SpeechSettings(voice_pack=SHIPPED_PACK)
    with Speaker(settings, tmp_path) as speaker:
        joined = read_clip(call(speaker, "A001", 12))
    parts = ["请", "A", "零", "零", "一", "号到", "十", "二", "号窗口办理"]
    assert pack.chime is not None
    expected = pack.chime.frames + b"".join(pack.segments[part].frames for part in parts)
    assert joined.frames == expected


def test_a_window_recorded_whole_is_used_whole(tmp_path: Path) -> None:
    pack_dir = shutil.copytree(SHIPPED_PACK, tmp_path / "pack")
    shutil.copy(pack_dir / "yi.wav", pack_dir / "shi-er.wav")  # any distinct clip will do
    with (pack_dir / "pack.toml").open("a", encoding="utf-8") as manifest:
        manifest.write('"十二" = "shi-er.wav"\n')
    settings = SpeechSettings(voice_pack=pack_dir, chime=False)
    with Speaker(settings, tmp_path / "cache") as speaker:
        joined = read_clip(call(speaker, "A1", 12))
    pack = VoicePack.load(pack_dir)
    assert joined.frames == b"".join(
        pack.segments[part].frames for part in ["请", "A", "一", "号到", "十二", "号窗口办理"]
    )


def test_a_voice_pack_missing_a_segment_is_an_error_at_start(tmp_path: Path) -> None:
    pack_dir = shutil.copytree(SHIPPED_PACK, tmp_path / "pack")
    manifest = pack_dir / "pack.toml"
    manifest.write_text(
        "".join(line for line in manifest.read_text("utf-8").splitlines(True) if "十" not in line),
        encoding="utf-8",
    )
    settings = SpeechSettings(voice_pack=pack_dir, max_window=9)
    with Speaker(settings, tmp_path / "cache"):
        pass  # windows 1..9 need no 十
    with pytest.raises(SpeechError, match=r"cannot say .*十"):
        Speaker(SpeechSettings(voice_pack=pack_dir), tmp_path / "cache").start()


def test_the_shipped_pack_is_small_mono_16_bit_and_complete() -> None:
    manifest = tomllib.loads((SHIPPED_PACK / "pack.toml").read_text("utf-8"))
    assert manifest["format"] == 1
    pack = VoicePack.load(SHIPPED_PACK)  # refuses anything but mono 16-bit at one rate
    assert pack.rate == 22050
    assert sum(f.stat().st_size for f in SHIPPED_PACK.iterdir()) < 1_000_000
    assert max(clip.seconds for clip in pack.segments.values()) < 2.0


def test_the_cache_keeps_only_the_newest_calls(tmp_path: Path) -> None:
    settings = SpeechSettings(voice_pack=SHIPPED_PACK)
    with Speaker(settings, tmp_path, max_cached=5) as speaker:
        for n in range(8):
            call(speaker, f"E{n:03d}", 1)
        cached = [p for p in tmp_path.iterdir() if AUDIO_NAME.fullmatch(p.name)]
    assert len(cached) <= 5


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout:g} s for {what}"
        time.sleep(0.005)


def _process_state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _speech_workers() -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
                parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == os.getpid() and b"display.tts import serve" in cmdline:
                pids.append(int(proc.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_killed_speech_worker_is_replaced(tmp_path: Path) -> None:
    others = set(_speech_workers())  # the module's speaker has one too
    with Speaker(SpeechSettings(), tmp_path) as speaker:
        (worker,) = set(_speech_workers()) - others
        os.kill(worker, signal.SIGKILL)
        # Dead, and not yet reaped by its Popen (a zombie main thread; its engine thread may
        # still be exiting, so the worker can still look alive to poll()).
        wait_until(lambda: _process_state(worker) == "Z", 10, f"worker {worker} to die")
        assert 2.0 <= read_clip(call(speaker, "F001", 2)).seconds <= 6.0
        assert len(set(_speech_workers()) - others) == 1
    assert set(_speech_workers()) == others


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_worker_killed_as_a_call_comes_is_replaced_for_that_call(tmp_path: Path) -> None:
    others = set(_speech_workers())
    with Speaker(SpeechSettings(), tmp_path) as speaker:
        (worker,) = set(_speech_workers()) - others
        os.kill(worker, signal.SIGKILL)  # no waiting: the call finds it dying, still unreaped
        assert 2.0 <= read_clip(call(speaker, "F002", 2)).seconds <= 6.0
        assert len(set(_speech_workers()) - others) == 1
    assert set(_speech_workers()) == others
