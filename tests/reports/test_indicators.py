"""指标完成情况表: layout, values, number formats, merges, fills and print settings, for 滨海
and 保税区; user text never becomes a formula."""

from decimal import Decimal

import pytest
from django.utils import translation

from indicators.models import Indicator
from plans.models import District, Plan
from reports import indicators as workbook
from reports.selectors import IndicatorFilters, indicator_report
from tests.reports.conftest import INJECTION, approve_figures, d, load

pytestmark = pytest.mark.django_db


def report_of(code, year, **filters):
    district = District.objects.get(code=code)
    plan = Plan.objects.get(district=district)
    return indicator_report(district=district, plan=plan, year=year,
                            filters=IndicatorFilters(**filters))


def sheet_of(code, year, **filters):
    report = report_of(code, year, **filters)
    return load(workbook.workbook_bytes(report))[workbook.SHEET], report


def columns_of(report):
    return {col.key: i for i, col in enumerate(workbook.columns(report), 1)}


def row_of(ws, number):
    for r in range(workbook.FIRST_ROW, ws.max_row + 1):
        if str(ws.cell(r, 1).value) == number:
            return r
    raise AssertionError(f"no row for {number}")


def cell(ws, report, number, key):
    return ws.cell(row_of(ws, number), columns_of(report)[key])


