"""The long tables written in Python (dashboards/tables.py): the district dashboard's indicator
rows, the task board's rows and the comparison's rows, and the pieces they share."""

import unicodedata
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator

from dashboards.tables import _truncate, progress_bar, status_badge, url_maker
from indicators.models import Figure, Indicator
from indicators.progress import STATUS_ORDER, Progress, Status
from reporting.choices import ReviewStatus
from tasks.models import Task, TaskProgress, TaskSupport

pytestmark = pytest.mark.django_db

APPROVED = ReviewStatus.APPROVED


def approve(code, number, year, value=None, done=None):
    indicator = Indicator.objects.get(plan__district__code=code, number=number)
    Figure.objects.create(indicator=indicator, year=year, review_status=APPROVED, done=done,
                          value=None if value is None else Decimal(str(value)))
    return indicator


@pytest.mark.parametrize("language, behind, none", [("zh-hans", "滞后", "无数据"),
                                                    ("en", "Behind", "No data")])
def test_the_status_badge_has_its_word_icon_and_colour_and_the_tag_is_the_same(language, behind,
                                                                                none):
    tag = Template("{% load progress_tags %}{% status_badge status percent %}")
    with translation.override(language):
        assert status_badge("behind", Decimal("46.80")) == (
            '<span class="status status-behind" style="--status: #c62828"><span aria-hidden="true">'
            f'✖</span> {behind} <span class="status-pct">46.8%</span></span>')
        for status in ("", None):
            assert status_badge(status, 0) == (
                '<span class="status status-no_data" style="--status: #6b7785"><span '
                f'aria-hidden="true">○</span> {none} <span class="status-pct">0%</span></span>')
        for status in [*STATUS_ORDER, None]:
            for percent in (None, Decimal("100"), Decimal("12.345")):
                shown = tag.render(Context({"status": status, "percent": percent}))
                assert shown == status_badge(status, percent)


def test_the_url_maker_gives_what_reverse_gives():
    indicator_url = url_maker("dashboards:indicator")
    for pk in (1, 7, 2147483647, 12345678901):
        assert indicator_url(pk) == reverse("dashboards:indicator", args=[pk])


@pytest.mark.parametrize("text", ["", "短", "一" * 28, "一" * 29, "e\u0301t\u00e9", "a" * 200])
def test_truncating_is_truncatechars(text):
    for length in (1, 28, 140):
        assert _truncate(text, length) == Truncator(text).chars(length)
    assert unicodedata.is_normalized("NFC", _truncate("e\u0301", 5))


def progress(percent, expected, status=Status.ON_TRACK):
    return Progress(year=2023, judged_as="level", actual=None, done=None, expected=None,
                    target=None, target_year=None, target_text="", percent=percent,
                    status=status, expected_percent=expected)


def test_the_progress_bar_shows_the_percent_and_a_tick_at_the_expected_one():
    bar = progress_bar(progress(Decimal("46.85"), Decimal("90.909")), ("完成率", "序时进度"))
    assert bar == ('<div class="bar" title="完成率 46.9% · 序时进度 90.9%"><span class="fill" '
                   'style="width: 47%; background: #1e7e34"></span><span class="tick" '
                   'style="left: 91%"></span></div><span class="bar-label">46.9%</span>')
    bar = progress_bar(progress(Decimal("100"), None, Status.ACHIEVED), ("a", "b"))
    assert 'title="a 100%"' in bar and "width: 100%" in bar and "tick" not in bar
    assert "width: 1%" in progress_bar(progress(Decimal("0.5"), None), ("a", "b"))
    assert progress_bar(progress(None, Decimal(50)), ("a", "b")) == '<span class="muted">—</span>'


@pytest.fixture
def binhai_figures():
    approve("binhai", "7", 2023, 21500)  # on track
    approve("binhai", "8", 2023, 180)    # behind
    approve("binhai", "T19", 2023, done=False)


def table_rows(content: str) -> list[str]:
    body = content[content.index("<tbody", content.index("dashboard-table")):]
    return body[:body.index("</tbody>")].split("<tr ")[1:]


def test_the_dashboard_table_writes_each_cell(binhai_figures, leader_binhai, client_for):
    content = client_for(leader_binhai).get(reverse("dashboards:district", args=["binhai"]),
                                            {"year": 2023, "sort": "number"}).content.decode()
    rows = table_rows(content)
    assert len(rows) == 25 and rows[0].startswith('class="even"') and 'class="odd"' in rows[1]
    (seven,) = [r for r in rows if "有效发明专利量<" in r]
    url = reverse("dashboards:indicator",
                  args=[Indicator.objects.get(plan__district__code="binhai", number="7").pk])
    assert f'<a href="{url}?year=2023">有效发明专利量</a><span class="muted">（件）</span>' in seven
    assert '<td class="num">25000<div class="muted small">2024</div></td>' in seven
    assert '<td class="num">21022</td><td class="num">21500</td>' in seven  # 序时进度, actual
    assert ('<div class="bar" title="完成率 70.7% · 序时进度 66.7%"><span class="fill" '
            'style="width: 71%; background: #1e7e34"></span><span class="tick" style="left: 67%">'
            '</span></div><span class="bar-label">70.7%</span>') in seven
    assert '<span class="status status-on_track" style="--status: #1e7e34">' in seven
    assert ">创造</td>" in seven


