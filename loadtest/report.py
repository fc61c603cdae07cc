"""Write the "Load test" section of docs/performance.md from a run's results.

    python loadtest/report.py RUN_DIR --users 8 32 --command "..." --workers 2 [--docs FILE]

Reads, for each user count U, the clients' results ``RUN_DIR/resultsU.json`` (every request's
time, the failures, the saves), the save check ``RUN_DIR/checkU.json``, the servers' access
logs ``RUN_DIR/access-PORT-U.log`` and the load average before and after the run
``RUN_DIR/loadavgU.txt``. Percentiles are exact (nearest rank over every request). Prints the
section; with ``--docs`` it replaces the previous "Load test" section of that file (up to the
next "## " heading) and puts the new one at the end; the rest of the file is kept as it is.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import subprocess
import textwrap
from collections import Counter
from pathlib import Path

HEADING = "## Load test"
LOGIN = ("login page", "login")
ORDER = ["overview", "district dashboard", "task board", "indicator page", "entry grid (load)",
         "entry grid (save)", "entry workbook (xlsx)", "district report (xlsx)",
         "summary workbook (xlsx)", "login page", "login"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def request_name(method: str, path: str) -> str:
    """The client's name for a request the server logged."""
    for pattern, name in SERVER_NAMES:
        if re.fullmatch(pattern, f"{method} {path}"):
            return name
    return "other"


SERVER_NAMES = [
    (r"GET /accounts/login/", "login page"),
    (r"POST /accounts/login/", "login"),
    (r"GET /overview/", "overview"),
    (r"GET /districts/[^/]+/dashboard/", "district dashboard"),
    (r"GET /districts/[^/]+/tasks/", "task board"),
    (r"GET /indicators/\d+/", "indicator page"),
    (r"GET /districts/[^/]+/plans/\d+/entry/\d+/", "entry grid (load)"),
    (r"POST /districts/[^/]+/plans/\d+/entry/\d+/", "entry grid (save)"),
    (r"GET /districts/[^/]+/plans/\d+/entry/\d+/workbook\.xlsx", "entry workbook (xlsx)"),
    (r"GET /districts/[^/]+/reports/\w+\.xlsx", "district report (xlsx)"),
    (r"GET /reports/summary\.xlsx", "summary workbook (xlsx)"),
]


def access_logs(run_dir: Path, users: int) -> tuple[dict[str, Counter], dict[str, list[float]]]:
    """Per server, answers by status code; per request name, the servers' own times in ms
    (the log lines are "STATUS METHOD PATH SECONDS")."""
    codes, times = {}, {}
    for path in sorted(run_dir.glob(f"access-*-{users}.log")):
        port = path.name.split("-")[1]
        codes[port] = Counter()
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            status, method, url, seconds = line.split()
            codes[port][int(status)] += 1
            times.setdefault(request_name(method, url), []).append(float(seconds) * 1000)
    return codes, times


def machine() -> str:
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                    if line.startswith("model name")), "")
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    try:
        pg = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-XtAc",
                             "show server_version"],
                            capture_output=True, text=True, timeout=10).stdout.strip().split()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        pg = "?"
    return (f"{os.cpu_count()} CPU cores ({cpu or platform.machine()}){memory}, "
            f"PostgreSQL {pg}, Python {platform.python_version()}")


def table(results: dict[int, dict], server: dict[int, dict], users: list[int]) -> list[str]:
    names = [n for n in ORDER if any(n in results[u]["times"] for u in users)]
    names += sorted({n for u in users for n in results[u]["times"]} - set(names))
    head = "| request | " + " | ".join(
        f"{u} users: n | p50 | p95 | server p50" for u in users) + " |"
    lines = [head, "|---|" + "---:|---:|---:|---:|" * len(users)]

    def row(label, pick):
        cells = []
        for u in users:
            values = [t for name, times in results[u]["times"].items() if pick(name) for t in times]
            own = [t for name, times in server[u].items() if pick(name) for t in times]
            cells.append(f"{len(values)} | {ms(percentile(values, .5))} | "
                         f"{ms(percentile(values, .95))} | "
                         f"{ms(percentile(own, .5)) if own else '—'}" if values
                         else "— | — | — | —")
        return f"| {label} | " + " | ".join(cells) + " |"

    for name in names:
        lines.append(row(name, lambda n, name=name: n == name))
    lines.append(row("**all but login**", lambda n: n not in LOGIN))
    lines.append(row("**all requests**", lambda n: True))
    return lines


