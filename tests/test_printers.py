"""Slip printers: the bytes each mode sends, and a stand-in printer that fails as real ones do."""

from __future__ import annotations

import re
import socket
import threading
import time
import tomllib
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import qrcode
from PIL import Image, ImageOps

from printers import (
    PaperOutError,
    PrinterDevice,
    PrinterError,
    PrinterGoneError,
    PrinterOfflineError,
    PrinterProfile,
    PrinterStatus,
    PrinterTimeoutError,
    PrintInterruptedError,
    PrintMode,
    load_printers,
    parse_connection,
    render_image,
    render_png,
    render_text,
)
from printers.imagemode import defuse_realtime
from printers.slip import PaperWidth, QrCode, Slip, SlipData, TextLine, build_slip
from printers.spec import FileSpec, NetworkSpec, SerialSpec, UsbSpec
from printers.status import decode_status
from tests.fakeprinter import (
    PRINTER_OFFLINE,
    ChineseMode,
    Cut,
    FakePrinter,
    Init,
    Item,
    Paper,
    Qr,
    Raster,
    StatusQuery,
    Text,
    decode,
    texts,
)

ARTIFACTS = Path(__file__).parent / "artifacts"
URL = "https://hall.example.gov.cn/t/20261128-B003?k=51c0de"
STATUS_CHECK = [StatusQuery(1), StatusQuery(4)]


def visitor_slip(paper: PaperWidth = PaperWidth.MM80, **changes: object) -> Slip:
    """A visitor takes B003 for 企业开办 with two people ahead, on the priority lane."""
    data = SlipData(
        hall_name="宁波市江北区行政服务中心",
        department="市场监管",
        service_name="企业开办（设立登记）",
        number="B003",
        waiting_ahead=2,
        estimate_minutes=8,
        issued_at=datetime(2026, 11, 28, 9, 5, tzinfo=timezone(timedelta(hours=8))),
        qr_url=URL,
        label="绿色通道",
        **changes,  # type: ignore[arg-type]
    )
    return build_slip(data, paper)


def slip_lines(slip: Slip) -> list[str]:
    return [block.text for block in slip if isinstance(block, TextLine)]


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    with FakePrinter() as fake:
        yield fake


def device(fake: FakePrinter, mode: PrintMode = PrintMode.TEXT, **kw: float) -> PrinterDevice:
    return PrinterDevice(fake.address, PrinterProfile(mode=mode), **kw)


# ---- text mode -------------------------------------------------------------------------


@pytest.mark.parametrize("paper", list(PaperWidth))
def test_text_mode_prints_exactly_the_slip_lines(paper: PaperWidth) -> None:
    slip = visitor_slip(paper)
    items = decode(render_text(slip, paper))
    assert items[:2] == [Init(), ChineseMode(on=True)]
    printed = [t for t in texts(items) if not set(t) <= {"-"}]
    assert printed == slip_lines(slip)
    assert "-" * paper.columns in texts(items)  # the rules span the paper
    assert items[-1] == Cut(partial=True)
    assert not any(isinstance(item, Raster) for item in items)


def test_text_mode_prints_the_number_huge_and_bold_and_the_qr_natively() -> None:
    items = decode(render_text(visitor_slip(), PaperWidth.MM80))
    number = next(i for i in items if isinstance(i, Text) and i.text == "B003")
    assert (number.width, number.height, number.bold, number.align) == (6, 6, True, "center")
    assert all(i.width < 6 for i in items if isinstance(i, Text) and i is not number)
    (qr,) = [i for i in items if isinstance(i, Qr)]
    assert qr.data == URL and qr.module == 7 and qr.error_level == 1  # level M


def test_text_mode_keeps_full_width_punctuation_and_rare_hanzi() -> None:
    # python-escpos's text() would print each of these lines as "?".
    odd = ("，。：！？", "￥12.00", "㐀䶮𠮷")
    items = decode(render_text(visitor_slip(PaperWidth.MM58, closing_lines=odd), PaperWidth.MM58))
    assert texts(items)[-3:] == list(odd)


# ---- image mode ------------------------------------------------------------------------


@pytest.mark.parametrize("paper", list(PaperWidth))
def test_image_mode_draws_the_slip_at_paper_width(paper: PaperWidth) -> None:
    slip = visitor_slip(paper, reprint=True)
    picture = render_png(slip, paper)
    ARTIFACTS.mkdir(exist_ok=True)
    picture.save(ARTIFACTS / f"slip-{paper.value}mm.png")
    assert picture.mode == "1" and picture.width == paper.dots
    assert 700 < picture.height < 1400
    black = picture.histogram()[0] / (picture.width * picture.height)
    assert 0.05 < black < 0.35  # ink on the paper, but not a black sheet

    items = decode(render_image(slip, paper))
    rasters = [i for i in items if isinstance(i, Raster)]
    assert items[0] == Init() and items[-1] == Cut(partial=True)
    assert {r.width for r in rasters} == {paper.dots}
    assert sum(r.height for r in rasters) == picture.height
    assert texts(items) == []  # no text for a printer without a Chinese font


