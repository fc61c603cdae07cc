"""manage.py benchmark: it builds its own database, measures every page, and the query counts
do not depend on the number of districts (docs/performance.md)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bench.pages import PAGE_NAMES


def benchmark(monkeypatch, districts: int) -> dict:
    monkeypatch.delenv("DATABASE_URL", raising=False)  # SQLite, whatever the suite runs on
    out = StringIO()
    call_command("benchmark", "--districts", str(districts), "--json", "--repeat", "1",
                 "--warmup", "1", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_it_measures_every_page_and_the_workbook_with_counts_independent_of_size(monkeypatch):
    small, larger = benchmark(monkeypatch, 3), benchmark(monkeypatch, 6)
    assert small["districts"] == 3 and larger["districts"] == 6
    assert small["database"] == "sqlite"
    assert list(small["pages"]) == PAGE_NAMES
    for name, page in small["pages"].items():
        assert set(page) == {"median_ms", "p95_ms", "queries", "floor_ms"}, name
        assert page["queries"] > 0 and page["floor_ms"] > 0, name
        assert page["median_ms"] <= page["p95_ms"], name
        assert page["queries"] == larger["pages"][name]["queries"], name
    assert set(small["workbook"]) == {"seconds", "peak_mb", "floor_seconds", "changed_seconds"}
    assert small["workbook"]["seconds"] > 0 and small["workbook"]["peak_mb"] > 0
    assert small["workbook"]["changed_seconds"] > 0
    assert larger["workbook"]["seconds"] > 0


def test_it_measures_only_in_a_benchmark_database(monkeypatch):
    monkeypatch.setenv("IPOPS_BENCHMARK_CHILD", "1")  # as if this process were the child
    with pytest.raises(CommandError, match="not a benchmark database"):
        call_command("benchmark", "--districts", "3", stdout=StringIO(), stderr=StringIO())
