"""Call-to-audio-ready latency of the Speaker: cold (new calls) and warm (cached recalls).

Targets: warm p99 <= 150 ms, cold p99 <= 1 s. Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from display.speech import Speaker
from display.speech_settings import SpeechSettings

CALLS = 60
BURST = 20
PACK = Path(__file__).resolve().parent.parent / "display" / "voicepacks" / "espeak-cmn"
TARGETS = {"cold": 1000.0, "warm": 150.0}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def timed(call: Awaitable[Path]) -> float:
    begun = time.perf_counter()  # a coroutine runs nothing until awaited
    await call
    return (time.perf_counter() - begun) * 1000


async def loop_lag(stop: asyncio.Event) -> float:
    """The longest the event loop was late for a 5 ms tick: how long anything blocked it."""
    worst = 0.0
    while not stop.is_set():
        begun = time.perf_counter()
        await asyncio.sleep(0.005)
        worst = max(worst, time.perf_counter() - begun - 0.005)
    return worst * 1000


def report(label: str, kind: str, millis: list[float]) -> None:
    p50, p99 = percentile(millis, 0.5), percentile(millis, 0.99)
    target = TARGETS[kind]
    verdict = "ok" if p99 <= target else "OVER TARGET"
    print(
        f"  {label:<34} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   "
        f"(target p99 <= {target:.0f} ms: {verdict})"
    )


async def measure(name: str, settings: SpeechSettings, cache: Path) -> None:
    speaker = Speaker(settings, cache)
    begun = time.perf_counter()
    await asyncio.to_thread(speaker.start)
    print(f"{name}: start-up {(time.perf_counter() - begun) * 1000:.0f} ms")
    try:
        numbers = [(f"A{n:03d}", 1 + n % 30) for n in range(CALLS)]
        cold = [await timed(speaker.call_audio(n, w)) for n, w in numbers]
        report("cold, one call at a time", "cold", cold)
        stop = asyncio.Event()
        lag = asyncio.create_task(loop_lag(stop))
        burst = await asyncio.gather(
            *(timed(speaker.call_audio(f"B{n:03d}", 5)) for n in range(BURST))
        )
        stop.set()
        report(f"cold, {BURST} calls at once", "cold", list(burst))
        print(f"  {'event loop blocked at most':<34} {await lag:7.1f} ms during the burst")
        warm = [await timed(speaker.call_audio(n, w)) for n, w in numbers]
        report("warm (recall, cached)", "warm", warm)
        print(f"  rendered {speaker.rendered} files, {speaker.cache_hits} cache hits")
    finally:
        speaker.close()


async def main() -> None:
    english = "Number {number}, please go to window {window}"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        await measure("espeak-ng via pyttsx3", SpeechSettings(), root / "tts")
        await measure(
            "... with the English line", SpeechSettings(english_template=english), root / "en"
        )
        await measure("voice pack espeak-cmn", SpeechSettings(voice_pack=PACK), root / "pack")


if __name__ == "__main__":
    asyncio.run(main())
