"""`load_plans` and `export_plans`: idempotent, atomic, and exact inverses."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators.models import Indicator, Target
from plans.models import District, Plan, Unit
from plans.planfile import dump_plans
from tasks.models import Task, TaskSupport
from tests.base import CODES, FIXTURES, plan_file

pytestmark = pytest.mark.django_db

MODELS = [District, Plan, Unit, Indicator, Target, Task, TaskSupport]


def snapshot():
    """Row counts of every plan table and of the history tables."""
    counts = {model.__name__: model.objects.count() for model in MODELS}
    for model in (Indicator, Target, Task):
        counts[f"history {model.__name__}"] = model.history.count()
    return counts


def export(district=None) -> dict:
    out = StringIO()
    args = ["--format", "json"] + (["--district", district] if district else [])
    call_command("export_plans", *args, stdout=out)
    return json.loads(out.getvalue())


def load(*paths):
    call_command("load_plans", *[str(p) for p in paths], stdout=StringIO())


def test_it_loads_every_plan_file():
    assert sorted(District.objects.values_list("code", flat=True)) == CODES
    assert Plan.objects.count() == 5
    assert District.objects.get(code="baoshui").parent.code == "binhai"


def test_it_changes_nothing_when_loaded_twice():
    before, exported = snapshot(), export()
    load()
    assert snapshot() == before
    assert export() == exported


def test_it_exports_each_plan_file_exactly():
    for code in CODES:
        assert export(code) == plan_file(code), code


def test_export_load_export_round_trips_through_an_empty_database(tmp_path):
    exported = export()
    path = tmp_path / "all.json"
    path.write_text(dump_plans(exported), encoding="utf-8")
    for model in (Task, Indicator, Plan, Unit):
        model.objects.all().delete()
    District.objects.filter(parent__isnull=False).delete()
    District.objects.all().delete()
    assert Indicator.objects.count() == 0
    load(path)
    assert export() == exported


def test_export_writes_plan_files_into_a_directory(tmp_path):
    call_command("export_plans", "--output", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    for code in CODES:
        written = (tmp_path / f"{code}.json").read_text(encoding="utf-8")
        assert written == (FIXTURES / f"{code}.json").read_text(encoding="utf-8")


def test_export_rejects_an_unknown_district():
    with pytest.raises(CommandError, match="nowhere"):
        call_command("export_plans", "--district", "nowhere", stdout=StringIO())


def write_broken_copy(tmp_path, code, change):
    data = plan_file(code)
    change(data["plans"][0])
    path = tmp_path / f"{code}.json"
    path.write_text(dump_plans(data), encoding="utf-8")
    return path


def test_a_broken_file_loads_nothing_and_says_where(tmp_path):
    def break_it(plan):
        plan["title"] = "改过的标题"  # would create a new plan if anything were written
        plan["indicators"][2]["kind"] = "ratio"

    path = write_broken_copy(tmp_path, "binhai", break_it)
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        load(path)
    message = str(excinfo.value)
    assert "binhai.json" in message
    assert "指标 #3（序号 3）" in message
    assert "ratio" in message
    assert snapshot() == before
    assert not Plan.objects.filter(title="改过的标题").exists()


def test_one_broken_file_among_several_loads_none_of_them(tmp_path):
    good = write_broken_copy(tmp_path, "wuqing", lambda p: p.update(title="武清新标题"))
    bad = write_broken_copy(
        tmp_path, "hongqiao", lambda p: p["tasks"][4].update(lead_unit="区不存在局")
    )
    with pytest.raises(CommandError) as excinfo:
        load(good, bad)
    assert "hongqiao.json" in str(excinfo.value)
    assert "任务 #5" in str(excinfo.value)
    assert not Plan.objects.filter(title="武清新标题").exists()


def test_invalid_json_is_reported_with_the_file_name(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"plans": [', encoding="utf-8")
    with pytest.raises(CommandError, match="bad.json"):
        load(path)


def test_a_corrected_file_updates_in_place(tmp_path):
    def correct(plan):
        plan["indicators"][6]["targets"][0]["value"] = 26000
        plan["tasks"][0]["supporting_units"] = ["区财政局"]

    indicator = Indicator.objects.get(plan__district__code="binhai", number="7")
    load(write_broken_copy(tmp_path, "binhai", correct))
    assert Indicator.objects.get(pk=indicator.pk).targets.get(year=2024).value == 26000
    task = Task.objects.get(plan__district__code="binhai", number="（1）")
    assert [u.name for u in task.supporting_units.all()] == ["区财政局"]
    assert indicator.history.count() == 1  # the indicator row itself did not change
    # The task's fields did not change, its units did: one record, which holds them.
    latest, previous = task.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_type == "~"
    assert [row.unit.name for row in latest.supporting_units.order_by("position")] == ["区财政局"]
    assert "区财政局" not in [row.unit.name for row in previous.supporting_units.all()]
    assert previous.supporting_units.exists()  # the units before, kept on the older record


def test_a_sixth_district_loads_without_a_code_change(tmp_path):
    def new_district(plan):
        plan.update(district="西青区", district_code="xiqing", title="西青区知识产权方案")
        plan["indicators"][1]["kind"] = "growth"
        plan["indicators"][1]["quantity"] = {"indicator": plan["indicators"][0]["number"]}
        plan["indicators"][2]["kind"] = "growth"
        plan["indicators"][2]["quantity"] = {"name": "质押融资登记金额", "unit": "亿元"}

    path = write_broken_copy(tmp_path, "wuqing", new_district)
    load(path)
    first, second, third = Indicator.objects.filter(plan__district__code="xiqing")[:3]
    assert second.quantity_indicator == first
    assert (third.quantity_name, third.quantity_unit) == ("质押融资登记金额", "亿元")
    assert export("xiqing") == json.loads(path.read_text(encoding="utf-8"))


def test_a_link_to_an_indicator_of_another_plan_is_refused(tmp_path):
    path = write_broken_copy(
        tmp_path, "wuqing",
        lambda p: p["indicators"][6].update(quantity={"indicator": "T99"}),
    )
    with pytest.raises(CommandError, match="T99"):
        load(path)


def test_a_unit_renamed_in_the_portal_stays_the_plans_unit_when_the_plans_are_loaded_again(
        client_for, coordinator_binhai):
    unit = Unit.objects.get(district__code="binhai", name="区科技局")
    led = set(Task.objects.filter(lead_unit=unit).values_list("pk", flat=True))
    supported = set(TaskSupport.objects.filter(unit=unit).values_list("task_id", flat=True))
    assert led
    response = client_for(coordinator_binhai).post(
        reverse("accounts:unit_update", args=["binhai", unit.pk]),
        {"name": "区科学技术局", "position": unit.position})
    assert response.status_code == 302
    units_before = Unit.objects.count()

    load(FIXTURES / "binhai.json")

    unit.refresh_from_db()
    assert unit.name == "区科学技术局" and "区科技局" in unit.aliases
    assert Unit.objects.count() == units_before  # no new 区科技局
    assert set(Task.objects.filter(lead_unit=unit).values_list("pk", flat=True)) == led
    assert set(TaskSupport.objects.filter(unit=unit).values_list("task_id", flat=True)) == supported
    before = snapshot()
    load(FIXTURES / "binhai.json")  # and loading again changes nothing
    assert snapshot() == before
