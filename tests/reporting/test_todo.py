"""The to-do list (reporting/todo.py): what each role has to do, with links and deadlines."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Figure, Indicator
from plans.models import District, Plan, Unit
from reporting.choices import ReviewStatus
from reporting.models import ReportingRound
from reporting.todo import (
    APPROVE, BEHIND, DASHBOARD, DELAYED, ENTRY, FLAGS, PROGRESS, RETURNED_FIGURES,
    RETURNED_PROGRESS, ROUND, ROUNDS, todo_for,
)
from tasks.choices import ProgressStatus
from tasks.models import Task, TaskProgress

pytestmark = pytest.mark.django_db

BEFORE = datetime.date(2025, 1, 20)  # 11 days before the 2024 round's deadline
AFTER = datetime.date(2025, 2, 5)  # 5 days after it
MAIN_UNIT = "区市场监管局（知识产权局）"


@pytest.fixture
def round_2024(admin_user_portal):
    return ReportingRound.objects.create(year=2024, deadline=datetime.date(2025, 1, 31),
                                         is_open=True, opened_by=admin_user_portal)


def binhai_plan() -> Plan:
    return Plan.objects.get(district__code="binhai")


def owed(plan) -> list[Indicator]:
    return list(plan.indicators.filter(quantity_indicator__isnull=True).order_by("position"))


def unit_rows(code="binhai", unit=MAIN_UNIT):
    return list(Task.objects.rows().filter(plan__district__code=code, lead_unit__name=unit)
                .order_by("position"))


def fresh(user):
    """The user as a new request would load it (no cached profile)."""
    return get_user_model().objects.get(pk=user.pk)


def by_kind(items, kind):
    return [item for item in items if item.kind == kind]


# Reporters.

def test_it_asks_a_reporter_for_the_figures_still_to_submit(reporter_binhai, round_2024):
    plan = binhai_plan()
    indicators = owed(plan)
    for status, indicator in zip(
        [ReviewStatus.APPROVED, ReviewStatus.SUBMITTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED],
        indicators,
    ):
        Figure.objects.create(indicator=indicator, year=2024, value=1, review_status=status)
    [item] = by_kind(todo_for(fresh(reporter_binhai), BEFORE), ENTRY)
    assert item.count == len(indicators) - 2 == 38  # 40 own indicators (T5 uses row 17's figures)
    assert item.url == reverse("indicators:entry_grid", args=["binhai", plan.pk, 2024])
    assert "2024" in item.title and plan.title in item.detail
    assert item.due == datetime.date(2025, 1, 31)
    assert (item.days_left, item.overdue, item.due_text) == (11, False, "剩余 11 天")


def test_it_says_how_many_days_overdue(reporter_binhai, round_2024):
    [item] = by_kind(todo_for(fresh(reporter_binhai), AFTER), ENTRY)
    assert (item.days_left, item.overdue, item.overdue_days) == (-5, True, 5)
    assert item.due_text == "已逾期 5 天"
    assert item.due_class == "overdue"


def test_it_says_today_on_the_deadline(reporter_binhai, round_2024):
    [item] = by_kind(todo_for(fresh(reporter_binhai), datetime.date(2025, 1, 31)), ENTRY)
    assert item.due_text == "今天截止" and not item.overdue


def test_it_asks_nothing_for_a_round_outside_the_districts_plans(reporter_binhai):
    ReportingRound.objects.create(year=2025, deadline=datetime.date(2026, 1, 31), is_open=True)
    items = todo_for(fresh(reporter_binhai), BEFORE)
    assert not by_kind(items, ENTRY) and not by_kind(items, PROGRESS)


def test_it_asks_nothing_for_a_closed_round(reporter_binhai, round_2024):
    round_2024.is_open = False
    round_2024.save()
    assert not by_kind(todo_for(fresh(reporter_binhai), BEFORE), ENTRY)


def test_it_asks_a_reporter_for_their_units_task_progress(reporter_binhai, round_2024):
    rows = unit_rows()
    assert len(rows) == 64
    for task, status in zip(rows, [ReviewStatus.APPROVED, ReviewStatus.SUBMITTED, ReviewStatus.DRAFT]):
        TaskProgress.objects.create(task=task, year=2024, quarter=0, review_status=status)
    # A quarterly entry does not count as the year's report.
    TaskProgress.objects.create(task=rows[5], year=2024, quarter=3,
                                review_status=ReviewStatus.APPROVED)
    [item] = by_kind(todo_for(fresh(reporter_binhai), BEFORE), PROGRESS)
    assert item.count == 62
    assert item.url == reverse("tasks:progress_list", args=["binhai", 2024])
    assert item.days_left == 11


def test_it_lists_what_was_returned_to_the_reporter(reporter_binhai, round_2024):
    plan = binhai_plan()
    first, second = owed(plan)[:2]
    for indicator in (first, second):
        Figure.objects.create(indicator=indicator, year=2023, value=1,
                              review_status=ReviewStatus.RETURNED, return_reason="口径不一致")
    mine = unit_rows()[0]
    other = Task.objects.rows().filter(plan=plan).exclude(lead_unit__name=MAIN_UNIT).first()
    TaskProgress.objects.create(task=mine, year=2024, review_status=ReviewStatus.RETURNED,
                                return_reason="请补充佐证材料")
    TaskProgress.objects.create(task=other, year=2024, review_status=ReviewStatus.RETURNED)
    items = todo_for(fresh(reporter_binhai), BEFORE)

    [figures] = by_kind(items, RETURNED_FIGURES)
    assert figures.count == 2
    assert figures.url == reverse("indicators:entry_grid", args=["binhai", plan.pk, 2023])
    assert f"{first.number}、{second.number}" in figures.detail and "口径不一致" in figures.detail
    assert figures.due is None  # no round for 2023
    [progress] = by_kind(items, RETURNED_PROGRESS)  # the other unit's entry is not theirs
    assert progress.url == reverse("tasks:progress_entry", args=[mine.pk, 2024])
    assert "请补充佐证材料" in progress.detail
    assert progress.due_text == "剩余 11 天"


def test_it_shows_red_items_for_indicators_behind_and_delayed_tasks(reporter_binhai, round_2024,
                                                                   client_for):
    plan = binhai_plan()
    patents = plan.indicators.get(number="7")  # 13066 in 2021 → 25000 in 2024
    Figure.objects.create(indicator=patents, year=2024, value=Decimal(15000),
                          review_status=ReviewStatus.APPROVED)
    Figure.objects.create(indicator=plan.indicators.get(number="3"), year=2024, value=Decimal(40),
                          review_status=ReviewStatus.APPROVED)  # achieved: no item
    task = unit_rows()[3]
    TaskProgress.objects.create(task=task, year=2024, status=ProgressStatus.DELAYED,
                                review_status=ReviewStatus.APPROVED)
    TaskProgress.objects.create(task=unit_rows()[4], year=2024, quarter=2,
                                status=ProgressStatus.DELAYED)
    TaskProgress.objects.create(task=unit_rows()[4], year=2024, quarter=3,
                                status=ProgressStatus.IN_PROGRESS)  # no longer delayed
    items = todo_for(fresh(reporter_binhai), BEFORE)

    [behind] = by_kind(items, BEHIND)
    assert behind.red and "7. 有效发明专利量" in behind.title
    assert behind.url == reverse("indicators:entry_grid", args=["binhai", plan.pk, 2024])
    grid = client_for(reporter_binhai).get(behind.url).content.decode()
    row = grid[grid.index(f'id="ind-{patents.pk}"'):]
    assert "本年滞后：请说明原因和整改措施" in row[:row.index('id="ind-', 10)]  # asked there
    Figure.objects.filter(indicator=patents, year=2024).update(reason="龙头企业外迁")
    assert by_kind(todo_for(fresh(reporter_binhai), BEFORE), BEHIND)  # the remedy is missing
    Figure.objects.filter(indicator=patents, year=2024).update(remedy="加强培育")
    assert not by_kind(todo_for(fresh(reporter_binhai), BEFORE), BEHIND)  # explained: done
    [delayed] = by_kind(items, DELAYED)
    assert delayed.red and delayed.url == reverse("tasks:progress_entry", args=[task.pk, 2024])
    # Only approved progress is red (as on every page), and an explained one asks nothing.
    TaskProgress.objects.create(task=unit_rows()[5], year=2024, status=ProgressStatus.DELAYED,
                                review_status=ReviewStatus.SUBMITTED)
    TaskProgress.objects.filter(task=task, year=2024).update(reason="资金未到位", remedy="追加预算")
    assert not by_kind(todo_for(fresh(reporter_binhai), BEFORE), DELAYED)


def test_it_uses_the_latest_plan_year_without_an_open_round(reporter_binhai):
    plan = binhai_plan()
    Figure.objects.create(indicator=plan.indicators.get(number="7"), year=2024,
                          value=Decimal(15000), review_status=ReviewStatus.APPROVED)
    [behind] = by_kind(todo_for(fresh(reporter_binhai), datetime.date(2026, 3, 1)), BEHIND)
    assert "2024" in behind.title and behind.due is None


def test_it_keeps_other_districts_out(reporter_wuqing, round_2024):
    plan = binhai_plan()
    Figure.objects.create(indicator=owed(plan)[0], year=2024, value=1,
                          review_status=ReviewStatus.RETURNED)
    Figure.objects.create(indicator=plan.indicators.get(number="7"), year=2024,
                          value=Decimal(15000), review_status=ReviewStatus.APPROVED)
    items = todo_for(fresh(reporter_wuqing), BEFORE)
    assert not by_kind(items, RETURNED_FIGURES) and not by_kind(items, ENTRY)
    assert all("binhai" not in item.url for item in items)


# Coordinators, admins, leaders.

def test_it_asks_a_coordinator_to_approve_and_follow_up(coordinator_binhai, round_2024):
    plan = binhai_plan()
    indicators = owed(plan)
    for indicator in indicators[:3]:
        Figure.objects.create(indicator=indicator, year=2024, value=1,
                              review_status=ReviewStatus.SUBMITTED)
    Figure.objects.create(indicator=indicators[3], year=2023, value=1,
                          review_status=ReviewStatus.APPROVED, flagged=True)
    TaskProgress.objects.create(task=unit_rows()[0], year=2024, review_status=ReviewStatus.SUBMITTED)
    wuqing = Indicator.objects.filter(plan__district__code="wuqing").first()
    Figure.objects.create(indicator=wuqing, year=2018, value=1, review_status=ReviewStatus.SUBMITTED)
    items = todo_for(fresh(coordinator_binhai), BEFORE)

    [approve] = by_kind(items, APPROVE)
    assert approve.count == 4 and "指标数据 3 项，任务进展 1 项" in approve.detail
    assert approve.url == reverse("reporting:queue", args=["binhai"])
    assert approve.days_left == 11
    [flags] = by_kind(items, FLAGS)
    assert flags.count == 1 and flags.url == reverse("reporting:flags", args=["binhai"])
    [round_item] = by_kind(items, ROUND)
    assert round_item.url == reverse("rounds:round_status", args=["binhai", 2024])
    assert "指标已提交 3/40" in round_item.detail


def test_it_points_a_coordinator_to_the_last_round_when_none_is_open(coordinator_binhai, round_2024):
    round_2024.is_open = False
    round_2024.save()
    [round_item] = by_kind(todo_for(fresh(coordinator_binhai), BEFORE), ROUND)
    assert round_item.url == reverse("rounds:round_status", args=["binhai", 2024])
    assert round_item.due is None


def test_it_shows_an_admin_the_open_rounds_and_their_completion(admin_user_portal, round_2024):
    plan = binhai_plan()
    for indicator in owed(plan)[:10]:
        Figure.objects.create(indicator=indicator, year=2024, value=1,
                              review_status=ReviewStatus.APPROVED)
    [item] = todo_for(fresh(admin_user_portal), BEFORE)
    assert item.kind == ROUNDS and item.url == reverse("rounds:round_list")
    # 滨海 (40 own indicators, 90 task rows) and 红桥 (5, 16) cover 2024.
    assert "指标已提交 10/45，任务进展已报送 0/106" in item.detail
    assert item.days_left == 11


def test_it_tells_an_admin_when_no_round_is_open(admin_user_portal):
    [item] = todo_for(fresh(admin_user_portal), BEFORE)
    assert item.kind == ROUNDS and "没有开放" in item.title


def test_it_points_a_leader_to_the_dashboards(leader_binhai, round_2024):
    [item] = todo_for(fresh(leader_binhai), BEFORE)
    assert item.kind == DASHBOARD and item.url == reverse("dashboards:overview")


def test_it_has_nothing_for_a_user_without_a_role(db):
    user = get_user_model().objects.create_user("nobody", password="x-9-long-password")
    assert todo_for(user, BEFORE) == []


# The home page shows it.

def test_the_home_page_shows_the_reporters_list(reporter_binhai, round_2024, client_for):
    Figure.objects.create(indicator=owed(binhai_plan())[0], year=2024, value=1,
                          review_status=ReviewStatus.RETURNED, return_reason="请核实口径")
    content = client_for(reporter_binhai).get(reverse("plans:home")).content.decode()
    assert "我的待办" in content
    assert "填报 2024 年度指标数据" in content and "请核实口径" in content
    assert reverse("tasks:progress_list", args=["binhai", 2024]) in content


# Query counts.

def grow(code: str, n: int):
    """A district with a plan covering 2024, n indicators, n task rows led by one unit, and
    entries in every state."""
    district = District.objects.create(code=code, name=f"{code}区")
    unit = Unit.objects.create(district=district, name="牵头单位")
    plan = Plan.objects.create(district=district, title=f"{code} 方案", start_year=2023, end_year=2025)
    states = [ReviewStatus.APPROVED, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED, ReviewStatus.DRAFT]
    for i in range(n):
        indicator = Indicator.objects.create(plan=plan, position=i, number=str(i + 1),
                                             name=f"指标{i}", kind="level", baseline_year=2022,
                                             baseline_value=Decimal(100))
        indicator.targets.create(year=2025, value=Decimal(200))
        Figure.objects.create(indicator=indicator, year=2024, value=Decimal(90 + i),
                              review_status=states[i % 4], flagged=i % 3 == 0)
        task = Task.objects.create(plan=plan, position=i, number=str(i + 1), text=f"任务{i}",
                                   lead_unit=unit)
        TaskProgress.objects.create(task=task, year=2024, review_status=states[i % 4],
                                    status=ProgressStatus.DELAYED if i % 2 else ProgressStatus.IN_PROGRESS)
    return district, unit


def queries(user, today=BEFORE) -> tuple[int, int]:
    user = fresh(user)
    with CaptureQueriesContext(connection) as captured:
        items = todo_for(user, today)
    return len(captured), len(items)


@pytest.mark.parametrize("role", ["reporter", "coordinator", "admin"])
def test_its_query_count_does_not_grow_with_the_data(role, round_2024, admin_user_portal):
    from tests.users import make_user

    district, unit = grow("small", 2)
    if role == "admin":
        user = admin_user_portal
    else:
        user = make_user(f"{role}_small", role, "small", unit.name if role == "reporter" else None)
    small, small_items = queries(user)
    # More of everything: indicators, tasks, entries in every state, other districts too.
    big = District.objects.get(code="small")
    plan = Plan.objects.get(district=big)
    more = grow("other", 12)
    states = [ReviewStatus.APPROVED, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED]
    for i in range(2, 30):
        indicator = Indicator.objects.create(plan=plan, position=i, number=str(i + 1),
                                             name=f"指标{i}", kind="level", baseline_year=2022,
                                             baseline_value=Decimal(100))
        indicator.targets.create(year=2025, value=Decimal(200))
        Figure.objects.create(indicator=indicator, year=2024, value=Decimal(50),
                              review_status=states[i % 3], flagged=i % 4 == 0)
        task = Task.objects.create(plan=plan, position=i, number=str(i + 1), text=f"任务{i}",
                                   lead_unit=unit)
        TaskProgress.objects.create(task=task, year=2024, review_status=states[i % 3],
                                    status=ProgressStatus.DELAYED)
    assert more
    large, large_items = queries(user)
    assert large == small
    if role == "reporter":
        assert large_items > small_items


def test_a_red_growth_rate_computed_from_another_row_is_explained_on_that_row(
        reporter_binhai, round_2024, client_for):
    plan = binhai_plan()
    rate, quantity = plan.indicators.get(number="T5"), plan.indicators.get(number="17")
    assert rate.quantity_indicator == quantity  # T5 (≥30% a year) uses row 17's figures
    for year, value in ((2021, 17), (2024, 18)):  # about 2% a year: behind
        Figure.objects.create(indicator=quantity, year=year, value=Decimal(value),
                              review_status=ReviewStatus.APPROVED)
    items = by_kind(todo_for(fresh(reporter_binhai), BEFORE), BEHIND)
    assert any("T5." in item.title for item in items)
    client = client_for(reporter_binhai)
    grid = client.get(reverse("indicators:entry_grid", args=["binhai", plan.pk, 2024]))
    content = grid.content.decode()
    row = content[content.index(f'id="ind-{quantity.pk}"'):]
    row = row[:row.index('id="ind-', 10)]
    assert "本年滞后（指标 T5 亦滞后）：请说明原因和整改措施" in row  # 17 is behind too
    form = next(f for f in grid.context["forms"] if f.indicator == quantity)
    post = {"action": "save", f"i{quantity.pk}-version": form["version"].value(),
            f"i{quantity.pk}-value": "18", f"i{quantity.pk}-reason": "融资需求下降",
            f"i{quantity.pk}-remedy": "推广知识产权质押"}
    for other in grid.context["forms"]:
        post.setdefault(other["version"].html_name, other["version"].value())
    response = client.post(reverse("indicators:entry_grid", args=["binhai", plan.pk, 2024]), post)
    assert response.status_code == 302
    figure = Figure.objects.get(indicator=quantity, year=2024)
    assert (figure.reason, figure.review_status) == ("融资需求下降", ReviewStatus.APPROVED)
    items = by_kind(todo_for(fresh(reporter_binhai), BEFORE), BEHIND)
    assert not any("T5." in item.title for item in items)
