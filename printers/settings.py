"""The hall file's [printers] section: one table per printer, checked and turned into devices."""

from __future__ import annotations

from collections.abc import Mapping

from printers.agent import AgentPrinter
from printers.connection import DEFAULT_TIMEOUT
from printers.device import PrinterDevice, PrinterProfile, PrintMode
from printers.slip import PaperWidth
from printers.spec import parse_connection

PRINTER_KEYS = frozenset({"connection", "paper", "mode", "status", "timeout", "key"})
AGENT = "agent"  # the printer hangs on a kiosk PC that runs `run.py printer-agent`
MIN_KEY_LENGTH = 16


def load_printers(section: Mapping[str, object]) -> dict[str, PrinterDevice | AgentPrinter]:
    """Devices by name from a parsed [printers] section; ValueError names the bad key.

    [printers.kiosk-1]
    connection = "192.168.1.50:9100"  # or usb:VID:PID, serial:DEVICE:BAUD, file:PATH, agent
    paper = 80                        # 58 or 80
    mode = "text"                     # "text", or "image" for printers without Chinese
    status = true                     # false only for printers that never answer DLE EOT
    timeout = 3.0                     # seconds
    key = "..."                       # connection = "agent" only: what the agent must show
    """
    devices: dict[str, PrinterDevice | AgentPrinter] = {}
    for name, table in section.items():
        if not isinstance(table, Mapping):
            raise ValueError(f"printers.{name}: expected a table like [printers.{name}]")
        devices[name] = _device(name, f"printers.{name}", table)
    return devices


def _device(name: str, where: str, table: Mapping[str, object]) -> PrinterDevice | AgentPrinter:
    unknown = sorted(set(table) - PRINTER_KEYS)
    if unknown:
        known = ", ".join(sorted(PRINTER_KEYS))
        raise ValueError(f"{where}: unknown key {unknown[0]!r} (known: {known})")
    connection = table.get("connection")
    if not isinstance(connection, str):
        raise ValueError(f'{where}.connection: expected a string like "192.168.1.50:9100"')
    key = table.get("key")
    if connection.strip() != AGENT and key is not None:
        raise ValueError(f'{where}.key: only a printer with connection = "agent" has a key')
    paper = table.get("paper", 80)
    if paper not in (58, 80) or isinstance(paper, bool):
        raise ValueError(f"{where}.paper: expected 58 or 80, got {paper!r}")
    mode = table.get("mode", "text")
    if mode not in ("text", "image"):
        raise ValueError(f'{where}.mode: expected "text" or "image", got {mode!r}')
    status = table.get("status", True)
    if not isinstance(status, bool):
        raise ValueError(f"{where}.status: expected true or false, got {status!r}")
    timeout = table.get("timeout", DEFAULT_TIMEOUT)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 0 < timeout <= 30:
        raise ValueError(f"{where}.timeout: expected seconds between 0 and 30, got {timeout!r}")
    profile = PrinterProfile(paper=PaperWidth(paper), mode=PrintMode(mode), query_status=status)
    if connection.strip() == AGENT:
        if not isinstance(key, str) or len(key) < MIN_KEY_LENGTH:
            raise ValueError(
                f"{where}.key: an agent printer needs a key of at least {MIN_KEY_LENGTH} "
                "characters (the printer agent shows it to the server)"
            )
        return AgentPrinter(name, profile, key)
    try:
        spec = parse_connection(connection)
    except ValueError as e:
        raise ValueError(f"{where}.connection: {e}") from None
    return PrinterDevice(spec, profile, timeout=float(timeout))
