"""An admin corrects a transcription in the Django admin, and the export carries the correction."""

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from indicators.models import Figure, Indicator, Target
from plans.models import District, Plan, Unit
from tasks.models import Task, TaskProgress, TaskSupport

pytestmark = pytest.mark.django_db


def post_data(response) -> dict:
    """The admin change form's current values, as the browser would post them back."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else value
    for formset in response.context.get("inline_admin_formsets") or []:  # none: a past version
        fs = formset.formset
        for key, value in fs.management_form.initial.items():
            data[f"{fs.prefix}-{key}"] = value
        for sub in fs.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value is not None and value is not False:
                    data[sub.add_prefix(name)] = value
    return {k: ("" if v is None else v) for k, v in data.items()}


@pytest.mark.parametrize("model", [District, Plan, Unit, Indicator, Target, Figure, Task,
                                   TaskProgress])
def test_every_model_has_a_searchable_changelist(admin_client, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = admin_client.get(url, {"q": "知识产权"})
    assert response.status_code == 200
    assert str(opts.verbose_name_plural) in response.content.decode()


def test_a_reader_cannot_open_the_admin(reader):
    response = reader.get(reverse("admin:indicators_indicator_changelist"))
    assert response.status_code == 302


def test_an_admin_corrects_an_indicator_and_export_writes_it_back(admin_client):
    indicator = Indicator.objects.get(plan__district__code="binhai", number="7")
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    response = admin_client.get(url)
    assert "有效发明专利量" in response.content.decode()
    data = post_data(response)
    data["name"] = "有效发明专利拥有量"
    data["targets-0-value"] = "26000"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    out = StringIO()
    call_command("export_plans", "--district", "binhai", stdout=out)
    exported = next(i for i in json.loads(out.getvalue())["plans"][0]["indicators"]
                    if i["number"] == "7")
    assert exported["name"] == "有效发明专利拥有量"
    assert exported["targets"][0]["value"] == 26000
    history = indicator.history.order_by("history_date")
    assert history.count() == 2
    assert history.last().history_user.username == "admin"


# The admin at 1366 px, as a new user meets it.

def test_stored_decimals_show_as_printed_in_lists_and_forms(admin_client):
    indicator = Indicator.objects.get(plan__district__code="binhai", number="7")
    Figure.objects.create(indicator=indicator, year=2023, value=Decimal("21500.0000"))
    pages = [
        reverse("admin:indicators_indicator_changelist"),
        reverse("admin:indicators_target_changelist"),
        reverse("admin:indicators_figure_changelist"),
        reverse("admin:indicators_indicator_change", args=[indicator.pk]),
        reverse("admin:indicators_figure_change", args=[Figure.objects.get().pk]),
    ]
    for url in pages:
        content = admin_client.get(url).content.decode()
        assert not re.search(r"\d\.0000\b", content), url
    content = admin_client.get(pages[3]).content.decode()
    assert 'value="13066"' in content and 'value="25000"' in content
    assert "13066（2021）" in admin_client.get(pages[0], {"q": "有效发明专利量"}).content.decode()
    assert "21500" in admin_client.get(pages[2]).content.decode()


def test_the_targets_inline_is_stacked_with_every_field_in_view(admin_client):
    indicator = Indicator.objects.get(plan__district__code="baoshui", number="9")
    response = admin_client.get(reverse("admin:indicators_indicator_change",
                                        args=[indicator.pk]))
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.opts.template == "admin/edit_inline/stacked.html"
    assert "ipops-targets" in inline.classes
    lines = [len(line) for _name, options in inline.opts.get_fieldsets(None)
             for line in options["fields"] if isinstance(line, tuple)]
    assert max(lines) <= 6  # at most six narrow fields on one line
    content = response.content.decode()
    assert content.count("原目标值") >= 3 and content.count("调整原因") >= 3  # one per target year
    assert "ipops-admin.css" in content


def test_the_history_page_reads_in_chinese_with_no_none(admin_client):
    indicator = Indicator.objects.get(plan__district__code="binhai", number="7")
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    data = post_data(admin_client.get(url))
    data["baseline_value"] = "13100"
    assert admin_client.post(url, data).status_code == 302
    content = admin_client.get(reverse("admin:indicators_indicator_history",
                                       args=[indicator.pk])).content.decode()
    assert "修改内容" in content and "修改原因" in content and "修改人" in content
    table = content[content.index('id="change-history"'):]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', table[:table.index("</thead>")])
    assert headers == ["版本", "时间", "操作", "修改人", "修改原因", "修改内容（原值 → 新值）"]
    assert ">None<" not in content and "None" not in content
    assert "未填写" in content  # no reason given in the admin
    assert "13066" in content and "13100" in content and "13066.0000" not in content
    assert "系统（导入或命令）" in content  # the first version came from load_plans


def test_task_text_is_cut_with_an_ellipsis_and_inferred_units_are_a_grey_word(admin_client):
    content = admin_client.get(reverse("admin:tasks_task_changelist"),
                               {"units_inferred__exact": "1"}).content.decode()
    assert "…" in content
    assert 'class="ipops-tag">推定<' in content
    assert "icon-no.svg" not in content and "icon-yes.svg" not in content
    assert "责任单位来源" in content


def test_a_tasks_history_shows_an_empty_lead_unit_as_empty_not_deleted(admin_client):
    task = Task.objects.filter(plan__district__code="binhai", lead_unit__isnull=False).first()
    content = admin_client.get(reverse("admin:tasks_task_history", args=[task.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))
    assert "Deleted" not in text and "pk=None" not in text
    assert f"牵头单位 ： （空） → {task.lead_unit.name}" in text


def test_a_units_history_is_in_the_admin(admin_client):
    unit = Unit.objects.get(district__code="binhai", name="区科技局")
    unit.name = "区科学技术局"
    unit.save()
    content = admin_client.get(reverse("admin:plans_unit_history", args=[unit.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))
    assert "区科技局 → 区科学技术局" in text
    unit.aliases = ["区科技局", "科技局"]
    unit.save()
    content = admin_client.get(reverse("admin:plans_unit_history", args=[unit.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))
    assert "（空） → 区科技局、科技局" in text and "['" not in text


def test_a_supporting_unit_removed_in_the_admin_is_in_the_tasks_history(admin_client):
    task = (Task.objects.filter(plan__district__code="binhai").annotate(n=Count("supporting_units"))
            .filter(n__gte=2).first())
    names = [row.unit.name for row in TaskSupport.objects.filter(task=task).order_by("position")]
    records = task.history.count()
    url = reverse("admin:tasks_task_change", args=[task.pk])
    data = post_data(admin_client.get(url))
    data["tasksupport_set-0-DELETE"] = "on"  # the first supporting unit
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert [u.name for u in Task.objects.get(pk=task.pk).supporting_units.all()] == names[1:]
    assert task.history.count() == records + 1  # one record for the save, with the units
    assert task.history.latest().history_user.username == "admin"
    content = admin_client.get(reverse("admin:tasks_task_history", args=[task.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))
    assert f"配合单位 ： {'、'.join(names)} → {'、'.join(names[1:])}" in text


def test_the_login_throttling_pages_of_the_admin_are_in_chinese(admin_client):
    """django-axes has no Chinese of its own: its app, models and fields come from the portal's
    catalog (locale/zh_Hans)."""
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "登录失败记录" in index and "登录尝试" in index
    assert "账号与权限" in index  # the portal's own apps keep their names
    assert "Access attempts" not in index and "Axes" not in index
    AccessAttempt.objects.create(username="demo", ip_address="10.0.0.1", user_agent="x",
                                 http_accept="*/*", path_info="/login/", get_data="",
                                 post_data="", failures_since_start=3)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "尝试时间" in changelist and "IP 地址" in changelist and "Attempt Time" not in changelist


def test_reverting_a_task_to_an_earlier_version_is_recorded_with_its_units(admin_client):
    task = Task.objects.filter(plan__district__code="binhai", supporting_units__isnull=False,
                               lead_unit__isnull=False).first()
    names = [row.unit.name for row in TaskSupport.objects.filter(task=task).order_by("position")]
    first = task.history.earliest()  # loaded before its lead unit was set
    records = task.history.count()
    url = reverse("admin:tasks_task_simple_history", args=[task.pk, first.history_id])
    data = post_data(admin_client.get(url))
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert task.history.count() == records + 1
    latest = task.history.latest()
    assert latest.history_user.username == "admin" and latest.lead_unit_id is None
    assert [row.unit.name for row in latest.supporting_units.order_by("position")] == names
