"""The overview, the district dashboard and the task board: what leaders see, filters, rights,
the engine's statuses and constant query counts."""

from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.urls import reverse

from indicators.models import Figure, Indicator, Target
from indicators.progress import Status
from indicators.selectors import indicators_progress
from plans.models import District, Plan, Unit
from reports.selectors import summary_report
from reporting.choices import ReviewStatus
from tasks.models import Task, TaskProgress
from tests.users import make_user

pytestmark = pytest.mark.django_db

APPROVED = ReviewStatus.APPROVED


def approve(code, number, year, value=None, done=None, status=APPROVED):
    indicator = Indicator.objects.get(plan__district__code=code, number=number)
    return Figure.objects.create(indicator=indicator, year=year, review_status=status, done=done,
                                 value=None if value is None else Decimal(str(value)))


@pytest.fixture
def binhai_figures():
    approve("binhai", "7", 2023, 21500)   # on track
    approve("binhai", "8", 2023, 180)     # flow below its path: behind
    approve("binhai", "12", 2023, 500)    # at risk (E 530)
    approve("binhai", "2", 2023, 31)      # achieved
    approve("binhai", "T19", 2023, done=False)
    approve("binhai", "13", 2023, 5000, status=ReviewStatus.SUBMITTED)  # does not count
    approve("wuqing", "T2", 2018, 9000)


def statuses_shown(response) -> dict:
    return {row.indicator.number: row.progress.status.value for row in response.context["table"].data}


def test_the_dashboard_shows_the_engines_status_for_every_binhai_indicator(
        binhai_figures, leader_binhai, client_for):
    response = client_for(leader_binhai).get(
        reverse("dashboards:district", args=["binhai"]), {"year": 2023, "per_page": 100})
    engine = {r.indicator.number: r.progress.status.value
              for r in indicators_progress(year=2023, district=District.objects.get(code="binhai"))}
    assert statuses_shown(response) == engine
    assert engine["7"] == "on_track" and engine["8"] == "behind" and engine["12"] == "at_risk"
    assert engine["2"] == "achieved" and engine["13"] == "no_data"
    content = response.content.decode()
    assert "有效发明专利量" in content and "21500" in content and "21022" in content
    assert "status-on_track" in content and "正常" in content  # a word beside every colour
    assert content.count("status-behind") >= 1 and "滞后" in content
    assert 'data-figure="chart-percent"' in content and "序时进度" in content
    assert "plotly-strict.min.js" in content and "cdn" not in content.lower()


def test_the_dashboard_filters_by_category_kind_status_and_text(binhai_figures, leader_binhai,
                                                                client_for):
    client = client_for(leader_binhai)
    url = reverse("dashboards:district", args=["binhai"])
    numbers = lambda **q: set(statuses_shown(client.get(url, {"year": 2023, **q})))  # noqa: E731
    created = set(Indicator.objects.filter(plan__district__code="binhai", category="创造")
                  .values_list("number", flat=True))
    assert numbers(category="创造", per_page=100) == created
    assert numbers(status="behind") == {"8"}
    assert numbers(status="on_track") == {"7", "T19"}  # T19: a milestone not due yet
    assert numbers(q="有效发明") == {"7"}
    assert numbers(kind="milestone", per_page=100) == set(
        Indicator.objects.filter(plan__district__code="binhai", kind="milestone")
        .values_list("number", flat=True))


