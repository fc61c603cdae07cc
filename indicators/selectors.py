"""Reads for indicators: the progress of every indicator of a district or a plan."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from indicators.models import Figure, Indicator, Target
from indicators.progress import (
    STATUS_ORDER, FigureSpec, IndicatorSpec, Progress, Status, TargetSpec, compute,
)
from reporting.choices import ReviewStatus

# What the engine reads of a target and of a figure, in the order of TargetSpec and FigureSpec.
TARGET_FIELDS = ("year", "value", "comparator", "low", "high", "text", "original_value")
FIGURE_FIELDS = ("year", "value", "done", "review_status")


def progress_band() -> Decimal:
    return Decimal(str(settings.PROGRESS_BAND))


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: Indicator
    progress: Progress

    @property
    def before_plan(self) -> bool:
        """Judged as of a year before its plan begins: not judged (``unjudged_before_plan``)."""
        return self.progress.year < self.indicator.plan.start_year

    @property
    def status_rank(self) -> int:
        """For sorting: achieved, on track, at risk, behind, no data."""
        return STATUS_ORDER.index(self.progress.status)

    def as_dict(self) -> dict:
        """Plain JSON values: numbers as numbers, null where there is none."""
        i, p = self.indicator, self.progress
        return {
            "plan": i.plan.title, "number": i.number, "name": i.name, "kind": i.kind,
            "judged_as": p.judged_as, "unit": i.unit, "actual": _float(p.actual),
            "done": p.done, "expected": _float(p.expected), "target": _float(p.target),
            "target_year": p.target_year, "target_text": p.target_text or None,
            "percent": _float(p.percent, "0.01"), "status": p.status.value,
            "status_label": str(p.status.label),
        }


def _float(value: Decimal | None, places: str = "0.0001") -> float | None:
    return None if value is None else float(value.quantize(Decimal(places)))


def target_spec(target: Target) -> TargetSpec:
    return TargetSpec(
        year=target.year, value=target.value, comparator=target.comparator, low=target.low,
        high=target.high, text=target.text, original_value=target.original_value,
    )


def figure_spec(figure: Figure) -> FigureSpec:
    return FigureSpec(figure.year, figure.value, figure.done, figure.review_status)


def indicator_spec(indicator: Indicator, targets, quantity_source: Indicator | None = None):
    """The engine's view of an indicator; a linked growth indicator takes its quantity's baseline.

    ``targets``: Target rows or TargetSpecs."""
    base = quantity_source or indicator
    baseline_year = base.baseline_year
    if quantity_source is not None and baseline_year is None:
        baseline_year = indicator.baseline_year
    return IndicatorSpec(
        kind=indicator.kind, direction=indicator.direction, baseline_year=baseline_year,
        baseline_value=base.baseline_value,
        targets=tuple(t if isinstance(t, TargetSpec) else target_spec(t) for t in targets),
        start_year=indicator.plan.start_year, end_year=indicator.plan.end_year,
    )


def indicators_progress(*, year: int, district=None, plan=None, indicators=None, year_of=None):
    """``IndicatorProgress`` for every indicator of a district, a plan or a queryset, in plan order.

    Three queries whatever the number of indicators, targets and figures: the indicators, their
    targets, and the approved figures up to ``year`` (a linked growth indicator uses its quantity
    indicator's figures, which are among them: the link stays within one plan). ``year_of``, if
    given, chooses each indicator's own year "as of" (at most ``year``), e.g. its district's
    latest year with data. A plan that has ended by then is judged as of its last year, its
    final result (as ``dashboards.selectors.judged_year`` judges a district whose plans have
    all ended); a year before an indicator's plan begins is not judged (``unjudged_before_plan``).
    """
    if indicators is None:
        indicators = Indicator.objects.all()
    if district is not None:
        indicators = indicators.filter(plan__district=district)
    if plan is not None:
        indicators = indicators.filter(plan=plan)
    chosen = indicators  # targets and figures read them as a subquery, never a list of ids
    indicators = list(
        chosen.select_related("plan", "plan__district", "quantity_indicator").order_by(
            "plan__district__code", "plan__start_year", "plan_id", "position"
        )
    )
    # Targets and figures as plain values: at national scale (hundreds of thousands of rows)
    # building a model instance per row would cost more than the queries themselves.
    targets = defaultdict(list)
    for indicator_id, *values in (Target.objects.filter(indicator__in=chosen).order_by("year")
                                  .values_list("indicator_id", *TARGET_FIELDS)):
        targets[indicator_id].append(TargetSpec(*values))
    # No ordering: Figure's default one joins indicator, plan and district just to sort, and the
    # engine reads figures by year.
    figures = defaultdict(list)
    approved = Figure.objects.filter(
        indicator__in=with_quantity_sources(chosen), review_status=ReviewStatus.APPROVED,
        year__lte=year
    ).order_by().values_list("indicator_id", *FIGURE_FIELDS)
    for indicator_id, *values in approved:
        figures[indicator_id].append(FigureSpec(*values))

    band = progress_band()
    rows = []
    for indicator in indicators:
        source = indicator.quantity_indicator
        spec = indicator_spec(indicator, targets[indicator.pk], source)
        own = figures[source.pk if source else indicator.pk]
        as_of = min(year_of(indicator) if year_of else year, indicator.plan.end_year)
        progress = unjudged_before_plan(compute(spec, own, as_of, band), indicator.plan.start_year)
        rows.append(IndicatorProgress(indicator, progress))
    return rows


def unjudged_before_plan(progress: Progress, start_year: int) -> Progress:
    """The engine's progress as every page and workbook shows it: a year before the plan's
    first year is not judged. 序时进度 is the progress the plan's period expects by a year, and
    the engine's E of an earlier year is only the start of its path (the baseline, or the first
    target when there is none), a value no year before the plan was asked to reach; so there is
    no expected value, actual, percent or status then (no_data), and the pages say the plan has
    not started. The targets stay, for the reader to see what is to come."""
    if progress.year >= start_year:
        return progress
    return dataclasses.replace(progress, actual=None, done=None, expected=None, percent=None,
                               expected_percent=None, status=Status.NO_DATA)


def asked_base_year(indicator: Indicator, kind: str) -> int | None:
    """The year whose quantity a growth indicator (``kind``: as judged) asks for once, when the
    plan gives no base value; None for any other indicator."""
    if kind != "growth" or indicator.quantity_indicator_id or indicator.baseline_value is not None:
        return None
    if indicator.baseline_year is not None:
        return indicator.baseline_year
    return indicator.plan.start_year - 1


def indicator_preview(*, indicator: Indicator, year: int, value=None, done=None) -> Progress:
    """The progress ``indicator`` would have for ``year`` if this value were approved (3 queries)."""
    source = indicator.quantity_indicator or indicator
    targets = list(indicator.targets.order_by("year"))
    figures = [
        figure_spec(f) for f in Figure.objects.filter(
            indicator=source, review_status=ReviewStatus.APPROVED, year__lte=year
        ).exclude(year=year)
    ]
    figures.append(FigureSpec(year, value, done, ReviewStatus.APPROVED))
    spec = indicator_spec(indicator, targets, indicator.quantity_indicator)
    return compute(spec, figures, year, progress_band())


@dataclass(frozen=True, slots=True)
class PlainIndicatorProgress:
    """An indicator read as plain values, with the engine's result."""

    pk: int
    plan_id: int
    district_id: int
    number: str
    name: str
    unit: str
    baseline_value: Decimal | None
    quantity_indicator_id: int | None
    final_target: TargetSpec | None  # the target of the year the engine judges by
    progress: Progress


