"""An entry's page: its values, contributions and every saved version with what changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.services import entries_approve
from tasks.models import TaskContribution, TaskProgress
from tasks.selectors import progress_history
from tests.tasks.conftest import YEAR


def entry_url(task, quarter=0):
    url = reverse("tasks:progress_entry", kwargs={"task_id": task.pk, "year": YEAR})
    return f"{url}?quarter={quarter}" if quarter else url


def detail_url(entry):
    return reverse("tasks:progress_detail", kwargs={"pk": entry.pk})


def post(client, task, version, **values):
    data = {"status": "in_progress", "percent": "40", "narrative": "起草激励办法", "reason": "",
            "remedy": "", "evidence_link": "", "version": str(version), "action": "save"}
    data.update(values)
    response = client.post(entry_url(task), data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def two_versions(client_for, binhai_task, reporter_binhai, coordinator_binhai):
    """Version 1 by the reporter, version 2 by the coordinator (delayed, with reason)."""
    post(client_for(reporter_binhai), binhai_task, 0, percent="40", narrative="起草激励办法")
    post(client_for(coordinator_binhai), binhai_task, 1, status="delayed", percent="25",
         narrative="办法待区政府审议", reason="审议延期", remedy="四季度提请审议")
    return TaskProgress.objects.get(task=binhai_task, year=YEAR, quarter=0)


def test_it_shows_both_versions_with_who_and_the_changes(client_for, leader_binhai, two_versions):
    response = client_for(leader_binhai).get(detail_url(two_versions))
    assert response.status_code == 200
    page = response.content.decode()
    history = page.split("修改记录", 1)[1]
    assert "共 2 个版本" in history
    assert history.count("<tr>") == 3  # header + two versions
    newer, older = history.split("<tbody>", 1)[1].split("</tr>")[:2]
    assert "coord_binhai" in newer and "修改" in newer
    assert "推进状态</span>：<span class=\"old\">推进中</span> → <span class=\"new\">滞后</span>" in newer
    assert "完成百分比</span>：<span class=\"old\">40%</span> → <span class=\"new\">25%</span>" in newer
    assert "进展情况</span>：<span class=\"old\">起草激励办法</span> → <span class=\"new\">办法待区政府审议</span>" in newer
    assert "滞后原因</span>：<span class=\"old\">—</span> → <span class=\"new\">审议延期</span>" in newer
    assert "reporter_binhai" in older and "新建" in older and "首次填报" in older
    # The current values, reason and remedy are on the page too.
    assert "四季度提请审议" in page
    assert "健全知识产权高价值创造激励机制。" in page


def test_it_records_the_review_steps(two_versions, coordinator_binhai, reporter_binhai, client_for):
    client = client_for(reporter_binhai)
    client.post(entry_url(two_versions.task), {
        "status": "delayed", "percent": "25", "narrative": "办法待区政府审议", "reason": "审议延期",
        "remedy": "四季度提请审议", "evidence_link": "", "version": "2", "action": "submit"})
    two_versions.refresh_from_db()
    entries_approve(entries=[two_versions], user=coordinator_binhai)
    versions = progress_history(two_versions)
    assert [v.step for v in versions] == ["新建", "修改", "提交审核", "审核通过"]
    assert [v.review for v in versions] == ["草稿", "草稿", "已提交", "已审核"]
    assert versions[-1].user == coordinator_binhai
    assert [(c.label, c.old, c.new) for c in versions[-1].changes] == [("审核状态", "已提交", "已审核")]


def test_it_shows_contributions(client_for, coordinator_binhai, two_versions, reporter_keji):
    TaskContribution.objects.create(task=two_versions.task, year=YEAR, unit=reporter_keji.profile.unit,
                                    note="提供科技项目评审标准", updated_by=reporter_keji)
    page = client_for(coordinator_binhai).get(detail_url(two_versions)).content.decode()
    assert "提供科技项目评审标准" in page and "区科技局" in page


def test_it_links_to_entry_only_with_the_right(client_for, leader_binhai, reporter_binhai, two_versions):
    link = entry_url(two_versions.task)
    assert link in client_for(reporter_binhai).get(detail_url(two_versions)).content.decode()
    assert link not in client_for(leader_binhai).get(detail_url(two_versions)).content.decode()


def test_it_refuses_other_districts(client_for, reporter_wuqing, coordinator_wuqing, two_versions):
    assert client_for(reporter_wuqing).get(detail_url(two_versions)).status_code == 403
    assert client_for(coordinator_wuqing).get(detail_url(two_versions)).status_code == 403


def test_it_lets_any_binhai_reporter_read(client_for, reporter_sifa, two_versions):
    assert client_for(reporter_sifa).get(detail_url(two_versions)).status_code == 200


def test_it_is_404_for_a_missing_entry(client_for, leader_all):
    assert client_for(leader_all).get(reverse("tasks:progress_detail", args=[999999])).status_code == 404


def test_it_runs_the_same_number_of_queries_for_more_versions(client_for, leader_binhai, two_versions,
                                                              reporter_binhai):
    client = client_for(leader_binhai)
    client.get(detail_url(two_versions))
    with CaptureQueriesContext(connection) as small:
        client.get(detail_url(two_versions))
    writer = client_for(reporter_binhai)
    for version in range(2, 8):
        post(writer, two_versions.task, version, status="delayed", percent=str(20 + version),
             reason="审议延期", remedy="提请审议", narrative=f"第 {version} 次修改")
    with CaptureQueriesContext(connection) as large:
        page = client.get(detail_url(two_versions)).content.decode()
    assert "共 8 个版本" in page
    assert len(large.captured_queries) == len(small.captured_queries)
