"""The district's task progress list: sections, latest progress, marks, order, filters, rights
and a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Unit
from reporting.models import ReportingRound
from reporting.services import EntryInput, entries_approve, entries_return, entries_save, entries_submit
from tasks.models import Task, TaskContribution, TaskProgress, TaskSupport
from tests.tasks.conftest import YEAR


def url(code="binhai", year=YEAR, query=""):
    return reverse("tasks:progress_list", kwargs={"code": code, "year": year}) + query


def save(task, user, quarter=0, **values):
    values = {"status": "in_progress", "percent": 30, "narrative": f"{task.number} 进展", **values}
    return entries_save(model=TaskProgress, key_fields=("task_id", "year", "quarter"),
                        inputs=[EntryInput(key=(task.pk, YEAR, quarter), version=0, values=values)],
                        user=user)[0]


def binhai_row(number):
    return Task.objects.get(plan__district__code="binhai", number=number)


def rows_of(page, section_title):
    """The part of the page under a section heading."""
    return page.split(section_title, 1)[1].split("</table>", 1)[0]


def test_it_shows_a_reporter_the_rows_their_unit_leads_and_supports_apart(client_for, reporter_keji):
    page = client_for(reporter_keji).get(url()).content.decode()
    led = rows_of(page, "本单位牵头的任务")
    supported = rows_of(page, "本单位配合的任务")
    keji = Unit.objects.get(district__code="binhai", name="区科技局")
    led_count = Task.objects.rows().filter(lead_unit=keji).count()
    supported_count = TaskSupport.objects.filter(unit=keji).count()
    assert led.count("<tr class=") == led_count
    assert supported.count("<tr class=") == supported_count
    assert "健全知识产权高价值创造激励机制。" in supported
    assert "健全知识产权高价值创造激励机制。" not in led
    # A supporting unit contributes but does not enter the lead unit's progress.
    task = binhai_row("（1）")
    assert reverse("tasks:contribute", args=[task.pk, YEAR]) in supported
    assert reverse("tasks:progress_entry", args=[task.pk, YEAR]) not in supported
    assert "本单位：区科技局" in page


def test_it_shows_the_latest_progress_with_headings(client_for, reporter_binhai, coordinator_binhai):
    task = binhai_row("（1）")
    save(task, reporter_binhai, quarter=1, percent=10, narrative="一季度：起草办法")
    save(task, reporter_binhai, quarter=2, percent=35, narrative="二季度：征求意见")
    page = client_for(coordinator_binhai).get(url()).content.decode()
    assert "二季度：征求意见" in page and "一季度：起草办法" not in page
    assert "35%" in page and "第二季度" in page
    assert "（一）推进知识产权政策制度体系建瓴行动" in page
    assert reverse("tasks:progress_detail", args=[TaskProgress.objects.get(quarter=2).pk]) in page


def test_it_puts_delayed_and_returned_rows_first(client_for, reporter_binhai, coordinator_binhai):
    delayed, returned, plain = binhai_row("（40）"), binhai_row("（60）"), binhai_row("（2）")
    save(plain, reporter_binhai, narrative="正常推进的任务")
    save(delayed, reporter_binhai, status="delayed", reason="经费延迟", remedy="追加经费",
         narrative="滞后的任务")
    entry = save(returned, reporter_binhai, narrative="被退回的任务")
    entries_submit(entries=[entry], user=reporter_binhai)
    entries_return(entries=[entry], user=coordinator_binhai, reason="数据不全")

    page = client_for(coordinator_binhai).get(url()).content.decode()
    first_rows = page.split("<tbody>", 1)[1].split("</tr>")[:2]
    assert any("滞后的任务" in row and "is-delayed" in row for row in first_rows)
    assert any("被退回的任务" in row and "is-returned" in row for row in first_rows)
    assert page.index("被退回的任务") < page.index("正常推进的任务")
    assert "经费延迟" in page and "数据不全" in page


def test_it_marks_late_and_overdue_rows(client_for, reporter_binhai, coordinator_binhai, admin_user_portal):
    ReportingRound.objects.create(year=YEAR, deadline=datetime.date(2024, 1, 31))
    late = binhai_row("（1）")
    entries_submit(entries=[save(late, reporter_binhai)], user=reporter_binhai)
    page = client_for(coordinator_binhai).get(url()).content.decode()
    row = page.split("健全知识产权高价值创造激励机制。", 1)[1].split("</tr>", 1)[0]
    assert '<span class="mark late">逾期提交</span>' in row
    assert '<span class="mark overdue">逾期未报</span>' not in row
    other = page.split("健全运营和成果转化政策", 1)[1].split("</tr>", 1)[0]
    assert '<span class="mark overdue">逾期未报</span>' in other
    assert "本年度填报截止日期：2024-01-31" in page


def test_it_filters_by_unit_and_status(client_for, reporter_binhai, coordinator_binhai):
    save(binhai_row("（1）"), reporter_binhai, status="delayed", reason="r", remedy="m",
         narrative="滞后一项")
    client = client_for(coordinator_binhai)
    page = client.get(url(query="?status=delayed")).content.decode()
    assert "滞后一项" in page
    assert rows_of(page, "全部任务").count("<tr class=") == 1

    page = client.get(url(query="?status=none")).content.decode()
    assert "滞后一项" not in page
    assert rows_of(page, "全部任务").count("<tr class=") == Task.objects.rows().filter(
        plan__district__code="binhai").count() - 1

    fayuan = Unit.objects.get(district__code="binhai", name="区法院")
    expected = Task.objects.rows().filter(plan__district__code="binhai").filter(
        pk__in=TaskSupport.objects.filter(unit=fayuan).values("task_id")).count() + \
        Task.objects.rows().filter(lead_unit=fayuan).count()
    page = client.get(url(query=f"?unit={fayuan.pk}")).content.decode()
    assert rows_of(page, "全部任务").count("<tr class=") == expected > 0


def test_it_offers_no_unit_filter_from_another_district(client_for, coordinator_binhai):
    wuqing_unit = Unit.objects.filter(district__code="wuqing").first()
    page = client_for(coordinator_binhai).get(url(query=f"?unit={wuqing_unit.pk}")).content.decode()
    assert "选择一个有效的选项" in page
    assert wuqing_unit.name not in page.split('name="unit"', 1)[1].split("</select>", 1)[0]


def test_it_lets_a_leader_read_without_entry_links(client_for, leader_binhai, reporter_binhai):
    save(binhai_row("（1）"), reporter_binhai, narrative="领导可见的进展")
    page = client_for(leader_binhai).get(url()).content.decode()
    assert "领导可见的进展" in page
    assert "/progress/2023/" not in page.split("</header>", 1)[1].replace(url(), "")
    assert "/contribute/" not in page


def test_it_shows_entry_links_to_the_coordinator(client_for, coordinator_binhai):
    page = client_for(coordinator_binhai).get(url()).content.decode()
    task = binhai_row("（1）")
    assert reverse("tasks:progress_entry", args=[task.pk, YEAR]) in page
    assert 'name="unit"' in page and 'name="status"' in page


def test_it_refuses_other_districts(client_for, reporter_binhai, leader_binhai, reporter_wuqing):
    assert client_for(reporter_binhai).get(url("wuqing", 2018)).status_code == 403
    assert client_for(leader_binhai).get(url("wuqing", 2018)).status_code == 403
    assert client_for(reporter_wuqing).get(url()).status_code == 403
    assert client_for(reporter_wuqing).get(url("wuqing", 2018)).status_code == 200


def test_it_says_when_the_year_is_outside_the_plans(client_for, coordinator_binhai):
    page = client_for(coordinator_binhai).get(url(year=2030)).content.decode()
    assert "2030 年不在本区规划方案的实施期内。" in page


def test_it_sends_the_menu_link_to_the_users_district(client_for, reporter_binhai, leader_all):
    response = client_for(reporter_binhai).get(reverse("tasks:progress_home"))
    assert response.status_code == 302 and "/districts/binhai/tasks/progress/" in response.url
    page = client_for(leader_all).get(reverse("tasks:progress_home")).content.decode()
    for code in ("baoshui", "binhai", "chaoyang", "hongqiao", "wuqing"):
        assert f"/districts/{code}/tasks/progress/" in page


# Query counts

def add_rows(user, count, prefix):
    """``count`` new Binhai rows, each with progress, a supporting unit and a contribution."""
    parent = binhai_row("（1）").parent
    units = list(Unit.objects.filter(district__code="binhai")[:3])
    for i in range(count):
        task = Task.objects.create(plan=parent.plan, parent=parent, number=f"（{prefix}{i}）",
                                   text=f"新增任务 {prefix}{i}", position=1000 + i, lead_unit=units[0])
        TaskSupport.objects.create(task=task, unit=units[1])
        TaskSupport.objects.create(task=task, unit=units[2], position=1)
        TaskContribution.objects.create(task=task, year=YEAR, unit=units[1], note="配合")
        entry = save(task, user, status="delayed" if i % 2 else "in_progress", reason="r", remedy="m")
        if i % 3 == 0:
            entries_submit(entries=[entry], user=user)
            entries_approve(entries=[entry], user=user)


def count_queries(client, address):
    with CaptureQueriesContext(connection) as context:
        response = client.get(address)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("who", ["coordinator_binhai", "reporter_binhai", "leader_binhai"])
def test_it_runs_the_same_number_of_queries_for_more_rows(request, client_for, who,
                                                          reporter_binhai, django_assert_num_queries):
    user = request.getfixturevalue(who)
    client = client_for(user)
    ReportingRound.objects.create(year=YEAR, deadline=datetime.date(2024, 1, 31))
    add_rows(reporter_binhai, 2, "a")
    client.get(url())  # warm the session
    small = count_queries(client, url())
    add_rows(reporter_binhai, 25, "b")
    with django_assert_num_queries(small):
        response = client.get(url())
    assert response.content.decode().count("新增任务") >= 27
    with django_assert_num_queries(small):
        client.get(url(query="?status=delayed"))


def test_it_opens_the_year_of_the_open_round(client_for, reporter_binhai):
    ReportingRound.objects.create(year=2023, deadline=datetime.date(2024, 1, 31), is_open=True)
    response = client_for(reporter_binhai).get(reverse("tasks:progress_home"))
    assert response.url == url()
