"""The leaders' summary workbook: the summary sheet, one sheet per district, write-only, and a
constant number of queries whatever the number of districts."""

import dataclasses
from decimal import Decimal
from io import BytesIO

import pytest

from dashboards.models import DistrictSnapshot
from indicators.models import Figure, Indicator, Target
from indicators.progress import Status, compute
from indicators.selectors import figures_reporting, indicators_progress, plans_progress, target_spec
from plans.models import District, Plan, Unit
from reporting.choices import ReviewStatus
from reporting.services import EntryInput, entries_return, entries_save, entries_submit
from reports import summary as workbook
from reports.selectors import summary_report
from tasks.models import Task, TaskProgress
from tests.reports.conftest import INJECTION, approve_figures, approve_progress, binhai_task, d
from tests.reports.conftest import load

pytestmark = pytest.mark.django_db

HEADER_TOP = ["区域", "在期方案", "指标数", "指标状态", None, None, None, None, "实际值填报", None,
              None, "重点任务推进", None, None, None, None, None, None]
HEADER_BOTTOM = [None, None, None, "已完成", "正常", "预警", "滞后", "无数据", "已审核", "待审核",
                 "填报率", "任务数", "未开始", "推进中", "已完成", "滞后", "未填报", "完成率"]


def build(year=2023, districts=None):
    report = summary_report(districts=districts or District.objects.all(), year=year)
    return load(workbook.workbook_bytes(report)), report


def summary_row(ws, name):
    for r in range(5, ws.max_row + 1):
        if ws.cell(r, 1).value == name:
            return [c.value for c in ws[r]]
    raise AssertionError(name)


@pytest.fixture
def summary_data(coordinator, binhai_data, baoshui_data):
    approve_progress(coordinator, binhai_task("（13）"), 2023, status="delayed", percent=20,
                     narrative="推进滞后", reason=INJECTION, remedy="协调财政加快拨付")
    approve_progress(coordinator, binhai_task("（2）"), 2023, status="completed", percent=100)


def test_it_has_a_summary_sheet_and_one_sheet_per_district(summary_data):
    wb, report = build()
    assert wb.sheetnames == ["汇总", "朝阳区", "天津港保税区", "滨海新区", "红桥区", "武清区"]
    ws = wb["汇总"]
    assert ws["A1"].value == "各区知识产权规划实施情况汇总表（2023年）"
    assert "数据截至" in ws["A2"].value
    assert [c.value for c in ws[3]] == HEADER_TOP
    assert [c.value for c in ws[4]] == HEADER_BOTTOM
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:R1", "A3:A4", "D3:H3", "I3:K3", "L3:R3"} <= merged
    assert ws.print_title_rows == "$3:$4" and ws.freeze_panes == "C5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws["G4"].fill.start_color.rgb.endswith("F8D0D0")  # 滞后 in its colour


def test_it_counts_statuses_reporting_and_tasks_per_district(summary_data):
    wb, report = build()
    ws = wb["汇总"]
    binhai = next(s for s in report.districts if s.district.code == "binhai")
    row = summary_row(ws, "滨海新区")
    assert row[1] == "天津市滨海新区国家知识产权强市建设示范城市建设工作方案（2022-2024年）"
    assert row[2] == 41
    assert row[3:8] == [binhai.status_counts[s] for s in (
        Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.BEHIND, Status.NO_DATA)]
    assert row[4] >= 1 and row[6] >= 1  # 7 on track; T5 behind
    # approved figures for 2023: 7, 1, 2, 17, T9, T4; T5 counts through row 17
    assert row[8] == 7 and row[9] == 0
    assert row[10] == pytest.approx(700 / 41, abs=0.01)
    assert ws.cell(5, 11).number_format == '0.0"%"'
    assert row[11] == 90
    assert row[12:17] == [0, 0, 1, 1, 88]
    assert row[17] == pytest.approx(100 / 90, abs=0.01)
    # 武清's plan (2017–2019) has ended: judged at its last year, as on every page
    wuqing = summary_row(ws, "武清区")
    assert wuqing[1] == "天津市武清区国家知识产权示范城市培育工作方案（已于 2019 年结束，按期末评价）"
    assert wuqing[2] == Indicator.objects.filter(plan__district__code="wuqing").count()
    total = summary_row(ws, "合计")
    assert total[2] == sum(len(s.indicators) for s in report.districts)
    assert total[8] == 7 + 2  # 保税区: 9 and 12 (growth 1 has no 2023 figure)


