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
    assert bars["type"] == "bar" and expected["marker"]["symbol"] == "line-ew-open"
    assert response.context["chart_percent"]["layout"]["yaxis"]["title"] == {"text": "%"}
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
