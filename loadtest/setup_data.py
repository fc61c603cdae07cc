"""Fill the load-test database: plans, demo data, load districts and accounts with one password.

    python loadtest/setup_data.py --districts 14 --out /tmp/run/plan.json

Run it on a fresh, migrated database that holds the plans (``manage.py load_plans``); it refuses
a database that already has users. It adds:

- the demo data of the five real districts (``demo_seed``: approved figures, task progress,
  rounds), so that the leaders' pages show a portal after a few years of use; the demo
  accounts' generated passwords go to a file in the run directory, not to ``local-login.txt``;
- ``--districts`` load districts (``lt01``, ``lt02``, ...), each holding a copy of 滨海新区's plan
  (41 indicators, 90 task rows, three plan years), with no figures yet;
- one reporter per load district and plan year (``load_reporter_NNN``), whose entry grid is its
  own: two simulated reporters never save the same grid, so no save can ever be refused as a
  conflict, and every save a client counts must be in the database exactly once;
- leaders who may view every district (``load_leader_NN``).

It writes ``--out``: a JSON file with the password and the URLs each simulated user visits,
which ``loadtest/locustfile.py`` reads.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loadtest.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from accounts.choices import Role  # noqa: E402
from accounts.models import Profile  # noqa: E402
from indicators.models import Indicator  # noqa: E402
from indicators.services import grid_rows  # noqa: E402
from plans.models import District, Plan, Unit  # noqa: E402
from plans.services import plans_load_files  # noqa: E402

TEMPLATE_PLAN = "binhai.json"
SAVE_KINDS = ("level", "flow", "cumulative")
SAVES_PER_GRID = 3  # indicators each simulated reporter changes on every save
LEADERS = 16


def url_or_none(name: str, *args, query: str = "") -> str | None:
    """A URL of the portal, or None when that page does not exist in this version."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def load_districts(count: int, workdir: Path) -> list[District]:
    """``count`` districts, each with a copy of the template plan, loaded like any plan file."""
    data = json.loads((settings.PLAN_FILES_DIR / TEMPLATE_PLAN).read_text(encoding="utf-8"))
    paths = []
    for n in range(1, count + 1):
        copy = json.loads(json.dumps(data))
        for plan in copy["plans"]:
            plan["district_code"] = f"lt{n:02d}"
            plan["district"] = f"压测区{n:02d}"
            plan["parent_district_code"] = None
        path = workdir / f"lt{n:02d}.json"
        path.write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    plans_load_files(paths=paths)
    return list(District.objects.filter(code__in=[f"lt{n:02d}" for n in range(1, count + 1)])
                .order_by("code"))


def save_indicators(plan: Plan, year: int) -> list[Indicator]:
    """Indicators of a grid whose value a reporter can change freely: a plain number (no ratio,
    no percentage, no linked quantity, no base year, no reason asked)."""
    picked = []
    for row in grid_rows(plan=plan, year=year):
        unit = row.indicator.unit or ""
        if (row.kind in SAVE_KINDS and not row.ratio and not row.linked and not row.base_year
                and not row.needs_reason and "%" not in unit and "％" not in unit):
            picked.append(row.indicator)
    if len(picked) < SAVES_PER_GRID:
        raise SystemExit(f"{plan}: only {len(picked)} indicators can be saved freely")
    return picked[:SAVES_PER_GRID]


def make_users(rows: list[dict], password_hash: str) -> None:
    """Users with profiles, all sharing one password hash (hashing once keeps setup fast)."""
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=r["username"], password=password_hash) for r in rows])
    profiles = Profile.objects.bulk_create([
        Profile(user=user, role=r["role"], district=r.get("district"), unit=r.get("unit"),
                all_districts=r.get("all_districts", False))
        for user, r in zip(users, rows)
    ])
    assert len(profiles) == len(rows)


def district_pages(district: District, rng: random.Random, indicators: int) -> dict:
    plan = district.plans.order_by("-start_year").first()
    ids = list(Indicator.objects.filter(plan__district=district).values_list("pk", flat=True))
    pages = {
        "dashboard": url_or_none("dashboards:district", district.code),
        "tasks": url_or_none("dashboards:tasks", district.code),
        "indicators": [url_or_none("dashboards:indicator", pk)
                       for pk in rng.sample(ids, min(indicators, len(ids)))],
        "reports": [u for u in (
            url_or_none("reports:indicators", district.code),
            url_or_none("reports:tasks", district.code),
        ) if u],
        "plan_id": plan.pk,
    }
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=14)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed-demo", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    password = os.environ["LOADTEST_PASSWORD"]
    workdir = args.out.parent

    if get_user_model().objects.exists():
        raise SystemExit(f"{connection.settings_dict['NAME']} already has users: "
                         "the load test fills a fresh database only")
    if not Plan.objects.exists():
        raise SystemExit("no plans: run manage.py load_plans first")

    real = list(District.objects.order_by("code"))
    if args.seed_demo:
        from plans.demo import demo_seed
        settings.LOCAL_LOGIN_FILE = workdir / "demo-logins.txt"
        result = demo_seed()
        print(f"demo data: {result.figures} figures, {result.progress} task progress entries")

    rng = random.Random(20240601)
    with transaction.atomic():
        load = load_districts(args.districts, Path(tempfile.mkdtemp(dir=workdir)))
        reporters, rows = [], []
        for district in load:
            unit = Unit.objects.filter(district=district).order_by("position", "name").first()
            plan = district.plans.get()
            pages = district_pages(district, rng, 8)
            for year in range(plan.start_year, plan.end_year + 1):
                username = f"load_reporter_{len(reporters) + 1:03d}"
                rows.append({"username": username, "role": Role.REPORTER, "district": district,
                             "unit": unit})
                reporters.append({
                    "username": username, "code": district.code, "year": year,
                    "grid": reverse("indicators:entry_grid", args=[district.code, plan.pk, year]),
                    "workbook": url_or_none("indicators:entry_workbook", district.code, plan.pk,
                                            year),
                    "save": [{"indicator": i.pk, "prefix": f"i{i.pk}", "number": i.number}
                             for i in save_indicators(plan, year)],
                    **{k: v for k, v in pages.items() if k != "plan_id"},
                })
        leaders = [f"load_leader_{n:02d}" for n in range(1, LEADERS + 1)]
        rows += [{"username": u, "role": Role.LEADER, "all_districts": True} for u in leaders]
        make_users(rows, make_password(password))

    leader_pages = [district_pages(d, rng, 12) for d in real]
    out = {
        "leaders": leaders,
        "reporters": reporters,
        "overview": url_or_none("dashboards:overview"),
        "summary": url_or_none("reports:summary"),
        "districts": [{k: v for k, v in p.items() if k != "plan_id"} for p in leader_pages],
        "login": reverse("login"),
    }
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(load)} load districts, {len(reporters)} reporters (one grid each), "
          f"{len(leaders)} leaders; plan written to {args.out}")


if __name__ == "__main__":
    main()
