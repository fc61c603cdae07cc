"""The download URLs: rights against every role and another district's user, the workbook
served, the dashboards' filters applied, wrong parameters refused."""

from urllib.parse import unquote

import pytest
from django.urls import reverse

from plans.models import Plan, Unit
from tests.reports.conftest import load
from tests.users import make_user

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLES = ["admin_user_portal", "coordinator_binhai", "reporter_binhai", "leader_all",
         "leader_binhai", "reporter_wuqing", "coordinator_wuqing"]
SEES_BINHAI = {"admin_user_portal", "coordinator_binhai", "reporter_binhai", "leader_all",
               "leader_binhai"}
SUMMARY_SHEETS = {
    "admin_user_portal": ["汇总", "朝阳区", "天津港保税区", "滨海新区", "红桥区", "武清区"],
    "leader_all": ["汇总", "朝阳区", "天津港保税区", "滨海新区", "红桥区", "武清区"],
    "coordinator_binhai": ["汇总", "滨海新区"],
    "reporter_binhai": ["汇总", "滨海新区"],
    "leader_binhai": ["汇总", "滨海新区"],
    "reporter_wuqing": ["汇总", "武清区"],
    "coordinator_wuqing": ["汇总", "武清区"],
}


def binhai_plan():
    return Plan.objects.get(district__code="binhai")


def indicators_url(code="binhai", query=None):
    query = query if query is not None else f"plan={binhai_plan().pk}&year=2023"
    return reverse("reports:indicators", args=[code]) + (f"?{query}" if query else "")


def tasks_url(code="binhai", query="year=2023"):
    return reverse("reports:tasks", args=[code]) + (f"?{query}" if query else "")


def summary_url(query="year=2023"):
    return reverse("reports:summary") + f"?{query}"


def test_it_names_the_urls_the_dashboards_link_to():
    assert reverse("reports:indicators", args=["binhai"]) == (
        "/districts/binhai/reports/indicators.xlsx")
    assert reverse("reports:tasks", args=["binhai"]) == "/districts/binhai/reports/tasks.xlsx"
    assert reverse("reports:summary") == "/reports/summary.xlsx"


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_binhai_reports_to_those_who_may_view_binhai(role, request, client_for):
    client = client_for(request.getfixturevalue(role))
    for url, title in ((indicators_url(), "指标完成情况表"), (tasks_url(), "重点任务推进情况表")):
        response = client.get(url)
        if role in SEES_BINHAI:
            assert response.status_code == 200, url
            assert response["Content-Type"] == XLSX
            assert response["Cache-Control"] == "no-store"
            assert "attachment" in response["Content-Disposition"]
            assert "滨海新区-2023年" in unquote(response["Content-Disposition"])
            ws = load(response.content).worksheets[0]
            assert ws["A1"].value.startswith("滨海新区 2023年") and title in ws["A1"].value
        else:
            assert response.status_code == 403, url


@pytest.mark.parametrize("role", ROLES)
def test_it_serves_the_summary_of_the_districts_each_user_may_view(role, request, client_for):
    response = client_for(request.getfixturevalue(role)).get(summary_url())
    assert response.status_code == 200
    assert load(response.content).sheetnames == SUMMARY_SHEETS[role]


