"""Reads for the indicator page, the district comparison and the plan page.

Every status and expected value comes from the progress engine (indicators.progress.compute),
fed by the same specs as indicators.selectors.indicators_progress; the data are fetched once
and the engine is called for each year. Each function runs a constant number of queries
whatever the number of indicators, targets, figures, history rows and tasks.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Max, Min, Prefetch, Q, prefetch_related_objects
from django.utils import timezone

from dashboards.sources import Excerpt, fold, indicator_excerpts
from indicators.models import Figure, Indicator, Target
from indicators.progress import FigureSpec, Progress, TargetSpec, compute
from indicators.selectors import (
    FIGURE_FIELDS, TARGET_FIELDS, asked_base_year, figure_spec, indicator_spec, progress_band,
    unjudged_before_plan,
)
from plans.models import Plan, Unit
from reporting.choices import ReviewStatus
from reporting.history import MERGED, entry_history
from tasks.models import Task, TaskProgress, TaskSupport
from tasks.selectors import period_rank

FIGURE_HISTORY_FIELDS = ["value", "done", "numerator", "denominator", "note", "reason", "remedy",
                         "review_status", "return_reason", "change_reason"]

# Words that name what an indicator measures. A task row is linked to an indicator when its
# text holds one of the words found in the indicator's name (the longest ones: "集体商标", not
# also "商标"), or when the indicator's source pointer names the task row.
MEASURE_WORDS = [
    "专利导航", "微导航", "高价值专利", "发明专利", "有效专利", "专利申请", "PCT", "海外", "商标",
    "地理标志", "品牌", "贯标", "管理规范", "托管", "质押融资", "证券化", "融资", "运营中心",
    "运营平台", "运营服务平台", "运营服务体系", "运营大厦", "展示中心", "聚集区", "集聚区",
    "集聚发展", "服务机构", "代理机构", "公共服务平台", "交流平台", "培训", "人才", "维权援助",
    "调解", "执法", "司法", "转让", "许可", "交易", "技术合同", "转化", "优势示范企业", "优势企业",
    "示范企业", "试点", "基金", "风险补偿", "专项经费", "非正常专利", "满意度", "特色园区", "园区",
    "集体商标", "驰名商标", "著名商标", "名牌", "工作站", "特色小镇", "预审", "产业集群", "数字创意",
    "保护中心", "高校",
]


def measure_words(name: str) -> list[str]:
    found = [w for w in MEASURE_WORDS if w in name]
    return [w for w in found if not any(w != other and w in other for other in found)]


def this_year() -> int:
    return timezone.localdate().year


# The engine, fed once.

def _targets_and_figures(indicator: Indicator):
    """The indicator's targets (with who adjusted them) and its figures, or its quantity
    indicator's (with who entered and approved them): two queries."""
    targets = list(Target.objects.filter(indicator=indicator).select_related("adjusted_by")
                   .order_by("year"))
    source = indicator.quantity_indicator_id or indicator.pk
    figures = list(Figure.objects.originals().filter(indicator_id=source)
                   .select_related("updated_by", "approved_by", "correction").order_by("year"))
    return targets, figures


def _progress_by_year(indicator, targets, figures, years) -> dict[int, Progress]:
    """The engine's result for each of these years, from data already fetched (none judged
    before the plan's first year)."""
    spec = indicator_spec(indicator, targets, indicator.quantity_indicator)
    specs, band = [figure_spec(f) for f in figures], progress_band()
    start = indicator.plan.start_year
    return {year: unjudged_before_plan(compute(spec, specs, year, band), start) for year in years}


# The indicator page.

@dataclass
class YearRow:
    year: int
    target: Target | None
    progress: Progress
    figure: Figure | None  # the figure of the year (the quantity's, for a linked growth rate)
    selected: bool = False
    before_plan: bool = False  # a year before the plan's first: not judged
    due: bool = True  # a figure is asked for the year: a year of the plan, or the base year
    # whose quantity a growth indicator asks for (no figure then is 未填报, else nothing was due)