def test_image_mode_draws_the_qr_code_module_for_module() -> None:
    picture = render_png((QrCode(URL, module=5),), PaperWidth.MM58)
    bbox = ImageOps.invert(picture.convert("L")).getbbox()
    assert bbox is not None
    left, top, right, _ = bbox
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(URL)
    code.make(fit=True)
    expected: list[list[bool]] = code.get_matrix()
    size = len(expected)
    assert right - left == size * 5 and top >= 4 * 5  # whole modules, quiet zone above
    drawn = [
        [picture.getpixel((left + 5 * x + 2, top + 5 * y + 2)) == 0 for x in range(size)]
        for y in range(size)
    ]
    assert drawn == expected


def test_image_mode_never_spells_a_status_request_inside_the_picture() -> None:
    picture = Image.new("1", (384, 2), 1)
    for x in (3, 13):  # bytes 0x10 0x04 0x01 in printer polarity (set bit = black dot)
        picture.putpixel((x, 0), 0)
    picture.putpixel((23, 0), 0)
    assert defuse_realtime(picture) == 1
    raster = bytes(255 - b for b in picture.tobytes())
    assert not re.search(rb"\x10\x04[\x01-\x04]", raster)


# ---- connection specs and status bytes -------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [
        ("192.168.1.50", NetworkSpec("192.168.1.50", 9100)),
        ("printer-3.hall.lan:9101", NetworkSpec("printer-3.hall.lan", 9101)),
        ("[fe80::1]:9100", NetworkSpec("fe80::1", 9100)),
        ("usb:0416:5011", UsbSpec(0x0416, 0x5011)),
        ("serial:/dev/ttyUSB0:115200", SerialSpec("/dev/ttyUSB0", 115200)),
        ("serial:COM3", SerialSpec("COM3", 9600)),
        ("file:/dev/usb/lp0", FileSpec("/dev/usb/lp0")),
    ],
)
def test_connection_specs(spec: str, parsed: object) -> None:
    assert parse_connection(spec) == parsed
    assert parse_connection(str(parsed)) == parsed


@pytest.mark.parametrize("spec", ["", "host:port", "host:70000", "usb:xyz:1", "file:"])
def test_bad_connection_specs_say_what_is_expected(spec: str) -> None:
    with pytest.raises(ValueError, match=r"expected|ids"):
        parse_connection(spec)