def section(run_dir: Path, users: list[int], command: str, workers: int, duration: str) -> str:
    results = {u: json.loads((run_dir / f"results{u}.json").read_text()) for u in users}
    checks = {u: json.loads((run_dir / f"check{u}.json").read_text()) for u in users}
    logs, server = {}, {}
    for u in users:
        logs[u], server[u] = access_logs(run_dir, u)
    number = float(re.sub(r"[^0-9.]", "", duration) or 60)
    duration_s = number * (60 if duration.endswith("m") else 1)

    totals = []
    for u in users:
        times = results[u]["times"]
        count = sum(len(t) for t in times.values())
        failures = sum(results[u]["failures"].values())
        servers = logs[u]
        per_server = " and ".join(f"{sum(c.values())} (port {port})" for port, c in servers.items())
        errors = sum(n for c in servers.values() for code, n in c.items() if code >= 400)
        saves = sum(item["saves"] for item in results[u]["saves"].values())
        check = checks[u]
        load = (run_dir / f"loadavg{u}.txt").read_text().split("\n")
        busy = sum(sum(t) for t in server[u].values()) / 1000 / (
            workers * max(1, len(servers)) * duration_s)
        client_p50 = percentile([t for n, v in times.items() if n not in LOGIN for t in v], .5)
        server_p50 = percentile([t for n, v in server[u].items() if n not in LOGIN for t in v], .5)
        totals.append(
            f"- **{u} users**: {count} requests in {duration} ({count / duration_s:.1f}/s), "
            f"{failures} failed; the servers answered {per_server}, {errors} of them ≥ 400; "
            f"their {workers * len(servers)} workers were busy {busy:.0%} of the time. "
            f"{saves} figure saves counted by the clients ({saves // 3} grid posts of three "
            f"figures), {len(results[u]['uncertain'])} unanswered. In the database afterwards "
            f"(this run and the ones before it): {check['stored_figures']} figures of the load "
            f"districts with {check['stored_versions']} versions in all and "
            f"{check['history_rows']} history rows, against {check['saves']} saves counted: "
            + ("every save is there exactly once." if not check["problems"]
               else f"{len(check['problems'])} MISMATCHES: " + "; ".join(check["problems"][:5]))
            + f" Load average (1, 5, 15 min) before / after: {load[0]} / {load[1]}."
            + (f" The client's p50 (all but login) was {ms(client_p50)} ms against "
               f"{ms(server_p50)} ms of work in the server: the rest is the wait for a free "
               "worker." if client_p50 > 2 * server_p50 else "")
        )

    return "\n".join(wrap(line) for line in [
        HEADING,
        "",
        "Two gunicorn servers on 127.0.0.1 (ports 8101 and 8102, "
        f"{workers} sync workers each, `DEBUG=0`) share one PostgreSQL database made for the run "
        "and dropped after it; locust runs headless in a separate process. Every simulated user "
        "alternates its requests between the two servers: it logs in on one, loads the next "
        "page from the other, saves a grid it loaded from one server through the other. Three "
        "reporters to one leader, 0.5–1.5 s between requests. A reporter owns one entry grid "
        "(a district and year of its own, so no save can meet a conflict), opens its district's "
        "dashboard, task board and indicator pages, downloads its entry workbook and its "
        "district's reports, and saves: it loads the grid (41 indicators), changes three "
        "figures, posts the whole grid with the versions it loaded, and counts the save only "
        "when the portal redirects back to the grid. A leader reads the overview, the five "
        "real districts' dashboards, task boards and indicator pages (with `seed_demo`'s "
        "data), and downloads their reports and the summary workbook. The database holds the "
        "five plans with their demo data and 14 load districts with a copy of 滨海新区's plan. "
        "The 8-user run and the 32-user run use different grids.",
        "",
        "```sh",
        command,
        "```",
        "",
        f"Machine: {machine()}. Times in milliseconds: p50 and p95 as the client saw them "
        "(exact percentiles over every request), \"server p50\" the median time gunicorn "
        "logged for handling the request, without the wait for a free worker. The servers, "
        "PostgreSQL and locust share the same cores, and other processes on the machine count "
        "in the load averages below. A login hashes the password on purpose (PBKDF2), so it "
        "is listed apart.",
        "",
        *table(results, server, users),
        "",
        *totals,
        "",
        "The script exits non-zero when a request fails, a server answers ≥ 400, or a save is "
        "missing, duplicated or stored with another value. `KEEP_RUN=1` keeps the run files "
        "(locust CSVs, the clients' results, the servers' access logs).",
        "",
    ])


def wrap(text: str) -> str:
    """Prose at 96 columns like the rest of the docs; tables, code and headings as they are."""
    if text.startswith("- "):
        return textwrap.fill(text, 96, subsequent_indent="  ", break_on_hyphens=False)
    if not text or text[0] in "|#`" or text.startswith("scripts/"):
        return text
    return textwrap.fill(text, 96, break_on_hyphens=False)


def write_docs(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    start = old.find(HEADING + "\n")
    if start >= 0:
        nxt = old.find("\n## ", start + len(HEADING))
        old = old[:start] + (old[nxt + 1:] if nxt >= 0 else "")
    path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--users", type=int, nargs="+", required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--duration", default="60s")
    parser.add_argument("--docs", type=Path)
    args = parser.parse_args()
    text = section(args.run_dir, args.users, args.command, args.workers, args.duration)
    print(text)
    if args.docs:
        write_docs(args.docs, text)
        print(f"written to {args.docs}")


if __name__ == "__main__":
    main()
