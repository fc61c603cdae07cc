"""Measurements: pages through Django's test client, their SQL floor, and the summary workbook.

A page is requested ``warmup`` times, once more with its queries captured, then ``repeat``
times timed (wall time of ``Client.get``/``post`` in this process: URL routing, middleware,
view, queries and template, without any network). Its floor is the captured SQL run alone on
the raw database cursor, fetching every row, ``repeat`` times: what the page would cost if
Python took no time at all. A write (the grid save) replays its SQL inside a transaction that
is rolled back, from the same state as the page saw.

The summary workbook is built from ``reports.selectors.summary_report`` through
``reports.summary.workbook_bytes`` (what the download does): seconds without tracing, peak
memory in a second run under tracemalloc, and against it bare openpyxl in write-only mode
writing the same cell values with no styles. Each district's part of the summary is kept until
its data changes, as the overview's is: the time is that of a download while they are current,
and ``changed_seconds`` that of the first download after every district's data changed.
"""

from __future__ import annotations

import cProfile
import gc
import io
import math
import pstats
import statistics
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext


@dataclass
class PageResult:
    name: str
    url: str
    median_ms: float = 0.0
    p95_ms: float = 0.0
    queries: int = 0
    floor_ms: float = 0.0
    slowest: list = field(default_factory=list)  # (ms, sql) of its slowest queries
    error: str = ""

    @property
    def ratio(self) -> float:
        return self.median_ms / self.floor_ms if self.floor_ms else math.inf

    def as_dict(self) -> dict:
        if self.error:
            return {"error": self.error}
        return {"median_ms": round(self.median_ms, 1), "p95_ms": round(self.p95_ms, 1),
                "queries": self.queries, "floor_ms": round(self.floor_ms, 2)}


@dataclass
class WorkbookResult:
    seconds: float = 0.0
    query_seconds: float = 0.0  # reading the data (reports.selectors.summary_report)
    changed_seconds: float = 0.0  # the first build after every district's data changed
    changed_query_seconds: float = 0.0  # of which reading (and keeping) the data
    changed_queries: int = 0
    peak_mb: float = 0.0
    floor_seconds: float = 0.0
    floor_peak_mb: float = 0.0
    cells: int = 0
    sheets: int = 0
    queries: int = 0
    size_mb: float = 0.0
    error: str = ""

    def as_dict(self) -> dict:
        if self.error:
            return {"error": self.error}
        return {"seconds": round(self.seconds, 2), "peak_mb": round(self.peak_mb, 1),
                "floor_seconds": round(self.floor_seconds, 2),
                "changed_seconds": round(self.changed_seconds, 2)}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class PageError(Exception):
    pass


def _check(response, expected: int) -> None:
    if response.status_code != expected:
        detail = ""
        if response.status_code == 200 and expected == 302:
            text = response.content.decode(errors="replace")
            start = text.find('class="errorlist')
            detail = ": " + (text[start:start + 300] if start >= 0 else "the form was shown again")
        raise PageError(f"HTTP {response.status_code}, expected {expected}{detail}")


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


def replay(sqls: list[str], *, write: bool) -> tuple[float, list[float]]:
    """Run ``sqls`` on the raw DB-API cursor, fetching every row: seconds in all and each.

    SQLite's ``BEGIN IMMEDIATE`` is captured as a query: it is left out (a write replays inside
    a transaction of its own, a read in autocommit), and counts as taking no time."""
    connection.ensure_connection()
    each = []

    def run():
        cursor = connection.connection.cursor()
        try:
            for sql in sqls:
                if sql.lstrip().upper().startswith(TRANSACTION_CONTROL):
                    each.append(0.0)
                    continue
                started = time.perf_counter()
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
                each.append(time.perf_counter() - started)
        finally:
            cursor.close()

    started = time.perf_counter()
    if write:
        with transaction.atomic():
            run()
            transaction.set_rollback(True)
    else:
        run()
    return time.perf_counter() - started, each


