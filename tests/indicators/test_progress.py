"""The progress rules, table-driven and without a database (indicators/progress.py).

Each case names the plan row it imitates, the year "as of", and what the rules give:
actual, expected value (序时进度), percent complete and status. ``None`` means "none".
"""

import ast
from decimal import Decimal as D
from pathlib import Path

import pytest

from indicators import progress
from indicators.progress import FigureSpec, IndicatorSpec, Status, TargetSpec, compute


def t(year, value, comparator=">=", original=None):
    return TargetSpec(year, D(str(value)), comparator, original_value=original)


def rng(year, low, high):
    return TargetSpec(year, None, "between", low=D(str(low)), high=D(str(high)))


def text(year, words):
    return TargetSpec(year, None, "", text=words)


def f(year, value=None, status="approved", done=None):
    return FigureSpec(year, None if value is None else D(str(value)), done, status)


def ind(kind, targets, period, base=(None, None), direction="higher"):
    year, value = base
    return IndicatorSpec(
        kind=kind, direction=direction, baseline_year=year,
        baseline_value=None if value is None else D(str(value)),
        targets=tuple(targets), start_year=period[0], end_year=period[1],
    )


# 滨海 7 有效发明专利量: 13066 (2021) → ≥25000 (2024), plan 2022–2024.
BINHAI_7 = ind("level", [t(2024, 25000)], (2022, 2024), base=(2021, 13066))
# 滨海 7 after a mid-term adjustment to 22000 (the original 25000 stays visible).
BINHAI_7_ADJUSTED = ind("level", [t(2024, 22000, original=D(25000))], (2022, 2024),
                        base=(2021, 13066))
# 保税区 12 有效专利数量: ≥12000 (2021), ≥13200 (2022), 完成 (2023); no baseline.
BAOSHUI_12 = ind("level", [t(2021, 12000), t(2022, 13200), text(2023, "完成")], (2021, 2023))
# 滨海 12 维权援助和调解办案量 (a yearly flow): 490 (2021) → ≥550 (2024).
BINHAI_12 = ind("flow", [t(2024, 550)], (2022, 2024), base=(2021, 490))
# 武清 T2 年专利申请总量: ≥10000 every year 2017–2019, no baseline.
WUQING_T2 = ind("flow", [t(2017, 10000), t(2018, 10000), t(2019, 10000)], (2017, 2019))
# 保税区 T2 PCT国际专利年均申请量: ≥10 in 2023, no baseline (a flow with no start point).
BAOSHUI_T2 = ind("flow", [t(2023, 10)], (2021, 2023))
# 保税区 9 中小微企业知识产权托管 (cumulative): ≥150 (2021), ≥300 (2022), 验收 (2023).
BAOSHUI_9 = ind("cumulative", [t(2021, 150), t(2022, 300), text(2023, "验收")], (2021, 2023))
# 滨海 T15 新增贯标认证单位 (cumulative): ≥200 by 2024.
BINHAI_T15 = ind("cumulative", [t(2024, 200)], (2022, 2024))
# A cumulative count whose plan gives a baseline (none of the five plans does).
CUMULATIVE_WITH_BASELINE = ind("cumulative", [t(2024, 400)], (2022, 2024), base=(2021, 100))
# 滨海 T2 非正常专利申请占比, lower is better: ≤1% by 2024, no baseline.
BINHAI_T2 = ind("level", [t(2024, 1, "<=")], (2022, 2024), direction="lower")
# The same measure if the plan had given a baseline of 3% in 2021 and a target of ≤1.5%.
LOWER_WITH_BASELINE = ind("level", [t(2024, 1.5, "<=")], (2022, 2024), base=(2021, 3),
                          direction="lower")
# 滨海 9 非正常专利申请撤回率, a rate where higher is better: 99.7 (2021) → ≥99.8 (2024).
BINHAI_9 = ind("level", [t(2024, 99.8)], (2022, 2024), base=(2021, 99.7))
# 滨海 T13 产业高价值专利培育示范中心 3–5 家 (a range, cumulative) by 2024.
BINHAI_T13 = ind("cumulative", [rng(2024, 3, 5)], (2022, 2024))
# 滨海 T5 质押融资登记金额年均增幅 ≥30%, using row 17's baseline 17 亿元 (2021) and figures.
BINHAI_T5 = ind("growth", [t(2024, 30)], (2022, 2024), base=(2021, 17))
# 保税区 2 质押融资金额年均增幅 ≥30% (2021, 2022), 验收 (2023); base year 2020, no value.
BAOSHUI_2 = ind("growth", [t(2021, 30), t(2022, 30), text(2023, "验收")], (2021, 2023),
                base=(2020, None))
