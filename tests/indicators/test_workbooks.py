"""The fill-in workbook: layout, prefilled values, protection, validation, meta; reading it back."""

import zipfile
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Figure
from indicators.services import FigureRow, figures_save, grid_rows
from indicators.workbooks import (
    FIRST_ROW, HEADER_ROW, META, SHEET, WorkbookError, build_workbook, column_index,
    read_workbook,
)
from plans.models import Plan
from reporting.services import entries_approve, entries_submit

pytestmark = pytest.mark.django_db


def plan_of(code):
    return Plan.objects.select_related("district").get(district__code=code)


def workbook(plan, year):
    return openpyxl.load_workbook(BytesIO(build_workbook(plan=plan, year=year)))


def find_row(ws, year, number, row_year=None):
    """The sheet row of indicator ``number`` (and ``row_year``, the year by default)."""
    index = column_index(year)
    for r in range(FIRST_ROW, ws.max_row + 1):
        if (ws.cell(r, index["key"]).value == number
                and ws.cell(r, index["year"]).value == (row_year or year)):
            return r
    raise AssertionError(f"no row for {number} {row_year or year}")


def cell(ws, year, number, column, row_year=None):
    return ws.cell(find_row(ws, year, number, row_year), column_index(year)[column])


def save(plan, year, user, number, **values):
    indicator = plan.indicators.get(number=number)
    figure = Figure.objects.filter(indicator=indicator, year=values.get("year") or year).first()
    row = FigureRow(indicator=indicator, version=figure.version if figure else 0, **values)
    return figures_save(plan=plan, year=year, rows=[row], user=user)


def approve(plan, year, coordinator, number, value):
    save(plan, year, coordinator, number, value=Decimal(value))
    figures = list(Figure.objects.filter(indicator__plan=plan, indicator__number=number,
                                         year=year))
    entries_submit(entries=figures, user=coordinator)
    entries_approve(entries=Figure.objects.filter(pk__in=[f.pk for f in figures]),
                    user=coordinator)


def test_it_lays_out_the_plans_indicator_table():
    plan = plan_of("baoshui")
    ws = workbook(plan, 2022)[SHEET]
    headers = [c.value for c in ws[HEADER_ROW]]
    assert headers[:18] == [
        "序号", "类别", "指标名称", "单位", "基础值（年份）", "2022年目标值", "序时进度（2022年应达到）",
        "2021年审核值", "当前状态", "填报内容", "本年实际值", "分子", "分母", "是否完成", "说明",
        "滞后原因", "整改措施", "修改原因",
    ]
    assert "2022年指标实际值填报表" in ws["A1"].value and plan.title in ws["A1"].value
    assert cell(ws, 2022, "12", "name").value == "有效专利数量"
    assert cell(ws, 2022, "12", "unit").value == "件"
    assert cell(ws, 2022, "12", "target").value == "≥13200"
    assert cell(ws, 2022, "12", "expected").value == 13200
    assert cell(ws, 2022, "9", "target").value == "≥300"  # cumulative 托管 150 → 300
    assert cell(ws, 2022, "9", "what").value.startswith("本年新增量")


def test_it_shows_the_expected_value_and_the_final_target_between_targets():
    plan = plan_of("binhai")
    ws = workbook(plan, 2023)[SHEET]
    assert cell(ws, 2023, "7", "baseline").value == "13066（2021）"
    assert cell(ws, 2023, "7", "expected").value == 21022  # 13066 + (25000 − 13066) × 2/3
    assert cell(ws, 2023, "7", "target").value == "（终期 2024年 25000）"
    assert cell(ws, 2023, "1", "category").value == "政策"