# What plans_progress reads of an indicator, its plan and its quantity indicator.
PLAIN_INDICATOR_FIELDS = (
    "pk", "plan_id", "plan__district_id", "number", "name", "unit", "baseline_value",
    "quantity_indicator_id", "kind", "direction", "baseline_year", "plan__start_year",
    "plan__end_year", "quantity_indicator__baseline_year", "quantity_indicator__baseline_value",
)


def with_quantity_sources(indicators):
    """The ids of ``indicators`` and of the quantity indicators their growth indicators read
    figures from (in the same plan, but the engine's inputs stay exact even if a link left it),
    as one UNION for ``indicator__in``: PostgreSQL reads two subqueries joined by OR with a scan
    of every figure."""
    return indicators.order_by().values("pk").union(
        indicators.filter(quantity_indicator__isnull=False).order_by().values("quantity_indicator"))


def plans_progress(*, year: int, plans) -> list[PlainIndicatorProgress]:
    """The progress of every indicator of ``plans`` (a Plan queryset) as of ``year``, for reports
    across many districts: the same engine inputs and order as ``indicators_progress``, read as
    plain values instead of a model instance per indicator, target and figure.

    Three queries whatever the number of plans; the plans are a subquery, never a list of ids.
    """
    indicators = Indicator.objects.filter(plan__in=plans)
    sources = with_quantity_sources(indicators)
    # Rows stay tuples until their indicator's turn, and only the final target is kept.
    # Hundreds of thousands of spec objects alive at once would make Python's garbage
    # collector go through all of them again and again while they are built: that took
    # longer than building them.
    targets = defaultdict(list)
    for row in (Target.objects.filter(indicator__in=indicators).order_by("indicator_id", "year")
                .values_list("indicator_id", *TARGET_FIELDS)):
        targets[row[0]].append(row)
    figures = defaultdict(list)
    for row in Figure.objects.filter(
        indicator__in=sources, review_status=ReviewStatus.APPROVED, year__lte=year,
    ).order_by().values_list("indicator_id", *FIGURE_FIELDS):
        figures[row[0]].append(row)

    band = progress_band()
    rows = []
    for (pk, plan_id, district_id, number, name, unit, baseline_value, quantity_id, kind,
         direction, baseline_year, start_year, end_year, quantity_baseline_year,
         quantity_baseline_value) in indicators.order_by(
            "plan__district__code", "plan__start_year", "plan_id", "position",
    ).values_list(*PLAIN_INDICATOR_FIELDS):
        if quantity_id is not None:  # as indicator_spec: the quantity's baseline
            if quantity_baseline_year is not None:
                baseline_year = quantity_baseline_year
            own_baseline, baseline_value = baseline_value, quantity_baseline_value
        else:
            own_baseline = baseline_value
        own_targets = tuple(TargetSpec(*row[1:]) for row in targets.pop(pk, ()))
        spec = IndicatorSpec(
            kind=kind, direction=direction, baseline_year=baseline_year,
            baseline_value=baseline_value, targets=own_targets, start_year=start_year,
            end_year=end_year,
        )
        own_figures = [FigureSpec(*row[1:]) for row in figures.get(quantity_id or pk, ())]
        progress = compute(spec, own_figures, min(year, end_year), band)  # as indicators_progress
        final = next((t for t in own_targets if t.year == progress.target_year), None)
        rows.append(PlainIndicatorProgress(pk, plan_id, district_id, number, name, unit,
                                           own_baseline, quantity_id, final, progress))
    return rows