def test_the_dashboard_table_still_sorts_and_pages(binhai_figures, leader_binhai, client_for):
    client = client_for(leader_binhai)
    url = reverse("dashboards:district", args=["binhai"])
    table = client.get(url, {"year": 2023, "sort": "status"}).context["table"]
    ranks = [row.record.status_rank for row in table.paginated_rows]
    assert ranks == sorted(ranks) and ranks[0] == 1  # on track first: nothing achieved
    content = client.get(url, {"year": 2023, "page": 2}).content.decode()
    total = Indicator.objects.filter(plan__district__code="binhai").count()
    rows = table_rows(content)
    assert len(rows) == total - 25 and rows[0].startswith('class="even"')
    assert '<a href="?year=2023&amp;page=1">' in content


@pytest.fixture
def binhai_progress():
    rows = list(Task.objects.rows().filter(plan__district__code="binhai").order_by("plan_id",
                                                                                   "position"))
    TaskProgress.objects.create(task=rows[0], year=2023, status="delayed", percent=20,
                                review_status=APPROVED, narrative="进展" * 80, reason="资金未到位")
    TaskProgress.objects.create(task=rows[1], year=2023, status="completed", percent=100,
                                review_status=APPROVED, narrative="已完成")
    return rows


def test_the_task_board_writes_each_row_under_its_headings(binhai_progress, leader_binhai,
                                                          client_for):
    response = client_for(leader_binhai).get(reverse("dashboards:tasks", args=["binhai"]),
                                             {"year": 2023})
    content, shown = response.content.decode(), response.context["rows"]
    assert len(shown) == len(binhai_progress)
    paths = [" › ".join(row.path) for row in shown]
    groups = [p for i, p in enumerate(paths) if i == 0 or p != paths[i - 1]]
    assert content.count('<tr class="group">') == len(groups)
    delayed, completed = shown[0], shown[1]
    assert content.count('<tr class="row-red">') == 1
    unit_url = reverse("dashboards:unit_tasks", args=["binhai", delayed.lead_unit_id])
    assert f'<a href="{unit_url}?year=2023">{delayed.lead_unit.name}</a>' in content
    assert '<span class="task-status task-delayed">滞后</span>' in content
    assert '<td class="num">20%</td>' in content and '<td class="num">100%</td>' in content
    assert f'<td class="small">{Truncator("进展" * 80).chars(120)}<div' in content
    assert '<div class="returned">滞后原因：资金未到位</div>' in content
    body = content[content.index("<tbody>"):]
    assert body.count('<span class="task-status task-none">未填报</span>') == len(shown) - 2
    supported = (Task.objects.rows().filter(plan__district__code="binhai")
                 .filter(tasksupport__position=1).first())
    names = list(TaskSupport.objects.filter(task=supported).order_by("position")
                 .values_list("unit__name", flat=True))
    assert len(names) >= 2 and f'<td class="small">{"、".join(names)}</td>' in content
    assert '<td class="small">—</td>' in content  # a row with no supporting unit
    if any(row.units_inferred for row in shown):
        assert "单位为推定" in content


def test_a_units_board_shows_each_rows_headings_and_nothing_found_says_so(
        binhai_progress, leader_binhai, client_for):
    client = client_for(leader_binhai)
    unit = binhai_progress[0].lead_unit
    response = client.get(reverse("dashboards:unit_tasks", args=["binhai", unit.pk]),
                          {"year": 2023})
    content = response.content.decode()
    assert '<tr class="group">' not in content
    for row in response.context["rows"]:
        assert f'<div class="muted small">{" › ".join(row.path)}</div>' in content
    content = client.get(reverse("dashboards:tasks", args=["binhai"]),
                         {"year": 2023, "status": "not_started"}).content.decode()
    assert '<td colspan="6" class="muted">没有符合条件的任务。</td>' in content


def test_the_comparison_writes_each_districts_row(leader_all, client_for):
    custody = Indicator.objects.select_related("plan").get(plan__district__code="baoshui",
                                                           number="9")
    for year, value in [(2021, 160), (2022, 150), (2023, 10)]:
        Figure.objects.create(indicator=custody, year=year, value=Decimal(value),
                              review_status=APPROVED)
    response = client_for(leader_all).get(reverse("dashboards:compare", args=["custody"]),
                                          {"year": 2024})
    content = response.content.decode()
    plan = custody.plan
    assert (f'<a href="{reverse("dashboards:plan", args=[plan.pk])}">' in content
            and f'<span class="muted">{plan.period_label}</span>' in content)
    address = reverse("dashboards:indicator", args=[custody.pk])
    assert f'<a href="{address}?year=2023">9. {custody.name}</a>' in content
    assert '<span class="muted small">（累计）</span>' in content
    assert '<td class="num">2023<br><span class="muted small">方案已结束</span></td>' in content
    assert '<td class="num">320</td><td class="num">300</td>' in content  # actual, 序时进度
    assert '<td class="nowrap">≥300（2022）</td>' in content
    body = content[content.index("<tbody>"):]
    assert body.count("<tr><th>") == len(response.context["rows"])
