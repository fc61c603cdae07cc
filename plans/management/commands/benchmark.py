"""manage.py benchmark: the portal at national scale, measured in its own database.

    python manage.py benchmark                     # 300 districts, SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ipops python manage.py benchmark
                                                   # the same on PostgreSQL (ipops_bench_300)
    python manage.py benchmark --districts 30 --json

The command never touches the portal's database. It creates the benchmark database (see
bench/databases.py), then runs itself again in a child process whose DATABASE_URL points at
it, with production settings (DEBUG off); the child migrates it, builds the data set
(bench/dataset.py) and measures (bench/pages.py, bench/measure.py). The database is dropped at
the end unless ``--keep`` is given; ``--reuse`` measures a kept one again without rebuilding.
Progress goes to stderr, the report (a table, or JSON with ``--json``) to stdout.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import warnings

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

CHILD = "IPOPS_BENCHMARK_CHILD"  # set in the measuring process


class Command(BaseCommand):
    help = ("在独立的数据库中生成全国规模的模拟数据，测量各页面的服务器耗时与查询数、"
            "汇总表生成耗时与内存（Builds a synthetic national data set in its own database "
            "and measures pages and the summary workbook; see docs/performance.md.)")

    def add_arguments(self, parser):
        parser.add_argument("--districts", type=int, default=300,
                            help="number of districts (default 300)")
        parser.add_argument("--json", action="store_true", help="print the results as JSON")
        parser.add_argument("--repeat", type=int, default=20,
                            help="timed requests per page (default 20)")
        parser.add_argument("--warmup", type=int, default=2,
                            help="untimed requests per page first (default 2)")
        parser.add_argument("--only", default="",
                            help="comma-separated pages to measure (and 'workbook'); default all")
        parser.add_argument("--keep", action="store_true",
                            help="keep the benchmark database afterwards")
        parser.add_argument("--reuse", action="store_true",
                            help="measure a kept benchmark database again without rebuilding it")
        parser.add_argument("--profile", default="",
                            help="print a cProfile of one request of this page to stderr")
        parser.add_argument("--explain", action="store_true",
                            help="print the plan of each page's slowest queries to stderr")

    def handle(self, *args, **options):
        if options["districts"] < 1 or options["repeat"] < 1 or options["warmup"] < 0:
            raise CommandError("--districts and --repeat must be at least 1, --warmup at least 0")
        _only(options)  # a misspelt page fails before anything is built
        if os.environ.get(CHILD):
            return self.measure(options)
        return self.orchestrate(options)

    # The parent: the benchmark database, and the child that measures in it.

    def orchestrate(self, options):
        from bench.databases import bench_database

        database = bench_database(portal_url=os.environ.get("DATABASE_URL"),
                                  districts=options["districts"],
                                  keep=options["keep"] or options["reuse"])
        reuse = options["reuse"] and database.exists()
        if not reuse:
            database.create()
        self.stderr.write(f"benchmark database ({database.vendor}): {database.name}"
                          + (" (reused)" if reuse else ""))
        env = {**os.environ, CHILD: "1", "DATABASE_URL": database.url,
               "DJANGO_SETTINGS_MODULE": "ipops.settings", "DEBUG": "0",
               # a throwaway key: production settings want a strong one, nothing is kept
               "SECRET_KEY": secrets.token_urlsafe(50)}
        argv = [sys.executable, str(settings.BASE_DIR / "manage.py"), "benchmark",
                "--districts", str(options["districts"]), "--repeat", str(options["repeat"]),
                "--warmup", str(options["warmup"]), "--verbosity", str(options["verbosity"])]
        for flag in ("json", "reuse", "explain"):
            if options[flag]:
                argv.append(f"--{flag}")
        for name in ("only", "profile"):
            if options[name]:
                argv += [f"--{name}", options[name]]
        try:
            child = subprocess.run(argv, env=env, stdout=subprocess.PIPE, text=True,
                                   cwd=settings.BASE_DIR)
        finally:
            if options["keep"] or options["reuse"]:
                self.stderr.write(f"kept: DATABASE_URL={database.url}")
            else:
                database.drop()
        self.stdout.write(child.stdout, ending="")
        if child.returncode:
            raise CommandError(f"the benchmark failed (exit status {child.returncode})")

    # The child: build and measure.

    def measure(self, options):
        from bench.databases import is_bench_database
        from bench.dataset import dataset_build, dataset_find
        from bench.measure import explain
        from bench.pages import BASELINE, measure_all, profile_page

        if not is_bench_database(settings.DATABASES["default"]):
            raise CommandError("refusing to run: the database is not a benchmark database")
        # whitenoise warns that collectstatic has not run; the pages do not need it here
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        log = self.stderr.write
        districts = options["districts"]
        only = _only(options)
        started = time.perf_counter()
        dataset = dataset_find(districts) if options["reuse"] else None
        if dataset is None:
            synchronous = _sqlite_sync(0)  # building a throwaway file: no fsync meanwhile
            call_command("migrate", verbosity=0, interactive=False)
            dataset = dataset_build(districts=districts, log=log)
            _sqlite_sync(synchronous)  # measured as SQLite runs by default
        build_seconds = time.perf_counter() - started
        load_before = os.getloadavg()
        log(f"measuring ({options['repeat']} requests per page after {options['warmup']} "
            "warm-ups)")
        pages, workbook = measure_all(dataset, repeat=options["repeat"],
                                      warmup=options["warmup"], only=only, log=log)
        load = (load_before, os.getloadavg())
        if options["explain"]:
            for name, page in pages.items():
                for ms, sql in page.slowest:
                    log(f"\n== {name}: {ms:.2f} ms\n{sql}\n{explain(sql)}")
        if options["profile"]:
            log(profile_page(dataset, options["profile"]))
        vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
        if options["json"]:
            report = {"districts": districts, "database": vendor,
                      "pages": {name: page.as_dict() for name, page in pages.items()
                                if name != BASELINE}}
            if workbook is not None:
                report["workbook"] = workbook.as_dict()
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_table(dataset, pages, workbook, options, build_seconds, load,
                                     verbose=options["verbosity"] > 1))
        failed = [n for n, p in pages.items() if p.error] + (
            ["workbook"] if workbook is not None and workbook.error else [])
        if failed:
            raise CommandError(f"failed: {', '.join(failed)}")


def _only(options) -> list[str]:
    from bench.pages import BASELINE, PAGE_NAMES

    only = [name.strip() for name in options["only"].split(",") if name.strip()]
    unknown = set(only) - set(PAGE_NAMES) - {"workbook", BASELINE}
    if options["profile"] and options["profile"] not in [*PAGE_NAMES, BASELINE]:
        unknown.add(options["profile"])
    if unknown:
        raise CommandError(f"unknown page(s): {', '.join(sorted(unknown))}; the pages are "
                           f"{', '.join(PAGE_NAMES)} (and workbook)")
    return only


def _sqlite_sync(value: int | None) -> int | None:
    """Set SQLite's PRAGMA synchronous on this connection; return what it was."""
    if connection.vendor != "sqlite" or value is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA synchronous = {int(value)}")
    return before


