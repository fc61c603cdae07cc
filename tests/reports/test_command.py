"""`manage.py export_report`: the same workbooks as the download buttons, written to a file."""

import pytest
from django.core.management import CommandError, call_command

from plans.models import Plan
from tests.reports.conftest import load

pytestmark = pytest.mark.django_db


def export(tmp_path, *args):
    out = tmp_path / "report.xlsx"
    call_command("export_report", *args, "-o", str(out))
    return load(out.read_bytes())


def test_it_writes_the_indicator_report_by_default(tmp_path, binhai_data):
    wb = export(tmp_path, "--district", "binhai", "--year", "2023")
    ws = wb["指标完成情况"]
    assert ws["A1"].value == "滨海新区 2023年知识产权规划指标完成情况表"
    assert ws["B6"].value == "创造"


def test_it_writes_the_task_report_and_the_summary(tmp_path):
    wb = export(tmp_path, "--district", "baoshui", "--year", "2022", "--kind", "tasks")
    assert wb["任务推进情况"]["A1"].value == "天津港保税区 2022年重点任务推进情况表"
    wb = export(tmp_path, "--year", "2023", "--kind", "summary")
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 6
    wb = export(tmp_path, "--year", "2023", "--kind", "summary", "--district", "binhai")
    assert wb.sheetnames == ["汇总", "滨海新区"]


def test_it_takes_a_plan_and_a_status(tmp_path, binhai_data):
    plan = Plan.objects.get(district__code="binhai")
    wb = export(tmp_path, "--district", "binhai", "--year", "2023", "--plan", str(plan.pk),
                "--status", "behind")
    assert "状态：滞后" in wb.worksheets[0]["A2"].value


def test_it_names_the_file_after_the_report_without_o(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("export_report", "--district", "binhai", "--year", "2023", "--kind", "tasks")
    assert (tmp_path / "滨海新区-2023年重点任务推进情况表.xlsx").exists()


@pytest.mark.parametrize("args, message", [
    (["--year", "2023"], "--district is required"),
    (["--district", "nowhere", "--year", "2023"], "no district"),
    (["--district", "binhai", "--year", "2023", "--plan", "999999"], "has no plan"),
    (["--district", "binhai", "--year", "2023", "--status", "maybe"], "unknown indicator status"),
    (["--district", "binhai", "--year", "2023", "--kind", "tasks", "--status", "x"],
     "unknown task status"),
    (["--year", "2023", "--kind", "summary", "--district", "nowhere"], "no district"),
])
def test_it_explains_wrong_arguments(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_report", *args, "-o", str(tmp_path / "x.xlsx"))
