"""The words of a call: the lines it speaks, its voice-pack segments, and the texts a pack needs."""

from __future__ import annotations

import itertools
import re
import string

from display.speech_settings import MAX_WINDOW, SpeechSettings

DIGITS_ZH = "零一二三四五六七八九"
LETTERS = string.ascii_uppercase
_TICKET = re.compile(r"[A-Z0-9]+")


def _template_parts(template: str) -> list[tuple[str, str | None]]:
    return [(literal, field) for literal, field, _, _ in string.Formatter().parse(template)]


def _ticket(number: str) -> str:
    ticket = number.strip().upper()
    if not _TICKET.fullmatch(ticket):
        raise ValueError(f"ticket number {number!r} must be letters and digits, like A001")
    return ticket


def speak_number_zh(number: str) -> str:
    """Digits one by one, so "012" is not read as 十二: "A012" -> "A 零 一 二"."""
    return " ".join(DIGITS_ZH[int(c)] if c.isdigit() else c for c in _ticket(number))


def speak_number_en(number: str) -> str:
    """Letters apart from the digits, digits spaced: "A012" -> "A, 0 1 2"."""
    runs = itertools.groupby(_ticket(number), str.isdigit)
    return ", ".join(" ".join(run) for _, run in runs)


def window_zh(window: int) -> str:
    """A window number as a Chinese numeral: 5 -> 五, 12 -> 十二, 105 -> 一百零五."""
    if not 1 <= window <= MAX_WINDOW:
        raise ValueError(f"window {window} is outside 1..{MAX_WINDOW}")
    hundreds, rest = divmod(window, 100)
    tens, ones = divmod(rest, 10)
    text = f"{DIGITS_ZH[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else DIGITS_ZH[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (DIGITS_ZH[ones] if ones else "")


def call_phrases(settings: SpeechSettings, number: str, window: int) -> list[str]:
    """The lines a call speaks: the Chinese one, then the English one if configured."""
    phrases = [settings.template.format(number=speak_number_zh(number), window=window_zh(window))]
    if settings.english_template is not None:
        english = settings.english_template.format(number=speak_number_en(number), window=window)
        phrases.append(english)
    return phrases


def call_segments(settings: SpeechSettings, number: str, window: int) -> list[str]:
    """The Chinese line as voice-pack segments: ["请", "A", "零", "零", "一", "号到", "五", ...]."""
    segments: list[str] = []
    for literal, field in _template_parts(settings.template):
        if literal.strip():
            segments.append(literal.strip())
        if field == "number":
            segments.extend(speak_number_zh(number).split())
        elif field == "window":
            segments.append(window_zh(window))
    return segments


def _literals(settings: SpeechSettings) -> list[str]:
    return [lit.strip() for lit, _ in _template_parts(settings.template) if lit.strip()]


def required_texts(settings: SpeechSettings) -> list[str]:
    """Everything a voice pack must be able to say for calls under these settings."""
    windows = [window_zh(n) for n in range(1, settings.max_window + 1)]
    return list(dict.fromkeys([*_literals(settings), *LETTERS, *DIGITS_ZH, *windows]))


def pack_texts(settings: SpeechSettings) -> list[str]:
    """The fewest clips that cover `required_texts`: windows are composed of 十, 百 and digits."""
    numerals = sorted({c for n in range(1, settings.max_window + 1) for c in window_zh(n)})
    extra = [c for c in numerals if c not in DIGITS_ZH]
    return list(dict.fromkeys([*_literals(settings), *LETTERS, *DIGITS_ZH, *extra]))
