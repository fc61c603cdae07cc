"""The dashboards' charts are written as plain figure data, not built through plotly.py: each
must be exactly what plotly.py makes of it (every property valid, titles as {"text": …}, its
default template in the layout), so plotly.js draws the same chart as when plotly.py built it."""

import json
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from dashboards import charts
from indicators.models import Figure, Indicator, Target
from indicators.services import target_adjust
from reporting.choices import ReviewStatus
from tasks.models import Task, TaskProgress

pytestmark = pytest.mark.django_db

APPROVED = ReviewStatus.APPROVED


def as_plotly_builds_it(figure: dict) -> dict:
    return json.loads(go.Figure(figure).to_json())


def plotly_template() -> dict:
    return json.loads(go.Figure().to_json())["layout"]["template"]


def approve(code, number, year, value=None, done=None):
    indicator = Indicator.objects.get(plan__district__code=code, number=number)
    Figure.objects.create(indicator=indicator, year=year, review_status=APPROVED, done=done,
                          value=None if value is None else Decimal(str(value)))
    return indicator


@pytest.fixture
def binhai_data(coordinator_binhai):
    """滨海: 7 behind then achieved with an adjusted target, 8 behind, 12 at risk, T19 not done,
    the growth rate T5 and its quantity 17; two task rows with approved progress."""
    seven = approve("binhai", "7", 2022, 14000)
    approve("binhai", "7", 2023, 19000)
    approve("binhai", "8", 2023, 180)
    approve("binhai", "12", 2023, 500)
    approve("binhai", "T19", 2023, done=False)
    for year, value in [(2021, 10), (2022, 12), (2023, 15)]:
        approve("binhai", "17", year, value)
    target_adjust(target=Target.objects.get(indicator=seven, year=2024), value=Decimal(27000),
                  reason="中期评估后上调", user=coordinator_binhai)
    first, second = Task.objects.rows().filter(plan__district__code="binhai").order_by("pk")[:2]
    TaskProgress.objects.create(task=first, year=2023, status="delayed", percent=20,
                                review_status=APPROVED)
    TaskProgress.objects.create(task=second, year=2023, status="completed", percent=100,
                                review_status=APPROVED)
    return seven


def test_the_district_dashboards_charts_are_what_plotly_builds(binhai_data, leader_binhai,
                                                              client_for):
    response = client_for(leader_binhai).get(reverse("dashboards:district", args=["binhai"]),
                                             {"year": 2023})
    for name in ("chart_percent", "chart_categories", "chart_units"):
        figure = response.context[name]
        assert figure == as_plotly_builds_it(figure), name
        assert figure["layout"]["template"] == plotly_template()
        assert figure["layout"]["font"]["family"] == charts.FONT
    bars, expected = response.context["chart_percent"]["data"]
    assert bars["type"] == "bar" and expected["marker"]["symbol"] == "line-ns-open"
    assert response.context["chart_percent"]["layout"]["xaxis"]["ticksuffix"] == "%"
    statuses = {trace["name"]: sum(trace["y"])
                for trace in response.context["chart_categories"]["data"]}
    assert statuses["滞后"] >= 1 and statuses["预警"] == 1
    units = {trace["name"]: sum(trace["x"]) for trace in response.context["chart_units"]["data"]}
    assert units["滞后"] == 1 and units["已完成"] == 1
    assert units["未填报"] == Task.objects.rows().filter(plan__district__code="binhai").count() - 2


def test_the_indicator_pages_chart_is_what_plotly_builds(binhai_data, leader_binhai, client_for):
    client = client_for(leader_binhai)
    response = client.get(reverse("dashboards:indicator", args=[binhai_data.pk]), {"year": 2023})
    chart = response.context["chart"]
    assert chart == as_plotly_builds_it(chart)
    names = [trace["name"] for trace in chart["data"]]
    assert names == ["序时进度（应达值）", "目标值", "原目标值（调整前）", "基础值", "实际值（已审核）"]
    assert chart["layout"]["xaxis"]["title"] == {"text": "年份"}
    growth = Indicator.objects.get(plan__district__code="binhai", number="T5")
    chart = client.get(reverse("dashboards:indicator", args=[growth.pk]),
                       {"year": 2023}).context["chart"]
    assert chart == as_plotly_builds_it(chart)
    assert chart["layout"]["annotations"][0]["text"] == "单位：%"


def test_the_comparison_chart_is_what_plotly_builds(binhai_data, leader_all, client_for):
    concept = Indicator.objects.get(plan__district__code="binhai", number="7").concept
    response = client_for(leader_all).get(reverse("dashboards:compare", args=[concept]),
                                          {"year": 2023})
    chart = response.context["chart"]
    assert chart == as_plotly_builds_it(chart)
    (bars,) = chart["data"]
    assert len(bars["y"]) == len(response.context["rows"]) > 1


def test_the_heat_map_is_what_plotly_builds():
    figure = charts.heat_map({"categories": ["创造", "保护"], "districts": ["滨海新区", "武清区"],
                              "cells": [[50.0, None], [100.0, 0.0]],
                              "counts": [[(1, 2), (0, 0)], [(3, 3), (0, 4)]]})
    assert figure == as_plotly_builds_it(figure)
    (heat,) = figure["data"]
    assert heat["text"] == [["1/2", "—"], ["3/3", "0/4"]]
    assert heat["colorbar"]["title"] == {"text": "正常及完成占比 %"}


def many_rows(count: int):
    """``count`` dashboard rows as percent_by_indicator reads them (numbers 1…, then T1…)."""
    from types import SimpleNamespace

    from indicators.progress import Status

    statuses = [Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.BEHIND]
    rows = []
    for n in range(count):
        number = str(n + 1) if n < 20 else f"T{n - 19}"
        progress = SimpleNamespace(percent=Decimal(n * 37 % 101), status=statuses[n % 4],
                                   expected_percent=Decimal("66.67"))
        rows.append(SimpleNamespace(indicator=SimpleNamespace(
            number=number, name=f"第{n + 1}项知识产权指标的名称相当长需要截断显示"), progress=progress))
    return rows


@pytest.mark.parametrize("count", [5, 41, 60])
def test_the_percent_chart_gives_every_indicator_a_line_of_its_own(count):
    """Forty indicators side by side crowded their numbers on the axis: the indicators are
    rows, each label on a line of its own, the chart as tall as its rows need."""
    rows = many_rows(count)
    figure = charts.percent_by_indicator(rows)
    assert figure == as_plotly_builds_it(figure)
    bars, expected = figure["data"]
    assert bars["orientation"] == "h" and len(bars["y"]) == len(set(bars["y"])) == count
    assert expected["y"] == bars["y"] and expected["x"] == [66.67] * count
    assert expected["marker"]["symbol"] == "line-ns-open"  # 序时进度: a tick across its bar
    assert bars["y"][0] == "1 第1项知识产权指标的名…"  # number and a short name
    assert bars["y"][-1].startswith(rows[-1].indicator.number + " ")
    assert all(len(label) <= 18 for label in bars["y"])
    layout = figure["layout"]
    assert layout["yaxis"]["type"] == "category" and layout["yaxis"]["autorange"] == "reversed"
    assert layout["yaxis"]["automargin"] is True
    assert layout["xaxis"]["range"] == [0, 105] and layout["xaxis"]["ticksuffix"] == "%"
    margin = layout["margin"]
    per_row = (layout["height"] - margin["t"] - margin["b"]) / count
    assert per_row >= 20  # a line of 13 px text with room between
    assert layout["height"] <= 360 or count > 8  # a few indicators stay a small chart