@dataclass
class FigureRow:
    figure: Figure
    versions: list


@dataclass
class LinkedTask:
    task: Task
    named: bool  # named by the source pointer (else found by a measure word)
    latest: TaskProgress | None = None


@dataclass
class IndicatorPage:
    indicator: Indicator
    year: int
    years: list[int]
    targets: list[Target]
    rows: list[YearRow]
    progress: Progress
    figures: list[FigureRow]
    quantity_source: Indicator | None  # whose figures hold the quantity (a linked growth rate)
    growth_indicators: list[Indicator]  # growth rates computed from this indicator
    tasks: list[LinkedTask]
    task_words: list[str]
    excerpts: list[Excerpt] = field(default_factory=list)

    @property
    def before_plan(self) -> bool:
        """The year shown is before the plan's first year: nothing is judged."""
        return self.year < self.indicator.plan.start_year

    @property
    def adjusted(self) -> list[Target]:
        return [t for t in self.targets if t.adjusted_at or t.original_value is not None]


def _histories(figures: list[Figure]) -> dict[int, list]:
    """Every history row of these figures and of their corrections, with its user, oldest
    first, by figure (one query; as ``history_records`` reads for one)."""
    records = defaultdict(list)
    if figures:
        ids = [f.pk for f in figures]
        rows = (Figure.history.filter(Q(id__in=ids) | Q(corrects_id__in=ids)).exclude(MERGED)
                .select_related("history_user").order_by("history_date", "history_id"))
        for row in rows:
            records[row.corrects_id or row.id].append(row)
    return records


def default_year(indicator: Indicator, figures) -> int:
    """The latest year with an approved figure, else this year within the plan's period."""
    plan = indicator.plan
    approved = [f.year for f in figures if f.review_status == ReviewStatus.APPROVED
                and f.year >= plan.start_year]
    if approved:
        return max(approved)
    return max(plan.start_year, min(this_year(), plan.end_year))


def page_years(plan, year: int, figures, targets) -> list[int]:
    """The years shown: from the plan's first year to the year asked for or the latest figure,
    then on to the next target year (a 2021–2035 plan does not list ten empty years)."""
    end = max([year] + [f.year for f in figures])
    later = sorted(t.year for t in targets if t.year > end)
    if later:
        end = later[0]
    end = max(min(end, plan.end_year), year)
    return sorted(set(range(plan.start_year, end + 1)) | {year})


def _linked_tasks(indicator: Indicator, year: int) -> tuple[list[LinkedTask], list[str]]:
    """Task rows of the plan named by the source pointer or sharing a measure word, with their
    supporting units and latest approved progress (three queries at most)."""
    words = measure_words(indicator.name)
    parts = [fold(p) for p in re.split(r"[；;]", indicator.source or "") if p.strip()]
    tasks = list(Task.objects.rows().filter(plan_id=indicator.plan_id)
                 .select_related("lead_unit", "parent").order_by("position"))

    def named(task):
        own = fold(task.source)
        return bool(own) and any(
            p == own or (p.startswith(own) and not p[len(own)].isdigit()) for p in parts)

    linked = []
    for task in tasks:
        is_named = named(task)
        if is_named or any(w in task.text for w in words):
            linked.append(LinkedTask(task, is_named))
    linked.sort(key=lambda row: (not row.named, row.task.position))
    # The supporting units of the linked rows only (a plan has a hundred rows, a few are linked).
    supporting = TaskSupport.objects.select_related("unit").order_by("position")
    prefetch_related_objects([row.task for row in linked],
                             Prefetch("tasksupport_set", queryset=supporting))
    latest = {}
    progress = (TaskProgress.objects.filter(task_id__in=[r.task.pk for r in linked], year=year,
                                            review_status=ReviewStatus.APPROVED)
                .only("task_id", "quarter", "status", "percent"))
    for entry in progress:
        current = latest.get(entry.task_id)
        if current is None or period_rank(entry.quarter) > period_rank(current.quarter):
            latest[entry.task_id] = entry
    for row in linked:
        row.latest = latest.get(row.task.pk)
    return linked, words


