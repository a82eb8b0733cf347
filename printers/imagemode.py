"""Image mode: a slip drawn as a 1-bit picture, for ESC/POS printers without a Chinese font."""

from __future__ import annotations

import re

import qrcode
from escpos.printer import Dummy
from PIL import Image, ImageDraw

from printers.fonts import cjk_font
from printers.slip import (
    Align,
    Block,
    Cut,
    Feed,
    PaperWidth,
    QrCode,
    Rule,
    Slip,
    TextLine,
    check_fits,
)

# The printer's font A is 12x24 dots, so a column is 12 dots on either paper and a line of
# normal text is 24 dots tall: the picture keeps the proportions of text mode.
LINE_PX = 24
LINE_GAP = 0.25  # of the text height, between lines
# Baseline of an ideograph below the top of its em box (Noto CJK: 0.88 em).
BASELINE = 0.88
RULE_PX = 20
FEED_PX = 30
QR_MARGIN_MODULES = 4  # the quiet zone the QR standard asks for
# python-escpos profiles that know the paper's pixel width (image() checks against it).
ESCPOS_PROFILE = {PaperWidth.MM58: "POS-5890", PaperWidth.MM80: "TM-T20II"}
WHITE = 255
BLACK = 0


def render_png(slip: Slip, paper: PaperWidth) -> Image.Image:
    """The whole slip as a 1-bit image `paper.dots` wide (cuts are not drawn)."""
    check_fits(slip, paper)
    return _picture([b for b in slip if not isinstance(b, Cut)], paper)


def render_image(slip: Slip, paper: PaperWidth) -> bytes:
    """The print job for `slip`: each stretch up to a cut as one raster image (GS v 0)."""
    check_fits(slip, paper)
    printer = Dummy(profile=ESCPOS_PROFILE[paper])
    printer.hw("INIT")
    stretch: list[Block] = []
    for block in slip:
        if not isinstance(block, Cut):
            stretch.append(block)
            continue
        if stretch:
            printer.image(_picture(stretch, paper), impl="bitImageRaster")
        printer.cut(feed=False)
        stretch = []
    if stretch:
        printer.image(_picture(stretch, paper), impl="bitImageRaster")
    job: bytes = printer.output
    return job


def _picture(blocks: list[Block], paper: PaperWidth) -> Image.Image:
    parts = [_draw(block, paper) for block in blocks]
    canvas = Image.new("L", (paper.dots, sum(p.height for p in parts) or 1), WHITE)
    top = 0
    for part in parts:
        canvas.paste(part, (0, top))
        top += part.height
    picture = canvas.point(lambda v: WHITE if v >= 128 else BLACK).convert("1")
    defuse_realtime(picture)
    return picture


def _draw(block: Block, paper: PaperWidth) -> Image.Image:
    match block:
        case TextLine():
            return _draw_text(block, paper)
        case Rule():
            return _draw_rule(paper)
        case QrCode(data, module):
            return _draw_qr(data, module, paper)
        case Feed(lines):
            return Image.new("L", (paper.dots, FEED_PX * lines), WHITE)
        case Cut():
            return Image.new("L", (paper.dots, 0), WHITE)


def _draw_text(line: TextLine, paper: PaperWidth) -> Image.Image:
    px = LINE_PX * line.size
    font = cjk_font(px, line.bold)
    width = font.getlength(line.text)
    if width > paper.dots:  # wide Latin glyphs can outgrow their columns; shrink, never clip
        font = cjk_font(int(px * paper.dots / width), line.bold)
        width = font.getlength(line.text)
    image = Image.new("L", (paper.dots, px + round(px * LINE_GAP)), WHITE)
    left = {
        Align.LEFT: 0.0,
        Align.CENTER: (paper.dots - width) / 2,
        Align.RIGHT: paper.dots - width,
    }[line.align]
    ImageDraw.Draw(image).text(
        (round(left), round(px * BASELINE)), line.text, font=font, fill=BLACK, anchor="ls"
    )
    return image


def _draw_rule(paper: PaperWidth) -> Image.Image:
    image = Image.new("L", (paper.dots, RULE_PX), WHITE)
    draw = ImageDraw.Draw(image)
    middle = RULE_PX // 2
    for x in range(0, paper.dots, 12):
        draw.rectangle((x, middle - 1, x + 7, middle), fill=BLACK)
    return image


def _draw_qr(data: str, module: int, paper: PaperWidth) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    size = len(matrix)
    cells = Image.new("L", (size, size), WHITE)
    cells.putdata([BLACK if dark else WHITE for row in matrix for dark in row])
    symbol = cells.resize((size * module, size * module), Image.Resampling.NEAREST)
    margin = QR_MARGIN_MODULES * module
    image = Image.new("L", (paper.dots, symbol.height + 2 * margin), WHITE)
    image.paste(symbol, ((paper.dots - symbol.width) // 2, margin))
    return image


# DLE EOT n (n = 1-4) is a real-time command: a printer acts on it wherever it appears, even
# inside image data, and answers with a status byte the sender never asked for.
_REALTIME = re.compile(rb"\x10\x04[\x01-\x04]")
_INVERT = bytes(255 - i for i in range(256))


def defuse_realtime(picture: Image.Image) -> int:
    """Blacken one dot wherever the raster would spell DLE EOT n; return how many.

    In the raster a set bit is a black dot, so 0x10 0x04 n is three nearly white bytes. The
    dot beside the lone one in 0x04 turns it into 0x0C, which cannot take part in any such
    sequence; no one can see one dot at 203 dpi.
    """
    row_bytes = (picture.width + 7) // 8
    raster = picture.tobytes().translate(_INVERT)
    hits = [m.start() + 1 for m in _REALTIME.finditer(raster)]
    for index in hits:
        picture.putpixel(((index % row_bytes) * 8 + 4, index // row_bytes), BLACK)
    return len(hits)
