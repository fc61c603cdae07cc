"""任务推进情况表: headings merged down their rows, units, the latest approved progress with
its status fill, reasons for red rows only, filters; user text stays text."""

import datetime

import pytest

from plans.models import District, Unit
from reports import tasks as workbook
from reports.selectors import task_report
from tasks.models import Task, TaskSupport
from tests.reports.conftest import INJECTION, approve_progress, binhai_task, load

pytestmark = pytest.mark.django_db

HEADERS = ["重点任务", "任务", "序号", "具体内容", "牵头单位", "配合单位", "推进状态", "完成百分比",
           "最新进展情况", "滞后原因", "整改措施", "更新日期"]


def sheet_of(code="binhai", year=2023, **kwargs):
    report = task_report(district=District.objects.get(code=code), year=year, **kwargs)
    return load(workbook.workbook_bytes(report))[workbook.SHEET], report


def row_of(ws, number):
    for r in range(workbook.FIRST_ROW, ws.max_row + 1):
        if ws.cell(r, 3).value == number:
            return r
    raise AssertionError(f"no row for {number}")


def value(ws, number, header):
    return ws.cell(row_of(ws, number), HEADERS.index(header) + 1)


@pytest.fixture
def binhai_progress(coordinator):
    """(1) in progress with a narrative that looks like a formula; (2) a fourth-quarter entry
    and a whole-year entry (which counts after it); (13) delayed with reason and remedy."""
    approve_progress(coordinator, binhai_task("（1）"), 2023, narrative=INJECTION, percent=40)
    approve_progress(coordinator, binhai_task("（2）"), 2023, quarter=4, percent=80,
                     narrative="第四季度进展")
    approve_progress(coordinator, binhai_task("（2）"), 2023, quarter=0, status="completed",
                     percent=100, narrative="全年完成")
    approve_progress(coordinator, binhai_task("（13）"), 2023, status="delayed", percent=20,
                     narrative="推进滞后", reason="经费未到位", remedy="协调财政加快拨付")
    approve_progress(coordinator, binhai_task("（14）"), 2023, status="in_progress", percent=50,
                     reason="不应显示", remedy="不应显示")