def indicator_page(*, indicator: Indicator, year: int | None = None) -> IndicatorPage:
    """Everything the indicator page shows (``indicator`` fetched with its plan, district and
    quantity indicator). Seven queries whatever the number of years, figures and versions."""
    plan = indicator.plan
    targets, figures = _targets_and_figures(indicator)
    source = indicator.quantity_indicator
    if year is None:
        year = default_year(indicator, figures)
    years = page_years(plan, year, figures, targets)
    by_year = {f.year: f for f in figures}
    target_by_year = {t.year: t for t in targets}
    progress_of = _progress_by_year(indicator, targets, figures, years)
    base_year = asked_base_year(indicator, progress_of[year].judged_as)
    rows = [YearRow(y, target_by_year.get(y), progress_of[y], by_year.get(y), y == year,
                    y < plan.start_year, due=y >= plan.start_year or y == base_year)
            for y in years]
    progress = next(r.progress for r in rows if r.selected)
    histories = _histories(figures)
    figure_rows = [
        FigureRow(f, entry_history(f, fields=FIGURE_HISTORY_FIELDS, records=histories[f.pk]))
        for f in sorted(figures, key=lambda f: f.year, reverse=True)
    ]
    tasks, words = _linked_tasks(indicator, year)
    return IndicatorPage(
        indicator=indicator, year=year, years=years, targets=targets, rows=rows,
        progress=progress, figures=figure_rows, quantity_source=source,
        growth_indicators=list(indicator.growth_indicators.order_by("position")),
        tasks=tasks, task_words=words,
        excerpts=indicator_excerpts(indicator, targets),
    )


# The district comparison.

@dataclass
class IndicatorRow:
    """An indicator judged as of a year, with its targets (for the comparison and plan pages)."""

    indicator: Indicator
    as_of: int  # the year judged: the one chosen, or the plan's last year if it ended before
    targets: list[TargetSpec]
    progress: Progress

    @cached_property
    def final_target(self) -> Target | None:
        """The target the progress is judged against (else the last one), as an unsaved Target
        for its ``display``."""
        numeric = [t for t in self.targets if t.year == self.progress.target_year]
        spec = numeric[0] if numeric else (self.targets[-1] if self.targets else None)
        if spec is None:
            return None
        return Target(year=spec.year, value=spec.value, comparator=spec.comparator, low=spec.low,
                      high=spec.high, text=spec.text)

    @property
    def before_plan(self) -> bool:
        return self.as_of < self.indicator.plan.start_year


def compare_years(concept: str, districts) -> list[int]:
    """The years of the plans holding the concept, for the year choice (one query)."""
    span = Plan.objects.filter(district__in=districts, indicators__concept=concept).aggregate(
        first=Min("start_year"), last=Max("end_year"))
    if span["first"] is None:
        return [this_year()]
    return list(range(span["first"], max(span["last"], span["first"]) + 1))


def compare_default_year(concept: str, districts) -> int:
    latest = (Figure.objects.filter(indicator__plan__district__in=districts,
                                    review_status=ReviewStatus.APPROVED)
              .filter(indicator__concept=concept)
              .aggregate(year=Max("year"))["year"])
    return latest or this_year()