def test_it_lists_each_districts_indicators_and_delayed_tasks(summary_data):
    wb, _report = build()
    ws = wb["滨海新区"]
    assert ws["A1"].value == "滨海新区 2023年规划实施情况"
    assert [c.value for c in ws[3]] == ["序号", "指标名称", "单位", "最终目标", "目标年份", "实际值",
                                        "序时进度", "完成率", "状态", "说明"]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    seven = rows[7]
    assert [ws.cell(seven, c).value for c in (2, 4, 5, 6, 7, 9)] == [
        "有效发明专利量", 25000, 2024, 21500, 21022, "正常"]
    assert ws.cell(seven, 4).number_format == '"≥"#,##0'
    assert ws.cell(seven, 10).value == INJECTION and ws.cell(seven, 10).quotePrefix
    assert ws.cell(seven, 9).fill.start_color.rgb.endswith("D1F0D8")
    assert ws.cell(rows[2], 4).value == 32  # the adjusted target counts, its original shown
    assert ws.cell(rows[2], 4).number_format == '"≥"#,##0.0"（原≥30）"'
    assert ws.column_dimensions["D"].width >= len("≥32.0（原≥30）") + 3  # no ###
    # the delayed task with its reason (user text, kept as text) and remedy
    texts = [[c.value for c in row] for row in ws.iter_rows()]
    delayed = next(row for row in texts if row[0] == "（13）")
    assert delayed[4] == INJECTION and delayed[7] == "协调财政加快拨付"
    reason = next(c for row in ws.iter_rows() for c in row if c.value == INJECTION
                  and c.column == 5)
    assert reason.data_type == "s" and reason.quotePrefix is True
    assert not any(c.data_type == "f" for sheet in wb for row in sheet.iter_rows() for c in row)
    assert ws.print_title_rows == "$3:$3"


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024])
def test_its_statuses_come_from_the_same_engine_inputs_as_every_page(summary_data, year,
                                                                     monkeypatch):
    """plans_progress reads plain values, but gives the engine exactly what
    indicators_progress gives it (a growth rate linked to its quantity indicator included)."""
    from indicators import selectors

    calls = []

    def recording(spec, figures, as_of, band):
        figures = list(figures)  # read in no particular order; the engine reads them by year
        calls.append((spec, sorted(figures, key=lambda f: f.year), as_of, band))
        return compute(spec, figures, as_of, band)

    monkeypatch.setattr(selectors, "compute", recording)
    plans = Plan.objects.filter(start_year__lte=year, end_year__gte=year)
    pages = indicators_progress(year=year, indicators=Indicator.objects.filter(plan__in=plans))
    page_inputs, calls[:] = calls[:], []
    plain = plans_progress(year=year, plans=plans)
    assert calls == page_inputs and len(calls) == len(plain)
    assert any(row.quantity_indicator_id for row in plain)
    assert [row.pk for row in plain] == [row.indicator.pk for row in pages]
    for page, row in zip(pages, plain):
        indicator = page.indicator
        assert row.progress == page.progress
        assert (row.plan_id, row.district_id, row.number, row.baseline_value) == (
            indicator.plan_id, indicator.plan.district_id, indicator.number,
            indicator.baseline_value)
        final = indicator.targets.filter(year=row.progress.target_year).first()
        assert row.final_target == (target_spec(final) if final else None)