@dataclass(frozen=True)
class Reporting:
    """How far a district has reported its indicators' figures for a year."""

    indicators: int = 0  # the indicators of its plans in force that year
    approved: int = 0  # of them, with an approved figure for the year (or a milestone done before)
    submitted: int = 0  # of the others, with a figure for the year waiting for approval


def in_force(years: dict[int, int]) -> Q:
    """Indicators of the plans in force in each district's year (pk → year)."""
    q = Q(pk__in=[])
    for year in set(years.values()):
        q |= Q(plan__district__in=[pk for pk, y in years.items() if y == year],
               plan__start_year__lte=year, plan__end_year__gte=year)
    return q


def figures_reporting(years: dict[int, int]) -> dict[int, Reporting]:
    """How far each district (pk → year) has reported its indicators' figures for its year: the
    one count of the overview's cards and of the leaders' summary workbook.

    Of the indicators of the district's plans in force that year, those with an approved figure
    for the year are reported (what dashboards and reports count are approved figures): a growth
    rate linked to a quantity indicator by the quantity's figure, a milestone also by a figure
    of an earlier year saying it was done (it is not reported again). Of the others, those whose
    figure for the year waits for approval are submitted; a draft or a returned figure is not
    reported yet. A pending correction leaves the approved figure it corrects counted as it is.
    Two queries whatever the number of districts and years.
    """
    if not years:
        return {}
    indicators = Indicator.objects.filter(in_force(years))
    statuses, done_since = {}, {}  # (indicator, year) → review status; indicator → year done
    for indicator_id, year, status, done in (
            Figure.objects.originals()
            .filter(indicator__in=with_quantity_sources(indicators),
                    year__lte=max(years.values()))
            .filter(Q(year__in=set(years.values())) | Q(review_status=ReviewStatus.APPROVED,
                                                         done=True))
            .order_by().values_list("indicator_id", "year", "review_status", "done")):
        statuses[(indicator_id, year)] = status
        if done and status == ReviewStatus.APPROVED:
            done_since[indicator_id] = min(year, done_since.get(indicator_id, year))
    counts = {pk: {"indicators": 0, "approved": 0, "submitted": 0} for pk in years}
    for pk, quantity_id, district_id in (indicators.order_by()
                                         .values_list("pk", "quantity_indicator_id",
                                                      "plan__district_id")):
        year, source, count = years[district_id], quantity_id or pk, counts[district_id]
        count["indicators"] += 1
        status = statuses.get((source, year))
        if status == ReviewStatus.APPROVED or done_since.get(source, year + 1) <= year:
            count["approved"] += 1
        elif status == ReviewStatus.SUBMITTED:
            count["submitted"] += 1
    return {pk: Reporting(**count) for pk, count in counts.items()}
