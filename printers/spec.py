"""Printer connection specs: the strings a hall writes in its settings, parsed and checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

DEFAULT_PORT = 9100
DEFAULT_BAUDRATE = 9600


@dataclass(frozen=True)
class NetworkSpec:
    """A printer on the LAN speaking raw ESC/POS on a TCP port ("192.168.1.50:9100")."""

    host: str
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class UsbSpec:
    """A USB printer by vendor and product id ("usb:0416:5011", hexadecimal)."""

    vendor_id: int
    product_id: int

    def __str__(self) -> str:
        return f"usb:{self.vendor_id:04x}:{self.product_id:04x}"


@dataclass(frozen=True)
class SerialSpec:
    """A printer on a serial port ("serial:/dev/ttyUSB0:9600", "serial:COM3:115200")."""

    device: str
    baudrate: int = DEFAULT_BAUDRATE

    def __str__(self) -> str:
        return f"serial:{self.device}:{self.baudrate}"


@dataclass(frozen=True)
class FileSpec:
    """Bytes written to a file or device node ("file:/dev/usb/lp0"); no status replies."""

    path: str

    def __str__(self) -> str:
        return f"file:{self.path}"


ConnectionSpec: TypeAlias = NetworkSpec | UsbSpec | SerialSpec | FileSpec


def parse_connection(text: str) -> ConnectionSpec:
    """Parse a connection spec; raise ValueError naming what was expected."""
    spec = text.strip()
    kind, _, rest = spec.partition(":")
    if kind == "usb":
        return _parse_usb(spec, rest)
    if kind == "serial":
        return _parse_serial(spec, rest)
    if kind == "file":
        if not rest:
            raise ValueError(f"printer spec {text!r}: expected file:/path/to/file")
        return FileSpec(rest)
    return _parse_network(spec)


def _parse_usb(spec: str, rest: str) -> UsbSpec:
    vendor, _, product = rest.partition(":")
    try:
        ids = int(vendor, 16), int(product, 16)
    except ValueError:
        raise ValueError(
            f"printer spec {spec!r}: expected usb:VID:PID in hexadecimal, like usb:0416:5011"
        ) from None
    if not all(0 < i <= 0xFFFF for i in ids):
        raise ValueError(f"printer spec {spec!r}: USB ids run from 0001 to ffff")
    return UsbSpec(*ids)


def _parse_serial(spec: str, rest: str) -> SerialSpec:
    device, _, baud = rest.rpartition(":")
    if not device or not baud.isdigit():
        device, baud = rest, str(DEFAULT_BAUDRATE)
    if not device:
        raise ValueError(f"printer spec {spec!r}: expected serial:/dev/ttyUSB0:9600")
    return SerialSpec(device, int(baud))


def _parse_network(spec: str) -> NetworkSpec:
    host, port = spec, str(DEFAULT_PORT)
    if spec.startswith("["):  # [IPv6]:port
        host, _, tail = spec[1:].partition("]")
        if tail:
            if not tail.startswith(":"):
                raise ValueError(f"printer spec {spec!r}: expected [address]:port")
            port = tail[1:]
    elif spec.count(":") == 1:
        host, port = spec.split(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(
            f"printer spec {spec!r}: expected host:port (192.168.1.50:9100), "
            "usb:VID:PID, serial:DEVICE:BAUD or file:PATH"
        )
    return NetworkSpec(host, int(port))