# 朝阳 T4 转让、许可数量年均增幅 ≥20% by 2023; base year 2020, no value.
CHAOYANG_T4 = ind("growth", [t(2023, 20)], (2021, 2023), base=(2020, None))
# 滨海 T19 设立知识产权运营引导基金 (a milestone) by 2024.
BINHAI_T19 = ind("milestone", [text(2024, "设立")], (2022, 2024))
# 武清 T7 每万人有效发明专利拥有量增长率 "高于全国平均水平": growth, but only a text target.
WUQING_T7 = ind("growth", [text(2019, "高于全国平均水平")], (2017, 2019), base=(2016, None))
# 武清 T12 市、区两级试点、示范企业 超过 300 家 (strictly above) by 2019.
WUQING_T12 = ind("level", [t(2019, 300, ">")], (2017, 2019))
# A level kept at a value (保持, "="), e.g. a share held at 100%.
KEEP_AT = ind("level", [t(2024, 100, "=")], (2022, 2024))
# A flow whose expected value is exactly 100 in 2022 (targets 100 in 2022, 200 in 2024).
BAND_HIGHER = ind("flow", [t(2022, 100), t(2024, 200)], (2022, 2024))
# A lower-is-better level whose expected value is exactly 10 in 2022 (≤10 in 2022, ≤5 in 2024).
BAND_LOWER = ind("level", [t(2022, 10, "<="), t(2024, 5, "<=")], (2022, 2024), direction="lower")
# A baseline with a year but no value (the plan names the year only).
BASE_YEAR_ONLY = ind("level", [t(2024, 300)], (2022, 2024), base=(2021, None))
# A baseline value with no year.
BASE_VALUE_ONLY = ind("level", [t(2024, 300)], (2022, 2024), base=(None, 50))
# A target equal to the baseline (keep 10 as it was in 2021).
TARGET_IS_BASELINE = ind("level", [t(2024, 10)], (2022, 2024), base=(2021, 10))
NO_TARGET = ind("level", [], (2022, 2024))

A, O, R, B, N = (Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.BEHIND,
                 Status.NO_DATA)

