"""From a ticket issued at a kiosk to its slip's bytes received by the printer, through the
real server and spooler, against the stand-in network printer.

Target (issue 4): p99 <= 200 ms. Prints figures; asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http1 import percentile
from tests.fakeprinter import Cut, FakePrinter, decode
from tests.serverproc import HallServer

SLIPS = 200
HALL = Path(__file__).resolve().parent.parent / "tests" / "halls" / "small.toml"


def cuts(data: bytes) -> int:
    return sum(isinstance(item, Cut) for item in decode(data))


def run(mode: str, paper: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, FakePrinter() as printer:
        config = Path(tmp) / "hall.toml"
        config.write_text(
            HALL.read_text(encoding="utf-8")
            + f'\n[printers.p1]\nconnection = "{printer.address}"\npaper = {paper}\n'
            f'mode = "{mode}"\n\n[kiosks.k1]\nprinter = "p1"\n',
            encoding="utf-8",
        )
        server = HallServer(Path(tmp) / "data", config)
        server.data.mkdir()
        server.start()
        try:
            with httpx.Client(base_url=server.url, timeout=10) as kiosk:
                latencies = []
                for i in range(SLIPS + 5):
                    before = len(printer.received)
                    t0 = time.perf_counter()
                    r = kiosk.post("/api/tickets", json={"service": "business", "kiosk": "k1"})
                    r.raise_for_status()
                    # Done when this slip's cut has arrived (status replies come after it).
                    while cuts(printer.received[before:]) < 1:
                        time.sleep(0.0005)
                    if i >= 5:  # the first few warm up the spooler's thread and the printer
                        latencies.append(time.perf_counter() - t0)
        finally:
            server.stop()
    print(
        f"{mode:>5} {paper} mm: {SLIPS} slips, ticket issued to slip received "
        f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms (target p99 <= 200 ms)"
    )


if __name__ == "__main__":
    for mode, paper in (("text", 80), ("image", 80), ("image", 58)):
        run(mode, paper)
