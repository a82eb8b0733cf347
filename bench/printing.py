"""Slip printing: time from slip data to every byte at the printer, and slips per second.

Target (printed tickets issue): p99 <= 200 ms from build_slip to the last byte received by
the printer, in text and in image mode. Runs against the stand-in printer of the tests on
loopback, so it measures our side only. Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from printers.connection import Connection
from printers.device import PrinterDevice, PrinterProfile, PrintMode
from printers.imagemode import render_png
from printers.slip import PaperWidth, SlipData, build_slip
from printers.status import QUERY_PRINTER
from tests.fakeprinter import FakePrinter

SLIPS = 200
TARGET_P99_MS = 200
PRINT_SPEED_MM_S = 150  # a common thermal printer; the paper, not the wire, sets the pace
DOTS_PER_MM = 8  # 203 dpi


def slip_data(i: int) -> SlipData:
    return SlipData(
        hall_name="杭州市上城区政务服务中心",
        department="社保医保",
        service_name="养老保险参保登记与转移接续",
        number=f"A{i % 1000:03d}",
        waiting_ahead=i % 40,
        estimate_minutes=(i % 40) * 3,
        issued_at=datetime(2026, 11, 28, 9, 5, tzinfo=timezone(timedelta(hours=8))),
        qr_url=f"https://hall.example.gov.cn/t/20261128-A{i:03d}?k={i * 7919:06x}",
        label="绿色通道" if i % 5 == 0 else None,
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(action: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def latency(printer: FakePrinter, mode: PrintMode, paper: PaperWidth) -> None:
    """(a) build + render + send + the printer's reply that it has every byte."""
    device = PrinterDevice(printer.address, PrinterProfile(paper=paper, mode=mode))
    counter = iter(range(10**9))
    device.print_slip(build_slip(slip_data(0), paper))  # warm up: fonts, profiles
    before = len(printer.received)
    lat = timed(lambda: device.print_slip(build_slip(slip_data(next(counter)), paper)), SLIPS)
    size = (len(printer.received) - before) / SLIPS
    p50, p99 = percentile(lat, 0.5) * 1000, percentile(lat, 0.99) * 1000
    verdict = "ok" if p99 <= TARGET_P99_MS else "MISSED"
    print(
        f"  {mode.value:5} {paper.value} mm: p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
        f"max {max(lat) * 1000:6.1f} ms  ({size / 1024:5.1f} KB a slip)  "
        f"target p99 <= {TARGET_P99_MS} ms: {verdict}"
    )


def throughput(printer: FakePrinter, mode: PrintMode, paper: PaperWidth) -> None:
    """(b) slips a second: one connection per slip as in service, and one kept open."""
    device = PrinterDevice(printer.address, PrinterProfile(paper=paper, mode=mode))
    start = time.perf_counter()
    for i in range(SLIPS):
        device.print_slip(build_slip(slip_data(i), paper))
    per_job = SLIPS / (time.perf_counter() - start)

    start = time.perf_counter()
    with Connection(device.spec) as link:
        for i in range(SLIPS):
            link.write(device.render(build_slip(slip_data(i), paper)))
        link.query(QUERY_PRINTER)  # answered only once every slip before it is in
    one_link = SLIPS / (time.perf_counter() - start)
    print(
        f"  {mode.value:5} {paper.value} mm: {per_job:6.0f} slips/s (a connection each, "
        f"status checked)  {one_link:6.0f} slips/s (one connection, back to back)"
    )


def main() -> None:
    with FakePrinter() as printer:
        print(f"(a) slip data to last byte at the printer, {SLIPS} slips, loopback")
        for mode in PrintMode:
            for paper in PaperWidth:
                latency(printer, mode, paper)
        print(f"(b) slips per second one printer takes, {SLIPS} slips")
        for mode in PrintMode:
            for paper in PaperWidth:
                throughput(printer, mode, paper)
    for paper in PaperWidth:
        length = render_png(build_slip(slip_data(1), paper), paper).height / DOTS_PER_MM
        print(
            f"for scale: the {paper.value} mm slip is {length:.0f} mm long; at "
            f"{PRINT_SPEED_MM_S} mm/s a printer prints {PRINT_SPEED_MM_S / length:.1f} a second"
        )


if __name__ == "__main__":
    main()