def test_it_lays_out_the_binhai_table_with_a_two_row_header(binhai_data):
    ws, report = sheet_of("binhai", 2023)
    assert ws["A1"].value == "滨海新区 2023年知识产权规划指标完成情况表"
    info = ws["A2"].value
    assert "天津市滨海新区国家知识产权强市建设示范城市建设工作方案（2022-2024年）" in info
    assert "年度：2023年" in info and "数据截至：" in info
    top = [c.value for c in ws[3]]
    bottom = [c.value for c in ws[4]]
    assert top == ["序号", "类别", "指标名称", "单位", "指标属性", "基础值", None, "目标值",
                   "实际值", None, "2023年序时进度", "完成率", "状态", "说明"]
    assert bottom[5:10] == ["数值", "年份", "2024年", "2022年", "2023年"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:A4", "C3:C4", "F3:G3", "I3:J3", "N3:N4", "A1:N1", "A2:N2"} <= merged
    # 类别 merged as in the plan's table: 创造 rows 2–9, 保护 10–14; 政策 is a single row
    assert ws["B5"].value == "政策" and "B5:B5" not in merged
    assert "B6:B13" in merged and ws["B6"].value == "创造"
    assert "B14:B18" in merged and ws["B14"].value == "保护"
    assert [ws.cell(r, 1).value for r in range(5, 9)] == [1, 2, 3, 4]
    assert cell(ws, report, "T1", "category").value == "正文目标"


def test_it_fills_in_the_engines_values_for_the_worked_example(binhai_data):
    ws, report = sheet_of("binhai", 2023)
    r = row_of(ws, "7")
    cols = columns_of(report)
    assert ws.cell(r, cols["name"]).value == "有效发明专利量"
    assert ws.cell(r, cols["unit"]).value == "件"
    assert ws.cell(r, cols["attribute"]).value == "自选指标"
    assert ws.cell(r, cols["baseline"]).value == 13066
    assert ws.cell(r, cols["baseline_year"]).value == 2021
    assert ws.cell(r, cols["target:2024"]).value == 25000
    assert ws.cell(r, cols["actual:2022"]).value == 16000
    assert ws.cell(r, cols["actual:2023"]).value == 21500
    assert ws.cell(r, cols["expected"]).value == 21022  # 13066 + (25000 − 13066) × 2/3
    assert ws.cell(r, cols["percent"]).value == pytest.approx(70.67)
    status = ws.cell(r, cols["status"])
    assert status.value == "正常"
    assert status.fill.start_color.rgb.endswith("D1F0D8")
    # numbers stay numbers
    for key in ("baseline", "target:2024", "actual:2023", "expected", "percent"):
        assert ws.cell(r, cols[key]).data_type == "n", key


def test_it_formats_numbers_by_unit(binhai_data):
    ws, report = sheet_of("binhai", 2023)
    cols = columns_of(report)
    count = cell(ws, report, "7", "actual:2023")
    assert count.number_format == "#,##0"
    assert cell(ws, report, "7", "target:2024").number_format == '"≥"#,##0'
    money = cell(ws, report, "17", "actual:2023")
    assert (money.value, money.number_format) == (25.5, "#,##0.00")
    share = cell(ws, report, "1", "actual:2023")
    assert (share.value, share.number_format) == (0.75, '0.00"%"')
    assert cell(ws, report, "1", "baseline").value == 0.7
    assert cell(ws, report, "7", "percent").number_format == '0.0"%"'
    assert cell(ws, report, "7", "baseline_year").number_format == "0"
    # a lower-is-better target keeps its comparator
    assert cell(ws, report, "T2", "target:2024").number_format == '"≤"0.0"%"'
    assert cols["target:2024"] < cols["actual:2022"]


def test_it_shows_an_adjusted_target_with_the_original(binhai_data):
    ws, report = sheet_of("binhai", 2023)
    target = cell(ws, report, "2", "target:2024")
    assert target.value == 32 and target.data_type == "n"
    assert target.number_format == '"≥"#,##0.0"（原≥30）"'
    note = cell(ws, report, "2", "note").value
    assert note == "2024年目标由 30 调整为 ≥32（中期评估后上调）"
    # the column is wide enough for both numbers (no ####)
    letter = target.column_letter
    assert ws.column_dimensions[letter].width >= 18


def test_an_adjusted_targets_column_fits_its_english_words(binhai_data):
    with translation.override("en"):
        report = report_of("binhai", 2023)
        ws = load(workbook.workbook_bytes(report)).worksheets[0]
        target = cell(ws, report, "2", "target:2024")
        assert target.number_format == '"≥"#,##0.0" (originally ≥30)"'
        shown = "≥32.0 (originally ≥30)"
        assert ws.column_dimensions[target.column_letter].width >= len(shown) + 1


def test_it_shows_cumulative_growth_and_milestone_actuals(binhai_data):
    ws, report = sheet_of("binhai", 2023)
    # cumulative: the running total of each year
    assert cell(ws, report, "T9", "actual:2022").value == 40
    assert cell(ws, report, "T9", "actual:2023").value == 90
    assert cell(ws, report, "T9", "status").value == "预警"
    assert cell(ws, report, "T9", "status").fill.start_color.rgb.endswith("FFF1C2")
    # growth linked to row 17: average annual growth from 17 (2021) to 25.5 (2023)
    growth = cell(ws, report, "T5", "actual:2023")
    assert growth.value == pytest.approx(22.4745, abs=1e-4)
    assert growth.number_format.endswith('"%"')
    assert cell(ws, report, "T5", "actual:2022").value == pytest.approx(23.5294, abs=1e-4)
    assert cell(ws, report, "T5", "status").value == "滞后"
    assert cell(ws, report, "T5", "status").fill.start_color.rgb.endswith("F8D0D0")
    # milestone: done in 2023, no figure in 2022
    assert cell(ws, report, "T4", "actual:2022").value is None
    assert cell(ws, report, "T4", "actual:2023").value == "已完成"
    assert cell(ws, report, "T4", "target:2024").value == "全面完成"
    assert cell(ws, report, "T4", "status").value == "已完成"
    # a range target stays as the plan prints it
    assert cell(ws, report, "T13", "target:2024").value == "3–5"
    # no figure: no actual, 无数据
    assert cell(ws, report, "8", "actual:2023").value is None
    assert cell(ws, report, "8", "status").value == "无数据"


def test_it_keeps_a_note_that_looks_like_a_formula_as_text(binhai_data):
    ws, report = sheet_of("binhai", 2023)
    note = cell(ws, report, "7", "note")
    assert note.value == INJECTION
    assert note.data_type == "s"
    assert note.quotePrefix is True
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_it_sets_up_printing(binhai_data):
    ws, report = sheet_of("binhai", 2023)
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$3:$4"
    assert ws.freeze_panes == "D5"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws.column_dimensions["C"].width == 26
    assert ws["C5"].alignment.wrap_text is True
    assert ws["C5"].font.name == "SimSun"
    assert ws.row_dimensions[5].height >= 15
    # the legend below the table names every status with its fill
    words = {ws.cell(r, 3).value: ws.cell(r, 3).fill.start_color.rgb
             for r in range(workbook.FIRST_ROW, ws.max_row + 1)}
    assert words["滞后"].endswith("F8D0D0") and words["无数据"].endswith("E5E7EB")


def test_it_lays_out_baoshui_with_its_status_column(baoshui_data):
    ws, report = sheet_of("baoshui", 2023)
    assert ws["A1"].value == "天津港保税区 2023年知识产权规划指标完成情况表"
    top = [c.value for c in ws[3]]
    bottom = [c.value for c in ws[4]]
    assert top[5:14] == ["基础值", None, "目标值", None, None, "实际值", None, None,
                         "2023年序时进度"]
    assert bottom[7:13] == ["2021年", "2022年", "2023年", "2021年", "2022年", "2023年"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"H3:J3", "K3:M3"} <= merged
    # 托管: 150 → 300, then 验收; the actuals are running totals
    assert cell(ws, report, "9", "target:2021").value == 150
    assert cell(ws, report, "9", "target:2022").value == 300
    assert cell(ws, report, "9", "target:2023").value == "验收"
    assert [cell(ws, report, "9", f"actual:{y}").value for y in (2021, 2022, 2023)] == [
        150, 290, 310]
    assert cell(ws, report, "9", "status").value == "已完成"
    assert cell(ws, report, "9", "status").fill.start_color.rgb.endswith("CFE2FF")
    assert cell(ws, report, "12", "target:2023").value == "完成"
    assert cell(ws, report, "12", "actual:2023").value == 13500
    # growth with its base-year quantity: 100 (2020) → 150 (2022)
    assert cell(ws, report, "1", "actual:2022").value == pytest.approx(22.4745, abs=1e-4)
    assert cell(ws, report, "1", "actual:2023").value is None
    assert cell(ws, report, "1", "baseline_year").value == 2020
    # no category in this plan's table: nothing merged in the rows of its numbered indicators
    assert cell(ws, report, "9", "category").value is None
    assert ws.print_title_rows == "$3:$4"


def test_it_marks_sample_data_in_the_title(coordinator):
    approve_figures(coordinator, "binhai", [("7", 2023, {"value": d(20000)})], is_sample=True)
    ws, _report = sheet_of("binhai", 2023)
    assert ws["A1"].value.endswith("【示例数据】")
    assert "示例数据" not in sheet_of("baoshui", 2023)[0]["A1"].value
    # only figures shown count: 7 is not in the 保护 category
    assert "示例数据" not in sheet_of("binhai", 2023, category="保护")[0]["A1"].value


def test_it_counts_only_approved_figures(coordinator, binhai_data):
    from reporting.services import EntryInput, entries_save
    from indicators.models import Figure
    indicator = Indicator.objects.get(plan__district__code="binhai", number="8")
    entries_save(model=Figure, key_fields=("indicator_id", "year"), user=coordinator,
                 inputs=[EntryInput(key=(indicator.pk, 2023), version=0,
                                    values={"value": Decimal(280)})])
    ws, report = sheet_of("binhai", 2023)
    assert cell(ws, report, "8", "actual:2023").value is None


def test_it_applies_the_dashboards_filters(binhai_data):
    ws, report = sheet_of("binhai", 2023, category="创造")
    numbers = [ws.cell(r, 1).value for r in range(workbook.FIRST_ROW, workbook.FIRST_ROW + 8)]
    assert numbers == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "筛选：类别：创造" in ws["A2"].value
    report = report_of("binhai", 2023, status="behind")
    assert {row.progress.status.value for row in report.rows} == {"behind"}
    assert "T5" in [row.indicator.number for row in report.rows]
    report = report_of("binhai", 2023, kind="cumulative", q="代理")
    assert [row.indicator.number for row in report.rows] == ["T9"]
    report = report_of("binhai", 2023, attribute="国家指标")
    assert all(row.indicator.attribute == "国家指标" for row in report.rows)
    assert [row.indicator.number for row in report.rows] == [
        "1", "2", "3", "4", "5", "6", "10", "15", "17", "19"]


def test_it_ignores_filter_values_that_do_not_exist():
    filters = IndicatorFilters.from_query({"status": "maybe", "kind": "x", "attribute": "y",
                                           "category": " 创造 ", "q": ""})
    assert filters == IndicatorFilters(category="创造")


def test_computed_values_show_the_decimals_the_dashboard_shows(binhai_data):
    """A 序时进度 of 1.3333 reads 1.33, not 1 (which would seem to meet it); a growth rate two
    decimals, as on the dashboard."""
    ws, report = sheet_of("binhai", 2023)
    cols = columns_of(report)
    fractional = 0
    for row in report.rows:
        expected = cell(ws, report, row.indicator.number, "expected")
        if isinstance(expected.value, (int, float)) and expected.value != int(expected.value):
            fractional += 1
            shown = Decimal(str(round(expected.value, 2))).normalize()
            places = expected.number_format.split(".")[1].count("0") \
                if "." in expected.number_format else 0
            assert places >= -shown.as_tuple().exponent, row.indicator.number
    assert fractional >= 1
    assert cell(ws, report, "T5", "actual:2023").number_format == '0.00"%"'
    assert cell(ws, report, "7", "actual:2023").number_format == "#,##0"  # counts stay whole
    assert ws.cell(row_of(ws, "7"), cols["expected"]).number_format == "#,##0"


def test_before_the_plan_starts_it_gives_no_expected_value_percent_or_status(coordinator):
    """滨海's plan runs 2022–2024: the table of 2021 (its baseline year) has no 序时进度, no
    percent and no status, as the pages, even for an indicator with a figure that year."""
    approve_figures(coordinator, "binhai", [("17", 2021, {"value": d(17)})])
    ws, report = sheet_of("binhai", 2021)
    assert report.actual_years == []
    for number in ("7", "17", "T2", "T5", "T4"):  # level, flow, lower, growth, milestone
        assert cell(ws, report, number, "expected").value is None, number
        assert cell(ws, report, number, "percent").value is None, number
        status = cell(ws, report, number, "status")
        assert status.value == "方案尚未开始", number
        assert status.fill.fill_type is None  # no status colour
    assert cell(ws, report, "7", "target:2024").value == 25000  # the targets stay
    # within the plan, as before
    ws, report = sheet_of("binhai", 2022)
    assert cell(ws, report, "7", "expected").value == Decimal("17044")


def test_a_plans_label_takes_the_brackets_of_the_workbooks_language():
    from reports.layout import plan_label
    plan = Plan.objects.get(district__code="wuqing")  # its title does not name its years
    assert plan_label(plan) == f"{plan.title}（{plan.period_label}）"
    with translation.override("en"):
        assert plan_label(plan) == f"{plan.title} ({plan.period_label})"


def test_english_words_are_not_broken_by_columns_sized_for_chinese(binhai_data):
    from indicators.choices import Attribute
    from indicators.progress import Status
    with translation.override("en"):
        report = report_of("binhai", 2023)
        ws = load(workbook.workbook_bytes(report)).worksheets[0]
        headers = {c.value: c.column_letter for r in workbook.HEADER_ROWS for c in ws[r] if c.value}
        words = {"Status": [s.label for s in Status], "Attribute": Attribute.labels}
        for header, labels in words.items():
            longest = max(len(word) for label in labels for word in str(label).split())
            letter = next(v for k, v in headers.items() if str(k).startswith(header))
            assert ws.column_dimensions[letter].width >= longest + 1, header
    chinese = load(workbook.workbook_bytes(report_of("binhai", 2023))).worksheets[0]
    status = next(c.column_letter for r in workbook.HEADER_ROWS for c in chinese[r]
                  if c.value == "状态")
    assert chinese.column_dimensions[status].width == 7  # Chinese wraps anywhere: as it was
