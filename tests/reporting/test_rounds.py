"""Reporting rounds: the admins' list (open, close, reopen, deadline) and a district's round status."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import Figure, Indicator
from plans.models import District, Plan, Unit
from reporting.choices import ReviewStatus
from reporting.models import ReportingRound
from reporting.round_selectors import round_status
from tasks.models import Task, TaskProgress

pytestmark = pytest.mark.django_db

MAIN_UNIT = "区市场监管局（知识产权局）"


@pytest.fixture
def round_2024(admin_user_portal):
    return ReportingRound.objects.create(year=2024, deadline=datetime.date(2025, 1, 31),
                                         is_open=True, opened_by=admin_user_portal)


def future(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


# The list.

def test_it_lists_the_rounds_for_an_admin(admin_user_portal, client_for, round_2024):
    ReportingRound.objects.create(year=2025, deadline=future(10), is_open=True)
    ReportingRound.objects.create(year=2023, deadline=datetime.date(2024, 1, 31), is_open=False)
    response = client_for(admin_user_portal).get(reverse("rounds:round_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert [row.round.year for row in response.context["rows"]] == [2025, 2024, 2023]
    assert "剩余 10 天" in content
    overdue = (timezone.localdate() - datetime.date(2025, 1, 31)).days
    assert f"已逾期 {overdue} 天" in content
    assert "已关闭" in content and "开放填报" in content
    # Links to the districts whose plans cover the year: 滨海 and 红桥 for 2024.
    assert reverse("rounds:round_status", args=["binhai", 2024]) in content
    assert reverse("rounds:round_status", args=["hongqiao", 2024]) in content
    assert reverse("rounds:round_status", args=["wuqing", 2024]) not in content


@pytest.mark.parametrize("who", ["coordinator_binhai", "reporter_binhai", "leader_all"])
def test_it_is_for_admins_only(who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("rounds:round_list")).status_code == 403
    response = client.post(reverse("rounds:round_list"), {"year": 2030, "deadline": "2031-01-31"})
    assert response.status_code == 403
    assert not ReportingRound.objects.exists()


def test_it_asks_for_a_login(client):
    response = client.get(reverse("rounds:round_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_opens_a_round(admin_user_portal, client_for):
    response = client_for(admin_user_portal).post(
        reverse("rounds:round_list"), {"year": 2026, "deadline": future(30).isoformat(),
                                       "note": "年度考核"}, follow=True)
    round_ = ReportingRound.objects.get(year=2026)
    assert (round_.deadline, round_.is_open, round_.opened_by) == (future(30), True, admin_user_portal)
    content = response.content.decode()
    assert "已开启 2026 年度填报" in content
    assert "已过" not in content


def test_it_refuses_a_second_round_for_a_year_beside_the_field(admin_user_portal, client_for, round_2024):
    response = client_for(admin_user_portal).post(
        reverse("rounds:round_list"), {"year": 2024, "deadline": "2025-03-01"})
    assert response.status_code == 400
    assert ReportingRound.objects.count() == 1
    content = response.content.decode()
    field = re.search(r'<div class="field has-error">\s*<label for="id_year">.*?</div>', content, re.S)
    assert field and "2024 年度的填报轮次已存在" in field.group(0)
    assert ReportingRound.objects.get().deadline == datetime.date(2025, 1, 31)


def test_it_allows_a_past_deadline_with_a_warning(admin_user_portal, client_for):
    response = client_for(admin_user_portal).post(
        reverse("rounds:round_list"), {"year": 2020, "deadline": "2021-01-31"}, follow=True)
    assert ReportingRound.objects.filter(year=2020, is_open=True).exists()
    assert "截止日期 2021-01-31 已过" in response.content.decode()


def test_it_checks_the_year_and_the_deadline(admin_user_portal, client_for):
    response = client_for(admin_user_portal).post(
        reverse("rounds:round_list"), {"year": 1990, "deadline": "不是日期"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "2000 至 2100" in content
    assert not ReportingRound.objects.exists()


def test_it_closes_and_reopens_a_round(admin_user_portal, client_for, round_2024):
    client = client_for(admin_user_portal)
    assert client.get(reverse("rounds:round_close", args=[round_2024.pk])).status_code == 405
    client.post(reverse("rounds:round_close", args=[round_2024.pk]))
    round_2024.refresh_from_db()
    assert not round_2024.is_open
    response = client.post(reverse("rounds:round_reopen", args=[round_2024.pk]), follow=True)
    round_2024.refresh_from_db()
    assert round_2024.is_open
    assert "已重新开放 2024 年度填报" in response.content.decode()


def test_it_moves_a_deadline(admin_user_portal, client_for, round_2024):
    client_for(admin_user_portal).post(reverse("rounds:round_deadline", args=[round_2024.pk]),
                                       {"deadline": future(14).isoformat()})
    round_2024.refresh_from_db()
    assert round_2024.deadline == future(14)


def test_only_admins_close_rounds(coordinator_binhai, client_for, round_2024):
    client = client_for(coordinator_binhai)
    assert client.post(reverse("rounds:round_close", args=[round_2024.pk])).status_code == 403
    assert client.post(reverse("rounds:round_deadline", args=[round_2024.pk]),
                       {"deadline": "2030-01-01"}).status_code == 403
    round_2024.refresh_from_db()
    assert round_2024.is_open and round_2024.deadline == datetime.date(2025, 1, 31)


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("rounds:round_list")).status_code == 200
    return len(captured)


def test_the_lists_query_count_does_not_grow(admin_user_portal, client_for, round_2024):
    client = client_for(admin_user_portal)
    before = list_queries(client)
    for year in range(2010, 2020):
        ReportingRound.objects.create(year=year, deadline=datetime.date(year + 1, 1, 31), is_open=False)
    for n in range(4):
        district = District.objects.create(code=f"x{n}", name=f"新区{n}")
        Plan.objects.create(district=district, title="方案", start_year=2010, end_year=2025)
    assert list_queries(client) == before


def test_the_round_is_in_the_django_admin(admin_user_portal, client_for, round_2024):
    assert ReportingRound in admin.site._registry
    response = client_for(admin_user_portal).get(reverse("admin:reporting_reportinground_changelist"))
    assert response.status_code == 200 and "2024" in response.content.decode()


# One district's round.

def binhai_data(reporter, coordinator):
    """Figures and progress of 滨海 for 2024 in every state, on time and late."""
    plan = Plan.objects.get(district__code="binhai")
    indicators = list(plan.indicators.filter(quantity_indicator__isnull=True).order_by("position"))
    when = timezone.make_aware(datetime.datetime(2025, 1, 20, 10, 0))
    late = timezone.make_aware(datetime.datetime(2025, 2, 3, 9, 0))
    states = [
        (ReviewStatus.APPROVED, False), (ReviewStatus.APPROVED, False), (ReviewStatus.APPROVED, True),
        (ReviewStatus.SUBMITTED, True), (ReviewStatus.RETURNED, False), (ReviewStatus.DRAFT, False),
    ]
    for indicator, (status, is_late) in zip(indicators, states):
        Figure.objects.create(indicator=indicator, year=2024, value=Decimal(1), review_status=status,
                              updated_by=reporter, submitted_late=is_late,
                              submitted_at=None if status == ReviewStatus.DRAFT else (late if is_late else when))
    rows = list(Task.objects.rows().filter(plan=plan, lead_unit__name=MAIN_UNIT).order_by("position"))
    for task, (status, is_late) in zip(rows, states):
        TaskProgress.objects.create(task=task, year=2024, review_status=status, updated_by=reporter,
                                    submitted_late=is_late,
                                    submitted_at=None if status == ReviewStatus.DRAFT else (late if is_late else when))
    other = Task.objects.rows().filter(plan=plan, lead_unit__name="区知识产权保护中心").first()
    TaskProgress.objects.create(task=other, year=2024, review_status=ReviewStatus.SUBMITTED,
                                updated_by=coordinator, submitted_at=when)
    return plan


def test_it_shows_a_districts_figures_and_task_progress(coordinator_binhai, reporter_binhai,
                                                       client_for, round_2024):
    plan = binhai_data(reporter_binhai, coordinator_binhai)
    response = client_for(coordinator_binhai).get(reverse("rounds:round_status", args=["binhai", 2024]))
    assert response.status_code == 200
    status = response.context["status"]
    [figures] = status.figures
    assert figures.plan == plan
    assert (figures.owed, figures.entered, figures.draft, figures.submitted, figures.approved,
            figures.returned, figures.missing, figures.on_time, figures.late) == (
        40, 6, 1, 1, 3, 1, 36, 2, 2)
    assert figures.last_by == "reporter_binhai"
    units = {u.unit.name if u.unit else None: u for u in status.units}
    main = units[MAIN_UNIT]
    assert (main.rows, main.on_time, main.late, main.approved, main.returned, main.draft,
            main.missing) == (64, 2, 2, 3, 1, 1, 60)
    assert [user.username for user, _when in main.submitter_list] == ["reporter_binhai"]
    protection = units["区知识产权保护中心"]
    assert (protection.rows, protection.on_time) == (4, 1)
    assert sum(u.rows for u in status.units) == 90
    content = response.content.decode()
    assert plan.title in content and MAIN_UNIT in content and "reporter_binhai" in content
    assert "2025-01-31" in content
    assert reverse("reporting:queue", args=["binhai"]) in content
    assert reverse("indicators:entry_grid", args=["binhai", plan.pk, 2024]) in content


def test_a_pending_correction_is_told_apart_from_the_years_report(
        coordinator_binhai, reporter_binhai, client_for, round_2024):
    binhai_data(reporter_binhai, coordinator_binhai)
    approved = Figure.objects.filter(year=2024, review_status=ReviewStatus.APPROVED).first()
    Figure.objects.create(indicator=approved.indicator, year=2024, value=Decimal(2),
                          corrects=approved, review_status=ReviewStatus.SUBMITTED)
    response = client_for(coordinator_binhai).get(
        reverse("rounds:round_status", args=["binhai", 2024]))
    [figures] = response.context["status"].figures
    assert (figures.entered, figures.submitted, figures.approved, figures.corrections) == (
        6, 1, 3, 1)  # as before the correction, which is counted apart
    assert "另有 1 项已审核数据的更正正在填报或审核中" in response.content.decode()


def test_it_shows_a_year_without_a_round(coordinator_binhai, client_for):
    response = client_for(coordinator_binhai).get(reverse("rounds:round_status", args=["binhai", 2023]))
    assert response.status_code == 200
    assert "该年度尚未开启填报轮次" in response.content.decode()


@pytest.mark.parametrize("who, code", [
    ("coordinator_binhai", "binhai"), ("admin_user_portal", "binhai"),
    ("leader_binhai", "binhai"), ("leader_all", "wuqing"),
])
def test_it_lets_coordinators_admins_and_granted_leaders_read(who, code, request, client_for):
    response = client_for(request.getfixturevalue(who)).get(
        reverse("rounds:round_status", args=[code, 2024]))
    assert response.status_code == 200


@pytest.mark.parametrize("who, code", [
    ("coordinator_wuqing", "binhai"), ("reporter_binhai", "binhai"), ("leader_binhai", "wuqing"),
])
def test_it_refuses_everyone_else(who, code, request, client_for):
    response = client_for(request.getfixturevalue(who)).get(
        reverse("rounds:round_status", args=[code, 2024]))
    assert response.status_code == 403


def test_a_leader_sees_no_review_links(leader_binhai, client_for, round_2024):
    content = client_for(leader_binhai).get(
        reverse("rounds:round_status", args=["binhai", 2024])).content.decode()
    assert reverse("reporting:queue", args=["binhai"]) not in content


def status_queries(client, code) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("rounds:round_status", args=[code, 2024])).status_code == 200
    return len(captured)


def test_the_status_query_count_does_not_grow(admin_user_portal, client_for, round_2024):
    district = District.objects.create(code="grow", name="增长区")
    plan = Plan.objects.create(district=district, title="方案", start_year=2023, end_year=2025)
    unit = Unit.objects.create(district=district, name="单位甲")
    client = client_for(admin_user_portal)

    def add(n, offset):
        for i in range(offset, offset + n):
            indicator = Indicator.objects.create(plan=plan, position=i, number=str(i), name="指标",
                                                 kind="level")
            Figure.objects.create(indicator=indicator, year=2024, value=1,
                                  review_status=ReviewStatus.APPROVED, updated_by=admin_user_portal,
                                  submitted_at=timezone.now())
            own = Unit.objects.create(district=district, name=f"单位{i}")
            for lead in (unit, own):
                task = Task.objects.create(plan=plan, position=i, number=f"{lead.pk}-{i}",
                                           text="任务", lead_unit=lead)
                TaskProgress.objects.create(task=task, year=2024, review_status=ReviewStatus.SUBMITTED,
                                            updated_by=admin_user_portal, submitted_at=timezone.now())

    add(2, 0)
    before = status_queries(client, "grow")
    add(15, 2)
    Plan.objects.create(district=district, title="方案二", start_year=2024, end_year=2024)
    assert status_queries(client, "grow") == before
    status = round_status(district=district, year=2024, today=timezone.localdate())
    assert sum(u.rows for u in status.units) == 34


def test_it_refuses_a_future_year_and_a_deadline_before_the_year_begins(admin_user_portal,
                                                                        client_for, round_2024):
    client = client_for(admin_user_portal)
    next_year = timezone.localdate().year + 1
    response = client.post(reverse("rounds:round_list"),
                           {"year": next_year, "deadline": f"{next_year + 1}-01-31"})
    assert response.context["form"].errors["year"] == [
        f"{next_year} 年尚未开始，不能开启该年度的填报。"]
    response = client.post(reverse("rounds:round_list"), {"year": 2023, "deadline": "2020-01-01"})
    message = "截止日期不能早于 2023 年度开始（2023-01-01）。"
    assert response.context["form"].errors["deadline"] == [message]
    assert message in response.content.decode()
    assert list(ReportingRound.objects.values_list("year", flat=True)) == [2024]


def round_row(content: str, year: int) -> str:
    row = re.search(rf'<tr id="round-{year}">.*?</tr>', content, re.S)
    assert row, year
    return row.group(0)


@pytest.mark.parametrize("typed, error", [
    ("2023-12-31", "截止日期不能早于 2024 年度开始（2024-01-01）。"),
    ("2024-02-30", "输入一个有效的日期。"),
])
def test_it_refuses_a_deadline_move_beside_the_rows_field(admin_user_portal, client_for,
                                                          round_2024, typed, error):
    ReportingRound.objects.create(year=2023, deadline=datetime.date(2024, 1, 31), is_open=False)
    client = client_for(admin_user_portal)
    response = client.post(reverse("rounds:round_deadline", args=[round_2024.pk]),
                           {"deadline": typed})
    assert response.status_code == 400
    assert list(response.context["messages"]) == []
    content = response.content.decode()
    assert '<ul class="messages">' not in content
    move = re.search(r'<form [^>]*class="deadline-move">.*?</form>', round_row(content, 2024),
                     re.S).group(0)
    assert re.search(rf'<input type="date" name="deadline" value="{typed}"[^>]*'
                     r'aria-invalid="true"', move)
    assert re.search(rf'<ul class="errorlist" id="deadline-error-{round_2024.pk}">'
                     rf'<li>{error}</li></ul>', move)
    other = round_row(content, 2023)
    assert 'value="2024-01-31"' in other and "errorlist" not in other
    # The new-round form on this page still opens a round, not another deadline move.
    assert f'action="{reverse("rounds:round_list")}" class="round-form"' in content
    round_2024.refresh_from_db()
    assert round_2024.deadline == datetime.date(2025, 1, 31)
    # Switching the language on this page goes back to the rounds, not to the POST-only address.
    assert 'name="next"' not in content
    switched = client.post(reverse("set_language"), {"language": "en"},
                           HTTP_REFERER="http://testserver" + reverse("rounds:round_list"))
    assert switched.status_code == 302
    assert switched["Location"].endswith(reverse("rounds:round_list"))
    client.post(reverse("set_language"), {"language": "zh-hans"})

    response = client.post(reverse("rounds:round_deadline", args=[round_2024.pk]),
                           {"deadline": "2025-02-28"}, follow=True)
    assert response.redirect_chain == [(reverse("rounds:round_list"), 302)]
    assert "已将 2024 年度的截止日期改为 2025-02-28。" in response.content.decode()
    round_2024.refresh_from_db()
    assert round_2024.deadline == datetime.date(2025, 2, 28)


def test_a_round_status_of_a_year_out_of_range_is_not_found(admin_user_portal, client_for):
    client = client_for(admin_user_portal)
    assert client.get(reverse("rounds:round_status", args=["binhai", 1])).status_code == 404
    assert client.get(reverse("rounds:round_status", args=["binhai", 2024])).status_code == 200
