"""The lead unit's entry page: draft, submit, locking, concurrent edits, evidence and rights."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dashboards.selectors import approved_latest
from reporting.services import entries_approve, entries_return
from tasks.models import Task, TaskProgress
from tests.tasks.conftest import YEAR
from tests.users import make_user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def url(task, year=YEAR, quarter=None):
    base = reverse("tasks:progress_entry", kwargs={"task_id": task.pk, "year": year})
    return f"{base}?quarter={quarter}" if quarter is not None else base


def post_data(version=0, action="save", **values):
    data = {"status": "in_progress", "percent": "40", "narrative": "已起草高价值专利激励办法。",
            "reason": "", "remedy": "", "evidence_link": "", "version": str(version),
            "action": action}
    data.update(values)
    return data


def html(response):
    return response.content.decode()


@pytest.fixture
def lead(client_for, reporter_binhai):
    return client_for(reporter_binhai)


def test_it_shows_the_task_units_and_an_empty_form(lead, binhai_task):
    response = lead.get(url(binhai_task))
    assert response.status_code == 200
    page = html(response)
    assert "健全知识产权高价值创造激励机制。" in page
    assert "（一）推进知识产权政策制度体系建瓴行动" in page
    assert "1.构建科学合理的知识产权政策体系" in page
    assert "区市场监管局（知识产权局）" in page and "区科技局" in page
    assert 'name="version" value="0"' in page
    assert "保存草稿" in page and "提交审核" in page


def test_it_saves_a_draft_then_submits_it(lead, binhai_task, reporter_binhai):
    response = lead.post(url(binhai_task), post_data())
    assert response.status_code == 302
    entry = TaskProgress.objects.get(task=binhai_task, year=YEAR, quarter=0)
    assert (entry.status, entry.percent, entry.review_status) == ("in_progress", 40, "draft")
    assert entry.created_by == reporter_binhai and entry.version == 1
    page = html(lead.get(response.url))
    assert "已保存为草稿，尚未提交审核。" in page
    assert "草稿：尚未提交审核。" in page

    response = lead.post(url(binhai_task), post_data(version=1, action="submit"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.review_status == "submitted" and entry.submitted_at is not None
    assert "已提交审核。" in html(lead.get(response.url))


def test_it_submits_a_new_entry_in_one_step(lead, binhai_task):
    lead.post(url(binhai_task, quarter=2), post_data(action="submit"))
    entry = TaskProgress.objects.get(task=binhai_task, year=YEAR, quarter=2)
    assert entry.review_status == "submitted"
    assert not TaskProgress.objects.filter(task=binhai_task, year=YEAR, quarter=0).exists()


def test_it_needs_a_narrative_to_submit_and_keeps_the_input(lead, binhai_task):
    response = lead.post(url(binhai_task), post_data(action="submit", narrative="", percent="35"))
    assert response.status_code == 200
    page = html(response)
    assert "提交审核前请填写进展情况。" in page
    assert 'value="35"' in page
    assert not TaskProgress.objects.exists()


def test_it_shows_the_percent_message_next_to_the_field(lead, binhai_task):
    response = lead.post(url(binhai_task), post_data(status="completed", percent="80"))
    page = html(response)
    assert 'id="id_percent_errors"' in page
    assert "推进状态为“已完成”时，完成百分比应为 100。" in page
    assert not TaskProgress.objects.exists()


def test_it_requires_reason_and_remedy_after_a_delayed_quarter(lead, binhai_task):
    lead.post(url(binhai_task, quarter=1), post_data(status="delayed", percent="10",
                                                     reason="方案调整", remedy="下季度补齐"))
    first = TaskProgress.objects.get(quarter=1)
    assert (first.reason, first.remedy) == ("方案调整", "下季度补齐")

    page = html(lead.get(url(binhai_task, quarter=2)))
    assert "上期（2023 年第一季度）推进状态为“滞后”" in page
    response = lead.post(url(binhai_task, quarter=2), post_data(status="in_progress"))
    assert "上期为滞后，须填写滞后原因。" in html(response)
    assert not TaskProgress.objects.filter(quarter=2).exists()


def test_it_stores_an_evidence_file_and_refuses_a_fake_one(lead, binhai_task, media_root):
    upload = SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf")
    lead.post(url(binhai_task), {**post_data(), "evidence_file": upload})
    entry = TaskProgress.objects.get()
    assert entry.evidence_name == "会议纪要.pdf"
    assert entry.evidence_file.name.startswith(f"evidence/taskprogress/{YEAR}/")
    assert (media_root / entry.evidence_file.name).read_bytes() == PDF

    fake = SimpleUploadedFile("报告.pdf", b"just text", content_type="application/pdf")
    response = lead.post(url(binhai_task), {**post_data(version=1, percent="50"),
                                            "evidence_file": fake})
    assert "文件内容与扩展名 .pdf 不符，请上传真实的文件。" in html(response)
    entry.refresh_from_db()
    assert entry.percent == 40 and entry.evidence_name == "会议纪要.pdf"


def test_it_shows_the_return_reason_prominently(lead, binhai_task, coordinator_binhai):
    lead.post(url(binhai_task), post_data(action="submit"))
    entry = TaskProgress.objects.get()
    entries_return(entries=[entry], user=coordinator_binhai, reason="请补充具体成效数据")
    page = html(lead.get(url(binhai_task)))
    assert 'class="alert danger returned"' in page
    assert "已被退回，请修改后重新提交。" in page
    assert "请补充具体成效数据" in page


def approved_entry(client, task, coordinator):
    client.post(url(task), post_data(action="submit"))
    entry = TaskProgress.objects.get(task=task, year=YEAR, quarter=0)
    entries_approve(entries=[entry], user=coordinator)
    entry.refresh_from_db()
    return entry


def test_it_locks_an_approved_entry(lead, binhai_task, coordinator_binhai):
    entry = approved_entry(lead, binhai_task, coordinator_binhai)
    page = html(lead.get(url(binhai_task)))
    assert "已审核锁定" in page
    assert "<form method=\"post\"" not in page.split("</header>")[1]
    assert "申请更正（须填写修改原因）" in page

    response = lead.post(url(binhai_task), post_data(version=entry.version, percent="60"))
    assert response.status_code == 200
    assert "此项已审核锁定；更正须填写修改原因，并重新提交审核。" in html(response)
    entry.refresh_from_db()
    assert (entry.percent, entry.review_status) == (40, "approved")


def test_it_changes_an_approved_entry_with_a_reason_and_sends_it_for_approval(
        lead, binhai_task, coordinator_binhai):
    entry = approved_entry(lead, binhai_task, coordinator_binhai)
    page = html(lead.get(url(binhai_task) + "?correct=1"))
    assert 'name="change_reason"' in page

    response = lead.post(url(binhai_task), post_data(
        version=entry.version, percent="60", action="submit", change_reason="统计口径更正"))
    assert response.status_code == 302
    correction = entry.correction
    assert (correction.percent, correction.review_status, correction.change_reason) == (
        60, "submitted", "统计口径更正")
    # The approved entry is untouched and still what the dashboards read, until approval.
    entry.refresh_from_db()
    assert (entry.percent, entry.review_status) == (40, "approved")
    assert dashboard_percent(binhai_task) == 40
    page = html(lead.get(url(binhai_task)))
    assert "这是对已审核进展的更正" in page and "（推进中 · 40%）" in page
    assert 'name="percent" value="60"' in page  # the correction is what the lead unit edits
    detail = html(lead.get(reverse("tasks:progress_detail", args=[entry.pk])))
    assert "有一项更正正在填报或审核中" in detail and "推进中 · 60%（已提交）" in detail

    entries_approve(entries=[correction], user=coordinator_binhai)
    entry.refresh_from_db()
    assert (entry.percent, entry.review_status, entry.change_reason) == (60, "approved", "统计口径更正")
    assert TaskProgress.objects.filter(task=binhai_task, year=YEAR).count() == 1
    assert dashboard_percent(binhai_task) == 60
    page = html(lead.get(reverse("tasks:progress_detail", args=[entry.pk])))
    assert "统计口径更正" in page and "提出更正" in page
    assert lead.get(reverse("tasks:progress_detail", args=[correction.pk]))["Location"] == \
        reverse("tasks:progress_detail", args=[entry.pk])


def test_the_progress_list_shows_a_reader_the_approved_entry_under_correction(
        lead, binhai_task, coordinator_binhai, client_for, leader_binhai):
    entry = approved_entry(lead, binhai_task, coordinator_binhai)
    lead.post(url(binhai_task), post_data(version=entry.version, percent="60", action="submit",
                                          change_reason="统计口径更正"))
    list_url = reverse("tasks:progress_list", kwargs={"code": "binhai", "year": YEAR})

    def row(client):
        page = html(client.get(list_url))
        return page.split(binhai_task.text[:20], 1)[1].split("</tr>", 1)[0]

    leader = client_for(leader_binhai)
    # The leader reads what the dashboards count: the approved 40%, a correction pending.
    seen = row(leader)
    assert '<div class="pct">40%</div>' in seen and "更正待审核" in seen and "已审核" in seen
    # Those who report and review work on the correction: 60%, submitted, marked 更正.
    worked = row(client_for(coordinator_binhai))
    assert '<div class="pct">60%</div>' in worked and "更正待审核" not in worked
    assert ">更正</span>" in worked
    # Filtered by review status, the leader finds the row among the approved ones.
    approved = html(leader.get(list_url + "?review=approved"))
    assert binhai_task.text[:20] in approved


def dashboard_percent(task) -> int:
    return (Task.objects.filter(pk=task.pk).annotate(**approved_latest(YEAR))
            .values_list("dash_percent", flat=True).get())


def test_it_refuses_a_concurrent_edit_and_keeps_the_first(client_for, binhai_task,
                                                            reporter_binhai, coordinator_binhai):
    first, second = client_for(reporter_binhai), client_for(coordinator_binhai)
    assert 'name="version" value="0"' in html(first.get(url(binhai_task)))
    assert 'name="version" value="0"' in html(second.get(url(binhai_task)))

    assert first.post(url(binhai_task), post_data(percent="40")).status_code == 302
    response = second.post(url(binhai_task), post_data(percent="70", narrative="第二人填写的内容"))

    assert response.status_code == 200
    page = html(response)
    assert "此项已被 reporter_binhai 于" in page
    assert "您的修改未保存（对方的数据已保留）" in page
    assert "第二人填写的内容" in page and 'value="70"' in page  # what the second person typed
    assert "当前已保存的内容" in page
    entry = TaskProgress.objects.get()
    assert (entry.percent, entry.version, entry.updated_by) == (40, 1, reporter_binhai)


def test_it_refuses_a_stale_version_of_an_existing_entry(client_for, binhai_task, reporter_binhai,
                                                         coordinator_binhai):
    first, second = client_for(reporter_binhai), client_for(coordinator_binhai)
    first.post(url(binhai_task), post_data(percent="30"))
    second.get(url(binhai_task))
    first.post(url(binhai_task), post_data(version=1, percent="45"))
    response = second.post(url(binhai_task), post_data(version=1, percent="90", status="in_progress"))
    assert "此项已被 reporter_binhai 于" in html(response)
    assert TaskProgress.objects.get().percent == 45


# Rights

def test_it_refuses_a_reporter_of_another_unit(client_for, reporter_sifa, binhai_task):
    client = client_for(reporter_sifa)
    assert client.get(url(binhai_task)).status_code == 403
    assert client.post(url(binhai_task), post_data()).status_code == 403
    assert client.post(url(binhai_task), {"narrative": "x"}).status_code == 403
    assert not TaskProgress.objects.exists()


def test_it_refuses_a_supporting_unit_reporter(client_for, reporter_keji, binhai_task):
    client = client_for(reporter_keji)
    assert client.get(url(binhai_task)).status_code == 403
    assert client.post(url(binhai_task), post_data()).status_code == 403
    assert not TaskProgress.objects.exists()


def test_it_refuses_a_binhai_reporter_on_a_wuqing_task(lead, wuqing_task):
    wuqing_year = wuqing_task.plan.start_year
    assert lead.get(url(wuqing_task, wuqing_year)).status_code == 403
    assert lead.post(url(wuqing_task, wuqing_year), post_data()).status_code == 403
    assert not TaskProgress.objects.exists()


def test_it_refuses_leaders(client_for, leader_all, binhai_task):
    client = client_for(leader_all)
    assert client.get(url(binhai_task)).status_code == 403
    assert client.post(url(binhai_task), post_data()).status_code == 403
    assert not TaskProgress.objects.exists()


def test_it_lets_the_coordinator_and_admin_enter(client_for, coordinator_binhai, admin_user_portal,
                                                 binhai_task, coordinator_wuqing):
    assert client_for(coordinator_binhai).get(url(binhai_task)).status_code == 200
    assert client_for(admin_user_portal).get(url(binhai_task)).status_code == 200
    assert client_for(coordinator_wuqing).get(url(binhai_task)).status_code == 403


def test_it_has_no_entry_for_headings_years_outside_the_plan_or_bad_quarters(
        lead, binhai_task, client_for, coordinator_binhai):
    assert client_for(coordinator_binhai).get(url(binhai_task.parent)).status_code == 404
    assert lead.get(url(binhai_task, year=2030)).status_code == 404
    assert lead.get(url(binhai_task, quarter=5)).status_code == 404
    assert lead.get(url(binhai_task) + "?quarter=x").status_code == 404


def test_it_refuses_logged_out_visitors(client, binhai_task):
    response = client.post(url(binhai_task), post_data())
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not TaskProgress.objects.exists()


def test_it_takes_the_lead_from_the_task_not_the_form(client_for, binhai_task):
    """A reporter whose unit leads another task cannot enter this one whatever is posted."""
    other = make_user("reporter_caizheng", "reporter", "binhai", "区财政局")
    client = client_for(other)
    assert client.post(url(binhai_task), post_data(task=str(binhai_task.pk))).status_code == 403


def test_it_warns_of_a_newer_version_even_when_the_form_has_errors(client_for, binhai_task,
                                                                   reporter_binhai, coordinator_binhai):
    first, second = client_for(reporter_binhai), client_for(coordinator_binhai)
    second.get(url(binhai_task))
    first.post(url(binhai_task), post_data(narrative="先保存的内容"))
    response = second.post(url(binhai_task), post_data(status="delayed", percent="50"))
    page = html(response)
    assert "推进状态为“滞后”，须填写滞后原因。" in page
    assert "在您打开本页之后，reporter_binhai 于" in page
    assert "先保存的内容" in page


def test_a_correction_is_told_every_missing_thing_at_once(lead, binhai_task, coordinator_binhai):
    entry = approved_entry(lead, binhai_task, coordinator_binhai)
    page = html(lead.post(url(binhai_task), post_data(version=entry.version, status="delayed",
                                                      percent="30")))
    assert "推进状态为“滞后”，须填写滞后原因。" in page
    assert "此项已审核锁定；更正须填写修改原因，并重新提交审核。" in page
    assert not TaskProgress.objects.filter(corrects=entry).exists()


def test_an_approved_delay_is_explained_without_a_correction(lead, binhai_task, coordinator_binhai):
    lead.post(url(binhai_task), post_data(action="submit", status="delayed", percent="30",
                                          reason="资金未到位", remedy="追加预算"))
    entry = TaskProgress.objects.get()
    entries_approve(entries=[entry], user=coordinator_binhai)
    entry.refresh_from_db()
    response = lead.post(url(binhai_task), post_data(
        version=entry.version, status="delayed", percent="30", reason="专项资金下半年才到位",
        remedy="追加预算，四季度集中推进"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.review_status, entry.reason) == ("approved", "专项资金下半年才到位")
    assert not TaskProgress.objects.filter(corrects=entry).exists()