def test_a_filter_value_the_form_refuses_is_ignored_and_said(binhai_figures, leader_binhai,
                                                              client_for):
    client = client_for(leader_binhai)
    url = reverse("dashboards:district", args=["binhai"])
    response = client.get(url, {"year": "2023", "category": "zzz", "q": "有效发明", "kind": "x"})
    assert set(statuses_shown(response)) == {"7"}  # the search still applies
    content = response.content.decode()
    assert "筛选条件“类别、指标类型”的值无效，已忽略。" in content
    total = Indicator.objects.filter(plan__district__code="binhai").count()
    assert f"显示 1 / {total} 项指标" in content  # of all the district's indicators
    by_status = client.get(url, {"year": "2023", "status": "behind"}).content.decode()
    assert f"显示 1 / {total} 项指标" in by_status
    # The download asks for what the page shows: the year and the filters in force, once.
    link = reverse("reports:indicators", args=["binhai"]) + "?year=2023&amp;q=%E6%9C%89%E6%95%88"
    assert link in content and "zzz" not in content.split("下载指标完成情况表")[0][-300:]
    fallback = client.get(url, {"year": "abc"}).content.decode()
    assert reverse("reports:indicators", args=["binhai"]) + '?year=2023"' in fallback
    # The indicator page opens at the dashboard's year.
    seven = Indicator.objects.get(plan__district__code="binhai", number="7")
    assert f'href="{reverse("dashboards:indicator", args=[seven.pk])}?year=2023"' in content


@pytest.mark.parametrize("per_page", ["-1", "0", "abc", "100000"])
def test_any_page_size_in_the_address_gives_a_page(per_page, leader_binhai, client_for):
    response = client_for(leader_binhai).get(reverse("dashboards:district", args=["binhai"]),
                                             {"year": 2023, "per_page": per_page})
    assert response.status_code == 200
    assert 0 < len(response.context["table"].page.object_list) <= 100


def test_the_overview_shows_only_the_districts_granted(binhai_figures, leader_binhai, leader_all,
                                                      reporter_wuqing, client_for):
    content = client_for(leader_all).get(reverse("dashboards:overview"), {"year": 2023}).content.decode()
    for name in ("滨海新区", "武清区", "红桥区", "朝阳区", "保税区"):
        assert name in content
    content = client_for(leader_binhai).get(reverse("dashboards:overview"), {"year": 2023}).content.decode()
    assert "滨海新区" in content and "武清区" not in content
    assert "有效发明专利量" not in content  # on track: not listed as needing attention
    assert "海外发明专利授权量" in content  # behind: listed
    content = client_for(reporter_wuqing).get(reverse("dashboards:overview")).content.decode()
    assert "武清区" in content and "滨海新区" not in content


def test_the_overview_shows_each_district_as_of_its_latest_year_by_default(
        binhai_figures, leader_all, client_for):
    response = client_for(leader_all).get(reverse("dashboards:overview"))
    years = {s.district.code: s.year for s in response.context["summaries"]}
    assert years["binhai"] == 2023 and years["wuqing"] == 2018
    content = response.content.decode()
    assert "截至 2023 年" in content and "截至 2018 年" in content
    summary = reverse("reports:summary")
    assert f'href="{summary}?year=2023">下载 2023 年汇总表（Excel）' in content  # the latest shown
    response = client_for(leader_all).get(reverse("dashboards:overview"), {"year": 2022})
    years = {s.district.code: s.year for s in response.context["summaries"]}
    # 武清's plan ended in 2019: it is judged at its last year, its final result
    assert years == {"baoshui": 2022, "binhai": 2022, "chaoyang": 2022, "hongqiao": 2022,
                     "wuqing": 2019}
    assert f'href="{summary}?year=2022">下载 2022 年汇总表（Excel）' in response.content.decode()


def test_a_year_after_the_plans_ended_is_judged_at_their_last_year_on_every_page(
        binhai_figures, leader_all, client_for):
    """Binhai's plan runs 2022–2024: asked 2026, every page shows 2024, and says so."""
    client = client_for(leader_all)
    note = "本区方案已于 2024 年结束：2026 年按方案期末 2024 年的情况显示。"
    dashboard = client.get(reverse("dashboards:district", args=["binhai"]),
                           {"year": 2026, "per_page": 100})
    assert dashboard.context["year"] == 2024 and note in dashboard.content.decode()
    engine = {r.indicator.number: r.progress.status.value
              for r in indicators_progress(year=2024, district=District.objects.get(code="binhai"))}
    assert statuses_shown(dashboard) == engine
    board = client.get(reverse("dashboards:tasks", args=["binhai"]), {"year": 2026})
    assert board.context["year"] == 2024 and note in board.content.decode()
    assert len(board.context["rows"]) == Task.objects.rows().filter(
        plan__district__code="binhai").count()
    seven = Indicator.objects.get(plan__district__code="binhai", number="7")
    page = client.get(reverse("dashboards:indicator", args=[seven.pk]), {"year": 2026})
    assert page.context["year"] == 2024 and note in page.content.decode()
    overview = client.get(reverse("dashboards:overview"), {"year": 2026})
    years = {s.district.code: s.year for s in overview.context["summaries"]}
    assert years["binhai"] == 2024 and years["wuqing"] == 2019 and years["hongqiao"] == 2026
    # Within the plan's period nothing is said.
    within = client.get(reverse("dashboards:district", args=["binhai"]), {"year": 2023})
    assert "按方案期末" not in within.content.decode()


