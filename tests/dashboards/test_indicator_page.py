"""The indicator page: targets, actuals and status per year from the engine, figures with their
history, linked tasks, the plan's own words, rights and constant query counts."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboards.indicator_selectors import indicator_page, measure_words
from dashboards.sources import indicator_excerpts, plan_text
from indicators.models import Figure, Indicator, Target
from indicators.selectors import indicators_progress
from indicators.services import target_adjust
from plans.models import Plan
from reporting.choices import ReviewStatus
from reporting.services import EntryInput, entries_approve, entries_save, entries_submit
from tests.users import make_user

pytestmark = pytest.mark.django_db

FIGURE_KEY = ("indicator_id", "year")


def indicator(code, number):
    return Indicator.objects.select_related("plan__district", "quantity_indicator").get(
        plan__district__code=code, number=number)


def approved(ind, year, value=None, done=None):
    return Figure.objects.create(indicator=ind, year=year, review_status=ReviewStatus.APPROVED,
                                 value=None if value is None else Decimal(str(value)), done=done)


def url(ind, year=None):
    address = reverse("dashboards:indicator", args=[ind.pk])
    return f"{address}?year={year}" if year else address


@pytest.fixture
def recovering():
    """滨海 7 (13066 in 2021 → 25000 in 2024): red in 2022, yellow in 2023, achieved in 2024."""
    ind = indicator("binhai", "7")
    approved(ind, 2022, 14000)
    approved(ind, 2023, 19000)
    approved(ind, 2024, 25500)
    return ind


def test_it_shows_each_years_status_from_the_engine_so_a_recovery_shows(
        recovering, leader_binhai, client_for):
    response = client_for(leader_binhai).get(url(recovering, 2024))
    assert response.status_code == 200
    rows = response.context["page"].rows
    assert [r.year for r in rows] == [2022, 2023, 2024]
    for row in rows:
        (engine,) = indicators_progress(year=row.year, indicators=Indicator.objects.filter(
            pk=recovering.pk))
        assert row.progress == engine.progress
    assert [r.progress.status.value for r in rows] == ["behind", "at_risk", "achieved"]
    content = response.content.decode()
    table = content[content.index("逐年情况"):content.index("填报记录与修改历史")]
    assert table.index("status-behind") < table.index("status-at_risk") < table.index(
        "status-achieved")
    assert "17044" in table and "21022" in table  # the expected path (序时进度)
    assert "13066" in content and "2021 年" in content  # the baseline


def test_it_draws_actuals_against_the_expected_path_and_the_targets(recovering, leader_binhai,
                                                                   client_for):
    response = client_for(leader_binhai).get(url(recovering, 2023))
    chart = response.context["chart"]
    traces = {trace["name"]: trace for trace in chart["data"]}
    path = traces["序时进度（应达值）"]
    assert path["x"] == [2021, 2022, 2023, 2024]
    assert path["y"] == [13066.0, 17044.0, 21022.0, 25000.0]
    assert traces["目标值"]["y"] == [25000.0]
    actual = traces["实际值（已审核）"]
    assert actual["y"] == [14000.0, 19000.0, 25500.0]
    assert actual["marker"]["color"] == ["#c62828", "#b7791f", "#1a5fb4"]
    assert [t.split()[-1] for t in actual["text"]] == ["滞后", "预警", "已完成"]
    content = response.content.decode()
    assert 'data-figure="chart-indicator"' in content and "plotly-strict.min.js" in content
    assert "状态图例" in content  # a legend next to the colours
    assert response.context["page"].progress.status.value == "at_risk"  # as of 2023


def test_it_shows_an_adjusted_target_with_its_original_value_reason_approver_and_time(
        recovering, coordinator_binhai, leader_binhai, client_for):
    target = Target.objects.get(indicator=recovering, year=2024)
    target_adjust(target=target, value=Decimal(27000), reason="中期评估后上调", user=coordinator_binhai)
    content = client_for(leader_binhai).get(url(recovering)).content.decode()
    adjusted = content[content.index("目标调整"):content.index("填报记录与修改历史")]
    assert "≥27000" in adjusted and "25000" in adjusted and "中期评估后上调" in adjusted
    assert "coord_binhai" in adjusted
    assert "（原 25000）" in content  # beside the target in the facts and the yearly table


def test_it_lists_the_figures_with_who_when_and_why(reporter_binhai, coordinator_binhai,
                                                    leader_binhai, client_for):
    ind = indicator("binhai", "7")
    (figure,) = entries_save(model=Figure, key_fields=FIGURE_KEY, user=reporter_binhai,
                             inputs=[EntryInput((ind.pk, 2023), 0, {"value": Decimal(20000)})])
    entries_submit(entries=[figure], user=reporter_binhai)
    entries_approve(entries=[figure], user=coordinator_binhai)
    figure.refresh_from_db()
    (figure,) = entries_save(model=Figure, key_fields=FIGURE_KEY, user=reporter_binhai,
                             inputs=[EntryInput((ind.pk, 2023), figure.version,
                                                {"value": Decimal(20500)}, reason="统计口径更正")])
    content = client_for(leader_binhai).get(url(ind, 2023)).content.decode()
    assert "更正待审核" not in content  # a reporter's draft is not the leader's business yet
    entries_submit(entries=[figure], user=reporter_binhai)
    content = client_for(leader_binhai).get(url(ind, 2023)).content.decode()
    history = content[content.index("填报记录与修改历史"):content.index("相关任务")]
    # The approved figure is listed (it still counts), with its pending correction and the
    # correction's steps in its history.
    assert reverse("indicators:figure_detail", args=[figure.corrects_id]) in history
    assert "更正待审核：20500（已提交）" in history and "统计口径更正" in history
    assert "reporter_binhai" in history and "coord_binhai" in history
    assert "20000" in history  # the old value of the correction


def test_it_quotes_the_plan_row_and_marks_its_numbers(leader_binhai, client_for):
    ind = indicator("binhai", "7")
    content = client_for(leader_binhai).get(url(ind)).content.decode()
    words = content[content.index("方案原文"):content.index("实际值与序时进度")]
    assert "有效发明专利量（件）" in words and "<mark>25000</mark>" in words
    assert "<mark>13066</mark>" in words and "2021年基础值" in words
    assert "有效发明专利量达到<mark>2.5万</mark>件" in words  # the text restates the row
    assert "一、（三）工作目标 主要指标对照表 第7行" in words


@pytest.mark.parametrize("code, number, expected", [
    ("binhai", "7", ["有效发明专利量", "25000"]),
    ("baoshui", "9", ["中小微企业知识产权托管服务(家)", "150", "300", "验收"]),
    ("baoshui", "5", ["推动发行知识产权证券化产品数量(单)", "1"]),
    ("binhai", "T13", ["建成3-5家产业高价值专利培育示范中心"]),
    ("chaoyang", "T10", ["专业知识产权托管服务累计覆盖中小企业1500家"]),
    ("hongqiao", "T1", ["每万人口高价值发明专利拥有量达到16件"]),
    ("wuqing", "T2", ["力争年专利申请总量保持万件"]),
    ("baoshui", "T7", ["建设1000平米的知识产权运营展示中心"]),
    ("chaoyang", "T21", ["建立朝阳区首支知识产权质押融资风险补偿资金"]),
])
def test_it_finds_these_excerpts_exactly(code, number, expected):
    excerpts = indicator_excerpts(indicator(code, number))
    text = excerpts[0].text
    for part in expected:
        assert part in text, (part, text)


def test_the_table_row_keeps_the_header_and_puts_a_lost_cell_back():
    (row,) = indicator_excerpts(indicator("baoshui", "5"))
    assert row.header == ("序号", "指标名称", "2021年目标值", "2022年目标值", "2023目标值")
    cells = ["".join(s.text for s in cell) for cell in row.cells]
    assert cells == ["5", "推动发行知识产权证券化产品数量(单)", "", "1", "验收"]


def _pairs(text):
    text = re.sub(r"[\W\d_]+", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def test_every_indicator_of_the_five_plans_gets_its_plan_words():
    indicators = Indicator.objects.select_related("plan__district").prefetch_related("targets")
    assert indicators.count() == 123
    missing = []
    for ind in indicators:
        excerpts = indicator_excerpts(ind)
        if not excerpts or not excerpts[0].text.strip():
            missing.append(f"{ind.plan.district.code} {ind.number}: none")
            continue
        text = excerpts[0].text
        numbers = {format(v.normalize(), "f") for t in ind.targets.all()
                   for v in (t.value, t.low, t.high) if v is not None}
        found = set(re.findall(r"\d+(?:\.\d+)?", text))
        words = _pairs(ind.name)
        covered = len(words & _pairs(text)) / len(words) if words else 0
        if not (numbers & found) and covered < 0.6:
            missing.append(f"{ind.plan.district.code} {ind.number}: {text[:60]}")
    assert missing == []


def test_the_plan_texts_are_read_without_bookmarks():
    plan = Plan.objects.get(district__code="binhai")
    assert "[bookmark:" not in plan_text(plan.source_file)
    assert plan_text("../../etc/passwd") == ""


def test_it_links_the_tasks_the_pointer_names_and_those_sharing_a_measure_word(
        leader_binhai, client_for):
    ind = indicator("binhai", "T18")  # 设立5000万元知识产权融资风险补偿资金; pointer names (53)
    assert measure_words(ind.name) == ["融资", "风险补偿"]
    page = indicator_page(indicator=ind, year=2023)
    assert page.tasks[0].task.number == "（53）" and page.tasks[0].named
    assert all("融资" in r.task.text or "风险补偿" in r.task.text for r in page.tasks[1:])
    content = client_for(leader_binhai).get(url(ind, 2023)).content.decode()
    tasks = content[content.index("相关任务"):]
    assert "原文引用" in tasks and "（53）" in tasks and "区市场监管局（知识产权局）" in tasks


def test_a_growth_rate_links_its_quantity_and_the_quantity_its_growth_rate(leader_binhai,
                                                                          client_for):
    growth, quantity = indicator("binhai", "T5"), indicator("binhai", "17")
    approved(quantity, 2022, 22)
    approved(quantity, 2023, 27)
    client = client_for(leader_binhai)
    page = client.get(url(growth, 2023)).context["page"]
    assert page.quantity_source == quantity
    assert [r.figure.value for r in page.rows if r.figure] == [22, 27]
    assert page.progress.actual is not None  # ((27 / 17) ^ (1/2) − 1) × 100
    content = client.get(url(quantity, 2023)).content.decode()
    assert reverse("dashboards:indicator", args=[growth.pk]) in content


def test_a_tagged_indicator_links_to_the_comparison(leader_binhai, client_for):
    ind = indicator("binhai", "7")
    content = client_for(leader_binhai).get(url(ind, 2023)).content.decode()
    assert reverse("dashboards:compare", args=["valid_invention_patents"]) + "?year=2023" in content
    untagged = indicator("binhai", "8")
    assert "各区对比" not in client_for(leader_binhai).get(url(untagged)).content.decode()


def test_a_milestone_shows_done_or_not_per_year_without_a_chart(leader_binhai, client_for):
    ind = indicator("binhai", "T19")
    approved(ind, 2022, done=False)
    approved(ind, 2023, done=True)
    response = client_for(leader_binhai).get(url(ind, 2023))
    assert response.context["chart"] is None
    rows = response.context["page"].rows
    assert [(r.year, r.progress.status.value) for r in rows] == [
        (2022, "on_track"), (2023, "achieved"), (2024, "achieved")]  # not done before 2024: 正常
    content = response.content.decode()
    assert "未完成" in content and "已完成" in content


def test_only_users_of_the_district_or_granted_leaders_may_open_it(
        leader_binhai, leader_all, reporter_wuqing, reporter_binhai, client_for, client):
    binhai, wuqing = indicator("binhai", "7"), indicator("wuqing", "T2")
    assert client_for(leader_binhai).get(url(binhai)).status_code == 200
    assert client_for(reporter_binhai).get(url(binhai)).status_code == 200
    assert client_for(leader_all).get(url(wuqing)).status_code == 200
    assert client_for(leader_binhai).get(url(wuqing)).status_code == 403
    assert client_for(reporter_wuqing).get(url(binhai)).status_code == 403
    assert client.get(url(binhai)).status_code == 302
    assert client_for(leader_binhai).get(
        reverse("dashboards:indicator", args=[999999])).status_code == 404


def _grow(ind, users):
    """Many figures with many versions each: every plan year, saved, submitted, approved and
    corrected several times."""
    reporter, coordinator = users
    for year in range(ind.plan.start_year - 1, ind.plan.end_year + 1):
        (figure,) = entries_save(model=Figure, key_fields=FIGURE_KEY, user=reporter, inputs=[
            EntryInput((ind.pk, year), 0, {"value": Decimal(15000 + year)})])
        for step in range(3):
            entries_submit(entries=[figure], user=reporter)
            entries_approve(entries=[figure], user=coordinator)
            figure = Figure.objects.get(indicator=ind, year=year)  # a correction merged into it
            (figure,) = entries_save(model=Figure, key_fields=FIGURE_KEY, user=reporter, inputs=[
                EntryInput((ind.pk, year), figure.version, {"value": Decimal(16000 + step)},
                           reason=f"更正 {step}")])
        entries_submit(entries=[figure], user=reporter)
        entries_approve(entries=[figure], user=coordinator)


def test_it_runs_the_same_number_of_queries_for_few_and_many_figures_and_versions(
        leader_binhai, reporter_binhai, coordinator_binhai, client_for,
        django_assert_num_queries):
    small, large = indicator("binhai", "7"), indicator("binhai", "8")
    approved(small, 2023, 20000)
    _grow(large, (reporter_binhai, coordinator_binhai))
    assert Figure.history.filter(indicator_id=large.pk).count() > 30
    client = client_for(leader_binhai)
    client.get(url(small, 2023))  # warm the session and the plan text cache
    with django_assert_num_queries(12):
        assert client.get(url(small, 2023)).status_code == 200
    with django_assert_num_queries(12):
        response = client.get(url(large, 2023))
    assert len(response.context["page"].figures) == 4
    assert "更正 2" in response.content.decode()


def test_an_other_district_leader_made_here_sees_nothing_of_binhai(client_for):
    stranger = make_user("lead_wq_only", "leader", districts=["wuqing"])
    assert client_for(stranger).get(url(indicator("binhai", "7"))).status_code == 403


def test_a_long_plan_lists_the_years_up_to_the_next_target(leader_all, client_for):
    ind = indicator("hongqiao", "T1")  # 2021–2035, 16 by 2025
    approved(ind, 2022, 6)
    page = client_for(leader_all).get(url(ind, 2023)).context["page"]
    assert [r.year for r in page.rows] == [2021, 2022, 2023, 2024, 2025]
    page = client_for(leader_all).get(url(indicator("binhai", "7"), 2022)).context["page"]
    assert [r.year for r in page.rows] == [2022, 2023, 2024]


def labels_among_the_data(chart) -> list[tuple]:
    """(trace, x, text) of every text the chart draws among its points."""
    return [(trace["name"], x, text) for trace in chart["data"]
            if "text" in trace.get("mode", "")
            for x, text in zip(trace["x"], trace["text"])]


@pytest.mark.parametrize("code, number, figures", [
    ("binhai", "7", [(2022, 17000), (2023, 21000), (2024, 24900)]),  # level, near its target
    ("binhai", "T2", [(2023, 1.1), (2024, 1)]),  # lower is better (≤1), no start point
    ("binhai", "T17", [(2024, 7.2)]),  # lower is better (≤7)
    ("binhai", "T9", [(2022, 40), (2023, 50), (2024, 50)]),  # cumulative (≥140)
    ("wuqing", "T2", [(2017, 9800), (2018, 10050), (2019, 10000)]),  # a target every year
])
def test_no_status_word_sits_on_a_target_marker(code, number, figures, leader_all, client_for):
    ind = indicator(code, number)
    for year, value in figures:
        approved(ind, year, value)
    final = figures[-1][0]
    response = client_for(leader_all).get(url(ind, final))
    chart = response.context["chart"]
    targets = {t.year: t.display for t in response.context["page"].targets}
    # Among the points, a target year carries only its target's own label: the status words
    # are under the years on the axis, where no marker is drawn.
    for trace, x, text in labels_among_the_data(chart):
        if x in targets:
            assert trace == "目标值" and text == targets[x], (trace, x, text)
    axis = chart["layout"]["xaxis"]
    ticks = dict(zip(axis["tickvals"], axis["ticktext"]))
    for row in response.context["page"].rows:
        if row.progress.actual is not None:
            status = row.progress.status
            assert f"{status.icon} {status.label}" in ticks[row.year]
            assert status.colour in ticks[row.year]  # the word in its colour
    assert ticks[final].startswith(str(final))


def test_a_milestone_draws_no_chart_so_no_label_can_cover_a_marker(leader_binhai, client_for):
    ind = indicator("binhai", "T19")
    approved(ind, 2024, done=True)
    response = client_for(leader_binhai).get(url(ind, 2024))
    assert response.context["chart"] is None
    assert "status-achieved" in response.content.decode()  # its status is in the yearly table


@pytest.mark.parametrize("year", [2020, 2021])  # before the baseline year, the baseline year
def test_before_the_plan_starts_nothing_is_expected_or_judged(year, leader_binhai, client_for):
    """滨海 7: plan 2022–2024, baseline 13066 in 2021. Before 2022 there is no 序时进度 (the
    path's first point is the baseline, not a value the year should reach) and no status."""
    ind = indicator("binhai", "7")
    approved(ind, 2021, 13066)  # a figure of the baseline year, were there one
    approved(ind, 2023, 21500)
    response = client_for(leader_binhai).get(url(ind, year))
    page = response.context["page"]
    p = page.progress
    assert (p.expected, p.actual, p.percent, p.status.value) == (None, None, None, "no_data")
    assert page.year == year and page.before_plan
    (row,) = [r for r in page.rows if r.year == year]
    assert row.progress.expected is None and row.before_plan
    content = response.content.decode()
    status = content[content.index("ind-status"):content.index("ind-facts")]
    assert "方案尚未开始" in status and "status-" not in status and "本年应达值" not in status
    assert "方案自 2022 年开始实施，%s 年不计序时进度和状态。" % year in content
    table = content[content.index("逐年情况"):content.index("填报记录与修改历史")]
    first = table[table.index(f'?year={year}"'):]
    first = first[:first.index("</tr>")]
    assert "13066" not in first.replace(">13066<", "")  # the figure only, no 序时进度
    assert "方案尚未开始" in first and "status-" not in first
    # The chart's path starts at the baseline; nothing is drawn for the year asked.
    traces = {trace["name"]: trace for trace in response.context["chart"]["data"]}
    assert traces["序时进度（应达值）"]["x"] == [2021, 2022, 2023, 2024]
    assert traces["序时进度（应达值）"]["y"][0] == 13066.0
    assert traces["实际值（已审核）"]["x"] == [2023]


def year_row(content, year) -> str:
    table = content[content.index("逐年情况"):content.index("填报记录与修改历史")]
    row = table[table.index(f'?year={year}"'):]
    return row[:row.index("</tr>")]


def test_before_the_plan_starts_no_figure_is_said_to_be_missing(leader_all, client_for):
    """A year before the plan asks for no figure: its row does not say 未填报 beside 方案尚未开始,
    a year of the plan without a figure does. The base year whose quantity a growth indicator
    asks for (保税区 1: plan 2021–2023, no base value) is due before the plan, and says so."""
    client = client_for(leader_all)
    content = client.get(url(indicator("binhai", "7"), 2020)).content.decode()
    before = year_row(content, 2020)
    assert "方案尚未开始" in before and "未填报" not in before
    assert "未填报" in year_row(content, 2022)
    growth = indicator("baoshui", "1")
    content = client.get(url(growth, 2020)).content.decode()
    base = year_row(content, 2020)
    assert "方案尚未开始" in base and "未填报" in base


def test_before_the_plan_starts_a_flow_without_baseline_draws_no_flat_path(leader_all,
                                                                            client_for):
    ind = indicator("wuqing", "T2")  # ≥10000 a year from 2017, no baseline
    response = client_for(leader_all).get(url(ind, 2016))
    assert response.context["page"].progress.expected is None
    traces = {trace["name"]: trace for trace in response.context["chart"]["data"]}
    assert traces["序时进度（应达值）"]["x"] == [2017]  # the years shown: 2016, 2017
    # Within the plan nothing changes.
    page = client_for(leader_all).get(url(ind, 2017)).context["page"]
    assert page.progress.expected == 10000 and not page.before_plan