def _judged(indicators, year: int, *, cap: bool) -> list[IndicatorRow]:
    """The indicators judged by the engine as of ``year`` (capped by each plan's last year when
    ``cap``), two queries for their targets and approved figures. These are read as plain values,
    as ``indicators_progress`` reads them: the comparison judges an indicator in each of hundreds
    of districts, and a model instance per target and figure cost more than the rest."""
    indicators = list(indicators)
    targets, figures = defaultdict(list), defaultdict(list)
    for indicator_id, *values in (Target.objects.filter(indicator_id__in=[i.pk for i in indicators])
                                  .order_by("year").values_list("indicator_id", *TARGET_FIELDS)):
        targets[indicator_id].append(TargetSpec(*values))
    sources = {i.quantity_indicator_id or i.pk for i in indicators}
    for indicator_id, *values in (Figure.objects.filter(indicator_id__in=sources,
                                                        review_status=ReviewStatus.APPROVED)
                                  .order_by("year").values_list("indicator_id", *FIGURE_FIELDS)):
        figures[indicator_id].append(FigureSpec(*values))
    band = progress_band()
    rows = []
    for indicator in indicators:
        as_of = min(year, indicator.plan.end_year) if cap else year
        spec = indicator_spec(indicator, targets[indicator.pk], indicator.quantity_indicator)
        own = figures[indicator.quantity_indicator_id or indicator.pk]
        progress = unjudged_before_plan(compute(spec, own, as_of, band), indicator.plan.start_year)
        rows.append(IndicatorRow(indicator, as_of, targets[indicator.pk], progress))
    return rows


# What the comparison shows and judges of each indicator, its plan and its district: a model
# instance with every field took a tenth of the page, for 300 districts.
COMPARED_FIELDS = [
    "number", "name", "unit", "kind", "direction", "concept", "baseline_year", "baseline_value",
    "quantity_indicator", "plan__title", "plan__start_year", "plan__end_year",
    "plan__district__code", "plan__district__name", "plan__district__city",
]


def compare_rows(*, concept: str, districts, year: int) -> list[IndicatorRow]:
    """Every indicator tagged ``concept`` in these districts, judged as of ``year`` (or as of the
    last year of a plan that ended before it). Three queries, and one for the quantity
    indicators of linked growth rates if there are any: joined to the indicators instead,
    PostgreSQL hashed every indicator of every district to find them."""
    return _judged(
        Indicator.objects.filter(concept=concept, plan__district__in=districts)
        .select_related("plan__district").prefetch_related("quantity_indicator")
        .only(*COMPARED_FIELDS)
        .order_by("plan__district__city", "plan__district__code", "plan__start_year", "position"),
        year, cap=True)


# The plan page.

@dataclass
class PlanCounts:
    indicators: int
    table_rows: int
    text_goals: int
    task_rows: int
    headings: int
    inferred: int
    units: int


def plan_counts(plan: Plan) -> PlanCounts:
    """What the plan holds, each count saying what it counts (three queries)."""
    numbers = list(plan.indicators.values_list("number", flat=True))
    text_goals = sum(1 for n in numbers if n.startswith("T"))
    tasks = Task.objects.filter(plan=plan).aggregate(
        total=Count("pk", distinct=True),
        headings=Count("pk", filter=Q(children__isnull=False), distinct=True),
        inferred=Count("pk", filter=Q(children__isnull=True, units_inferred=True),
                       distinct=True),
    )
    return PlanCounts(
        indicators=len(numbers), table_rows=len(numbers) - text_goals, text_goals=text_goals,
        task_rows=tasks["total"] - tasks["headings"], headings=tasks["headings"],
        inferred=tasks["inferred"], units=Unit.objects.filter(district_id=plan.district_id).count(),
    )


def plan_default_year(plan: Plan) -> int:
    latest = (Figure.objects.filter(indicator__plan=plan, review_status=ReviewStatus.APPROVED,
                                    year__gte=plan.start_year)
              .aggregate(year=Max("year"))["year"])
    return latest or max(plan.start_year, min(this_year(), plan.end_year))


def plan_rows(plan: Plan, year: int) -> list[IndicatorRow]:
    """The plan's indicators with the engine's progress as of ``year`` (three queries)."""
    return _judged(plan.indicators.select_related("plan__district", "quantity_indicator")
                   .order_by("position"), year, cap=False)

