"""Writes for indicators: saving a plan's figures for a year (the entry grid and the Excel upload)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Figure, Indicator, Target
from indicators.progress import FigureSpec, Progress, Status, compute
from indicators.selectors import (
    FIGURE_FIELDS, asked_base_year, indicator_spec, indicators_progress, progress_band,
    with_quantity_sources,
)
from indicators.validation import FigureCheck, check_figure, is_ratio
from reporting.choices import ReviewStatus
from reporting.services import (
    EntryError, EntryInput, entries_save, explains_only, missing_reason,
)

KEY_FIELDS = ("indicator_id", "year")


class FigureSaveError(Exception):
    """Nothing was saved. ``errors`` maps indicator id → field → messages; ``warnings`` likewise."""

    def __init__(self, errors: dict, warnings: dict | None = None):
        super().__init__(_("有数据未通过检查，未保存任何数据。"))
        self.errors = errors
        self.warnings = warnings or {}


@dataclass
class FigureRow:
    """What a user asks to store for one indicator (for the grid's year, or ``year``)."""

    indicator: Indicator
    version: int
    value: Decimal | None = None
    done: bool | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""
    change_reason: str = ""
    reason: str = ""
    remedy: str = ""
    evidence_link: str = ""
    evidence_file: object = None
    year: int | None = None  # another year than the grid's: a growth indicator's base year

    @property
    def is_empty(self) -> bool:
        return all(v in (None, "") for v in (
            self.value, self.done, self.numerator, self.denominator, self.note, self.reason,
            self.remedy, self.evidence_link, self.evidence_file))


@dataclass
class GridRow:
    """One indicator of the entry grid, with everything the page shows beside the inputs."""

    indicator: Indicator
    kind: str  # as judged: a growth indicator with text targets only is a milestone
    figure: Figure | None
    target: Target | None
    last_value: Decimal | None
    progress: Progress
    previous: Progress | None
    base_year: int | None = None  # a growth indicator's base year, when its quantity is asked
    base_figure: Figure | None = None
    ratio: bool = False
    errors: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    red_rates: list = field(default_factory=list)  # growth rates red on this row's quantity

    @property
    def needs_reason(self) -> bool:
        """Red last year: the lead unit gives the reason and the remedy (原因 / 整改措施)."""
        return self.previous is not None and self.previous.status == Status.BEHIND

    @property
    def red(self) -> bool:
        """Red this year by its approved figure: the lead unit explains why and what it will do,
        on that figure, which stays approved (or on its pending correction)."""
        return ((self.progress.status == Status.BEHIND or bool(self.red_rates))
                and self.figure is not None and self.figure.approved_entry is not None)

    @property
    def linked(self) -> bool:
        return self.indicator.quantity_indicator_id is not None


def grid_rows(*, plan, year: int) -> list[GridRow]:
    """Every indicator of ``plan`` for the entry grid of ``year``. Six queries at any size.

    The year's progress comes from ``indicators_progress``; last year's (does the row need a
    reason and a remedy?) from the same engine, on the targets and approved figures read here.
    """
    current = indicators_progress(year=year, plan=plan)
    ids = [r.indicator.pk for r in current]
    targets = defaultdict(list)
    for target in Target.objects.filter(indicator_id__in=ids).order_by("year"):
        targets[target.indicator_id].append(target)
    approved = defaultdict(list)
    for indicator_id, *values in (
            Figure.objects.filter(
                indicator__in=with_quantity_sources(Indicator.objects.filter(plan=plan)),
                year__lt=year, review_status=ReviewStatus.APPROVED)
            .order_by().values_list("indicator_id", *FIGURE_FIELDS)):
        approved[indicator_id].append(FigureSpec(*values))
    base_years = {r.indicator.pk: asked_base_year(r.indicator, r.progress.judged_as)
                  for r in current}
    years = {year, year - 1} | {y for y in base_years.values() if y}
    figures = {
        (f.indicator_id, f.year): f
        for f in Figure.objects.working().filter(indicator_id__in=ids, year__in=years)
        .select_related("updated_by", "corrects")
    }
    band = progress_band()
    rows = []
    for row in current:
        indicator, pk = row.indicator, row.indicator.pk
        source = indicator.quantity_indicator
        spec = indicator_spec(indicator, targets[pk], source)
        previous = compute(spec, approved[source.pk if source else pk], year - 1, band)
        last = figures.get((pk, year - 1))
        base_year = base_years[pk]
        rows.append(GridRow(
            indicator=indicator,
            kind=row.progress.judged_as,
            figure=figures.get((pk, year)),
            target=next((t for t in targets[pk] if t.year == year), None),
            last_value=last.approved_entry.value if last and last.approved_entry else None,
            progress=row.progress,
            previous=previous,
            base_year=base_year,
            base_figure=figures.get((pk, base_year)) if base_year else None,
            ratio=row.progress.judged_as in ("level", "flow")
            and is_ratio(indicator.name, indicator.unit),
        ))
    # A red growth rate computed from another row's figures is explained on that row.
    by_pk = {r.indicator.pk: r for r in rows}
    for row in rows:
        source = by_pk.get(row.indicator.quantity_indicator_id)
        if source is not None and row.progress.status == Status.BEHIND:
            source.red_rates.append(row.indicator.number)
    return rows


def figure_row_check(row: FigureRow, grid: GridRow, year: int) -> FigureCheck:
    """The checks of one figure row against its grid row (shared by the grid and the upload)."""
    kind = grid.kind
    last = grid.last_value if (row.year or year) == year else None
    check = check_figure(
        kind=kind, name=row.indicator.name, unit=row.indicator.unit, value=row.value,
        numerator=row.numerator, denominator=row.denominator, last_value=last, note=row.note,
        move_share=Decimal(str(settings.ENTRY_MOVE_WARNING)),
    )
    if kind == "growth" and grid.linked and row.value is not None and row.year in (None, year):
        check.error("value", _("此指标使用指标 %(number)s 的数据，请在该指标处填报。")
                    % {"number": row.indicator.quantity_indicator.number})
    if row.year not in (None, year) and row.year != grid.base_year:
        check.error("value", _("只能填报本年或基期年份的数据。"))
    has_value = row.value is not None or row.done is not None or check.value is not None
    if grid.needs_reason and has_value and row.year in (None, year):
        if not row.reason.strip():
            check.error("reason", _("该指标上年为滞后，请填写滞后原因。"))
        if not row.remedy.strip():
            check.error("remedy", _("该指标上年为滞后，请填写整改措施。"))
    return check


def figures_save(*, plan, year: int, rows: list[FigureRow], user, grid: list[GridRow] | None = None):
    """Check every row, then save them all in one transaction, or nothing.

    Raises ``FigureSaveError`` with the errors (and the move warnings that still need a note)
    of each indicator, or the conflict message of a figure someone else saved meanwhile.
    """
    grid = {g.indicator.pk: g for g in (grid or grid_rows(plan=plan, year=year))}
    errors, warnings, inputs = defaultdict(dict), defaultdict(list), []
    for row in rows:
        item = grid.get(row.indicator.pk)
        if item is None or row.indicator.plan_id != plan.pk:
            errors[row.indicator.pk]["value"] = [_("此指标不属于本方案。")]
            continue
        check = figure_row_check(row, item, year)
        target_year = row.year or year
        existing = item.figure if target_year == year else item.base_figure
        values = {
            "value": check.value, "done": row.done, "numerator": row.numerator,
            "denominator": row.denominator, "note": row.note.strip(),
            "reason": row.reason.strip(), "remedy": row.remedy.strip(),
            "evidence_link": row.evidence_link.strip(),
        }
        if check.errors:
            errors[row.indicator.pk].update(check.errors)
        # said with the row's other errors at once; a stale row gets the conflict message instead
        stale = (existing.version if existing else 0) != row.version
        missing = "" if stale else missing_reason(existing, values, row.change_reason,
                                                  files=bool(row.evidence_file))
        if missing:
            errors[row.indicator.pk]["change_reason"] = [missing]
        # only a reason and remedy given: the value's warnings were answered at its approval
        if check.warnings and not explains_only(existing, values, files=bool(row.evidence_file)):
            warnings[row.indicator.pk].extend(check.warnings)
        if row.evidence_file:
            values["evidence_file"] = row.evidence_file
        if existing is None and row.is_empty:
            continue
        inputs.append(EntryInput(key=(row.indicator.pk, target_year), version=row.version,
                                 values=values, reason=row.change_reason))
    if errors or warnings:
        raise FigureSaveError(dict(errors), dict(warnings))
    try:
        return entries_save(model=Figure, key_fields=KEY_FIELDS, inputs=inputs, user=user)
    except EntryError as exc:  # a missing reason is said beside 修改原因, a conflict by the value
        raise FigureSaveError({
            key[0]: {"change_reason" if key in exc.needs_reason else "value": [message]}
            for key, message in exc.errors.items()})


def target_adjust(*, target: Target, value: Decimal, reason: str, user) -> Target:
    """Adjust a target mid-plan; the original value stays, history records who and when."""
    reason = reason.strip()
    if not reason:
        raise ValueError(_("调整目标须填写调整原因。"))
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target.pk)
        if target.original_value is None:
            target.original_value = target.value
        target.value = value
        target.adjustment_reason = reason
        target.adjusted_by, target.adjusted_at = user, timezone.now()
        target._change_reason = reason[:100]
        target._history_user = user
        target.save()
    return target