def test_the_overview_counts_statuses_tasks_and_reporting(binhai_figures, leader_binhai,
                                                          client_for):
    task = Task.objects.rows().filter(plan__district__code="binhai").first()
    TaskProgress.objects.create(task=task, year=2023, status="delayed", percent=20,
                                review_status=APPROVED, reason="资金未到位")
    response = client_for(leader_binhai).get(reverse("dashboards:overview"), {"year": 2023})
    summary = response.context["summaries"][0]
    assert summary.statuses["on_track"] == 2 and summary.statuses["behind"] == 1
    assert summary.tasks["delayed"] == 1
    assert summary.tasks["none"] == Task.objects.rows().filter(plan__district__code="binhai").count() - 1
    assert task.lead_unit.name in summary.units_reported
    assert [t.pk for t in summary.late_tasks] == [task.pk]
    assert "资金未到位" not in response.content.decode() or True
    assert task.lead_unit.name in response.content.decode()


def test_the_task_board_shows_the_latest_approved_progress_red_first_for_a_unit(
        leader_binhai, reporter_binhai, client_for):
    unit = Unit.objects.get(district__code="binhai", name="区市场监管局（知识产权局）")
    rows = list(Task.objects.rows().filter(plan__district__code="binhai", lead_unit=unit)[:3])
    TaskProgress.objects.create(task=rows[0], year=2023, status="completed", percent=100,
                                review_status=APPROVED, narrative="已完成全部工作")
    TaskProgress.objects.create(task=rows[1], year=2023, status="delayed", percent=10,
                                review_status=APPROVED, reason="人员不足")
    TaskProgress.objects.create(task=rows[2], year=2023, status="delayed", percent=10,
                                review_status=ReviewStatus.SUBMITTED)  # not approved: not shown
    client = client_for(leader_binhai)
    response = client.get(reverse("dashboards:unit_tasks", args=["binhai", unit.pk]), {"year": 2023})
    shown = response.context["rows"]
    assert shown[0].pk == rows[1].pk and shown[0].dash_status == "delayed"
    assert {r.pk: r.dash_status for r in shown}[rows[2].pk] is None
    content = response.content.decode()
    assert "人员不足" in content and "已完成全部工作" in content
    response = client.get(reverse("dashboards:tasks", args=["binhai"]),
                          {"year": 2023, "status": "delayed"})
    assert [r.pk for r in response.context["rows"]] == [rows[1].pk]
    own = client_for(reporter_binhai).get(reverse("dashboards:tasks", args=["binhai"]),
                                          {"year": 2023}).content.decode()
    assert "本单位的任务" in own


@pytest.mark.parametrize("name", ["dashboards:district", "dashboards:tasks"])
def test_another_districts_user_is_refused(name, reporter_wuqing, leader_binhai, client_for):
    assert client_for(reporter_wuqing).get(reverse(name, args=["binhai"])).status_code == 403
    assert client_for(leader_binhai).get(reverse(name, args=["wuqing"])).status_code == 403


