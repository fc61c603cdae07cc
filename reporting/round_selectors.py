"""Reads for reporting rounds (填报轮次): how far each round has got, per plan, district and unit.

Like DHIS2's reporting-rate report: for a year, how many of the figures a district owes are
entered, submitted, approved or returned, on time or late, and how many task rows each lead
unit has reported. Every function runs a constant number of queries.

A figure is owed for every indicator of a plan whose period covers the year, except growth
indicators that use another indicator's figures (they have none of their own). A task row
(a task with no sub-items) owes its whole-year progress entry (quarter 0). An entry counts as
reported once it is submitted or approved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from indicators.models import Figure, Indicator
from plans.models import District, Plan, Unit
from reporting.choices import ReviewStatus
from reporting.models import ReportingRound
from tasks.choices import Quarter
from tasks.models import Task, TaskProgress

REPORTED = (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)


def days_left(deadline: datetime.date | None, today: datetime.date) -> int | None:
    """Days from ``today`` to ``deadline`` (negative once it has passed)."""
    return None if deadline is None else (deadline - today).days


def plans_covering(plans, year: int) -> list[Plan]:
    return [p for p in plans if p.start_year <= year <= p.end_year]


def owed_indicators():
    """The indicators that owe a figure of their own (not the linked growth rates)."""
    return Indicator.objects.filter(quantity_indicator__isnull=True)


@dataclass
class Completion:
    """What a plan, district or round owes for a year and how much of it is reported."""

    indicators: int = 0
    figures_done: int = 0
    tasks: int = 0
    progress_done: int = 0

    def add(self, other: "Completion") -> None:
        self.indicators += other.indicators
        self.figures_done += other.figures_done
        self.tasks += other.tasks
        self.progress_done += other.progress_done

    @property
    def figures_missing(self) -> int:
        return max(0, self.indicators - self.figures_done)

    @property
    def progress_missing(self) -> int:
        return max(0, self.tasks - self.progress_done)

    @property
    def figures_percent(self) -> int | None:
        return round(100 * self.figures_done / self.indicators) if self.indicators else None

    @property
    def progress_percent(self) -> int | None:
        return round(100 * self.progress_done / self.tasks) if self.tasks else None

    @property
    def percent(self) -> int | None:
        owed = self.indicators + self.tasks
        return round(100 * (self.figures_done + self.progress_done) / owed) if owed else None


def plan_completion(*, years, district_ids=None) -> dict[tuple[int, int], Completion]:
    """(plan id, year) → Completion for every plan covering one of ``years``. Five queries."""
    years = sorted(set(years))
    if not years:
        return {}
    plans = Plan.objects.filter(start_year__lte=max(years), end_year__gte=min(years))
    if district_ids is not None:
        plans = plans.filter(district_id__in=district_ids)
    plans = list(plans.values_list("pk", "start_year", "end_year"))
    ids = [pk for pk, _s, _e in plans]
    indicators = dict(owed_indicators().filter(plan_id__in=ids).values("plan_id")
                      .annotate(n=Count("pk")).values_list("plan_id", "n"))
    tasks = dict(Task.objects.rows().filter(plan_id__in=ids).values("plan_id")
                 .annotate(n=Count("pk")).values_list("plan_id", "n"))
    figures = {
        (row["indicator__plan_id"], row["year"]): row["n"]
        for row in Figure.objects.originals().filter(
            indicator__plan_id__in=ids, indicator__quantity_indicator__isnull=True,
            year__in=years, review_status__in=REPORTED,
        ).values("indicator__plan_id", "year").annotate(n=Count("pk"))
    }
    progress = {
        (row["task__plan_id"], row["year"]): row["n"]
        for row in TaskProgress.objects.originals().filter(
            task__plan_id__in=ids, task__children__isnull=True, year__in=years,
            quarter=Quarter.YEAR, review_status__in=REPORTED,
        ).values("task__plan_id", "year").annotate(n=Count("pk"))
    }
    result = {}
    for pk, start, end in plans:
        for year in years:
            if start <= year <= end:
                result[(pk, year)] = Completion(
                    indicators.get(pk, 0), figures.get((pk, year), 0),
                    tasks.get(pk, 0), progress.get((pk, year), 0),
                )
    return result


# The round list.

@dataclass
class DistrictRound:
    district: District
    completion: Completion


@dataclass
class RoundRow:
    round: ReportingRound
    days_left: int | None
    completion: Completion = field(default_factory=Completion)
    districts: list[DistrictRound] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.round.is_open and self.days_left is not None and self.days_left < 0

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.overdue else 0


def rounds_overview(today: datetime.date) -> list[RoundRow]:
    """Every round, newest first, with its completion overall and per district (seven queries)."""
    rounds = list(ReportingRound.objects.select_related("opened_by").order_by("-year"))
    by_plan = plan_completion(years=[r.year for r in rounds])
    plans = {p.pk: p for p in Plan.objects.filter(pk__in={pk for pk, _y in by_plan})
             .select_related("district")}
    rows = []
    for round_ in rounds:
        row = RoundRow(round_, days_left(round_.deadline, today))
        per_district: dict[int, DistrictRound] = {}
        for (plan_id, year), done in by_plan.items():
            if year != round_.year:
                continue
            district = plans[plan_id].district
            entry = per_district.setdefault(district.pk, DistrictRound(district, Completion()))
            entry.completion.add(done)
            row.completion.add(done)
        row.districts = sorted(per_district.values(), key=lambda d: (d.district.city, d.district.code))
        rows.append(row)
    return rows


# One district's round.

@dataclass
class FigureStatus:
    """A plan's figures for the year: how many are owed, entered, in each review state."""

    plan: Plan
    owed: int = 0
    entered: int = 0
    draft: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    on_time: int = 0
    late: int = 0
    last_by: object = None
    last_at: datetime.datetime | None = None
    corrections: int = 0  # of approved figures, pending

    @property
    def missing(self) -> int:
        return max(0, self.owed - self.submitted - self.approved)

    @property
    def not_entered(self) -> int:
        return max(0, self.owed - self.entered)

    @property
    def percent(self) -> int | None:
        return round(100 * (self.submitted + self.approved) / self.owed) if self.owed else None