def test_the_overview_card_and_the_summary_count_reported_figures_alike(coordinator, leader_all,
                                                                       client_for):
    """One count (indicators.selectors.figures_reporting) for the overview's card and the
    summary: of 滨海's indicators in force in 2023, those with an approved figure for the year (a
    growth rate by its quantity's, a milestone also by one done the year before), and apart those
    whose figure waits for approval. A draft or a returned figure is not reported, and a
    correction waiting on an approved figure leaves it counted as approved."""
    approve_figures(coordinator, "binhai", [
        ("7", 2023, {"value": d(21500)}),
        ("17", 2023, {"value": d(25)}),  # and T5, the growth rate computed from it
        ("T4", 2022, {"done": True}),  # a milestone done the year before
        ("1", 2023, {"value": d("0.7")}),
        ("8", 2022, {"value": d(200)}),  # last year's: not this year's report
    ])
    pks = {i.number: i.pk for i in Indicator.objects.filter(plan__district__code="binhai")}

    def save(number, value, version=0, reason=""):
        return entries_save(model=Figure, key_fields=("indicator_id", "year"), user=coordinator,
                            inputs=[EntryInput(key=(pks[number], 2023), version=version,
                                               values={"value": d(value)}, reason=reason)])

    entries_submit(entries=save("8", 250), user=coordinator)  # waits for approval
    save("12", 500)  # a draft
    returned = save("13", 3000)
    entries_submit(entries=returned, user=coordinator)
    entries_return(entries=returned, user=coordinator, reason="数据有误")
    approved = Figure.objects.get(indicator_id=pks["1"], year=2023)
    entries_submit(entries=save("1", "0.8", approved.version, "更正口径"), user=coordinator)
    assert Figure.objects.filter(indicator_id=pks["1"], corrects=approved,
                                 review_status=ReviewStatus.SUBMITTED).exists()

    binhai = District.objects.get(code="binhai")
    count = figures_reporting({binhai.pk: 2023})[binhai.pk]
    assert (count.indicators, count.approved, count.submitted) == (41, 5, 1)

    overview = client_for(leader_all).get("/overview/", {"year": 2023})
    card = next(s for s in overview.context["summaries"] if s.district.code == "binhai")
    assert card.figures == count
    assert "本年实际值已审核的指标 5 / 41 项，待审核 1 项。" in overview.content.decode()
    row = summary_row(build()[0]["汇总"], "滨海新区")
    assert (row[2], row[8], row[9]) == (41, 5, 1)  # 指标数, 已审核, 待审核


def test_it_is_written_in_write_only_mode(summary_data):
    report = summary_report(districts=District.objects.all(), year=2023)
    wb = workbook.build(report)
    assert wb.write_only is True
    wb.save(BytesIO())  # a write-only workbook streams its sheets until it is saved


def test_it_marks_sample_data(coordinator):
    approve_figures(coordinator, "binhai", [("7", 2023, {"value": d(20000)})], is_sample=True)
    wb, _report = build()
    assert wb["汇总"]["A1"].value.endswith("【示例数据】")
    assert wb["滨海新区"]["A1"].value.endswith("【示例数据】")
    assert not wb["武清区"]["A1"].value.endswith("【示例数据】")  # only the sheets that have them


def test_it_makes_safe_unique_sheet_names():
    taken = set()
    assert workbook.sheet_name("a/b:c*?[d]", taken) == "abcd"
    assert workbook.sheet_name("abcd", taken) == "abcd2"
    assert workbook.sheet_name("汇总", taken) == "汇总2"
    assert len(workbook.sheet_name("长" * 40, taken)) <= 31


def synthetic_districts(count: int, prefix: str = "syn"):
    """``count`` districts, each with a plan of 4 indicators (with figures) and 3 task rows."""
    for n in range(count):
        district = District.objects.create(code=f"{prefix}{n}", name=f"合成{n}区", city="测试市")
        plan = Plan.objects.create(district=district, title=f"合成{n}区方案", start_year=2022,
                                   end_year=2024)
        unit = Unit.objects.create(district=district, name=f"合成{n}局")
        for i, kind in enumerate(["level", "flow", "cumulative", "milestone"]):
            indicator = Indicator.objects.create(
                plan=plan, position=i, number=str(i + 1), name=f"指标{i}", kind=kind, unit="件",
                baseline_year=2021, baseline_value=Decimal(10) if kind != "milestone" else None)
            if kind == "milestone":
                Target.objects.create(indicator=indicator, year=2024, comparator="", text="建成")
                Figure.objects.create(indicator=indicator, year=2023, done=True,
                                      review_status=ReviewStatus.APPROVED)
            else:
                Target.objects.create(indicator=indicator, year=2024, value=Decimal(40))
                Figure.objects.create(indicator=indicator, year=2023, value=Decimal(25),
                                      review_status=ReviewStatus.APPROVED)
        group = Task.objects.create(plan=plan, position=0, number="（一）", text="（一）合成任务")
        for i in range(3):
            task = Task.objects.create(plan=plan, parent=group, position=i + 1,
                                       number=f"{i + 1}.", text=f"合成子项{i}", lead_unit=unit)
            TaskProgress.objects.create(task=task, year=2023, status="delayed", percent=10,
                                        reason="原因", remedy="措施",
                                        review_status=ReviewStatus.APPROVED)


SUMMARY_QUERIES = {"computed": 12, "kept": 3}  # every district's part computed / all kept