CASES = [
    # name, indicator, figures, year, (actual, expected, percent, status)
    ("DOMAIN worked example", BINHAI_7, [f(2023, 21500)], 2023, (21500, 21022, 70.67, O)),
    ("level at risk", BINHAI_7, [f(2023, 18000)], 2023, (18000, 21022, 41.34, R)),
    ("level behind", BINHAI_7, [f(2023, 17000)], 2023, (17000, 21022, 32.96, B)),
    ("level achieved early", BINHAI_7, [f(2023, 25000)], 2023, (25000, 21022, 100, A)),
    ("first plan year", BINHAI_7, [f(2022, 17044)], 2022, (17044, 17044, 33.33, O)),
    ("last plan year", BINHAI_7, [f(2024, 24000)], 2024, (24000, 25000, 91.62, R)),
    ("year after the last target", BINHAI_7, [f(2025, 26000)], 2025, (26000, 25000, 100, A)),
    ("the baseline year itself", BINHAI_7, [f(2021, 13066)], 2021, (13066, 13066, 0, O)),
    ("no figure for the year", BINHAI_7, [f(2022, 17044)], 2023, (None, 21022, None, N)),
    ("adjusted target is used", BINHAI_7_ADJUSTED, [f(2023, 21500)], 2023,
     (21500, 19022, 94.40, O)),
    ("no baseline: start at (first year − 1, 0)", BAOSHUI_12, [f(2021, 11000)], 2021,
     (11000, 12000, 83.33, R)),
    ("text status after numeric targets", BAOSHUI_12, [f(2023, 13500)], 2023,
     (13500, 13200, 100, A)),
    ("text status year expects the last number", BAOSHUI_12, [f(2023, 12000)], 2023,
     (12000, 13200, 90.91, R)),
    ("flow with a baseline", BINHAI_12, [f(2023, 530)], 2023, (530, 530, 66.67, O)),
    ("flow, target every year", WUQING_T2, [f(2018, 9000)], 2018, (9000, 10000, 90, R)),
    ("flow meets its yearly target", WUQING_T2, [f(2018, 10500)], 2018, (10500, 10000, 100, A)),
    ("flow before its first target, no start point", BAOSHUI_T2, [f(2021, 3)], 2021,
     (3, 10, 30, B)),
    ("cumulative first year", BAOSHUI_9, [f(2021, 160)], 2021, (160, 150, 53.33, O)),
    ("cumulative running total", BAOSHUI_9, [f(2021, 160), f(2022, 120)], 2022,
     (280, 300, 93.33, R)),
    ("cumulative without this year's figure", BAOSHUI_9, [f(2021, 160)], 2022,
     (None, 300, None, N)),
    ("cumulative in the text-status year", BAOSHUI_9, [f(2021, 160), f(2022, 120), f(2023, 30)],
     2023, (310, 300, 100, A)),
    ("cumulative, a year missing adds nothing", BINHAI_T15, [f(2022, 50), f(2024, 60)], 2024,
     (110, 200, 55, B)),
    ("cumulative ignores a figure before the plan", BINHAI_T15, [f(2021, 999), f(2022, 50)],
     2022, (50, D(200) / 3, 25, B)),
    ("cumulative total never includes the baseline", CUMULATIVE_WITH_BASELINE, [f(2022, 100)],
     2022, (100, 200, 0, B)),
    ("lower is better, with a baseline", LOWER_WITH_BASELINE, [f(2023, 2)], 2023,
     (2, 2, 66.67, O)),
    ("lower is better, band edge", LOWER_WITH_BASELINE, [f(2023, 2.3)], 2023,
     (2.3, 2, 46.67, R)),
    ("lower is better, past the band", LOWER_WITH_BASELINE, [f(2023, 2.31)], 2023,
     (2.31, 2, 46, B)),
    ("lower, no baseline, flat target", BINHAI_T2, [f(2022, 1.1)], 2022, (1.1, 1, 90.91, R)),
    ("lower, no baseline, met", BINHAI_T2, [f(2022, 0.8)], 2022, (0.8, 1, 100, A)),
    ("lower, no baseline, far off", BINHAI_T2, [f(2022, 2)], 2022, (2, 1, 50, B)),
    ("lower, zero actual", BINHAI_T2, [f(2022, 0)], 2022, (0, 1, 100, A)),
    ("higher-is-better rate", BINHAI_9, [f(2023, 99.75)], 2023,
     (99.75, D("99.7") + D("0.1") * 2 / 3, 50, R)),
    ("range judged by its lower bound, on the path", BINHAI_T13, [f(2022, 1), f(2023, 1)], 2023,
     (2, 2, 66.67, O)),
    ("range met by its lower bound", BINHAI_T13, [f(2022, 1), f(2023, 1), f(2024, 1)], 2024,
     (3, 3, 100, A)),
    ("growth from a baseline value, met", BINHAI_T5, [f(2023, 30)], 2023,
     ((D(30) / 17) ** (D(1) / 2) * 100 - 100, 30, 100, A)),
    ("growth from a baseline value, behind", BINHAI_T5, [f(2023, 25)], 2023,
     ((D(25) / 17) ** (D(1) / 2) * 100 - 100, 30, 70.89, B)),
    ("growth from a base-year figure", BAOSHUI_2, [f(2020, 10), f(2021, 12.6)], 2021,
     (26, 30, 86.67, R)),
    ("growth over two years", BAOSHUI_2, [f(2020, 10), f(2022, 16.9)], 2022, (30, 30, 100, A)),
    ("growth without its base-year figure", BAOSHUI_2, [f(2021, 12.6)], 2021,
     (None, 30, None, N)),
    ("growth from a zero base", BAOSHUI_2, [f(2020, 0), f(2021, 5)], 2021, (None, 30, None, N)),
    ("growth in its base year", BAOSHUI_2, [f(2020, 10)], 2020, (None, 30, None, N)),
    ("growth before its target expects that rate", CHAOYANG_T4, [f(2020, 100), f(2021, 118)],
     2021, (18, 20, 90, R)),
    ("growth after its last target", CHAOYANG_T4, [f(2020, 100), f(2024, 207.36)], 2024,
     (20, 20, 100, A)),
    ("strictly above: equal is not met", WUQING_T12, [f(2019, 300)], 2019, (300, 300, 100, O)),
    ("strictly above: met", WUQING_T12, [f(2019, 301)], 2019, (301, 300, 100, A)),
    ("kept at a value: above is not met", KEEP_AT, [f(2024, 105)], 2024, (105, 100, 100, O)),
    ("kept at a value: met", KEEP_AT, [f(2024, 100)], 2024, (100, 100, 100, A)),
    ("band edge, higher: exactly 85%", BAND_HIGHER, [f(2022, 85)], 2022, (85, 100, 42.5, R)),
    ("band edge, higher: below 85%", BAND_HIGHER, [f(2022, 84.99)], 2022,
     (84.99, 100, 42.50, B)),
    ("band edge, higher: just under E", BAND_HIGHER, [f(2022, 99.99)], 2022,
     (99.99, 100, 50, R)),
    ("band edge, higher: exactly E", BAND_HIGHER, [f(2022, 100)], 2022, (100, 100, 50, O)),
    ("band edge, lower: exactly 115%", BAND_LOWER, [f(2022, 11.5)], 2022, (11.5, 10, 43.48, R)),
    ("band edge, lower: above 115%", BAND_LOWER, [f(2022, 11.51)], 2022, (11.51, 10, 43.44, B)),
    ("band edge, lower: exactly E", BAND_LOWER, [f(2022, 10)], 2022, (10, 10, 50, O)),
    ("baseline year without a value", BASE_YEAR_ONLY, [f(2022, 100)], 2022, (100, 100, 33.33, O)),
    ("baseline value without a year", BASE_VALUE_ONLY, [f(2022, 100)], 2022,
     (100, 100, 33.33, O)),
    ("target equal to the baseline, missed", TARGET_IS_BASELINE, [f(2022, 9)], 2022,
     (9, 10, 0, R)),
    ("target equal to the baseline, met", TARGET_IS_BASELINE, [f(2022, 10)], 2022,
     (10, 10, 100, A)),
    ("no target at all", NO_TARGET, [f(2022, 10)], 2022, (10, None, None, N)),
    ("a submitted figure does not count", BINHAI_7, [f(2023, 25000, "submitted")], 2023,
     (None, 21022, None, N)),
    ("a draft figure does not count", BINHAI_7, [f(2023, 25000, "draft")], 2023,
     (None, 21022, None, N)),
    ("a returned figure does not count", BINHAI_7, [f(2023, 25000, "returned")], 2023,
     (None, 21022, None, N)),
    ("an unapproved year breaks the running total", BAOSHUI_9,
     [f(2021, 160), f(2022, 200, "submitted")], 2022, (None, 300, None, N)),
    ("an unapproved earlier year adds nothing", BAOSHUI_9,
     [f(2021, 160, "draft"), f(2022, 200)], 2022, (200, 300, 66.67, B)),
    ("an unapproved base-year figure", BAOSHUI_2, [f(2020, 10, "submitted"), f(2021, 13)], 2021,
     (None, 30, None, N)),
    ("a figure after the year never counts", BINHAI_7, [f(2024, 25000)], 2023,
     (None, 21022, None, N)),
]


