"""A plan's page: what the plan is, the transcription note, counts that say what they count,
and its indicators with the engine's status."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Figure, Indicator
from indicators.selectors import indicators_progress
from plans.models import Plan
from reporting.choices import ReviewStatus
from tasks.models import Task

pytestmark = pytest.mark.django_db


def plan_url(code, year=None):
    address = reverse("dashboards:plan", args=[Plan.objects.get(district__code=code).pk])
    return f"{address}?year={year}" if year else address


def test_it_shows_chaoyangs_note_and_says_what_the_copy_lacks(leader_all, client_for):
    content = client_for(leader_all).get(plan_url("chaoyang")).content.decode()
    assert "国务院知识产权运营服务体系建设活动方案" in content
    assert "转录说明" in content and "北京市朝阳区方案" in content  # why the title reads 国务院…
    assert content.count("原文未写明") == 2  # no issuer, no issue date
    assert "指标 23 项" in content and "方案无指标表" in content and "正文目标 23 项" in content
    assert "任务 18 条" in content and "具体任务行" in content


def test_counts_say_what_they_count(leader_all, client_for):
    plan = Plan.objects.get(district__code="binhai")
    headings = Task.objects.filter(plan=plan, children__isnull=False).distinct().count()
    content = client_for(leader_all).get(plan_url("binhai")).content.decode()
    assert "指标 41 项" in content and "指标表 20 项" in content and "正文目标 21 项" in content
    assert "任务 90 条" in content and f"标题 {headings} 个" in content
    assert "2022–2024" in content and "天津市滨海新区人民政府" in content
    assert "2022年10月10日" in content and "002_67f1c8490a7d6e2b.txt" in content
    content = client_for(leader_all).get(plan_url("hongqiao")).content.decode()
    assert "其中 16 条任务的责任单位为推定" in content


def test_it_links_every_indicator_and_the_task_board(leader_all, client_for):
    plan = Plan.objects.get(district__code="binhai")
    content = client_for(leader_all).get(plan_url("binhai")).content.decode()
    for pk in plan.indicators.values_list("pk", flat=True):
        assert reverse("dashboards:indicator", args=[pk]) in content
    assert reverse("dashboards:tasks", args=["binhai"]) in content


def test_its_statuses_are_the_engines(leader_binhai, client_for):
    ind = Indicator.objects.get(plan__district__code="binhai", number="7")
    Figure.objects.create(indicator=ind, year=2023, value=Decimal(21500),
                          review_status=ReviewStatus.APPROVED)
    response = client_for(leader_binhai).get(plan_url("binhai", 2023))
    shown = {r.indicator.number: r.progress for r in response.context["rows"]}
    engine = {r.indicator.number: r.progress for r in indicators_progress(
        year=2023, plan=Plan.objects.get(district__code="binhai"))}
    assert shown == engine and shown["7"].status.value == "on_track"
    assert response.context["year"] == 2023


def test_only_users_of_the_district_or_granted_leaders_may_open_it(
        leader_binhai, reporter_wuqing, coordinator_binhai, client_for):
    assert client_for(leader_binhai).get(plan_url("binhai")).status_code == 200
    assert client_for(coordinator_binhai).get(plan_url("binhai")).status_code == 200
    assert client_for(leader_binhai).get(plan_url("wuqing")).status_code == 403
    assert client_for(reporter_wuqing).get(plan_url("binhai")).status_code == 403


def test_it_runs_the_same_number_of_queries_for_few_and_many_figures(
        leader_all, client_for, django_assert_num_queries):
    client = client_for(leader_all)
    client.get(plan_url("binhai", 2024))
    with django_assert_num_queries(11):
        client.get(plan_url("binhai", 2024))
    for ind in Indicator.objects.filter(plan__district__code="binhai"):
        for year in (2022, 2023, 2024):
            Figure.objects.create(indicator=ind, year=year, value=Decimal(5),
                                  review_status=ReviewStatus.APPROVED)
    with django_assert_num_queries(11):
        client.get(plan_url("binhai", 2024))


def test_before_the_plan_starts_it_judges_no_indicator(leader_binhai, client_for):
    seventeen = Indicator.objects.get(plan__district__code="binhai", number="17")
    Figure.objects.create(indicator=seventeen, year=2021, value=Decimal(17),
                          review_status=ReviewStatus.APPROVED)  # its baseline year's figure
    response = client_for(leader_binhai).get(plan_url("binhai", 2021))
    rows = response.context["rows"]
    assert {(r.progress.expected, r.progress.status.value) for r in rows} == {(None, "no_data")}
    content = response.content.decode()
    body = content[content.index("<tbody"):]
    assert body.count("方案尚未开始") == len(rows) and "status-" not in body
