"""Queue reports for managers: figures by hour, day, service, department, window or staff
over any date range, chart series, and CSV/XLSX exports. Read on a connection of their own
in a worker thread, so a year's report never holds up the hall."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any, TypedDict

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hall.actors import Role
from hall.errors import DomainError
from hall.reports.queue_report import (
    Dimension,
    HourlySeries,
    WaitDistribution,
    WindowLoad,
    arrivals_vs_served_by_hour,
    report,
    report_csv,
    report_xlsx,
    wait_distribution,
    window_load,
)
from server.http import CSV, JSON, XLSX, date_range, download
from server.parts import Parts, parts

# "from" is a keyword: the functional form.
ChartSeries = TypedDict(
    "ChartSeries",
    {
        "from": str,
        "to": str,
        "arrivals": HourlySeries,
        "waits": WaitDistribution,
        "windows": list[WindowLoad],
    },
)


def _dimension(request: Request, default: str) -> Dimension:
    raw = request.query_params.get("by", default)
    try:
        return Dimension(raw)
    except ValueError:
        options = ", ".join(d.value for d in Dimension)
        raise DomainError(
            "bad_field",
            field="by",
            reason_zh=f"应为 {options} 之一",
            reason=f"must be one of {options}",
        ) from None


async def queue_report(request: Request) -> Response:
    """
    summary: "Tickets taken, served, no-shows, transfers; wait and handling time (average,
      median, 90th percentile); the share handled on the spot; the good-review rate; by hour,
      day, service, department, window or staff (?by, ?from, ?to, ?format=json|csv|xlsx)."
    responses:
      200: {description: "{by, from, to, rows: [...]} or a file"}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    by = _dimension(request, "service")
    start, end = date_range(request, parts(request).hall)
    rows = await asyncio.to_thread(_read, p, lambda c: report(c, p.hall.config, start, end, by))
    kind = request.query_params.get("format", "json")
    name = f"queue-by-{by.value}-{start}-{end}"
    if kind == "csv":
        return download(report_csv(rows), CSV, f"{name}.csv")
    if kind == "xlsx":
        return download(await asyncio.to_thread(report_xlsx, rows), XLSX, f"{name}.xlsx")
    return JSON(
        {"by": by.value, "from": str(start), "to": str(end), "rows": [asdict(r) for r in rows]}
    )


async def chart_series(request: Request) -> Response:
    """
    summary: Chart series over a date range - arrivals against served by hour, the wait
      distribution, and each window's load.
    responses:
      200: {description: "{arrivals: {hours, taken, served}, waits: {buckets, counts}, windows}"}
    """
    p = parts(request)
    p.sessions.require(request, Role.MANAGER)
    start, end = date_range(request, parts(request).hall)
    config = p.hall.config

    def read(c: Any) -> ChartSeries:
        return {
            "from": str(start),
            "to": str(end),
            "arrivals": arrivals_vs_served_by_hour(c, config, start, end),
            "waits": wait_distribution(c, config, start, end),
            "windows": window_load(c, config, start, end),
        }

    return JSON(await asyncio.to_thread(_read, p, read))


def _read(p: Parts, work: Any) -> Any:
    with p.hall.store.reader() as c:
        return work(c)


routes = [
    Route("/api/reports/queue", queue_report, methods=["GET"]),
    Route("/api/reports/charts", chart_series, methods=["GET"]),
]