@pytest.mark.parametrize("name, spec, figures, year, expected", CASES, ids=[c[0] for c in CASES])
def test_it_follows_the_progress_rules(name, spec, figures, year, expected):
    actual, exp, percent, status = expected
    result = compute(spec, figures, year)
    assert result.status == status
    assert _same(result.actual, actual), result
    assert _same(result.expected, exp), result
    assert _same(result.percent, percent), result


MILESTONE_CASES = [
    # name, indicator, figures, year, (done, percent, status)
    ("milestone not done before its year", BINHAI_T19, [f(2023, done=False)], 2023, (False, 0, O)),
    ("milestone not done in its year", BINHAI_T19, [f(2024, done=False)], 2024, (False, 0, B)),
    ("milestone not done after its year", BINHAI_T19, [f(2025, done=False)], 2025, (False, 0, B)),
    ("milestone done before its year", BINHAI_T19, [f(2022, done=True)], 2022, (True, 100, A)),
    ("milestone done stays done", BINHAI_T19, [f(2022, done=True), f(2023, done=False)], 2024,
     (True, 100, A)),
    ("milestone with no figure yet", BINHAI_T19, [], 2023, (None, None, N)),
    ("milestone done only after the year", BINHAI_T19, [f(2024, done=True)], 2023,
     (None, None, N)),
    ("milestone done but not approved", BINHAI_T19,
     [f(2022, done=False), f(2023, done=True, status="submitted")], 2023, (False, 0, O)),
    ("all-text targets are judged as a milestone", WUQING_T7, [f(2018, done=False)], 2018,
     (False, 0, O)),
    ("all-text targets, done", WUQING_T7, [f(2019, done=True)], 2019, (True, 100, A)),
    # 武清 T7 is linked to T6 (每万人有效发明专利拥有量): T6's figures hold values, and say
    # nothing of whether T7's "高于全国平均水平" was reached.
    ("all-text targets read with a quantity's figures", WUQING_T7,
     [f(2017, 2.6), f(2018, 5.5), f(2019, 8.1)], 2019, (None, None, N)),
    ("a figure that says neither done nor not done", BINHAI_T19,
     [f(2022, done=False), f(2023, 5)], 2024, (False, 0, B)),
]