def _server() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


def _table(dataset, pages, workbook, options, build_seconds, load, *, verbose) -> str:
    from bench.pages import BASELINE

    before, after = (" ".join(f"{x:.2f}" for x in values) for values in load)
    lines = [
        f"ipops benchmark: {dataset.districts} districts on {_server()}, "
        f"{options['repeat']} requests per page after {options['warmup']} warm-ups "
        f"(data set ready in {build_seconds:.0f} s)",
        f"{os.cpu_count()} CPUs; load average (1, 5, 15 min) before / after measuring: "
        f"{before} / {after}",
        "",
        f"{'page':<21} {'median ms':>10} {'p95 ms':>10} {'queries':>8} {'SQL floor ms':>13} "
        f"{'× floor':>8}",
    ]
    for name, page in pages.items():
        if name == BASELINE:
            lines.append("reference: the account page, which reads little more than its user "
                         "(what any page costs here)")
        if page.error:
            lines.append(f"{name:<21} failed: {page.error}")
            continue
        lines.append(f"{name:<21} {page.median_ms:>10.1f} {page.p95_ms:>10.1f} "
                     f"{page.queries:>8} {page.floor_ms:>13.2f} {page.ratio:>8.1f}")
        if verbose:
            for ms, sql in page.slowest:
                lines.append(f"{'':<21}   {ms:8.2f} ms  {sql[:150]}")
    if workbook is not None:
        lines.append("")
        if workbook.error:
            lines.append(f"summary workbook failed: {workbook.error}")
        else:
            lines.append(
                f"summary workbook: {workbook.seconds:.2f} s (reading the data "
                f"{workbook.query_seconds:.2f} s, {workbook.queries} queries), peak "
                f"{workbook.peak_mb:.0f} MB, {workbook.sheets} sheets, {workbook.cells:,} cells, "
                f"{workbook.size_mb:.1f} MB")
            lines.append(
                f"bare openpyxl (write-only, same cells, no styles): "
                f"{workbook.floor_seconds:.2f} s, peak {workbook.floor_peak_mb:.0f} MB; "
                f"× {workbook.seconds / workbook.floor_seconds:.1f} (writing alone × "
                f"{(workbook.seconds - workbook.query_seconds) / workbook.floor_seconds:.1f})")
            lines.append(
                f"the first after every district's data changed: {workbook.changed_seconds:.2f} s "
                f"(reading and keeping the data {workbook.changed_query_seconds:.2f} s, "
                f"{workbook.changed_queries} queries); "
                f"× {workbook.changed_seconds / workbook.floor_seconds:.1f}")
    return "\n".join(lines)