@dataclass
class UnitStatus:
    """A lead unit's task rows for the year and their whole-year progress entries."""

    unit: Unit | None
    rows: int = 0
    on_time: int = 0
    late: int = 0
    approved: int = 0
    returned: int = 0
    draft: int = 0
    submitters: dict = field(default_factory=dict)  # user → latest submission time

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return max(0, self.rows - self.reported)

    @property
    def percent(self) -> int | None:
        return round(100 * self.reported / self.rows) if self.rows else None

    @property
    def submitter_list(self) -> list[tuple]:
        """(user, latest submission) pairs, the most recent first."""
        return sorted(self.submitters.items(), key=lambda item: item[1], reverse=True)


@dataclass
class RoundStatus:
    district: District
    year: int
    round: ReportingRound | None
    days_left: int | None
    figures: list[FigureStatus]
    units: list[UnitStatus]

    @property
    def overdue(self) -> bool:
        return bool(self.round and self.round.is_open and self.days_left is not None
                    and self.days_left < 0)

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def figures_total(self) -> FigureStatus:
        total = FigureStatus(plan=None)
        for row in self.figures:
            for name in ("owed", "entered", "draft", "submitted", "approved", "returned",
                         "on_time", "late", "corrections"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total

    @property
    def units_total(self) -> UnitStatus:
        total = UnitStatus(unit=None)
        for row in self.units:
            for name in ("rows", "on_time", "late", "approved", "returned", "draft"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


def round_status(*, district: District, year: int, today: datetime.date) -> RoundStatus:
    """The district's reporting for ``year``: figures per plan, task progress per lead unit.

    Six queries whatever the number of plans, indicators, tasks and entries.
    """
    round_ = ReportingRound.objects.filter(year=year).first()
    plans = list(Plan.objects.filter(district=district, start_year__lte=year, end_year__gte=year)
                 .order_by("start_year", "pk"))
    ids = [p.pk for p in plans]
    owed = dict(owed_indicators().filter(plan_id__in=ids).values("plan_id")
                .annotate(n=Count("pk")).values_list("plan_id", "n"))
    figures = {p.pk: FigureStatus(plan=p, owed=owed.get(p.pk, 0)) for p in plans}
    report = Q(corrects__isnull=True)  # the year's report; its pending corrections apart
    for row in (Figure.objects.filter(indicator__plan_id__in=ids, year=year,
                                      indicator__quantity_indicator__isnull=True)
                .values("indicator__plan_id")
                .annotate(
                    entered=Count("pk", filter=report),
                    draft=Count("pk", filter=report & Q(review_status=ReviewStatus.DRAFT)),
                    submitted=Count("pk", filter=report & Q(review_status=ReviewStatus.SUBMITTED)),
                    approved=Count("pk", filter=report & Q(review_status=ReviewStatus.APPROVED)),
                    returned=Count("pk", filter=report & Q(review_status=ReviewStatus.RETURNED)),
                    on_time=Count("pk", filter=report & Q(review_status__in=REPORTED,
                                                          submitted_late=False)),
                    late=Count("pk", filter=report & Q(review_status__in=REPORTED,
                                                       submitted_late=True)),
                    last_at=Max("submitted_at", filter=report & Q(review_status__in=REPORTED)),
                    corrections=Count("pk", filter=~report),
                )):
        status = figures[row.pop("indicator__plan_id")]
        for name, value in row.items():
            setattr(status, name, value)
    _figure_submitters(figures, ids, year)

    units: dict[int | None, UnitStatus] = {}
    rows = (Task.objects.rows().filter(plan_id__in=ids).select_related("lead_unit")
            .order_by("lead_unit__position", "lead_unit__name", "plan_id", "position"))
    task_unit = {}
    for task in rows:
        unit = units.setdefault(task.lead_unit_id, UnitStatus(task.lead_unit))
        unit.rows += 1
        task_unit[task.pk] = task.lead_unit_id
    for entry in (TaskProgress.objects.originals().filter(task_id__in=list(task_unit), year=year,
                                                          quarter=Quarter.YEAR)
                  .select_related("updated_by")):
        unit = units[task_unit[entry.task_id]]
        if entry.review_status in REPORTED:
            if entry.submitted_late:
                unit.late += 1
            else:
                unit.on_time += 1
            if entry.review_status == ReviewStatus.APPROVED:
                unit.approved += 1
            if entry.updated_by is not None and entry.submitted_at is not None:
                known = unit.submitters.get(entry.updated_by)
                unit.submitters[entry.updated_by] = max(known, entry.submitted_at) if known else entry.submitted_at
        elif entry.review_status == ReviewStatus.RETURNED:
            unit.returned += 1
        else:
            unit.draft += 1
    ordered = sorted(units.values(), key=lambda u: (u.unit is None, u.unit.position if u.unit else 0,
                                                    u.unit.name if u.unit else ""))
    return RoundStatus(district, year, round_, days_left(round_.deadline, today) if round_ else None,
                       list(figures.values()), ordered)


def _figure_submitters(figures: dict[int, FigureStatus], plan_ids, year) -> None:
    """Each plan's most recent submitter of the year's figures (one query)."""
    latest = (Figure.objects.originals().filter(indicator__plan_id__in=plan_ids, year=year,
                                                review_status__in=REPORTED,
                                                submitted_at__isnull=False)
              .order_by("indicator__plan_id", "-submitted_at")
              .values_list("indicator__plan_id", "updated_by__username"))
    for plan_id, username in latest:
        if figures[plan_id].last_by is None:
            figures[plan_id].last_by = username or "—"