def test_it_refuses_the_summary_to_a_user_who_may_view_no_district(client_for):
    nobody = make_user("no_rights", None)
    assert client_for(nobody).get(summary_url()).status_code == 403


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    for url in (indicators_url(), tasks_url(), summary_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_refuses_post(client_for, admin_user_portal):
    client = client_for(admin_user_portal)
    for url in (indicators_url(), tasks_url(), summary_url()):
        assert client.post(url).status_code == 405


def test_it_applies_the_dashboards_filters(client_for, leader_binhai, binhai_data):
    client = client_for(leader_binhai)
    query = f"year=2023&plan={binhai_plan().pk}&category=保护&attribute=&kind=&status=&q="
    ws = load(client.get(indicators_url(query=query)).content).worksheets[0]
    assert "筛选：类别：保护" in ws["A2"].value
    assert [ws.cell(r, 1).value for r in range(5, 10)] == [10, 11, 12, 13, 14]
    # the dashboard's own query string may repeat the year and leave the plan empty
    ws = load(client.get(indicators_url(query="year=2023&plan=&status=behind&year=2023"))
              .content).worksheets[0]
    assert "状态：滞后" in ws["A2"].value
    unit = Unit.objects.get(district__code="binhai", name="区科技局")
    ws = load(client.get(tasks_url(query=f"year=2023&unit={unit.pk}&status=none"))
              .content).worksheets[0]
    assert "责任单位：区科技局" in ws["A2"].value and "推进状态：未填报" in ws["A2"].value


def test_it_uses_the_plan_in_force_and_a_default_year(client_for, leader_binhai):
    client = client_for(leader_binhai)
    ws = load(client.get(indicators_url(query="")).content).worksheets[0]
    assert "天津市滨海新区国家知识产权强市建设示范城市建设工作方案" in ws["A2"].value
    assert load(client.get(tasks_url(query="")).content).worksheets[0]["A1"].value


def test_it_refuses_wrong_parameters(client_for, admin_user_portal):
    client = client_for(admin_user_portal)
    other_plan = Plan.objects.get(district__code="wuqing")
    other_unit = Unit.objects.filter(district__code="wuqing").first()
    assert client.get(indicators_url(query=f"plan={other_plan.pk}&year=2023")).status_code == 404
    assert client.get(indicators_url(query="plan=x&year=2023")).status_code == 404
    assert client.get(indicators_url(query="year=99999")).status_code == 404
    assert client.get(tasks_url(query=f"year=2023&unit={other_unit.pk}")).status_code == 404
    assert client.get(tasks_url(query=f"year=2023&plan={other_plan.pk}")).status_code == 404
    assert client.get(indicators_url(code="nowhere")).status_code == 404
    # an unknown status is no filter at all
    response = client.get(tasks_url(query="year=2023&status=bogus"))
    assert response.status_code == 200
    assert "筛选" not in load(response.content).worksheets[0]["A2"].value


def test_the_dashboards_download_buttons_bring_the_filtered_workbooks(client_for, leader_binhai,
                                                                      binhai_data):
    import html
    import re

    client = client_for(leader_binhai)
    pages = {
        reverse("dashboards:district", args=["binhai"]) + "?year=2023&category=创造": "类别：创造",
        reverse("dashboards:tasks", args=["binhai"]) + "?year=2023&status=delayed": "推进状态：滞后",
        reverse("dashboards:overview") + "?year=2023": "数据截至",
    }
    for page, expected in pages.items():
        content = client.get(page).content.decode()
        links = [html.unescape(h) for h in re.findall(r'href="([^"]*\.xlsx[^"]*)"', content)]
        assert len(links) == 1, page
        response = client.get(links[0])
        assert response.status_code == 200, links[0]
        assert expected in load(response.content).worksheets[0]["A2"].value


def test_a_year_after_the_plan_is_judged_at_its_last_year_as_on_the_pages(client_for,
                                                                           leader_binhai):
    """滨海's plan runs 2022–2024: asked 2026, both workbooks are those of 2024."""
    client = client_for(leader_binhai)
    after = load(client.get(indicators_url(query="year=2026")).content).worksheets[0]
    last = load(client.get(indicators_url(query="year=2024")).content).worksheets[0]
    assert [[c.value for c in row] for row in after.iter_rows(min_row=3)] == \
        [[c.value for c in row] for row in last.iter_rows(min_row=3)]
    tasks_after = load(client.get(tasks_url(query="year=2026")).content).worksheets[0]
    tasks_last = load(client.get(tasks_url(query="year=2024")).content).worksheets[0]
    assert [[c.value for c in row] for row in tasks_after.iter_rows(min_row=3)] == \
        [[c.value for c in row] for row in tasks_last.iter_rows(min_row=3)]
    assert tasks_after.max_row > 10  # its task rows, not "no plan in force"