def measure_page(name: str, url: str, request: Callable, *, expected: int, repeat: int,
                 warmup: int, before: Callable = lambda: None, write: bool = False,
                 log=print) -> PageResult:
    """Time ``request()`` (which returns a response); ``before()`` runs untimed before each."""
    result = PageResult(name, url)
    try:
        for _ in range(warmup):
            before()
            _check(request(), expected)
        before()
        with CaptureQueriesContext(connection) as captured:
            _check(request(), expected)
        sqls = [q["sql"] for q in captured.captured_queries]
        result.queries = len(sqls)

        floors, per_query = [], [[] for _ in sqls]
        for _ in range(repeat):
            before()
            seconds, each = replay(sqls, write=write)
            floors.append(seconds)
            for i, value in enumerate(each):
                per_query[i].append(value)
        result.floor_ms = statistics.median(floors) * 1000
        medians = [(statistics.median(v) * 1000, sql) for v, sql in zip(per_query, sqls) if v]
        result.slowest = sorted(medians, key=lambda row: -row[0])[:3]

        times = []
        for _ in range(repeat):
            before()
            gc.collect()
            started = time.perf_counter()
            response = request()
            times.append((time.perf_counter() - started) * 1000)
            _check(response, expected)
        result.median_ms = statistics.median(times)
        result.p95_ms = percentile(times, 0.95)
    except Exception as exc:  # a page that fails is reported, the others still measured
        result.error = f"{type(exc).__name__}: {exc}"[:500]
    log(f"  {name}: " + (f"failed ({result.error})" if result.error else
                         f"median {result.median_ms:.1f} ms, {result.queries} queries, "
                         f"floor {result.floor_ms:.1f} ms"))
    return result


def explain(sql: str) -> str:
    """The plan of a query: EXPLAIN ANALYZE on PostgreSQL (run inside a rolled-back
    transaction), EXPLAIN QUERY PLAN on SQLite."""
    if sql.lstrip().upper().startswith(TRANSACTION_CONTROL + ("SAVEPOINT", "RELEASE")):
        return ""
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                lines = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                lines = [" " * (2 * row[1] % 40) + row[-1] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return "\n".join(lines)


def profile(request: Callable, *, before: Callable = lambda: None, lines: int = 30) -> str:
    """cProfile of one request, the functions taking the most cumulative time."""
    before()
    profiler = cProfile.Profile()
    profiler.enable()
    request()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write("The project's own functions, by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(r"^(?!.*(site-packages|<frozen|\{))", lines)
    out.write("Every function, by own time:\n")
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


@contextmanager
def _recording_rows():
    """Record the values of every row appended to a write-only worksheet: {title: [rows]}."""
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    recorded: dict[str, list] = {}
    original = WriteOnlyWorksheet.append

    def append(self, row):
        row = list(row)
        recorded.setdefault(self.title, []).append(
            [c.value if isinstance(c, Cell) else c for c in row])
        return original(self, row)

    WriteOnlyWorksheet.append = append
    try:
        yield recorded
    finally:
        WriteOnlyWorksheet.append = original


def bare_workbook(sheets: dict[str, list]) -> bytes:
    """The same values with bare openpyxl: write-only, no styles, no widths, no merges."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _timed(build: Callable, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        build()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _peak_mb(build: Callable) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        build()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure_workbook(*, districts, year: int, repeat: int, log=print) -> WorkbookResult:
    """The leaders' summary workbook of ``year`` for ``districts`` (a District queryset)."""
    result = WorkbookResult()
    try:
        from reports.selectors import summary_report
        from reports.summary import workbook_bytes

        def build():
            return workbook_bytes(summary_report(districts=districts, year=year))

        def timed(before: Callable = lambda: None) -> tuple[float, float]:
            """Seconds in all and of reading the data, median of ``repeat`` builds."""
            totals, reads = [], []
            for _ in range(repeat):
                before()
                gc.collect()
                started = time.perf_counter()
                report = summary_report(districts=districts, year=year)
                read = time.perf_counter()
                workbook_bytes(report)
                totals.append(time.perf_counter() - started)
                reads.append(read - started)
                del report
            return statistics.median(totals), statistics.median(reads)

        # The first download after every district's data changed computes and keeps them all.
        districts.mark_changed()
        with CaptureQueriesContext(connection) as captured:
            build()
        result.changed_queries = len(captured.captured_queries)
        result.changed_seconds, result.changed_query_seconds = timed(districts.mark_changed)

        with CaptureQueriesContext(connection) as captured, _recording_rows() as sheets:
            content = build()
        result.queries = len(captured.captured_queries)
        result.size_mb = len(content) / 2**20
        result.sheets = len(sheets)
        result.cells = sum(v is not None for rows in sheets.values() for row in rows for v in row)
        result.seconds, result.query_seconds = timed()
        result.peak_mb = _peak_mb(build)
        result.floor_seconds = _timed(lambda: bare_workbook(sheets), repeat)
        result.floor_peak_mb = _peak_mb(lambda: bare_workbook(sheets))
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"[:500]
    log("  summary workbook: " + (f"failed ({result.error})" if result.error else
                                  f"{result.seconds:.2f} s, peak {result.peak_mb:.0f} MB, "
                                  f"bare openpyxl {result.floor_seconds:.2f} s"))
    return result
