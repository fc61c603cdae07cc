"""Count in the database every save the load-test clients made: none lost, none duplicated.

    python loadtest/check_saves.py RESULTS.json [...] --out check.json

Each file is what ``loadtest/locustfile.py`` wrote at the end of a run: per figure (indicator
id and year), the number of saves the client saw succeed and the last value it sent. For every
figure the database must hold exactly one row whose version equals the saves counted (each save
adds one version), whose history has exactly one row per save, and whose value is the last one
sent; and the load districts must hold no figure that no client saved. Exits 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loadtest.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402

from indicators.models import Figure  # noqa: E402

LOAD_DISTRICT_PREFIX = "lt"


def check(files: list[Path]) -> dict:
    expected, uncertain = {}, []
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        uncertain += data.get("uncertain", [])
        for key, item in data["saves"].items():
            if key in expected:  # runs use disjoint grids; add up all the same
                expected[key] = {"saves": expected[key]["saves"] + item["saves"],
                                 "value": item["value"]}
            else:
                expected[key] = item
    figures = Figure.objects.filter(
        indicator__plan__district__code__startswith=LOAD_DISTRICT_PREFIX).order_by()
    stored = {f"{f.indicator_id}:{f.year}": f for f in figures}
    history = dict(
        Figure.history.model.objects.filter(id__in=[f.pk for f in stored.values()])
        .values("id").annotate(n=Count("history_id")).values_list("id", "n").order_by())
    for figure in stored.values():
        figure.history_rows = history.get(figure.pk, 0)
    problems = []
    duplicated = list(figures.values("indicator_id", "year").annotate(n=Count("pk"))
                      .filter(n__gt=1).values_list("indicator_id", "year"))
    for key, item in sorted(expected.items()):
        figure = stored.get(key)
        if figure is None:
            problems.append(f"{key}: {item['saves']} saves, no figure in the database (lost)")
            continue
        if figure.version != item["saves"]:
            problems.append(f"{key}: {item['saves']} saves counted, version {figure.version}")
        if figure.history_rows != item["saves"]:
            problems.append(f"{key}: {item['saves']} saves counted, {figure.history_rows} "
                            "history rows")
        if figure.value != Decimal(item["value"]):
            problems.append(f"{key}: last value sent {item['value']}, stored {figure.value}")
    for key in sorted(set(stored) - set(expected)):
        problems.append(f"{key}: in the database, but no client saved it")
    if duplicated:
        problems.append(f"indicators with more than one row for a year: {duplicated}")
    return {
        "figures": len(expected),
        "saves": sum(item["saves"] for item in expected.values()),
        "stored_figures": len(stored),
        "stored_versions": sum(f.version for f in stored.values()),
        "history_rows": sum(f.history_rows for f in stored.values()),
        "uncertain": len(uncertain),
        "problems": problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = check(args.files)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"saves counted by the clients: {result['saves']} on {result['figures']} figures; "
          f"in the database: {result['stored_figures']} figures, {result['stored_versions']} "
          f"versions, {result['history_rows']} history rows")
    for problem in result["problems"]:
        print("MISMATCH", problem)
    if result["problems"] or not result["saves"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