@pytest.mark.parametrize("name, spec, figures, year, expected", MILESTONE_CASES,
                         ids=[c[0] for c in MILESTONE_CASES])
def test_it_judges_milestones(name, spec, figures, year, expected):
    done, percent, status = expected
    result = compute(spec, figures, year)
    assert result.judged_as == "milestone"
    assert (result.done, result.status) == (done, status)
    assert _same(result.percent, percent)
    assert result.expected is None and result.actual is None
    assert result.target_year == spec.targets[-1].year
    assert result.target_text == spec.targets[-1].text


def test_it_reports_the_final_target_and_its_year():
    result = compute(BAOSHUI_12, [f(2023, 12500)], 2023)
    assert (result.target, result.target_year, result.target_text) == (13200, 2022, "")
    result = compute(BINHAI_T13, [f(2022, 1)], 2022)
    assert (result.target, result.target_year) == (3, 2024)


def test_the_band_is_a_parameter():
    assert compute(BAND_HIGHER, [f(2022, 85)], 2022, band=D("0.10")).status == B
    assert compute(BAND_HIGHER, [f(2022, 90)], 2022, band=D("0.10")).status == R
    assert compute(BAND_LOWER, [f(2022, 11.5)], 2022, band=D("0.10")).status == B
    assert compute(BAND_HIGHER, [f(2022, 80)], 2022, band=D("0.20")).status == R


def test_the_legend_names_every_status_once_with_its_rule():
    rows = progress.legend()
    assert [row["status"] for row in rows] == [s.value for s in progress.STATUS_ORDER]
    assert [str(row["label"]) for row in rows] == ["已完成", "正常", "预警", "滞后", "无数据"]
    assert "85%" in str(rows[2]["rule"]) and "115%" in str(rows[2]["rule"])
    assert "80%" in str(progress.legend(D("0.2"))[3]["rule"])
    assert len({row["colour"] for row in rows}) == 5
    assert all(row["icon"] for row in rows)


def test_the_module_stays_pure():
    """No ORM and no clock: the year "as of" comes in as an argument."""
    source = Path(progress.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert not any(name.startswith(("django.db", "django.apps", "django.conf")) for name in imported)
    assert not any(name in ("datetime", "time") or name.startswith("django.utils.timezone")
                   for name in imported)
    assert "now(" not in source and "today(" not in source


def _same(got, want) -> bool:
    if want is None or got is None:
        return got is want or got == want
    return abs(D(got) - D(str(want))) < D("0.005")


def test_the_expected_value_is_also_given_on_the_percent_scale():
    """The 序时进度 line of the dashboards: E(Y) through the same percent formula."""
    result = compute(BINHAI_7, [f(2023, 21500)], 2023)
    assert _same(result.expected_percent, D(200) / 3)  # two thirds of the way in 2023
    assert _same(compute(BINHAI_T2, [], 2022).expected_percent, 100)  # flat: E = T
    assert _same(compute(BINHAI_T5, [], 2023).expected_percent, 100)  # growth: E/T
    assert compute(BINHAI_T19, [], 2023).expected_percent is None  # milestones have no E
