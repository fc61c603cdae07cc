"""Supporting units' notes (配合情况): written by the unit's own reporter, shown to the lead unit."""

from django.urls import reverse

from plans.models import Unit
from tasks.models import TaskContribution
from tests.tasks.conftest import YEAR


def url(task, year=YEAR):
    return reverse("tasks:contribute", kwargs={"task_id": task.pk, "year": year})


def test_it_lets_a_supporting_unit_write_and_edit_its_note(client_for, reporter_keji, binhai_task):
    client = client_for(reporter_keji)
    page = client.get(url(binhai_task)).content.decode()
    assert "区科技局 的配合情况" in page
    assert "牵头单位本年度尚未填报进展。" in page

    response = client.post(url(binhai_task), {"note": "提供科技项目评审标准"})
    assert response.status_code == 302
    contribution = TaskContribution.objects.get()
    assert (contribution.unit.name, contribution.year, contribution.updated_by) == (
        "区科技局", YEAR, reporter_keji)

    client.post(url(binhai_task), {"note": "已联合发布评审标准"})
    contribution.refresh_from_db()
    assert contribution.note == "已联合发布评审标准"
    assert TaskContribution.objects.count() == 1
    assert contribution.history.count() == 2
    assert contribution.history.first().history_user == reporter_keji
    assert "已联合发布评审标准" in client.get(url(binhai_task)).content.decode()


def test_it_takes_the_unit_from_the_profile_not_the_form(client_for, reporter_keji, binhai_task):
    other = Unit.objects.get(district__code="binhai", name="区工业和信息化局")
    client_for(reporter_keji).post(url(binhai_task), {"note": "配合", "unit": str(other.pk)})
    assert TaskContribution.objects.get().unit.name == "区科技局"


def test_it_requires_a_note(client_for, reporter_keji, binhai_task):
    response = client_for(reporter_keji).post(url(binhai_task), {"note": "  "})
    assert response.status_code == 200
    assert "请填写本单位的配合情况。" in response.content.decode()
    assert not TaskContribution.objects.exists()


def test_it_shows_contributions_on_the_entry_page(client_for, reporter_keji, reporter_binhai, binhai_task):
    client_for(reporter_keji).post(url(binhai_task), {"note": "提供科技项目评审标准"})
    page = client_for(reporter_binhai).get(
        reverse("tasks:progress_entry", args=[binhai_task.pk, YEAR])).content.decode()
    contributions = page.split("配合单位 2023 年配合情况", 1)[1]
    assert "区科技局" in contributions and "提供科技项目评审标准" in contributions
    assert "reporter_keji" in contributions


def test_it_refuses_everyone_but_supporting_unit_reporters(
        client_for, binhai_task, reporter_binhai, reporter_sifa, leader_all, coordinator_binhai,
        admin_user_portal, reporter_wuqing):
    for user in (reporter_binhai, reporter_sifa, leader_all, coordinator_binhai, admin_user_portal,
                 reporter_wuqing):
        client = client_for(user)
        assert client.get(url(binhai_task)).status_code == 403, user
        assert client.post(url(binhai_task), {"note": "x"}).status_code == 403, user
    assert not TaskContribution.objects.exists()


def test_it_has_no_page_outside_the_plan_period(client_for, reporter_keji, binhai_task):
    assert client_for(reporter_keji).get(url(binhai_task, 2019)).status_code == 404
