"""The progress engine: actual, expected value (序时进度), percent complete and status.

Pure: plain values in, one ``Progress`` out. No ORM, no clock: the year "as of" is an argument.
The rules are those of ``shared/DOMAIN.md`` ("The progress rules"); this module is the one
place they are written in code, and every page, report and command reads its results.

1. Actual A(Y). level, flow: the approved figure for Y. cumulative: the sum of the approved
   figures from the plan's first year to Y (the baseline is never added). growth: the average
   annual growth of the quantity from the base year B (the baseline year, else the year before
   the plan starts) to Y, ((q(Y) / q(B)) ^ (1 / (Y − B)) − 1) × 100, where q(B) is the baseline
   value when the plan gives one, else the figure for B. milestone: done if any figure up to Y
   says done.
2. Final target T: the last target with a number (a range counts by its lower bound); text
   targets (验收, 完成) in a later year do not replace it.
3. Expected E(Y): a straight line through the start point and the numeric targets; growth: the
   target rate for Y, else the next target's rate, else T. Milestones have no E.
4. Percent complete, clamped to 0–100.
5. Status, the first that applies: no_data, achieved, on_track, at_risk, behind. The band
   (15% by default) is ``settings.PROGRESS_BAND``; callers pass it in.

Decisions where the rules are silent (each has a row in tests/indicators/test_progress.py):
- An indicator whose targets are all text statuses is judged as a milestone, whatever its kind
  (武清 T7 growth "高于全国平均水平"); its figures then say done / not done. Only figures that
  say done or not done count for a milestone: 武清 T7 is linked to T6, whose figures hold
  values and say nothing of T7's target, so T7 has no data rather than staying behind.
- A milestone's target year is the year of its last target.
- Cumulative: a plan year with no approved figure adds nothing to the running total; the figure
  for Y itself must be there (no figure for Y, no actual).
- For a year at or before the start point, E(Y) is the start value.
- With no target at all an indicator cannot be judged: status no_data, whatever was reported.
- The "=" comparator (保持) is met only by the exact value.
- A growth rate from a non-positive quantity has no actual (q(B) ≤ 0, or q(Y) < 0).
- A figure of a year after Y never counts, and neither does one that is not approved.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Iterable, Sequence

from django.utils.translation import gettext_lazy as _

from ipops.numbers import plain_number
from django.utils.translation import pgettext_lazy

DEFAULT_BAND = Decimal("0.15")
HUNDRED = Decimal(100)

LEVEL, FLOW, CUMULATIVE, GROWTH, MILESTONE = "level", "flow", "cumulative", "growth", "milestone"
HIGHER, LOWER = "higher", "lower"
APPROVED = "approved"


class Status(str, enum.Enum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    NO_DATA = "no_data"

    @property
    def label(self):
        return STATUS_STYLE[self]["label"]

    @property
    def colour(self) -> str:
        return STATUS_STYLE[self]["colour"]

    @property
    def icon(self) -> str:
        return STATUS_STYLE[self]["icon"]


# The one place for the status words, colours (screen and Excel fill) and icons.
STATUS_STYLE = {
    Status.ACHIEVED: {"label": pgettext_lazy("indicator status", "已完成"),
                      "colour": "#1a5fb4", "fill": "CFE2FF", "icon": "★"},
    Status.ON_TRACK: {"label": pgettext_lazy("indicator status", "正常"),
                      "colour": "#1e7e34", "fill": "D1F0D8", "icon": "●"},
    Status.AT_RISK: {"label": pgettext_lazy("indicator status", "预警"),
                     "colour": "#b7791f", "fill": "FFF1C2", "icon": "▲"},
    Status.BEHIND: {"label": pgettext_lazy("indicator status", "滞后"),
                    "colour": "#c62828", "fill": "F8D0D0", "icon": "✖"},
    Status.NO_DATA: {"label": pgettext_lazy("indicator status", "无数据"),
                     "colour": "#6b7785", "fill": "E5E7EB", "icon": "○"},
}
STATUS_ORDER = [Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.BEHIND, Status.NO_DATA]


def legend(band: Decimal = DEFAULT_BAND) -> list[dict]:
    """The status legend shown next to every colour: word, colour, icon and the rule."""
    low = plain_number((1 - band) * HUNDRED)
    high = plain_number((1 + band) * HUNDRED)
    rules = {
        Status.ACHIEVED: _("实际值已达到最终目标（里程碑已完成）"),
        Status.ON_TRACK: _("实际值达到序时进度"),
        Status.AT_RISK: _("未达序时进度，但不低于其 %(low)s%%（越低越好的指标：不高于 %(high)s%%）")
        % {"low": low, "high": high},
        Status.BEHIND: _("低于序时进度的 %(low)s%%（越低越好的指标：高于 %(high)s%%）；里程碑到期未完成")
        % {"low": low, "high": high},
        Status.NO_DATA: _("本年没有已审核的实际值"),
    }
    return [
        {"status": s.value, "label": s.label, "colour": s.colour, "fill": STATUS_STYLE[s]["fill"],
         "icon": s.icon, "rule": rules[s]}
        for s in STATUS_ORDER
    ]


# The engine's inputs and results have slots, no dict each: a report across hundreds of
# districts holds tens of thousands of them at once, and the garbage collector scans every
# object alive again and again while the workbook is written (a sixth of its time).
@dataclass(frozen=True, slots=True)
class TargetSpec:
    """A target as stored: a number (the adjusted one, if adjusted), a range, or a text status."""

    year: int
    value: Decimal | None = None
    comparator: str = ">="
    low: Decimal | None = None
    high: Decimal | None = None
    text: str = ""
    original_value: Decimal | None = None  # shown to readers; progress uses ``value``

    @property
    def number(self) -> Decimal | None:
        """The number the target is judged by: the value, or a range's lower bound."""
        if self.comparator == "between":
            return self.low
        if self.comparator == "":
            return None
        return self.value


