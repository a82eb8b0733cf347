"""The Chinese fonts slips are drawn with in image mode, found once per process."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from printers.errors import PrinterSetupError

# (path, face index). Noto CJK's .ttc index 2 is Simplified Chinese (index 0 is Japanese,
# whose glyphs for some hanzi look wrong to a Chinese reader).
_REGULAR = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
)
_BOLD = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc", 2),
    ("C:/Windows/Fonts/msyhbd.ttc", 0),
)
# A hall may name its own font: HALLCALL_SLIP_FONT=/path/font.ttc[#index], same for _BOLD.
_ENV_REGULAR = "HALLCALL_SLIP_FONT"
_ENV_BOLD = "HALLCALL_SLIP_FONT_BOLD"


@lru_cache(maxsize=64)
def cjk_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A Chinese font `size` pixels tall; bold falls back to regular when no bold face exists."""
    path, index = font_file(bold)
    return ImageFont.truetype(path, size=size, index=index)


@lru_cache(maxsize=2)
def font_file(bold: bool = False) -> tuple[str, int]:
    """The font file and face index to use; raise PrinterSetupError when none is installed."""
    named = os.environ.get(_ENV_BOLD if bold else _ENV_REGULAR)
    if named:
        path, _, face = named.partition("#")
        return path, int(face or 0)
    for candidate, index in (*_BOLD, *_REGULAR) if bold else _REGULAR:
        if Path(candidate).is_file():
            return candidate, index
    raise PrinterSetupError(
        "image mode",
        "no Chinese font found: install fonts-noto-cjk (Debian/Ubuntu) "
        f"or set {_ENV_REGULAR}=/path/to/font.ttc",
    )