@pytest.mark.parametrize("count", [2, 8])
def test_it_runs_a_constant_number_of_queries(count, django_assert_num_queries):
    synthetic_districts(count)
    districts = District.objects.filter(code__startswith="syn")
    contents = []
    for state in ("computed", "kept"):
        with django_assert_num_queries(SUMMARY_QUERIES[state]):
            report = summary_report(districts=districts, year=2023)
            contents.append(workbook.workbook_bytes(report))
    wb = load(contents[0])
    assert len(wb.sheetnames) == count + 1
    row = summary_row(wb["汇总"], "合成0区")
    assert row[2] == 4 and row[8] == 4 and row[11] == 3 and row[15] == 3
    assert cells(load(contents[1])) == cells(wb)


def cells(wb) -> dict:
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def test_a_kept_summary_equals_one_computed_now(summary_data):
    computed = build()[1]
    assert DistrictSnapshot.objects.filter(kind=DistrictSnapshot.SUMMARY, year=2023).count() == 4
    assert DistrictSnapshot.objects.get(kind=DistrictSnapshot.SUMMARY, year=2019).district.code \
        == "wuqing"  # its plan ended in 2019
    kept = build()[1]
    assert kept == computed  # every indicator's progress, count, note and delayed task
    plans = Plan.objects.filter(start_year__lte=2023, end_year__gte=2023)
    engine = {row.pk: row for row in plans_progress(year=2023, plans=plans)}
    engine.update({row.pk: row for row in plans_progress(
        year=2019, plans=Plan.objects.filter(district__code="wuqing"))})
    rows = [row for summary in kept.districts for row in summary.indicators]
    assert len(rows) == len(engine) and any(row.quantity_indicator_id for row in rows)
    for row in rows:  # all the engine gave but the chart points, which the summary draws not
        now = engine[row.pk]
        assert row.progress == dataclasses.replace(now.progress, start=None, points=())
        assert (row.final_target, row.baseline_value, row.name, row.unit) == (
            now.final_target, now.baseline_value, now.name, now.unit)


def test_a_change_in_one_district_computes_only_its_summary_again(summary_data, coordinator,
                                                                   django_assert_num_queries):
    before = build()[0]
    kept = dict(DistrictSnapshot.objects.filter(kind=DistrictSnapshot.SUMMARY)
                .values_list("district__code", "computed_at"))
    approve_figures(coordinator, "binhai", [("3", 2023, {"value": d(1)})])  # through the review
    wb, report = build()
    after = dict(DistrictSnapshot.objects.filter(kind=DistrictSnapshot.SUMMARY)
                 .values_list("district__code", "computed_at"))
    assert [code for code in kept if after[code] != kept[code]] == ["binhai"]
    assert cells(wb)["天津港保税区"] == cells(before)["天津港保税区"]
    assert cells(wb)["滨海新区"] != cells(before)["滨海新区"]
    binhai = next(s for s in report.districts if s.district.code == "binhai")
    DistrictSnapshot.objects.all().delete()
    assert binhai == next(s for s in build()[1].districts if s.district.code == "binhai")


def test_the_overview_and_the_summary_keep_their_own_snapshots(summary_data, leader_all,
                                                               client_for):
    client_for(leader_all).get("/overview/", {"year": 2023})
    build()
    kinds = set(DistrictSnapshot.objects.filter(district__code="binhai", year=2023)
                .values_list("kind", flat=True))
    assert kinds == {DistrictSnapshot.OVERVIEW, DistrictSnapshot.SUMMARY}
    kept = build()[1]  # read from the summary's own snapshots, not the overview's
    DistrictSnapshot.objects.filter(kind=DistrictSnapshot.SUMMARY).delete()
    assert kept == build()[1] and kept.districts[2].indicators


def test_a_district_with_no_plan_in_force_has_rows_of_one_line(coordinator):
    """In 2021 滨海's plan (2022–2024) has not started: its sheet says so in a line across the
    table, one line tall, as are the other lines written across a sheet."""
    wb, report = build(year=2021)
    binhai = next(s for s in report.districts if s.district.code == "binhai")
    assert binhai.indicators == [] and binhai.plans == []
    ws = wb["滨海新区"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    one_line = workbook.layout.row_height(["本年度没有在期方案的指标。"], [60])
    assert one_line <= 21
    for text in ("本年度没有在期方案的指标。", "本年度没有推进状态为“滞后”的任务。"):
        assert ws.row_dimensions[rows[text]].height == one_line, text
    assert all((ws.row_dimensions[r].height or 15) <= 30 for r in range(1, ws.max_row + 1))