def test_the_hall_file_names_each_printer() -> None:
    section = tomllib.loads(
        """
        [kiosk-1]
        connection = "192.168.1.50"
        paper = 58
        mode = "image"

        [kiosk-2]
        connection = "usb:0416:5011"
        status = false
        timeout = 5
        """
    )
    kiosk1, kiosk2 = load_printers(section).values()
    assert kiosk1.spec == NetworkSpec("192.168.1.50", 9100) and kiosk1.timeout == 3.0
    assert kiosk1.profile == PrinterProfile(paper=PaperWidth.MM58, mode=PrintMode.IMAGE)
    assert kiosk2.profile == PrinterProfile(query_status=False) and kiosk2.timeout == 5.0


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"paper": 80}, "printers.k.connection: expected a string"),
        ({"connection": "usb:1"}, "printers.k.connection: printer spec"),
        ({"connection": "10.0.0.9", "paper": 76}, "printers.k.paper: expected 58 or 80"),
        ({"connection": "10.0.0.9", "mode": "graphics"}, "printers.k.mode"),
        ({"connection": "10.0.0.9", "timeout": 600}, "printers.k.timeout"),
        ({"connection": "10.0.0.9", "papr": 58}, "unknown key 'papr'"),
    ],
)
def test_a_wrong_printer_setting_names_its_key(table: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        load_printers({"k": table})


def test_status_bytes() -> None:
    assert decode_status(0x12, 0x12) is PrinterStatus.ONLINE
    assert decode_status(0x12, 0x1E) is PrinterStatus.PAPER_NEAR_END
    assert decode_status(0x1A, 0x7E) is PrinterStatus.PAPER_OUT
    assert decode_status(0x1A, 0x12) is PrinterStatus.OFFLINE
    assert decode_status(None, 0x12) is PrinterStatus.GONE  # silence is not "paper OK"
    assert decode_status(0x00, 0x12) is PrinterStatus.GONE  # not a status reply


# ---- printing over TCP to the stand-in printer ------------------------------------------


@pytest.mark.parametrize("mode", list(PrintMode))
def test_a_slip_prints_over_the_network(printer: FakePrinter, mode: PrintMode) -> None:
    slip = visitor_slip()
    assert device(printer, mode).print_slip(slip) is PrinterStatus.ONLINE
    (job,) = printer.jobs
    items = decode(bytes(job))
    assert items[:2] == STATUS_CHECK and items[-2:] == STATUS_CHECK  # checked before and after
    body = items[2:-2]
    assert body[0] == Init() and body[-1] == Cut(partial=True)
    if mode is PrintMode.TEXT:
        assert [t for t in texts(body) if "---" not in t] == slip_lines(slip)
    else:
        assert sum(i.height for i in body if isinstance(i, Raster)) > 700
    assert printer.queries == [1, 4, 1, 4]  # no stray status request inside the job


def test_paper_near_end_still_prints_and_says_so(printer: FakePrinter) -> None:
    printer.set_paper(Paper.NEAR_END)
    hall_printer = device(printer)
    assert hall_printer.print_slip(visitor_slip()) is PrinterStatus.PAPER_NEAR_END
    assert "B003" in texts(decode(printer.received))
    assert hall_printer.status() is PrinterStatus.PAPER_NEAR_END


def test_paper_out_refuses_and_sends_nothing(printer: FakePrinter) -> None:
    printer.set_paper(Paper.OUT)
    hall_printer = device(printer)
    with pytest.raises(PaperOutError, match=r"缺纸.*out of paper") as caught:
        hall_printer.print_slip(visitor_slip())
    assert caught.value.status is PrinterStatus.PAPER_OUT
    assert decode(printer.received) == STATUS_CHECK
    assert hall_printer.status() is PrinterStatus.PAPER_OUT


def test_cover_open_refuses(printer: FakePrinter) -> None:
    printer.replies[1] = PRINTER_OFFLINE
    with pytest.raises(PrinterOfflineError, match="脱机"):
        device(printer).print_slip(visitor_slip())
    assert decode(printer.received) == STATUS_CHECK


@pytest.mark.parametrize("mode", list(PrintMode))
def test_a_printer_that_vanishes_mid_job_fails_the_job_then_works_when_back(
    printer: FakePrinter, mode: PrintMode
) -> None:
    hall_printer = device(printer, mode)
    printer.vanish_after(200)
    started = time.monotonic()
    with pytest.raises(PrintInterruptedError, match="补打"):
        hall_printer.print_slip(visitor_slip())
    assert hall_printer.status() is PrinterStatus.GONE
    assert time.monotonic() - started < 2

    printer.come_back()
    assert hall_printer.print_slip(visitor_slip()) is PrinterStatus.ONLINE
    assert decode(bytes(printer.jobs[-1]))[-3] == Cut(partial=True)


def test_nothing_listening_fails_at_once() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{probe.getsockname()[1]}"
    hall_printer = PrinterDevice(address)
    started = time.monotonic()
    with pytest.raises(PrinterGoneError, match=r"无法连接.*cannot reach") as caught:
        hall_printer.print_slip(visitor_slip())
    assert hall_printer.status() is PrinterStatus.GONE
    assert time.monotonic() - started < 1
    assert caught.value.status is PrinterStatus.GONE


def test_a_silent_printer_is_gone_not_online(printer: FakePrinter) -> None:
    printer.silent = True
    hall_printer = device(printer, timeout=0.3)
    started = time.monotonic()
    assert hall_printer.status() is PrinterStatus.GONE
    with pytest.raises(PrinterTimeoutError, match="无响应"):
        hall_printer.print_slip(visitor_slip())
    assert time.monotonic() - started < 2
    assert decode(printer.received) == [StatusQuery(1), StatusQuery(1)]  # no slip sent


def test_a_printer_that_never_answers_status_can_be_told_so(printer: FakePrinter) -> None:
    printer.silent = True
    mute = PrinterDevice(printer.address, PrinterProfile(query_status=False), timeout=0.3)
    assert mute.print_slip(visitor_slip()) is PrinterStatus.ONLINE
    # Nothing confirms delivery without status replies: wait for the bytes to arrive.
    items = decode(printer.wait_for(lambda data: data.endswith(b"\x1dVB\x00")))
    assert items[0] == Init() and "B003" in texts(items)


def test_slips_from_several_kiosks_do_not_interleave(printer: FakePrinter) -> None:
    hall_printer = device(printer)
    threads = [
        threading.Thread(target=hall_printer.print_slip, args=(visitor_slip(),)) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(printer.jobs) == 4
    for job in printer.jobs:
        assert texts(decode(bytes(job))).count("B003") == 1


def test_a_file_printer_gets_each_job_appended(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    file_printer = PrinterDevice(f"file:{target}", PrinterProfile(paper=PaperWidth.MM58))
    for _ in range(2):
        assert file_printer.print_slip(visitor_slip(PaperWidth.MM58)) is PrinterStatus.ONLINE
        assert file_printer.status() is PrinterStatus.ONLINE  # reachable is all it can say
    items: list[Item] = decode(target.read_bytes())
    assert texts(items).count("B003") == 2 and items.count(Cut(partial=True)) == 2


def test_usb_without_its_library_or_device_says_why() -> None:
    with pytest.raises(PrinterError, match="usb:0416:5011"):
        PrinterDevice("usb:0416:5011").print_slip(visitor_slip())
