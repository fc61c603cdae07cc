"""Reads for the leaders' pages: the overview, a district's dashboard and the task board.

Every status comes from the progress engine (indicators.selectors.indicators_progress); each
function here runs a constant number of queries whatever the number of districts, indicators,
figures and tasks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Figure, Indicator
from indicators.progress import STATUS_ORDER, Status
from indicators.selectors import IndicatorProgress, indicators_progress
from plans.models import District, Plan, Unit
from reporting.choices import ReviewStatus
from tasks.choices import ProgressStatus
from tasks.models import Task, TaskProgress
from tasks.selectors import PERIOD_RANK, period_rank, supporting_units_prefetch

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
    today = timezone.localdate().year
    period = Plan.objects.filter(district__in=districts).aggregate(last=Max("end_year"))
    return min(today, period["last"] or today)


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


@dataclass
class DistrictSummary:
    district: District
    plans: list
    year: int = 0
    statuses: Counter = field(default_factory=Counter)
    tasks: Counter = field(default_factory=Counter)
    units_total: int = 0
    units_reported: list = field(default_factory=list)
    units_missing: list = field(default_factory=list)
    figures_reported: int = 0
    red: list = field(default_factory=list)  # IndicatorProgress that are behind
    late_tasks: list = field(default_factory=list)  # Task rows delayed, with their lead unit

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


def overview(*, districts, year: int | None = None):
    """One ``DistrictSummary`` per district, and the district × category heat map data.

    With ``year`` every district is shown as of that year; without, each district as of its own
    latest year with approved figures (plans run over different periods).
    """
    districts = list(districts.prefetch_related("plans").order_by("city", "code"))
    latest = district_years(districts) if year is None else {}
    fallback = year or data_year(districts)
    years = {d.pk: latest.get(d.pk, fallback) if year is None else year for d in districts}
    summaries = {d.pk: DistrictSummary(d, list(d.plans.all()), year=years[d.pk])
                 for d in districts}
    rows = indicators_progress(
        year=max(years.values(), default=fallback),
        indicators=Indicator.objects.filter(plan__district__in=districts),
        year_of=lambda indicator: years[indicator.plan.district_id])
    heat = defaultdict(lambda: [0, 0])  # (district, category) → [green, with data]
    for row in rows:
        summary = summaries[row.indicator.plan.district_id]
        status = row.progress.status
        summary.statuses[status] += 1
        if status == Status.BEHIND:
            summary.red.append(row)
        if status != Status.NO_DATA:
            cell = heat[(summary.district.pk, row.indicator.category or NO_CATEGORY)]
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
    # Plain values for every task row; Task objects only for the delayed ones shown.
    tasks = (Task.objects.filter(plan__district__in=districts).rows()
             .order_by("plan_id", "position")
             .values_list("pk", "number", "text", "lead_unit_id", "lead_unit__name",
                          "plan__district_id", "plan__start_year", "plan__end_year"))
    for pk, number, text, lead_id, lead_name, district_id, start, end in tasks:
        summary = summaries[district_id]
        if not start <= summary.year <= end:
            continue
        entry = entries.get((pk, summary.year))
        status = entry["status"] if entry else None
        summary.tasks[status or "none"] += 1
        if status == ProgressStatus.DELAYED:
            task = Task(pk=pk, number=number, text=text)
            task.lead_unit = Unit(pk=lead_id, name=lead_name) if lead_id else None
            summary.late_tasks.append(task)

    # Reporting completeness: which lead units have submitted progress for their year.
    reported = set(
        TaskProgress.objects.filter(task__plan__district__in=districts,
                                    year__in=set(years.values()),
                                    review_status__in=[ReviewStatus.SUBMITTED,
                                                       ReviewStatus.APPROVED])
        .values_list("task__lead_unit_id", "year").distinct())
    leading = (Task.objects.filter(plan__district__in=districts, lead_unit__isnull=False).rows()
               .values("lead_unit_id", "lead_unit__name", "lead_unit__district_id")
               .annotate(n=Count("pk")).order_by("lead_unit__district_id", "-n"))
    for unit in leading:
        summary = summaries[unit["lead_unit__district_id"]]
        summary.units_total += 1
        done = (unit["lead_unit_id"], summary.year) in reported
        (summary.units_reported if done else summary.units_missing).append(
            unit["lead_unit__name"])
    for row in (Figure.objects.filter(indicator__plan__district__in=districts,
                                      year__in=set(years.values()),
                                      review_status__in=[ReviewStatus.SUBMITTED,
                                                         ReviewStatus.APPROVED])
                .values("year", district_id=F("indicator__plan__district_id"))
                .annotate(n=Count("pk"))):
        summary = summaries[row["district_id"]]
        if row["year"] == summary.year:
            summary.figures_reported = row["n"]

    categories = sorted({category for _d, category in heat},
                        key=lambda c: (CATEGORY_ORDER.get(c, 99), c))
    heat_map = {
        "districts": [_("%(district)s（%(year)s）") % {"district": d.name, "year": years[d.pk]}
                      for d in districts],
        "categories": categories,
        "cells": [[_share(heat.get((d.pk, c))) for c in categories] for d in districts],
        "counts": [[heat.get((d.pk, c)) for c in categories] for d in districts],
    }
    return [summaries[d.pk] for d in districts], heat_map


CATEGORY_ORDER = {"政策": 0, "创造": 1, "保护": 2, "运用": 3, "运营": 4, "服务": 5, NO_CATEGORY: 9}


def _share(cell):
    if not cell or not cell[1]:
        return None
    return round(cell[0] * 100 / cell[1], 1)


def district_rows(*, district, year: int, indicators=None) -> list[IndicatorProgress]:
    """The district's indicators (optionally a filtered queryset of them) with their progress."""
    return indicators_progress(year=year, district=district, indicators=indicators)


def task_board(*, district, year: int, unit=None, status: str = ""):
    """The district's task tree for ``year``: groups → tasks → rows, each row with its latest
    approved progress; a unit's view puts delayed and not-reported rows first."""
    rows = (Task.objects.rows()
            .filter(plan__district=district, plan__start_year__lte=year, plan__end_year__gte=year)
            .select_related("lead_unit", "plan")
            .prefetch_related(supporting_units_prefetch())
            .annotate(**approved_latest(year))
            .order_by("plan_id", "position"))
    if unit is not None:
        rows = rows.filter(Q(lead_unit=unit) | Q(supporting_units=unit)).distinct()
    if status == "none":
        rows = rows.filter(dash_status__isnull=True)
    elif status:
        rows = rows.filter(dash_status=status)
    rows = list(rows)
    headings = {
        pk: (parent, number, text) for pk, parent, number, text in
        Task.objects.filter(plan__district=district, children__isnull=False).distinct()
        .values_list("pk", "parent_id", "number", "text")
    }
    for row in rows:
        chain, parent = [], row.parent_id
        while parent in headings:
            chain.insert(0, headings[parent])
            parent = headings[parent][0]
        row.path = [text if not number or text.startswith(number) else f"{number} {text}"
                    for _p, number, text in chain]
        row.attention = 0 if row.dash_status == ProgressStatus.DELAYED else (
            1 if row.dash_status is None else 2)
    if unit is not None:
        rows.sort(key=lambda r: r.attention)
    return rows
