"""The indicator and task reports read a constant number of queries whatever their size."""

from decimal import Decimal

import pytest

from indicators.models import Figure, Indicator, Target
from plans.models import District, Plan, Unit
from reporting.choices import ReviewStatus
from reports import indicators, tasks
from reports.selectors import indicator_report, task_report
from tasks.models import Task, TaskProgress, TaskSupport

pytestmark = pytest.mark.django_db


def make_plan(code: str, size: int) -> Plan:
    """A 2022–2024 plan with ``size`` indicators (figures for 2022 and 2023) and ``size`` task
    rows under two levels of headings, each with a supporting unit and approved progress."""
    district = District.objects.create(code=code, name=f"{code}区")
    plan = Plan.objects.create(district=district, title=f"{code}方案", start_year=2022,
                               end_year=2024)
    kinds = ["level", "flow", "cumulative", "growth", "milestone"]
    for n in range(size):
        kind = kinds[n % len(kinds)]
        indicator = Indicator.objects.create(
            plan=plan, position=n, number=str(n + 1), name=f"指标{n}", kind=kind, unit="件",
            category="创造" if n % 2 else "保护", baseline_year=2021,
            baseline_value=None if kind == "milestone" else Decimal(100))
        if kind == "milestone":
            Target.objects.create(indicator=indicator, year=2024, comparator="", text="建成")
        else:
            Target.objects.create(indicator=indicator, year=2023, value=Decimal(150),
                                  original_value=Decimal(140), adjustment_reason="调整")
            Target.objects.create(indicator=indicator, year=2024, value=Decimal(200))
        for year in (2022, 2023):
            Figure.objects.create(indicator=indicator, year=year, value=Decimal(120),
                                  done=kind == "milestone", note="说明",
                                  review_status=ReviewStatus.APPROVED)
    lead = Unit.objects.create(district=district, name="牵头局")
    helper = Unit.objects.create(district=district, name="配合局")
    group = Task.objects.create(plan=plan, position=0, number="（一）", text="（一）行动")
    heading = Task.objects.create(plan=plan, parent=group, position=1, number="1.", text="1.任务")
    for n in range(size):
        task = Task.objects.create(plan=plan, parent=heading, position=n + 2,
                                   number=f"（{n + 1}）", text=f"子项{n}", lead_unit=lead)
        TaskSupport.objects.create(task=task, unit=helper)
        TaskProgress.objects.create(task=task, year=2023, quarter=n % 5, status="delayed",
                                    percent=10, reason="原因", remedy="措施",
                                    review_status=ReviewStatus.APPROVED)
    return plan


@pytest.mark.parametrize("size", [5, 40])
def test_the_indicator_report_runs_the_same_queries_at_any_size(size, django_assert_num_queries):
    plan = make_plan(f"iq{size}", size)
    # 3 per year shown (2022, 2023), the targets, the figures' notes
    with django_assert_num_queries(8):
        report = indicator_report(district=plan.district, plan=plan, year=2023)
        indicators.workbook_bytes(report)
    assert len(report.rows) == size
    assert report.actual_years == [2022, 2023]


@pytest.mark.parametrize("size", [5, 40])
def test_the_task_report_runs_the_same_queries_at_any_size(size, django_assert_num_queries):
    plan = make_plan(f"tq{size}", size)
    unit = Unit.objects.get(district=plan.district, name="配合局")
    with django_assert_num_queries(4):
        report = task_report(district=plan.district, year=2023, unit=unit)
        tasks.workbook_bytes(report)
    assert len(report.rows) == size
    assert {row.status for row in report.rows} == {"delayed"}
