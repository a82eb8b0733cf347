"""How a hall speaks its calls: SpeechSettings, with its defaults and the checks on them."""

from __future__ import annotations

import string
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TEMPLATE = "请{number}号到{window}号窗口办理"
_SAPI = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Speech\\Voices\\Tokens\\"
# espeak-ng's plain `cmn` voice reads hanzi as English-spelled pinyin; the pinyin one reads them.
DEFAULT_VOICE = (
    _SAPI + "TTS_MS_ZH-CN_HUIHUI_11.0" if sys.platform == "win32" else "sit/cmn-latn-pinyin"
)
DEFAULT_ENGLISH_VOICE = _SAPI + "TTS_MS_EN-US_ZIRA_11.0" if sys.platform == "win32" else "gmw/en"
MAX_WINDOW = 999
_FIELDS = ("number", "window")


@dataclass(frozen=True)
class SpeechSettings:
    """How a hall speaks its calls; every field is hall configuration."""

    voice: str = DEFAULT_VOICE
    rate: int | None = None  # words per minute; None keeps the engine's default
    template: str = DEFAULT_TEMPLATE
    english_template: str | None = None  # e.g. "Number {number}, please go to window {window}"
    english_voice: str = DEFAULT_ENGLISH_VOICE
    chime: bool = True
    voice_pack: Path | None = None  # recorded clips instead of synthesis (docs/voice-pack.md)
    max_window: int = 99  # a voice pack must be able to say every window up to this

    def __post_init__(self) -> None:
        _check_template("template", self.template)
        if self.english_template is not None:
            _check_template("english_template", self.english_template)
        if not self.voice or not self.english_voice:
            raise ValueError("a speech voice must not be empty")
        if self.rate is not None and not 50 <= self.rate <= 500:
            raise ValueError(f"speech rate {self.rate} is outside 50..500 words per minute")
        if not 1 <= self.max_window <= MAX_WINDOW:
            raise ValueError(f"max_window {self.max_window} is outside 1..{MAX_WINDOW}")


def _check_template(name: str, template: str) -> None:
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"speech {name} {template!r} is malformed: {exc}") from exc
    fields = [field for _, field, _, _ in parts if field is not None]
    bad = [field for field in fields if field not in _FIELDS]
    if bad or sorted(fields) != sorted(_FIELDS) or any(spec or conv for _, _, spec, conv in parts):
        raise ValueError(
            f"speech {name} {template!r} must hold {{number}} and {{window}} once each, "
            "with no other fields or format specs"
        )