def test_it_lays_out_the_binhai_task_table(binhai_progress):
    ws, report = sheet_of()
    assert ws["A1"].value == "滨海新区 2023年重点任务推进情况表"
    assert "天津市滨海新区国家知识产权强市建设示范城市建设工作方案（2022-2024年）" in ws["A2"].value
    assert [c.value for c in ws[workbook.HEADER_ROW]] == HEADERS
    assert ws.max_row > 90 + workbook.FIRST_ROW
    first = workbook.FIRST_ROW
    assert ws.cell(first, 1).value == "（一）推进知识产权政策制度体系建瓴行动"
    assert ws.cell(first, 2).value == "1.构建科学合理的知识产权政策体系"
    assert [ws.cell(r, 3).value for r in range(first, first + 3)] == ["（1）", "（2）", "（3）"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    # action group (一) over sub-items (1)–(6), task 1. over (1)–(3); task 2. has one row
    assert f"A{first}:A{first + 5}" in merged
    assert f"B{first}:B{first + 2}" in merged
    assert not any(m.startswith(f"B{first + 3}:") for m in merged)
    assert "A1:L1" in merged


def test_it_shows_units_and_the_latest_approved_progress(binhai_progress):
    ws, _report = sheet_of()
    assert value(ws, "（1）", "牵头单位").value == "区市场监管局（知识产权局）"
    assert value(ws, "（2）", "配合单位").value == "区科技局、区工业和信息化局"
    status = value(ws, "（2）", "推进状态")
    assert status.value == "已完成" and status.fill.start_color.rgb.endswith("CFE2FF")
    percent = value(ws, "（2）", "完成百分比")
    assert (percent.value, percent.data_type, percent.number_format) == (100, "n", '0"%"')
    assert value(ws, "（2）", "最新进展情况").value == "全年完成"
    updated = value(ws, "（2）", "更新日期")
    assert isinstance(updated.value, datetime.datetime) and updated.number_format == "yyyy-mm-dd"
    assert value(ws, "（1）", "推进状态").fill.start_color.rgb.endswith("D1F0D8")
    red = value(ws, "（13）", "推进状态")
    assert red.value == "滞后" and red.fill.start_color.rgb.endswith("F8D0D0")
    assert value(ws, "（13）", "滞后原因").value == "经费未到位"
    assert value(ws, "（13）", "整改措施").value == "协调财政加快拨付"
    # reason and remedy only for red rows
    assert value(ws, "（14）", "滞后原因").value is None
    none = value(ws, "（3）", "推进状态")
    assert none.value == "未填报" and value(ws, "（3）", "完成百分比").value is None


def test_it_counts_only_approved_progress(coordinator, binhai_progress):
    from reporting.services import EntryInput, entries_save
    from tasks.models import TaskProgress
    entries_save(model=TaskProgress, key_fields=("task_id", "year", "quarter"), user=coordinator,
                 inputs=[EntryInput(key=(binhai_task("（3）").pk, 2023, 0), version=0,
                                    values={"status": "completed", "percent": 100})])
    ws, report = sheet_of()
    assert value(ws, "（3）", "推进状态").value == "未填报"
    assert report.counts == {"not_started": 0, "in_progress": 2, "completed": 1, "delayed": 1,
                             "none": 86}


def test_it_keeps_user_text_that_looks_like_a_formula_as_text(coordinator, binhai_progress):
    task = binhai_task("（1）")
    unit = Unit.objects.create(district=task.plan.district, name="@恶意单位")
    TaskSupport.objects.filter(task=task).delete()
    TaskSupport.objects.create(task=task, unit=unit, position=0)
    lead = Unit.objects.create(district=task.plan.district, name="+1+2 单位")
    Task.objects.filter(pk=task.pk).update(lead_unit=lead)
    ws, _report = sheet_of()
    narrative = value(ws, "（1）", "最新进展情况")
    assert (narrative.value, narrative.data_type, narrative.quotePrefix) == (INJECTION, "s", True)
    lead_cell = value(ws, "（1）", "牵头单位")
    assert (lead_cell.value, lead_cell.data_type, lead_cell.quotePrefix) == (
        "+1+2 单位", "s", True)
    assert value(ws, "（1）", "配合单位").value == "@恶意单位"
    assert value(ws, "（1）", "配合单位").quotePrefix is True
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_it_filters_by_unit_and_status(binhai_progress):
    unit = Unit.objects.get(district__code="binhai", name="区科技局")
    ws, report = sheet_of(unit=unit)
    assert all(row.lead == "区科技局" or "区科技局" in row.supporting for row in report.rows)
    assert "（1）" in [row.task.number for row in report.rows]
    assert "筛选：责任单位：区科技局" in ws["A2"].value
    _ws, report = sheet_of(status="delayed")
    assert [row.task.number for row in report.rows] == ["（13）"]
    _ws, report = sheet_of(status="none")
    assert "（3）" in [row.task.number for row in report.rows]
    assert "（1）" not in [row.task.number for row in report.rows]


def test_it_sets_up_printing(binhai_progress):
    ws, _report = sheet_of()
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "C4"
    assert "&P" in ws.oddFooter.center.text
    assert ws.column_dimensions["D"].width == 34
    assert ws["D4"].alignment.wrap_text is True
    # a long sub-item gets a row tall enough for its text
    assert ws.row_dimensions[row_of(ws, "（6）")].height > 60


def test_it_lays_out_baoshui_with_its_numbered_sub_items(coordinator):
    approve_progress(coordinator, Task.objects.get(plan__district__code="baoshui", number="1.1"),
                     2022, status="completed", percent=100)
    ws, _report = sheet_of("baoshui", 2022)
    first = workbook.FIRST_ROW
    assert ws["A1"].value == "天津港保税区 2022年重点任务推进情况表"
    assert ws.cell(first, 1).value == "(一)实施知识产权质量提升工程"
    assert ws.cell(first, 2).value == "1.实施专利导航创新发展计划"
    assert [ws.cell(r, 3).value for r in range(first, first + 3)] == ["1.1", "1.2", "1.3"]
    assert ws.cell(first, 5).value == "市场监管局"
    assert ws.cell(first, 6).value == "发改局、科工局、商务局"
    assert ws.cell(first, 7).value == "已完成"
    assert f"B{first}:B{first + 2}" in {str(r) for r in ws.merged_cells.ranges}


def test_it_leaves_out_the_task_column_when_the_plan_has_no_tasks_under_groups():
    ws, _report = sheet_of("wuqing", 2018)
    headers = [c.value for c in ws[workbook.HEADER_ROW]]
    assert headers[:3] == ["重点任务", "序号", "具体内容"]
    assert ws.cell(workbook.FIRST_ROW, 2).value == "一是"


def test_it_marks_units_that_the_plan_does_not_name_as_inferred():
    """红桥's plan names no unit for any task (transcribed as its leading group, 单位为推定);
    滨海's names them, except where the transcription says otherwise."""
    ws, report = sheet_of("hongqiao", 2024)
    inferred = Task.objects.filter(plan__district__code="hongqiao", units_inferred=True,
                                   children__isnull=True)
    assert inferred.count() == len(report.rows) > 0
    lead_column = [c.value for c in ws[workbook.HEADER_ROW]].index("牵头单位") + 1
    for r in range(workbook.FIRST_ROW, workbook.FIRST_ROW + len(report.rows)):
        lead = ws.cell(r, lead_column).value
        assert lead.endswith("\n（单位为推定）") and lead.split("\n")[0]
    note = next(c.value for c in ws["A"] if c.value and str(c.value).startswith("说明"))
    assert "方案未写明责任单位，所列单位由转录推定" in note

    ws, report = sheet_of("binhai", 2023)
    named = next(row for row in report.rows if not row.task.units_inferred)
    assert value(ws, named.task.number, "牵头单位").value == named.lead
    note = next(c.value for c in ws["A"] if c.value and str(c.value).startswith("说明"))
    if not any(row.task.units_inferred for row in report.rows):
        assert "推定" not in note


def test_it_says_so_when_no_plan_is_in_force():
    ws, report = sheet_of("binhai", 2030)
    assert report.rows == []
    assert "本年度无在期方案" in ws["A2"].value
    assert ws.cell(workbook.FIRST_ROW, 1).value == "没有符合条件的任务。"


def test_it_marks_sample_progress_in_the_title(coordinator):
    from reporting.services import EntryInput, entries_approve, entries_save, entries_submit
    from tasks.models import TaskProgress
    saved = entries_save(model=TaskProgress, key_fields=("task_id", "year", "quarter"),
                         user=coordinator, is_sample=True,
                         inputs=[EntryInput(key=(binhai_task("（5）").pk, 2023, 0), version=0,
                                            values={"status": "in_progress", "percent": 10,
                                                    "narrative": "示例"})])
    entries_submit(entries=saved, user=coordinator)
    entries_approve(entries=TaskProgress.objects.filter(pk=saved[0].pk), user=coordinator)
    ws, _report = sheet_of()
    assert ws["A1"].value.endswith("【示例数据】")
