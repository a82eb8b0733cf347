"""Audio clips and voice packs: recorded segments a call is joined from."""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import uuid
import wave
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from display.phrases import pack_texts, required_texts
from display.speech_settings import DEFAULT_TEMPLATE, SpeechSettings

MANIFEST = "pack.toml"
PACK_FORMAT = 1
SAMPLE_WIDTH = 2  # bytes: 16-bit PCM is the only format we join
FULL_SCALE = 32767

# File names for the segments of the default template; any other text gets a numbered name.
_FILE_NAMES = {
    "请": "qing",
    "号到": "hao-dao",
    "号窗口办理": "hao-chuang-kou-ban-li",
    "零": "ling",
    "一": "yi",
    "二": "er",
    "三": "san",
    "四": "si",
    "五": "wu",
    "六": "liu",
    "七": "qi",
    "八": "ba",
    "九": "jiu",
    "十": "shi",
    "百": "bai",
}


class VoicePackError(Exception):
    """A voice pack is missing, malformed, or lacks a segment a call needs."""


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit little-endian PCM at `rate` Hz."""

    rate: int
    frames: bytes

    @property
    def seconds(self) -> float:
        return len(self.frames) / SAMPLE_WIDTH / self.rate


def read_clip(path: Path) -> Clip:
    """Read a WAV file; only mono 16-bit PCM is accepted."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != SAMPLE_WIDTH:
                raise ValueError(
                    f"{path} is {wav.getnchannels()}-channel {8 * wav.getsampwidth()}-bit; "
                    f"clips must be mono 16-bit (convert: sox IN -c 1 -b 16 OUT)"
                )
            return Clip(wav.getframerate(), wav.readframes(wav.getnframes()))
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"{path} is not a PCM WAV file: {exc}") from exc


