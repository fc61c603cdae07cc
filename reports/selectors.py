"""Rows for the assessment workbooks (考核报表), each read in a constant number of queries.

- ``indicator_report``: a plan's indicator table for a year (指标完成情况表): targets of every
  plan year, the actual of every year up to the chosen one, expected value, percent complete,
  status and note. 3 queries per year shown (the progress engine's selector, once per year)
  plus 2.
- ``task_report``: a district's task rows for a year (任务推进情况表) with their headings, units
  and latest approved progress. 4 queries.
- ``summary_report``: for leaders, every district's status counts, reporting completeness and
  task completion, and each district's indicators and delayed tasks, as plain values. 3
  queries while every district's kept summary is current, 10 otherwise, whatever the number
  of districts.

Only approved entries count, as everywhere in the portal. Statuses come from the progress
engine (indicators/selectors.py); nothing here judges an indicator itself.

The actual of a year is the engine's actual A(Y): a cumulative indicator's running total since
the plan's first year, a growth indicator's average annual growth since its base year, a
milestone's done / not done. So each year's actual stands next to that year's target, which the
plans also write as running totals and rates.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dashboards.models import DistrictSnapshot
from dashboards.selectors import judged_year, snapshot_rules, snapshots
from indicators.choices import Attribute, Kind
from indicators.models import Figure, Indicator, Target
from indicators.progress import STATUS_ORDER, Progress, Status, TargetSpec
from indicators.selectors import (
    PlainIndicatorProgress, figures_reporting, indicators_progress, plans_progress,
    progress_band, with_quantity_sources,
)
from plans.models import District, Plan, Unit
from reporting.choices import ReviewStatus
from reporting.models import ReportingRound
from tasks.choices import ProgressStatus, Quarter
from tasks.models import Task, TaskProgress
from tasks.selectors import task_label

APPROVED = ReviewStatus.APPROVED
NOT_REPORTED = "none"  # a task row with no approved progress for the year (未填报)
MAX_ACTUAL_YEARS = 10  # a long plan shows the actuals of its latest ten years


def text_target_label() -> str:
    """The category shown for targets taken from a plan's text (numbers T1, T2…)."""
    return _("正文目标")


def plan_for(district: District, year: int, plan_id: int | None = None) -> Plan | None:
    """The district's plan ``plan_id``; without one, the latest plan in force in ``year``, else
    the district's latest plan. None when there is no such plan."""
    plans = Plan.objects.filter(district=district).select_related("district")
    if plan_id is not None:
        return plans.filter(pk=plan_id).first()
    in_force = plans.filter(start_year__lte=year, end_year__gte=year).order_by("-start_year", "-pk")
    return in_force.first() or plans.order_by("-start_year", "-pk").first()


def default_year(plan: Plan | None = None, today: datetime.date | None = None) -> int:
    """The year of the open reporting round, else this year; kept within ``plan``'s period."""
    year = (ReportingRound.objects.filter(is_open=True).order_by("-year")
            .values_list("year", flat=True).first())
    year = year or (today or timezone.localdate()).year
    if plan is None:
        return year
    return min(max(year, plan.start_year), plan.end_year)


# 1. 指标完成情况表.