@dataclass(frozen=True, slots=True)
class FigureSpec:
    year: int
    value: Decimal | None = None
    done: bool | None = None
    status: str = APPROVED


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    kind: str
    direction: str = HIGHER
    baseline_year: int | None = None
    baseline_value: Decimal | None = None
    targets: Sequence[TargetSpec] = ()
    start_year: int = 0  # the plan period
    end_year: int = 0


@dataclass(frozen=True, slots=True)
class Progress:
    year: int
    judged_as: str
    actual: Decimal | None
    done: bool | None
    expected: Decimal | None
    target: Decimal | None
    target_year: int | None
    target_text: str
    percent: Decimal | None
    status: Status
    start: tuple[int, Decimal] | None = None
    points: tuple = field(default=(), repr=False)
    expected_percent: Decimal | None = None  # where 序时进度 stands on the same 0–100 scale

    @property
    def label(self):
        return self.status.label

    @property
    def colour(self) -> str:
        return self.status.colour


def judged_kind(kind: str, targets: Iterable[TargetSpec]) -> str:
    """The kind progress is judged as: a milestone when every target is a text status."""
    targets = list(targets)
    if kind != MILESTONE and targets and all(t.number is None for t in targets):
        return MILESTONE
    return kind


def _approved(figures: Iterable[FigureSpec], until: int, kind: str) -> dict[int, FigureSpec]:
    """The approved figures up to ``until`` by year. A milestone reads only figures that say
    done or not done: a growth rate judged as a milestone (its targets are all text) may be
    linked to a quantity indicator, whose figures hold values, not whether it was reached."""
    return {f.year: f for f in figures if f.status == APPROVED and f.year <= until
            and (kind != MILESTONE or f.done is not None)}


def _actual(spec: IndicatorSpec, kind: str, figures: dict[int, FigureSpec], year: int):
    """A(Y) as a Decimal (or a bool for milestones); None when there is none."""
    if kind == MILESTONE:
        if not figures:
            return None
        return any(f.done for f in figures.values())
    current = figures.get(year)
    if current is None or current.value is None:
        return None
    if kind in (LEVEL, FLOW):
        return current.value
    if kind == CUMULATIVE:
        return sum(
            (f.value for y, f in figures.items() if y >= spec.start_year and f.value is not None),
            Decimal(0),
        )
    if kind == GROWTH:
        base_year = spec.baseline_year if spec.baseline_year is not None else spec.start_year - 1
        if year <= base_year:
            return None
        if spec.baseline_value is not None:
            base = spec.baseline_value
        else:
            base_figure = figures.get(base_year)
            base = base_figure.value if base_figure else None
        if base is None or base <= 0 or current.value < 0:
            return None
        try:
            ratio = (current.value / base) ** (Decimal(1) / Decimal(year - base_year))
        except InvalidOperation:
            return None
        return (ratio - 1) * HUNDRED
    raise ValueError(f"unknown indicator kind {kind!r}")