def test_it_prefills_current_values_and_last_years_approved_value(coordinator_binhai):
    plan = plan_of("binhai")
    approve(plan, 2022, coordinator_binhai, "7", "18000")
    save(plan, 2023, coordinator_binhai, "7", value=Decimal("21500"), note="=1+1 见统计公报")
    ws = workbook(plan, 2023)[SHEET]
    assert cell(ws, 2023, "7", "last").value == 18000
    assert cell(ws, 2023, "7", "value").value == 21500
    note = cell(ws, 2023, "7", "note")
    assert (note.value, note.data_type, note.quotePrefix) == ("=1+1 见统计公报", "s", True)
    assert cell(ws, 2023, "7", "status").value == "草稿"
    assert cell(ws, 2023, "7", "version").value == 1
    assert cell(ws, 2023, "8", "version").value == 0
    assert cell(ws, 2023, "8", "status").value == "未填报"


def test_it_unlocks_only_the_inputs_of_each_kind():
    plan = plan_of("binhai")
    ws = workbook(plan, 2023)[SHEET]
    assert ws.protection.sheet is True

    def unlocked(number, column):
        return cell(ws, 2023, number, column).protection.locked is False

    # a level indicator
    assert unlocked("7", "value") and unlocked("7", "note") and unlocked("7", "change_reason")
    assert not unlocked("7", "name") and not unlocked("7", "expected")
    assert not unlocked("7", "numerator") and not unlocked("7", "done")
    assert not unlocked("7", "key") and not unlocked("7", "version")
    # a ratio (每万人口) takes numerator and denominator
    assert unlocked("2", "numerator") and unlocked("2", "denominator")
    # a milestone: done only
    assert unlocked("T4", "done") and not unlocked("T4", "value")
    # a growth indicator linked to row 17 asks for nothing
    assert not any(unlocked("T5", c) for c in ("value", "done", "note", "change_reason"))
    assert "17" in cell(ws, 2023, "T5", "what").value
    # the key, year and version columns are hidden
    letters = {k: openpyxl.utils.get_column_letter(i) for k, i in column_index(2023).items()}
    assert all(ws.column_dimensions[letters[k]].hidden for k in ("key", "year", "version"))
    assert not ws.column_dimensions[letters["value"]].hidden


def test_it_validates_the_inputs():
    plan = plan_of("binhai")
    ws = workbook(plan, 2023)[SHEET]
    rules = ws.data_validations.dataValidation
    decimal = next(v for v in rules if v.type == "decimal")
    yes_no = next(v for v in rules if v.type == "list")
    assert decimal.operator == "greaterThanOrEqual" and decimal.formula1 == "0"
    assert cell(ws, 2023, "7", "value").coordinate in decimal.sqref
    assert cell(ws, 2023, "2", "denominator").coordinate in decimal.sqref
    assert yes_no.formula1 == '"是,否"'
    assert cell(ws, 2023, "T4", "done").coordinate in yes_no.sqref
    assert cell(ws, 2023, "7", "done").coordinate not in yes_no.sqref


def test_it_records_district_plan_and_year_in_a_hidden_sheet():
    plan = plan_of("binhai")
    wb = workbook(plan, 2023)
    meta = wb[META]
    assert meta.sheet_state == "veryHidden"
    values = {row[0]: row[1] for row in meta.iter_rows(values_only=True)}
    assert values["format"] == "ipops.figures"
    assert values["district"] == "binhai"
    assert values["plan_id"] == plan.pk
    assert values["plan_title"] == plan.title
    assert values["year"] == 2023
    assert wb.security.lockStructure


def test_it_prints_on_a4_landscape_with_the_header_repeated():
    ws = workbook(plan_of("binhai"), 2023)[SHEET]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.freeze_panes == f"D{FIRST_ROW}"


def test_it_asks_a_growth_quantity_and_its_base_year_once():
    plan = plan_of("baoshui")
    ws = workbook(plan, 2022)[SHEET]
    what = cell(ws, 2022, "2", "what").value
    assert "知识产权质押融资金额" in what and "亿元" in what
    base = find_row(ws, 2022, "2", 2020)
    index = column_index(2022)
    assert "2020" in ws.cell(base, index["what"]).value
    assert ws.cell(base, index["value"]).protection.locked is False
    assert ws.cell(base, index["note"]).protection.locked is True
    keys = [(ws.cell(r, index["key"]).value, ws.cell(r, index["year"]).value)
            for r in range(FIRST_ROW, ws.max_row + 1)]
    assert keys.count(("2", 2020)) == 1
    # Binhai gives base values, so its stock indicators have no base-year row
    ws = workbook(plan_of("binhai"), 2023)[SHEET]
    years = {ws.cell(r, index["year"]).value for r in range(FIRST_ROW, ws.max_row + 1)}
    assert years == {2023, 2021}  # T3 (growth, base 2021 without a value) only
    assert find_row(ws, 2023, "T3", 2021)