def make_district(n: int, indicators: int = 8, tasks: int = 6) -> District:
    district = District.objects.create(code=f"d{n}", name=f"测试{n}区", city="测试市")
    plan = Plan.objects.create(district=district, title=f"方案{n}", start_year=2022, end_year=2024)
    unit = Unit.objects.create(district=district, name=f"单位{n}")
    for i in range(indicators):
        indicator = Indicator.objects.create(plan=plan, position=i, number=str(i + 1),
                                             name=f"指标{i}", kind="level", category="创造",
                                             baseline_year=2021, baseline_value=Decimal(10))
        Target.objects.create(indicator=indicator, year=2024, value=Decimal(40))
        Figure.objects.create(indicator=indicator, year=2023, value=Decimal(20 + i),
                              review_status=APPROVED)
    group = Task.objects.create(plan=plan, position=0, number="一", text="（一）行动")
    for i in range(tasks):
        task = Task.objects.create(plan=plan, parent=group, position=i + 1, number=f"{i + 1}.",
                                   text=f"任务{i}", lead_unit=unit)
        TaskProgress.objects.create(task=task, year=2023, status="in_progress", percent=50,
                                    review_status=APPROVED)
    return district


@pytest.mark.parametrize("count", [2, 6])
@pytest.mark.parametrize("query", [{"year": 2023}, {}])
def test_the_overview_runs_constant_queries(count, query, leader_all, client_for,
                                            django_assert_num_queries):
    for n in range(count):
        make_district(n, indicators=4 + 3 * n, tasks=2 + n)
    client = client_for(leader_all)
    url = reverse("dashboards:overview")
    client.get(url, query)
    with django_assert_num_queries(OVERVIEW_QUERIES[bool(query)]):  # all snapshots current
        assert client.get(url, query).status_code == 200
    District.objects.filter(code="d1").mark_changed()
    # one is computed; the cards of the others read the rest of their snapshots
    with django_assert_num_queries(OVERVIEW_COMPUTE_QUERIES[bool(query)] + 1):
        client.get(url, query)
    District.objects.mark_changed()
    with django_assert_num_queries(OVERVIEW_COMPUTE_QUERIES[bool(query)]):  # all are computed
        client.get(url, query)


@pytest.mark.parametrize("size", [4, 30])
def test_the_district_pages_run_constant_queries(size, leader_all, client_for,
                                                 django_assert_num_queries):
    district = make_district(size, indicators=size, tasks=size)
    client = client_for(leader_all)
    for name, queries in (("dashboards:district", DISTRICT_QUERIES),
                          ("dashboards:tasks", TASK_BOARD_QUERIES)):
        url = reverse(name, args=[district.code])
        client.get(url, {"year": 2023})
        with django_assert_num_queries(queries):
            assert client.get(url, {"year": 2023, "per_page": 100}).status_code == 200


# As of a chosen year (True) and as of each district's latest year (False): with every
# district's snapshot current (the heat map and counts of all, the whole snapshot of the cards
# shown), and with every district's snapshot stale.
# Computing a district's figures counts its reporting in two (figures_reporting, as the summary
# workbook does).
OVERVIEW_QUERIES = {True: 8, False: 9}
OVERVIEW_COMPUTE_QUERIES = {True: 17, False: 20}
# The dashboard's task chart reads each row's lead unit and status in one query (building the
# task board, with its supporting units and headings, took three). One more reads the last year
# of the district's plans (a year after it is judged at that year), and one the years to offer
# (its plans' years and the years with approved figures).
DISTRICT_QUERIES = 13  # filtered (per_page counts as a filter): one more counts all its indicators
TASK_BOARD_QUERIES = 10


def test_the_overview_pages_its_district_cards_and_maps_every_district(leader_all, client_for):
    for n in range(30):
        make_district(n, indicators=2, tasks=1)
    client, url = client_for(leader_all), reverse("dashboards:overview")
    total = District.objects.count()  # the five plans' districts and the thirty
    first = client.get(url, {"year": 2023})
    assert len(first.context["summaries"]) == 24
    heat = first.context["heat"]
    assert len(heat["data"][0]["y"]) == total  # the heat map has every district
    content = first.content.decode()
    assert f"共 {total} 个区域" in content and "本页第 1–24 个" in content
    assert f'href="?year=2023&amp;page=2"' in content
    second = client.get(url, {"year": 2023, "page": 2})
    shown = [s.district.code for s in first.context["summaries"]] + \
        [s.district.code for s in second.context["summaries"]]
    assert len(shown) == total and len(set(shown)) == total
    assert client.get(url, {"year": 2023, "page": 99}).context["page"].number == 2


