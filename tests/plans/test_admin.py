"""An admin corrects a transcription in the Django admin, and the export carries the correction."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Figure, Indicator, Target
from plans.models import District, Plan, Unit
from tasks.models import Task, TaskProgress

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
    for formset in response.context["inline_admin_formsets"]:
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
