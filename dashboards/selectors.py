"""Reads for the leaders' pages: the overview, a district's dashboard and the task board.

Every status comes from the progress engine (indicators.selectors.indicators_progress); each
function here runs a constant number of queries whatever the number of districts, indicators,
figures and tasks.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.models import DistrictSnapshot
from indicators.models import Figure, Indicator
from indicators.progress import STATUS_ORDER, Status
from indicators.selectors import (
    IndicatorProgress, Reporting, figures_reporting, in_force, indicators_progress,
    progress_band,
)
from plans.models import District, Plan
from reporting.choices import ReviewStatus
from tasks.choices import ProgressStatus
from tasks.models import Task, TaskProgress, TaskSupport
from tasks.selectors import PERIOD_RANK, period_rank

GREEN = (Status.ACHIEVED, Status.ON_TRACK)
NO_CATEGORY = "—"
TASK_STATUSES = [s.value for s in ProgressStatus] + ["none"]


def data_year(districts) -> int:
    """The latest year with an approved figure in these districts (or this year, capped by the
    plans' periods when there is none)."""
    latest = (Figure.objects.filter(indicator__plan__district__in=districts,
                                    review_status=ReviewStatus.APPROVED)
              .aggregate(year=Max("year"))["year"])
    if latest:
        return latest
    return year_within_plans(
        Plan.objects.filter(district__in=districts).aggregate(last=Max("end_year"))["last"])


def judged_year(year: int, last_end_year: int | None) -> int:
    """The year a district or a plan is judged as of when ``year`` is asked: a year after its
    plans have all ended is judged at their last year, their final result, as the comparison
    judges a plan that has ended. Every page and workbook follows this rule."""
    return min(year, last_end_year) if last_end_year else year


def last_end_year(district) -> int | None:
    """The last year of the district's plans (None without any)."""
    return district.plans.aggregate(last=Max("end_year"))["last"]


def year_within_plans(last_end_year: int | None) -> int:
    """This year, or the plans' last year when they have all ended."""
    today = timezone.localdate().year
    return min(today, last_end_year or today)


def year_choices(year: int, periods, data_years=()) -> list[int]:
    """The years a dashboard offers to look at (dashboards/_year.html): from the first to the
    last year of these plan periods ((first, last) pairs) and of the years with data, without a
    gap between two plans, and ``year``, the one shown, even when it is none of them (a year
    before the plans start, asked for by address)."""
    bounds = [y for period in periods for y in period if y is not None] + list(data_years)
    if not bounds:
        return [year]
    return sorted(set(range(min(bounds), max(bounds) + 1)) | {year})


def district_year_choices(district, year: int) -> list[int]:
    """``year_choices`` of a district's pages: its plans' periods and the years with its
    approved figures (one query: the figures' years come as one-year periods)."""
    periods = (Plan.objects.filter(district=district).order_by()
               .values_list("start_year", "end_year")
               .union(Figure.objects.filter(indicator__plan__district=district,
                                            review_status=ReviewStatus.APPROVED)
                      .order_by().values_list("year", "year")))
    return year_choices(year, periods)


def approved_latest(year: int):
    """Subqueries of the latest approved progress of a task row in ``year``."""
    latest = (TaskProgress.objects.filter(task=OuterRef("pk"), year=year,
                                          review_status=ReviewStatus.APPROVED)
              .annotate(rank=PERIOD_RANK).order_by("-rank"))
    return {
        "dash_status": Subquery(latest.values("status")[:1]),
        "dash_percent": Subquery(latest.values("percent")[:1]),
        "dash_narrative": Subquery(latest.values("narrative")[:1]),
        "dash_reason": Subquery(latest.values("reason")[:1]),
        "dash_updated": Subquery(latest.values("updated_at")[:1]),
    }


@dataclass(frozen=True)
class RedIndicator:
    """An indicator behind its 序时进度, as the overview lists it."""

    pk: int
    number: str
    name: str
    percent: Decimal | None


@dataclass(frozen=True)
class LateTask:
    """A delayed task row, with its lead unit."""

    pk: int
    number: str
    text: str
    lead_unit_name: str


@dataclass
class DistrictSummary:
    """One district's card on the overview, read from what ``district_summary_data`` computed
    (plain JSON values, as its snapshot keeps them). Only the cards a page shows read their
    whole data and their plans (``for_cards``) and turn their lists into objects."""

    district: District
    year: int
    data: dict
    plans: list = field(default_factory=list)

    @property
    def plan_start(self) -> int | None:
        """The first year of the district's plans when the year shown comes before it (nothing
        is judged or reported then: the card says so), else None."""
        start = getattr(self.district, "first_start", None)
        return start if start and self.year < start else None

    @property
    def heat(self) -> dict:  # category → [green, with data]
        return self.data["heat"]

    @property
    def attention(self) -> tuple[int, int]:
        """For sorting, most first: indicators behind, then delayed tasks."""
        return tuple(self.data["attention"])

    @cached_property
    def statuses(self) -> Counter:
        return Counter({Status(k): n for k, n in self.data["statuses"].items()})

    @cached_property
    def tasks(self) -> Counter:
        return Counter(self.data["tasks"])

    @cached_property
    def red(self) -> list[RedIndicator]:
        return [RedIndicator(pk, number, name, None if percent is None else Decimal(percent))
                for pk, number, name, percent in self.data["red"]]

    @cached_property
    def late_tasks(self) -> list[LateTask]:
        return [LateTask(*task) for task in self.data["late_tasks"]]

    @property
    def units_total(self) -> int:
        return self.data["units_total"]

    @property
    def units_reported(self) -> list[str]:
        return self.data["units_reported"]

    @property
    def units_missing(self) -> list[str]:
        return self.data["units_missing"]

    @cached_property
    def figures(self) -> Reporting:
        """The indicators of the plans in force with an approved figure for the year, and with
        one waiting for approval (``figures_reporting``, as the summary workbook counts)."""
        return Reporting(**self.data["figures"])

    @property
    def indicator_total(self) -> int:
        return sum(self.statuses.values())

    @property
    def status_shares(self) -> list[dict]:
        total = self.indicator_total or 1
        return [{"status": s.value, "count": self.statuses.get(s, 0),
                 "share": round(self.statuses.get(s, 0) * 100 / total, 1)}
                for s in STATUS_ORDER]

    @property
    def task_total(self) -> int:
        return sum(self.tasks.values())

    @property
    def task_shares(self) -> list[dict]:
        total = self.task_total or 1
        labels = dict(ProgressStatus.choices) | {"none": _("未填报")}
        return [{"status": key, "label": labels[key], "count": self.tasks.get(key, 0),
                 "share": round(self.tasks.get(key, 0) * 100 / total, 1)}
                for key in TASK_STATUSES]

    @property
    def reporting_rate(self) -> float:
        return round(len(self.units_reported) * 100 / self.units_total, 1) if self.units_total else 0


def district_years(districts) -> dict[int, int]:
    """Each district's latest year with an approved figure (one query)."""
    return dict(Figure.objects.filter(indicator__plan__district__in=districts,
                                      review_status=ReviewStatus.APPROVED)
                .values_list("indicator__plan__district_id").annotate(latest=Max("year"))
                .values_list("indicator__plan__district_id", "latest"))


def district_summary_data(years: dict[int, int]) -> dict[int, dict]:
    """The overview's figures for each district (pk → its year "as of"), as plain JSON values.

    Statuses come from the progress engine. Indicators, tasks and reporting are those of the
    plans in force in the district's year, as the leaders' summary workbook counts them (a plan
    that ended before is on the district's dashboard, judged at its last year). A constant
    number of queries, whatever the number of districts.
    """
    data = {pk: {"statuses": Counter(), "red": [], "heat": defaultdict(lambda: [0, 0]),
                 "tasks": Counter(), "late_tasks": [], "units_total": 0, "units_reported": [],
                 "units_missing": [], "figures": {}} for pk in years}
    if not years:
        return data
    districts = list(years)
    for row in indicators_progress(
            year=max(years.values()),
            indicators=Indicator.objects.filter(in_force(years)),
            year_of=lambda indicator: years[indicator.plan.district_id]):
        summary = data[row.indicator.plan.district_id]
        status = row.progress.status
        summary["statuses"][status.value] += 1
        if status == Status.BEHIND:
            percent = row.progress.percent
            summary["red"].append([row.indicator.pk, row.indicator.number, row.indicator.name,
                                   None if percent is None else str(percent)])
        if status != Status.NO_DATA:
            cell = summary["heat"][row.indicator.category or NO_CATEGORY]
            cell[1] += 1
            cell[0] += status in GREEN

    # Task rows with the latest approved progress of their district's year.
    entries = {}
    for entry in (TaskProgress.objects.filter(task__plan__district__in=districts,
                                              year__in=set(years.values()),
                                              review_status=ReviewStatus.APPROVED)
                  .values("task_id", "year", "quarter", "status")):
        key = (entry["task_id"], entry["year"])
        if key not in entries or period_rank(entry["quarter"]) > period_rank(entries[key]["quarter"]):
            entries[key] = entry
    tasks = (Task.objects.filter(plan__district__in=districts).rows()
             .order_by("plan_id", "position")
             .values_list("pk", "number", "text", "lead_unit__name", "plan__district_id",
                          "plan__start_year", "plan__end_year"))
    for pk, number, text, lead_name, district_id, start, end in tasks:
        year = years[district_id]
        if not start <= year <= end:
            continue
        entry = entries.get((pk, year))
        status = entry["status"] if entry else None
        data[district_id]["tasks"][status or "none"] += 1
        if status == ProgressStatus.DELAYED:
            data[district_id]["late_tasks"].append([pk, number, text, lead_name or ""])

    # Reporting completeness: which lead units have submitted progress for their year.
    reported = set(
        TaskProgress.objects.originals().filter(task__plan__district__in=districts,
                                                year__in=set(years.values()),
                                                review_status__in=[ReviewStatus.SUBMITTED,
                                                                   ReviewStatus.APPROVED])
        .values_list("task__lead_unit_id", "year").distinct())
    leading = (Task.objects.filter(plan__district__in=districts, lead_unit__isnull=False).rows()
               .values("lead_unit_id", "lead_unit__name", "lead_unit__district_id")
               .annotate(n=Count("pk")).order_by("lead_unit__district_id", "-n", "lead_unit_id"))
    for unit in leading:
        district_id = unit["lead_unit__district_id"]
        summary = data[district_id]
        summary["units_total"] += 1
        done = (unit["lead_unit_id"], years[district_id]) in reported
        summary["units_reported" if done else "units_missing"].append(unit["lead_unit__name"])
    for pk, reporting in figures_reporting(years).items():  # as the summary workbook counts
        data[pk]["figures"] = dataclasses.asdict(reporting)
    for summary in data.values():  # what the overview reads of every district, with the heat map
        summary["attention"] = [len(summary["red"]), len(summary["late_tasks"])]
    return data


def snapshot_rules(version: str = "") -> str:
    """What a snapshot's figures depend on besides the data: the band and the format of the code
    that computed them (``version``: the overview's by default)."""
    return f"{version or SNAPSHOT_FORMAT}:{progress_band()}"


def snapshots(districts, years: dict[int, int], compute, *, kind: str = DistrictSnapshot.OVERVIEW,
              rules: str = "", keys=None) -> dict[int, dict]:
    """``years``' data of ``kind`` for each district, from a current snapshot or else computed
    and kept. ``districts`` are District instances read now (their ``data_version``).

    ``compute(years)`` computes the data of the districts whose snapshot is missing or stale;
    two queries when every snapshot is current, and a constant number more otherwise. With
    ``keys``, a current snapshot gives only those keys of its data (computed data is whole).
    ``rules``: ``snapshot_rules`` of the code that computes the data.
    """
    rules = rules or snapshot_rules()
    versions = {d.pk: d.data_version for d in districts}
    fields = [f"data__{key}" for key in keys] if keys else ["data"]
    found = {}
    for pk, year, version, *values in (DistrictSnapshot.objects.filter(_which(years, kind),
                                                                       rules=rules)
                                       .values_list("district_id", "year", "version", *fields)):
        if years.get(pk) == year and versions[pk] == version:
            found[pk] = dict(zip(keys, values)) if keys else values[0]
    missing = {pk: year for pk, year in years.items() if pk not in found}
    if missing:
        computed = {pk: _as_kept(data) for pk, data in compute(missing).items()}
        DistrictSnapshot.objects.bulk_create(
            [DistrictSnapshot(district_id=pk, kind=kind, year=year, version=versions[pk],
                              rules=rules, data=computed[pk]) for pk, year in missing.items()],
            update_conflicts=True, unique_fields=["district", "kind", "year"],
            update_fields=["version", "rules", "data", "computed_at"])
        found.update(computed)
    return found


def _as_kept(data: dict) -> dict:
    """As JSON and back: exactly what a later reader of the snapshot gets."""
    return json.loads(json.dumps(data))


def _which(years: dict[int, int], kind: str = DistrictSnapshot.OVERVIEW) -> Q:
    """The snapshots of ``kind`` of these districts (pk → year)."""
    query = Q(pk__in=[])
    for year in set(years.values()):
        query |= Q(year=year, district__in=[pk for pk, y in years.items() if y == year])
    return Q(kind=kind) & query


def _latest_years(districts) -> dict[int, int | None]:
    """Each district's latest year with approved figures (None without any), kept as year 0."""
    def compute(missing):
        latest = district_years(list(missing))
        return {pk: {"latest": latest.get(pk)} for pk in missing}

    found = snapshots(districts, {d.pk: 0 for d in districts}, compute)
    return {pk: data["latest"] for pk, data in found.items()}


def overview(*, districts, year: int | None = None):
    """One ``DistrictSummary`` per district, and the district × category heat map data.

    With ``year`` every district is shown as of that year; without, each district as of its own
    latest year with approved figures (plans run over different periods), and a district with
    none as of the latest year of the others (or this year, within the plans' periods).

    The figures come from the districts' snapshots (``DistrictSnapshot``): two queries (three
    without ``year``) when they are current; only a district whose data changed since is computed
    again. Of every district it reads only the heat map and the attention counts: ``for_cards``
    gives the cards a page shows the rest, and their plans.
    """
    districts = list(districts.annotate(last_end=Max("plans__end_year"),
                                        first_start=Min("plans__start_year"))
                     .order_by("city", "code"))
    if year is None:
        latest = _latest_years(districts)
        fallback = max((y for y in latest.values() if y), default=None) or year_within_plans(
            max((d.last_end for d in districts if d.last_end), default=None))
        years = {d.pk: latest.get(d.pk) or judged_year(fallback, d.last_end) for d in districts}
    else:
        years = {d.pk: judged_year(year, d.last_end) for d in districts}
    data = snapshots(districts, years, district_summary_data, keys=OVERVIEW_KEYS)
    summaries = [DistrictSummary(d, years[d.pk], data[d.pk]) for d in districts]

    categories = sorted({c for s in summaries for c in s.heat},
                        key=lambda c: (CATEGORY_ORDER.get(c, 99), c))
    heat_map = {
        "districts": [_("%(district)s（%(year)s）") % {"district": s.district.name, "year": s.year}
                      for s in summaries],
        "categories": categories,
        "cells": [[_share(s.heat.get(c)) for c in categories] for s in summaries],
        "counts": [[s.heat.get(c) for c in categories] for s in summaries],
    }
    return summaries, heat_map


def for_cards(summaries: list[DistrictSummary]) -> list[DistrictSummary]:
    """Give the summaries a page shows as cards their whole data and their districts' plans (two
    queries): ``overview`` read only the heat map and the attention counts of every district."""
    partial = {s.district.pk: s for s in summaries if "red" not in s.data}
    if partial:
        for pk, data in (DistrictSnapshot.objects
                         .filter(_which({pk: s.year for pk, s in partial.items()}))
                         .values_list("district_id", "data")):
            partial.pop(pk).data = data
    if partial:  # a snapshot gone meanwhile (its district deleted): computed, not kept
        computed = district_summary_data({pk: s.year for pk, s in partial.items()})
        for pk, summary in partial.items():
            summary.data = _as_kept(computed[pk])
    plans = defaultdict(list)
    for plan in (Plan.objects.filter(district__in=[s.district for s in summaries])
                 .order_by("start_year", "pk")):
        plans[plan.district_id].append(plan)
    for summary in summaries:
        summary.plans = plans[summary.district.pk]
    return summaries


SNAPSHOT_FORMAT = "7"  # change when district_summary_data's output or the engine's rules change
OVERVIEW_KEYS = ("heat", "attention")  # what the overview reads of every district's snapshot
CATEGORY_ORDER = {"政策": 0, "创造": 1, "保护": 2, "运用": 3, "运营": 4, "服务": 5, NO_CATEGORY: 9}


def _share(cell):
    if not cell or not cell[1]:
        return None
    return round(cell[0] * 100 / cell[1], 1)


def district_rows(*, district, year: int, indicators=None) -> list[IndicatorProgress]:
    """The district's indicators (optionally a filtered queryset of them) with their progress."""
    return indicators_progress(year=year, district=district, indicators=indicators)


def report_plans(rows) -> list[Plan]:
    """The plans of these rows, in order: a 指标完成情况表 is one plan's table."""
    plans = {row.indicator.plan.pk: row.indicator.plan for row in rows}
    return sorted(plans.values(), key=lambda plan: (plan.start_year, plan.pk))


def plans_ended(rows, year: int) -> list[Plan]:
    """The plans of these rows that ended before ``year``: judged as of their last year."""
    return [plan for plan in report_plans(rows) if plan.end_year < year]


def plan_start(rows, year: int) -> int | None:
    """The first year of the earliest plan of these rows that has not started by ``year``."""
    return min((row.indicator.plan.start_year for row in rows
                if row.indicator.plan.start_year > year), default=None)


def task_board(*, district, year: int, unit=None, status: str = ""):
    """The district's task tree for ``year``: groups → tasks → rows, each row with its latest
    approved progress (``dash_*``), its headings (``path``) and its supporting units' names in
    the plan's order (``supporting``); a unit's view puts delayed and not-reported rows first."""
    rows = (Task.objects.rows()
            .filter(plan__district=district, plan__start_year__lte=year, plan__end_year__gte=year)
            .select_related("lead_unit")
            .annotate(**approved_latest(year))
            .order_by("plan_id", "position"))
    if unit is not None:
        rows = rows.filter(Q(lead_unit=unit) | Q(supporting_units=unit)).distinct()
    if status == "none":
        rows = rows.filter(dash_status__isnull=True)
    elif status:
        rows = rows.filter(dash_status=status)
    rows = list(rows)
    # The names only, as plain values: a prefetch of the units cost more than the rest together.
    supporting = defaultdict(list)
    if rows:
        names = (TaskSupport.objects.filter(task__in=[row.pk for row in rows])
                 .order_by("task_id", "position").values_list("task_id", "unit__name"))
        for task_id, name in names:
            supporting[task_id].append(name)
    headings = {
        pk: (parent, number, text) for pk, parent, number, text in
        Task.objects.filter(plan__district=district, children__isnull=False).distinct()
        .values_list("pk", "parent_id", "number", "text")
    }
    paths = {}
    for row in rows:
        if row.parent_id not in paths:
            chain, parent = [], row.parent_id
            while parent in headings:
                chain.insert(0, headings[parent])
                parent = headings[parent][0]
            paths[row.parent_id] = [text if not number or text.startswith(number)
                                    else f"{number} {text}" for _p, number, text in chain]
        row.path = paths[row.parent_id]
        row.supporting = supporting[row.pk]
        row.attention = 0 if row.dash_status == ProgressStatus.DELAYED else (
            1 if row.dash_status is None else 2)
    if unit is not None:
        rows.sort(key=lambda r: r.attention)
    return rows


def task_statuses(*, district, year: int) -> list[tuple[str | None, str | None]]:
    """Each task row of the district's task board (same rows, same order) as its lead unit's
    name and its latest approved status in ``year``: what the dashboard's chart counts, in one
    query, without building the board."""
    return list(
        Task.objects.rows()
        .filter(plan__district=district, plan__start_year__lte=year, plan__end_year__gte=year)
        .annotate(dash_status=approved_latest(year)["dash_status"])
        .order_by("plan_id", "position")
        .values_list("lead_unit__name", "dash_status"))