def write_clip(path: Path, clip: Clip) -> None:
    """Write a WAV file atomically, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with wave.open(str(tmp), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(SAMPLE_WIDTH)
            wav.setframerate(clip.rate)
            wav.writeframes(clip.frames)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _samples(clip: Clip) -> array[int]:
    samples = array("h", clip.frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _clip(rate: int, samples: array[int]) -> Clip:
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return Clip(rate, samples.tobytes())


def silence(seconds: float, rate: int) -> Clip:
    return Clip(rate, bytes(SAMPLE_WIDTH * round(seconds * rate)))


def chime(rate: int) -> Clip:
    """A two-tone "ding-dong" with a bell-like decay, then a short pause before speech."""
    samples = array("h")
    attack, release = 0.005 * rate, 0.03 * rate
    for freq, seconds in ((880.0, 0.28), (659.26, 0.42)):
        count = round(seconds * rate)
        for i in range(count):
            # Attack and release ramps avoid clicks at the tone edges.
            envelope = min(1.0, i / attack, (count - i) / release) * math.exp(-3.0 * i / rate)
            samples.append(
                round(0.45 * FULL_SCALE * envelope * math.sin(2 * math.pi * freq * i / rate))
            )
    samples.extend([0] * round(0.15 * rate))  # a pause before the speech
    return _clip(rate, samples)


def join(clips: Sequence[Clip]) -> Clip:
    """Concatenate clips that share one sample rate."""
    if not clips:
        raise ValueError("nothing to join")
    rates = {clip.rate for clip in clips}
    if len(rates) > 1:
        raise ValueError(f"clips have different sample rates {sorted(rates)}; convert them first")
    return Clip(clips[0].rate, b"".join(clip.frames for clip in clips))


def trim(clip: Clip, threshold: float = 0.02, pad: float = 0.03) -> Clip:
    """Cut leading and trailing silence, keeping `pad` seconds either side."""
    samples = _samples(clip)
    level = threshold * FULL_SCALE
    first = next((i for i, s in enumerate(samples) if abs(s) > level), None)
    if first is None:
        return clip
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > level)
    keep = round(pad * clip.rate)
    return _clip(clip.rate, samples[max(0, first - keep) : last + 1 + keep])


@dataclass(frozen=True)
class VoicePack:
    """Recorded clips keyed by the text they speak ("请", "A", "零", "十二", "号窗口办理")."""

    root: Path
    name: str
    rate: int
    segments: Mapping[str, Clip]
    chime: Clip | None
    fingerprint: str

    @classmethod
    def load(cls, root: Path) -> VoicePack:
        manifest_path = root / MANIFEST
        try:
            raw = manifest_path.read_bytes()
            manifest = tomllib.loads(raw.decode("utf-8"))
        except FileNotFoundError:
            raise VoicePackError(f"no voice pack at {root}: {MANIFEST} is missing") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise VoicePackError(f"{manifest_path} is not valid TOML: {exc}") from exc
        if manifest.get("format") != PACK_FORMAT:
            raise VoicePackError(
                f"{manifest_path}: format = {manifest.get('format')!r}, expected {PACK_FORMAT}"
            )
        table = manifest.get("segments")
        if not isinstance(table, dict) or not table:
            raise VoicePackError(f"{manifest_path} has no [segments] table")
        digest = hashlib.sha256(raw)
        segments: dict[str, Clip] = {}
        for text, file in sorted(table.items()):
            segments[text] = _load_member(root, file, f"segment {text!r}", digest.update)
        chime_file = manifest.get("chime")
        chime_clip = None
        if chime_file is not None:
            chime_clip = _load_member(root, chime_file, "chime", digest.update)
        rates = {clip.rate for clip in segments.values()}
        if chime_clip is not None:
            rates.add(chime_clip.rate)
        if len(rates) > 1:
            raise VoicePackError(
                f"{root}: clips have different sample rates {sorted(rates)}; "
                "convert them to one (sox IN -r 22050 -c 1 -b 16 OUT)"
            )
        name = manifest.get("name", root.name)
        return cls(root, str(name), rates.pop(), segments, chime_clip, digest.hexdigest())

    def resolve(self, text: str) -> list[str] | None:
        """The segments that speak `text`: the whole text if recorded, else one per character."""
        if text in self.segments:
            return [text]
        if len(text) > 1 and all(char in self.segments for char in text):
            return list(text)
        return None

    def missing(self, texts: Iterable[str]) -> list[str]:
        return [text for text in dict.fromkeys(texts) if self.resolve(text) is None]

    def clips(self, texts: Iterable[str]) -> list[Clip]:
        clips: list[Clip] = []
        for text in texts:
            parts = self.resolve(text)
            if parts is None:
                raise VoicePackError(f"voice pack {self.name!r} ({self.root}) cannot say {text!r}")
            clips.extend(self.segments[part] for part in parts)
        return clips


def summarise(texts: Sequence[str], limit: int = 12) -> str:
    """A short list for an error message: the first few texts and how many in all."""
    more = f" ... ({len(texts)} in all)" if len(texts) > limit else ""
    return ", ".join(texts[:limit]) + more


def _load_member(root: Path, file: object, what: str, fingerprint: Callable[[bytes], None]) -> Clip:
    if not isinstance(file, str) or not file:
        raise VoicePackError(f"{root / MANIFEST}: {what} must name a WAV file, got {file!r}")
    path = (root / file).resolve()
    if not path.is_relative_to(root.resolve()):
        raise VoicePackError(f"{root / MANIFEST}: {what} points outside the pack: {file}")
    try:
        fingerprint(path.read_bytes())
        return read_clip(path)
    except FileNotFoundError:
        raise VoicePackError(f"{root / MANIFEST}: {what} file {file} is missing") from None
    except ValueError as exc:
        raise VoicePackError(f"{what}: {exc}") from exc


def _file_names(texts: Sequence[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for number, text in enumerate(texts, 1):
        if text in _FILE_NAMES:
            names[text] = _FILE_NAMES[text] + ".wav"
        elif len(text) == 1 and text.isascii() and text.isalpha():
            names[text] = f"letter-{text.lower()}.wav"
        else:
            names[text] = f"segment-{number:02d}.wav"
    return names


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def build(
    root: Path,
    texts: Sequence[str],
    *,
    voice: str = "cmn-latn-pinyin",
    rate: int | None = None,
    name: str = "espeak-cmn",
) -> Path:
    """Record every text with the espeak-ng command line into a pack at `root`."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise VoicePackError("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
    root.mkdir(parents=True, exist_ok=True)
    names = _file_names(texts)
    sample_rate = 22050
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        for text, file in names.items():
            speed = [] if rate is None else ["-s", str(rate)]
            # -w, not --stdout: the stdout WAV header carries a bogus length.
            subprocess.run([espeak, "-v", voice, *speed, "-w", str(raw), text], check=True)
            clip = trim(read_clip(raw))
            sample_rate = clip.rate
            write_clip(root / file, clip)
    write_clip(root / "chime.wav", chime(sample_rate))
    lines = [
        "# HallCall voice pack: see docs/voice-pack.md",
        f"format = {PACK_FORMAT}",
        f"name = {_toml_string(name)}",
        f"description = {_toml_string(f'espeak-ng voice {voice}, generated by display.voicepack')}",
        'chime = "chime.wav"',
        "",
        "[segments]",
        *(f"{_toml_string(text)} = {_toml_string(file)}" for text, file in names.items()),
    ]
    manifest = root / MANIFEST
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m display.voicepack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for command, help_text in (("build", "generate a pack with espeak-ng"), ("check", "validate")):
        sub = commands.add_parser(command, help=help_text)
        sub.add_argument("dir", type=Path)
        sub.add_argument("--template", default=DEFAULT_TEMPLATE)
        sub.add_argument("--max-window", type=int, default=99)
    build_parser = commands.choices["build"]
    build_parser.add_argument("--voice", default="cmn-latn-pinyin", help="espeak-ng voice")
    build_parser.add_argument("--rate", type=int, default=None, help="words per minute")
    build_parser.add_argument("--name", default="espeak-cmn")
    args = parser.parse_args(argv)
    settings = SpeechSettings(template=args.template, max_window=args.max_window)
    try:
        if args.command == "build":
            texts = pack_texts(settings)
            build(args.dir, texts, voice=args.voice, rate=args.rate, name=args.name)
            print(f"wrote {len(texts)} segments and a chime to {args.dir}")
        pack = VoicePack.load(args.dir)
    except VoicePackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    missing = pack.missing(required_texts(settings))
    if missing:
        print(f"error: pack {pack.name!r} cannot say: {summarise(missing)}", file=sys.stderr)
        return 1
    print(f"pack {pack.name!r}: {len(pack.segments)} segments at {pack.rate} Hz, complete")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