def _start_point(spec: IndicatorSpec, kind: str) -> tuple[int, Decimal] | None:
    if spec.baseline_year is not None and spec.baseline_value is not None:
        return spec.baseline_year, spec.baseline_value
    if kind in (LEVEL, CUMULATIVE) and spec.direction == HIGHER:
        return spec.start_year - 1, Decimal(0)
    return None


def _expected(kind: str, start, numeric: list[tuple[int, Decimal]], year: int) -> Decimal:
    """E(Y) on the path through ``start`` and the numeric targets (sorted by year)."""
    by_year = dict(numeric)
    if year in by_year:
        return by_year[year]
    if kind == GROWTH:
        later = [value for y, value in numeric if y > year]
        return later[0] if later else numeric[-1][1]
    points = ([start] if start else []) + [p for p in numeric if not start or p[0] > start[0]]
    if year <= points[0][0]:
        return points[0][1]
    if year >= points[-1][0]:
        return numeric[-1][1]
    for (y0, v0), (y1, v1) in zip(points, points[1:]):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * Decimal(year - y0) / Decimal(y1 - y0)
    raise AssertionError("unreachable: year lies between two points")


def meets(actual: Decimal, comparator: str, target: Decimal) -> bool:
    """Whether an actual meets a target by its comparator (a range by its lower bound)."""
    if comparator in (">=", "between"):
        return actual >= target
    if comparator == ">":
        return actual > target
    if comparator == "<=":
        return actual <= target
    if comparator == "<":
        return actual < target
    if comparator == "=":
        return actual == target
    raise ValueError(f"no number to compare with for comparator {comparator!r}")


def _percent(kind, direction, actual, target, comparator, start) -> Decimal:
    met = meets(actual, comparator, target)
    s = start[1] if start and kind != GROWTH else None
    if kind == GROWTH:
        ratio = (actual, target)
    elif direction == HIGHER:
        s = s if s is not None else Decimal(0)
        ratio = (actual - s, target - s)
    elif s is not None:
        ratio = (s - actual, s - target)
    elif met:
        return HUNDRED
    else:
        ratio = (target, actual)
    if (s is not None and target == s) or ratio[1] == 0:
        return HUNDRED if met else Decimal(0)
    value = ratio[0] / ratio[1] * HUNDRED
    return min(HUNDRED, max(Decimal(0), value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def compute(
    spec: IndicatorSpec,
    figures: Iterable[FigureSpec],
    year: int,
    band: Decimal = DEFAULT_BAND,
) -> Progress:
    """The progress of one indicator as of ``year``; only approved figures count."""
    targets = sorted(spec.targets, key=lambda t: t.year)
    kind = judged_kind(spec.kind, targets)
    approved = _approved(figures, year, kind)
    actual = _actual(spec, kind, approved, year)

    if kind == MILESTONE:
        final = targets[-1] if targets else None
        target_year = final.year if final else None
        done = actual if actual is not None else None
        if actual is None or final is None:
            status = Status.NO_DATA
        elif actual:
            status = Status.ACHIEVED
        elif year < target_year:
            status = Status.ON_TRACK
        else:
            status = Status.BEHIND
        percent = None if actual is None else (HUNDRED if actual else Decimal(0))
        return Progress(year, kind, None, done, None, None, target_year,
                        final.text if final else "", percent, status)

    numeric = [(t.year, t.number, t) for t in targets if t.number is not None]
    start = _start_point(spec, kind)
    if not numeric:
        return Progress(year, kind, actual, None, None, None, None, "", None, Status.NO_DATA, start)
    final_year, final_value, final_target = numeric[-1]
    points = [(y, v) for y, v, _t in numeric]
    expected = _expected(kind, start, points, year)
    expected_percent = _percent(kind, spec.direction, expected, final_value,
                                final_target.comparator, start)
    lower = spec.direction == LOWER
    if actual is None:
        return Progress(year, kind, None, None, expected, final_value, final_year, "", None,
                        Status.NO_DATA, start, tuple(points), expected_percent)

    percent = _percent(kind, spec.direction, actual, final_value, final_target.comparator, start)
    if meets(actual, final_target.comparator, final_value):
        status = Status.ACHIEVED
    elif (actual <= expected) if lower else (actual >= expected):
        status = Status.ON_TRACK
    elif (actual <= (1 + band) * expected) if lower else (actual >= (1 - band) * expected):
        status = Status.AT_RISK
    else:
        status = Status.BEHIND
    return Progress(year, kind, actual, None, expected, final_value, final_year, "", percent,
                    status, start, tuple(points), expected_percent)