@dataclass(frozen=True)
class IndicatorFilters:
    """The indicator dashboard's filters, applied to the report as to the page.

    ``category`` and ``attribute`` match the indicator's fields, ``kind`` its kind, ``status``
    its status in the chosen year, ``q`` its number, or part of its name or transcription note
    (as dashboards/filters.py). Empty: no filter;
    an attribute, kind or status that does not exist is ignored.
    """

    category: str = ""
    attribute: str = ""
    kind: str = ""
    status: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params: Mapping) -> "IndicatorFilters":
        def get(name):
            return (params.get(name) or "").strip()[:100]

        attribute, kind, status = get("attribute"), get("kind"), get("status")
        return cls(
            category=get("category"),
            attribute=attribute if attribute in Attribute.values else "",
            kind=kind if kind in Kind.values else "",
            status=status if status in {s.value for s in Status} else "",
            q=get("q"),
        )

    def apply(self, indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
        if self.category:
            indicators = indicators.filter(category=self.category)
        if self.attribute:
            indicators = indicators.filter(attribute=self.attribute)
        if self.kind:
            indicators = indicators.filter(kind=self.kind)
        if self.q:
            indicators = indicators.filter(Q(name__icontains=self.q) | Q(number__iexact=self.q)
                                           | Q(note__icontains=self.q))
        return indicators

    def describe(self) -> str:
        """The filters in force, as the report's info row names them ("" when none)."""
        parts = []
        if self.category:
            parts.append(_("类别：%(v)s") % {"v": self.category})
        if self.attribute:
            parts.append(_("指标属性：%(v)s") % {"v": Attribute(self.attribute).label})
        if self.kind:
            parts.append(_("指标类型：%(v)s") % {"v": Kind(self.kind).label})
        if self.status:
            parts.append(_("状态：%(v)s") % {"v": Status(self.status).label})
        if self.q:
            parts.append(_("关键词：%(v)s") % {"v": self.q})
        return pgettext("clause separator", "；").join(parts)


@dataclass
class IndicatorRow:
    indicator: Indicator
    category: str  # as shown: the plan's category, or 正文目标 for a target from the text
    targets: dict[int, Target]  # by year
    actuals: dict[int, Progress]  # the engine's result for each year shown
    progress: Progress  # for the chosen year
    note: str  # the approved figure's note of the chosen year, then target adjustments
    decimals: int  # decimal places the row's numbers need (0–2)

    @property
    def status(self) -> Status:
        return self.progress.status


@dataclass
class IndicatorReport:
    district: District
    plan: Plan
    year: int
    as_of: datetime.date
    target_years: list[int]
    actual_years: list[int]
    rows: list[IndicatorRow]
    sample: bool  # a figure shown is sample data (示例数据)
    filters: IndicatorFilters = field(default_factory=IndicatorFilters)
    band: Decimal = Decimal("0.15")


def decimals_needed(values) -> int:
    """The decimal places (0–2) that show every number of ``values``."""
    places = 0
    for value in values:
        if isinstance(value, Decimal) and value.is_finite():
            exponent = value.normalize().as_tuple().exponent
            places = max(places, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return min(places, 2)


def shown_decimals(value: Decimal | None, at_least: int = 0) -> int:
    """The decimals (0–2) the pages show of a computed value (序时进度, a growth rate), and at
    least ``at_least``: a 序时进度 of 1.3333 reads 1.33 as on the dashboard, not 1."""
    if value is None or not value.is_finite():
        return at_least
    return max(at_least, decimals_needed([value.quantize(Decimal("0.01"), ROUND_HALF_UP)]))


def plain(value: Decimal | None) -> str:
    """A stored decimal as the plans print it: 25000, 0.7."""
    return "" if value is None else format(value.normalize(), "f")


def adjustment_note(target: Target) -> str:
    """A line for the note column: the target's original value and the reason it changed."""
    note = _("%(year)s年目标由 %(old)s 调整为 %(new)s") % {
        "year": target.year, "old": plain(target.original_value), "new": target.display}
    if target.adjustment_reason:
        note += _("（%(reason)s）") % {"reason": target.adjustment_reason}
    return note


def is_adjusted(target: Target) -> bool:
    return target.original_value is not None and target.original_value != target.value


def indicator_report(*, district: District, plan: Plan, year: int,
                     filters: IndicatorFilters | None = None,
                     today: datetime.date | None = None) -> IndicatorReport:
    """The plan's indicator table as of ``year``: 3 queries per year shown, plus 2."""
    filters = filters or IndicatorFilters()
    first = max(plan.start_year, year - MAX_ACTUAL_YEARS + 1)
    actual_years = list(range(first, year + 1))
    indicators = filters.apply(Indicator.objects.filter(plan=plan))

    by_year = {y: indicators_progress(year=y, plan=plan, indicators=indicators)
               for y in actual_years if y != year}
    current = indicators_progress(year=year, plan=plan, indicators=indicators)
    by_year[year] = current

    targets: dict[int, dict[int, Target]] = defaultdict(dict)
    target_years = set()
    for target in Target.objects.filter(indicator__plan=plan).order_by("year"):
        targets[target.indicator_id][target.year] = target
        target_years.add(target.year)

    shown = {row.indicator.pk for row in current}
    sources = shown | {row.indicator.quantity_indicator_id for row in current
                       if row.indicator.quantity_indicator_id}
    notes, sample_ids = {}, set()
    for indicator_id, figure_year, note, is_sample in Figure.objects.filter(
            indicator_id__in=sources, review_status=APPROVED, year__lte=year,
    ).values_list("indicator_id", "year", "note", "is_sample"):
        if is_sample:
            sample_ids.add(indicator_id)
        if figure_year == year and indicator_id in shown:
            notes[indicator_id] = note

    progress_of = {y: {r.indicator.pk: r.progress for r in rows} for y, rows in by_year.items()}
    rows = []
    for item in current:
        indicator, progress = item.indicator, progress_of[year][item.indicator.pk]
        if filters.status and progress.status.value != filters.status:
            continue
        own_targets = targets.get(indicator.pk, {})
        note_lines = [notes.get(indicator.pk, "").strip()]
        note_lines += [adjustment_note(t) for t in own_targets.values() if is_adjusted(t)]
        actuals = {y: progress_of[y][indicator.pk] for y in actual_years}
        numbers = [indicator.baseline_value]
        numbers += [t.value for t in own_targets.values()]
        numbers += [t.original_value for t in own_targets.values()]
        numbers += [p.actual for p in actuals.values() if p.judged_as in ("level", "flow",
                                                                          "cumulative")]
        category = indicator.category or (
            text_target_label() if indicator.number.upper().startswith("T") else "")
        rows.append(IndicatorRow(
            indicator=indicator, category=category, targets=own_targets, actuals=actuals,
            progress=progress, note="\n".join(line for line in note_lines if line),
            decimals=decimals_needed(numbers),
        ))
    sample = any({row.indicator.pk, row.indicator.quantity_indicator_id} & sample_ids
                 for row in rows)
    return IndicatorReport(
        district=district, plan=plan, year=year, as_of=today or timezone.localdate(),
        target_years=sorted(target_years), actual_years=actual_years, rows=rows, sample=sample,
        filters=filters, band=progress_band(),
    )


# 2. 任务推进情况表.

@dataclass(frozen=True)
class Heading:
    pk: int
    label: str


@dataclass
class TaskRow:
    task: Task
    group: Heading | None  # the action group (重点任务)
    heading: Heading | None  # the task above a sub-item (任务), when the plan has one
    lead: str
    supporting: str
    entry: TaskProgress | None  # the latest approved progress of the year

    @property
    def status(self) -> str:
        """The entry's progress status, or ``NOT_REPORTED``."""
        return self.entry.status if self.entry else NOT_REPORTED

    @property
    def delayed(self) -> bool:
        return self.status == ProgressStatus.DELAYED


def task_status_label(status: str) -> str:
    return str(ProgressStatus(status).label) if status in ProgressStatus.values else _("未填报")


TASK_STATUSES = [ProgressStatus.NOT_STARTED, ProgressStatus.IN_PROGRESS,
                 ProgressStatus.COMPLETED, ProgressStatus.DELAYED, NOT_REPORTED]


@dataclass
class TaskReport:
    district: District
    year: int
    as_of: datetime.date
    plans: list[Plan]
    rows: list[TaskRow]
    sample: bool
    unit: Unit | None = None
    status: str = ""

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(row.status for row in self.rows)
        return {str(status): counts.get(str(status), 0) for status in TASK_STATUSES}

    def describe(self) -> str:
        parts = []
        if self.unit is not None:
            parts.append(_("责任单位：%(v)s") % {"v": self.unit.name})
        if self.status:
            parts.append(_("推进状态：%(v)s") % {"v": task_status_label(self.status)})
        return pgettext("clause separator", "；").join(parts)


def _period_rank(quarter: int) -> int:
    """The whole-year entry (quarter 0) is the last word on a year."""
    return 5 if quarter == Quarter.YEAR else quarter


def _headings(plan_ids) -> dict[int, tuple[int | None, Heading]]:
    nodes = (Task.objects.filter(plan_id__in=plan_ids, children__isnull=False).distinct()
             .values_list("pk", "parent_id", "number", "text"))
    return {pk: (parent, Heading(pk, task_label(Task(number=number, text=text))))
            for pk, parent, number, text in nodes}


def _chain(task: Task, headings) -> list[Heading]:
    chain, parent = [], task.parent_id
    while parent is not None and parent in headings and len(chain) < 10:
        parent, heading = headings[parent]
        chain.append(heading)
    return chain[::-1]


def _task_rows(tasks: QuerySet[Task], year: int) -> list[Task]:
    """Evaluate task rows with units and the year's approved progress (3 queries)."""
    return list(tasks.select_related("plan", "lead_unit").prefetch_related(
        Prefetch("supporting_units", queryset=Unit.objects.order_by("tasksupport__position")),
        Prefetch("progress", to_attr="approved_progress",
                 queryset=TaskProgress.objects.filter(year=year, review_status=APPROVED)),
    ).order_by("plan__start_year", "plan_id", "position"))


def _row(task: Task, headings) -> TaskRow:
    chain = _chain(task, headings)
    group = chain[0] if chain else None
    heading = None
    if len(chain) > 1:
        heading = Heading(chain[-1].pk, " / ".join(h.label for h in chain[1:]))
    entry = max(task.approved_progress, key=lambda e: _period_rank(e.quarter), default=None)
    return TaskRow(
        task=task, group=group, heading=heading,
        lead=task.lead_unit.name if task.lead_unit else "",
        supporting=pgettext("list separator", "、").join(
            unit.name for unit in task.supporting_units.all()),
        entry=entry,
    )


def task_report(*, district: District, year: int, plan: Plan | None = None,
                unit: Unit | None = None, status: str = "",
                today: datetime.date | None = None) -> TaskReport:
    """The district's task rows of the plans in force in ``year`` (or of ``plan``), in plan
    order, with the latest approved progress of the year; filtered by a unit (leading or
    supporting) and a status (``NOT_REPORTED`` for rows with none). 4 queries."""
    tasks = Task.objects.rows().filter(plan__district=district)
    if plan is not None:
        tasks = tasks.filter(plan=plan)
    else:
        tasks = tasks.filter(plan__start_year__lte=year, plan__end_year__gte=year)
    if unit is not None:
        tasks = tasks.filter(Q(lead_unit=unit) | Q(tasksupport__unit=unit)).distinct()
    found = _task_rows(tasks, year)
    headings = _headings({task.plan_id for task in found})
    rows = [_row(task, headings) for task in found]
    sample = any(row.entry.is_sample for row in rows if row.entry)
    if status:
        rows = [row for row in rows if row.status == status]
    plans = list({task.plan_id: task.plan for task in found}.values())
    if plan is not None and not plans:
        plans = [plan]
    return TaskReport(district=district, year=year, as_of=today or timezone.localdate(),
                      plans=plans, rows=rows, sample=sample, unit=unit, status=status)


# 3. The leaders' summary.

@dataclass(frozen=True)
class DelayedTask:
    """A task row whose latest approved progress of the year says delayed (滞后)."""

    number: str
    text: str
    lead: str
    reason: str
    remedy: str


@dataclass
class DistrictSummary:
    """A district's part of the summary, as plain values: at national scale the summary holds
    every district at once, so no model instance per indicator, target or task."""

    district: District
    year: int  # the year it is judged as of: the summary's, or its plans' last year after it
    plans: list[Plan] = field(default_factory=list)
    indicators: list[PlainIndicatorProgress] = field(default_factory=list)
    reported: int = 0  # indicators with an approved figure for the year (figures_reporting)
    submitted: int = 0  # indicators whose figure for the year waits for approval (the same)
    task_total: int = 0  # task rows of the plans in force
    task_statuses: Counter = field(default_factory=Counter)  # task rows by status
    delayed_tasks: list[DelayedTask] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)  # the year's approved figure's note
    sample: bool = False  # some of its figures or progress shown are sample data (示例数据)

    @property
    def status_counts(self) -> dict[Status, int]:
        counts = Counter(row.progress.status for row in self.indicators)
        return {status: counts.get(status, 0) for status in STATUS_ORDER}

    @property
    def task_counts(self) -> dict[str, int]:
        return {str(status): self.task_statuses.get(str(status), 0) for status in TASK_STATUSES}


@dataclass
class SummaryReport:
    year: int
    as_of: datetime.date
    districts: list[DistrictSummary]
    sample: bool
    band: Decimal = Decimal("0.15")


# Change when summary_data's output or the engine's rules change: districts' kept summaries
# are then computed again.
SUMMARY_FORMAT = "summary-3"  # 3: reporting counted by figures_reporting


def summary_report(*, districts: QuerySet[District], year: int,
                   today: datetime.date | None = None) -> SummaryReport:
    """Every district's plans in force in ``year``, their indicators' progress, reporting and
    task progress.

    Each district's part is kept (``dashboards.DistrictSnapshot`` of kind summary) until its
    data changes: three queries when every district's is current; the districts whose data
    changed since are computed again by ``summary_data`` and kept (nine queries more, whatever
    their number, for each year they are judged as of: ``judged_year``). The plans are read each
    time."""
    districts = list(districts.annotate(last_end=Max("plans__end_year")).order_by("city", "code"))
    years = {d.pk: judged_year(year, d.last_end) for d in districts}
    kept = snapshots(districts, years, _summaries_by_year,
                     kind=DistrictSnapshot.SUMMARY, rules=snapshot_rules(SUMMARY_FORMAT))
    plans = defaultdict(list)
    for plan in (Plan.objects.filter(district__in=[d.pk for d in districts], start_year__lte=year,
                                     end_year__gte=min(years.values(), default=year))
                 .order_by("start_year", "pk")):
        if plan.start_year <= years[plan.district_id] <= plan.end_year:
            plans[plan.district_id].append(plan)
    summaries = [_district_summary(d, years[d.pk], plans[d.pk], kept[d.pk]) for d in districts]
    return SummaryReport(year=year, as_of=today or timezone.localdate(), districts=summaries,
                         sample=any(kept[d.pk]["sample"] for d in districts),
                         band=progress_band())


def _summaries_by_year(years: dict[int, int]) -> dict[int, dict]:
    """``summary_data`` of each district (pk → the year it is judged as of)."""
    by_year = defaultdict(list)
    for pk, year in years.items():
        by_year[year].append(pk)
    return {pk: data for year, pks in by_year.items()
            for pk, data in summary_data(pks, year).items()}


def summary_data(district_ids: list[int], year: int) -> dict[int, dict]:
    """What the summary shows of each of these districts in ``year``, as JSON values: its
    indicators' progress (the engine's, for the plans in force), reporting, task progress and
    delayed tasks, and whether any of it is sample data. 8 queries whatever the number of
    districts; each query names the plans by a subquery, never by a list of ids. Reporting is
    counted as on the overview's cards (``figures_reporting``)."""
    data = {pk: {"indicators": [], "reported": 0, "submitted": 0, "task_total": 0,
                 "task_statuses": Counter(), "delayed": [], "notes": {}, "sample": False}
            for pk in district_ids}
    in_force = Plan.objects.filter(district__in=district_ids, start_year__lte=year,
                                   end_year__gte=year)
    progress = plans_progress(year=year, plans=in_force)
    district_of = {}
    for row in progress:
        district_of[row.pk] = row.district_id
        if row.quantity_indicator_id is not None:
            district_of.setdefault(row.quantity_indicator_id, row.district_id)

    notes = {}
    figures = Figure.objects.filter(
        Q(year=year) | Q(is_sample=True), review_status=APPROVED,
        indicator__in=with_quantity_sources(Indicator.objects.filter(plan__in=in_force)),
        year__lte=year,
    ).order_by().values_list("indicator_id", "year", "is_sample", "note")
    for indicator_id, figure_year, is_sample, note in figures:
        if is_sample and indicator_id in district_of:
            data[district_of[indicator_id]]["sample"] = True
        if figure_year == year:
            notes[indicator_id] = note
    for row in progress:
        summary = data[row.district_id]
        summary["indicators"].append(_kept_indicator(row))
        if notes.get(row.pk):
            summary["notes"][row.pk] = notes[row.pk].strip()
    for pk, reporting in figures_reporting({pk: year for pk in district_ids}).items():
        data[pk]["reported"], data[pk]["submitted"] = reporting.approved, reporting.submitted

    # the latest approved progress of the year of each task (the whole year's is the last word)
    latest = {}
    for task_id, quarter, status, is_sample, reason, remedy in TaskProgress.objects.filter(
        task__plan__in=in_force, year=year, review_status=APPROVED,
    ).order_by().values_list("task_id", "quarter", "status", "is_sample", "reason", "remedy"):
        rank = _period_rank(quarter)
        if task_id not in latest or rank > latest[task_id][0]:
            latest[task_id] = (rank, status, is_sample, reason, remedy)
    rows = (Task.objects.rows().filter(plan__in=in_force)
            .order_by("plan__start_year", "plan_id", "position")
            .values_list("pk", "plan__district_id", "number", "text", "lead_unit__name"))
    for pk, district_id, number, text, lead in rows:
        summary = data[district_id]
        summary["task_total"] += 1
        entry = latest.get(pk)
        if entry is None:
            summary["task_statuses"][NOT_REPORTED] += 1
            continue
        _rank, status, is_sample, reason, remedy = entry
        summary["sample"] = summary["sample"] or is_sample
        summary["task_statuses"][status] += 1
        if status == ProgressStatus.DELAYED:
            summary["delayed"].append([number, text, lead or "", reason, remedy])
    return data


# An indicator's row in a kept summary: its own values, the final target and what the engine
# gave, with decimals as text. The progress keeps no chart points (the summary draws none).
_TARGET_FIELDS = ("year", "value", "comparator", "low", "high", "text", "original_value")
_PROGRESS_FIELDS = ("year", "judged_as", "actual", "done", "expected", "target", "target_year",
                    "target_text", "percent", "status", "expected_percent")
_DECIMALS = {"value", "low", "high", "original_value", "actual", "expected", "target", "percent",
             "expected_percent"}
_STATUS = {status.value: status for status in Status}


def _json(value):
    return str(value) if isinstance(value, Decimal) else value


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _from_kept(fields: tuple, values: list) -> dict:
    return {f: _decimal(v) if f in _DECIMALS else v for f, v in zip(fields, values)}


def _kept_indicator(row: PlainIndicatorProgress) -> list:
    target = row.final_target
    return [row.pk, row.plan_id, row.number, row.name, row.unit, _json(row.baseline_value),
            row.quantity_indicator_id,
            None if target is None else [_json(getattr(target, f)) for f in _TARGET_FIELDS],
            [_json(getattr(row.progress, f)) for f in _PROGRESS_FIELDS]]


def _indicator(kept: list, district_id: int) -> PlainIndicatorProgress:
    pk, plan_id, number, name, unit, baseline, quantity_id, target, progress = kept
    if target is not None:
        target = TargetSpec(**_from_kept(_TARGET_FIELDS, target))
    progress = _from_kept(_PROGRESS_FIELDS, progress)
    progress["status"] = _STATUS[progress["status"]]
    return PlainIndicatorProgress(pk, plan_id, district_id, number, name, unit, _decimal(baseline),
                                  quantity_id, target, Progress(**progress))


def _district_summary(district: District, year: int, plans: list[Plan],
                      kept: dict) -> DistrictSummary:
    return DistrictSummary(
        district, year, plans,
        indicators=[_indicator(row, district.pk) for row in kept["indicators"]],
        reported=kept["reported"], submitted=kept["submitted"], task_total=kept["task_total"],
        task_statuses=Counter(kept["task_statuses"]),
        delayed_tasks=[DelayedTask(*task) for task in kept["delayed"]],
        notes={int(pk): note for pk, note in kept["notes"].items()}, sample=kept["sample"])
