"""The progress selector: every indicator of a district or plan, in a constant number of queries."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.choices import ReviewStatus
from indicators.models import Figure, Indicator, Target
from indicators.selectors import indicators_progress
from plans.models import District, Plan

pytestmark = pytest.mark.django_db


def make_plan(code: str, size: int) -> Plan:
    district = District.objects.create(code=code, name=f"{code}区")
    plan = Plan.objects.create(district=district, title=f"{code} 方案", start_year=2022, end_year=2024)
    quantity = None
    for n in range(size):
        kind = "growth" if n % 5 == 4 else "level"
        indicator = Indicator.objects.create(
            plan=plan, position=n, number=str(n + 1), name=f"指标{n + 1}", kind=kind,
            baseline_year=2021, baseline_value=Decimal(100),
            quantity_indicator=quantity if kind == "growth" else None,
        )
        quantity = indicator if kind == "level" else quantity
        Target.objects.create(indicator=indicator, year=2024, value=Decimal(200))
        for year in (2022, 2023):
            Figure.objects.create(indicator=indicator, year=year, value=Decimal(150),
                                  review_status=ReviewStatus.APPROVED)
    return plan


@pytest.mark.parametrize("size", [5, 50])
def test_it_runs_three_queries_whatever_the_size(size, django_assert_num_queries):
    plan = make_plan(f"size{size}", size)
    with django_assert_num_queries(3):
        rows = indicators_progress(year=2023, district=plan.district)
        statuses = [row.progress.status for row in rows]
    assert len(rows) == size
    assert all(status.value != "no_data" for status in statuses)


def test_targets_and_figures_are_read_with_a_subquery_not_a_list_of_ids():
    """SQLite takes at most 32,766 parameters in a query: a list of every indicator's id would
    fail for the overview of a few hundred districts. The same SQL, whatever the size."""
    shapes = []
    for size in (3, 30):
        plan = make_plan(f"ids{size}", size)
        with CaptureQueriesContext(connection) as captured:
            assert len(indicators_progress(year=2023, district=plan.district)) == size
        shapes.append([re.sub(r"\d+", "N", query["sql"]) for query in captured.captured_queries])
    assert len(shapes[0]) == 3
    assert shapes[0] == shapes[1]


def test_it_gives_every_indicator_of_a_district_in_plan_order():
    binhai = District.objects.get(code="binhai")
    rows = indicators_progress(year=2023, district=binhai)
    assert [r.indicator.number for r in rows] == list(
        Indicator.objects.filter(plan__district=binhai).order_by("position")
        .values_list("number", flat=True)
    )


def test_a_linked_growth_indicator_uses_its_quantity_indicators_figures():
    plan = make_plan("linked", 5)
    growth = Indicator.objects.get(plan=plan, number="5")
    assert growth.quantity_indicator.number == "4"
    Figure.objects.filter(indicator__plan=plan, indicator__number="4", year=2023).update(
        value=Decimal(121)
    )
    row = {r.indicator.number: r for r in indicators_progress(year=2023, plan=plan)}["5"]
    # 100 (baseline 2021) → 121 (2023): 10% a year.
    assert row.progress.actual.quantize(Decimal("0.0001")) == Decimal("10.0000")