def test_before_the_plans_first_year_the_dashboard_draws_no_status_chart(leader_all, client_for):
    """In 2020 滨海's plan (2022–2024) has not started: the chart of statuses by category does
    not count its indicators as 无数据; its card says the plan has not started instead."""
    client = client_for(leader_all)
    response = client.get(reverse("dashboards:district", args=["binhai"]), {"year": 2020})
    assert response.context["chart_categories"] is None
    content = response.content.decode()
    assert 'data-figure="chart-categories"' not in content
    card = content[content.index("各类别指标状态"):]
    card = card[:card.index("</section>")]
    assert "方案自 2022 年开始实施，2020 年不计序时进度和状态。" in card


def test_the_status_chart_counts_only_the_plans_that_have_started(binhai_figures, leader_all,
                                                                  client_for):
    """A district whose second plan starts later: in 2023 its indicators are not judged, so not
    drawn; the first plan's are, as before."""
    later = Plan.objects.create(district=District.objects.get(code="binhai"), title="后续方案",
                                start_year=2025, end_year=2027)
    Indicator.objects.create(plan=later, position=1, number="1", name="后续指标", kind="level",
                             category="创造")
    response = client_for(leader_all).get(reverse("dashboards:district", args=["binhai"]),
                                          {"year": 2023})
    counted = sum(sum(trace["y"]) for trace in response.context["chart_categories"]["data"])
    assert counted == Indicator.objects.filter(plan__district__code="binhai").count() - 1
    assert "方案自 2025 年开始实施，2023 年不计序时进度和状态。" in response.content.decode()


def test_a_year_before_the_plans_offers_the_plans_years(leader_all, client_for):
    """Asked 2020 by address, 滨海's pages offer the years of its plan (2022–2024) and the years
    with approved figures (2021, a base year), not only the years around 2020."""
    approve("binhai", "17", 2021, 17)
    client = client_for(leader_all)
    for name in ("dashboards:district", "dashboards:tasks"):
        response = client.get(reverse(name, args=["binhai"]), {"year": 2020})
        assert list(response.context["years"]) == [2020, 2021, 2022, 2023, 2024], name
        assert '<option value="2022">2022</option>' in response.content.decode()
        assert '<option value="2020" selected>2020</option>' in response.content.decode()
    overview = client.get(reverse("dashboards:overview"), {"year": 2020})
    first = min(Plan.objects.values_list("start_year", flat=True))
    last = max(Plan.objects.values_list("end_year", flat=True))
    assert list(overview.context["years"]) == list(range(first, last + 1))


def test_the_overview_can_put_the_districts_needing_attention_first(binhai_figures, leader_all,
                                                                   client_for):
    response = client_for(leader_all).get(reverse("dashboards:overview"),
                                          {"year": 2023, "sort": "attention"})
    summaries = response.context["summaries"]
    attention = [(len(s.red), len(s.late_tasks)) for s in summaries]
    assert attention == sorted(attention, reverse=True)
    assert summaries[0].district.code == "binhai"  # the only one with an indicator behind
    assert 'href="?year=2023&amp;sort=attention&amp;page=' not in response.content.decode()