# Reading an upload back.

def as_upload(wb, name="填报表.xlsx"):
    buffer = BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def read(plan, year, upload):
    return read_workbook(upload, district=plan.district, plan=plan, year=year,
                         rows=grid_rows(plan=plan, year=year))


def test_it_reads_the_values_a_user_filled_in():
    plan = plan_of("baoshui")
    wb = workbook(plan, 2022)
    ws = wb[SHEET]
    cell(ws, 2022, "2", "value").value = 12.3
    cell(ws, 2022, "2", "value", 2020).value = "8"
    cell(ws, 2022, "14", "numerator").value = 500
    cell(ws, 2022, "14", "denominator").value = 0.1 + 0.2  # a float's noise, not a 5th decimal
    cell(ws, 2022, "T1", "done").value = "是"
    cell(ws, 2022, "12", "note").value = "@统计口径调整"
    parsed = read(plan, 2022, as_upload(wb))
    rows = {(r["number"], r["year"]): r["fields"] for r in parsed.rows}
    assert rows[("2", 2022)]["value"] == "12.3"
    assert rows[("2", 2020)] == {"value": "8", "change_reason": ""}
    assert rows[("14", 2022)]["numerator"] == "500"
    assert rows[("14", 2022)]["denominator"] == "0.3"
    assert rows[("T1", 2022)]["done"] is True
    assert rows[("12", 2022)]["note"] == "@统计口径调整"
    assert parsed.versions[f"{plan.indicators.get(number='2').pk}:2022"] == 0


@pytest.mark.parametrize("typed, message", [
    ("abc", "“abc”不是有效的数字"),
    ("1,2", "“1,2”不是有效的数字"),
    ("12.34567", "最多 4 位小数"),
    (12.34567, "最多 4 位小数"),  # typed as a number: refused like the grid, not rounded
    ("NaN", "不是有效的数字"),
    ("=1+1", "不要使用公式"),
])
def test_it_refuses_values_that_are_not_numbers(typed, message):
    plan = plan_of("binhai")
    wb = workbook(plan, 2023)
    cell(wb[SHEET], 2023, "7", "value").value = typed
    with pytest.raises(WorkbookError) as exc:
        read(plan, 2023, as_upload(wb))
    text = " ".join(exc.value.messages)
    assert message in text and "序号 7" in text


def test_it_refuses_a_key_that_is_not_in_the_plan():
    plan = plan_of("binhai")
    wb = workbook(plan, 2023)
    ws = wb[SHEET]
    ws.cell(find_row(ws, 2023, "7"), column_index(2023)["key"]).value = "99"
    with pytest.raises(WorkbookError) as exc:
        read(plan, 2023, as_upload(wb))
    assert "序号 99" in exc.value.messages[0] and "不属于本方案" in exc.value.messages[0]


def test_it_refuses_a_milestone_answer_other_than_yes_or_no():
    plan = plan_of("binhai")
    wb = workbook(plan, 2023)
    cell(wb[SHEET], 2023, "T4", "done").value = "差不多"
    with pytest.raises(WorkbookError) as exc:
        read(plan, 2023, as_upload(wb))
    assert "请填“是”或“否”" in exc.value.messages[0]


def test_it_checks_the_zip_before_openpyxl_reads_it():
    plan = plan_of("binhai")
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/workbook.xml", b"\0" * (51 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024  # small on disk, huge unpacked
    with pytest.raises(WorkbookError) as exc:
        read(plan, 2023, SimpleUploadedFile("bomb.xlsx", buffer.getvalue()))
    assert "解压后过大" in exc.value.messages[0]
