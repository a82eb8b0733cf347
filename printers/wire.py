"""Slips on the wire: a laid-out slip as JSON for a printer agent, and printer errors back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from printers import errors
from printers.errors import PrinterError
from printers.slip import Align, Block, Cut, Feed, QrCode, Rule, Slip, TextLine

_ERRORS: dict[str, type[PrinterError]] = {
    cls.__name__: cls
    for cls in (
        errors.PrinterError,
        errors.PrinterGoneError,
        errors.PrinterTimeoutError,
        errors.PrintInterruptedError,
        errors.PaperOutError,
        errors.PrinterOfflineError,
        errors.PrinterSetupError,
    )
}


class TextItem(TypedDict):
    text: str
    size: int
    bold: bool
    align: str


class QrItem(TypedDict):
    qr: str
    module: int


class FeedItem(TypedDict):
    feed: int


class RuleItem(TypedDict):
    rule: bool


class CutItem(TypedDict):
    cut: bool


# One block of a laid-out slip: told apart by which key it has.
WireItem = TextItem | QrItem | FeedItem | RuleItem | CutItem


class WireError(TypedDict):
    error: str  # the PrinterError class's name
    printer: str
    detail: str


class AgentHello(TypedDict):
    """The server's first message to a printer agent: the printer it drives, and how."""

    type: str  # hello
    printer: str
    paper: int  # mm
    mode: str  # a PrintMode
    status: bool  # whether the printer answers status requests


class Printed(TypedDict):
    """An agent's answer to a print job that came out."""

    type: str  # printed
    job: int
    status: str  # a PrinterStatus


class Failed(WireError):
    """An agent's answer to a print job that failed."""

    type: str  # failed
    job: int
    status: str


def slip_to_wire(slip: Slip) -> list[WireItem]:
    out: list[WireItem] = []
    for block in slip:
        if isinstance(block, TextLine):
            out.append(
                {
                    "text": block.text,
                    "size": block.size,
                    "bold": block.bold,
                    "align": block.align.value,
                }
            )
        elif isinstance(block, QrCode):
            out.append({"qr": block.data, "module": block.module})
        elif isinstance(block, Feed):
            out.append({"feed": block.lines})
        elif isinstance(block, Rule):
            out.append({"rule": True})
        else:
            out.append({"cut": True})
    return out


def slip_from_wire(items: list[dict[str, Any]]) -> Slip:
    """A slip from the JSON an agent got (untyped until each item is read)."""
    blocks: list[Block] = []
    for item in items:
        if "text" in item:
            blocks.append(
                TextLine(
                    str(item["text"]), int(item["size"]), bool(item["bold"]), Align(item["align"])
                )
            )
        elif "qr" in item:
            blocks.append(QrCode(str(item["qr"]), int(item["module"])))
        elif "feed" in item:
            blocks.append(Feed(int(item["feed"])))
        elif "rule" in item:
            blocks.append(Rule())
        elif "cut" in item:
            blocks.append(Cut())
        else:
            raise ValueError(f"unknown slip block {item!r}")
    return tuple(blocks)


def error_to_wire(err: PrinterError) -> WireError:
    return {"error": type(err).__name__, "printer": err.printer, "detail": err.detail}


def error_from_wire(data: Mapping[str, object]) -> PrinterError:
    """The same error class the agent met, so the spooler decides exactly as for a local one."""
    cls = _ERRORS.get(str(data.get("error")), errors.PrintInterruptedError)
    return cls(str(data.get("printer", "agent")), str(data.get("detail", "")))