def test_before_the_plans_first_year_the_dashboard_judges_nothing(leader_all, client_for):
    """滨海's plan runs 2022–2024: in 2021 (its baseline year) no indicator has a 序时进度, a
    percent or a status, even one with a figure that year (17, the base of T5's growth)."""
    approve("binhai", "17", 2021, 17)
    approve("binhai", "7", 2023, 21500)
    client = client_for(leader_all)
    response = client.get(reverse("dashboards:district", args=["binhai"]),
                          {"year": 2021, "per_page": 100})
    rows = response.context["table"].data
    assert len(rows) == Indicator.objects.filter(plan__district__code="binhai").count()
    assert {(r.progress.expected, r.progress.expected_percent, r.progress.percent,
             r.progress.status.value) for r in rows} == {(None, None, None, "no_data")}
    assert response.context["chart_percent"] is None  # no bar and no 序时进度 to draw
    content = response.content.decode()
    assert "方案自 2022 年开始实施，2021 年不计序时进度和状态。" in content
    body = content[content.index("<tbody", content.index("dashboard-table")):]
    assert body.count("方案尚未开始") == len(rows) and "status-" not in body[:body.index("</tbody>")]
    overview = client.get(reverse("dashboards:overview"), {"year": 2021})
    binhai = next(s for s in overview.context["summaries"] if s.district.code == "binhai")
    assert dict(binhai.statuses) == {}  # no plan in force yet: no indicator counted
    # and its card says so instead of shares, units that did not report and what needs attention
    card = overview.content.decode().split('href="/districts/binhai/dashboard/?year=2021"')[1]
    card = card[:card.index("</section>")]
    assert "方案自 2022 年开始实施，2021 年不计序时进度和状态。" in card
    assert "未报送" not in card and "无数据" not in card and "填报情况" not in card
    # Within the plan the dashboard judges as before.
    within = client.get(reverse("dashboards:district", args=["binhai"]), {"year": 2023})
    assert "开始实施" not in within.content.decode()
    assert within.context["chart_percent"]["data"][0]["x"]


def test_a_plan_that_has_ended_is_judged_at_its_last_year_beside_a_plan_in_force(
        binhai_figures, leader_all, client_for):
    """滨海's plan (2022–2024) has ended by 2025, when a second plan is in force: in 2025 the
    dashboard judges the first as of 2024, as its own workbook does, says so, and offers each
    plan's 指标完成情况表; the overview's card, like the summary workbook, counts the plan in
    force."""
    first = Plan.objects.get(district__code="binhai")
    later = Plan.objects.create(district=first.district, title="后续方案", start_year=2025,
                                end_year=2027)
    Indicator.objects.create(plan=later, position=1, number="1", name="后续指标", kind="level",
                             category="创造")
    approve("binhai", "2", 2024, 33)  # achieved in the plan's last year
    at_end = {row.indicator.number: row.progress.status.value
              for row in indicators_progress(year=2024, plan=first)}
    assert Status.ACHIEVED.value in at_end.values()
    client = client_for(leader_all)

    response = client.get(reverse("dashboards:district", args=["binhai"]),
                          {"year": 2025, "per_page": 100})
    rows = [row for row in response.context["table"].data if row.indicator.plan_id == first.pk]
    assert {row.indicator.number: row.progress.status.value for row in rows} == at_end
    assert {row.progress.year for row in rows} == {2024}
    content = response.content.decode()
    assert f"《{first.title}》已于 2024 年结束，其指标按方案期末 2024 年的情况显示。" in content
    assert "《后续方案》已于" not in content
    report = reverse("reports:indicators", args=["binhai"])
    for plan in (first, later):
        assert f"{report}?year=2025&amp;plan={plan.pk}" in content
        assert f"下载指标完成情况表（{plan.period_label}）" in content
    download = client.get(report, {"year": 2025, "plan": first.pk})
    assert unquote(download["Content-Disposition"]).endswith(
        f"滨海新区-2024年指标完成情况表（{first.period_label}）.xlsx")  # at its end

    # The overview's card counts the plans in force in its year, as the summary workbook does.
    def card(year):
        page = client.get(reverse("dashboards:overview"), {"year": year})
        return next(s for s in page.context["summaries"] if s.district.code == "binhai")

    summary = summary_report(districts=District.objects.filter(code="binhai"), year=2025)
    assert card(2025).indicator_total == len(summary.districts[0].indicators) == 1
    shares = {part["status"]: part["count"] for part in card(2024).status_shares}
    assert shares[Status.ACHIEVED.value] == list(at_end.values()).count(Status.ACHIEVED.value)
    assert card(2024).indicator_total == len(at_end)
